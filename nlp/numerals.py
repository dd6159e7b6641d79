"""Chinese numerals as reports print them in ordinals and dates (三是, （十二）, 十二月).

A module of its own because both nlp.sections (item markers) and nlp.metadata (dates) read them, and
nlp.sections imports nlp.metadata (find_title): keeping the numerals here keeps that import one-way.
"""

from __future__ import annotations

import re

__all__ = ["chinese_number", "counts_something"]

# A number counted in a unit (198件, 17个, 3次): no row label, column header or heading of the template
# counts anything, so text holding one is narrative prose.
_COUNTED_NUMBER = re.compile(r"\d\s*(?:件|个|条|次|人次|家)")

_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def chinese_number(word: str) -> int:
    """The value of a Chinese numeral 一 … 九十九 (as in 三是, （十二）, 十二月)."""
    if "十" not in word:
        return _CN_DIGITS.get(word[0], 0)
    tens, _, ones = word.partition("十")
    return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)


def counts_something(text: str) -> bool:
    """Whether `text` holds a number counted in a unit (另行制作2件, 行政处罚4964件): prose, not a table."""
    return bool(_COUNTED_NUMBER.search(text))
