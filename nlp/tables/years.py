"""Decoding with the body's previous year: table 2's 现行有效 = last year's 现行有效 + 本年制发 − 本年废止.

A glued table-2 row (`行政规范性文件5416`) has no identity of its own, so its splits stay ambiguous within
one report. When the batch holds the same body's report for the year before, that identity can choose:
a split is kept only if its 现行有效 equals last year's plus this year's 制发 minus 废止. One split left →
its cells (method `arithmetic`, the previous report named in the reasoning); several → the cells they all
agree on; none → the row is left as it was (the report or last year's may be wrong: the lint says so).
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.align import LabelAligner, get_aligner
from nlp.errors import ErrorCode
from nlp.schema import DecodeMethod, Report, RowDecoding, TableRow
from nlp.tables.decode import agreed_cells, cells_of_reading

__all__ = ["may_narrow", "with_previous_year"]

_STOCK_ROWS = ("regulations", "normative_documents")


def may_narrow(report: Report) -> bool:
    """Whether a previous year could narrow this report: only an ambiguous glued table-2 stock row can be."""
    table = report.tables.active_disclosure
    rows = table.rows if table is not None else []
    return any(
        r.key in _STOCK_ROWS and r.decoding is not None and r.decoding.method == "ambiguous" for r in rows
    )


def with_previous_year(report: Report, previous: Report, *, aligner: LabelAligner | None = None) -> Report:
    """`report` with its ambiguous table-2 stock rows narrowed by `previous` (a copy; unchanged if nothing
    could be narrowed)."""
    table, last = report.tables.active_disclosure, previous.tables.active_disclosure
    if table is None or last is None or "2019" in (report.format, previous.format) or not may_narrow(report):
        return report  # before the deep copy below, which costs more than the whole check of most reports
    aligner = aligner or get_aligner()
    updated = report.model_copy(deep=True)
    outcomes: dict[str | None, DecodeMethod] = {}
    for row in updated.tables.active_disclosure.rows if updated.tables.active_disclosure else []:
        stock = last.value(row.key or "", "in_force")
        if row.key in _STOCK_ROWS and isinstance(stock, int):
            outcome = _narrow(row, stock, previous, aligner)
            if outcome is not None:
                outcomes[row.key] = outcome
    if not outcomes:
        return report
    resolved = [key for key, method in outcomes.items() if method == "arithmetic"]
    updated.problems = [p for p in updated.problems if not _resolved(p.code, p.table, p.row, resolved)]
    return updated


def _narrow(row: TableRow, stock: int, previous: Report, aligner: LabelAligner) -> DecodeMethod | None:
    """The row's new decoding method when last year's stock narrows its splits, else None."""
    decoding = row.decoding
    block = aligner.block_of_row(row.key or "")
    if decoding is None or decoding.method != "ambiguous" or block is None:
        return None
    columns = block.columns.get("2021", ())
    keep = [r for r in decoding.consistent if _stock_holds(r, columns, stock)]
    if not keep or len(keep) == len(decoding.consistent):
        return None
    readings = [cells_of_reading(r, decoding) for r in keep]
    row.cells = (
        agreed_cells(readings, columns) if len(keep) > 1 else dict(zip(columns, readings[0], strict=True))
    )
    row.printed = list(readings[0]) if len(keep) == 1 else []
    row.decoding = _decoding(decoding, keep, stock, previous)
    return row.decoding.method


def _stock_holds(reading: Sequence[str], columns: Sequence[str], stock: int) -> bool:
    values = dict(zip(columns, reading, strict=True))
    issued, repealed, in_force = (values.get(k, "") for k in ("issued", "repealed", "in_force"))
    if not (issued.isdigit() and repealed.isdigit() and in_force.isdigit()):
        return True
    return int(in_force) == stock + int(issued) - int(repealed)


def _decoding(old: RowDecoding, keep: list[list[str]], stock: int, previous: Report) -> RowDecoding:
    why = (
        f"; 现行有效 = last year's {stock} ({previous.source}) + 制发 − 废止 leaves {len(keep)} of "
        f"{len(old.consistent)}"
    )
    return old.model_copy(
        update={
            "method": "arithmetic" if len(keep) == 1 else "ambiguous",
            "consistent": keep,
            "reasoning": old.reasoning + why,
        }
    )


def _resolved(code: str, table: str | None, row: str | None, narrowed: Sequence[str | None]) -> bool:
    return code == ErrorCode.CELLS_GLUED_AMBIGUOUS and table == "active_disclosure" and row in narrowed
