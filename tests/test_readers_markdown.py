"""The Markdown reader (nlp/readers/markdown.py) on converter output: grids, markup, page footers, and
the converter fixtures read with no wrong value."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.extract import extract_path
from nlp.readers import read_bytes
from nlp.readers.common import grid_rows
from nlp.schema import Grid, SourceDocument
from tests.real_goldens import compare_tables, golden_pairs, load_golden

CONVERTER_PAIRS = golden_pairs("converters")
# Fixtures whose every golden cell is extracted (each of them today). A converter that truly lost cells
# (pymupdf4llm on the DOCX: blank cells vanish) has them in its golden's absent_rows, not in its tables.
FULLY_EXTRACTED = [
    "hongze_2023.markitdown.md",
    "hongze_2023.pymupdf4llm.md",
    "huaian_gov_2024.markitdown.md",
    "huaian_gov_2024.pymupdf4llm.md",
    "template_2021_blank.lo.html",
    "template_2021_blank.markitdown.md",
    "template_2021_blank.pymupdf4llm-docx.md",
    "template_2021_blank.pymupdf4llm.md",
    "template_2021_filled.docling_style.md",
    "template_2021_filled.lo.html",
    "template_2021_filled.marker_style.md",
    "template_2021_filled.markitdown.md",
    "template_2021_filled.mineru_style.md",
    "template_2021_filled.pymupdf4llm-docx.md",
    "template_2021_filled.pymupdf4llm.md",
]


def _read(md: str) -> SourceDocument:
    return read_bytes(md.encode(), source="r.md", suffix=".md")


def _grids(doc: SourceDocument) -> list[Grid]:
    return [b.grid for b in doc.blocks if b.kind == "table" and b.grid is not None]


def _texts(doc: SourceDocument) -> list[str]:
    return [line.text for line in doc.lines]


@pytest.mark.parametrize(
    ("md", "rows"),
    [
        (
            "| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 3 |",
            [["信息内容", "本年制发件数"], ["规章", "3"]],
        ),
        (
            "|规章|0|0|0|\n|---|---|---|---|\n|行政规范性文件|23|9|146|",
            [["规章", "0", "0", "0"], ["行政规范性文件", "23", "9", "146"]],
        ),
        (
            "| 自然<br>人 | 商业<br/>企业 |\n| :--- | ---: |\n| **1** | 2 |",
            [["自然人", "商业企业"], ["1", "2"]],
        ),
        # numbers joined by <br> stay apart in their one cell: the table path reports them, never "879"
        ("|a|b|\n|---|---|\n|87|9<br>11|", [["a", "b"], ["87", "9 11"]]),
        # an escaped pipe is text, not a cell border
        ("|a\\|b|c|\n|---|---|\n|1|2|", [["a|b", "c"], ["1", "2"]]),
    ],
)
def test_readers_markdown_pipe_table_becomes_grid(md: str, rows: list[list[str]]) -> None:
    grids = _grids(_read(md))
    assert [row for grid in grids for row in grid_rows(grid)] == rows


def test_readers_markdown_rule_line_is_no_row_and_line_numbers_hold() -> None:
    doc = _read("# 报告\n\n| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 3 |\n\n结束")
    assert len(_grids(doc)) == 1
    assert _texts(doc) == ["报告", "", "信息内容\t本年制发件数", "", "规章\t3", "", "结束"]
    assert [line.source_line for line in doc.lines] == list(range(1, 8))


@pytest.mark.parametrize(
    ("md", "widths"),
    [
        # a short row (a merged or dropped cell) is not padded with blank cells: it is a grid of its own
        ("|a|b|c|\n|---|---|---|\n|1|2|3|\n|4|5|\n|6|7|8|", [3, 2, 3]),
        # the empty header markitdown prints over a table without one is dropped
        ("| | |\n|---|---|\n|规章|3|", [2]),
    ],
)
def test_readers_markdown_grids_keep_rows_as_printed(md: str, widths: list[int]) -> None:
    assert [grid.n_cols for grid in _grids(_read(md))] == widths


def test_readers_markdown_rows_keep_their_blank_cells_as_printed() -> None:
    """A row whose label a converter pushed out of the table, or printed in an earlier row, stays a
    grid row with its blank cells: the table path (not the reader) decides which row its values are."""
    md = "|一、本年新收|21 0|21|\n|---|---|---|\n| |0 0|0|\n二、上年结转"
    doc = _read(md)
    assert _texts(doc) == ["一、本年新收\t21 0\t21", "", "\t0 0\t0", "二、上年结转"]
    assert [b.kind for b in doc.blocks] == ["table", "paragraph"]
    md = "|（四）无法提供|2.没有现成信息| |\n|---|---|---|\n| | |11|"
    assert [row for grid in _grids(_read(md)) for row in grid_rows(grid)] == [
        ["（四）无法提供", "2.没有现成信息", ""],
        ["", "", "11"],
    ]


def test_readers_markdown_html_table_keeps_spans() -> None:
    md = (
        "# 二、主动公开政府信息情况\n\n"
        '<table><tr><td colspan="3">第二十条第（一）项</td></tr>'
        '<tr><td rowspan="2">规章</td><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>\n\n'
        "结束"
    )
    doc = _read(md)
    (grid,) = _grids(doc)
    spans = {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in grid.cells}
    assert ("第二十条第（一）项", 0, 0, 1, 3) in spans
    assert ("规章", 1, 0, 2, 1) in spans
    assert grid_rows(grid) == [["第二十条第（一）项", "", ""], ["规章", "1", "2"], ["", "3", "4"]]
    assert _texts(doc)[0] == "二、主动公开政府信息情况" and _texts(doc)[-1] == "结束"


def test_readers_markdown_html_table_over_several_lines() -> None:
    md = "前\n<table>\n<tr><td>a</td><td>b</td></tr>\n</table>\n后"
    doc = _read(md)
    assert [row for grid in _grids(doc) for row in grid_rows(grid)] == [["a", "b"]]
    assert [t for t in _texts(doc) if t] == ["前", "a\tb", "后"]


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (
            "# **示例县人民政府2023年政府信息公开工作年度报告**",
            "示例县人民政府2023年政府信息公开工作年度报告",
        ),
        ("## 三、收到和处理政府信息公开申请情况 ##", "三、收到和处理政府信息公开申请情况"),
        ("###### 四、结转下年度继续办理 ", "四、结转下年度继续办理"),
        ("- （三）政府信息管理情况。", "（三）政府信息管理情况。"),
        ("  * 1.属于国家秘密", "1.属于国家秘密"),
        (
            "全年收到申请 **9** 件，*办结* 9 件，_全部_ 按期答复。",
            "全年收到申请 9 件，办结 9 件，全部 按期答复。",
        ),
        ("> 引用 [门户网站](http://x.gov.cn) ![](img.png)", "引用 门户网站"),
        ("file_name_kept 与 ____ 填空", "file_name_kept 与 ____ 填空"),
        ("收费 1\\.5 万元 &amp; 其他", "收费 1.5 万元 & 其他"),
    ],
)
def test_readers_markdown_markup_stripped(line: str, text: str) -> None:
    assert _texts(_read(line)) == [text]


@pytest.mark.parametrize("footer", ["- 3 -", "— 12 —", "-3-", "第 2 页", "第2页 共6页", "---", "***"])
def test_readers_markdown_page_numbers_and_rules_dropped(footer: str) -> None:
    doc = _read(f"上一页的文字\n\n{footer}\n\n下一页的文字")
    assert _texts(doc) == ["上一页的文字", "", "", "", "下一页的文字"]


@pytest.mark.parametrize("line", ["3", "- 3 件"])
def test_readers_markdown_bare_numbers_kept(line: str) -> None:
    # converters printing one table cell per paragraph print cell values on their own line
    assert [t for t in _texts(_read(f"规章\n\n{line}")) if t][-1] in {"3", "3 件"}


def test_readers_markdown_hard_wrapped_lines_stay_lines() -> None:
    doc = _read("2023年，示例县人民政府认真贯彻落实《中华人民共和国政府\n信息公开条例》，持续推进。")
    assert _texts(doc) == [
        "2023年，示例县人民政府认真贯彻落实《中华人民共和国政府",
        "信息公开条例》，持续推进。",
    ]
    assert doc.media_type == "text/markdown"


@pytest.mark.parametrize(("source", "golden"), CONVERTER_PAIRS, ids=[s.name for s, _ in CONVERTER_PAIRS])
def test_readers_markdown_converter_fixtures_no_wrong_value(source: Path, golden: Path) -> None:
    comparison = compare_tables(extract_path(source), load_golden(golden))
    assert comparison.wrong == []
    if source.name in FULLY_EXTRACTED:
        assert comparison.missing == []


def test_readers_markdown_fully_extracted_list_names_fixtures() -> None:
    assert set(FULLY_EXTRACTED) <= {source.name for source, _ in CONVERTER_PAIRS}
