"""DOCX reader: document order, merged cells rendered once (gridSpan / vMerge), the blank 2021 template."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from nlp.errors import ErrorCode, GovReportError
from nlp.readers import read_bytes, read_path
from nlp.readers.common import grid_rows
from nlp.readers.docx_numbering import chinese_numeral

TEMPLATE = Path(__file__).resolve().parent.parent / "samples" / "real" / "template_2021_blank.docx"


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("某县2023年政府信息公开工作年度报告")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(1, 1)).text = "（本列数据的勾稽关系为：…）"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "申请人情况"
    table.cell(1, 2).text = "自然人"
    table.cell(1, 3).text = "总计"
    table.cell(2, 0).merge(table.cell(3, 0)).text = "三、本年度办理结果"
    for row, (label, a, b) in enumerate(
        [("（一）予以公开", "5", "5"), ("（二）部分公开", "0", "0")], start=2
    ):
        table.cell(row, 1).text = label
        table.cell(row, 2).text = a
        table.cell(row, 3).text = b
    multi = table.cell(3, 1)
    multi.add_paragraph("（区分处理的）")
    document.add_paragraph("四、结转下年度继续办理")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_readers_docx_merged_cells_rendered_once() -> None:
    doc = read_bytes(_docx_bytes(), source="made.docx", suffix=".docx")
    [table] = [b for b in doc.blocks if b.kind == "table"]
    assert table.grid is not None
    assert grid_rows(table.grid) == [
        ["（本列数据的勾稽关系为：…）", "", "申请人情况", ""],
        ["", "", "自然人", "总计"],
        ["三、本年度办理结果", "（一）予以公开", "5", "5"],
        ["", "（二）部分公开（区分处理的）", "0", "0"],
    ]
    spans = {c.text: (c.rowspan, c.colspan) for c in table.grid.cells}
    assert spans["（本列数据的勾稽关系为：…）"] == (2, 2)
    assert spans["申请人情况"] == (1, 2)
    assert spans["三、本年度办理结果"] == (2, 1)


def test_readers_docx_paragraphs_and_tables_in_document_order() -> None:
    doc = read_bytes(_docx_bytes(), source="made.docx", suffix=".docx")
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph", "table", "paragraph"]
    assert doc.lines[0].text == "某县2023年政府信息公开工作年度报告"
    assert doc.lines[-1].text == "四、结转下年度继续办理"
    assert doc.media_type.endswith("wordprocessingml.document")


def test_readers_docx_blank_template_has_2021_labels_without_duplicates() -> None:
    doc = read_path(TEMPLATE)
    grids = [b.grid for b in doc.blocks if b.grid is not None]
    assert [(g.n_rows, g.n_cols) for g in grids] == [(14, 4), (28, 10), (4, 15)]
    t3 = grid_rows(grids[1])
    labels = [c for row in t3 for c in row[:3] if c]
    assert len(labels) == len(set(labels))  # python-docx would repeat every merged label
    assert labels.count("三、本年度办理结果") == 1
    assert "（六）其他处理" in labels and "3.其他" in labels
    assert t3[0][3] == "申请人情况" and t3[0][4:] == [""] * 6
    t4 = grid_rows(grids[2])
    assert t4[0][0] == "行政复议" and t4[0][1:5] == [""] * 4
    assert t4[1][5] == "未经复议直接起诉" and t4[1][10] == "复议后起诉"
    assert all(cell == "" for cell in t4[3])  # blank template: no values, full-width spaces dropped
    texts = [line.text for line in doc.lines]
    assert "五、存在的主要问题及改进情况" in texts


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"PK\x03\x04not really a zip", ErrorCode.READ_CORRUPT),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ErrorCode.READ_UNSUPPORTED),
        (b"hello, plain text", ErrorCode.READ_CORRUPT),
    ],
)
def test_readers_docx_bad_files(raw: bytes, code: ErrorCode) -> None:
    with pytest.raises(GovReportError) as info:
        read_bytes(raw, source="x/bad.docx", suffix=".docx")
    assert info.value.code == code
    assert "x/bad.docx" in str(info.value)


def _numbered_docx() -> bytes:
    """Headings numbered by Word (一、 and （一）), not typed: the numbers live in numbering.xml."""
    document = docx.Document()
    root = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl>'
        "</w:abstractNum>"
    )
    root.insert(0, abstract)
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text, level in [
        ("总体情况", 0),
        ("主动公开情况", 1),
        ("依申请公开情况", 1),
        ("主动公开政府信息情况", 0),
    ]:
        paragraph = document.add_paragraph(text)
        num_pr = parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
        )
        paragraph._p.get_or_add_pPr().append(num_pr)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_readers_docx_word_numbering_rendered_into_headings() -> None:
    doc = read_bytes(_numbered_docx(), source="numbered.docx", suffix=".docx")
    assert [line.text for line in doc.lines] == [
        "一、总体情况",
        "（一）主动公开情况",
        "（二）依申请公开情况",
        "二、主动公开政府信息情况",
    ]


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五"), (110, "一百一十")]
)
def test_readers_docx_chinese_numeral(n: int, text: str) -> None:
    assert chinese_numeral(n) == text
