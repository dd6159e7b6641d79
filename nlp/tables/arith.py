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

__all__ = ["application_check", "review_check"]

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
