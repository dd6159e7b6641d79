"""Character offsets to 1-based line numbers, for the spans of sections, passages and claims."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from nlp.schema import Span

__all__ = ["LineGeometry"]

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
