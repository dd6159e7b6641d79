"""C-YEAR: prose naming a report year other than the report's own (nlp/lint/year_rules.py).

A table of sentences, flagged or not (the legitimate mentions of other years among them), through the pure
core; where the report's year may come from (never from the prose it checks); and every real text the
project holds: only fujian_pingtan_lvyouwenti_2022 (编制完成2023年度… in the 2022 report) is flagged.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path

import pytest

from nlp.extract import extract_path, extract_text
from nlp.lint import check_report, load_catalogue
from nlp.lint.year_rules import (
    RULE,
    load_year_patterns,
    report_year_findings,
    report_year_source,
    year_findings,
    year_mentions,
)
from nlp.schema import Finding, Report

ROOT = Path(__file__).resolve().parent.parent
LVYOU = ROOT / "samples" / "crawler" / "fujian_pingtan_lvyouwenti_2022.txt"
REAL_TEXTS = sorted(
    [
        *(ROOT / "samples" / "crawler").glob("*.txt"),
        *(ROOT / "samples" / "seeds").glob("*.txt"),
        *(ROOT / "samples" / "real").glob("*.pdf"),
        *(ROOT / "tests" / "fixtures" / "real").glob("*.html"),  # the published page of shehuishiye_2024
    ]
)


def _flagged(text: str, year: int, section: str = "preamble") -> list[tuple[str, tuple[int, ...]]]:
    found = year_findings(text, year, section=section)
    assert all(f.rule == RULE for f in found)
    return [(str(f.detail["kind"]), tuple(f.detail["printed_years"])) for f in found]  # type: ignore[arg-type]


# --- the sentences ---------------------------------------------------------------------------------

FLAGGED = [
    # the report naming itself (in the preamble)
    ("结合我局实际，编制完成2023年度政府信息公开工作年度报告。", 2022, [("self_naming", (2023,))]),
    ("根据《条例》要求，我局编制了2018年度政府信息公开年度报告。", 2019, [("self_naming", (2018,))]),
    ("现将我局2021年度政府信息公开工作情况报告如下：", 2022, [("self_naming", (2021,))]),
    ("2020年度政府信息公开工作年度报告由总体情况等六个部分组成。", 2021, [("self_naming", (2020,))]),
    ("特编制本机关2023年政府信息公开工作年度报告。", 2024, [("self_naming", (2023,))]),
    ("编制完成二〇二一年度政府信息公开工作年度报告。", 2022, [("self_naming", (2021,))]),
    (  # a cover letter: the report it publishes and the period it covers, both of another year
        "现公布苏平片区管理局2019年信息公开工作年度报告，涵盖2019年1月1日至2019年12月31日期间政府信息公开情况。",
        2020,
        [("self_naming", (2019,)), ("period", (2019, 2019))],
    ),
    # the statistics period (anywhere)
    ("本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。", 2022, [("period", (2021, 2021))]),
    ("本报告中有关情况的统计期限为2023年1月1日至12月31日。", 2024, [("period", (2023,))]),
    ("本报告所列数据统计时限为2022年1月1日至2021年12月31日。", 2022, [("period", (2022, 2021))]),
    ("数据统计期限从二〇二一年一月一日至二〇二一年十二月三十一日止。", 2022, [("period", (2021, 2021))]),
    ("本报告中所列数据的统计期限自2021年1月1日\n起至2021年12月31日止。", 2022, [("period", (2021, 2021))]),
    ("统计期限为２０２１年１月１日至２０２１年１２月３１日。", 2022, [("period", (2021, 2021))]),
    (
        "报告中所列数据统计期限自 2021 年 1 月 1 日起至 2021 年 12 月 31 日止。",
        2022,
        [("period", (2021, 2021))],
    ),
]

NOT_FLAGGED = [
    # the same sentences naming the report's own year
    ("结合我局实际，编制完成2022年度政府信息公开工作年度报告。", 2022, "preamble"),
    ("本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。", 2022, "preamble"),
    ("本报告中有关情况的统计期限为2024年1月1日至12月31日。", 2024, "overview"),
    # other years, legitimately named
    ("全年共收到政府信息公开申请15件，比2021年增长25%。", 2022, "overview"),
    ("2023年，我局将进一步加强政务公开工作。", 2022, "problems_improvements"),
    ("2023年计划按时编制发布2023年度政府信息公开工作年度报告。", 2022, "problems_improvements"),
    ("上年度结转政府信息公开申请2件，本年度办结。", 2022, "overview"),
    ("截至2021年12月31日，现行有效规范性文件12件。", 2022, "overview"),
    ("《福建省政府信息公开办法》自2021年1月1日起至今施行。", 2022, "preamble"),
    ("发布时间：2023-01-21 10:07", 2022, "preamble"),
    ("平潭综合实验区公安局\n2023年1月20日", 2022, "other_matters"),
    # last year's report, as an activity of the year (section 一, never the preamble's self-naming)
    ("按时编制并发布2021年度政府信息公开工作年度报告。", 2022, "overview"),
    ("对照2021年度政府信息公开工作年度报告中提出的问题逐项整改。", 2022, "preamble"),
    # the title of a cited notice: in 《》, or after 关于 in the same clause
    (
        "根据《平潭综合实验区管委会办公室关于做好2021年政府信息公开工作年度报告编制公布工作的通知》要求，"
        "现编制完成了本报告。",
        2022,
        "preamble",
    ),
    ("根据《关于编制公布2021年政府信息公开工作年度报告的通知》要求编制。", 2022, "preamble"),
    (
        "及区管委会办公室关于做好2023年政府信息公开工作年度报告编制公布工作的要求，现编制完成了本报告。",
        2024,
        "preamble",
    ),
    ("《国务院办公厅关于编制发布2021年度政府信息公开工作年度报告的通知》", 2022, "preamble"),
]


@pytest.mark.parametrize(("text", "year", "expected"), FLAGGED)
def test_sentences_naming_another_year_are_flagged(
    text: str, year: int, expected: list[tuple[str, tuple[int, ...]]]
) -> None:
    assert _flagged(text, year) == expected


@pytest.mark.parametrize(("text", "year", "section"), NOT_FLAGGED)
def test_legitimate_mentions_of_other_years_are_not_flagged(text: str, year: int, section: str) -> None:
    assert _flagged(text, year, section) == []


def test_the_self_naming_sentence_is_looked_for_in_the_preamble_only() -> None:
    sentence = "结合我局实际，编制完成2023年度政府信息公开工作年度报告。"
    assert _flagged(sentence, 2022, "preamble") == [("self_naming", (2023,))]
    assert _flagged(sentence, 2022, "overview") == []
    period = "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
    assert _flagged(period, 2022, "other_matters") == [("period", (2021, 2021))]


def test_a_finding_carries_its_evidence_and_span() -> None:
    text = (
        "本报告依据《条例》编制。\n根据《条例》要求，编制完成2023年度政府信息公开工作年度报告。"
        "统计期限为2022年1月1日至2022年12月31日。"
    )
    (found,) = year_findings(
        text,
        2022,
        year_source="crawler_header",
        year_evidence="标题: 某局2022年度政府信息公开工作年度报告",
        section="preamble",
        offset=100,
        first_line=5,
        source="a.txt",
    )
    assert found.rule == "C-YEAR" and found.severity == "error" and found.source == "a.txt"
    phrase = "编制完成2023年度政府信息公开工作年度报告"
    assert found.span is not None and found.span.line == 6 and found.span.end_line == 6
    assert text[found.span.start - 100 : found.span.end - 100] == phrase
    assert found.text == "根据《条例》要求，编制完成2023年度政府信息公开工作年度报告。"
    assert found.detail == {
        "kind": "self_naming",
        "kind_zh": "报告自称的年度",
        "phrase": phrase,
        "printed_years": [2023],
        "report_year": 2022,
        "year_source": "crawler_header",
        "year_evidence": "标题: 某局2022年度政府信息公开工作年度报告",
    }
    assert "2023" in found.message_zh and "2022" in found.message_zh and "采集页头" in found.message_zh
    assert found.correction == "若标题的年度无误，应为「编制完成2022年度政府信息公开工作年度报告」"


def test_a_span_over_printed_white_space_points_at_the_printed_phrase() -> None:
    text = "报告中所列数据统计期限自 2021 年 1 月 1 日\n起至 2021 年 12 月 31 日止。"
    (found,) = year_findings(text, 2022, section="preamble")
    assert found.span is not None and (found.span.line, found.span.end_line) == (1, 2)
    assert text[found.span.start : found.span.end] == "统计期限自 2021 年 1 月 1 日\n起至 2021 年 12 月 31 日"


def test_patterns_are_a_knob() -> None:
    only_period = dataclasses.replace(
        load_year_patterns(), patterns=tuple(p for p in load_year_patterns().patterns if p.kind == "period")
    )
    sentence = "编制完成2023年度政府信息公开工作年度报告。统计期限为2023年1月1日至2023年12月31日。"
    assert [m.kind for m in year_mentions(sentence, section="preamble")] == ["self_naming", "period"]
    assert [m.kind for m in year_mentions(sentence, section="preamble", patterns=only_period)] == ["period"]
    assert [m.kind for m in year_mentions(sentence, section="preamble", kinds=("self_naming",))] == [
        "self_naming"
    ]
    no_citations = dataclasses.replace(load_year_patterns(), cited_before=re.compile("$^"))
    cited = "根据《关于印发2021年政府信息公开工作年度报告格式的通知》要求编制。"
    assert year_mentions(cited, section="preamble") == []
    assert len(year_mentions(cited, section="preamble", patterns=no_citations)) == 1


def test_the_rule_is_in_the_catalogue() -> None:
    rule = load_catalogue()["C-YEAR"]
    assert rule.severity == "error" and rule.title_zh == "文字表述的报告年度与标题不一致"


# --- where the report's year comes from ------------------------------------------------------------

BODY = (
    "根据《条例》要求，结合我县实际，编制完成2023年度政府信息公开工作年度报告。"
    "本报告中所列数据的统计期限为2022年1月1日至2022年12月31日。\n"
    "一、总体情况\n2022年，我县推进政务公开。\n二、主动公开政府信息情况\n"
)


def _year_findings(report: Report) -> list[Finding]:
    return [f for f in check_report(report, with_claims=False).findings if f.rule == RULE]


def test_a_printed_title_is_an_independent_year() -> None:
    report = extract_text("某县人民政府\n2022年政府信息公开工作年度报告\n" + BODY, source="t.txt")
    (found,) = _year_findings(report)
    assert found.detail["year_source"] == "title"
    assert found.detail["year_evidence"] == "某县人民政府2022年政府信息公开工作年度报告"
    assert found.span is not None and found.span.line == 3


def test_a_year_read_from_the_prose_is_not_checked_against_the_prose() -> None:
    # no title: metadata reads 2022 from the statistics period, the very sentences the rule checks
    report = extract_text(BODY, source="t.txt")
    assert report.year == 2022 and report_year_source(report) is None
    assert _year_findings(report) == []
    # nor the year the text names most
    most = extract_text(BODY.replace("统计期限为", "期间为"), source="t.txt")
    assert most.title is None and most.meta.evidence["year"] == "2022年 ×3"
    assert report_year_source(most) is None and _year_findings(most) == []


def test_a_title_naming_two_years_is_not_a_year_source() -> None:
    report = extract_text("某县人民政府\n2021—2022年政府信息公开工作年度报告\n" + BODY, source="t.txt")
    assert report_year_source(report) is None and _year_findings(report) == []


def test_the_title_printed_above_the_first_sentence_is_not_part_of_it() -> None:
    text = (
        "某县人民政府\n2022年政府信息公开工作年度报告\n2021年度政府信息公开工作年度报告由六个部分组成。\n"
        + BODY
    )
    found = _year_findings(extract_text(text, source="t.txt"))
    assert [f.detail["phrase"] for f in found] == [
        "2021年度政府信息公开工作年度报告",
        "编制完成2023年度政府信息公开工作年度报告",
    ]


# --- the real texts ----------------------------------------------------------------------------------


@cache
def _real(path: Path) -> Report:
    return extract_path(path)


def test_the_real_report_naming_the_wrong_year_is_flagged() -> None:
    report = _real(LVYOU)
    result = check_report(report, with_claims=False)
    (found,) = [f for f in result.findings if f.rule == RULE]
    assert found.severity == "error" and found.source == str(LVYOU)
    assert found.detail["kind"] == "self_naming" and found.detail["printed_years"] == [2023]
    assert found.detail["report_year"] == 2022 and found.detail["year_source"] == "crawler_header"
    assert (
        found.detail["year_evidence"]
        == "标题: 平潭综合实验区旅游与文化体育局2022年度政府信息公开工作年度报告"
    )
    assert found.span is not None and found.span.line == 10
    printed = LVYOU.read_text(encoding="utf-8")[found.span.start : found.span.end]
    assert printed == "编制完成2023年度政府信息公开工作年度报告"
    assert found.text is not None and found.text.endswith("编制完成2023年度政府信息公开工作年度报告。")
    # the finding flags the preamble's passage (search: flag=C-YEAR finds that passage)
    preamble = report.section("preamble")
    assert preamble is not None
    assert any(p.span.start <= found.span.start < p.span.end for p in preamble.passages)


@pytest.mark.parametrize("path", REAL_TEXTS, ids=lambda p: p.name)
def test_real_texts_are_flagged_only_where_the_prose_names_another_year(path: Path) -> None:
    report = _real(path)
    found = report_year_findings(report)
    assert len(found) == (1 if path == LVYOU else 0), [f.text for f in found]
    # every report with a title is checked, and the title is where its year came from
    if report.title:
        source = report_year_source(report)
        assert source is not None and source.year == report.year
