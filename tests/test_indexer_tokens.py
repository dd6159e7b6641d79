"""Token streams and highlighting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.tokens import chars_field, highlight, normalise_with_offsets, words_field


def test_indexer_chars_field_keeps_letters_and_digits_one_by_one() -> None:
    assert chars_field("行政复议，ＡＢ 12件！") == "行 政 复 议 a b 1 2 件"


def test_indexer_words_field_is_jieba_words() -> None:
    assert words_field("依法办理行政复议案件。") == "依法办理 行政复议 案件"


@pytest.mark.parametrize(
    ("text", "needles", "expected"),
    [
        ("办理行政复议案件", ["复议"], "办理行政<mark>复议</mark>案件"),
        ("复 议与复议", ["复议"], "<mark>复 议</mark>与<mark>复议</mark>"),
        ("<b>政策解读</b>", ["政策解读"], "&lt;b&gt;<mark>政策解读</mark>&lt;/b&gt;"),
        ("政策，解读", ["政策解读"], "<mark>政策，解读</mark>"),
        ("政策解读解读", ["解读", "政策解读"], "<mark>政策解读解读</mark>"),
        ("ＡＢＣ abc", ["abc"], "<mark>ＡＢＣ</mark> <mark>abc</mark>"),
        ("无匹配", ["复议"], "无匹配"),
    ],
)
def test_indexer_highlight(text: str, needles: list[str], expected: str) -> None:
    assert highlight(text, needles) == expected


@given(st.text(max_size=60), st.lists(st.text(max_size=4), max_size=3))
def test_indexer_highlight_keeps_the_original_text(text: str, needles: list[str]) -> None:
    import html
    import re

    marked = highlight(text, needles)
    assert html.unescape(re.sub("</?mark>", "", marked)) == text


@given(st.text(max_size=60))
def test_indexer_offsets_point_at_original_characters(text: str) -> None:
    normal, offsets = normalise_with_offsets(text)
    assert len(normal) == len(offsets)
    assert offsets == sorted(offsets) and all(0 <= i < len(text) for i in offsets)
