"""PDF tables as pure geometry: ruling lines → tables of cells → a Grid, tables continued across pages joined.

Tables are found on the ruling lines the way pdfplumber's "lines" strategy finds them (its
TableFinder, kept to the letter so the tables read as they always have): each rectangle, line and
straight curve segment gives edges; edges within the snap tolerance are moved onto their average
line and those within the join tolerance end to end are joined; edges crossing within the
intersection tolerance make vertices, and the smallest rectangles whose sides run along the edges
are the cells; cells sharing corners are one table.

A table cut by a page break is printed as two tables: the first ends at the foot of one page, the
second starts at the head of the next with the same left and right edges. They are stacked into
one, their column edges unified, and a label cell the break cut in two (（四）无 | 法提供) is mended.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from nlp.readers.common import grid_from_cells, is_numeric_text, join_fragments
from nlp.schema import Grid, GridCell

__all__ = [
    "Box",
    "Edge",
    "FoundTable",
    "PdfCell",
    "PdfGraphic",
    "PdfTable",
    "TableSettings",
    "closed_outline",
    "continues_table",
    "find_tables",
    "graphic_edges",
    "is_rule",
    "join_tables",
    "rect_edges",
    "table_grid",
]

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
Point = tuple[float, float]


# --- ruling lines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfGraphic:
    """A painted path as pdfminer classifies one: "line" (one segment), "rect" (an axis-aligned closed
    four-sided path) or "curve" (anything else); points in page coordinates, y down from the top."""

    kind: str
    pts: tuple[Point, ...]
    stroke: bool
    fill: bool
    fill_colour: tuple[float, ...] = ()  # RGB in 0..1; empty when unknown

    @property
    def box(self) -> Box:
        xs, ys = [p[0] for p in self.pts], [p[1] for p in self.pts]
        return min(xs), min(ys), max(xs), max(ys)


def is_rule(graphic: PdfGraphic) -> bool:
    """False for white boxes without a stroke: paragraph backgrounds some producers draw, not table rules."""
    if graphic.kind != "rect":
        return True
    white = bool(graphic.fill_colour) and all(v >= 0.99 for v in graphic.fill_colour)
    return graphic.stroke or not (graphic.fill and white)


@dataclass(frozen=True)
class Edge:
    """One straight side of a graphic: "h" (horizontal), "v" (vertical) or "" (slanted)."""

    orientation: str
    x0: float
    top: float
    x1: float
    bottom: float
    kind: str = "rect"

    @property
    def length(self) -> float:
        return self.bottom - self.top if self.orientation == "v" else self.x1 - self.x0

    @property
    def box(self) -> Box:
        return self.x0, self.top, self.x1, self.bottom


def rect_edges(box: Box, kind: str = "rect") -> list[Edge]:
    """Top, bottom, left and right sides of a box."""
    x0, top, x1, bottom = box
    return [
        Edge("h", x0, top, x1, top, kind),
        Edge("h", x0, bottom, x1, bottom, kind),
        Edge("v", x0, top, x0, bottom, kind),
        Edge("v", x1, top, x1, bottom, kind),
    ]


def graphic_edges(graphic: PdfGraphic) -> list[Edge]:
    if graphic.kind == "rect":
        return rect_edges(graphic.box)
    if graphic.kind == "line":
        x0, top, x1, bottom = graphic.box
        # as pdfplumber: a line is horizontal only when level, any other line counts as vertical
        return [Edge("h" if top == bottom else "v", x0, top, x1, bottom, "line")]
    return [
        Edge(
            "v" if p[0] == q[0] else ("h" if p[1] == q[1] else ""),
            min(p[0], q[0]),
            min(p[1], q[1]),
            max(p[0], q[0]),
            max(p[1], q[1]),
            "curve",
        )
        for p, q in itertools.pairwise(graphic.pts)
    ]


@dataclass(frozen=True)
class TableSettings:
    snap: float = 3.0
    join: float = 3.0
    intersection: float = 3.0
    edge_min_length: float = 3.0
    edge_min_length_prefilter: float = 1.0

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> TableSettings:
        """From readers.yaml's table_settings (pdfplumber's names; only the "lines" strategy exists)."""
        for key in ("vertical_strategy", "horizontal_strategy"):
            if config.get(key, "lines") != "lines":
                raise ValueError(f"table_settings.{key}: only 'lines' is supported")
        return cls(
            snap=float(config.get("snap_tolerance", 3)),
            join=float(config.get("join_tolerance", 3)),
            intersection=float(config.get("intersection_tolerance", 3)),
            edge_min_length=float(config.get("edge_min_length", 3)),
            edge_min_length_prefilter=float(config.get("edge_min_length_prefilter", 1)),
        )


def _snap(edges: Sequence[Edge], tolerance: float) -> list[Edge]:
    """Edges of one orientation whose positions chain within `tolerance` moved onto their average."""
    if not edges:
        return []
    vertical = edges[0].orientation == "v"
    position = [e.x0 if vertical else e.top for e in edges]
    if tolerance == 0:
        return list(edges)
    cluster: dict[float, int] = {}
    group, last = -1, 0.0
    for value in sorted(set(position)):
        if group < 0 or value > last + tolerance:
            group += 1
        cluster[value] = group
        last = value
    ordered = sorted(zip(edges, position, strict=True), key=lambda pair: cluster[pair[1]])
    out: list[Edge] = []
    for _, members in itertools.groupby(ordered, key=lambda pair: cluster[pair[1]]):
        group_edges = [e for e, _ in members]
        average = sum((e.x0 if vertical else e.top) for e in group_edges) / len(group_edges)
        for e in group_edges:
            shift = average - (e.x0 if vertical else e.top)
            if vertical:
                out.append(replace(e, x0=e.x0 + shift, x1=e.x1 + shift))
            else:
                out.append(replace(e, top=e.top + shift, bottom=e.bottom + shift))
    return out


def _join(edges: Sequence[Edge], tolerance: float) -> list[Edge]:
    """Edges on one line joined where one starts within `tolerance` of where the last ends."""
    vertical = edges[0].orientation == "v"
    ordered = sorted(edges, key=lambda e: e.top if vertical else e.x0)
    joined = [ordered[0]]
    for edge in ordered[1:]:
        last = joined[-1]
        start, last_end, end = (
            (edge.top, last.bottom, edge.bottom) if vertical else (edge.x0, last.x1, edge.x1)
        )
        if start <= last_end + tolerance:
            if end > last_end:
                joined[-1] = replace(last, bottom=end) if vertical else replace(last, x1=end)
        else:
            joined.append(edge)
    return joined


def _merge(edges: Sequence[Edge], settings: TableSettings) -> list[Edge]:
    vertical = [e for e in edges if e.orientation == "v"]
    horizontal = [e for e in edges if e.orientation == "h"]
    if settings.snap > 0:
        edges = _snap(vertical, settings.snap) + _snap(horizontal, settings.snap)

    def line(edge: Edge) -> tuple[str, float]:
        return ("h", edge.top) if edge.orientation == "h" else ("v", edge.x0)

    merged: list[Edge] = []
    for _, group in itertools.groupby(sorted(edges, key=line), key=line):
        merged.extend(_join(list(group), settings.join))
    return merged


_Vertices = dict[Point, tuple[list[Edge], list[Edge]]]


def _intersections(edges: Sequence[Edge], tolerance: float) -> _Vertices:
    """Where a vertical edge crosses a horizontal one (within `tolerance`): the edges through each point."""
    found: _Vertices = {}
    verticals = sorted((e for e in edges if e.orientation == "v"), key=lambda e: (e.x0, e.top))
    horizontals = sorted((e for e in edges if e.orientation == "h"), key=lambda e: (e.top, e.x0))
    for v in verticals:
        for h in horizontals:
            if (
                v.top <= h.top + tolerance
                and v.bottom >= h.top - tolerance
                and v.x0 >= h.x0 - tolerance
                and v.x0 <= h.x1 + tolerance
            ):
                vs, hs = found.setdefault((v.x0, h.top), ([], []))
                vs.append(v)
                hs.append(h)
    return found


def _cells(vertices: _Vertices) -> list[Box]:
    """For each vertex, the smallest rectangle with it as top-left corner whose sides run along edges."""
    boxes = {
        point: (frozenset(e.box for e in vs), frozenset(e.box for e in hs))
        for point, (vs, hs) in vertices.items()
    }

    def connects(p: Point, q: Point) -> bool:
        if p[0] == q[0] and boxes[p][0] & boxes[q][0]:
            return True
        return p[1] == q[1] and bool(boxes[p][1] & boxes[q][1])

    points = sorted(vertices)
    # the points after each one in (x, y) order that share its x (below it) or its y (right of it)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for point in points:
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)
    cells: list[Box] = []
    for point in points[:-1]:
        below = [q for q in columns[point[0]] if q[1] > point[1]]
        right = [q for q in rows[point[1]] if q[0] > point[0]]
        cell = _smallest_cell(point, below, right, boxes, connects)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(
    point: Point,
    below: Sequence[Point],
    right: Sequence[Point],
    vertices: Mapping[Point, object],
    connects: Any,
) -> Box | None:
    for down in below:
        if not connects(point, down):
            continue
        for across in right:
            if not connects(point, across):
                continue
            corner = (across[0], down[1])
            if corner in vertices and connects(corner, across) and connects(corner, down):
                return point[0], point[1], corner[0], corner[1]
    return None


def _corners(box: Box) -> tuple[Point, Point, Point, Point]:
    x0, top, x1, bottom = box
    return (x0, top), (x0, bottom), (x1, top), (x1, bottom)


def _group_cells(cells: Sequence[Box]) -> list[list[Box]]:
    """Cells sharing a corner, transitively, are one table; tables of one cell are dropped."""
    remaining = list(cells)
    corners: set[Point] = set()
    current: list[Box] = []
    tables: list[list[Box]] = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            if not current or any(c in corners for c in _corners(cell)):
                corners |= set(_corners(cell))
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


@dataclass(frozen=True)
class FoundTable:
    """A table found on the ruling lines: its cells' boxes, in the order they were found."""

    cells: tuple[Box, ...]

    @property
    def bbox(self) -> Box:
        return (
            min(c[0] for c in self.cells),
            min(c[1] for c in self.cells),
            max(c[2] for c in self.cells),
            max(c[3] for c in self.cells),
        )

    @property
    def n_rows(self) -> int:
        return len({c[1] for c in self.cells})

    @property
    def n_cols(self) -> int:
        return len({c[0] for c in self.cells})


def find_tables(
    edges: Iterable[Edge], settings: TableSettings, *, explicit: Sequence[Edge] = ()
) -> list[FoundTable]:
    """The tables the edges rule (pdfplumber's "lines" strategy); `explicit` edges are added unfiltered."""
    kept = [
        e for e in edges if e.orientation in ("v", "h") and e.length >= settings.edge_min_length_prefilter
    ]
    vertical = [e for e in kept if e.orientation == "v"] + [e for e in explicit if e.orientation == "v"]
    horizontal = [e for e in kept if e.orientation == "h"] + [e for e in explicit if e.orientation == "h"]
    merged = [e for e in _merge(vertical + horizontal, settings) if e.length >= settings.edge_min_length]
    cells = _cells(_intersections(merged, settings.intersection))
    return [FoundTable(tuple(cells)) for cells in _group_cells(cells)]


def closed_outline(table: FoundTable, edges: Iterable[Edge]) -> Box:
    """The table's box grown to where its vertical rules run: a page break leaves the outline open."""
    x0, top, x1, bottom = table.bbox
    for edge in edges:
        beside = edge.orientation == "v" and x0 - 2 <= edge.x0 <= x1 + 2
        if beside and edge.bottom >= top - 2 and edge.top <= bottom + 2:
            top, bottom = min(top, edge.top), max(bottom, edge.bottom)
    return x0, top, x1, bottom


# --- cells → grid -----------------------------------------------------------------------------------


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
    if not edges:
        raise ValueError("no edges")
    i = bisect.bisect_left(edges, value)
    if i == 0:
        return 0
    if i == len(edges):
        return i - 1
    return i - 1 if abs(edges[i - 1] - value) <= abs(edges[i] - value) else i  # a tie: the lower edge


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
