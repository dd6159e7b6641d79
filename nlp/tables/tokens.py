"""Turning the report's lines into a stream of table tokens: labels, values, empty cells and breaks.

Three layouts reach us as text: tab-separated rows (one grid row per line, a merged cell's other
positions empty), one cell per line with a leading tab (grid rows separated by blank lines, a cell's
line breaks continuing on lines without the tab: ⇥商业 / 企业), and plain rows as PDF text layers give
them (规章 0 0 0). All three become the same token stream; the assembler never looks at layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from nlp.cellvalues import is_value_text
from nlp.lines import line_offsets
from nlp.numerals import counts_something
from nlp.schema import SourceBlock

__all__ = ["Token", "TokenKind", "tokenize"]

TokenKind = Literal["label", "value", "empty", "break"]

_PAGE_NUMBER = re.compile(r"^\s*[-—－]?\s*\d{1,3}\s*[-—－]?\s*$|^\s*第\s*\d+\s*页")
_BARE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
# A page footer a converter printed as a table row (|  |  | - 3 | - |): its cells joined read `- 3 -`.
_GRID_PAGE_NUMBER = re.compile(r"^[-—－−–]\s*\d{1,3}\s*[-—－−–]$|^第\s*\d+\s*页")
_SENTENCE_END = re.compile(r"[。；;！？]")
# A stray character of vertically printed text before a real label: "三 2.其他…", "办 （三）不予公开".
_STRAY_PREFIX = re.compile(r"^[\u4e00-\u9fff、]\s+(?=[(（\d１-９])")
# White space followed by an enumerator: where the next part of a multi-part row label begins.
_NEXT_PART = re.compile(
    r"(?<=\s)(?=[(（][一二三四五六七八九十]{1,2}[)）]|\d{1,2}[.、．](?!\d))"
    # a table-2 block marker followed by its header words on one line: 第二十条第（六）项 信息内容
    r"|(?<=[)）]项\s)(?=\S)"
)
_MAX_LABEL_CHARS = 60
_MAX_CONTINUATION_CHARS = 12
_MAX_HEADING_CHARS = 30


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    line: int  # 1-based
    start: int  # offsets into "\n".join(lines)
    end: int
    row: int  # grid row: tokens of one printed table row share it
    plain: bool = False  # from a line with no tab (PDF text): label fragments may be stray text
    field: int = -1  # grid column of a tab-separated or one-cell-per-line cell; -1 for plain text
    glued: bool = False  # a row recovered from a one-line body: its digits lost their separators
    width: int = -1  # columns of the reader's grid the token comes from; -1 outside any grid


@dataclass(frozen=True)
class _GridRow:
    cells: tuple[str, ...]
    width: int  # columns of its grid


def _grid_rows(blocks: Sequence[SourceBlock], lines: Sequence[str]) -> dict[int, _GridRow]:
    """Line number → the reader's grid row that line renders. The cells come from the grid itself, not
    from splitting the rendered line; a grid's columns mean something only within grids of one width
    (one converter cuts a table into grids of different widths). A line inside a block that renders no
    grid row (markdown's rule line, kept blank so line numbers match the file) maps to nothing."""
    found: dict[int, _GridRow] = {}
    for block in blocks:
        if block.kind != "table" or block.grid is None:
            continue
        matrix = block.grid.rows()
        pending = iter(matrix)
        row = next(pending, None)
        for number in range(block.first_line, block.last_line + 1):
            if row is not None and 0 < number <= len(lines) and lines[number - 1] == "\t".join(row):
                found[number] = _GridRow(tuple(row), block.grid.n_cols)
                row = next(pending, None)
    return found


def _field_tokens(field: str, *, line: int, start: int, row: int, plain: bool) -> Iterator[Token]:
    """One cell's text: a value, an empty cell, or a label possibly followed by space-separated values."""
    stripped = field.strip()
    if not stripped:
        yield Token("empty", "", line, start, start, row, plain)
        return
    lead = start + field.index(stripped[0])
    if is_value_text(stripped):
        yield Token("value", stripped, line, lead, lead + len(stripped), row, plain)
        return
    parts = list(re.finditer(r"\S+", stripped))
    cut = len(parts)
    while cut > 0 and is_value_text(parts[cut - 1].group()):
        cut -= 1
    label_end = parts[cut - 1].end() if cut else 0
    if cut:
        label = stripped[:label_end]
        stray = _STRAY_PREFIX.match(label)
        yield from _label_tokens(
            label, skip=stray.end() if stray else 0, line=line, lead=lead, row=row, plain=plain
        )
    for part in parts[cut:]:
        yield Token("value", part.group(), line, lead + part.start(), lead + part.end(), row, plain)


def _label_tokens(label: str, *, skip: int, line: int, lead: int, row: int, plain: bool) -> Iterator[Token]:
    """A label, split where a second enumerated part starts after white space:
    三、本年度办理结果 （一）予以公开 is two parts."""
    cuts = [skip, *(m.start() for m in _NEXT_PART.finditer(label, skip)), len(label)]
    for begin, end in pairwise(cuts):
        part = label[begin:end].strip()
        if part:
            offset = lead + begin + label[begin:end].index(part[0])
            yield Token("label", part, line, offset, offset + len(part), row, plain)


def _is_prose(text: str) -> bool:
    """A sentence, or a label too long to be one. Only the label part counts towards the length:
    a long row label followed by large numbers is still a table row."""
    parts = text.split()
    while parts and is_value_text(parts[-1]):
        parts.pop()
    label = "".join(parts)
    if len(label) <= _MAX_HEADING_CHARS and not _SENTENCE_END.search(label[:-1]):
        label = label.rstrip("。")  # a heading with a trailing 。 (三、收到和处理政府信息公开申请情况。)
    # a counted number (…1件) makes even a paragraph's short wrapped tail prose: `2件,结转下年度继续办理1件。`
    # would otherwise match row 四
    return bool(_SENTENCE_END.search(label)) or counts_something(label) or len(label) > _MAX_LABEL_CHARS


def tokenize(
    lines: Sequence[str],
    *,
    blocks: Sequence[SourceBlock] = (),
    glued: frozenset[int] = frozenset(),
    furniture: frozenset[int] = frozenset(),
) -> list[Token]:
    """The token stream of the whole report (prose lines become single `break` tokens); tokens of the
    lines numbered in `glued` are marked so their digit runs are decoded, not read as numbers; the lines
    numbered in `furniture` (running headers) give none, as page numbers give none."""
    offsets = line_offsets(lines)
    grid = _grid_rows(blocks, lines)
    in_blocks = {n for b in blocks if b.kind == "table" for n in range(b.first_line, b.last_line + 1)}
    bare_cells = _bare_number_cells(lines, skip=in_blocks | glued)
    tokens: list[Token] = []
    row = 0
    for index, text in enumerate(lines):
        number, start = index + 1, offsets[index]
        if number in furniture:
            continue
        if not text.strip() and "\t" not in text:
            row += 1  # a blank line ends a grid row of the one-cell-per-line layout
            continue
        if "\t" in text or number in grid:
            if number not in glued and _GRID_PAGE_NUMBER.match(" ".join(text.split())):
                continue
            row = _tab_line(tokens, text, line=number, start=start, row=row, grid=grid.get(number))
            continue
        if number not in glued and number not in bare_cells and _PAGE_NUMBER.match(text):
            continue
        if _continues_cell(tokens, text, line=number, previous=lines[index - 1] if index else ""):
            last = tokens[-1]
            tokens[-1] = Token(
                last.kind,
                last.text + text.strip(),
                last.line,
                last.start,
                start + len(text.rstrip()),
                last.row,
                last.plain,
            )
            continue
        row += 1
        if _is_prose(text):
            tokens.append(Token("break", text.strip()[:40], number, start, start + len(text), row, True))
            continue
        cells = _field_tokens(text, line=number, start=start, row=row, plain=True)
        tokens.extend(replace(t, glued=number in glued) for t in cells)
    return tokens


def _bare_number_cells(lines: Sequence[str], *, skip: set[int] | frozenset[int]) -> set[int]:
    """Lines holding a bare number that are table cells, not page numbers. Page numbers count pages:
    the document's bare numbers in order go 1, 2, 3… (a page's number may be missing). When they do not
    (0 0 0 23 9 146 …), they are the cells of a converter that printed one cell per paragraph."""
    found = [
        (index + 1, int(match.group(1)))
        for index, text in enumerate(lines)
        if index + 1 not in skip and (match := _BARE_NUMBER.match(text))
    ]
    values = [value for _, value in found]
    pages = bool(values) and values[0] >= 1 and all(0 < b - a <= 2 for a, b in pairwise(values))
    return set() if pages else {number for number, _ in found}


def _tab_line(
    tokens: list[Token], text: str, *, line: int, start: int, row: int, grid: _GridRow | None
) -> int:
    """Tokens of a grid row (`grid`: the reader's, when the line renders one) or of a line of text with
    tabs; returns the grid row the next line continues."""
    single_cell = text.startswith("\t") and text.count("\t") == 1 and grid is None
    if single_cell:  # ⇥cell: one cell of the current blank-line-delimited grid row
        column = _cells_in_row(tokens, row)
        cells = _field_tokens(text[1:], line=line, start=start + 1, row=row, plain=False)
        tokens.extend(replace(t, field=column) for t in cells)
        return row
    row += 1
    pos = start
    fields = grid.cells if grid is not None else tuple(text.split("\t"))
    width = grid.width if grid is not None else -1
    for column, field in enumerate(fields):
        cells = _field_tokens(field, line=line, start=pos, row=row, plain=False)
        tokens.extend(replace(t, field=column, width=width) for t in cells)
        pos += len(field) + 1
    return row + 1


def _cells_in_row(tokens: Sequence[Token], row: int) -> int:
    count = 0
    for token in reversed(tokens):
        if token.row != row:
            break
        count += 1
    return count


def _continues_cell(tokens: list[Token], text: str, *, line: int, previous: str) -> bool:
    """A short tab-less line right after a one-cell-per-line label continues that cell (商业 / 企业)."""
    if not tokens:
        return False
    last = tokens[-1]
    stripped = text.strip()
    return (
        last.kind == "label"
        and not last.plain
        and last.line == line - 1
        and previous.startswith("\t")
        and previous.count("\t") == 1
        and 0 < len(stripped) <= _MAX_CONTINUATION_CHARS
        and not is_value_text(stripped)
        and not _SENTENCE_END.search(stripped)
    )
