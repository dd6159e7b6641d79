"""Prose as the pipeline reads it, with a map back to the printed characters.

PDF text breaks lines inside words (答\\n复) and puts spaces between numbers and units (3119 件); table
rows sit between paragraphs. The pipeline reads a normalised copy; every character of it remembers
where it was printed, so claim spans point into the report's own text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["NormalisedText", "is_table_line", "normalise"]

_FOOTER = re.compile(r"^\s*[-—–]\s*\d{1,3}\s*[-—–]\s*$")
_NUMERIC_CELL = re.compile(r"^[-+]?[0-9０-９][0-9０-９,.．]*%?$|^[/／—－-]$")
BOUNDARY = "\n"


@dataclass(frozen=True)
class NormalisedText:
    text: str
    offsets: tuple[int, ...]  # offsets[i]: where text[i] was printed in the original

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of the normalised [start, end)."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


def is_table_line(line: str) -> bool:
    """A table row rendered as text: tab-separated cells, or three or more numbers in a row with no
    sentence punctuation (PDF tables come out as "规章 1 0 11")."""
    if "\t" in line:
        return True
    if any(ch in line for ch in "。，；"):
        return False
    cells = line.split()
    numeric = sum(1 for cell in cells if _NUMERIC_CELL.match(cell))
    return numeric >= 3 and numeric * 2 >= len(cells)


def _is_digit(ch: str) -> bool:
    return ch.isdigit() or ch in "０１２３４５６７８９"


def _keep_space(before: str, after: str) -> bool:
    """A space is kept (once) only between two digits or two Latin letters, where removing it would
    merge two numbers or two words (`before`, `after`: the nearest printed characters on either side of
    the space, "" at the line's ends)."""
    if not before or not after:
        return False
    a, b = before, after
    return (_is_digit(a) and _is_digit(b)) or (a.isascii() and a.isalpha() and b.isascii() and b.isalpha())


def normalise(text: str, *, skip_lines: Collection[int] = ()) -> NormalisedText:
    """Join wrapped lines, drop page footers and table rows (leaving a paragraph break), and remove
    spaces that PDF extraction put between Chinese characters and numbers. `skip_lines` are 0-based
    line indexes of `text` to drop as table lines too."""
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for index, line in enumerate(text.split("\n")):
        if _FOOTER.match(line):
            pass
        elif index in skip_lines or is_table_line(line) or not line.strip():
            _emit_boundary(out, offsets, pos)
        else:
            _emit_line(out, offsets, line, pos)
        pos += len(line) + 1
    return NormalisedText("".join(out), tuple(offsets))


def _emit_boundary(out: list[str], offsets: list[int], pos: int) -> None:
    if out and out[-1] != BOUNDARY:
        out.append(BOUNDARY)
        offsets.append(pos)


def _emit_line(out: list[str], offsets: list[int], line: str, pos: int) -> None:
    first = len(line) - len(line.lstrip())
    if out and out[-1] != BOUNDARY and _is_digit(out[-1]) and _is_digit(line[first]):
        out.append(" ")  # a number wrapped across lines stays two numbers
        offsets.append(pos - 1)
    before = ""  # the last printed character so far
    after, run_end = "", -1  # the first printed character after the current run of white space
    for i, ch in enumerate(line):
        if ch.isspace():
            if i > run_end:  # a new run: find its end once (one look per run, not the rest per space)
                run_end = i
                while run_end < len(line) and line[run_end].isspace():
                    run_end += 1
                after = line[run_end] if run_end < len(line) else ""
            if _keep_space(before, after) and out and out[-1] != " ":
                out.append(" ")
                offsets.append(pos + i)
            continue
        before = ch
        out.append(ch)
        offsets.append(pos + i)
