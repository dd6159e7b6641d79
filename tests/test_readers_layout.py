"""Pure layout functions of the PDF reader and grid rendering, on hand-made positions."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nlp.errors import ErrorCode, GovReportError
from nlp.readers.common import readers_config, render_grid
from nlp.readers.pdf import _check_unmapped, _Page
from nlp.readers.pdf_layout import (
    Margins,
    Paragraph,
    PdfLine,
    PdfWord,
    drop_furniture,
    lines_from_words,
    reflow,
    split_vertical_labels,
)
from nlp.readers.pdf_tables import PdfCell, PdfTable, continues_table, join_tables, table_grid
from nlp.schema import Grid, GridCell

CONFIG = readers_config()["pdf"]
SIZE = 16.0


def _line(text: str, *, x0: float = 90, x1: float = 518, top: float = 100, page: int = 1) -> PdfLine:
    return PdfLine(text=text, x0=x0, x1=x1, top=top, bottom=top + SIZE, page=page, line_no=1, size=SIZE)


def test_readers_layout_reflow_joins_wraps_keeps_headings() -> None:
    margins = Margins(left=90, right=518, size=SIZE)
    items = [
        _line("一、总体情况", x0=122, x1=220),
        _line("2023年，本区坚持以习近平新时代中国特色社会主义思想为指导，全面", x0=122),
        _line("贯彻落实《条例》要求。"),  # wrapped, ends short
        _line("（一）主动公开情况。全年主动公开", x0=122),  # indented: a new paragraph
        _line("信息1136条。", page=2, x1=200),  # continues across the page break
        _line("二、主动公开政府信息情况", x0=122, x1=330),
    ]
    out = reflow(items, margins=margins, config=CONFIG)
    assert [p.text for p in out if isinstance(p, Paragraph)] == [
        "一、总体情况",
        "2023年，本区坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》要求。",
        "（一）主动公开情况。全年主动公开信息1136条。",
        "二、主动公开政府信息情况",
    ]


def test_readers_layout_reflow_heading_after_sentence_end_not_joined() -> None:
    margins = Margins(left=90, right=518, size=SIZE)
    out = reflow(
        [_line("……全面提升工作水平。"), _line("二、主动公开政府信息情况")], margins=margins, config=CONFIG
    )
    assert len(out) == 2


def test_readers_layout_reflow_table_ends_paragraph() -> None:
    margins = Margins(left=90, right=518, size=SIZE)
    table = object()
    out = reflow([_line("甲"), table, _line("乙")], margins=margins, config=CONFIG)
    assert out[1] is table and [p.text for p in out if isinstance(p, Paragraph)] == ["甲", "乙"]


def test_readers_layout_drop_furniture_page_numbers_and_running_header() -> None:
    pages = [
        [
            _line("某县人民政府文件", top=20, page=n),
            _line(f"正文第{n}页的内容", top=300, page=n),
            _line(text, top=800, page=n),
        ]
        for n, text in [(1, "- 1 -"), (2, "— 2 —"), (3, "第3页 共6页")]
    ]
    kept = drop_furniture(pages, heights=[842.0] * 3, config=CONFIG)
    assert [[ln.text for ln in page] for page in kept] == [
        ["正文第1页的内容"],
        ["正文第2页的内容"],
        ["正文第3页的内容"],
    ]


def test_readers_layout_page_number_in_body_kept() -> None:
    kept = drop_furniture([[_line("12", top=400)]], heights=[842.0], config=CONFIG)
    assert [ln.text for ln in kept[0]] == ["12"]


def test_readers_layout_vertical_label_rejoined() -> None:
    label = [PdfWord(ch, 80, 90, 300 + 18 * i, 312 + 18 * i) for i, ch in enumerate("三、本年度办理结果")]
    beside = [PdfWord("（一）予以公开", 130, 220, 300, 312), PdfWord("0", 330, 336, 300, 312)]
    rest, labels = split_vertical_labels([*label, *beside], min_chars=3)
    assert [w.text for w in labels] == ["三、本年度办理结果"]
    assert rest == beside
    lines = lines_from_words([*rest, *labels], page=1)
    assert lines[0].text.startswith("三、本年度办理结果")


def test_readers_layout_words_to_lines_collapse_cjk_spaces() -> None:
    words = [
        PdfWord("2023", 90, 120, 100, 112),
        PdfWord("年，", 125, 150, 100, 112),
        PdfWord("hzzwgk@126.com", 160, 260, 100, 112),
    ]
    [line] = lines_from_words(words, page=3)
    assert line.text == "2023年，hzzwgk@126.com" and line.page == 3


def _cell(x0: float, top: float, x1: float, bottom: float, text: str, page: int) -> PdfCell:
    return PdfCell(x0, top, x1, bottom, text, page)


def test_readers_layout_table_continued_on_next_page_is_joined_and_label_mended() -> None:
    upper = PdfTable(
        cells=[
            _cell(70, 700, 100, 780, "三、本年度办理结果", 4),
            _cell(100, 700, 150, 740, "（三）不予公开", 4),
            _cell(150, 700, 300, 740, "8.属于行政查询事项", 4),
            _cell(300, 700, 350, 740, "105", 4),
            _cell(100, 740, 150, 780, "（四）无", 4),
            _cell(150, 740, 300, 780, "1.本机关不掌握相关政府信息", 4),
            _cell(300, 740, 350, 780, "746", 4),
        ],
        x0=70,
        top=700,
        x1=350,
        bottom=780,
        page=4,
    )
    lower = PdfTable(
        cells=[
            _cell(71, 80, 101, 160, "", 5),
            _cell(101, 80, 151, 120, "法提供", 5),
            _cell(151, 80, 301, 120, "2.没有现成信息需要另行制作", 5),
            _cell(301, 80, 351, 120, "11", 5),
            _cell(101, 120, 151, 160, "（五）不予处理", 5),
            _cell(151, 120, 301, 160, "1.信访举报投诉类申请", 5),
            _cell(301, 120, 351, 160, "56", 5),
        ],
        x0=71,
        top=80,
        x1=351,
        bottom=160,
        page=5,
    )
    assert continues_table(upper, lower, tolerance=8)
    joined = join_tables(upper, lower, tolerance=4, item_patterns=CONFIG["heading_patterns"])
    grid, pages = table_grid(joined, tolerance=4)
    assert render_grid(grid) == [
        "三、本年度办理结果\t（三）不予公开\t8.属于行政查询事项\t105",
        "\t（四）无法提供\t1.本机关不掌握相关政府信息\t746",
        "\t\t2.没有现成信息需要另行制作\t11",
        "\t（五）不予处理\t1.信访举报投诉类申请\t56",
    ]
    assert pages == [4, 4, 5, 5]
    spans = {c.text: c.rowspan for c in grid.cells}
    assert spans["三、本年度办理结果"] == 4 and spans["（四）无法提供"] == 2


def test_readers_layout_table_on_next_page_with_other_edges_not_joined() -> None:
    upper = PdfTable(cells=[], x0=70, top=700, x1=350, bottom=780, page=1)
    assert not continues_table(
        upper, PdfTable(cells=[], x0=120, top=80, x1=350, bottom=160, page=2), tolerance=8
    )
    assert not continues_table(
        upper, PdfTable(cells=[], x0=70, top=80, x1=350, bottom=160, page=3), tolerance=8
    )


@st.composite
def _grids(draw: st.DrawFn) -> Grid:
    """Random non-overlapping merged cells on a small grid."""
    n_rows, n_cols = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    taken: set[tuple[int, int]] = set()
    cells = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            rs = draw(st.integers(1, n_rows - r))
            cs = 1
            while cs < n_cols - c and (r, c + cs) not in taken and draw(st.booleans()):
                cs += 1
            if any((r + dr, c + dc) in taken for dr in range(rs) for dc in range(cs)):
                rs = 1
            taken.update((r + dr, c + dc) for dr in range(rs) for dc in range(cs))
            cells.append(GridCell(text=f"r{r}c{c}", row=r, col=c, rowspan=rs, colspan=cs))
    return Grid(cells=cells, n_rows=n_rows, n_cols=n_cols)


@settings(max_examples=40, deadline=None)
@given(_grids())
def test_readers_layout_render_grid_one_line_per_row_text_once(grid: Grid) -> None:
    lines = render_grid(grid)
    assert len(lines) == grid.n_rows
    assert all(line.count("\t") == grid.n_cols - 1 for line in lines)
    for cell in grid.cells:
        assert lines[cell.row].split("\t")[cell.col] == cell.text
        assert sum(line.count(cell.text + "\t") + line.endswith(cell.text) for line in lines) == 1


# the assume()s below discard grids with an empty row or column: often enough, on some seeds, to trip
# Hypothesis's filter_too_much health check (a flaky failure in a full run)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    _grids(),
    st.lists(st.floats(12, 120), min_size=7, max_size=7),
    st.lists(st.floats(12, 60), min_size=7, max_size=7),
)
def test_readers_layout_table_grid_recovers_grid_from_boxes(
    grid: Grid, widths: list[float], heights: list[float]
) -> None:
    """Draw the grid's cells as boxes with arbitrary column widths and row heights: the same grid returns."""
    # a row (column) no cell starts in has no edge on paper: such grids cannot be told from smaller ones
    assume({c.row for c in grid.cells} == set(range(grid.n_rows)))
    assume({c.col for c in grid.cells} == set(range(grid.n_cols)))
    xs = [70 + sum(widths[:i]) for i in range(grid.n_cols + 1)]
    ys = [80 + sum(heights[:i]) for i in range(grid.n_rows + 1)]
    cells = [
        PdfCell(xs[c.col], ys[c.row], xs[c.col + c.colspan], ys[c.row + c.rowspan], c.text, 1)
        for c in grid.cells
    ]
    table = PdfTable(cells=cells, x0=xs[0], top=ys[0], x1=xs[-1], bottom=ys[-1], page=1)
    got, pages = table_grid(table, tolerance=4)
    assert render_grid(got) == render_grid(grid)
    assert {(c.text, c.rowspan, c.colspan) for c in got.cells} == {
        (c.text, c.rowspan, c.colspan) for c in grid.cells
    }
    assert pages == [1] * grid.n_rows


def test_readers_layout_unruled_table_row_keeps_numbers_apart_and_unjoined() -> None:
    label = PdfWord("一、本年新收政府信息公开申请数量", 80, 300, 100, 112)
    values = [PdfWord(v, 320 + 30 * i, 330 + 30 * i, 100, 112) for i, v in enumerate(["21", "0", "0", "21"])]
    [row] = lines_from_words([label, *values], page=1)
    assert row.text == "一、本年新收政府信息公开申请数量 21 0 0 21"
    margins = Margins(left=80, right=430, size=12)
    second = PdfLine("二、上年结转政府信息公开申请数量 0 0 0 0", 80, 430, 120, 132, 1, 2, 12)
    out = reflow([row, second], margins=margins, config=CONFIG)
    assert len(out) == 2


def test_readers_layout_unmapped_font_text_layer_needs_ocr() -> None:
    pages = [_Page(number=1, height=842, lines=[], tables=[], chars=100, images=0, unmapped=80)]
    with pytest.raises(GovReportError) as info:
        _check_unmapped(pages, "cid.pdf", CONFIG)
    assert info.value.code == ErrorCode.READ_OCR_NEEDED and "cid.pdf" in str(info.value)
    _check_unmapped([_Page(1, 842, [], [], 100, 0, 5)], "ok.pdf", CONFIG)  # a few odd glyphs are fine
