"""Claims against the tables: every reading of a metric is tried; the verdict says which held.

A reading is a sum of cells (claims.yaml `metrics`). A claim is supported when one reading's sum equals
its value, contradicted when readings could be computed and none does, unverifiable when no reading
could be computed (table or cells missing, blank or not applicable). Metrics of table 3's outcome groups
also try the row whose label the claim's phrase matches best (rapidfuzz over jieba tokens).

A table-3 总计 printed blank, or printed 0 beside non-zero applicant cells, is read twice: as printed and
derived from the six applicant columns (`<reading>:derived_total`); the verdict says which held. A
contradicted claim whose sentence groups rows the template does not (不予公开3件，其中包括本机关不掌握…) also
has the regrouped sum computed, so the finding can give the reason; it stays contradicted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz

from nlp.schema import Cell, Claim, FindingCell, Report, Table, TableKey, Tables

__all__ = [
    "Reading",
    "Regrouping",
    "VerifyConfig",
    "derived_total_reading",
    "lookup_cell",
    "readings_for",
    "regroupings_for",
    "verify_claim",
]

Tokenize = Callable[[str], list[str]]
_TABLE_KEYS: tuple[TableKey, ...] = ("active_disclosure", "applications", "review_litigation")
_TOLERANCE = Decimal("0.00005")  # money: 3940元 vs 0.394万元 printed with four decimals


@dataclass(frozen=True)
class Reading:
    name: str
    cells: tuple[tuple[TableKey, str, str], ...]  # (table, row, column)


@dataclass(frozen=True)
class VerifyConfig:
    metrics: dict[str, Any]
    money_factor: dict[str, Decimal]
    row_labels: dict[str, tuple[str, ...]]  # table 3 row key → printed label and variants
    align_threshold: float
    scope_cues: tuple[tuple[str, re.Pattern[str], str], ...]  # (cue, regex, when)
    department_body: re.Pattern[str]
    applicant_columns: tuple[str, ...] = ()  # table 3's six applicant columns, summed for a derived 总计


@dataclass(frozen=True)
class Regrouping:
    """Rows summed as the prose groups them, tried only to explain a contradiction."""

    name: str
    cue: re.Pattern[str]
    reason: str
    reading: Reading


def _parse_ref(ref: str, column: str) -> tuple[TableKey, str, str]:
    table, row, col = ref.replace("$column", column).split("/")
    if table not in _TABLE_KEYS:
        raise ValueError(f"unknown table {table!r} in {ref!r}")
    return table, row, col  # type: ignore[return-value]


def readings_for(claim: Claim, config: VerifyConfig, *, tokenize: Tokenize) -> list[Reading]:
    """The configured readings of the claim's metric, then the fuzzily aligned row if any."""
    spec = config.metrics.get(claim.metric) or {}
    column = claim.column or "total"
    readings = [
        Reading(name, tuple(_parse_ref(ref, column) for ref in refs))
        for name, refs in (spec.get("readings") or {}).items()
    ]
    aligned = _aligned_row(claim.phrase or "", spec.get("align") or [], config, tokenize=tokenize)
    if aligned is not None:
        readings.append(Reading(f"aligned:{aligned}", (("applications", aligned, column),)))
    return readings


def regroupings_for(claim: Claim, config: VerifyConfig) -> list[Regrouping]:
    """The metric's regroupings (claims.yaml `regroupings`) whose cue the claim's sentence carries."""
    spec = config.metrics.get(claim.metric) or {}
    column = claim.column or "total"
    found = []
    for name, entry in (spec.get("regroupings") or {}).items():
        cue = re.compile(str(entry["cue"]))
        if cue.search(claim.sentence):
            cells = tuple(_parse_ref(ref, column) for ref in entry["cells"])
            found.append(
                Regrouping(name, cue, str(entry.get("reason", "")), Reading(f"regrouped:{name}", cells))
            )
    return found


def _needs_derived_total(tables: Tables, row: str, applicants: Sequence[str]) -> bool:
    """A 总计 of table 3 printed blank (or not printed) beside six printed applicant numbers, or printed 0
    beside applicant numbers that do not sum to 0."""
    table = tables.get("applications")
    found = table.row(row) if table is not None else None
    if found is None or not applicants:
        return False
    parts = [found.cells.get(c) for c in applicants]
    if any(p is None or p.kind != "number" or p.value is None for p in parts):
        return False
    total = found.cells.get("total")
    printed = total.value if total is not None and total.kind == "number" else None
    return printed is None or (printed == 0 and sum(p.value for p in parts if p and p.value) != 0)


def derived_total_reading(reading: Reading, tables: Tables, applicants: Sequence[str]) -> Reading | None:
    """The reading with each blank or suspect table-3 总计 replaced by the six applicant columns, or None
    when no 总计 of the reading needs it."""
    cells: list[tuple[TableKey, str, str]] = []
    changed = False
    for table, row, column in reading.cells:
        if table == "applications" and column == "total" and _needs_derived_total(tables, row, applicants):
            cells.extend((table, row, c) for c in applicants)
            changed = True
        else:
            cells.append((table, row, column))
    return Reading(f"{reading.name}:derived_total", tuple(cells)) if changed else None


def _aligned_row(
    phrase: str, candidates: list[str], config: VerifyConfig, *, tokenize: Tokenize
) -> str | None:
    if not phrase or not candidates:
        return None
    words = " ".join(tokenize(phrase))
    scored = [
        (
            max(
                fuzz.token_set_ratio(words, " ".join(tokenize(label)))
                for label in config.row_labels.get(key, ())
            ),
            key,
        )
        for key in candidates
        if config.row_labels.get(key)
    ]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= config.align_threshold else None


def lookup_cell(tables: Tables, table: TableKey, row: str, column: str) -> tuple[Cell | None, str, str]:
    """The cell and the (row, column) it is stored under. Table 4 may be three group rows with result
    columns or one row with columns `review_total`, `suit_direct_upheld`, …: both are read."""
    found: Table | None = tables.get(table)
    if found is None:
        return None, row, column
    cell = found.cell(row, column)
    if cell is not None or table != "review_litigation":
        return cell, row, column
    flat = f"{row}_{column}"
    for candidate in found.rows:
        if flat in candidate.cells:
            return candidate.cells[flat], candidate.key or row, flat
    return None, row, column


def _evaluate(reading: Reading, tables: Tables) -> tuple[int | Decimal | None, list[FindingCell]]:
    total: int | Decimal = 0
    cells: list[FindingCell] = []
    complete = True
    for table, row, column in reading.cells:
        cell, row_key, column_key = lookup_cell(tables, table, row, column)
        value = cell.value if cell is not None and cell.kind == "number" else None
        cells.append(
            FindingCell(
                table=table,
                row=row_key,
                column=column_key,
                value=value,
                raw=cell.raw if cell else None,
                line=cell.line if cell else None,
            )
        )
        if value is None:
            complete = False
        else:
            total += value
    return (total if complete else None), cells


def _in_table_unit(claim: Claim, config: VerifyConfig) -> int | Decimal:
    factor = config.money_factor.get(claim.unit or "")
    if factor is None or factor == 1:
        return claim.value
    return Decimal(claim.value) * factor


def _equal(stated: int | Decimal, table: int | Decimal) -> bool:
    if isinstance(stated, int) and isinstance(table, int):
        return stated == table
    return abs(Decimal(stated) - Decimal(table)) <= _TOLERANCE


def _is_department(report: Report, config: VerifyConfig) -> bool:
    """The metadata's level when it knows one; otherwise how the issuing body's name ends."""
    if report.meta.level != "unknown":
        return report.meta.level == "department"
    body = report.issuing_body or report.meta.issuing_body or ""
    return bool(body) and bool(config.department_body.search(body))


def scope_cue(claim: Claim, report: Report, config: VerifyConfig) -> str | None:
    """The first scope cue of the claim's sentence that applies to this report."""
    for cue, regex, when in config.scope_cues:
        if when == "department" and not _is_department(report, config):
            continue
        if regex.search(claim.sentence):
            return cue
    return None


def verify_claim(claim: Claim, report: Report, config: VerifyConfig, *, tokenize: Tokenize) -> Claim:
    """A copy of `claim` with verdict, reading, readings_tried, cells and scope_cue filled."""
    stated = _in_table_unit(claim, config)
    tried: dict[str, int | Decimal | None] = {}
    first_cells: list[FindingCell] = []
    for printed in readings_for(claim, config, tokenize=tokenize):
        derived = derived_total_reading(printed, report.tables, config.applicant_columns)
        for reading in (printed, derived) if derived is not None else (printed,):
            value, cells = _evaluate(reading, report.tables)
            tried[reading.name] = value
            first_cells = first_cells or (cells if value is not None else [])
            if value is not None and _equal(stated, value):
                return _verdict(claim, "supported", reading.name, tried, cells, report, config)
    if all(v is None for v in tried.values()):
        return _verdict(claim, "unverifiable", _describe(tried), tried, first_cells, report, config)
    reasons = []
    for regrouping in regroupings_for(claim, config):
        value, _ = _evaluate(regrouping.reading, report.tables)
        tried[regrouping.reading.name] = value
        if value is not None and _equal(stated, value):
            reasons.append(f"{regrouping.reading.name}={value} holds: {regrouping.reason}")
    description = "; ".join([_describe(tried), *reasons])
    return _verdict(claim, "contradicted", description, tried, first_cells, report, config)


def _describe(tried: dict[str, int | Decimal | None]) -> str:
    if not tried:
        return "no reading"
    return "; ".join(f"{name}={'missing' if v is None else v}" for name, v in tried.items())


def _verdict(
    claim: Claim,
    verdict: str,
    reading: str,
    tried: dict[str, int | Decimal | None],
    cells: list[FindingCell],
    report: Report,
    config: VerifyConfig,
) -> Claim:
    return claim.model_copy(
        update={
            "verdict": verdict,
            "reading": reading,
            "readings_tried": dict(tried),
            "cells": list(cells),
            "scope_cue": scope_cue(claim, report, config),
        }
    )


def verify_all(
    claims: Sequence[Claim], report: Report, config: VerifyConfig, *, tokenize: Tokenize
) -> list[Claim]:
    return [verify_claim(c, report, config, tokenize=tokenize) for c in claims]
