"""HTML pages as government sites publish them: chrome dropped, the article body kept, tables as grids.

The charset comes from a byte-order mark, then the page's <meta>, then detection (GBK pages are
common). Site chrome (navigation, headers, footers, share bars, breadcrumbs, scripts) is removed by
the selectors of configs/readers.yaml; the body is the smallest element holding as many of the
report's anchors (its section headings, table notes) as the page does, widened to the article
container around it; pages without anchors fall back to the configured containers, then <body>.
Data tables become grids honouring rowspan/colspan, with the filler columns of Word exports merged
away; a table that holds other tables or long prose is page layout and is read as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from nlp.errors import ErrorCode, GovReportError, problem
from nlp.readers.common import DocumentBuilder, clean_cell_text, collapse_cjk_spaces, grid_from_cells
from nlp.readers.text import decode_text
from nlp.schema import Grid, GridCell, Problem, SourceDocument

__all__ = ["decode_html", "html_table_grid", "merge_filler_columns", "read_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
# Zero-width characters web editors leave in text (UEditor's \u200b, a stray BOM): never content.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_MAX_SPAN = 1000  # a rowspan/colspan beyond this is a typo, not a table
# Spans may widen a table, never blow it up: honoured only while the grid stays within MAX_GRID_COLUMNS
# columns and MAX_GRID_AREA positions (or SPAN_AREA_FACTOR × its cells, for a long real table). 40 rows
# of <td rowspan=1000 colspan=1000> (6 KB) would otherwise be a 40 × 40,000 grid.
MAX_GRID_COLUMNS = 200
MAX_GRID_AREA = 20_000
SPAN_AREA_FACTOR = 4
# Deeper nesting than this is flattened into its ancestor (text kept): pages are a few dozen deep, and
# the walks over the tree recurse.
MAX_DEPTH = 100


def _meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:8192])
    return found.group(1).decode("ascii").lower() if found else None


def decode_html(
    data: bytes, *, source: str, config: Mapping[str, Any], problems: list[Problem] | None = None
) -> tuple[str, str]:
    """Decode with the <meta> charset when it works, else as text of unknown encoding (stray bytes
    replaced and named in `problems`)."""
    declared = _meta_charset(data)
    aliases = {k.replace("-", "").lower(): v for k, v in config.get("codec_aliases", {}).items()}
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        codec = aliases.get(declared.replace("-", ""), declared)
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            pass  # pages often declare one charset and are saved in another
    return decode_text(data, source=source, config=config, problems=problems)


def flatten_deep_nesting(soup: BeautifulSoup, *, max_depth: int = MAX_DEPTH) -> int:
    """Replace what is nested deeper than `max_depth` by its text, kept in the element at that depth, so
    no walk over the page recurses past it; returns how many elements were flattened."""
    flattened = 0
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:  # iterative: the page may be nested 10,000 deep
        element, depth = stack.pop()
        children = [child for child in element.children if isinstance(child, Tag)]
        if depth >= max_depth and children:
            text = element.get_text()  # bs4 walks strings without recursion
            element.clear()
            element.append(NavigableString(text))
            flattened += 1
            continue
        stack.extend((child, depth + 1) for child in children)
    return flattened


# --- choosing the article -------------------------------------------------------------------------


def _drop_chrome(soup: BeautifulSoup, selectors: Sequence[str]) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    if not selectors:
        return
    simple, other = _split_selectors(selectors)
    # soupsieve tries every selector on every element: ~0.75 s on a 40 kB Word page, where every <p> has
    # a class. The simple selectors (a tag name, [attr], [attr=v], [attr*=v]) are tested here in one
    # walk, the others (if any) by soupsieve. Elements come in document order, so one inside an element
    # already removed is skipped.
    for element in soup.find_all(True):
        if not element.decomposed and element.name not in ("html", "body") and simple.matches(element):
            element.decompose()
    if other:
        for element in soup.select(", ".join(other)):
            if not element.decomposed and element.name not in ("html", "body"):
                element.decompose()


_SIMPLE_SELECTOR = re.compile(
    r"^(?:(?P<tag>[A-Za-z][A-Za-z0-9]*)|\.(?P<cls>[A-Za-z_][\w-]*)|\[\s*(?P<attr>[A-Za-z_][\w-]*)\s*"
    r"(?:(?P<op>\*?=)\s*(?P<quote>[\"']?)(?P<value>[^\"'\]]*)(?P=quote))?\s*\])$"
)


@dataclass(frozen=True)
class _SimpleSelectors:
    """Selectors of the forms `tag`, `.class`, `[attr]`, `[attr=value]` and `[attr*=value]`, with CSS's
    meaning: tag and attribute names case-insensitive, values compared as written, a class list as its
    space-joined string (a `.class` is one of its words)."""

    tags: frozenset[str]
    attributes: tuple[tuple[str, str | None, str], ...]  # (name, None | "=" | "*=", value)
    classes: frozenset[str] = frozenset()

    def matches(self, element: Tag) -> bool:
        if element.name.lower() in self.tags:
            return True
        attrs = element.attrs
        if self.classes:
            found = attrs.get("class")
            words: Sequence[str] = found.split() if isinstance(found, str) else list(found or ())
            if any(word in self.classes for word in words):
                return True
        for name, op, value in self.attributes:
            found = attrs.get(name)
            if found is None:
                continue
            text = " ".join(found) if isinstance(found, list) else str(found)
            if op is None or (op == "=" and text == value) or (op == "*=" and value and value in text):
                return True
        return False


def _split_selectors(selectors: Sequence[str]) -> tuple[_SimpleSelectors, list[str]]:
    """The configured selectors as the simple ones this module tests itself, and the rest."""
    tags: set[str] = set()
    classes: set[str] = set()
    attributes: list[tuple[str, str | None, str]] = []
    other: list[str] = []
    for selector in selectors:
        match = _SIMPLE_SELECTOR.match(selector.strip())
        if match is None:
            other.append(selector)
        elif match["tag"]:
            tags.add(match["tag"].lower())
        elif match["cls"]:
            classes.add(match["cls"])
        else:
            attributes.append((match["attr"].lower(), match["op"], match["value"] or ""))
    return _SimpleSelectors(frozenset(tags), tuple(attributes), frozenset(classes)), other


def _first_match(soup: BeautifulSoup, selector: str) -> Tag | None:
    """`soup.select_one(selector)`, testing a simple selector in one walk (see `_drop_chrome`)."""
    simple, other = _split_selectors([selector])
    if other:
        return soup.select_one(selector)
    return next((e for e in soup.find_all(True) if simple.matches(e)), None)


def _squeezed(element: Tag) -> str:
    """The element's text without white space or invisible characters (padded labels compare equal)."""
    return _WS.sub("", _INVISIBLE.sub("", element.get_text()))


def _text_len(element: Tag) -> int:
    return len(_squeezed(element))


def _anchor_count(text: str, anchors: Sequence[re.Pattern[str]]) -> int:
    return sum(1 for anchor in anchors if anchor.search(text))


def _anchored(body: Tag, anchors: Sequence[re.Pattern[str]], *, minimum: int) -> Tag | None:
    """The smallest element holding every anchor the page holds: descend while one child still holds
    them all. A heading split across inline children keeps their parent, which is what we want."""
    wanted = _anchor_count(_squeezed(body), anchors)
    if wanted < minimum:
        return None  # not recognisably a report: let the configured containers decide
    element = body
    while True:
        child = next(
            (
                c
                for c in element.find_all(True, recursive=False)
                if _anchor_count(_squeezed(c), anchors) == wanted
            ),
            None,
        )
        if child is None:
            return element
        element = child


def _widened(element: Tag, *, selectors: Sequence[str], growth: float) -> Tag:
    """The article container around the anchored element, when one is not much bigger: the preamble or
    the signature can sit in a sibling of the element holding the sections. A row or row group is
    widened to its table so the table is read as a whole."""
    if element.name in ("tr", "tbody", "thead", "tfoot"):
        element = element.find_parent("table") or element
    limit = _text_len(element) * growth
    for candidate in (element, *element.parents):
        if not isinstance(candidate, Tag) or candidate.name in ("html", "[document]"):
            break
        if _text_len(candidate) > limit:
            break
        if any(candidate.css.match(selector) for selector in selectors):
            return candidate
    return element


def _content_root(soup: BeautifulSoup, config: Mapping[str, Any]) -> Tag:
    body = soup.body or soup
    selectors = list(config.get("content_selectors", []))
    anchors = [re.compile(pattern) for pattern in config.get("report_anchors", [])]
    anchored = _anchored(body, anchors, minimum=int(config.get("min_report_anchors", 3)))
    if anchored is not None:
        return _widened(anchored, selectors=selectors, growth=float(config.get("content_growth", 1.5)))
    minimum = int(config.get("min_body_chars", 200))
    for selector in selectors:
        best = max(soup.select(selector), key=_text_len, default=None)
        if best is not None and _text_len(best) >= minimum:
            return best
    return body


def _title_outside(soup: BeautifulSoup, root: Tag, config: Mapping[str, Any]) -> str | None:
    """The page's title when the body does not repeat it (sites print it above the article)."""
    body_text = _WS.sub("", root.get_text())[:400]
    for selector in config.get("title_selectors", []):
        element = _first_match(soup, selector)
        if element is None:
            continue
        title = collapse_cjk_spaces(_WS.sub(" ", element.get_text()).strip())
        if title and _WS.sub("", title) not in body_text:
            return title
    return None


# --- tables ---------------------------------------------------------------------------------------


def _span(cell: Tag, name: str) -> int:
    raw = str(cell.get(name) or "1").strip()
    digits = re.match(r"\d+", raw)
    value = int(digits.group()) if digits else 1
    return min(max(value, 1), _MAX_SPAN)


def _own_rows(table: Tag) -> list[Tag]:
    """The table's rows, not those of tables nested in its cells."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _cell_lines(cell: Tag) -> list[str]:
    """A cell's text split where <br>, <p> or <div> break it."""
    lines: list[str] = [""]
    for piece in _walk_inline(cell):
        if piece is None:
            lines.append("")
        else:
            lines[-1] += piece
    return lines


def _walk_inline(element: Tag) -> Iterator[str | None]:
    """Text pieces of an element; None marks a line break."""
    for child in element.children:
        if isinstance(child, NavigableString):
            yield _INVISIBLE.sub("", str(child))
        elif isinstance(child, Tag):
            if child.name == "br":
                yield None
                continue
            breaks = child.name in ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6")
            if breaks:
                yield None
            yield from _walk_inline(child)
            if breaks:
                yield None


def html_table_grid(
    table: Tag,
    *,
    hidden_rows: Sequence[str] = (),
    problems: list[Problem] | None = None,
    source: str | None = None,
) -> Grid:
    """The table's grid, spans honoured and the filler columns of Word exports merged away.

    `hidden_rows` are selectors of rows that are not printed (Word's zero-height row that only fixes
    column widths). Spans that would make the grid huge are ignored, and said so in `problems`."""
    rows = [
        tr
        for tr in _own_rows(table)
        if tr.find_all(["td", "th"], recursive=False)
        and not any(tr.css.match(selector) for selector in hidden_rows)
    ]
    placed = _placed_cells(rows, spans=True)
    if placed is None:
        placed = _placed_cells(rows, spans=False) or []
        if problems is not None:
            message = (
                f"a table's rowspan/colspan would make a grid over {MAX_GRID_COLUMNS} columns or"
                f" {MAX_GRID_AREA} positions: its spans were ignored"
            )
            problems.append(problem(ErrorCode.READ_SPANS_IGNORED, message, source=source))
    return grid_from_cells(merge_filler_columns(placed))


def _placed_cells(rows: Sequence[Tag], *, spans: bool) -> list[GridCell] | None:
    """Each cell placed at the first free position of its row, spans honoured (`spans`), or None when
    the spans would take the grid past the bounds above."""
    taken: set[tuple[int, int]] = set()
    cells: list[GridCell] = []
    n_cells = sum(len(tr.find_all(["td", "th"], recursive=False)) for tr in rows)
    max_area = max(MAX_GRID_AREA, SPAN_AREA_FACTOR * n_cells)
    for r, tr in enumerate(rows):
        col = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while (r, col) in taken:
                col += 1
            rowspan = min(_span(td, "rowspan"), len(rows) - r) if spans else 1
            colspan = _span(td, "colspan") if spans else 1
            if spans and (col + colspan > MAX_GRID_COLUMNS or len(taken) + rowspan * colspan > max_area):
                return None
            text = clean_cell_text(_cell_lines(td))
            cells.append(GridCell(text=text, row=r, col=col, rowspan=rowspan, colspan=colspan))
            taken.update((r + dr, col + dc) for dr in range(rowspan) for dc in range(colspan))
            col += colspan
    return cells


# --- filler columns -------------------------------------------------------------------------------
# Word cuts a table into as many grid columns as it has distinct cell borders. When a header cell is a
# little wider than the values under it, the export gives the header colspan=2 and every data row an
# extra empty cell under it. Rendered as is, each data row would carry one blank cell more than the
# template has columns, and the table path would take it for a real blank cell.


def merge_filler_columns(cells: Sequence[GridCell]) -> list[GridCell]:
    """The cells with each filler column merged into its neighbour (the spanning cells shrink).

    A column is filler when, in every row, the cell over it is blank or also covers the neighbour, and
    the lowest non-blank cell covering both (the header over it) has at most one column of its own
    holding text below it. A blank real column (its own header, or one of several value columns under
    a group header such as 法人或其他组织) is kept, so its cells stay blank."""
    merged = list(cells)
    while (column := _filler_column(merged)) is not None:
        merged = _without_column(merged, column)
    return merged


def _filler_column(cells: Sequence[GridCell]) -> int | None:
    owner = {
        (cell.row + dr, cell.col + dc): index
        for index, cell in enumerate(cells)
        for dr in range(cell.rowspan)
        for dc in range(cell.colspan)
    }
    n_rows = max((c.row + c.rowspan for c in cells), default=0)
    n_cols = max((c.col + c.colspan for c in cells), default=0)
    for column in reversed(range(n_cols)):  # right to left: a header's span keeps its first column
        for neighbour in (column - 1, column + 1):
            if 0 <= neighbour < n_cols and _is_filler(
                cells, owner, column=column, neighbour=neighbour, n_rows=n_rows
            ):
                return column
    return None


def _is_filler(
    cells: Sequence[GridCell],
    owner: Mapping[tuple[int, int], int],
    *,
    column: int,
    neighbour: int,
    n_rows: int,
) -> bool:
    header: GridCell | None = None
    for row in range(n_rows):
        here, there = owner.get((row, column)), owner.get((row, neighbour))
        if here is None:
            continue  # a ragged row ends before this column
        if here == there:
            header = cells[here] if cells[here].text else header  # rows go down: the lowest one wins
        elif cells[here].text:
            return False  # this column holds text of its own
    return header is not None and _text_columns_below(cells, header) <= 1


def _text_columns_below(cells: Sequence[GridCell], header: GridCell) -> int:
    """How many columns under `header`'s span start a cell with text below it: one for a leaf header
    over its values, several for a group header (申请人情况, 法人或其他组织, 行政复议)."""
    bottom = header.row + header.rowspan
    span = range(header.col, header.col + header.colspan)
    return len({c.col for c in cells if c.text and c.row >= bottom and c.col in span})


def _without_column(cells: Sequence[GridCell], column: int) -> list[GridCell]:
    out: list[GridCell] = []
    for cell in cells:
        if cell.col > column:
            out.append(cell.model_copy(update={"col": cell.col - 1}))
        elif cell.col + cell.colspan <= column:
            out.append(cell)
        elif cell.colspan > 1:
            out.append(cell.model_copy(update={"colspan": cell.colspan - 1}))
        # else: a blank one-column cell of the filler column, gone with it
    return out


def _is_layout_table(table: Tag, grid: Grid, config: Mapping[str, Any]) -> bool:
    if table.find("table") is not None or grid.n_cols < 2:
        return True
    limit = int(config.get("layout_cell_chars", 400))
    return any(len(cell.text) > limit for cell in grid.cells)


# --- linearising ----------------------------------------------------------------------------------


class _Linearizer:
    """Walks the body, flushing a paragraph at every block boundary and adding tables as grids."""

    def __init__(self, builder: DocumentBuilder, config: Mapping[str, Any], *, source: str) -> None:
        self.builder = builder
        self.config = config
        self.source = source
        self.block_tags = frozenset(config.get("block_tags", []))
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = collapse_cjk_spaces(_WS.sub(" ", "".join(self.buffer)).strip())
        self.buffer = []
        if text:
            self.builder.add_paragraph(text)

    def walk(self, element: Tag) -> None:
        for child in element.children:
            if isinstance(child, NavigableString):
                self.buffer.append(_INVISIBLE.sub("", str(child)))
            elif isinstance(child, Tag):
                self.visit(child)

    def visit(self, element: Tag) -> None:
        if element.name == "br":
            self.flush()
        elif element.name == "table":
            self.table(element)
        elif element.name in self.block_tags:
            self.flush()
            self.walk(element)
            self.flush()
        else:
            self.walk(element)

    def table(self, table: Tag) -> None:
        self.flush()
        grid = html_table_grid(
            table,
            hidden_rows=self.config.get("hidden_row_selectors", []),
            problems=self.builder.problems,
            source=self.source,
        )
        if _is_layout_table(table, grid, self.config):
            for cell in table.find_all(["td", "th", "caption"]):
                if cell.find_parent("table") is table:
                    self.flush()
                    self.walk(cell)
                    self.flush()
            return
        caption = table.find("caption")
        if caption is not None and caption.find_parent("table") is table:
            self.builder.add_paragraph(clean_cell_text(_cell_lines(caption)))
        self.builder.add_table(grid)


def read_html(
    data: bytes, *, source: str, config: Mapping[str, Any], text_config: Mapping[str, Any]
) -> SourceDocument:
    builder = DocumentBuilder()
    text, encoding = decode_html(data, source=source, config=text_config, problems=builder.problems)
    soup = BeautifulSoup(text, "lxml")
    if soup.find() is None:
        raise GovReportError(ErrorCode.READ_EMPTY, "the page holds no HTML elements", source=source)
    flatten_deep_nesting(soup)
    _drop_chrome(soup, config.get("drop_selectors", []))
    root = _content_root(soup, config)
    title = _title_outside(soup, root, config)
    if title:
        builder.add_paragraph(title)
    linearizer = _Linearizer(builder, config, source=source)
    linearizer.visit(root)  # visit, not walk: the root may itself be a table
    linearizer.flush()
    return builder.build(source=source, data=data, media_type="text/html", encoding=encoding)
