"""Table layouts as snippets: plain space-separated rows (PDF text), values printed above their label,
tab-separated grid rows with blank cells, and rows whose value count is wrong."""

from __future__ import annotations

from nlp.tables import parse_tables

PLAIN = """二、主动公开政府信息情况
第二十条 第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 0
行政规范性文件 0 5 5
第二十条 第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费 7730.28
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21
三、本年度办理结果 （一）予以公开 3 0 0 0 0 0 3
（二）部分公开（区分处理的，只计这一情 形，不
4 0 0 0 0 0 4
计其他情形）
1 0 0 0 0 0 1
1.属于国家秘密
（四）无法提供
10 0 0 0 0 0 10
1.本机关不掌握相关政府信息
（七）总计 21 0 0 0 0 0 21
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
结果维持 结果纠正 其他结果 尚未审结 总计
3 1 1 0 5 8 3 2 6 19 1 0 0 0 1
五、存在的主要问题及改进情况
2023 年，政府信息公开工作取得一定的成效。"""


def _values(result, table: str, row: str) -> list[object]:  # type: ignore[no-untyped-def]
    found = result.tables.get(table).row(row)
    return [c.value for c in found.cells.values()]


def test_tables_plain_space_separated_rows() -> None:
    result = parse_tables(PLAIN.split("\n"))
    assert result.format == "2021"
    assert _values(result, "active_disclosure", "normative_documents") == [0, 5, 5]
    assert str(result.tables.get("active_disclosure").value("fees", "amount_wan_yuan")) == "7730.28"
    assert _values(result, "applications", "new_received") == [21, 0, 0, 0, 0, 0, 21]
    assert _values(result, "applications", "granted") == [3, 0, 0, 0, 0, 0, 3]
    assert result.tables.get("review_litigation").value("suit_direct", "total") == 19


def test_tables_plain_values_printed_above_their_label() -> None:
    result = parse_tables(PLAIN.split("\n"))
    apps = result.tables.get("applications")
    assert _values(result, "applications", "partially_granted") == [4, 0, 0, 0, 0, 0, 4]
    assert _values(result, "applications", "denied_state_secret") == [1, 0, 0, 0, 0, 0, 1]
    assert _values(result, "applications", "unable_not_held") == [10, 0, 0, 0, 0, 0, 10]
    assert apps.row("unable_not_held").cells["total"].line == 18
    assert not [p for p in result.problems if p.code in ("label_unmatched", "values_without_label")]


def test_tables_blank_and_not_applicable_cells_in_tab_rows() -> None:
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t5\t\t/\t—\t0\t0\t5",
        "四、结转下年度继续办理\t\t\t\t\t\t\t",
    ]
    apps = parse_tables(lines).tables.get("applications")
    assert apps is not None
    kinds = [c.kind for c in apps.row("new_received").cells.values()]
    assert kinds == ["number", "blank", "not_applicable", "not_applicable", "number", "number", "number"]
    blank_row = apps.row("carried_forward")
    assert [c.kind for c in blank_row.cells.values()] == ["blank"] * 7
    assert all(c.value is None for c in blank_row.cells.values())


def test_tables_too_few_cells_are_reported_not_padded() -> None:
    lines = ["第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数", "规章\t1\t2"]
    result = parse_tables(lines)
    row = result.tables.get("active_disclosure").row("regulations")
    assert row.cells == {} and [c.raw for c in row.printed] == ["1", "2"]
    found = [p for p in result.problems if p.code == "row_too_few_cells"]
    assert found and found[0].line == 3 and found[0].detail["printed"] == ["1", "2"]


def test_tables_too_many_cells_keep_what_every_reading_agrees_on() -> None:
    lines = ["第二十条第（一）项", "规章\t1\t0\t0\t0"]
    result = parse_tables(lines)
    row = result.tables.get("active_disclosure").row("regulations")
    assert len(row.printed) == 4
    assert set(row.cells) == {"repealed", "in_force"}  # 0 in every reading; the first cell is 1 or 0
    assert any(p.code == "row_too_many_cells" and p.line == 2 for p in result.problems)


def test_tables_unmatched_label_is_reported_with_candidates() -> None:
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1",
        "某某特殊情况统计\t1\t0\t0\t0\t0\t0\t1",
    ]
    result = parse_tables(lines)
    found = [p for p in result.problems if p.code == "label_unmatched"]
    assert found and found[0].line == 3 and found[0].detail["candidates"]
    assert any(a.key is None and a.line == 3 for a in result.alignments)


def test_tables_missing_tables_are_reported() -> None:
    result = parse_tables(["一、总体情况", "本年度我单位未收到政府信息公开申请。"])
    assert {p.code for p in result.problems} == {"table_missing"}
    assert result.format == "unknown"
