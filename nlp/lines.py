"""Line numbers: of character offsets (spans of sections, passages, claims), and of parsed tables."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.schema import Span, Tables

__all__ = ["LineGeometry", "line_offsets", "running_headers", "table_line_ranges"]

_NEWLINE = re.compile("\n")
_SPACE = re.compile(r"\s+")
_TITLE_LINES = 3  # a title is printed on the first few lines
_TITLE_WORD = "报告"
_TITLE_CHARS = (6, 60)
_SENTENCE_MARK = re.compile(r"[，,。；;：:！!？?]")


@dataclass(frozen=True)
class LineGeometry:
    """Offsets of the lines of a text, to turn character offsets into 1-based line numbers."""

    starts: tuple[int, ...]
    first_line: int = 1

    @classmethod
    def of(cls, text: str, *, first_line: int = 1) -> LineGeometry:
        starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        return cls(tuple(starts), first_line)

    def line_of(self, offset: int) -> int:
        return self.first_line + bisect_right(self.starts, offset) - 1

    def span(self, start: int, end: int, *, base: int = 0) -> Span:
        """The span of text[start:end] shifted by `base`; its end line is that of its last character."""
        last = max(start, end - 1)
        return Span(start=base + start, end=base + end, line=self.line_of(start), end_line=self.line_of(last))


def table_line_ranges(tables: Tables) -> list[tuple[int, int]]:
    """First and last line of each parsed table: the lines that are table, not prose."""
    return [(t.span.line, t.span.end_line) for t in tables.present() if t.span]


def line_offsets(lines: Sequence[str]) -> list[int]:
    """Start offset of each line in "\\n".join(lines)."""
    offsets, pos = [], 0
    for text in lines:
        offsets.append(pos)
        pos += len(text) + 1
    return offsets


def running_headers(lines: Sequence[str]) -> frozenset[int]:
    """Line numbers (1-based) of the report's title printed again at the top of later pages: a PDF's
    running header, page furniture to skip like a page number. The title is what its first lines say
    (one or several of them joined, naming a 报告, no sentence in it); a later line saying exactly that
    is a header."""
    head = [(n, _SPACE.sub("", text)) for n, text in enumerate(lines, start=1) if text.strip()][:_TITLE_LINES]
    runs = (
        "".join(compact for _, compact in head[i:j])
        for i in range(len(head))
        for j in range(i + 1, len(head) + 1)
    )
    titles = {run for run in runs if _is_title(run)}
    if not titles:
        return frozenset()
    after = head[-1][0]
    later = enumerate(lines[after:], start=after + 1)
    return frozenset(n for n, text in later if _SPACE.sub("", text) in titles)


def _is_title(text: str) -> bool:
    low, high = _TITLE_CHARS
    return _TITLE_WORD in text and low <= len(text) <= high and not _SENTENCE_MARK.search(text)
