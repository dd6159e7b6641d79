"""Mutation suite: change one table cell, one narrative number, or drop one table row IN THE TEXT,
re-extract, and check that the lint flags it.

Oracles, computed on the unmutated report:
* a changed cell breaks an identity when some identity through the cell held before (delta ≠ 0);
  flagged when an error-level arithmetic finding names the cell;
* a changed narrative number breaks its claim when nlp.claims, given the original tables, finds no
  reading that supports the new number; flagged when the re-extracted claim at that place is reported
  (C-CONTRADICTED, or C-SCOPE when a scope cue applies);
* a dropped row always breaks the structure; flagged when a new error-level finding appears.
Deterministic (fixed random seeds); the detection rate is printed (run with -s to see it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from nlp.claims import verify_claims
from nlp.extract import extract_text
from nlp.lint import CheckResult, check_report
from nlp.lint.identities import Ref, all_identities, evaluate, lookup
from nlp.schema import Cell, Report

ROOT = Path(__file__).resolve().parent.parent
TEXTS = {
    "pengshui_2021": ROOT / "samples" / "seeds" / "pengshui_2021.txt",
    "lingqiu_2022": ROOT / "samples" / "seeds" / "lingqiu_2022.txt",
    "muye_2021": ROOT / "samples" / "seeds" / "muye_2021.txt",
    "songxian_2021": ROOT / "samples" / "seeds" / "songxian_2021.txt",
    "huaian_gov_2024": ROOT / "tests" / "fixtures" / "transcribed" / "huaian_gov_2024.txt",
    "hongze_2023": ROOT / "tests" / "fixtures" / "transcribed" / "hongze_2023.txt",
}
CONSISTENT = ("pengshui_2021", "lingqiu_2022", "muye_2021", "huaian_gov_2024")
CELLS_PER_REPORT = 14
ROWS_PER_REPORT = 5
ARITHMETIC = {"T3-BALANCE", "T3-OUTCOMES", "T3-ROW-TOTAL", "T4-GROUP-TOTAL"}


@dataclass(frozen=True)
class Mutant:
    base: str
    kind: str  # cell | claim | row
    what: str
    text: str
    breaks: bool
    target: tuple[str, str] | tuple[int, int] | None  # (row, column) for cells, (start, end) for claims


@cache
def _text(name: str) -> str:
    return TEXTS[name].read_text(encoding="utf-8")


@cache
def _original(name: str) -> tuple[Report, CheckResult]:
    report = extract_text(_text(name), source=name)
    return report, check_report(report)


def _lint(text: str, name: str) -> CheckResult:
    return check_report(extract_text(text, source=name))


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


# --- mutants --------------------------------------------------------------------------------------


def _number_cells(report: Report) -> list[tuple[Ref, Cell]]:
    """Placed number cells of tables 3 and 4, with the Ref the identities know them by."""
    refs = {ref for identity in all_identities(report.tables) for ref in identity.refs}
    found = []
    for ref in sorted(refs, key=lambda r: (r.table, r.row, r.column)):
        cell, _, _ = lookup(report.tables, ref)
        if cell is not None and cell.kind == "number" and cell.span is not None:
            found.append((ref, cell))
    return found


def _breaks_identity(report: Report, ref: Ref) -> bool:
    return any(
        e is not None and e.holds
        for e in (evaluate(i, report.tables) for i in all_identities(report.tables) if ref in i.refs)
    )


def _cell_mutants(name: str, rng: random.Random) -> list[Mutant]:
    report, _ = _original(name)
    cells = _number_cells(report)
    mutants = []
    for ref, cell in rng.sample(cells, min(CELLS_PER_REPORT, len(cells))):
        assert cell.span is not None and isinstance(cell.value, int)
        delta = rng.choice([d for d in (-2, -1, 1, 2, 3) if cell.value + d >= 0])
        text = _replace(_text(name), cell.span.start, cell.span.end, str(cell.value + delta))
        stored = lookup(report.tables, ref)
        what = f"{ref.table}/{ref.row}/{ref.column} {cell.value}→{cell.value + delta}"
        mutants.append(
            Mutant(name, "cell", what, text, _breaks_identity(report, ref), (stored[1], stored[2]))
        )
    return mutants


def _claim_mutants(name: str, rng: random.Random) -> list[Mutant]:
    report, result = _original(name)
    text = _text(name)
    mutants = []
    for claim in result.claims:
        if claim.negative or claim.verdict != "supported" or not isinstance(claim.value, int):
            continue
        phrase = text[claim.span.start : claim.span.end]
        digits = str(claim.value)
        if digits not in phrase:
            continue  # a Chinese numeral (三件): left alone rather than guessed at
        new_value = claim.value + rng.choice([d for d in (-2, -1, 1, 2, 5) if claim.value + d >= 0])
        changed = claim.model_copy(
            update={"value": new_value, "verdict": None, "reading": None, "readings_tried": {}, "cells": []}
        )
        (oracle,) = verify_claims([changed], report)
        start = claim.span.start + phrase.index(digits)
        mutated = _replace(text, start, start + len(digits), str(new_value))
        what = f"{claim.metric} {claim.value}→{new_value} in {claim.sentence[:30]}"
        mutants.append(
            Mutant(name, "claim", what, mutated, oracle.verdict == "contradicted", (start, claim.span.end))
        )
    return mutants


def _row_mutants(name: str, rng: random.Random) -> list[Mutant]:
    report, _ = _original(name)
    text_lines = _text(name).split("\n")
    rows = [
        (key, row)
        for key in ("active_disclosure", "applications", "review_litigation")
        for row in (report.tables.get(key).rows if report.tables.get(key) else [])  # type: ignore[union-attr]
        if row.key and row.cells
    ]
    mutants = []
    for key, row in rng.sample(rows, min(ROWS_PER_REPORT, len(rows))):
        lines = {c.line for c in row.cells.values() if c.line} | ({row.line} if row.line else set())
        kept = [t for i, t in enumerate(text_lines, start=1) if i not in lines]
        mutants.append(Mutant(name, "row", f"drop {key}/{row.key}", "\n".join(kept), True, None))
    return mutants


@cache
def _mutants() -> tuple[Mutant, ...]:
    found: list[Mutant] = []
    for i, name in enumerate(TEXTS):
        rng = random.Random(1000 + i)
        found += _cell_mutants(name, rng) + _claim_mutants(name, rng) + _row_mutants(name, rng)
    return tuple(found)


# --- detection ------------------------------------------------------------------------------------


def _signature(result: CheckResult) -> set[tuple[str, tuple[tuple[str, str, str], ...]]]:
    return {
        (f.rule, tuple((c.table, c.row, c.column) for c in f.cells))
        for f in result.findings
        if f.severity == "error"
    }


def _flagged(mutant: Mutant) -> bool:
    result = _lint(mutant.text, mutant.base)
    if mutant.kind == "cell":
        return any(
            f.rule in ARITHMETIC
            and f.severity == "error"
            and mutant.target in {(c.row, c.column) for c in f.cells}
            for f in result.findings
        )
    if mutant.kind == "claim":
        start = mutant.target[0]  # type: ignore[index]
        return any(
            f.rule in {"C-CONTRADICTED", "C-SCOPE"}
            and f.span is not None
            and f.span.start <= start < f.span.end
            for f in result.findings
        )
    return bool(_signature(result) - _signature(_original(mutant.base)[1]))


@pytest.mark.parametrize("name", CONSISTENT)
def test_mutation_unmutated_consistent_reports_have_no_errors(name: str) -> None:
    _, result = _original(name)
    assert [f.rule for f in result.findings if f.severity == "error"] == []


def test_mutation_detection_rate_is_at_least_95_percent() -> None:
    breaking = [m for m in _mutants() if m.breaks]
    missed = [m for m in breaking if not _flagged(m)]
    by_kind = {k: sum(m.kind == k for m in breaking) for k in ("cell", "claim", "row")}
    rate = 1 - len(missed) / len(breaking)
    print(
        f"\nmutation suite: {len(_mutants())} mutants, {len(breaking)} break an identity, a claim or a row "
        f"({by_kind}); flagged {len(breaking) - len(missed)} = {rate:.1%}"
    )
    for m in missed:
        print(f"  missed: {m.base} {m.kind} {m.what}")
    assert by_kind["cell"] >= 50 and by_kind["claim"] >= 10 and by_kind["row"] >= 20
    assert rate >= 0.95
