"""The reliability audit's reader defects (issue 11), each pinned by a test that failed before its fix:
a DOCX decompression bomb (1), HTML span amplification and deep nesting (3), stray bytes in a UTF-8
text (12) and messages that spanned two lines (12)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from nlp.errors import ErrorCode, GovReportError
from nlp.readers import read_bytes
from nlp.settings import Settings
from search_api.commands.common import format_problem

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DOCX = ROOT / "samples" / "real" / "template_2021_blank.docx"
SEED = ROOT / "samples" / "seeds" / "lingqiu_2022.txt"


def docx_with_padding(pad_bytes: int, *, fill: bytes = b" ") -> bytes:
    """The blank template DOCX with `pad_bytes` of white space inside its document part: a valid DOCX
    that expands far beyond its size (white space between elements is legal XML)."""
    source = zipfile.ZipFile(TEMPLATE_DOCX)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + fill * pad_bytes, 1)
            target.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- 1. a DOCX decompression bomb --------------------------------------------------------------------


def test_hardening_docx_bomb_refused_by_expanded_size() -> None:
    bomb = docx_with_padding(24 << 20)  # ~24 KB that expands to 24 MB
    settings = Settings(max_expanded_mb=8)
    started = time.monotonic()
    with pytest.raises(GovReportError) as info:
        read_bytes(bomb, source="bomb.docx", suffix=".docx", settings=settings)
    assert info.value.code == ErrorCode.READ_TOO_LARGE and info.value.source == "bomb.docx"
    assert "max_expanded_mb" in info.value.message
    assert time.monotonic() - started < 5


def test_hardening_docx_bomb_refused_by_ratio_under_the_size_limit() -> None:
    bomb = docx_with_padding(4 << 20)  # 4 MB of spaces: ~1000 times its compressed size
    with pytest.raises(GovReportError) as info:
        read_bytes(bomb, source="ratio.docx", suffix=".docx", settings=Settings(max_zip_ratio=100))
    assert info.value.code == ErrorCode.READ_TOO_LARGE and "max_zip_ratio" in info.value.message


def test_hardening_docx_lying_sizes_caught_while_streaming() -> None:
    """A container whose central directory understates a part's size is caught by what the part really
    expands to (zipfile itself refuses to read past the declared size: read_corrupt)."""
    bomb = bytearray(docx_with_padding(4 << 20))
    name = b"word/document.xml"
    at = bomb.rfind(b"PK\x01\x02", 0, bomb.rfind(name))  # the part's central-directory entry
    real = int.from_bytes(bomb[at + 24 : at + 28], "little")
    bomb[at + 24 : at + 28] = (1000).to_bytes(4, "little")  # declared: 1000 bytes
    assert real > 1 << 20
    with pytest.raises(GovReportError) as info:
        read_bytes(bytes(bomb), source="liar.docx", suffix=".docx")
    assert info.value.code in (ErrorCode.READ_TOO_LARGE, ErrorCode.READ_CORRUPT)


def test_hardening_docx_ordinary_template_still_reads() -> None:
    document = read_bytes(TEMPLATE_DOCX.read_bytes(), source="t.docx", suffix=".docx")
    assert any("政府信息" in line.text for line in document.lines)


# --- 3. HTML span amplification and deep nesting ------------------------------------------------------


def test_hardening_html_span_amplification_is_bounded() -> None:
    rows = "".join("<tr><td rowspan=1000 colspan=1000>1</td></tr>" for _ in range(40))
    page = f"<html><body><p>某县2021年政府信息公开工作年度报告</p><table>{rows}</table></body></html>"
    started = time.monotonic()
    document = read_bytes(page.encode(), source="spans.html", suffix=".html")
    assert time.monotonic() - started < 5
    assert [p.code for p in document.problems] == [ErrorCode.READ_SPANS_IGNORED.value]
    assert document.problems[0].source == "spans.html"


def test_hardening_html_huge_colspan_is_not_a_thousand_columns() -> None:
    page = (
        "<html><body><table><tr><td colspan=1000000>项目</td><td>数量</td></tr>"
        "<tr><td>制发件数</td><td>3</td></tr></table></body></html>"
    )
    document = read_bytes(page.encode(), source="colspan.html", suffix=".html")
    grids = [b.grid for b in document.blocks if b.grid is not None]
    assert grids and max(g.n_cols for g in grids) <= 2


def test_hardening_html_real_spans_still_honoured() -> None:
    page = (
        "<html><body><table><tr><td rowspan=2>申请人情况</td><td colspan=2>法人或其他组织</td></tr>"
        "<tr><td>商业企业</td><td>科研机构</td></tr><tr><td>新收</td><td>1</td><td>2</td></tr>"
        "</table></body></html>"
    )
    document = read_bytes(page.encode(), source="real.html", suffix=".html")
    grid = next(b.grid for b in document.blocks if b.grid is not None)
    assert grid.n_cols == 3 and not document.problems
    assert any(c.colspan == 2 for c in grid.cells) and any(c.rowspan == 2 for c in grid.cells)


def test_hardening_html_nested_10000_deep_reads_its_text() -> None:
    page = "<html><body>" + "<div>" * 10_000 + "二〇二一年政府信息公开工作年度报告" + "</div>" * 10_000
    started = time.monotonic()
    document = read_bytes(page.encode(), source="deep.html", suffix=".html")
    assert time.monotonic() - started < 10
    assert "二〇二一年政府信息公开工作年度报告" in "".join(line.text for line in document.lines)


# --- 12. stray bytes, and every message on one line -------------------------------------------------


def test_hardening_stray_bytes_after_valid_utf8_are_reported_not_fatal() -> None:
    data = SEED.read_bytes() + b"\xff\xfe"
    document = read_bytes(data, source="stray.txt", suffix=".txt")
    assert document.encoding == "utf-8"
    bad = [p for p in document.problems if p.code == ErrorCode.READ_BAD_BYTES.value]
    assert bad and all(p.source == "stray.txt" for p in bad)
    assert f"offset {len(data) - 2}" in bad[0].message
    assert document.lines[0].text == SEED.read_text(encoding="utf-8").splitlines()[0]


def test_hardening_truncated_utf8_character_is_read() -> None:
    text = SEED.read_text(encoding="utf-8").rstrip() + "完"
    data = text.encode("utf-8")[:-1]  # the last character cut in the middle
    document = read_bytes(data, source="cut.txt", suffix=".txt")
    assert document.encoding == "utf-8"
    assert [p.code for p in document.problems] == [ErrorCode.READ_BAD_BYTES.value]


def test_hardening_gbk_text_is_not_mistaken_for_utf8_with_strays() -> None:
    data = SEED.read_text(encoding="utf-8").encode("gb18030")
    document = read_bytes(data, source="gbk.txt", suffix=".txt")
    assert document.encoding == "gb18030" and not document.problems
    mislabelled = b'<html><head><meta charset="utf-8"></head><body><p>' + data[:3000] + b"</p></body></html>"
    page = read_bytes(mislabelled, source="gbk.html", suffix=".html")
    assert "政府信息公开" in "".join(line.text for line in page.lines)


def test_hardening_every_message_is_one_line() -> None:
    error = GovReportError(ErrorCode.READ_CORRUPT, "lxml said:\nline 2\r\n  line 3", source="a\nb.docx")
    assert "\n" not in error.describe() and "\r" not in error.describe()
    assert error.describe() == r"a\nb.docx: [read_corrupt] lxml said: line 2 line 3"
    assert "\n" not in format_problem(error.to_problem())
