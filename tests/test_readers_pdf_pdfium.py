"""The PDF reader on pdfium: the whole document it reads from each real PDF is the one the pdfplumber
reader produced (snapshots written by that reader, commit 425bf0a), a PDF drawn here reads back with
its characters, rules and table, and pypdfium2 is imported only when a PDF is read."""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.readers import read_bytes, read_path
from nlp.readers.common import grid_rows

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "samples" / "real"
GOLDENS = Path(__file__).resolve().parent / "goldens" / "pdf"


@pytest.mark.parametrize("name", ["hongze_2023", "huaian_gov_2024"])
def test_readers_pdf_pdfium_whole_document_as_pdfplumber_read_it(name: str) -> None:
    """Every line (text, page, line number), block, grid cell and problem, not only the table goldens."""
    got = read_path(REAL / f"{name}.pdf").model_dump(mode="json")
    want = json.loads((GOLDENS / f"{name}.document.json").read_text(encoding="utf-8"))
    got.pop("source")
    want.pop("source")
    assert got == want


# --- a PDF drawn here -------------------------------------------------------------------------------


def _drawn_pdf() -> bytes:
    """A page with a 2 x 2 ruled table (rectangles), one rule drawn as a line, and Helvetica text."""
    pdfium = pytest.importorskip("pypdfium2")
    raw = pdfium.raw
    document = pdfium.PdfDocument.new()
    page = document.new_page(595, 842)
    font = raw.FPDFText_LoadStandardFont(document.raw, b"Helvetica")

    def text(value: str, x: float, y: float) -> None:
        obj = raw.FPDFPageObj_CreateTextObj(document.raw, font, 12.0)
        encoded = (value + "\0").encode("utf-16-le")
        buffer = (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded)
        raw.FPDFText_SetText(obj, buffer)
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        raw.FPDFPage_InsertObject(page.raw, obj)

    def rect(x: float, y: float, w: float, h: float) -> None:
        obj = raw.FPDFPageObj_CreateNewRect(x, y, w, h)
        raw.FPDFPath_SetDrawMode(obj, 0, 1)
        raw.FPDFPage_InsertObject(page.raw, obj)

    for x in (100, 200):
        for y in (700, 680):
            rect(x, y, 100, 20)
    line = raw.FPDFPageObj_CreateNewPath(100, 600)
    raw.FPDFPath_LineTo(line, 300, 600)
    raw.FPDFPath_SetDrawMode(line, 0, 1)
    raw.FPDFPage_InsertObject(page.raw, line)
    text("Total 12", 105, 705)
    text("34", 205, 705)
    text("A paragraph of body text.", 100, 500)
    assert raw.FPDFPage_GenerateContent(page.raw)
    out = _Buffer()
    document.save(out)
    return out.data


class _Buffer:
    def __init__(self) -> None:
        self.data = b""

    def write(self, chunk: bytes) -> int:
        self.data += bytes(chunk)
        return len(chunk)


def test_readers_pdf_pdfium_page_content_of_a_drawn_pdf() -> None:
    from nlp.readers.pdfium_page import read_pages

    (page,) = list(read_pages(_drawn_pdf()))
    assert (page.number, page.width, page.height, page.images, page.unmapped) == (1, 595, 842, 0, 0)
    assert "".join(c.text for c in page.chars) == "Total 1234A paragraph of body text."
    total = page.chars[0]
    # pdfminer's box: from the origin over the advance width; from the descent to one font size above
    assert total.x0 == pytest.approx(105, abs=0.01)
    assert total.bottom - total.top == pytest.approx(12, abs=0.01)
    assert 842 - 705 < total.bottom < 842 - 705 + 4  # the descent reaches below the baseline
    assert all(c.upright for c in page.chars)
    kinds = sorted(g.kind for g in page.graphics)
    assert kinds == ["line", "rect", "rect", "rect", "rect"]
    assert (100, 842 - 720, 200, 842 - 700) in [g.box for g in page.graphics]  # y from the top


def test_readers_pdf_pdfium_drawn_table_and_paragraph_read() -> None:
    doc = read_bytes(_drawn_pdf(), source="drawn.pdf", suffix=".pdf")
    tables = [b.grid for b in doc.blocks if b.kind == "table" and b.grid is not None]
    assert [grid_rows(g) for g in tables] == [[["Total 12", "34"], ["", ""]]]
    assert "A paragraph of body text." in [line.text for line in doc.lines]


# --- a font without a ToUnicode map ----------------------------------------------------------------

_TRUETYPE = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf"),
]


def _pdf_without_tounicode() -> tuple[bytes, bytes]:
    """(a PDF with text in an embedded TrueType CID font, the same with its ToUnicode map taken away)."""
    pdfium = pytest.importorskip("pypdfium2")
    raw = pdfium.raw
    font_file = next((p for p in _TRUETYPE if p.exists()), None)
    if font_file is None:
        pytest.skip("no TrueType font file on this machine to embed")
    program = font_file.read_bytes()
    document = pdfium.PdfDocument.new()
    page = document.new_page(595, 842)
    data = (ctypes.c_uint8 * len(program)).from_buffer_copy(program)
    font = raw.FPDFText_LoadFont(document.raw, data, len(program), raw.FPDF_FONT_TRUETYPE, 1)
    obj = raw.FPDFPageObj_CreateTextObj(document.raw, font, 12.0)
    encoded = "Received 12 requests\0".encode("utf-16-le")
    raw.FPDFText_SetText(obj, (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded))
    raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, 700)
    raw.FPDFPage_InsertObject(page.raw, obj)
    assert raw.FPDFPage_GenerateContent(page.raw)
    out = _Buffer()
    document.save(out)
    assert out.data.count(b"/ToUnicode") == 1
    # the key renamed in place (same length, so the cross-reference offsets hold): no ToUnicode map
    return out.data, out.data.replace(b"/ToUnicode", b"/ToUnicodX")


def test_readers_pdf_pdfium_font_without_tounicode_read_through_its_own_cmap() -> None:
    """pdfium gives such characters as bare glyph ids; pdfminer looked them up in the font program."""
    from nlp.readers.pdfium_page import read_pages

    mapped, unmapped = _pdf_without_tounicode()
    (with_map,) = list(read_pages(mapped))
    (without,) = list(read_pages(unmapped))
    assert "".join(c.text for c in without.chars) == "".join(c.text for c in with_map.chars)
    assert "".join(c.text for c in without.chars) == "Received 12 requests"
    assert without.unmapped == 0


# --- threads ---------------------------------------------------------------------------------------


def test_readers_pdf_pdfium_threads_read_one_document_at_a_time() -> None:
    """The API checks uploads in a thread pool: pdfium is entered by one thread at a time."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [REAL / "hongze_2023.pdf", REAL / "huaian_gov_2024.pdf"] * 3
    alone = {path: read_path(path).model_dump(mode="json") for path in paths[:2]}
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda path: read_path(path).model_dump(mode="json"), paths))
    assert together == [alone[path] for path in paths]


# --- cold start -------------------------------------------------------------------------------------


def test_readers_pdf_pdfium_imported_only_when_a_pdf_is_read(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("一、总体情况\n本机关2023年共收到申请5件。\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from nlp.extract import extract_path\n"
        "extract_path(Path(sys.argv[1]))\n"
        "print('pypdfium2' in sys.modules, 'pdfplumber' in sys.modules, 'pdfminer' in sys.modules)\n"
        "from nlp.readers import read_path\n"
        "read_path(Path(sys.argv[2]))\n"
        "print('pypdfium2' in sys.modules, 'pdfplumber' in sys.modules, 'pdfminer' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(report), str(REAL / "hongze_2023.pdf")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split("\n")
    assert out[:2] == ["False False False", "True False False"]
