"""Bad inputs: each gives its READ_* code and names the file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from nlp.errors import ErrorCode, GovReportError
from nlp.readers import read_bytes, read_path
from nlp.settings import Settings

HONGZE = Path(__file__).resolve().parent.parent / "samples" / "real" / "hongze_2023.pdf"


def _image_only_pdf() -> bytes:
    """A scan: one page that is a picture of text, no text layer."""
    image = Image.new("RGB", (595, 842), "white")
    for x in range(100, 500):
        image.putpixel((x, 200), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PDF")
    return buffer.getvalue()


def _blank_page_pdf() -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _assert_read_error(path: Path, code: ErrorCode, *, settings: Settings | None = None) -> GovReportError:
    with pytest.raises(GovReportError) as info:
        read_path(path, settings=settings)
    assert info.value.code == code
    assert str(path) in str(info.value)
    assert info.value.source == str(path)
    return info.value


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("scan.pdf", _image_only_pdf, ErrorCode.READ_OCR_NEEDED),
        ("blank.pdf", _blank_page_pdf, ErrorCode.READ_OCR_NEEDED),
        ("locked.pdf", _encrypted_pdf, ErrorCode.READ_ENCRYPTED),
        (
            "truncated.pdf",
            lambda: HONGZE.read_bytes()[: len(HONGZE.read_bytes()) // 3],
            ErrorCode.READ_CORRUPT,
        ),
        ("junk.pdf", lambda: b"%PDF-1.4\n" + bytes(range(256)) * 8, ErrorCode.READ_CORRUPT),
        ("notpdf.pdf", lambda: b"just some text", ErrorCode.READ_CORRUPT),
        ("empty.pdf", lambda: b"", ErrorCode.READ_EMPTY),
        ("empty.txt", lambda: b"", ErrorCode.READ_EMPTY),
        ("white.md", lambda: b" \n\n  ", ErrorCode.READ_EMPTY),
        ("junk.txt", lambda: bytes(range(256)) * 10, ErrorCode.READ_BINARY),
        ("old.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ErrorCode.READ_UNSUPPORTED),
        ("sheet.xlsx", lambda: b"PK\x03\x04", ErrorCode.READ_UNSUPPORTED),
        ("scan.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ErrorCode.READ_OCR_NEEDED),
    ],
)
def test_readers_errors_bad_file_gives_code_and_names_it(
    tmp_path: Path, name: str, make, code: ErrorCode
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    _assert_read_error(path, code)


def test_readers_errors_doc_says_convert_to_docx(tmp_path: Path) -> None:
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    error = _assert_read_error(path, ErrorCode.READ_UNSUPPORTED)
    assert "convert to .docx" in error.message


def test_readers_errors_missing_file(tmp_path: Path) -> None:
    _assert_read_error(tmp_path / "nowhere.txt", ErrorCode.READ_NOT_FOUND)


def test_readers_errors_too_large_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes("政府信息公开\n".encode() * 20_000)
    small = Settings(max_file_mb=0.05)
    error = _assert_read_error(path, ErrorCode.READ_TOO_LARGE, settings=small)
    assert "bytes" in error.message
    with pytest.raises(GovReportError) as info:
        read_bytes(path.read_bytes(), source="mem.txt", suffix=".txt", settings=small)
    assert info.value.code == ErrorCode.READ_TOO_LARGE


def test_readers_errors_describe_for_cli(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_image_only_pdf())
    error = _assert_read_error(path, ErrorCode.READ_OCR_NEEDED)
    assert error.describe().startswith(f"{path}: [read_ocr_needed]")
    assert "OCR" in error.message
