"""Builders of hand-made Reports for the lint tests (and a check that the builders themselves are sound).

The tables are built the way nlp.tables stores them: table 3 rows keyed by canonical row keys with
applicant columns, table 4 as three group rows (review, suit_direct, suit_after_review) with result
columns. Values: int → a printed number, None → a blank cell, str → printed as is (text or "/").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import pytest

from nlp.lint.identities import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_GROUPS, outcome_rows
from nlp.schema import Cell, Report, Table, TableRow, Tables

T3_COLUMNS = (*APPLICANT_COLUMNS, "total")
OUTCOMES_2021 = outcome_rows(Table(key="applications"))
OUTCOMES_2019 = (*OUTCOMES_2021[:-3], "other_handling")

Value = int | Decimal | str | None


def cell(value: Value, *, line: int = 1) -> Cell:
    if value is None:
        return Cell(raw="", kind="blank", line=line)
    if isinstance(value, str):
        kind = "not_applicable" if value in {"/", "—", "-"} else "text"
        return Cell(raw=value, kind=kind, line=line)
    return Cell(raw=str(value), value=value, kind="number", line=line)


def row(key: str, columns: Sequence[str], values: Sequence[Value], *, line: int) -> TableRow:
    cells = {c: cell(v, line=line) for c, v in zip(columns, values, strict=True)}
    return TableRow(key=key, label=key, line=line, cells=cells, printed=list(cells.values()))


def applications_values(
    outcomes: Mapping[str, Sequence[int]] | None = None,
    *,
    carried_over: Sequence[int] = (0, 0, 0, 0, 0, 0),
    carried_forward: Sequence[int] = (0, 0, 0, 0, 0, 0),
    single_other: bool = False,
) -> dict[str, list[Value]]:
    """A consistent table 3 from outcome counts per applicant column (totals computed)."""
    keys = OUTCOMES_2019 if single_other else OUTCOMES_2021
    given = dict(outcomes or {})
    values: dict[str, list[int]] = {k: list(given.get(k, (0,) * 6)) for k in keys}
    handled = [sum(values[k][i] for k in keys) for i in range(6)]
    new = [h + f - c for h, f, c in zip(handled, carried_forward, carried_over, strict=True)]
    table = {
        "new_received": new,
        "carried_over": list(carried_over),
        **values,
        "handled_total": handled,
        "carried_forward": list(carried_forward),
    }
    return {k: [*v, sum(v)] for k, v in table.items()}


def applications_table(values: Mapping[str, Sequence[Value]], *, missing: Sequence[str] = ()) -> Table:
    rows = [
        row(k, T3_COLUMNS, v, line=100 + i) for i, (k, v) in enumerate(values.items()) if k not in missing
    ]
    return Table(key="applications", format="2021", rows=rows, missing_rows=list(missing))


def review_table(values: Sequence[Value]) -> Table:
    """Table 4 from its 15 printed numbers in template order."""
    columns = (*REVIEW_COLUMNS, "total")
    rows = [row(g, columns, values[i * 5 : i * 5 + 5], line=200) for i, g in enumerate(REVIEW_GROUPS)]
    return Table(key="review_litigation", format="2021", rows=rows)


def active_table(values: Mapping[str, Mapping[str, Value]]) -> Table:
    rows = [row(k, list(v), list(v.values()), line=50 + i) for i, (k, v) in enumerate(values.items())]
    return Table(key="active_disclosure", format="2021", rows=rows)


def songxian_like() -> dict[str, list[Value]]:
    """songxian_2021's table 3: 5 received, 2 granted, 1 third party, 2 not held."""
    return applications_values(
        {
            "granted": (2, 0, 0, 0, 0, 0),
            "denied_third_party": (0, 1, 0, 0, 0, 0),
            "unable_not_held": (2, 0, 0, 0, 0, 0),
        }
    )


def make_report(
    *,
    applications: Table | None = None,
    review: Table | None = None,
    active: Table | None = None,
    source: str = "hand.txt",
    **fields: object,
) -> Report:
    tables = Tables(
        active_disclosure=active
        or active_table({"regulations": {"issued": 0, "repealed": 0, "in_force": 0}}),
        applications=applications or applications_table(songxian_like()),
        review_litigation=review or review_table([0] * 15),
    )
    return Report(source=source, sha256=source, format="2021", tables=tables, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("single_other", [False, True])
def test_lint_builders_make_consistent_tables(single_other: bool) -> None:
    values = applications_values(
        {"granted": (3, 1, 0, 0, 2, 0)},
        carried_over=(1, 0, 0, 0, 0, 0),
        carried_forward=(0, 0, 0, 0, 1, 0),
        single_other=single_other,
    )
    assert values["new_received"] == [2, 1, 0, 0, 3, 0, 6]
    assert values["handled_total"][-1] == 6
    assert len(values) == (23 if single_other else 25)
