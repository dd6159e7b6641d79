"""Line numbers: of character offsets (spans of sections, passages, claims), and of parsed tables."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.schema import Span, Tables

__all__ = ["LineGeometry", "line_offsets", "table_line_ranges"]

_NEWLINE = re.compile("\n")


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
