"""HTML pages as government sites publish them: chrome dropped, the article body kept, tables as grids.

The charset comes from a byte-order mark, then the page's <meta>, then detection (GBK pages are
common). Site chrome (navigation, headers, footers, share bars, breadcrumbs, scripts) is removed by
the selectors of configs/readers.yaml; the body is the first configured content container holding
real text, else the element with the most paragraph text. Data tables become grids honouring
rowspan/colspan; a table that holds other tables or long prose is page layout and is read as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from nlp.errors import ErrorCode, GovReportError
from nlp.readers.common import DocumentBuilder, clean_cell_text, collapse_cjk_spaces, grid_from_cells
from nlp.readers.text import decode_text
from nlp.schema import Grid, GridCell, SourceDocument

__all__ = ["decode_html", "html_table_grid", "read_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_MAX_SPAN = 1000  # a rowspan/colspan beyond this is a typo, not a table


def _meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:8192])
    return found.group(1).decode("ascii").lower() if found else None


def decode_html(data: bytes, *, source: str, config: Mapping[str, Any]) -> tuple[str, str]:
    """Decode with the <meta> charset when it works, else as text of unknown encoding."""
    declared = _meta_charset(data)
    aliases = {k.replace("-", "").lower(): v for k, v in config.get("codec_aliases", {}).items()}
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        codec = aliases.get(declared.replace("-", ""), declared)
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            pass  # pages often declare one charset and are saved in another
    return decode_text(data, source=source, config=config)


# --- choosing the article -------------------------------------------------------------------------


def _drop_chrome(soup: BeautifulSoup, selectors: Sequence[str]) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for selector in selectors:
        for element in soup.select(selector):
            if element.name not in ("html", "body"):
                element.decompose()


def _text_len(element: Tag) -> int:
    return len(_WS.sub("", element.get_text()))


def _densest(root: Tag) -> Tag:
    """The element whose direct paragraphs and tables hold the most text (the article, usually)."""
    best, best_score = root, 0
    for element in root.find_all(["div", "td", "section", "article", "main"]):
        children = [c for c in element.find_all(["p", "table", "br"], recursive=False)]
        score = sum(_text_len(c) for c in children if isinstance(c, Tag)) + _own_text_len(element)
        if score > best_score:
            best, best_score = element, score
    return best if best_score else root


def _own_text_len(element: Tag) -> int:
    return sum(len(_WS.sub("", str(s))) for s in element.find_all(string=True, recursive=False))


def _content_root(soup: BeautifulSoup, config: Mapping[str, Any]) -> Tag:
    minimum = int(config.get("min_body_chars", 200))
    for selector in config.get("content_selectors", []):
        matches = soup.select(selector)
        best = max(matches, key=_text_len, default=None)
        if best is not None and _text_len(best) >= minimum:
            return best
    body = soup.body or soup
    return _densest(body) if _text_len(body) else body


def _title_outside(soup: BeautifulSoup, root: Tag, config: Mapping[str, Any]) -> str | None:
    """The page's title when the body does not repeat it (sites print it above the article)."""
    body_text = _WS.sub("", root.get_text())[:400]
    for selector in config.get("title_selectors", []):
        element = soup.select_one(selector)
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
            yield str(child)
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


def html_table_grid(table: Tag) -> Grid:
    """The table's grid: each cell placed at the first free position of its row, spans honoured."""
    taken: set[tuple[int, int]] = set()
    cells: list[GridCell] = []
    rows = [tr for tr in _own_rows(table) if tr.find_all(["td", "th"], recursive=False)]
    for r, tr in enumerate(rows):
        col = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while (r, col) in taken:
                col += 1
            rowspan = min(_span(td, "rowspan"), len(rows) - r)
            colspan = _span(td, "colspan")
            text = clean_cell_text(_cell_lines(td))
            cells.append(GridCell(text=text, row=r, col=col, rowspan=rowspan, colspan=colspan))
            taken.update((r + dr, col + dc) for dr in range(rowspan) for dc in range(colspan))
            col += colspan
    return grid_from_cells(cells)


def _is_layout_table(table: Tag, grid: Grid, config: Mapping[str, Any]) -> bool:
    if table.find("table") is not None or grid.n_cols < 2:
        return True
    limit = int(config.get("layout_cell_chars", 400))
    return any(len(cell.text) > limit for cell in grid.cells)


# --- linearising ----------------------------------------------------------------------------------


class _Linearizer:
    """Walks the body, flushing a paragraph at every block boundary and adding tables as grids."""

    def __init__(self, builder: DocumentBuilder, config: Mapping[str, Any]) -> None:
        self.builder = builder
        self.config = config
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
                self.buffer.append(str(child))
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
        grid = html_table_grid(table)
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
    text, encoding = decode_html(data, source=source, config=text_config)
    soup = BeautifulSoup(text, "lxml")
    if soup.find() is None:
        raise GovReportError(ErrorCode.READ_EMPTY, "the page holds no HTML elements", source=source)
    _drop_chrome(soup, config.get("drop_selectors", []))
    root = _content_root(soup, config)
    builder = DocumentBuilder()
    title = _title_outside(soup, root, config)
    if title:
        builder.add_paragraph(title)
    linearizer = _Linearizer(builder, config)
    linearizer.walk(root)
    linearizer.flush()
    return builder.build(source=source, data=data, media_type="text/html", encoding=encoding)
