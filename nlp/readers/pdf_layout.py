"""PDF page layout, as pure functions over positioned characters, words and lines (no PDF library here).

Characters become words (as pdfplumber's extract_words grouped them, so the layout below reads as it
always has); words become lines; labels printed one character per line down the side are rejoined; running
headers, footers and page numbers are dropped; hard-wrapped lines are reflowed into paragraphs,
while headings (一、总体情况, （一）…) and indented first lines start paragraphs of their own.
"""

from __future__ import annotations

import itertools
import operator
import re
import statistics
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, NamedTuple, TypeVar

from nlp.readers.common import collapse_cjk_spaces, collapse_inner_cjk_spaces, is_numeric_text, join_fragments

T = TypeVar("T")

__all__ = [
    "Margins",
    "Paragraph",
    "PdfChar",
    "PdfLine",
    "PdfWord",
    "drop_furniture",
    "is_tabular",
    "layout_margins",
    "line_texts",
    "lines_from_words",
    "reflow",
    "split_vertical_labels",
    "words_from_chars",
]


class PdfChar(NamedTuple):
    """One printed character: its box in points from the page's top-left corner (a tuple: pages hold
    thousands of them and a frozen dataclass costs several times more to create)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    upright: bool = True


@dataclass(frozen=True)
class PdfWord:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def size(self) -> float:
        return max(1.0, self.bottom - self.top)


@dataclass(frozen=True)
class PdfLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    line_no: int = 0
    size: float = 10.0


@dataclass(frozen=True)
class Paragraph:
    text: str
    page: int
    line_no: int


# --- characters → words ------------------------------------------------------------------------
# pdfplumber's extract_words with its defaults (x and y tolerance 3 points, blanks split words, no
# text flow), kept to the letter: the reflow, the furniture rules and the goldens were tuned on it.

_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def _clusters(values: Sequence[float], tolerance: float) -> dict[float, int]:
    """Each distinct value → the index of its cluster: sorted values chained while within `tolerance`."""
    index: dict[float, int] = {}
    group, last = -1, 0.0
    for value in sorted(set(values)):
        if group < 0 or value > last + tolerance:
            group += 1
        index[value] = group
        last = value
    return index


def _char_lines(chars: Sequence[PdfChar], tolerance: float) -> Iterator[list[PdfChar]]:
    """Characters of one orientation as lines: upright ones by their top, top to bottom, each line
    left to right; rotated ones by their left edge, each line top to bottom (sorts are stable: ties
    keep print order, as in pdfplumber)."""
    upright = chars[0].upright
    keys = [c.top if upright else c.x0 for c in chars]
    cluster = _clusters(keys, tolerance)
    lines: dict[int, list[PdfChar]] = {}
    for char, key in zip(chars, keys, strict=True):
        lines.setdefault(cluster[key], []).append(char)
    within = _LEFT_TO_RIGHT if upright else _TOP_TO_BOTTOM
    for index in sorted(lines):
        yield sorted(lines[index], key=within)


_LEFT_TO_RIGHT = operator.attrgetter("x0")
_TOP_TO_BOTTOM = operator.attrgetter("top", "bottom")


def _line_words(line: Sequence[PdfChar], tolerance: float) -> list[PdfWord]:
    """A line's characters as words: a blank ends one, and so does a character that does not follow
    the previous one within `tolerance` (going back, jumping ahead, or off the line)."""
    words: list[PdfWord] = []
    prev: PdfChar | None = None
    parts: list[str] = []
    x0 = x1 = top = bottom = 0.0
    for char in line:
        if char.text.isspace():
            if prev is not None:
                words.append(PdfWord("".join(parts), x0, x1, top, bottom))
            prev = None
            continue
        if prev is not None:
            if char.upright:
                ahead, end, start, across, ref = char.x0, prev.x1, prev.x0, char.top, prev.top
            else:
                ahead, end, start, across, ref = char.top, prev.bottom, prev.top, char.x0, prev.x0
            if ahead < start or ahead > end + tolerance or abs(across - ref) > tolerance:
                words.append(PdfWord("".join(parts), x0, x1, top, bottom))
                prev = None
        text = _LIGATURES.get(char.text, char.text)
        if prev is None:
            parts, x0, x1, top, bottom = [text], char.x0, char.x1, char.top, char.bottom
        else:
            parts.append(text)
            x0, x1 = min(x0, char.x0), max(x1, char.x1)
            top, bottom = min(top, char.top), max(bottom, char.bottom)
        prev = char
    if prev is not None:
        words.append(PdfWord("".join(parts), x0, x1, top, bottom))
    return words


def words_from_chars(chars: Sequence[PdfChar], *, tolerance: float = 3.0) -> list[PdfWord]:
    """Words in pdfplumber's order: runs of one orientation in print order, then line by line."""
    words: list[PdfWord] = []
    for _, run in itertools.groupby(chars, key=lambda c: c.upright):
        group = list(run)
        for line in _char_lines(group, tolerance):
            words.extend(_line_words(line, tolerance))
    return words


# --- words → lines --------------------------------------------------------------------------------


def _group_rows(words: Sequence[PdfWord]) -> list[list[PdfWord]]:
    """Words whose vertical centres are within half a character of the row's first word."""
    rows: list[list[PdfWord]] = []
    firsts: list[tuple[float, float]] = []  # each row's first word: its centre and size
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        centre, size = (word.top + word.bottom) / 2, word.size
        for row, (ref_centre, ref_size) in zip(rows, firsts, strict=True):
            if abs(ref_centre - centre) <= 0.5 * min(ref_size, size):
                row.append(word)
                break
        else:
            rows.append([word])
            firsts.append((centre, size))
    return rows


def is_tabular(text: str) -> bool:
    """A row of a table printed without rules: three or more numbers standing apart."""
    return sum(1 for token in text.split() if is_numeric_text(token)) >= 3


def _row_text(row: Sequence[PdfWord]) -> str:
    ordered = sorted(row, key=lambda w: w.x0)
    text = ordered[0].text
    for prev, word in pairwise(ordered):
        text += (" " if word.x0 - prev.x1 > 0.15 * word.size else "") + word.text
    # prose loses the spaces justification put around Chinese ("2023 年"); a table row keeps its
    # numbers apart from its label
    return (collapse_inner_cjk_spaces(text) if is_tabular(text) else collapse_cjk_spaces(text)).strip()


def _text_rows(words: Sequence[PdfWord]) -> list[tuple[float, str, list[PdfWord]]]:
    """(top, text, words) of each row with text, top to bottom (stable: rows at one height keep order)."""
    rows = []
    for row in _group_rows(words):
        text = _row_text(row)
        if text:
            rows.append((min(w.top for w in row), text, row))
    rows.sort(key=lambda item: item[0])
    return rows


def line_texts(words: Sequence[PdfWord]) -> list[str]:
    """The texts of lines_from_words(words), top to bottom, without building the lines (a table cell's
    text needs no more, and a page has hundreds of cells)."""
    return [text for _, text, _ in _text_rows(words)]


def lines_from_words(words: Sequence[PdfWord], *, page: int) -> list[PdfLine]:
    rows = _text_rows(words)
    return [
        PdfLine(
            text=text,
            x0=min(w.x0 for w in row),
            x1=max(w.x1 for w in row),
            top=top,
            bottom=max(w.bottom for w in row),
            page=page,
            line_no=number,
            size=statistics.median([w.size for w in row]),
        )
        for number, (top, text, row) in enumerate(rows, start=1)
    ]


# --- labels printed vertically --------------------------------------------------------------------


def _isolated(word: PdfWord, words: Sequence[PdfWord]) -> bool:
    """No other word sits right next to it on its row (one character of a vertical label)."""
    for other in words:
        if other is word or other.bottom < word.top or other.top > word.bottom:
            continue
        if min(abs(other.x0 - word.x1), abs(word.x0 - other.x1)) < 0.6 * word.size:
            return False
    return True


def _vertical_runs(singles: Sequence[PdfWord], *, min_chars: int) -> list[list[PdfWord]]:
    """Single characters stacked in one column, each just below the previous one."""
    runs: list[list[PdfWord]] = []
    for word in sorted(singles, key=lambda w: w.top):
        run = next(
            (
                r
                for r in runs
                if abs(r[-1].x0 - word.x0) <= 0.5 * word.size
                and 0 <= word.top - r[-1].bottom <= 1.6 * word.size
            ),
            None,
        )
        if run is None:
            runs.append([word])
        else:
            run.append(word)
    return [run for run in runs if len(run) >= min_chars]


def split_vertical_labels(
    words: Sequence[PdfWord], *, min_chars: int = 3
) -> tuple[list[PdfWord], list[PdfWord]]:
    """(the other words, one word per vertical label with its characters joined top to bottom)."""
    singles = [w for w in words if len(w.text) == 1 and _isolated(w, words)]
    runs = _vertical_runs(singles, min_chars=min_chars)
    used = {id(w) for run in runs for w in run}
    labels = [
        PdfWord(
            text="".join(w.text for w in run),
            x0=min(w.x0 for w in run),
            x1=max(w.x1 for w in run),
            top=run[0].top,
            bottom=run[0].bottom,  # placed where the label starts, as a one-line label
        )
        for run in runs
    ]
    return [w for w in words if id(w) not in used], labels


# --- running headers, footers, page numbers -------------------------------------------------------


def _in_band(line: PdfLine, height: float, config: Mapping[str, Any]) -> bool:
    header = float(config.get("header_band", 0.09)) * height
    footer = (1 - float(config.get("footer_band", 0.10))) * height
    return line.bottom <= header or line.top >= footer


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def drop_furniture(
    pages: Sequence[Sequence[PdfLine]], *, heights: Sequence[float], config: Mapping[str, Any]
) -> list[list[PdfLine]]:
    """Each page's lines without page numbers and without header/footer lines repeated across pages."""
    patterns = [re.compile(p) for p in config.get("page_number_patterns", [])]
    banded = [
        [line for line in lines if _in_band(line, h, config)] for lines, h in zip(pages, heights, strict=True)
    ]
    counts = Counter(key for lines in banded for key in {_furniture_key(line.text) for line in lines})
    share = float(config.get("repeated_furniture_share", 0.5))
    repeated = {k for k, n in counts.items() if n >= 2 and n >= share * len(pages)}

    def furniture(line: PdfLine, height: float) -> bool:
        if not _in_band(line, height, config):
            return False
        text = line.text.strip()
        return any(p.match(text) for p in patterns) or _furniture_key(text) in repeated

    return [[ln for ln in lines if not furniture(ln, h)] for lines, h in zip(pages, heights, strict=True)]


# --- reflow ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Margins:
    left: float
    right: float
    size: float


def _mode(values: Sequence[float]) -> float:
    return float(Counter(round(v) for v in values).most_common(1)[0][0])


def layout_margins(lines: Sequence[PdfLine]) -> Margins | None:
    """The body text's left and right edges and character size (the most common ones)."""
    body = [line for line in lines if len(line.text) >= 8]
    if not body:
        return None
    size = statistics.median(line.size for line in body)
    return Margins(left=_mode([ln.x0 for ln in body]), right=_mode([ln.x1 for ln in body]), size=size)


def _continues(prev: PdfLine, line: PdfLine, margins: Margins, config: Mapping[str, Any]) -> bool:
    """Whether `line` carries on the paragraph `prev` is in (a hard wrap, not a new paragraph)."""
    if is_tabular(prev.text) or is_tabular(line.text):
        return False
    if line.x0 > margins.left + float(config.get("indent_chars", 0.8)) * margins.size:
        return False
    if prev.x1 < margins.right - float(config.get("full_line_slack_chars", 1.5)) * margins.size:
        return False
    if prev.x0 < margins.left - 2 * margins.size:
        return False  # prev hangs out of the body (a side label): not body text
    ends_sentence = prev.text.rstrip()[-1:] in str(config.get("sentence_end", "。；：！？"))
    starts_heading = any(re.match(p, line.text) for p in config.get("heading_patterns", []))
    return not (ends_sentence and starts_heading)


def reflow(
    items: Sequence[PdfLine | T], *, margins: Margins | None, config: Mapping[str, Any]
) -> list[Paragraph | T]:
    """Lines in reading order become paragraphs; anything else (a table) passes through and ends one."""
    out: list[Paragraph | T] = []
    current: list[PdfLine] = []
    for item in items:
        if isinstance(item, PdfLine):
            if current and margins is not None and _continues(current[-1], item, margins, config):
                current.append(item)
                continue
            if current:
                out.append(_paragraph(current))
            current = [item]
        else:
            if current:
                out.append(_paragraph(current))
            current = []
            out.append(item)
    if current:
        out.append(_paragraph(current))
    return out


def _paragraph(lines: Sequence[PdfLine]) -> Paragraph:
    text = collapse_cjk_spaces(join_fragments(line.text for line in lines))
    return Paragraph(text=text, page=lines[0].page, line_no=lines[0].line_no)
