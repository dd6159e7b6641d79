"""The arithmetic identities of template.md (rules 1–4) as data, and their evaluation.

An `Identity` says sum(lhs) = sum(rhs) over cells named by canonical keys. Evaluating it against a
report yields nothing when any of its cells is missing, blank or not a number: such an identity is
unverifiable, and the cell is reported by a structure rule instead of as an arithmetic error.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nlp.config import load_yaml
from nlp.schema import Cell, FindingCell, Table, TableKey, Tables

__all__ = [
    "APPLICANT_COLUMNS",
    "REVIEW_COLUMNS",
    "REVIEW_GROUPS",
    "Evaluated",
    "Identity",
    "Number",
    "Ref",
    "all_identities",
    "applications_identities",
    "cell_view",
    "evaluate",
    "finding_cell",
    "lookup",
    "outcome_rows",
    "review_identities",
]

Number = int | Decimal

_LABELS = load_yaml("labels.yaml")["tables"]
# Column and group keys come from configs/labels.yaml, the one list of the template's keys.
APPLICANT_COLUMNS: tuple[str, ...] = tuple(c for c in _LABELS["applications"]["columns"] if c != "total")
REVIEW_GROUPS: tuple[str, ...] = tuple(_LABELS["review_litigation"]["groups"])
REVIEW_COLUMNS: tuple[str, ...] = tuple(c for c in _LABELS["review_litigation"]["columns"] if c != "total")
_OUTCOMES_2021: tuple[str, ...] = tuple(_LABELS["applications"]["outcome_rows_2021"])
_OUTCOMES_SINGLE_OTHER: tuple[str, ...] = tuple(_LABELS["applications"]["outcome_rows_single_other"])


@dataclass(frozen=True)
class Ref:
    table: TableKey
    row: str
    column: str


@dataclass(frozen=True)
class Identity:
    rule: str  # catalogue id
    scope: str  # "column natural_person", "row granted", "group review"
    lhs: tuple[Ref, ...]
    rhs: tuple[Ref, ...]
    parts_zh: str = ""  # how to name a long lhs in a message: "各办理结果"
    parts_en: str = ""

    @property
    def refs(self) -> tuple[Ref, ...]:
        return self.lhs + self.rhs

    def coefficient(self, ref: Ref) -> int:
        """+1 for a cell on the left, −1 on the right, 0 when the identity does not use it."""
        return (ref in self.lhs) - (ref in self.rhs)


@dataclass(frozen=True)
class Evaluated:
    identity: Identity
    cells: dict[Ref, FindingCell]
    lhs_sum: Number
    rhs_sum: Number

    @property
    def holds(self) -> bool:
        return self.lhs_sum == self.rhs_sum

    @property
    def residual(self) -> Number:
        return self.lhs_sum - self.rhs_sum


def outcome_rows(table: Table) -> tuple[str, ...]:
    """The outcome rows summed by （七）总计: the single （六）其他处理 row when the table prints it."""
    keys = {row.key for row in table.rows}
    if "other_handling" in keys and not keys & {
        "other_overdue_correction",
        "other_unpaid_fee",
        "other_other",
    }:
        return _OUTCOMES_SINGLE_OTHER
    return _OUTCOMES_2021


def applications_identities(table: Table) -> list[Identity]:
    """Rules 1 and 2 for every column of table 3, rule 3 for every row."""
    outcomes = outcome_rows(table)
    found: list[Identity] = []
    for col in (*APPLICANT_COLUMNS, "total"):
        found.append(
            Identity(
                "T3-BALANCE",
                f"column {col}",
                _down(col, "new_received", "carried_over"),
                _down(col, "handled_total", "carried_forward"),
            )
        )
        found.append(
            Identity(
                "T3-OUTCOMES",
                f"column {col}",
                _down(col, *outcomes),
                _down(col, "handled_total"),
                parts_zh="各办理结果",
                parts_en="the outcome rows",
            )
        )
    rows = [row.key for row in table.rows if row.key] + list(table.missing_rows)
    for row in dict.fromkeys(rows):
        found.append(
            Identity(
                "T3-ROW-TOTAL",
                f"row {row}",
                tuple(Ref("applications", row, c) for c in APPLICANT_COLUMNS),
                (Ref("applications", row, "total"),),
                parts_zh="各申请人列",
                parts_en="the applicant columns",
            )
        )
    return found


def review_identities() -> list[Identity]:
    """Rule 4 for each of the three groups of table 4."""
    return [
        Identity(
            "T4-GROUP-TOTAL",
            f"group {group}",
            tuple(Ref("review_litigation", group, c) for c in REVIEW_COLUMNS),
            (Ref("review_litigation", group, "total"),),
        )
        for group in REVIEW_GROUPS
    ]


def all_identities(tables: Tables) -> list[Identity]:
    found: list[Identity] = []
    if tables.applications is not None:
        found.extend(applications_identities(tables.applications))
    if tables.review_litigation is not None:
        found.extend(review_identities())
    return found


def _down(column: str, *rows: str) -> tuple[Ref, ...]:
    """Cells of table 3 down one column."""
    return tuple(Ref("applications", row, column) for row in rows)


def lookup(tables: Tables, ref: Ref) -> tuple[Cell | None, str, str]:
    """The cell `ref` names and the (row, column) keys it is stored under.

    Table 4 may be stored as three group rows with result columns, or as one row whose columns are
    `review_total`, `suit_direct_upheld`, …: both layouts are accepted.
    """
    table = tables.get(ref.table)
    if table is None:
        return None, ref.row, ref.column
    cell = table.cell(ref.row, ref.column)
    if cell is not None or ref.table != "review_litigation":
        return cell, ref.row, ref.column
    flat = f"{ref.row}_{ref.column}"
    for row in table.rows:
        if flat in row.cells:
            return row.cells[flat], row.key or ref.row, flat
    return None, ref.row, ref.column


def cell_view(table: TableKey, row: str, column: str, cell: Cell | None) -> FindingCell:
    """How a finding names one cell: its place, and its value, printed text and line when printed."""
    return FindingCell(
        table=table,
        row=row,
        column=column,
        value=cell.value if cell else None,
        raw=cell.raw if cell else None,
        line=cell.line if cell else None,
    )


def finding_cell(tables: Tables, ref: Ref) -> tuple[FindingCell, Cell | None]:
    cell, row, column = lookup(tables, ref)
    return cell_view(ref.table, row, column, cell), cell


def evaluate(identity: Identity, tables: Tables) -> Evaluated | None:
    """Both sides of the identity, or None when a cell it needs is missing or not a number."""
    cells: dict[Ref, FindingCell] = {}
    values: dict[Ref, Number] = {}
    for ref in identity.refs:
        view, cell = finding_cell(tables, ref)
        if cell is None or cell.kind != "number" or cell.value is None:
            return None
        cells[ref], values[ref] = view, cell.value
    lhs: Number = sum((values[r] for r in identity.lhs), start=0)
    rhs: Number = sum((values[r] for r in identity.rhs), start=0)
    return Evaluated(identity, cells, lhs, rhs)
