"""The PDF reader's I/O edge: pdfium (through pypdfium2) opens the file and gives, per page, the
printed characters with their boxes, the painted paths and the number of images. Everything after
this (words, lines, tables, reflow) is pure geometry in pdf_layout.py and pdf_tables.py.

Boxes are given as pdfminer (and so pdfplumber, which this reader replaced) computed them, because
the layout rules and the goldens were tuned on those: x from the character's origin over its
advance width, y from the font's descent to one font size above it; paths are classified the way
pdfminer does (one segment: a line; a closed axis-aligned four-sided path: a rect; else a curve).
Coordinates are in points from the page's top-left corner, y down.

pdfium is not thread-safe: within a process, documents are read one at a time (a lock); read PDFs in
parallel in processes, as ingest's workers do.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from nlp.readers.pdf_layout import PdfChar
from nlp.readers.pdf_tables import PdfGraphic
from nlp.readers.pdfium_fonts import glyph_unicode

__all__ = ["PageContent", "PdfOpenError", "open_pdf", "read_pages"]

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class PdfOpenError(Exception):
    """The file could not be read as a PDF; `encrypted` when a password stopped it."""

    def __init__(self, message: str, *, encrypted: bool) -> None:
        super().__init__(message)
        self.encrypted = encrypted


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    chars: list[PdfChar]
    graphics: list[PdfGraphic]
    images: int
    unmapped: int  # characters whose font maps them to no Unicode text


# --- geometry helpers -------------------------------------------------------------------------------


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (row vectors, as PDF matrices compose)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _display(rotation: int, box: tuple[float, float, float, float]) -> tuple[Matrix, float, float]:
    """User space → pdfminer's page space (rotation applied, origin at the media box's corner), and the
    page's width and height as displayed."""
    x0, y0, x1, y1 = box
    if rotation == 90:
        return (0.0, -1.0, 1.0, 0.0, -y0, x1), y1 - y0, x1 - x0
    if rotation == 180:
        return (-1.0, 0.0, 0.0, -1.0, x1, y1), x1 - x0, y1 - y0
    if rotation == 270:
        return (0.0, 1.0, -1.0, 0.0, y1, -x0), y1 - y0, x1 - x0
    # unrotated, x and the height stay as pdfplumber kept them (in user space)
    return _IDENTITY, x1 - x0, y1 - y0


def _to_page(ctm: Matrix, height: float, x: float, y: float) -> tuple[float, float]:
    px, py = _apply(ctm, x, y)
    return px, height - py


def _box_on_page(
    ctm: Matrix, height: float, x0: float, y0: float, x1: float, y1: float
) -> tuple[float, float, float, float]:
    corners = [_to_page(ctm, height, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, tops = [p[0] for p in corners], [p[1] for p in corners]
    return min(xs), min(tops), max(xs), max(tops)


# --- characters -------------------------------------------------------------------------------------


def _vertical_writing(m: Matrix, ox: float, oy: float, size: float) -> bool:
    """Whether the character is set in a vertical-writing font (Identity-V): pdfium then puts its origin
    half an em left of and below the text object's position; horizontal text only advances rightward."""
    em = size * max(abs(m[0]), abs(m[3]))
    return m[4] - ox > 0.25 * em and abs(oy - m[5]) > 0.25 * em


def _upright(matrix: Matrix, ctm: Matrix) -> bool:
    """As pdfminer judges a character: on the page, neither turned nor mirrored."""
    a, b, c, d, _, _ = _multiply(matrix, ctm)
    return a * d > 0 and b * c <= 0


# How a text object's characters are boxed (see _Objects.run)
_HORIZONTAL, _VERTICAL, _ROTATED = 0, 1, 2
Run = tuple[int, float, float, bool, Matrix, float]  # mode, y0, y1 (user space), upright, matrix, size


class _Objects:
    """What each text object tells about its characters, asked once per object and, through the
    font, once per font: producers such as WPS put every character in a text object of its own, so
    per-object questions are per-character questions there."""

    def __init__(self, textpage: object, ctm: Matrix) -> None:
        self.textpage = textpage
        self.ctm = ctm
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.matrix = raw.FS_MATRIX()
        self.descent = ctypes.c_float()
        self.descents: dict[tuple[int, float], float] = {}
        self.vertical: dict[int, bool] = {}
        self.uprights: dict[tuple[float, ...], bool] = {}
        self.glyphs: dict[int, dict[int, str]] = {}

    def run(self, index: int, text_object: object) -> Run:
        raw.FPDFText_GetMatrix(self.textpage, index, self.matrix)
        m = self.matrix
        matrix: Matrix = (m.a, m.b, m.c, m.d, m.e, m.f)
        size = float(raw.FPDFText_GetFontSize(self.textpage, index))
        font = raw.FPDFTextObj_GetFont(text_object)
        font_key = ctypes.addressof(font.contents) if font else 0
        upright = self.uprights.get(matrix[:4])
        if upright is None:
            upright = self.uprights[matrix[:4]] = _upright(matrix, self.ctm)
        if not (m.b == 0 and m.c == 0):
            return _ROTATED, 0.0, 0.0, upright, matrix, size
        if self._vertical(font_key, index, matrix, size):
            return _VERTICAL, 0.0, 0.0, upright, matrix, size
        # pdfminer's box: from the baseline plus the font's descent to one font size above that
        y0 = m.f + self._descent(font, font_key, size) * m.d
        y1 = y0 + size * m.d
        return _HORIZONTAL, min(y0, y1), max(y0, y1), upright, matrix, size

    def _descent(self, font: object, font_key: int, size: float) -> float:
        key = (font_key, size)
        if key not in self.descents:
            ok = font_key and raw.FPDFFont_GetDescent(font, ctypes.c_float(size), self.descent)
            self.descents[key] = float(self.descent.value) if ok else 0.0
        return self.descents[key]

    def _vertical(self, font_key: int, index: int, matrix: Matrix, size: float) -> bool:
        if font_key not in self.vertical:
            raw.FPDFText_GetCharOrigin(self.textpage, index, self.x, self.y)
            self.vertical[font_key] = _vertical_writing(matrix, self.x.value, self.y.value, size)
        return self.vertical[font_key]

    def unicode_of(self, text_object: object, code: int) -> str | None:
        """The character a code without a Unicode mapping stands for in its embedded TrueType font's
        own cmap (the code being the glyph id, as in Identity-coded CID fonts), as pdfminer read it."""
        font = raw.FPDFTextObj_GetFont(text_object)
        if not font:
            return None
        key = ctypes.addressof(font.contents)
        if key not in self.glyphs:
            self.glyphs[key] = glyph_unicode(_font_program(font))
        return self.glyphs[key].get(code)

    def odd_box(self, index: int, run: Run) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) in user space of a character set vertically or turned."""
        mode, _, _, _, (a, _, _, d, _, _), size = run
        if mode == _VERTICAL:
            # pdfium's origin is already the lower-left corner pdfminer gives the glyph
            raw.FPDFText_GetCharOrigin(self.textpage, index, self.x, self.y)
            ox, oy = self.x.value, self.y.value
            return ox, oy, ox + size * abs(a), oy + size * abs(d)
        # turned text: the glyph's own box (pdfminer's differs slightly; rare in reports)
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        raw.FPDFText_GetCharBox(self.textpage, index, left, right, bottom, top)
        return left.value, bottom.value, right.value, top.value


def _font_program(font: object) -> bytes:
    """The embedded font file, decoded (empty when the font is not embedded)."""
    size = ctypes.c_size_t()
    if not raw.FPDFFont_GetFontData(font, None, 0, size) or not size.value:
        return b""
    buffer = (ctypes.c_uint8 * size.value)()
    if not raw.FPDFFont_GetFontData(font, buffer, size.value, size):
        return b""
    return bytes(buffer)


def _texts(textpage: object, count: int) -> list[str] | None:
    """Every character's text in one call; None when pdfium's UTF-16 does not map one to one."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, buffer)
    text = bytes(buffer)[: 2 * max(0, written - 1)].decode("utf-16-le", errors="surrogatepass")
    return list(text) if len(text) == count else None


def _chars(textpage: object, ctm: Matrix, height: float) -> tuple[list[PdfChar], int]:
    """The page's printed characters with pdfminer's boxes, and how many have no Unicode mapping."""
    objects = _Objects(textpage, ctm)
    count = raw.FPDFText_CountChars(textpage)
    texts = _texts(textpage, count) if count > 0 else []
    chars: list[PdfChar] = []
    unmapped = 0
    runs: dict[int, Run] = {}
    flat = ctm == _IDENTITY
    rect = raw.FS_RECTF()
    # once per printed character, so pdfium's functions are looked up once
    is_generated, text_object_of = raw.FPDFText_IsGenerated, raw.FPDFText_GetTextObject
    map_error, loose_box, addressof = (
        raw.FPDFText_HasUnicodeMapError,
        raw.FPDFText_GetLooseCharBox,
        ctypes.addressof,
    )
    for index in range(count):
        text = texts[index] if texts is not None else _unicode(textpage, index)
        if text in _MAYBE_GENERATED and is_generated(textpage, index) != 0:
            continue  # spaces and line breaks pdfium inserted: not printed
        text_object = text_object_of(textpage, index)
        if not text_object:
            continue
        key = addressof(text_object.contents)
        run = runs.get(key)
        if run is None:
            run = runs[key] = objects.run(index, text_object)
        if map_error(textpage, index) == 1:
            found = objects.unicode_of(text_object, ord(text))
            if found is None:
                text = f"(cid:{ord(text)})"  # no Unicode mapping: read as pdfminer printed it
                unmapped += 1
            else:
                text = found
        elif text == "\x02" and raw.FPDFText_IsHyphen(textpage, index) == 1:
            text = "-"  # pdfium marks a hyphen ending a line with U+0002; it was printed as "-"
        if run[0] == _HORIZONTAL:
            # x over the advance width from the origin: pdfium's loose box
            loose_box(textpage, index, rect)
            x0, y0, x1, y1 = rect.left, run[1], rect.right, run[2]
        else:
            x0, y0, x1, y1 = objects.odd_box(index, run)
        if flat:
            chars.append(PdfChar(text, x0, x1, height - y1, height - y0, run[3]))
        else:
            left, top, right, bottom = _box_on_page(ctm, height, x0, y0, x1, y1)
            chars.append(PdfChar(text, left, right, top, bottom, run[3]))
    return _join_surrogates(chars), unmapped


def _unicode(textpage: object, index: int) -> str:
    try:
        return chr(raw.FPDFText_GetUnicode(textpage, index))
    except (ValueError, OverflowError):
        return "\ufffd"


# pdfium generates only spaces and line breaks (between text objects, or for wide gaps)
_MAYBE_GENERATED = frozenset(" \r\n")


def _join_surrogates(chars: list[PdfChar]) -> list[PdfChar]:
    """A character outside the BMP that pdfium gave as two UTF-16 halves becomes one character."""
    if not any("\ud800" <= c.text <= "\udbff" for c in chars):
        return chars
    out: list[PdfChar] = []
    for char in chars:
        prev = out[-1] if out else None
        if prev is not None and "\ud800" <= prev.text <= "\udbff" and "\udc00" <= char.text <= "\udfff":
            text = (prev.text + char.text).encode("utf-16", "surrogatepass").decode("utf-16")
            out[-1] = PdfChar(text, prev.x0, max(prev.x1, char.x1), prev.top, prev.bottom, prev.upright)
        else:
            out.append(char)
    return out


# --- paths and images -------------------------------------------------------------------------------


def _collect(handle: object, matrix: Matrix, paths: list[tuple[object, Matrix]], *, in_form: bool) -> int:
    """Every path object (with the matrix from its space to user space) into `paths`, form XObjects
    opened; returns the number of images. Pages hold hundreds of objects (WPS prints each character
    as one), so the loop keeps to local names."""
    count = raw.FPDFFormObj_CountObjects(handle) if in_form else raw.FPDFPage_CountObjects(handle)
    get_object = raw.FPDFFormObj_GetObject if in_form else raw.FPDFPage_GetObject
    get_type = raw.FPDFPageObj_GetType
    path_kind, image_kind, form_kind = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM
    images = 0
    for i in range(count):
        obj = get_object(handle, i)
        if not obj:
            continue
        kind = get_type(obj)
        if kind == path_kind:
            paths.append((obj, matrix))
        elif kind == image_kind:
            images += 1
        elif kind == form_kind:
            m = raw.FS_MATRIX()
            raw.FPDFPageObj_GetMatrix(obj, m)
            inner = _multiply((m.a, m.b, m.c, m.d, m.e, m.f), matrix)
            images += _collect(obj, inner, paths, in_form=True)
    return images


def _subpaths(obj: object, matrix: Matrix) -> Iterator[list[tuple[str, tuple[float, float]]]]:
    """The path's subpaths as pdfminer's operators ("m", "l", "c", "h") with their end points in user
    space; pdfium gives a Bézier as three points, pdfminer as one operator ending at the last."""
    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, m)
    full = _multiply((m.a, m.b, m.c, m.d, m.e, m.f), matrix)
    x, y = ctypes.c_float(), ctypes.c_float()
    current: list[tuple[str, tuple[float, float]]] = []
    bezier = 0
    for i in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, i)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = _apply(full, x.value, y.value)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            if current:
                yield current
            current = [("m", point)]
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:
                current.append(("c", point))
        else:
            current.append(("l", point))
        if raw.FPDFPathSegment_GetClose(segment) and current:
            current.append(("h", current[0][1]))
    if current:
        yield current


def _classify(ops: list[tuple[str, tuple[float, float]]]) -> tuple[str, list[tuple[float, float]]] | None:
    """pdfminer's reading of one subpath: "line", "rect" or "curve" with its points; None if invalid."""
    shape = "".join(op for op, _ in ops)
    pts = [p for _, p in ops]
    if shape[:1] != "m":
        return None
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"  # a redundant "l" back to the start of a closed path
        pts.pop(-2)
    if shape in {"mlh", "ml"}:
        return "line", pts[:2]
    if shape in {"mlllh", "mllll"}:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if pts[0] == pts[4] and square:
            return "rect", [pts[0], pts[2]]
    return "curve", pts


def _fill_colour(obj: object) -> tuple[float, ...]:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not raw.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        return ()
    return r.value / 255, g.value / 255, b.value / 255


def _graphics(obj: object, matrix: Matrix, ctm: Matrix, height: float) -> list[PdfGraphic]:
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
        return []
    fill, stroked = fill_mode.value != raw.FPDF_FILLMODE_NONE, bool(stroke.value)
    if not (fill or stroked):
        return []  # a clipping path ("n"): nothing painted
    colour = _fill_colour(obj) if fill else ()
    out = []
    for ops in _subpaths(obj, matrix):
        found = _classify(ops)
        if found is None:
            continue
        kind, pts = found
        on_page = tuple(_to_page(ctm, height, x, y) for x, y in pts)
        out.append(PdfGraphic(kind, on_page, stroke=stroked, fill=fill, fill_colour=colour))
    return out


# --- pages ------------------------------------------------------------------------------------------


def _read_page(document: pdfium.PdfDocument, index: int) -> PageContent:
    page = document[index]
    try:
        mediabox = page.get_mediabox()
        ctm, width, height = _display(page.get_rotation(), mediabox)
        textpage = page.get_textpage()
        try:
            chars, unmapped = _chars(textpage.raw, ctm, height)
        finally:
            textpage.close()
        paths: list[tuple[object, Matrix]] = []
        images = _collect(page.raw, _IDENTITY, paths, in_form=False)
        graphics = [g for obj, matrix in paths for g in _graphics(obj, matrix, ctm, height)]
        return PageContent(index + 1, width, height, chars, graphics, images, unmapped)
    finally:
        page.close()


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The document, or PdfOpenError: encrypted when a password is needed, else truncated or corrupt."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        encrypted = code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY)
        raise PdfOpenError(str(exc), encrypted=encrypted) from exc


# pdfium must not be entered from two threads at once (pypdfium2 does not serialise it): the API
# checks an upload in its thread pool when no per-file time budget sends it to a child process.
_PDFIUM = threading.Lock()


def read_pages(data: bytes) -> list[PageContent]:
    """Each page's content in order (PdfOpenError when the file cannot be opened or a page loaded).
    The whole document is read under one lock, so a thread never meets pdfium busy in another."""
    with _PDFIUM:
        document = open_pdf(data)
        try:
            pages = []
            for index in range(len(document)):
                try:
                    pages.append(_read_page(document, index))
                except pdfium.PdfiumError as exc:
                    raise PdfOpenError(f"page {index + 1}: {exc}", encrypted=False) from exc
            return pages
        finally:
            document.close()
