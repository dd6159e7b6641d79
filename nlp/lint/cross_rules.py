"""Cross-report rules (template.md rules 5–6): this year's report against the same body's last one.

Two reports are the same body's when their issuing bodies agree (one name may carry the region the
other leaves out: 淮安市洪泽区人民政府 / 洪泽区人民政府), or, lacking names, when region code and level
agree for a body that is not a department.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from nlp.lint.catalogue import make_finding
from nlp.lint.identities import APPLICANT_COLUMNS, cell_view
from nlp.lint.names import column_name, row_name
from nlp.schema import Cell, Finding, Report, TableKey

__all__ = ["cross_findings", "find_previous", "same_body"]

_IN_FORCE_COLUMNS = ("issued", "repealed", "in_force")
_BODY_NOISE = re.compile(r"[\s（(]*机关[）)]|\s+")


def _body(report: Report) -> str | None:
    name = report.issuing_body or report.meta.issuing_body
    return _BODY_NOISE.sub("", name) if name else None


def _year(report: Report) -> int | None:
    return report.year or report.meta.year


def same_body(a: Report, b: Report) -> bool:
    body_a, body_b = _body(a), _body(b)
    if body_a and body_b:
        return body_a == body_b or body_a.endswith(body_b) or body_b.endswith(body_a)
    region_a, region_b = a.meta.region.adcode, b.meta.region.adcode
    return bool(region_a) and region_a == region_b and a.meta.level == b.meta.level != "department"


def find_previous(report: Report, batch: Sequence[Report]) -> Report | None:
    """The same body's report for the year before, if the batch holds it (the first one found)."""
    year = _year(report)
    if year is None:
        return None
    return next((r for r in batch if _year(r) == year - 1 and r is not report and same_body(report, r)), None)


def cross_findings(report: Report, previous: Report) -> list[Finding]:
    return _carried_over_findings(report, previous) + _in_force_findings(report, previous)


def _number(report: Report, table: TableKey, row: str, column: str) -> Cell | None:
    found = report.tables.get(table)
    cell = found.cell(row, column) if found else None
    return cell if cell is not None and cell.kind == "number" and cell.value is not None else None


def _carried_over_findings(report: Report, previous: Report) -> list[Finding]:
    found: list[Finding] = []
    for column in (*APPLICANT_COLUMNS, "total"):
        now = _number(report, "applications", "carried_over", column)
        before = _number(previous, "applications", "carried_forward", column)
        if now is None or before is None or now.value == before.value:
            continue
        name = column_name("applications", column)
        found.append(
            make_finding(
                "X-CARRIED-OVER",
                message_zh=f"「{name}」列上年结转 {now.value}，但上年度报告（{previous.source}）"
                f"结转下年度继续办理为 {before.value}。",
                message_en=f"column {column}: carried_over is {now.value}, but last year's report "
                f"({previous.source}) carried {before.value} forward.",
                source=report.source,
                cells=[cell_view("applications", "carried_over", column, now)],
                correction=f"carried_over/{column} should be {before.value} if last year's report is right.",
                detail={
                    "previous_source": previous.source,
                    "previous_cell": cell_view("applications", "carried_forward", column, before).model_dump(
                        mode="json"
                    ),
                },
            )
        )
    return found


def _in_force_findings(report: Report, previous: Report) -> list[Finding]:
    found: list[Finding] = []
    for row in ("regulations", "normative_documents"):
        cells = {c: _number(report, "active_disclosure", row, c) for c in _IN_FORCE_COLUMNS}
        before = _number(previous, "active_disclosure", row, "in_force")
        present = {c: cell for c, cell in cells.items() if cell is not None}
        if before is None or len(present) < len(_IN_FORCE_COLUMNS):
            continue
        issued, repealed, in_force = (_value(present[c]) for c in _IN_FORCE_COLUMNS)
        expected = _value(before) + issued - repealed
        if in_force != expected:
            found.append(_in_force_finding(report, previous, row, present, before, expected))
    return found


def _value(cell: Cell) -> int | Decimal:
    return cell.value if cell.value is not None else 0


def _in_force_finding(
    report: Report, previous: Report, row: str, cells: dict[str, Cell], before: Cell, expected: int | Decimal
) -> Finding:
    name = row_name("active_disclosure", row)
    issued, repealed, in_force = (cells[c].value for c in _IN_FORCE_COLUMNS)
    return make_finding(
        "X-IN-FORCE",
        message_zh=f"「{name}」现行有效 {in_force}，但上年度现行有效 {before.value} + 本年制发 {issued} − "
        f"本年废止 {repealed} = {expected}。",
        message_en=f"row {row}: in_force is {in_force}, but last year's {before.value} + issued {issued} − "
        f"repealed {repealed} = {expected}.",
        source=report.source,
        cells=[cell_view("active_disclosure", row, c, cells[c]) for c in _IN_FORCE_COLUMNS],
        correction=f"{row}/in_force should be {expected} = {before.value}+{issued}−{repealed}, "
        "unless documents lapsed without being repealed.",
        detail={"previous_source": previous.source, "previous_in_force": before.value},
    )
