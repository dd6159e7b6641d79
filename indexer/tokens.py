"""Turning text into the two token streams the indexes store, and finding matches again for highlights.

* words: jieba's precise segmentation, for relevance (行政复议 is one word).
* chars: every letter or digit on its own, for exact substrings (复议 inside 行政复议 — jieba alone
  misses about one substring query in eight).

Both are normalised the same way (NFKC, lower case, only letters and digits kept), so a query and a
document always meet in the same form. Pure functions; jieba loads its dictionary on first use.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from nlp.segment import words as segmented

__all__ = [
    "char_tokens",
    "chars_field",
    "highlight",
    "normalise_with_offsets",
    "word_tokens",
    "words_field",
]

MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"


@lru_cache(maxsize=4096)
def _normalise_char(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", char).lower() if c.isalnum())


class _NormalTable(dict[int, str]):
    """Code point → `_normalise_char` of it, each computed once, for `str.translate` (which then
    normalises a whole text at C speed instead of a Python call per character)."""

    _LIMIT = 100_000  # distinct characters kept; a text of more (hostile) starts the table afresh

    def __missing__(self, code: int) -> str:
        if len(self) >= self._LIMIT:
            self.clear()
        normal = self[code] = _normalise_char(chr(code))
        return normal


_NORMAL = _NormalTable()


class _WordTable(dict[str, str]):
    """Word → its normal form, each computed once: words repeat (a few thousand make most of any report),
    so a word costs one dictionary lookup at C speed where it cost four Python calls."""

    _LIMIT = 100_000  # distinct words kept; past that the table starts afresh

    def __missing__(self, word: str) -> str:
        if len(self) >= self._LIMIT:
            self.clear()
        normal = self[word] = word.translate(_NORMAL)
        return normal


_WORDS = _WordTable()


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """The letters and digits of `text`, normalised, and for each the index of the original character
    it came from (so matches found in the normal form can be marked in the original)."""
    chars: list[str] = []
    offsets: list[int] = []
    table = _NORMAL
    for index, char in enumerate(text):
        for normal in table[ord(char)]:
            chars.append(normal)
            offsets.append(index)
    return "".join(chars), offsets


def _normalise(text: str) -> str:
    """normalise_with_offsets(text)[0], without the offsets."""
    return text.translate(_NORMAL)


def char_tokens(text: str) -> list[str]:
    return list(_normalise(text))


def chars_field(text: str) -> str:
    """The chars column: one token per letter or digit, separated by spaces."""
    return " ".join(char_tokens(text))


def _clean_word(word: str) -> str:
    return _normalise(word)


def word_tokens(text: str) -> list[str]:
    """jieba's precise-mode words, normalised; punctuation and spaces dropped."""
    return [w for w in map(_WORDS.__getitem__, segmented(text)) if w]


def words_field(text: str) -> str:
    """The words column: jieba words separated by spaces (the whitespace analyzer's input in ES)."""
    return " ".join(word_tokens(text))


def _match_ranges(normal: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for needle in {n for n in needles if n}:
        start = normal.find(needle)
        while start >= 0:
            ranges.append((start, start + len(needle)))
            start = normal.find(needle, start + 1)
    return sorted(ranges)


def _original_ranges(ranges: Sequence[tuple[int, int]], offsets: Sequence[int]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        first, last = offsets[start], offsets[end - 1] + 1
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def highlight(text: str, needles: Iterable[str]) -> str:
    """`text` HTML-escaped with every occurrence of each needle wrapped in <mark>…</mark>. Needles
    match as the chars column does: normalised, ignoring punctuation and spaces in between."""
    normal, offsets = normalise_with_offsets(text)
    ranges = _original_ranges(_match_ranges(normal, (_clean_word(n) for n in needles)), offsets)
    parts: list[str] = []
    cursor = 0
    for start, end in ranges:
        parts.append(html.escape(text[cursor:start]))
        parts.append(MARK_OPEN + html.escape(text[start:end]) + MARK_CLOSE)
        cursor = end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)
