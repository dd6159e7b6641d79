"""Heading variants: what real reports print instead of 一、总体情况 … 六、其他需要报告的事项."""

from __future__ import annotations

import pytest

from nlp.sections import SECTION_ORDER, split_sections

OVERVIEW = "2021年，我县认真贯彻《条例》，全面推进政务公开。"
TABLE_2 = "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0"
TABLE_3 = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\n"
    "一、本年新收政府信息公开申请数量\t4\t1\t0\t0\t0\t0\t5\n"
    "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
    "三、本年度办理结果\t（一）予以公开\t2\t0\t0\t0\t0\t0\t2\n"
    "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0"
)
TABLE_4 = "行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n0\t0\t0\t0\t0"
FIVE = "一是政策解读有待加强。二是平台建设仍需提升。\n下一步，我们将：一是加强培训。二是完善机制。"
SIX = "无。"

CANONICAL = {
    "overview": "一、总体情况",
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems_improvements": "五、存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
}
BODIES = {
    "overview": OVERVIEW,
    "active_disclosure": TABLE_2,
    "applications": TABLE_3,
    "review_litigation": TABLE_4,
    "problems_improvements": FIVE,
    "other_matters": SIX,
}


def _report(**headings: str) -> list[str]:
    """A small report with the canonical headings, some replaced; "" drops a heading (keeps its body)."""
    parts = ["嵩县人民政府2021年政府信息公开工作年度报告"]
    for key in SECTION_ORDER:
        heading = headings.get(key, CANONICAL[key])
        parts.extend([heading, BODIES[key]] if heading else [BODIES[key]])
    return "\n".join(parts).split("\n")


def _keys(lines: list[str]) -> list[str | None]:
    return [s.key for s in split_sections(lines).sections]


ALL_KEYS = ["preamble", *SECTION_ORDER]


@pytest.mark.parametrize(
    ("key", "heading", "title", "ordinal"),
    [
        ("active_disclosure", "二、主动公开政府信息情况。", "主动公开政府信息情况", "二"),
        ("active_disclosure", "主动公开政府信息情况", "主动公开政府信息情况", None),
        ("active_disclosure", "二．主动公开政府信息情况", "主动公开政府信息情况", "二"),
        ("active_disclosure", "二、 主动公开 政府信息情况", "主动公开 政府信息情况", "二"),
        ("applications", "三、收到和处理政府信息公开申请情况。", "收到和处理政府信息公开申请情况", "三"),
        (
            "review_litigation",
            "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "四",
        ),
        (
            "review_litigation",
            "四、政府信息公开行政法复议、行政诉讼情况",
            "政府信息公开行政法复议、行政诉讼情况",
            "四",
        ),
        (
            "problems_improvements",
            "五、政府信息公开工作存在的主要问题及改进情况",
            "政府信息公开工作存在的主要问题及改进情况",
            "五",
        ),
        (
            "problems_improvements",
            "五、当前存在的主要问题及下步改进措施",
            "当前存在的主要问题及下步改进措施",
            "五",
        ),
        ("problems_improvements", "五、存在的主要问题及整改措施。", "存在的主要问题及整改措施", "五"),
        ("problems_improvements", "存在的主要问题及改进情况", "存在的主要问题及改进情况", None),
        ("other_matters", "六、其他需要报告的事项。", "其他需要报告的事项", "六"),
        ("other_matters", "其他需要报告的事项", "其他需要报告的事项", None),
    ],
)
def test_sections_heading_variants(key: str, heading: str, title: str, ordinal: str | None) -> None:
    result = split_sections(_report(**{key: heading}))
    assert [s.key for s in result.sections] == ALL_KEYS
    section = next(s for s in result.sections if s.key == key)
    assert (section.title, section.ordinal, section.header_inferred) == (title, ordinal, False)
    assert result.problems == []


def test_sections_heading_inline_in_a_long_line() -> None:
    lines = [
        "嵩县人民政府2021年政府信息公开工作年度报告",
        f"一、总体情况{OVERVIEW}二、主动公开政府信息情况第二十条第（一）项规章0件。三、收到和处理政府信息公开申请情况"
        "全年收到申请5件。四、政府信息公开行政复议、行政诉讼情况无。五、存在的主要问题及改进情况一是解读不够。"
        "下一步，我们将加强解读。六、其他需要报告的事项无。",
    ]
    result = split_sections(lines)
    assert [s.key for s in result.sections] == ALL_KEYS
    text = "\n".join(lines)
    overview = result.sections[1]
    assert overview.text == OVERVIEW
    assert text[overview.span.start : overview.span.end] == f"一、总体情况{OVERVIEW}"
    five = next(s for s in result.sections if s.key == "problems_improvements")
    assert [(p.kind, p.text) for p in five.passages] == [
        ("problem", "一是解读不够。"),
        ("improvement", "下一步，我们将加强解读。"),
    ]
    assert all(s.span.line == 2 for s in result.sections[1:])


def test_sections_heading_followed_by_its_body_on_the_same_line() -> None:
    lines = _report(overview=f"一、总体情况。{OVERVIEW}")
    overview = split_sections(lines).sections[1]
    assert (overview.key, overview.title, overview.text.split("\n")[0]) == ("overview", "总体情况", OVERVIEW)


def test_sections_missing_five_header_is_inferred_from_its_content() -> None:
    lines = _report(problems_improvements="")
    lines[lines.index(FIVE.split("\n")[0])] = (
        "我县政府信息公开工作还存在一些不足：一是解读不够。二是平台滞后。"
    )
    result = split_sections(lines)
    assert [s.key for s in result.sections] == ALL_KEYS
    five = next(s for s in result.sections if s.key == "problems_improvements")
    assert (five.header_inferred, five.title, five.ordinal) == (True, "存在的主要问题及改进情况", None)
    assert five.text.startswith("我县政府信息公开工作还存在一些不足")
    assert [(p.code, p.detail["key"]) for p in result.problems] == [
        ("section_inferred", "problems_improvements")
    ]
    assert [p.kind for p in five.passages] == [
        "other",
        "problem",
        "problem",
        "other",
        "improvement",
        "improvement",
    ]


def test_sections_missing_five_header_split_into_problems_and_measures() -> None:
    lines = _report(problems_improvements="")
    at = lines.index(FIVE.split("\n")[0])
    lines[at : at + 2] = [
        "（一）存在的主要问题",
        "一是解读不够。二是平台滞后。",
        "（二）改进措施",
        "一是加强培训。",
    ]
    result = split_sections(lines)
    five = next(s for s in result.sections if s.key == "problems_improvements")
    assert five.header_inferred and five.span.line == at + 1
    assert [(p.kind, p.marker) for p in five.passages] == [
        ("other", "（一）"),
        ("problem", "一是"),
        ("problem", "二是"),
        ("other", "（二）"),
        ("improvement", "一是"),
    ]


def test_sections_missing_overview_header_starts_at_its_first_subpart() -> None:
    lines = _report(overview="")
    lines[1:2] = ["", "（一）主动公开情况", OVERVIEW]
    result = split_sections(lines)
    assert [s.key for s in result.sections] == ALL_KEYS
    overview = result.sections[1]
    assert (overview.header_inferred, overview.span.line, overview.text.split("\n")[0]) == (
        True,
        3,
        "（一）主动公开情况",
    )


def test_sections_missing_header_without_content_cue_is_reported_missing() -> None:
    result = split_sections(_report(other_matters=""))
    assert "other_matters" not in [s.key for s in result.sections]
    assert [(p.code, p.detail["key"]) for p in result.problems] == [("section_missing", "other_matters")]


def test_sections_renumbered_outline_keys_by_title() -> None:
    """A commission numbers its own narrative 一…六, then restarts 一…五 for the template's parts."""
    narrative = [
        "一、总体情况",
        OVERVIEW,
        "二、主动公开情况",
        "全年主动公开信息120条。",
        "三、依申请公开情况",
        "全年收到申请5件。",
        "四、政府信息管理情况",
        "规范发布流程。",
        "五、平台建设情况",
        "优化网站栏目。",
        "六、监督保障情况",
        "开展考核评议。",
    ]
    tables = [
        "一、主动公开政府信息情况",
        TABLE_2,
        "二、收到和处理政府信息公开申请情况",
        TABLE_3,
        "三、政府信息公开行政复议、行政诉讼情况",
        TABLE_4,
        "四、存在的主要问题及改进情况",
        FIVE,
        "五、其他需要报告的事项",
        SIX,
    ]
    lines = "\n".join(["某市卫生健康委员会2021年政府信息公开工作年度报告", *narrative, *tables]).split("\n")
    result = split_sections(lines)
    assert [(s.key, s.ordinal) for s in result.sections] == [
        ("preamble", None),
        ("overview", "一"),
        ("active_disclosure", "一"),
        ("applications", "二"),
        ("review_litigation", "三"),
        ("problems_improvements", "四"),
        ("other_matters", "五"),
    ]
    assert "六、监督保障情况" in result.sections[1].text
    assert [p.code for p in result.problems] == ["section_out_of_order"] * 5


def test_sections_out_of_template_order_is_reported() -> None:
    lines = _report()
    five_at = lines.index(CANONICAL["problems_improvements"])
    six_at = lines.index(CANONICAL["other_matters"])
    moved = lines[six_at:]
    lines = lines[:five_at] + moved + lines[five_at:six_at]
    result = split_sections(lines)
    assert [s.key for s in result.sections][-2:] == ["other_matters", "problems_improvements"]
    assert [(p.code, p.detail["key"]) for p in result.problems] == [
        ("section_out_of_order", "problems_improvements")
    ]


def test_sections_repeated_heading_keeps_the_first() -> None:
    lines = _report()
    lines.insert(3, "二、主动公开政府信息情况")
    result = split_sections(lines)
    assert [s.key for s in result.sections] == ALL_KEYS
    assert [(p.code, p.line) for p in result.problems] == [("section_out_of_order", 5)]  # line 4 is kept


@pytest.mark.parametrize(
    "line",
    [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果",
        "四、结转下年度继续办理",
        "\t一、本年新收政府信息公开申请数量",
        "四、结转下年度继续办理 103 0 0 0 0 0 103",
        "三、",
        "三",
        "（二）主动公开政府信息情况",
        "报告全文由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、其他需要报告的事项组成。",
        "\t五、存在的主要问题及改进情况",
    ],
)
def test_sections_table_labels_and_prose_are_not_headings(line: str) -> None:
    lines = _report()
    lines.insert(lines.index(CANONICAL["applications"]) + 1, line)
    assert _keys(lines) == ALL_KEYS


def test_sections_empty_and_headingless_text() -> None:
    assert split_sections([]).sections == []
    result = split_sections(["这是一段与年度报告无关的文字。"])
    assert [s.key for s in result.sections] == ["preamble"]
    assert {p.detail["key"] for p in result.problems} == set(SECTION_ORDER)
