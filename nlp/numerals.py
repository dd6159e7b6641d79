"""Chinese numerals as reports print them in ordinals and dates (三是, （十二）, 十二月).

A module of its own because both nlp.sections (item markers) and nlp.metadata (dates) read them, and
nlp.sections imports nlp.metadata (find_title): keeping the numerals here keeps that import one-way.
"""

from __future__ import annotations

__all__ = ["chinese_number"]

_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def chinese_number(word: str) -> int:
    """The value of a Chinese numeral 一 … 九十九 (as in 三是, （十二）, 十二月)."""
    if "十" not in word:
        return _CN_DIGITS.get(word[0], 0)
    tens, _, ones = word.partition("十")
    return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
