"""PDF with a text layer, through pdfium (pypdfium2): tables from ruling lines, the rest as reflowed text.

Per page: white boxes without a stroke (paragraph backgrounds some producers draw) are ignored,
tables are found on the ruling lines — a table cut by a page break gets its open outline closed so
its first and last rows still form cells —, each cell's characters become its text, and the words
outside tables become lines. Across pages: page numbers and running headers/footers are dropped,
tables continued on the next page are joined, and lines are reflowed into paragraphs.

pdfium only reads the file (nlp/readers/pdfium_page.py); words, tables and reflow are pure functions
of the positioned characters and paths (pdf_layout.py, pdf_tables.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nlp.errors import ErrorCode, GovReportError, problem
from nlp.readers.common import DocumentBuilder, clean_cell_text
from nlp.readers.pdf_layout import (
    Paragraph,
    PdfChar,
    PdfLine,
    PdfWord,
    drop_furniture,
    layout_margins,
    line_texts,
    lines_from_words,
    reflow,
    split_vertical_labels,
    words_from_chars,
)
from nlp.readers.pdf_tables import (
    Box,
    Edge,
    FoundTable,
    PdfCell,
    PdfTable,
    TableSettings,
    closed_outline,
    continues_table,
    find_tables,
    graphic_edges,
    is_rule,
    join_tables,
    rect_edges,
    table_grid,
)
from nlp.readers.pdfium_page import PageContent, PdfOpenError, read_pages
from nlp.schema import SourceDocument

__all__ = ["read_pdf"]


@dataclass
class _Page:
    number: int
    height: float
    lines: list[PdfLine]
    tables: list[PdfTable]
    chars: int
    images: int
    unmapped: int = 0  # characters printed as "(cid:N)": a font without a Unicode mapping


# --- one page -------------------------------------------------------------------------------------


def _find_tables(edges: Sequence[Edge], settings: TableSettings) -> list[FoundTable]:
    tables = find_tables(edges, settings)
    outlines = [closed_outline(t, edges) for t in tables]
    if all(
        abs(o[1] - t.bbox[1]) < 1 and abs(o[3] - t.bbox[3]) < 1 for o, t in zip(outlines, tables, strict=True)
    ):
        return tables
    # a page break left some outline open: find again with the closed outlines drawn in
    explicit = [edge for outline in outlines for edge in rect_edges(outline)]
    return find_tables(edges, settings, explicit=explicit)


def _char_centres(chars: Sequence[PdfChar]) -> tuple[list[float], list[PdfChar]]:
    ordered = sorted(chars, key=lambda ch: (ch.top + ch.bottom) / 2)
    return [(ch.top + ch.bottom) / 2 for ch in ordered], ordered


def _cell_text(box: Box, ys: list[float], chars: list[PdfChar]) -> str:
    x0, top, x1, bottom = box
    lo, hi = bisect.bisect_left(ys, top), bisect.bisect_right(ys, bottom)
    inside = [ch for ch in chars[lo:hi] if x0 <= (ch.x0 + ch.x1) / 2 <= x1]
    words = [PdfWord(ch.text, ch.x0, ch.x1, ch.top, ch.bottom) for ch in inside]
    return clean_cell_text(line_texts(words))


def _pdf_table(table: FoundTable, number: int, ys: list[float], chars: list[PdfChar]) -> PdfTable:
    cells = [
        PdfCell(x0=b[0], top=b[1], x1=b[2], bottom=b[3], text=_cell_text(b, ys, chars), page=number)
        for b in table.cells
    ]
    x0, top, x1, bottom = table.bbox
    return PdfTable(cells=cells, x0=x0, top=top, x1=x1, bottom=bottom, page=number)


def _keeps(table: FoundTable, config: Mapping[str, Any]) -> bool:
    rows = {round(c[1]) for c in table.cells}
    wide_enough = table.n_cols >= int(config.get("min_table_cols", 2))
    return wide_enough and len(rows) >= int(config.get("min_table_rows", 1))


def _inside(word: PdfWord, boxes: Sequence[Box]) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _page_lines(
    chars: Sequence[PdfChar], number: int, boxes: Sequence[Box], config: Mapping[str, Any]
) -> list[PdfLine]:
    words = [w for w in words_from_chars(chars) if not _inside(w, boxes)]
    rest, labels = split_vertical_labels(words, min_chars=int(config.get("vertical_label_min_chars", 3)))
    return lines_from_words([*rest, *labels], page=number)


def _read_page(content: PageContent, settings: TableSettings, config: Mapping[str, Any]) -> _Page:
    edges = [edge for g in content.graphics if is_rule(g) for edge in graphic_edges(g)]
    found = [t for t in _find_tables(edges, settings) if _keeps(t, config)]
    ys, chars = _char_centres(content.chars)
    tables = [_pdf_table(t, content.number, ys, chars) for t in found]
    boxes = [t.bbox for t in found]
    lines = _page_lines(content.chars, content.number, boxes, config)
    return _Page(
        content.number, content.height, lines, tables, len(content.chars), content.images, content.unmapped
    )


# --- the document ---------------------------------------------------------------------------------


def _read_error(exc: PdfOpenError, source: str) -> GovReportError:
    if exc.encrypted:
        message = f"the PDF is password-protected ({exc})"
        return GovReportError(ErrorCode.READ_ENCRYPTED, message, source=source)
    return GovReportError(ErrorCode.READ_CORRUPT, f"the PDF is truncated or corrupt ({exc})", source=source)


def _read_pages(data: bytes, source: str, config: Mapping[str, Any]) -> list[_Page]:
    settings = TableSettings.of(dict(config.get("table_settings", {})))
    try:
        return [_read_page(content, settings, config) for content in read_pages(data)]
    except PdfOpenError as exc:
        raise _read_error(exc, source) from exc


def _ordered_items(page: _Page) -> list[PdfLine | PdfTable]:
    items: list[PdfLine | PdfTable] = [*page.lines, *page.tables]
    return sorted(items, key=lambda item: item.top)


def _join_across_pages(pages: Sequence[_Page], config: Mapping[str, Any]) -> list[PdfLine | PdfTable]:
    """All pages' items in order, a table continued at the head of the next page joined to its start."""
    tolerance = float(config.get("continuation_edge_tolerance", 8))
    patterns = list(config.get("heading_patterns", []))
    items: list[PdfLine | PdfTable] = []
    for page in pages:
        for index, item in enumerate(_ordered_items(page)):
            last = items[-1] if items else None
            if (
                index == 0
                and isinstance(item, PdfTable)
                and isinstance(last, PdfTable)
                and continues_table(last, item, tolerance=tolerance)
            ):
                items[-1] = join_tables(last, item, tolerance=tolerance, item_patterns=patterns)
            else:
                items.append(item)
    return items


def _check_unmapped(pages: Sequence[_Page], source: str, config: Mapping[str, Any]) -> None:
    """A text layer whose characters have no Unicode mapping reads as "(cid:123)": as good as none."""
    chars = sum(p.chars for p in pages)
    unmapped = sum(p.unmapped for p in pages)
    if chars and unmapped / chars > float(config.get("max_unmapped_share", 0.3)):
        raise GovReportError(
            ErrorCode.READ_OCR_NEEDED,
            f"{unmapped} of {chars} characters have no Unicode mapping (embedded font without ToUnicode):"
            " OCR the rendered pages",
            source=source,
        )


def _ocr_problems(pages: Sequence[_Page], source: str, config: Mapping[str, Any]) -> list[Any]:
    _check_unmapped(pages, source, config)
    minimum = int(config.get("min_chars_per_page", 10))
    scanned = [p for p in pages if p.chars < minimum and p.images]
    if pages and all(p.chars < minimum for p in pages):
        raise GovReportError(
            ErrorCode.READ_OCR_NEEDED,
            f"none of the {len(pages)} page(s) has a text layer (a scan?): OCR it first",
            source=source,
        )
    return [
        problem(
            ErrorCode.READ_OCR_NEEDED,
            f"page {p.number} is an image without text",
            source=source,
            page=p.number,
        )
        for p in scanned
    ]


def _build(items: Sequence[Paragraph | PdfTable], config: Mapping[str, Any]) -> DocumentBuilder:
    builder = DocumentBuilder()
    tolerance = float(config.get("column_tolerance", 4))
    for item in items:
        if isinstance(item, Paragraph):
            builder.add_paragraph(item.text, page=item.page, source_line=item.line_no)
        else:
            grid, pages = table_grid(item, tolerance=tolerance)
            builder.add_table(grid, pages=pages)
    return builder


def read_pdf(data: bytes, *, source: str, config: Mapping[str, Any]) -> SourceDocument:
    if not data.lstrip()[:1024].startswith(b"%PDF"):
        raise GovReportError(ErrorCode.READ_CORRUPT, "not a PDF (no %PDF header)", source=source)
    pages = _read_pages(data, source, config)
    if not pages:
        raise GovReportError(ErrorCode.READ_EMPTY, "the PDF has no pages", source=source)
    problems = _ocr_problems(pages, source, config)
    kept = drop_furniture([p.lines for p in pages], heights=[p.height for p in pages], config=config)
    for page, lines in zip(pages, kept, strict=True):
        page.lines = lines
    items = _join_across_pages(pages, config)
    margins = layout_margins([i for i in items if isinstance(i, PdfLine)])
    builder = _build(reflow(items, margins=margins, config=config), config)
    builder.problems.extend(problems)
    return builder.build(source=source, data=data, media_type="application/pdf")
