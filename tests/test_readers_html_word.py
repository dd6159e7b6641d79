"""HTML reader on pages as they are really published: Word exports (filler columns, &nbsp; cells,
vertical labels), web-editor pages with padded labels, fragments without an article wrapper, reports
buried in site chrome. Fixtures: tests/fixtures/html/ (README.md there says what each one exercises);
each `X.cells.csv` lists every cell the report prints, written from the values put into the page."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from nlp.export import cell_records
from nlp.extract import extract_path
from nlp.readers import read_bytes, read_path
from nlp.readers.common import grid_rows, readers_config
from nlp.readers.html import html_table_grid

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "html"
REAL_PAGE = HERE / "fixtures" / "real" / "fujian_pingtan_shehuishiye_2024.html"

CellKey = tuple[str, str, str]


def _expected(page: Path) -> dict[CellKey, tuple[str, str]]:
    with (FIXTURES / f"{page.stem}.cells.csv").open(encoding="utf-8") as f:
        return {(r["table"], r["row"], r["column"]): (r["value"], r["kind"]) for r in csv.DictReader(f)}


def _extracted(path: Path) -> dict[CellKey, tuple[str, str]]:
    report = extract_path(path)
    return {(r["table"], r["row"], r["column"]): (r["value"], r["kind"]) for r in cell_records(report)}


# --- whole pages: every printed cell, value and kind, and nothing else ------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "word_export_2021.htm",  # GB2312 Word export: filler columns, &nbsp;, vertical labels, blank column
        "trs_editor_padded.html",  # TRS editor: padded labels, 总计 blank in all-zero rows, 60k of chrome
        "fragment_body.html",  # paragraphs and tables straight under <body>
        "layout_table.html",  # the report in a layout-table cell beside a "content" block of links
        "blank_total_column.html",  # 总计 blank in every row: the header places the columns
    ],
)
def test_readers_html_fixture_extracts_every_cell(name: str) -> None:
    page = FIXTURES / name
    expected, got = _expected(page), _extracted(page)
    missing = sorted(set(expected) - set(got))
    wrong = {k: (expected[k], got[k]) for k in expected if k in got and got[k] != expected[k]}
    extra = {k: got[k] for k in set(got) - set(expected)}
    assert not missing and not wrong and not extra, (missing[:10], wrong, extra)


@pytest.mark.parametrize("name", ["word_export_2021.htm", "trs_editor_padded.html"])
def test_readers_html_blank_cells_stay_blank(name: str) -> None:
    """A cell printing only &nbsp; is blank, never 0, and a whole blank column keeps its cells."""
    expected = _expected(FIXTURES / name)
    got = _extracted(FIXTURES / name)
    blanks = [k for k, (_, kind) in expected.items() if kind == "blank"]
    assert blanks
    assert all(got[k] == ("", "blank") for k in blanks)


# --- grids: filler columns -------------------------------------------------------------------------


def _grid(table_html: str) -> list[list[str]]:
    table = BeautifulSoup(table_html, "lxml").find("table")
    assert table is not None
    hidden = readers_config()["html"]["hidden_row_selectors"]
    return grid_rows(html_table_grid(table, hidden_rows=hidden))


def _table(*rows: str) -> str:
    return "<table>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


@pytest.mark.parametrize(
    ("table_html", "expected"),
    [
        pytest.param(
            _table(
                "<td>项目</td><td colspan=2>商业企业</td><td>其他</td>",
                "<td>新收</td><td>3</td><td></td><td>0</td>",
                "<td>结转</td><td>1</td><td>&nbsp;</td><td>2</td>",
            ),
            [["项目", "商业企业", "其他"], ["新收", "3", "0"], ["结转", "1", "2"]],
            id="filler-right-of-values",
        ),
        pytest.param(
            _table(
                "<td>项目</td><td>自然人</td><td colspan=2>总计</td>",
                "<td>新收</td><td>3</td><td><o:p>&nbsp;</o:p></td><td>3</td>",
                "<td>结转</td><td>1</td><td></td><td>1</td>",
            ),
            [["项目", "自然人", "总计"], ["新收", "3", "3"], ["结转", "1", "1"]],
            id="filler-left-of-values",
        ),
        pytest.param(
            _table(
                "<td>项目</td><td colspan=2>自然人</td><td>总计</td>",
                "<td>新收</td><td colspan=2>3</td><td>3</td>",
                "<td>结转</td><td>1</td><td></td><td>1</td>",
            ),
            [["项目", "自然人", "总计"], ["新收", "3", "3"], ["结转", "1", "1"]],
            id="value-cell-spanning-the-filler",
        ),
        pytest.param(
            _table(
                "<td>项目</td><td>自然人</td><td>科研机构</td><td>总计</td>",
                "<td>新收</td><td>3</td><td>&nbsp;</td><td>3</td>",
                "<td>结转</td><td>1</td><td></td><td>1</td>",
            ),
            [["项目", "自然人", "科研机构", "总计"], ["新收", "3", "", "3"], ["结转", "1", "", "1"]],
            id="blank-real-column-with-its-own-header-kept",
        ),
        pytest.param(
            _table(
                "<td>项目</td><td colspan=3>法人或其他组织</td>",
                "<td>新收</td><td>3</td><td>2</td><td></td>",
                "<td>结转</td><td>1</td><td>0</td><td></td>",
            ),
            [["项目", "法人或其他组织", "", ""], ["新收", "3", "2", ""], ["结转", "1", "0", ""]],
            id="blank-column-under-a-group-header-kept",
        ),
        pytest.param(
            _table(
                "<td>项目</td><td>自然人</td><td colspan=2>科研机构</td>",
                "<td>新收</td><td>3</td><td></td><td>&nbsp;</td>",
                "<td>结转</td><td>1</td><td></td><td></td>",
            ),
            [["项目", "自然人", "科研机构"], ["新收", "3", ""], ["结转", "1", ""]],
            id="blank-real-column-with-filler-keeps-one-blank-cell",
        ),
        pytest.param(
            _table(
                "<td>项目</td><td>自然人</td>",
                "<td>新收</td><td>3</td>",
            )[: -len("</table>")]
            + "<![if !supportMisalignedColumns]><tr height=0><td width=60 style='border:none'></td>"
            "<td width=40 style='border:none'></td></tr><![endif]></table>",
            [["项目", "自然人"], ["新收", "3"]],
            id="word-zero-height-row-dropped",
        ),
    ],
)
def test_readers_html_filler_columns_merged(table_html: str, expected: list[list[str]]) -> None:
    assert _grid(table_html) == expected


def test_readers_html_filler_merge_shrinks_the_header_span() -> None:
    table = BeautifulSoup(
        _table(
            "<td rowspan=2>项目</td><td colspan=3>申请人情况</td>",
            "<td colspan=2>自然人</td><td>总计</td>",
            "<td>新收</td><td>3</td><td></td><td>3</td>",
        ),
        "lxml",
    ).find("table")
    assert table is not None
    grid = html_table_grid(table)
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    spans = {c.text: (c.col, c.colspan) for c in grid.cells if c.text}
    assert spans["申请人情况"] == (1, 2)
    assert spans["自然人"] == (1, 1)
    assert spans["总计"] == (2, 1)


# --- cell text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell_html", "text"),
    [
        ("<td>&nbsp;3&nbsp;</td>", "3"),
        ("<td>\u30003\u3000</td>", "3"),
        ("<td><p class=MsoNormal><span lang=EN-US>&nbsp;12<o:p></o:p></span></p></td>", "12"),
        ("<td>0\u200b</td>", "0"),
        ("<td>&nbsp;</td>", ""),
        ("<td><p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p></td>", ""),
        ("<td><p>申</p><p>请</p><p>人</p></td>", "申请人"),
        ("<td>不<br>予<br>公<br>开</td>", "不予公开"),
        (
            "<td><p><span>（二）部分公开（区分处</span><span>理的，只计</span></p>"
            "<p><span>这一情形，不计其他\r\n情形）</span></p></td>",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ),
        ("<td><p><span lang=EN-US>1.</span><font face=宋体>属于国家秘密</font></p></td>", "1.属于国家秘密"),
        ("<td>自　然　人</td>", "自然人"),
        ("<td>总\u3000\u3000计</td>", "总计"),
    ],
)
def test_readers_html_cell_text_joined(cell_html: str, text: str) -> None:
    html = f"<table><tr><td>项目</td>{cell_html}</tr></table>"
    assert _grid(html)[0][1] == text


# --- the content root --------------------------------------------------------------------------------

_REPORT = (
    "<p>一、总体情况</p><p>全年收到申请3件。</p><p>二、主动公开政府信息情况</p>"
    "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>"
    "<p>五、存在的主要问题及改进情况</p><p>一是更新不及时。</p><p>六、其他需要报告的事项</p>"
    "<p>未收取信息处理费。</p>"
)
_META = (
    "<div class='content'>相关文件："
    + "".join(f"<a href='/{i}'>某局关于做好第{i}批政务公开工作的通知（索引号00{i}）</a>" for i in range(12))
    + "</div>"
)


_REPORT_LINES = [
    line.removeprefix("<p>") for line in _REPORT.split("</p>") if line
]  # what the report reads as, in order


@pytest.mark.parametrize(
    ("page", "absent"),
    [
        pytest.param(
            f"<html><body><div>发布日期：2024-01-20</div>{_REPORT}</body></html>",
            [],  # the report is <body> itself: its metadata line is part of it
            id="fragment-under-body",
        ),
        pytest.param(
            f"<html><body><div class='main'>{_META}<div class='text'>{_REPORT}</div></div></body></html>",
            ["相关文件"],  # ".content" is a content selector and long enough: the anchors outrank it
            id="metadata-block-before",
        ),
        pytest.param(
            "<html><body><table><tr><td>首页</td></tr>"
            f"<tr><td>{_META}</td><td><table><tr><td>发布日期</td></tr></table>{_REPORT}</td></tr>"
            "</table></body></html>",
            ["首页", "相关文件"],
            id="layout-table",
        ),
        pytest.param(
            f"<html><body><div class='article'>{_REPORT}</div>"
            + "<div class='links'>"
            + "<a href='#'>某县人民政府门户网站 政务公开 政务服务 互动交流</a>" * 600
            + "</div>"
            + "<script>var menu = '"
            + "栏目" * 20000
            + "';</script></body></html>",
            ["门户网站", "栏目"],
            id="sixty-thousand-chars-of-chrome-after",
        ),
    ],
)
def test_readers_html_content_root_holds_the_report(page: str, absent: list[str]) -> None:
    lines = read_bytes(page.encode("utf-8"), source="p.html", suffix=".html").text.splitlines()
    start = lines.index(_REPORT_LINES[0])
    assert lines[start : start + len(_REPORT_LINES)] == _REPORT_LINES
    assert not [line for line in lines if any(word in line for word in absent)]


def test_readers_html_word_export_reads_as_report() -> None:
    doc = read_path(FIXTURES / "word_export_2021.htm")
    lines = doc.text.splitlines()
    assert doc.encoding == "gb18030"
    assert lines[0] == "某县自然资源局2023年政府信息公开工作年度报告"
    assert "一、总体情况" in lines and "六、其他需要报告的事项" in lines
    assert lines[-2:] == ["某县自然资源局", "2024年1月20日"]
    grids = [b.grid for b in doc.blocks if b.grid is not None]
    assert [(g.n_rows, g.n_cols) for g in grids] == [(14, 4), (28, 10), (4, 15)]


# --- the real page ------------------------------------------------------------------------------------


def _real_expected() -> dict[CellKey, tuple[str, str]]:
    """fujian_pingtan_shehuishiye_2024, read off its .txt twin: no 规章 row in table 2; table 3 all zero
    but 2 in 新收, 予以公开 and 总计 for 自然人 and 总计; table 4 0 0 2 0 2 / 0 0 0 0 0 / 13 2 4 0 15."""
    cells: dict[CellKey, tuple[str, str]] = {}
    t2 = {
        ("normative_documents", "issued"): "5",
        ("normative_documents", "repealed"): "0",
        ("normative_documents", "in_force"): "0",
        ("licensing", "decisions"): "2650",
        ("punishment", "decisions"): "31",
        ("coercion", "decisions"): "0",
        ("fees", "amount_wan_yuan"): "0",
    }
    for (row, column), value in t2.items():
        cells["active_disclosure", row, column] = (value, "number")
    t3_rows = [
        "new_received", "carried_over", "granted", "partially_granted", "denied_state_secret",
        "denied_prohibited_by_law", "denied_security_stability", "denied_third_party",
        "denied_internal_affairs", "denied_process_info", "denied_enforcement_files", "denied_admin_query",
        "unable_not_held", "unable_needs_creation", "unable_unclear", "rejected_petition", "rejected_repeat",
        "rejected_publication", "rejected_mass_repeat", "rejected_confirmation", "other_overdue_correction",
        "other_unpaid_fee", "other_other", "handled_total", "carried_forward",
    ]  # fmt: skip
    t3_cols = [
        "natural_person",
        "commercial",
        "research",
        "social_welfare",
        "legal_service",
        "other_org",
        "total",
    ]
    for row in t3_rows:
        for column in t3_cols:
            two = row in ("new_received", "granted", "handled_total") and column in (
                "natural_person",
                "total",
            )
            cells["applications", row, column] = ("2" if two else "0", "number")
    t4 = {"review": "0 0 2 0 2", "suit_direct": "0 0 0 0 0", "suit_after_review": "13 2 4 0 15"}
    for row, values in t4.items():
        for column, value in zip(
            ["upheld", "corrected", "other", "pending", "total"], values.split(), strict=True
        ):
            cells["review_litigation", row, column] = (value, "number")
    return cells


@pytest.mark.skipif(not REAL_PAGE.exists(), reason="the real-page fixture is not in this checkout")
def test_readers_html_real_page_extracts_every_cell() -> None:
    expected, got = _real_expected(), _extracted(REAL_PAGE)
    assert len(expected) == 197
    assert got == expected


def test_readers_html_blank_total_column_gets_a_derived_total() -> None:
    """总计 printed blank stays blank; the sum of the six applicant columns is carried beside it, derived."""
    report = extract_path(FIXTURES / "blank_total_column.html")
    table = report.tables.applications
    assert table is not None
    row = table.row("new_received")
    assert row is not None
    assert row.cells["total"].kind == "blank"
    assert row.derived["total"].value == 4
