"""Table rules: the arithmetic of template.md (rules 1–4) and the sanity of counts.

Each failing identity gives one finding naming its cells. Its correction comes from looking at all
failing identities together: a cell is a *suspect* for a failing identity when changing that one cell
alone (to a non-negative count) would repair every verifiable identity through it without breaking any
that holds. One suspect: the message says which cell is wrong and what it should be. Several: the
correction gives the total implied by the parts and lists the alternatives.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from nlp.lint.catalogue import lint_config, make_finding
from nlp.lint.identities import (
    Evaluated,
    Identity,
    Number,
    Ref,
    all_identities,
    cell_view,
    evaluate,
)
from nlp.lint.names import column_name, row_name, table_name
from nlp.schema import Cell, Finding, Report, TableKey, Tables

__all__ = ["Suspect", "arithmetic_findings", "count_findings", "suspects", "table_findings"]


@dataclass(frozen=True)
class Suspect:
    """One cell whose change alone would repair a failing identity."""

    ref: Ref
    printed: Number
    should_be: Number


def table_findings(report: Report) -> list[Finding]:
    return arithmetic_findings(report) + count_findings(report)


def arithmetic_findings(report: Report) -> list[Finding]:
    """One finding per failing identity (rules 1–4); unverifiable identities are skipped."""
    evaluated = [e for e in (evaluate(i, report.tables) for i in all_identities(report.tables)) if e]
    failing = [e for e in evaluated if not e.holds]
    return [_arithmetic_finding(e, suspects(e, evaluated), source=report.source) for e in failing]


def suspects(failed: Evaluated, evaluated: Sequence[Evaluated]) -> list[Suspect]:
    """The cells of `failed` that could alone be wrong, given every other identity evaluated."""
    found: list[Suspect] = []
    for ref in failed.identity.refs:
        delta = -failed.residual * failed.identity.coefficient(ref)
        if all(_repaired_by(e, ref, delta) for e in evaluated if e.identity.coefficient(ref)):
            printed = failed.cells[ref].value or 0
            if printed + delta >= 0 and _is_whole(printed + delta):
                found.append(Suspect(ref, printed, printed + delta))
    return found


def _repaired_by(evaluated: Evaluated, ref: Ref, delta: Number) -> bool:
    """Would adding `delta` to `ref` leave this identity holding?"""
    return evaluated.residual + evaluated.identity.coefficient(ref) * delta == 0


def _is_whole(value: Number) -> bool:
    return isinstance(value, int) or value == value.to_integral_value()


def _cell_name(ref: Ref) -> tuple[str, str]:
    zh = f"{row_name(ref.table, ref.row)}·{column_name(ref.table, ref.column)}"
    return zh, f"{ref.row}/{ref.column}"


def _side(evaluated: Evaluated, refs: tuple[Ref, ...], *, parts: tuple[str, str]) -> tuple[str, str]:
    """`予以公开 2 + 部分公开 0` for short sums, `各办理结果之和` for long ones (zh, en)."""
    values = [evaluated.cells[r].value for r in refs]
    if len(refs) > 4 and parts[0]:
        return f"{parts[0]}之和", f"the sum of {parts[1]}"
    names = [_cell_part(evaluated.identity, r) for r in refs]
    zh = " + ".join(f"{n[0]} {v}" for n, v in zip(names, values, strict=True))
    en = " + ".join(f"{n[1]} {v}" for n, v in zip(names, values, strict=True))
    return zh, en


def _cell_part(identity: Identity, ref: Ref) -> tuple[str, str]:
    """Within a column only the row is named; within a row or group only the column."""
    if identity.scope.startswith("column"):
        return row_name(ref.table, ref.row), ref.row
    return column_name(ref.table, ref.column), ref.column


def _scope_name(identity: Identity) -> tuple[str, str]:
    kind, _, key = identity.scope.partition(" ")
    table = identity.refs[0].table
    if kind == "column":
        return f"{table_name(table)}「{column_name(table, key)}」列", f"table {table}, column {key}"
    if kind == "row":
        return f"{table_name(table)}「{row_name(table, key)}」行", f"table {table}, row {key}"
    return f"{table_name(table)}「{row_name(table, key)}」", f"table {table}, {key}"


def _arithmetic_finding(evaluated: Evaluated, found: list[Suspect], *, source: str) -> Finding:
    identity = evaluated.identity
    scope_zh, scope_en = _scope_name(identity)
    lhs_zh, lhs_en = _side(evaluated, identity.lhs, parts=(identity.parts_zh, identity.parts_en))
    rhs_zh, rhs_en = _side(evaluated, identity.rhs, parts=("", ""))
    if len(identity.rhs) == 1:  # a single total reads "总计为 0", a sum "a 1 + b 2 = 3"
        name_zh, name_en = _cell_part(identity, identity.rhs[0])
        rhs_zh, rhs_en = f"{name_zh}为 {evaluated.rhs_sum}", f"{name_en} is {evaluated.rhs_sum}"
    else:
        rhs_zh, rhs_en = f"{rhs_zh} = {evaluated.rhs_sum}", f"{rhs_en} = {evaluated.rhs_sum}"
    correction_zh, correction_en = _correction(evaluated, found)
    return make_finding(
        identity.rule,
        message_zh=f"{scope_zh}：{lhs_zh} = {evaluated.lhs_sum}，但{rhs_zh}。{correction_zh}",
        message_en=f"{scope_en}: {lhs_en} = {evaluated.lhs_sum}, but {rhs_en}. {correction_en}",
        source=source,
        cells=list(evaluated.cells.values()),
        correction=correction_en,
        detail={
            "identity": identity.scope,
            "lhs": evaluated.lhs_sum,
            "rhs": evaluated.rhs_sum,
            "suspects": [
                {"row": s.ref.row, "column": s.ref.column, "printed": s.printed, "should_be": s.should_be}
                for s in found
            ],
        },
    )


def _correction(evaluated: Evaluated, found: list[Suspect]) -> tuple[str, str]:
    if len(found) == 1:
        zh, en = _cell_name(found[0].ref)
        return (
            f"只有「{zh}」一格有误才能与其他勾稽关系一致：应为 {found[0].should_be}"
            f"（印为 {found[0].printed}）。",
            f"Only one cell can be wrong: {en} should be {found[0].should_be} (printed {found[0].printed}).",
        )
    implied_zh, implied_en = _implied_total(evaluated)
    if not found:
        return (
            f"没有单独一格的改动能同时满足所有勾稽关系（可能不止一处有误）；{implied_zh}。",
            f"No single cell change satisfies every identity (more than one cell may be wrong); "
            f"{implied_en}.",
        )
    rhs = evaluated.identity.rhs
    alternatives = [s for s in found if len(rhs) > 1 or s.ref not in rhs]
    alt_zh = "，或".join(f"「{_cell_name(s.ref)[0]}」应为 {s.should_be}" for s in alternatives)
    alt_en = ", or ".join(f"{_cell_name(s.ref)[1]} should be {s.should_be}" for s in alternatives)
    if len(rhs) > 1:  # rule 1 has no single total to prefer: list every one-cell repair
        return (
            f"{implied_zh}；改正任一格均可：{alt_zh}。",
            f"{_capital(implied_en)}; any one repair: {alt_en}.",
        )
    return f"{implied_zh}（或{alt_zh}）。", f"{_capital(implied_en)} (or {alt_en})."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _implied_total(evaluated: Evaluated) -> tuple[str, str]:
    """`total should be 11 = 10+1+0+0`, read as if the right-hand side were the wrong cell."""
    identity = evaluated.identity
    parts = "+".join(str(evaluated.cells[r].value) for r in identity.lhs)
    if len(identity.rhs) == 1:
        zh, en = _cell_name(identity.rhs[0])
        return (
            f"若各分项无误，「{zh}」应为 {evaluated.lhs_sum} = {parts}",
            f"if the parts are right, {en} should be {evaluated.lhs_sum} = {parts}",
        )
    return f"两边相差 {evaluated.residual}", f"the two sides differ by {evaluated.residual}"


# --- counts are non-negative integers -------------------------------------------------------------


def count_findings(report: Report) -> list[Finding]:
    """COUNT-INVALID for every number cell that breaks its column's kind (count, decimal, signed)."""
    kinds: dict[str, str] = dict(lint_config().get("non_count_columns") or {})
    found: list[Finding] = []
    for table, row, column, cell in _number_cells(report.tables):
        # only table 2 has columns that are not counts (fees in 万元, the 2019 本年增/减)
        expected = kinds.get(column, "count") if table == "active_disclosure" else "count"
        if not _fits(cell.value, expected):
            found.append(_count_finding(table, row, column, cell, expected, source=report.source))
    return found


def _number_cells(tables: Tables) -> Iterator[tuple[TableKey, str, str, Cell]]:
    keys: tuple[TableKey, ...] = ("active_disclosure", "applications", "review_litigation")
    for key in keys:
        table = tables.get(key)
        for row in table.rows if table else []:
            for column, cell in row.cells.items():
                if row.key and cell.kind == "number":
                    yield key, row.key, column, cell


def _fits(value: Number | None, expected: str) -> bool:
    if value is None:
        return True
    if expected == "non_negative_decimal":
        return value >= 0
    whole = isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value())
    return whole and (expected == "signed_integer" or value >= 0)


def _count_finding(
    table: TableKey, row: str, column: str, cell: Cell, expected: str, *, source: str
) -> Finding:
    what_zh = {"non_negative_decimal": "非负数", "signed_integer": "整数"}.get(expected, "非负整数")
    what_en = {"non_negative_decimal": "non-negative", "signed_integer": "a whole number"}.get(
        expected, "a non-negative integer"
    )
    return make_finding(
        "COUNT-INVALID",
        message_zh=f"{table_name(table)}「{row_name(table, row)}·{column_name(table, column)}」"
        f"印为 {cell.raw}，应为{what_zh}。",
        message_en=f"table {table}, {row}/{column} is printed {cell.raw!r}; it must be {what_en}.",
        source=source,
        cells=[cell_view(table, row, column, cell)],
    )
