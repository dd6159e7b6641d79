"""The report's title printed again at the top of later pages is page furniture (running_headers)."""

from __future__ import annotations

import pytest

from nlp.lines import running_headers

TITLE = "嵩县人民政府2019年政府信息公开工作年度报告"
SPLIT = ["嵩县人民政府", "2019年政府信息公开工作年度报告"]
NOTICE = "关于印发本年度报告的通知，请遵照执行"
BODY = ["一、总体情况", "以县政府门户网站为平台，扩大信息公开范围，细化信息", "公开内容。"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([TITLE, *BODY, "- 2 -", TITLE, "积极互动。"], {6}),  # one-line title, repeated
        ([*SPLIT, *BODY, TITLE, "积极互动。"], {6}),  # title in two lines
        ([*SPLIT, *BODY, SPLIT[1]], {6}),
        ([TITLE, *BODY, "  嵩县人民政府 2019年政府信息公开工作年度报告 "], {5}),  # spaces do not matter
        ([TITLE, *BODY, "- 2 -", TITLE, "积极互动。", TITLE], {6, 8}),  # on every page
        ([*BODY, "一、总体情况"], set()),  # no title: a repeated heading is no header
        ([TITLE, *BODY, "嵩县人民政府"], set()),  # a part of the title that names no report
        ([NOTICE, *BODY, NOTICE], set()),  # a sentence
        ([], set()),
        ([TITLE], set()),
    ],
)
def test_running_headers_are_later_lines_saying_the_title(lines: list[str], expected: set[int]) -> None:
    assert running_headers(lines) == expected
