"""Table layouts PDF/DOCX converters print (nlp/tables, read from grid rows of any reader): labels
detached from their numbers, blank cells that belong to no row, page footers inside a table."""

from __future__ import annotations

from nlp.schema import Problem, TableKey
from nlp.tables import TablesResult, parse_tables

APPLICANTS = [
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
]


def _row(result: TablesResult, table: TableKey, key: str) -> dict[str, object]:
    found = result.tables.get(table)
    row = found.row(key) if found else None
    return {} if row is None else {k: c.value for k, c in row.cells.items()}


def _problems(result: TablesResult, code: str) -> list[Problem]:
    return [p for p in result.problems if p.code == code]


def test_tables_grid_values_row_without_label_belongs_to_the_label_after_it() -> None:
    """markitdown pushes a row's label out of the table, after its numbers: a grid row of values with
    no label, after a row that already has its values, is the next label's (as PDF text prints it)."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t21\t0\t0\t0\t0\t0\t21",
        "\t0\t0\t0\t0\t0\t0\t0",
        "二、上年结转政府信息公开申请数量",
        "\t4\t0\t0\t0\t0\t0\t4",
        "（一）予以公开",
    ]
    result = parse_tables(lines)
    assert _row(result, "applications", "new_received")["total"] == 21
    assert list(_row(result, "applications", "carried_over").values()) == [0] * 7
    assert _row(result, "applications", "granted")["total"] == 4
    assert not _problems(result, "row_too_many_cells")


def test_tables_grid_values_row_under_label_only_row_completes_it() -> None:
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t\t\t\t\t\t\t",
        "\t3\t0\t0\t0\t0\t0\t3",
    ]
    result = parse_tables(lines)
    assert list(_row(result, "applications", "new_received").values()) == [3, 0, 0, 0, 0, 0, 3]


def test_tables_leading_blank_cell_is_no_cell_of_the_row_above() -> None:
    """A blank first cell (the rest of a group label printed in an earlier row) does not complete a
    row short of a value: the short row stays short and is reported, never shifted."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "（二）部分公开\t31\t8\t1\t0\t2\t42",
        "\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0",
    ]
    result = parse_tables(lines)
    assert _row(result, "applications", "partially_granted") == {}
    assert [p.row for p in _problems(result, "row_too_few_cells")] == ["partially_granted"]
    assert list(_row(result, "applications", "denied_state_secret")) == APPLICANTS


def test_tables_page_footer_printed_as_grid_row_is_dropped() -> None:
    """markitdown prints a page's `- 3 -` as a table row (|  |  | - 3 | - |): never a row's values."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "\t\t\t- 3\t-",
        "\t1\t0\t0\t0\t0\t0\t1",
        "1.信访举报投诉类申请",
    ]
    result = parse_tables(lines)
    assert list(_row(result, "applications", "rejected_petition").values()) == [1, 0, 0, 0, 0, 0, 1]
    assert not _problems(result, "row_too_many_cells")


def test_tables_label_cut_over_cells_of_one_row() -> None:
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "\t\t4.无正当理由大量反复\t\t申请\t0\t0\t0\t0\t0\t0\t0",
        "（六）其他处理\t1\t0\t0\t0\t0\t0\t1",
        "（七）总\t计\t1\t0\t0\t0\t0\t0\t1",
    ]
    result = parse_tables(lines)
    assert list(_row(result, "applications", "rejected_mass_repeat").values()) == [0] * 7
    assert list(_row(result, "applications", "handled_total").values()) == [1, 0, 0, 0, 0, 0, 1]
    assert not _problems(result, "label_unmatched")


def test_tables_label_only_row_then_the_rest_of_the_label_with_numbers() -> None:
    """pymupdf4llm cuts a long label over two rows, the numbers on the second: one row."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "1、申请人无正当理由逾期不补\t\t\t\t\t\t\t",
        "正、行政机关不再处理其政府信息公开申请\t67\t3\t0\t0\t1\t0\t71",
        "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t6\t0\t0\t0\t0\t0\t6",
    ]
    result = parse_tables(lines)
    assert list(_row(result, "applications", "other_overdue_correction").values()) == [67, 3, 0, 0, 1, 0, 71]
    assert not _problems(result, "label_unmatched")


def test_tables_a_row_cut_after_its_enumerator_is_not_joined_to_a_numbered_label() -> None:
    """The rest of a cut label never starts with an enumerator: a label-only row stays a row of its own."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t\t\t\t\t\t\t",
        "二、上年结转政府信息公开申请数量\t\t\t\t\t\t\t",
    ]
    result = parse_tables(lines)
    assert list(_row(result, "applications", "new_received").values()) == [None] * 7
    assert list(_row(result, "applications", "carried_over").values()) == [None] * 7


def test_tables_review_header_cut_across_cells_is_header_not_rows() -> None:
    """Table 4's header words cut across cells and rows (结果结果, 尚未审, 议后起, 其他) are header text:
    not row labels, and 其他 / 总计 do not switch to table 3; the row of numbers after them is table 4's."""
    lines = [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复\t议\t\t\t\t行政诉\t讼",
        "结果结果\t其他\t尚未\t\t\t未经复\t议直接起\t诉\t复议后\t起诉",
        "总 计",
        "维持纠正\t结果\t审结\t结果\t结果其他\t尚未\t\t尚未审\t结",
        "72\t64\t178\t37\t351\t13\t4\t8\t1\t26\t12\t1\t1\t6\t20",
        "五、存在的主要问题及改进情况",
    ]
    result = parse_tables(lines)
    review = result.tables.get("review_litigation")
    assert review is not None and result.tables.get("applications") is None
    assert [review.value("review", c) for c in ("upheld", "total")] == [72, 351]
    assert review.value("suit_after_review", "total") == 20


# Table 3 cut by a page break, the blank 法律服务机构 column dropped from the second part (pymupdf4llm on
# LibreOffice's PDF): six numbers for seven columns in every row after the cut.
FIRST_PART = [
    "三、收到和处理政府信息公开申请情况",
    "一、本年新收政府信息公开申请数量\t10\t2\t0\t1\t\t3\t16",
    "二、上年结转政府信息公开申请数量\t1\t0\t0\t0\t\t1\t2",
    "三、本（一）予以公开\t5\t1\t0\t1\t\t2\t9",
]
SECOND_PART = [
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t2\t0\t0\t0\t1\t3",
    "（四）无法提供\t1.本机关不掌握相关政府信息\t3\t1\t0\t0\t1\t5",
    "（七）总计\t10\t2\t0\t1\t4\t17",
    "四、结转下年度继续办理\t1\t0\t0\t0\t0\t1",
]


def test_tables_dropped_blank_column_placed_when_the_table_pins_it() -> None:
    """The column blank in every complete row is the dropped one, confirmed by the identities that link
    both parts (新收 + 上年结转 = 总计 + 结转下年度, outcome rows sum to （七）总计)."""
    result = parse_tables(FIRST_PART + SECOND_PART)
    assert _row(result, "applications", "granted")["total"] == 9  # 三、本 fused before （一）予以公开
    assert _row(result, "applications", "handled_total") == dict(
        zip(APPLICANTS, [10, 2, 0, 1, None, 4, 17], strict=True)
    )
    placed = _problems(result, "row_too_few_cells")
    assert len(placed) == 4 and all(p.detail["dropped_blank_column"] == "legal_service" for p in placed)


def test_tables_dropped_column_not_placed_when_two_columns_are_blank_throughout() -> None:
    first = [
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t10\t2\t\t1\t\t3\t16",
        "二、上年结转政府信息公开申请数量\t1\t0\t\t0\t\t1\t2",
        "三、本（一）予以公开\t5\t1\t\t1\t\t2\t9",
    ]
    result = parse_tables(first + SECOND_PART)
    assert _row(result, "applications", "handled_total") == {}
    assert all("no cell was placed" in p.message for p in _problems(result, "row_too_few_cells"))


def test_tables_dropped_column_not_placed_when_the_identities_do_not_hold() -> None:
    second = [*SECOND_PART[:-1], "四、结转下年度继续办理\t2\t0\t0\t0\t0\t2"]  # 10 + 1 != 10 + 2
    result = parse_tables(FIRST_PART + second)
    assert _row(result, "applications", "handled_total") == {}
    assert _row(result, "applications", "carried_forward") == {}


def test_tables_dropped_column_not_placed_with_one_complete_row() -> None:
    result = parse_tables(FIRST_PART[:2] + SECOND_PART)
    assert _row(result, "applications", "handled_total") == {}


def test_tables_blank_cell_under_stacked_column_headers_is_blank_in_each() -> None:
    """pymupdf4llm stacks table 2's three column headers in one cell; a blank cell under it is blank in
    each column it names. A number under it stays as printed (never spread)."""
    lines = [
        "第二十条第（一）项\t",
        "信息内容\t本年制发件数本年废止件数现行有效件数",
        "规章\t",
        "行政规范性文件\t5",
    ]
    result = parse_tables(lines)
    assert _row(result, "active_disclosure", "regulations") == {
        "issued": None,
        "repealed": None,
        "in_force": None,
    }
    assert _row(result, "active_disclosure", "normative_documents") == {}


BLANK_FORM = [
    "二、主动公开政府信息情况",
    "第二十条第（一）项\t\t\t",
    "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
    "规章\t\t\t",
    "行政规范性文件\t\t\t",
    "三、收到和处理政府信息公开申请情况",
    "一、本年新收政府信息公开申请数量\t\t\t\t\t\t\t",
    "（七）总计\t\t\t\t\t\t\t",
    "四、结转下年度继续办理",
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政复议\t\t\t\t\t行政诉讼",
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
    "五、存在的主要问题及改进情况",
]


def test_tables_unfilled_form_rows_printed_without_cells_are_blank() -> None:
    """A form with blank cells and no value anywhere: a row a converter printed without its (blank)
    cells, and table 4 without its (blank) row of numbers, are blank too."""
    result = parse_tables(BLANK_FORM)
    assert list(_row(result, "applications", "carried_forward").values()) == [None] * 7
    review = result.tables.get("review_litigation")
    assert review is not None
    cells = [review.cell("suit_after_review", c) for c in ("upheld", "total")]
    assert [c.kind if c else None for c in cells] == ["blank", "blank"]
    assert not [p for p in _problems(result, "row_missing") if p.table == "review_litigation"]


def test_tables_rows_without_cells_stay_missing_where_the_form_is_filled() -> None:
    filled = [
        line.replace("一、本年新收政府信息公开申请数量\t\t", "一、本年新收政府信息公开申请数量\t1\t")
        for line in BLANK_FORM
    ]
    result = parse_tables(filled)
    assert _row(result, "applications", "carried_forward") == {}
    assert [p.row for p in _problems(result, "row_missing") if p.table == "review_litigation"] == [
        "review",
        "suit_direct",
        "suit_after_review",
    ]


# A DOCX converted one cell per paragraph (pymupdf4llm on the DOCX): blank cells vanish, a few cells are
# joined on one line, the table-2 block marker shares a line with its header word.
ONE_CELL_A_LINE = [
    "二、主动公开政府信息情况",
    "第二十条第（一）项",
    "信息内容",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "规章",
    "0",
    "0",
    "0",
    "行政规范性文件",
    "23",
    "9",
    "146",
    "第二十条第（六）项 信息内容",
    "本年处理决定数量",
    "行政处罚",
    "365",
    "行政强制",
    "0",
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政复议",
    "行政诉讼 结果维持",
    "结果 纠正",
    "尚未 审结 总计",
    "87",
    "9 11",
    "5 112",
    "5",
    "1",
    "0",
    "2",
    "8",
    "0",
    "0",
    "0",
    "0",
    "0",
    "五、存在的主要问题及改进情况",
]


def test_tables_one_cell_a_line_values_follow_their_label() -> None:
    """Bare numbers that do not count pages (0 0 0 23 9 146 …) are cells, not page numbers, and values one
    a line after a label are that label's."""
    result = parse_tables(ONE_CELL_A_LINE)
    assert _row(result, "active_disclosure", "regulations") == {"issued": 0, "repealed": 0, "in_force": 0}
    assert list(_row(result, "active_disclosure", "normative_documents").values()) == [23, 9, 146]
    assert _row(result, "active_disclosure", "punishment") == {"decisions": 365}
    assert _row(result, "active_disclosure", "coercion") == {"decisions": 0}


def test_tables_bare_numbers_counting_pages_are_page_numbers() -> None:
    lines = [
        "第二十条第（一）项",
        "规章 0 0 0",
        "2",
        "行政规范性文件 1 2 3",
        "3",
        "第二十条第（八）项",
        "行政事业性收费 5",
    ]
    result = parse_tables(lines)
    assert list(_row(result, "active_disclosure", "normative_documents").values()) == [1, 2, 3]
    assert not _problems(result, "values_without_label") and not _problems(result, "row_too_many_cells")


def test_tables_scattered_review_numbers_placed_when_every_group_sums() -> None:
    """Table 4's numbers over many lines under a header cut apart: read as three groups of five, in
    order, only because all three group totals hold."""
    review = parse_tables(ONE_CELL_A_LINE).tables.get("review_litigation")
    assert review is not None
    assert [review.value("review", c) for c in ("upheld", "corrected", "other", "pending", "total")] == [
        87,
        9,
        11,
        5,
        112,
    ]
    assert review.value("suit_direct", "total") == 8


def test_tables_scattered_review_numbers_left_unplaced_when_a_group_does_not_sum() -> None:
    lines = [line if line != "5 112" else "5 113" for line in ONE_CELL_A_LINE]
    result = parse_tables(lines)
    review = result.tables.get("review_litigation")
    assert review is not None and all(not row.cells for row in review.rows)
    assert [p.table for p in _problems(result, "values_without_label")] == ["review_litigation"]


def test_tables_one_row_of_review_numbers_is_read_as_printed_even_when_a_total_is_wrong() -> None:
    """One printed row of fifteen numbers is table 4's row as it is: a report's own arithmetic error is
    kept for the lint (hongze_2023 prints 行政复议 10 1 0 0 with total 0)."""
    lines = ["四、政府信息公开行政复议、行政诉讼情况", "10 1\t0\t0\t0 0\t0 0\t0\t0\t5\t0\t0\t0\t0"]
    review = parse_tables(lines).tables.get("review_litigation")
    assert (
        review is not None and review.value("review", "total") == 0 and review.value("review", "upheld") == 10
    )


def test_tables_short_rows_under_their_part_header_go_under_the_columns_it_names() -> None:
    """The table's header row printed again after a page break, naming its columns without the dropped
    one: each number goes under its header; the column that part does not print stays absent."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计",
        "一、本年新收政府信息公开申请数量\t10\t2\t0\t1\t0\t3\t16",
        "二、上年结转政府信息公开申请数量\t1\t0\t0\t0\t0\t1\t2",
        "\t自然人\t商业企业\t科研机构\t社会公益组织\t其他\t总计",
        "（七）总计\t10\t2\t0\t1\t4\t17",
    ]
    result = parse_tables(lines)
    assert _row(result, "applications", "handled_total") == {
        "natural_person": 10,
        "commercial": 2,
        "research": 0,
        "social_welfare": 1,
        "other_org": 4,
        "total": 17,
    }
    (found,) = _problems(result, "row_too_few_cells")
    assert found.detail["not_printed"] == "legal_service"
    without_header = [line for line in lines if line != lines[4]]
    assert _row(parse_tables(without_header), "applications", "handled_total") == {}
