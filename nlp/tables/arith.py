"""The template's arithmetic as checks on one candidate reading of a row (docs/template.md).

Used to choose between the readings of a row that printed more values than it has columns. Rows the text
lacks are unknown, non-negative quantities: an identity with unknown terms becomes an inequality.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from nlp.align import LabelAligner
from nlp.schema import Cell, Table
from nlp.tables.cells import numbers_of

__all__ = [
    "application_check",
    "applications_hold",
    "column_confirms",
    "review_check",
    "review_quick",
    "row_sum_quick",
]

Check = Callable[[Sequence[Cell]], bool]
Number = int | Decimal


def review_check(aligner: LabelAligner) -> Check:
    """Table 4: upheld + corrected + other + pending = total, in each of the three groups."""
    width = len(aligner.review_columns()) // max(len(aligner.review_groups()), 1)

    def check(cells: Sequence[Cell]) -> bool:
        values = numbers_of(cells)
        if values is None:
            return True
        groups = [values[i : i + width] for i in range(0, len(values), width)]
        return all(sum(g[:-1]) == g[-1] for g in groups)

    return check


def _numbers(texts: Sequence[str]) -> list[int] | None:
    if not all(t.lstrip("-−").isdigit() for t in texts):
        return None
    return [int(t.replace("−", "-")) for t in texts]


def row_sum_quick(texts: Sequence[str]) -> bool:
    """Table 3's row identity on a split's raw texts (the six applicant columns sum to 总计)."""
    values = _numbers(texts)
    return values is None or _row_sum_holds(values)


def review_quick(aligner: LabelAligner) -> Callable[[Sequence[str]], bool]:
    """Table 4's group totals on a split's raw texts."""
    width = len(aligner.review_columns()) // max(len(aligner.review_groups()), 1)

    def quick(texts: Sequence[str]) -> bool:
        values = _numbers(texts)
        if values is None:
            return True
        return all(_row_sum_holds(values[i : i + width]) for i in range(0, len(values), width))

    return quick


def _row_sum_holds(values: Sequence[Number]) -> bool:
    return sum(values[:-1]) == values[-1]


def application_check(table: Table, row_key: str, *, aligner: LabelAligner) -> Check:
    """Table 3: the applicant columns sum to 总计 (row), and per column the outcome rows sum to （七）总计
    and 新收 + 结转 = 总计 + 结转下年度 — as inequalities where rows are missing."""
    columns = aligner.application_columns()
    single = table.row("other_handling") is not None or row_key == "other_handling"
    outcomes = aligner.outcome_rows(single_other=single)

    def column_holds(column: str, value: Number) -> bool:
        if row_key in outcomes:
            total = table.value("handled_total", column)
            known = [table.value(k, column) for k in outcomes if k != row_key]
            if total is None:
                return True
            partial = sum(v for v in known if v is not None) + value
            return partial == total if None not in known else partial <= total
        if row_key == "handled_total":
            known = [table.value(k, column) for k in outcomes]
            partial = sum(v for v in known if v is not None)
            return value == partial if None not in known else value >= partial
        return _flow_holds(table, row_key, column, value)

    def check(cells: Sequence[Cell]) -> bool:
        values = numbers_of(cells)
        if values is None:
            return True
        return _row_sum_holds(values) and all(
            column_holds(c, v) for c, v in zip(columns, values, strict=True)
        )

    return check


def _flow_holds(table: Table, row_key: str, column: str, value: Number) -> bool:
    """新收 + 上年结转 = 办理总计 + 结转下年度, with `value` standing for `row_key`'s cell."""
    terms = {
        k: table.value(k, column)
        for k in ("new_received", "carried_over", "handled_total", "carried_forward")
    }
    if row_key not in terms:
        return True
    terms[row_key] = value
    if None in terms.values():
        return True
    return (terms["new_received"] or 0) + (terms["carried_over"] or 0) == (terms["handled_total"] or 0) + (
        terms["carried_forward"] or 0
    )


def applications_hold(table: Table, *, aligner: LabelAligner) -> bool:
    """Whether table 3 keeps every promise it can be checked on: each row sums to its 总计, and per
    column the outcome rows sum to （七）总计 and 新收 + 上年结转 = 总计 + 结转下年度. Cells not read are
    unknown non-negative counts, so an identity with unknown terms is checked as an inequality."""
    columns = aligner.application_columns()
    for row in table.rows:
        values = [table.value(row.key or "", c) for c in columns]
        if None not in values and not _row_sum_holds([v for v in values if v is not None]):
            return False
    single = table.row("other_handling") is not None
    outcomes = aligner.outcome_rows(single_other=single)
    return all(
        _sum_can_hold([table.value(k, column) for k in outcomes], table.value("handled_total", column))
        and _sum_can_hold(
            [table.value("new_received", column), table.value("carried_over", column)],
            None,
            equals=[table.value("handled_total", column), table.value("carried_forward", column)],
        )
        for column in columns
    )


def _sum_can_hold(
    parts: Sequence[Number | None], total: Number | None, *, equals: Sequence[Number | None] = ()
) -> bool:
    """Whether sum(parts) = total (or = sum(equals)) can hold for some non-negative unknowns."""
    right = [total] if not equals else list(equals)
    left_known = sum(p for p in parts if p is not None)
    right_known = sum(p for p in right if p is not None)
    if None not in parts and None not in right:
        return left_known == right_known
    if None in parts and None in right:
        return True
    return left_known <= right_known if None in parts else right_known <= left_known


def column_confirms(table: Table, row_key: str, column: str, *, aligner: LabelAligner) -> bool:
    """Whether the column identity that `row_key`'s cell in `column` takes part in has every term read and
    holds: the outcome rows sum to （七）总计, or 新收 + 上年结转 = 总计 + 结转下年度."""
    single = table.row("other_handling") is not None
    outcomes = aligner.outcome_rows(single_other=single)
    if row_key in outcomes or row_key == "handled_total":
        parts = [table.value(k, column) for k in outcomes]
        total = table.value("handled_total", column)
        if total is None or None in parts:
            return False
        return sum(p for p in parts if p is not None) == total
    terms = [
        table.value(k, column) for k in ("new_received", "carried_over", "handled_total", "carried_forward")
    ]
    if None in terms:
        return False
    new, carried, handled, forward = (t or 0 for t in terms)
    return new + carried == handled + forward
