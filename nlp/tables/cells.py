"""From a row's value tokens to cells under column keys, and what to do when the count is wrong.

A row with more values than columns is never cut: every way of dropping the extra values is a reading,
the template's arithmetic (passed in as `check`) keeps the consistent readings, and only the columns on
which every consistent reading agrees get a cell. The caller turns the outcome into a Problem.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations, islice

from nlp.cellvalues import parse_cell
from nlp.schema import Cell, Span
from nlp.tables.tokens import Token

__all__ = ["Fit", "cell_of", "fit_row", "numbers_of", "printed_cells"]

_MAX_READINGS = 2000
Check = Callable[[Sequence[Cell]], bool]


def cell_of(token: Token) -> Cell:
    value, kind = parse_cell(token.text)
    span = Span(start=token.start, end=token.end, line=token.line, end_line=token.line)
    return Cell(raw=token.text, value=value, kind=kind, line=token.line, span=span)


def printed_cells(values: Sequence[Token], ncols: int, *, anchors: Sequence[int] = ()) -> list[Cell]:
    """The row's value cells in printed order: empty cells count only between values (a merged cell's
    other positions render as empty fields around them), unless the row is blank throughout.

    `anchors` are grid columns where this table's complete rows print their first value: a row whose
    first or last cell is blank is read in the first such window that holds all its values, so a blank
    edge cell is kept as blank instead of being taken for a merged cell's leftover."""
    filled = [i for i, t in enumerate(values) if t.kind != "empty"]
    if not filled:
        return [cell_of(t) for t in values[:ncols]]
    values = _grid_row_of_values(values, filled)
    filled = [i for i, t in enumerate(values) if t.kind != "empty"]
    inner = list(values[filled[0] : filled[-1] + 1])
    if len(inner) < ncols <= len(values) and len(values) == ncols:
        inner = list(values)
    elif len(inner) < ncols:
        windows = (_window(values, inner, ncols=ncols, start=start) for start in anchors)
        inner = next((w for w in windows if w is not None), inner)
    return [cell_of(t) for t in inner]


def _grid_row_of_values(values: Sequence[Token], filled: Sequence[int]) -> Sequence[Token]:
    """A row's numbers printed in a grid row of their own under a label-only row (marker's detached
    labels): the label row's blank cells are no cells of the row, only the numbers' grid row is."""
    rows = {values[i].row for i in filled}
    if len(rows) != 1 or values[filled[0]].field < 0:
        return values
    return [t for t in values if t.row in rows]


def _window(values: Sequence[Token], inner: Sequence[Token], *, ncols: int, start: int) -> list[Token] | None:
    window = [t for t in values if start <= t.field < start + ncols]
    complete = [t.field for t in window] == list(range(start, start + ncols))
    return window if complete and all(t in window for t in inner) else None


def numbers_of(cells: Sequence[Cell]) -> list[int | Decimal] | None:
    """The values when every cell is a number (arithmetic is checked only then)."""
    if any(c.value is None for c in cells):
        return None
    return [c.value for c in cells if c.value is not None]


@dataclass(frozen=True)
class Fit:
    cells: dict[str, Cell]
    status: str  # ok | too_many | too_few
    readings: int = 0  # readings tried
    consistent: tuple[tuple[int, ...], ...] = ()  # dropped printed positions (0-based) per consistent reading
    certain: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()


def fit_row(printed: Sequence[Cell], columns: Sequence[str], *, check: Check | None = None) -> Fit:
    """Cells under `columns`; for too many values, the cells every consistent reading agrees on."""
    if len(printed) == len(columns):
        return Fit(dict(zip(columns, printed, strict=True)), "ok")
    if len(printed) < len(columns):
        return Fit({}, "too_few", ambiguous=tuple(columns))
    drops = list(islice(combinations(range(len(printed)), len(printed) - len(columns)), _MAX_READINGS))
    kept = [[c for i, c in enumerate(printed) if i not in drop] for drop in drops]
    consistent = [(d, k) for d, k in zip(drops, kept, strict=True) if check is None or check(k)]
    pool = consistent or list(zip(drops, kept, strict=True))
    cells: dict[str, Cell] = {}
    for j, column in enumerate(columns):
        seen = {(k[j].value, k[j].kind) for _, k in pool}
        if len(seen) == 1:
            cells[column] = pool[0][1][j]
    return Fit(
        cells=cells,
        status="too_many",
        readings=len(drops),
        consistent=tuple(d for d, _ in consistent),
        certain=tuple(c for c in columns if c in cells),
        ambiguous=tuple(c for c in columns if c not in cells),
    )
