"""Passages: section 五 item by item (problem / improvement / other), other sections by paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.sections import split_passages

FIVE = "problems_improvements"


def _five(text: str) -> list[tuple[str, str | None, str]]:
    return [(p.kind, p.marker, p.text) for p in split_passages(text, key=FIVE, offset=0, first_line=1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # ；-separated list after 主要表现在：, no numbering
            "存在的问题主要表现在：政策解读不够深入；平台建设滞后；队伍不稳定。\n下一步，我们将加强培训。",
            [
                ("other", None, "存在的问题主要表现在："),
                ("problem", None, "政策解读不够深入；"),
                ("problem", None, "平台建设滞后；"),
                ("problem", None, "队伍不稳定。"),
                ("improvement", None, "下一步，我们将加强培训。"),
            ],
        ),
        (  # （一）（二） items, the turn at a cue paragraph
            "（一）解读不够深入。\n（二）平台建设滞后。\n针对以上问题，我们将：\n（一）加强解读。\n（二）完善平台。",
            [
                ("problem", "（一）", "（一）解读不够深入。"),
                ("problem", "（二）", "（二）平台建设滞后。"),
                ("other", None, "针对以上问题，我们将："),
                ("improvement", "（一）", "（一）加强解读。"),
                ("improvement", "（二）", "（二）完善平台。"),
            ],
        ),
        (  # 1. 2. items; numbering restarting at 1 is the turn when there is no cue
            "1.解读不够。2.平台滞后。\n1.加强解读。2.完善平台。",
            [
                ("problem", "1.", "1.解读不够。"),
                ("problem", "2.", "2.平台滞后。"),
                ("improvement", "1.", "1.加强解读。"),
                ("improvement", "2.", "2.完善平台。"),
            ],
        ),
        (  # 1、 and full-width digits
            "１．解读不够。\n２．平台滞后。\n今后，我们将加强解读。",
            [
                ("problem", "１．", "１．解读不够。"),
                ("problem", "２．", "２．平台滞后。"),
                ("improvement", None, "今后，我们将加强解读。"),
            ],
        ),
        (  # group headings in their own paragraphs, items numbered 一是
            "（一）存在问题\n一是解读不够。二是平台滞后。\n（二）整改措施\n一是加强解读。",
            [
                ("other", "（一）", "（一）存在问题"),
                ("problem", "一是", "一是解读不够。"),
                ("problem", "二是", "二是平台滞后。"),
                ("other", "（二）", "（二）整改措施"),
                ("improvement", "一是", "一是加强解读。"),
            ],
        ),
        (  # a cue ending the last problem's paragraph
            "一是解读不够。二是平台滞后。下一步，我县将加强解读、完善平台。",
            [
                ("problem", "一是", "一是解读不够。"),
                ("problem", "二是", "二是平台滞后。"),
                ("improvement", None, "下一步，我县将加强解读、完善平台。"),
            ],
        ),
        (  # a cue inside the problems is not the turn when more problems follow
            "一是解读不够，今后仍需加强。二是平台滞后。三是队伍不稳。\n下一步，我们将：一是加强解读。",
            [
                ("problem", "一是", "一是解读不够，今后仍需加强。"),
                ("problem", "二是", "二是平台滞后。"),
                ("problem", "三是", "三是队伍不稳。"),
                ("other", None, "下一步，我们将："),
                ("improvement", "一是", "一是加强解读。"),
            ],
        ),
        (  # 统一是 / 第二十条第（一）项 are not markers: no sentence end before them
            "标准不统一是主要问题。第二十条第（一）项公开不全。\n下一步，我们将加强。",
            [
                ("problem", None, "标准不统一是主要问题。第二十条第（一）项公开不全。"),
                ("improvement", None, "下一步，我们将加强。"),
            ],
        ),
        (  # hard-wrapped PDF lines: 一 / 是 split over a line break, page number between
            "仍存在一定差距。针对存在问题，下一步，将切实抓好以下工作：一\n"
            "是扎实推进依申请公开工作，全面梳理和优化工作流程、健全工\n- 4 -\n\n=====PAGE=====\n"
            "作机制。二是加强培训。",
            [
                ("problem", None, "仍存在一定差距。"),
                ("other", None, "针对存在问题，下一步，将切实抓好以下工作："),
                ("improvement", "一是", "一是扎实推进依申请公开工作，全面梳理和优化工作流程、健全工作机制。"),
                ("improvement", "二是", "二是加强培训。"),
            ],
        ),
    ],
)
def test_sections_five_passages(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert _five(text) == expected


def test_sections_passage_spans_are_offsets_into_the_report() -> None:
    body = "一是解读不够。\n下一步，我们将加强解读。"
    offset, first_line = 100, 7
    passages = split_passages(body, key=FIVE, offset=offset, first_line=first_line)
    assert [(p.span.start, p.span.end, p.span.line, p.span.end_line) for p in passages] == [
        (100, 107, 7, 7),
        (108, 120, 8, 8),
    ]


def test_sections_wrapped_passage_span_covers_its_lines() -> None:
    body = (
        "（一）主动公开情况。主要通过政府门户网站主动公开政府\n"
        "文件、项目审批、通知公告等各类政府信息。\n"
        "（二）依申请公开情况。"
    )
    passages = split_passages(body, key="overview", offset=0, first_line=10)
    assert [(p.text, p.span.line, p.span.end_line) for p in passages] == [
        (body.split("\n")[0] + body.split("\n")[1], 10, 11),
        ("（二）依申请公开情况。", 12, 12),
    ]
    assert (passages[0].span.start, passages[0].span.end) == (0, body.index("\n（二）"))


@pytest.mark.parametrize(
    ("key", "body", "texts"),
    [
        (
            "active_disclosure",
            "第二十条第（一）项\n信息内容\t本年制发件数\n规章\t0\n本年度未制发规章。",
            ["本年度未制发规章。"],
        ),
        (
            "applications",
            "\t一、本年新收政府信息公开申请数量\n\t7\n\t0\n全年共收到申请7件。",
            ["全年共收到申请7件。"],
        ),
        (
            "review_litigation",
            "行政复议 行政诉讼\n结果 结果 其他 尚未\n维持 纠正 结果 审结\n"
            "10 1 0 0 0 0 0\n三\n、\n本年度未发生行政诉讼。",
            ["本年度未发生行政诉讼。"],
        ),
        ("other_matters", "无。", ["无。"]),
        (
            "overview",
            "（一）主动公开方面\n全年公开信息120条。\n\n（二）依申请公开方面",
            ["（一）主动公开方面", "全年公开信息120条。", "（二）依申请公开方面"],
        ),
        (
            "preamble",
            "灵丘县人民政府办公室\n\n2022年政府信息公开工作年度报告\n本报告由县政府办公室编制。",
            ["本报告由县政府办公室编制。"],
        ),
    ],
)
def test_sections_paragraph_passages(key: str, body: str, texts: list[str]) -> None:
    passages = split_passages(body, key=key, offset=0, first_line=1)  # type: ignore[arg-type]
    assert [p.text for p in passages] == texts
    assert {p.kind for p in passages} <= {"other"}


# --- property: a generated section 五 is split back into what was generated --------------------------

PROBLEMS = ["政策解读有待加强", "公开平台建设实效性仍需提升", "队伍能力建设需进一步加强", "信息更新不够及时"]
MEASURES = ["加强业务培训", "提高政策解读质量", "强化考核监督", "完善平台功能"]
MARKERS = {
    "shi": lambda i: "一二三四五六"[i] + "是",
    "paren": lambda i: f"（{'一二三四五六'[i]}）",
    "arabic": lambda i: f"{i + 1}.",
}
LEADS = ["仍存在一些问题：", "主要表现在：", ""]
CUES = ["下一步，我们将：", "针对以上问题，我县将采取以下措施：", "今后，我们将从以下方面改进："]


@settings(max_examples=150, deadline=None)
@given(
    problems=st.lists(st.sampled_from(PROBLEMS), min_size=1, max_size=4),
    measures=st.lists(st.sampled_from(MEASURES), min_size=1, max_size=4),
    family=st.sampled_from(sorted(MARKERS)),
    lead=st.sampled_from(LEADS),
    cue=st.sampled_from(CUES),
    one_paragraph=st.booleans(),
)
def test_sections_five_round_trip(
    problems: list[str], measures: list[str], family: str, lead: str, cue: str, one_paragraph: bool
) -> None:
    mark = MARKERS[family]
    problem_text = lead + "".join(f"{mark(i)}{p}。" for i, p in enumerate(problems))
    measure_text = cue + "".join(f"{mark(i)}{m}。" for i, m in enumerate(measures))
    body = problem_text + ("" if one_paragraph else "\n") + measure_text
    got = [(p.kind, p.marker, p.text) for p in split_passages(body, key=FIVE, offset=0, first_line=1)]
    expected = [("other", None, lead)] if lead else []
    expected += [("problem", mark(i), f"{mark(i)}{p}。") for i, p in enumerate(problems)]
    expected += [("other", None, cue)]
    expected += [("improvement", mark(i), f"{mark(i)}{m}。") for i, m in enumerate(measures)]
    assert got == expected
