"""PDF with a text layer, through pdfplumber: tables from ruling lines, the rest as reflowed text.

Per page: white boxes without a stroke (paragraph backgrounds some producers draw) are ignored,
tables are found on the ruling lines — a table cut by a page break gets its open outline closed so
its first and last rows still form cells —, each cell's characters become its text, and the words
outside tables become lines. Across pages: page numbers and running headers/footers are dropped,
tables continued on the next page are joined, and lines are reflowed into paragraphs.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from nlp.errors import ErrorCode, GovReportError, problem
from nlp.readers.common import DocumentBuilder, clean_cell_text
from nlp.readers.pdf_layout import (
    Paragraph,
    PdfLine,
    PdfWord,
    drop_furniture,
    layout_margins,
    lines_from_words,
    reflow,
    split_vertical_labels,
)
from nlp.readers.pdf_tables import PdfCell, PdfTable, continues_table, join_tables, table_grid
from nlp.schema import SourceDocument

__all__ = ["read_pdf"]

Box = tuple[float, float, float, float]


@dataclass
class _Page:
    number: int
    height: float
    lines: list[PdfLine]
    tables: list[PdfTable]
    chars: int
    images: int
    unmapped: int = 0  # characters printed as "(cid:N)": a font without a Unicode mapping


# --- opening --------------------------------------------------------------------------------------


def _cause(exc: BaseException) -> BaseException:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    return inner if isinstance(inner, BaseException) else exc


def _read_error(exc: BaseException, source: str) -> GovReportError:
    cause = _cause(exc)
    if isinstance(cause, PDFEncryptionError):
        return GovReportError(
            ErrorCode.READ_ENCRYPTED, f"the PDF is password-protected ({cause!r})", source=source
        )
    return GovReportError(
        ErrorCode.READ_CORRUPT, f"the PDF is truncated or corrupt ({cause!r})", source=source
    )


_PDF_ERRORS = (PdfminerException, PDFException, PSException, ValueError, KeyError, TypeError, AssertionError)


# --- one page -------------------------------------------------------------------------------------


def _white(colour: Any) -> bool:
    values = list(colour) if isinstance(colour, list | tuple) else [colour]
    return bool(values) and all(isinstance(v, int | float) and v >= 0.99 for v in values)


def _is_rule(obj: Mapping[str, Any]) -> bool:
    """False for white boxes without a stroke: paragraph backgrounds, not table rules."""
    if obj.get("object_type") != "rect":
        return True
    return bool(obj.get("stroke")) or not (obj.get("fill") and _white(obj.get("non_stroking_color")))


def _closed_outline(table: Any, edges: Sequence[Mapping[str, Any]]) -> Box:
    """The table's box grown to where its vertical rules run: a page break leaves the outline open."""
    x0, top, x1, bottom = table.bbox
    for edge in edges:
        beside = edge["orientation"] == "v" and x0 - 2 <= edge["x0"] <= x1 + 2
        if beside and edge["bottom"] >= top - 2 and edge["top"] <= bottom + 2:
            top, bottom = min(top, edge["top"]), max(bottom, edge["bottom"])
    return x0, top, x1, bottom


def _rect(box: Box, page: Page) -> dict[str, Any]:
    """A rectangle object as pdfplumber describes one (its edges close a table's outline)."""
    x0, top, x1, bottom = box
    page_height = float(page.height)
    return {
        "page_number": page.page_number,
        "doctop": float(page.initial_doctop) + top,
        "object_type": "rect",
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "y0": page_height - bottom,
        "y1": page_height - top,
        "width": x1 - x0,
        "height": bottom - top,
    }


def _find_tables(page: Page, config: Mapping[str, Any]) -> list[Any]:
    settings = dict(config.get("table_settings", {}))
    tables = page.find_tables(settings)
    outlines = [_closed_outline(t, page.edges) for t in tables]
    if all(
        abs(o[1] - t.bbox[1]) < 1 and abs(o[3] - t.bbox[3]) < 1 for o, t in zip(outlines, tables, strict=True)
    ):
        return list(tables)
    rects = [_rect(o, page) for o in outlines]
    settings["explicit_vertical_lines"] = rects
    settings["explicit_horizontal_lines"] = rects
    return list(page.find_tables(settings))


def _char_centres(chars: Sequence[Mapping[str, Any]]) -> tuple[list[float], list[Mapping[str, Any]]]:
    ordered = sorted(chars, key=lambda ch: (ch["top"] + ch["bottom"]) / 2)
    return [(ch["top"] + ch["bottom"]) / 2 for ch in ordered], ordered


def _cell_text(box: Box, ys: list[float], chars: list[Mapping[str, Any]]) -> str:
    x0, top, x1, bottom = box
    lo, hi = bisect.bisect_left(ys, top), bisect.bisect_right(ys, bottom)
    inside = [ch for ch in chars[lo:hi] if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1]
    words = [PdfWord(ch["text"], ch["x0"], ch["x1"], ch["top"], ch["bottom"]) for ch in inside]
    return clean_cell_text(line.text for line in lines_from_words(words, page=0))


def _pdf_table(table: Any, number: int, ys: list[float], chars: list[Mapping[str, Any]]) -> PdfTable:
    cells = [
        PdfCell(x0=b[0], top=b[1], x1=b[2], bottom=b[3], text=_cell_text(b, ys, chars), page=number)
        for b in table.cells
    ]
    x0, top, x1, bottom = table.bbox
    return PdfTable(cells=cells, x0=x0, top=top, x1=x1, bottom=bottom, page=number)


def _keeps(table: Any, config: Mapping[str, Any]) -> bool:
    rows = {round(c[1]) for c in table.cells}
    cols = max((len(r.cells) for r in table.rows), default=0)
    return cols >= int(config.get("min_table_cols", 2)) and len(rows) >= int(config.get("min_table_rows", 1))


def _inside(word: PdfWord, boxes: Sequence[Box]) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _page_lines(page: Page, number: int, boxes: Sequence[Box], config: Mapping[str, Any]) -> list[PdfLine]:
    raw = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    words = [PdfWord(w["text"], w["x0"], w["x1"], w["top"], w["bottom"]) for w in raw]
    words = [w for w in words if not _inside(w, boxes)]
    rest, labels = split_vertical_labels(words, min_chars=int(config.get("vertical_label_min_chars", 3)))
    return lines_from_words([*rest, *labels], page=number)


def _read_page(page: Page, number: int, config: Mapping[str, Any]) -> _Page:
    ruled = page.filter(_is_rule)
    found = [t for t in _find_tables(ruled, config) if _keeps(t, config)]
    ys, chars = _char_centres(page.chars)
    tables = [_pdf_table(t, number, ys, chars) for t in found]
    boxes = [t.bbox for t in found]
    lines = _page_lines(page, number, boxes, config)
    unmapped = sum(1 for ch in page.chars if str(ch.get("text", "")).startswith("(cid:"))
    return _Page(number, float(page.height), lines, tables, len(page.chars), len(page.images), unmapped)


# --- the document ---------------------------------------------------------------------------------


def _read_pages(data: bytes, source: str, config: Mapping[str, Any]) -> list[_Page]:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [_read_page(page, i, config) for i, page in enumerate(pdf.pages, start=1)]
    except GovReportError:
        raise
    except _PDF_ERRORS as exc:
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
