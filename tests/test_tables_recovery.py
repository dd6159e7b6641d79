"""Row recovery (nlp.tables.recovery): a body printed as one line gets its table rows back, and nothing else
is touched."""

from __future__ import annotations

import pytest

from nlp.extract import document_from_text
from nlp.tables.recovery import Piece, recover_document, recover_line, split_pieces

_T3 = (
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    "一、本年新收政府信息公开申请数量1000001二、上年结转政府信息公开申请数量0000000"
    "三、本年度办理结果（一）予以公开1000001（二）部分公开（区分处理的，只计这一情形，不计其他情形）0000000"
    "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
)
_NOTE_PROSE = (
    "本单位严格落实各项要求。" * 20 + "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）。"
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("规章000行政规范性文件002", [Piece("规章", "000", "行"), Piece("行政规范性文件", "002", "")]),
        ("属于国家秘密00000002.其他", [Piece("属于国家秘密", "0000000", "."), Piece("2.其他", "", "")]),
        ("（三）不予公开1.属于国家秘密0000000", [Piece("（三）不予公开1.属于国家秘密", "0000000", "")]),
        ("行政事业性收费9116.36 (二)", [Piece("行政事业性收费", "9116.36", " "), Piece(" (二)", "", "")]),
        ("行政处罚 111 -8 6行政强制", [Piece("行政处罚 ", "111 -8 6", "行"), Piece("行政强制", "", "")]),
    ],
)
def test_tables_recovery_split_pieces(line: str, expected: list[Piece]) -> None:
    assert split_pieces(line) == expected


def test_tables_recovery_one_row_per_line_and_glued_flag() -> None:
    recovered = recover_line("前言。" * 40 + _T3)
    assert recovered is not None
    rows = [r.text for r in recovered if r.glued]
    assert rows[:4] == [
        "一、本年新收政府信息公开申请数量 1000001",
        "二、上年结转政府信息公开申请数量 0000000",
        "三、本年度办理结果 （一）予以公开 1000001",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 0000000",
    ]
    assert "（三）不予公开 1.属于国家秘密 0000000" in rows
    # the heading ends the prose line before the table (sections find it there, after a sentence end)
    assert recovered[0].text.endswith("。三、收到和处理政府信息公开申请情况")


@pytest.mark.parametrize(
    "line",
    [
        _NOTE_PROSE,  # prose quoting the note: no glued row
        "规章\t0\t0\t0" + "\t" * 300,  # a grid row already
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000",  # short, outside a dump
    ],
)
def test_tables_recovery_leaves_other_lines_alone(line: str) -> None:
    assert recover_line(line) is None


def test_tables_recovery_a_quoted_note_does_not_make_a_document_a_dump() -> None:
    text = "\n".join(
        [
            _NOTE_PROSE,
            "第二十条第（一）项\t\t\t",
            "规章\t0\t0\t0",
            "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1",
        ]
    )
    doc = document_from_text(text, source="x.txt")
    assert recover_document(doc) is doc
