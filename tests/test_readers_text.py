"""Text reader: encodings, newlines, line numbers, Markdown tables, binary junk."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nlp.errors import ErrorCode, GovReportError
from nlp.readers import read_bytes, read_path

REPORT = "洪泽区人民政府\n2023年政府信息公开工作年度报告\n\n一、总体情况\n全年收到申请21件。\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (REPORT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + REPORT.encode("utf-8"), "utf-8"),
        (REPORT.encode("gbk"), "gb18030"),
        (REPORT.encode("gb18030"), "gb18030"),
        (REPORT.encode("utf-16"), "utf-16-le"),  # Python writes a BOM, little-endian here
        (codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), "utf-16-be"),
        (REPORT.encode("utf-16-le"), "utf-16-le"),  # no BOM: told by the NUL pattern
    ],
)
def test_readers_text_decodes_common_encodings(raw: bytes, encoding: str) -> None:
    doc = read_bytes(raw, source="r.txt", suffix=".txt")
    assert doc.text == REPORT.rstrip("\n") + "\n"
    assert doc.encoding == encoding
    assert doc.media_type == "text/plain"


def test_readers_text_gbk_file_on_disk_keeps_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("第一行\r\n\r\n第三行：收到申请3件\r第四行".encode("gbk"))
    doc = read_path(path)
    assert [(ln.source_line, ln.text) for ln in doc.lines] == [
        (1, "第一行"),
        (2, ""),
        (3, "第三行：收到申请3件"),
        (4, "第四行"),
    ]
    assert doc.source == str(path)
    assert [(b.first_line, b.last_line) for b in doc.blocks] == [(1, 1), (3, 3), (4, 4)]


def test_readers_text_sha256_is_of_raw_bytes() -> None:
    import hashlib

    raw = REPORT.encode("gbk")
    assert read_bytes(raw, source="x.txt", suffix="txt").sha256 == hashlib.sha256(raw).hexdigest()


def test_readers_text_markdown_pipe_table_becomes_grid() -> None:
    md = "# 报告\n\n| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 3 |\n\n结束"
    doc = read_bytes(md.encode(), source="r.md", suffix=".md")
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 1 and tables[0].grid is not None
    assert (tables[0].first_line, tables[0].last_line) == (3, 5)  # line numbers unchanged
    assert doc.lines[2].text == "信息内容\t本年制发件数"
    assert doc.lines[4].text == "规章\t3"
    assert doc.lines[6].text == "结束"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", ErrorCode.READ_EMPTY),
        (b"  \n\t\r\n ", ErrorCode.READ_EMPTY),
        (bytes(range(256)) * 20, ErrorCode.READ_BINARY),
        (b"%PDF-1.7\x00\x01\x02binary", ErrorCode.READ_BINARY),
        (b"\x00\x01\x02\x03\x04\x05\x06\x07\x08" * 100, ErrorCode.READ_BINARY),
    ],
)
def test_readers_text_bad_bytes_give_code_and_name_file(raw: bytes, code: ErrorCode) -> None:
    with pytest.raises(GovReportError) as info:
        read_bytes(raw, source="bad/report.txt", suffix=".txt")
    assert info.value.code == code
    assert "bad/report.txt" in str(info.value)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(alphabet="政府信息公开年度报告一二三四五六七八九十0123456789，。、 abc", max_size=30),
        min_size=1,
        max_size=8,
    )
)
def test_readers_text_roundtrips_any_encoding(lines: list[str]) -> None:
    text = "\n".join(lines)
    # two bytes of GB18030 can be valid UTF-8 too: only text of some length has one reading
    assume(sum(ord(ch) > 127 for ch in text) >= 8)
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        doc = read_bytes(text.encode(encoding), source="p.txt", suffix=".txt")
        assert doc.text == text
        assert [ln.source_line for ln in doc.lines] == list(range(1, len(lines) + 1))


@pytest.mark.parametrize(("name", "encoding"), [("utf16_bom.txt", "utf-16-le"), ("gb18030.txt", "gb18030")])
def test_readers_text_fixture_files_on_disk(name: str, encoding: str) -> None:
    doc = read_path(Path(__file__).resolve().parent / "fixtures" / "readers" / name)
    assert doc.encoding == encoding
    assert [ln.text for ln in doc.lines][:4] == [
        "某县2021年政府信息公开工作年度报告",
        "",
        "一、总体情况",
        "全年收到政府信息公开申请三件。",
    ]


def test_readers_text_markdown_marks_dropped_line_numbers_kept() -> None:
    md = "# 某县2023年政府信息公开工作年度报告\n\n## **一、总体情况**\n> 全年收到申请 **9** 件。"
    doc = read_bytes(md.encode(), source="r.md", suffix=".md")
    assert [ln.text for ln in doc.lines] == [
        "某县2023年政府信息公开工作年度报告",
        "",
        "一、总体情况",
        "全年收到申请 9 件。",
    ]
    assert doc.media_type == "text/markdown"


def test_readers_text_form_feed_of_pdftotext_dropped() -> None:
    doc = read_bytes("第一页\n\f二、主动公开政府信息情况\n".encode(), source="p.txt", suffix=".txt")
    assert [ln.text for ln in doc.lines][:2] == ["第一页", "二、主动公开政府信息情况"]
