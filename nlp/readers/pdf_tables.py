"""PDF tables as pure geometry: positioned cells → a Grid, and tables continued across pages joined.

A table cut by a page break is printed as two tables: the first ends at the foot of one page, the
second starts at the head of the next with the same left and right edges. They are stacked into
one, their column edges unified, and a label cell the break cut in two (（四）无 | 法提供) is mended.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nlp.readers.common import grid_from_cells, is_numeric_text, join_fragments
from nlp.schema import Grid, GridCell

__all__ = ["PdfCell", "PdfTable", "continues_table", "join_tables", "table_grid"]


@dataclass
class PdfCell:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    page: int


@dataclass
class PdfTable:
    """A table's cells in one coordinate space; a joined table's later parts are shifted below."""

    cells: list[PdfCell]
    x0: float
    top: float
    x1: float
    bottom: float
    page: int
    last_page: int = 0
    parts: int = 1
    extra: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.last_page = self.last_page or self.page


def continues_table(upper: PdfTable, lower: PdfTable, *, tolerance: float) -> bool:
    """Whether `lower`, first on its page, carries on `upper`, last on the previous page."""
    return (
        lower.page == upper.last_page + 1
        and abs(upper.x0 - lower.x0) <= tolerance
        and abs(upper.x1 - lower.x1) <= tolerance
    )


def _starts_item(text: str, patterns: Sequence[str]) -> bool:
    return any(re.match(p, text) for p in patterns)


def _mends(upper: PdfCell, lower: PdfCell, patterns: Sequence[str]) -> bool:
    """A label cell cut by the page break: its rest is empty, or text that starts no new item."""
    if not upper.text or is_numeric_text(upper.text):
        return False
    return not lower.text or not (is_numeric_text(lower.text) or _starts_item(lower.text, patterns))


def join_tables(
    upper: PdfTable, lower: PdfTable, *, tolerance: float, item_patterns: Sequence[str]
) -> PdfTable:
    """One table: `lower` stacked under `upper`; cut label cells extended across the break."""
    shift = upper.bottom - lower.top
    moved = [PdfCell(c.x0, c.top + shift, c.x1, c.bottom + shift, c.text, c.page) for c in lower.cells]
    foot = [c for c in upper.cells if abs(c.bottom - upper.bottom) <= tolerance]
    head_top = min((c.top for c in moved), default=upper.bottom)
    kept: list[PdfCell] = []
    for cell in moved:
        above = _cell_above(cell, foot, tolerance) if abs(cell.top - head_top) <= tolerance else None
        if above is not None and _mends(above, cell, item_patterns):
            above.bottom = cell.bottom
            above.text = join_fragments([above.text, cell.text])
        else:
            kept.append(cell)
    return PdfTable(
        cells=[*upper.cells, *kept],
        x0=min(upper.x0, lower.x0),
        top=upper.top,
        x1=max(upper.x1, lower.x1),
        bottom=lower.bottom + shift,
        page=upper.page,
        last_page=lower.last_page,
        parts=upper.parts + lower.parts,
    )


def _cell_above(cell: PdfCell, foot: Sequence[PdfCell], tolerance: float) -> PdfCell | None:
    return next(
        (c for c in foot if abs(c.x0 - cell.x0) <= tolerance and abs(c.x1 - cell.x1) <= tolerance),
        None,
    )


def _edges(values: Sequence[float], tolerance: float) -> list[float]:
    """Positions closer than `tolerance` are one edge (its first position)."""
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > tolerance:
            edges.append(value)
    return edges


def _index(edges: Sequence[float], value: float) -> int:
    """Index of the edge nearest to value."""
    i = bisect.bisect_left(edges, value)
    candidates = [j for j in (i - 1, i) if 0 <= j < len(edges)]
    return min(candidates, key=lambda j: abs(edges[j] - value))


def table_grid(table: PdfTable, *, tolerance: float) -> tuple[Grid, list[int]]:
    """The grid of the table's cells, and the page each grid row was printed on."""
    xs = _edges([v for c in table.cells for v in (c.x0, c.x1)], tolerance)
    ys = _edges([v for c in table.cells for v in (c.top, c.bottom)], min(tolerance, 2.0))
    placed: dict[tuple[int, int], GridCell] = {}
    row_pages: dict[int, int] = {}
    for cell in sorted(table.cells, key=lambda c: (c.top, c.x0)):
        row, col = _index(ys, cell.top), _index(xs, cell.x0)
        rowspan = max(1, _index(ys, cell.bottom) - row)
        colspan = max(1, _index(xs, cell.x1) - col)
        row_pages.setdefault(row, cell.page)
        if (row, col) in placed:  # two boxes on one grid position: keep both texts
            other = placed[(row, col)]
            other.text = join_fragments([other.text, cell.text])
            continue
        placed[(row, col)] = GridCell(text=cell.text, row=row, col=col, rowspan=rowspan, colspan=colspan)
    grid = grid_from_cells(list(placed.values()))
    pages = _fill_pages(row_pages, grid.n_rows, table.page)
    return grid, pages


def _fill_pages(row_pages: dict[int, int], n_rows: int, first: int) -> list[int]:
    pages, current = [], first
    for row in range(n_rows):
        current = row_pages.get(row, current)
        pages.append(current)
    return pages
