"""The glued rows of one table, decoded together.

Each glued row is first split on its own (nlp.tables.decode): its digit count, then the row's own
arithmetic (table 3: the six applicant columns sum to 总计). Rows still ambiguous are then narrowed by the
column identities against the cells the other rows have settled (新收 + 上年结转 = 总计 + 结转下年度;
outcome rows sum to （七）总计), round after round until nothing changes. Unknown cells make an identity an
inequality (nlp.tables.arith), so a reading is dropped only when no value of the unknowns could save it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.align import LabelAligner
from nlp.errors import ErrorCode, problem
from nlp.schema import Cell, Problem, Table, TableRow
from nlp.tables.arith import application_check, applications_hold, column_confirms, row_sum_quick
from nlp.tables.assemble import RawRow
from nlp.tables.decode import Decoded, agreed_cells, decode_run

__all__ = ["decode_glued_rows", "glued_problem"]


@dataclass
class _Glued:
    row: TableRow
    columns: tuple[str, ...]
    readings: list[tuple[Cell, ...]]
    by_digits: dict[str, Cell]


def decode_glued_rows(
    table: Table,
    glued: Sequence[tuple[TableRow, RawRow, tuple[str, ...]]],
    *,
    aligner: LabelAligner,
    source: str | None,
) -> list[Problem]:
    """Place the cells of `table`'s glued rows (already among its rows, still empty)."""
    states = []
    for row, item, columns in glued:
        applications = table.key == "applications"
        check = application_check(table, row.key or "", aligner=aligner) if applications else None
        decoded = decode_run(item.values, columns, check=check, quick=row_sum_quick if applications else None)
        states.append(_settle(row, decoded, columns))
    if table.key == "applications":
        _narrow_by_columns(table, states, aligner=aligner)
        if not applications_hold(table, aligner=aligner):  # the chosen rows' own checks included
            _distrust_arithmetic(states)
        _corroborate(table, states, aligner=aligner)
    found = (
        glued_problem(s.row, columns=s.columns, certain=s.row.cells, table=table.key, source=source)
        for s in states
    )
    return [p for p in found if p is not None]


def _settle(row: TableRow, decoded: Decoded, columns: tuple[str, ...]) -> _Glued:
    row.cells = decoded.cells
    row.decoding = decoded.decoding
    row.printed = list(decoded.readings[0]) if len(decoded.readings) == 1 else []
    return _Glued(row, columns, list(decoded.readings), decoded.by_digits)


def _narrow_by_columns(table: Table, states: Sequence[_Glued], *, aligner: LabelAligner) -> None:
    open_rows = [s for s in states if len(s.readings) > 1 and s.row.decoding and s.row.decoding.consistent]
    for _ in range(len(open_rows)):
        changed = False
        for state in open_rows:
            check = application_check(table, state.row.key or "", aligner=aligner)
            keep = [r for r in state.readings if check(r)]
            if keep and len(keep) < len(state.readings):
                _narrowed(state, keep)
                changed = True
        if not changed:
            return


def _corroborate(table: Table, states: Sequence[_Glued], *, aligner: LabelAligner) -> None:
    """A row's own total cannot choose its split alone: a row printed with a wrong total may have another
    split that adds up. So every cell the splits disagree on must also be confirmed by its column's
    identity with every term read (outcome rows = （七）总计, or 新收 + 上年结转 = 总计 + 结转下年度);
    a row that cannot be confirmed keeps only the cells all its splits give alike. The same holds for the
    cells several consistent splits agree on: the printed split may be none of them."""
    for state in states:
        decoding = state.row.decoding
        if decoding is None or decoding.method not in ("arithmetic", "ambiguous"):
            continue
        unsure = [c for c in state.columns if c in state.row.cells and c not in state.by_digits]
        if not all(column_confirms(table, state.row.key or "", c, aligner=aligner) for c in unsure):
            _demote(state, why="no column identity with every term read confirms the split")


def _distrust_arithmetic(states: Sequence[_Glued]) -> None:
    """The table breaks its own arithmetic somewhere, so the arithmetic cannot choose among a row's splits:
    a row chosen that way keeps only the cells every split of its digits gives alike."""
    for state in states:
        decoding = state.row.decoding
        if decoding is not None and decoding.method in ("arithmetic", "ambiguous"):
            _demote(
                state, why="the table's own arithmetic fails elsewhere, so it cannot choose among the splits"
            )


def _demote(state: _Glued, *, why: str) -> None:
    decoding = state.row.decoding
    if decoding is None:
        return
    state.row.cells = dict(state.by_digits)
    state.row.printed = []
    state.readings = []
    state.row.decoding = decoding.model_copy(
        update={"method": "ambiguous", "reasoning": f"{decoding.reasoning}; but {why}"}
    )


def _narrowed(state: _Glued, keep: list[tuple[Cell, ...]]) -> None:
    state.readings = keep
    state.row.cells = agreed_cells(keep, state.columns)
    state.row.printed = list(keep[0]) if len(keep) == 1 else []
    decoding = state.row.decoding
    if decoding is not None:
        state.row.decoding = decoding.model_copy(
            update={
                "method": "arithmetic" if len(keep) == 1 else "ambiguous",
                "consistent": [[c.raw for c in r] for r in keep],
                "reasoning": f"{decoding.reasoning}; the column identities leave {len(keep)}",
            }
        )


def glued_problem(
    row: TableRow, *, columns: Sequence[str], certain: dict[str, Cell], table: str, source: str | None
) -> Problem | None:
    """A problem naming the row and its readings when its glued digits do not give one split."""
    decoding = row.decoding
    if decoding is None or decoding.method in ("digits", "arithmetic"):
        return None
    unsure = [c for c in columns if c not in certain]
    readings = decoding.consistent or decoding.readings
    shown = "; ".join(",".join(r) for r in readings[:6]) + (" …" if len(readings) > 6 else "")
    if decoding.method == "ambiguous":
        code = ErrorCode.CELLS_GLUED_AMBIGUOUS
        why = (
            "that satisfy the arithmetic"
            if len(decoding.consistent) < len(decoding.readings)
            else "and no identity of the template decides among them"
        )
        message = (
            f"{row.label}: glued digits {decoding.printed!r} have {len(readings)} readings {why} ({shown}); "
            f"not placed: {', '.join(unsure)}"
        )
    else:
        code = ErrorCode.CELLS_GLUED_UNREADABLE
        message = f"{row.label}: glued digits {decoding.printed!r}: {decoding.reasoning}" + (
            f" (readings: {shown}); not placed: {', '.join(unsure)}" if readings else "; no cell placed"
        )
    detail: dict[str, object] = {
        "printed": decoding.printed,
        "readings": decoding.readings,
        "consistent_readings": decoding.consistent,
        "columns": list(columns),
        "certain": [c for c in columns if c in certain],
        "ambiguous": unsure,
    }
    return problem(code, message, source=source, line=row.line, table=table, row=row.key, detail=detail)
