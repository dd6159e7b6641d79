"""Markdown as PDF/DOCX converters print it (pymupdf4llm, markitdown, docling, marker, MinerU).

A converter's markdown is the report with markup added: headings (`#`), list markers, emphasis,
escapes, page footers between dashes, pipe tables and (MinerU) raw HTML `<table>` blocks. This reader
removes the markup and hands over what is left as the other readers do: text lines, numbered as in
the file (hard-wrapped paragraph lines stay lines; the sections module joins them), and table grids.

Tables are never made more regular than the converter printed them: a pipe table's rows of different
widths become separate grids, so a short row (a converter merged two cells or dropped a blank column)
is not padded with blank cells that the table path would read as real ones; cells merged into one
(`21 0`, numbers joined by `<br>`) stay in one cell, for the table path to report.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from bs4 import BeautifulSoup, Tag

from nlp.readers.common import (
    DocumentBuilder,
    clean_cell_text,
    grid_from_cells,
    join_fragments,
)
from nlp.readers.html import html_table_grid
from nlp.readers.text import decode_text
from nlp.schema import Grid, GridCell, SourceDocument, SourceLine

__all__ = ["markdown_cells", "markdown_plain", "read_markdown"]

# Used when configs/readers.yaml has no `markdown.page_number_patterns`: the footers converters keep.
# A bare number is not a page number here: a one-cell-per-paragraph converter prints cell values so.
_DEFAULT_PAGE_NUMBERS = (
    r"^[\-—–－−~]+\s*\d{1,4}\s*[\-—–－−~]+$",
    r"^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$",
)
_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_THEMATIC_BREAK = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s+|$)")
_CLOSING_HASHES = re.compile(r"\s+#+\s*$")
_QUOTE = re.compile(r"^\s{0,3}(>\s?)+")
_LIST_MARKER = re.compile(r"^\s*[-*+]\s+")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
# Never content in a Chinese report, even unpaired (bold cut across lines); a run of three or more
# underscores is a fill-in blank, not markup.
_STRONG = re.compile(r"\*\*|(?<!_)__(?!_)")
_EM_STAR = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
# `_` emphasis only at word edges (CommonMark): snake_case names and ___ fill-in blanks stay.
_EM_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![A-Za-z0-9_])")
_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


# --- inline markup --------------------------------------------------------------------------------


def markdown_plain(text: str) -> str:
    """Inline markup removed: images, link targets, HTML tags, emphasis, escapes and entities."""
    text = _LINK.sub(r"\1", _IMAGE.sub("", text))
    text = _TAG.sub("", text)
    text = _STRONG.sub("", text)
    text = _EM_UNDERSCORE.sub(r"\1", _EM_STAR.sub(r"\1", text))
    return html.unescape(_ESCAPE.sub(r"\1", text))


def _line_text(line: str) -> str:
    """A prose line without block markup: heading marks, quote marks, list markers, inline markup."""
    line = _QUOTE.sub("", line)
    if _HEADING.match(line):
        line = _CLOSING_HASHES.sub("", _HEADING.sub("", line))
    line = _LIST_MARKER.sub("", line)
    pieces = [markdown_plain(piece) for piece in _BR.split(line)]
    # Spaces the text layer left between Chinese characters ("尚未 审结") are kept: the table path
    # reads them (a stray character of a vertical label is set off by one), and collapsing them here
    # fused such characters into labels and moved values between rows.
    return join_fragments(pieces) if len(pieces) > 1 else pieces[0].rstrip()


# --- pipe tables ----------------------------------------------------------------------------------


def markdown_cells(row: str) -> list[str]:
    """A pipe-table row's cells; `<br>` breaks inside a cell are joined as the cell's lines are (two
    numbers keep a space between them, so `87<br>9` stays two numbers, never `879`)."""
    body = row.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [_cell_text(cell) for cell in _UNESCAPED_PIPE.split(body)]


def _cell_text(cell: str) -> str:
    return clean_cell_text(markdown_plain(piece) for piece in _BR.split(cell))


def _is_pipe_row(line: str) -> bool:
    return line.strip().startswith("|") or len(_UNESCAPED_PIPE.findall(line)) >= 2


def _is_pipe_table_at(lines: Sequence[str], index: int) -> bool:
    """A GFM table: a row of cells, then the `|---|` rule line."""
    return (
        index + 1 < len(lines)
        and _is_pipe_row(lines[index])
        and "|" in lines[index + 1]
        and bool(_RULE_ROW.match(lines[index + 1]))
    )


def _pipe_table_end(lines: Sequence[str], start: int) -> int:
    end = start + 2
    while end < len(lines) and lines[end].strip() and _is_pipe_row(lines[end]):
        end += 1
    return end


def _row_grid(rows: Sequence[Sequence[str]]) -> Grid:
    cells = [GridCell(text=text, row=r, col=c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return grid_from_cells(cells)


Row = tuple[int, list[str]]  # (line in the file, cells)


def _runs(rows: Sequence[Row], *, rule_line: int) -> list[list[Row]]:
    """Rows of one width on consecutive lines (the rule line between header and body counts as no
    gap). A grid pads short rows with blank cells; splitting where the width changes keeps every
    row exactly as printed."""
    runs: list[list[Row]] = []
    for number, cells in rows:
        last = runs[-1][-1] if runs else None
        follows = last is not None and (number == last[0] + 1 or last[0] + 2 == number == rule_line + 1)
        if last is not None and follows and len(last[1]) == len(cells):
            runs[-1].append((number, cells))
        else:
            runs.append([(number, cells)])
    return runs


def _add_pipe_table(builder: DocumentBuilder, lines: Sequence[str], start: int, end: int) -> None:
    """Header row and body rows. The rule line is no row of the grid; it stays a blank line (inside
    the block when header and body are one grid) so every line keeps the file's number.

    A header row of blank cells is dropped: markdown needs a header, so converters print an empty one
    over a table that has none, and table 4's reader would take it for the blank row of numbers of an
    unfilled form. Blank body rows are kept: in an unfilled form they are real."""
    rule_line = start + 2
    rows = [(i + 1, markdown_cells(lines[i])) for i in range(start, end) if i + 1 != rule_line]
    if not any(rows[0][1]):
        rows = rows[1:]
    cursor = _add_grid_rows(builder, rows, cursor=start + 1, rule_line=rule_line)
    _pad(builder, cursor, end + 1)


def _pad(builder: DocumentBuilder, cursor: int, number: int) -> int:
    """Blank lines for the file lines before `number` not yet handed over; returns `number`."""
    for skipped in range(cursor, number):
        builder.add_blank(source_line=skipped)
    return max(cursor, number)


def _add_grid_rows(builder: DocumentBuilder, rows: Sequence[Row], *, cursor: int, rule_line: int) -> int:
    for run in _runs(rows, rule_line=rule_line):
        cursor = _pad(builder, cursor, run[0][0])
        first = len(builder.lines)
        builder.add_table(_row_grid([cells for _, cells in run]), source_line=run[0][0])
        _renumber(builder, first, [number for number, _ in run])
        cursor = run[-1][0] + 1
    return cursor


def _renumber(builder: DocumentBuilder, first: int, numbers: Sequence[int]) -> None:
    """Give the block's rendered rows their file lines; a gap (the rule line) becomes a blank line
    inside the block."""
    rendered = builder.lines[first:]
    out: list[SourceLine] = []
    for line, number in zip(rendered, numbers, strict=True):
        if out and out[-1].source_line is not None and number > out[-1].source_line + 1:
            out.append(SourceLine(text="", source_line=number - 1))
        out.append(line.model_copy(update={"source_line": number}))
    builder.lines[first:] = out
    block = builder.blocks[-1]
    builder.blocks[-1] = block.model_copy(update={"last_line": first + len(out)})


# --- HTML tables (MinerU) -------------------------------------------------------------------------


def _html_block_end(lines: Sequence[str], start: int) -> int:
    """The line after the one closing every <table> opened from `start` on (the file's end if none)."""
    depth = 0
    for index in range(start, len(lines)):
        depth += len(_TABLE_OPEN.findall(lines[index])) - len(_TABLE_CLOSE.findall(lines[index]))
        if depth <= 0:
            return index + 1
    return len(lines)


def _outer_tables(fragment: str) -> list[Tag]:
    soup = BeautifulSoup(fragment, "html.parser")
    return [t for t in soup.find_all("table") if isinstance(t, Tag) and t.find_parent("table") is None]


def _add_html_tables(builder: DocumentBuilder, lines: Sequence[str], start: int, end: int) -> None:
    """Each table's grid (spans honoured by the HTML reader's code); text around them as lines. Every
    rendered row names the block's first line: the HTML does not say which line a row came from."""
    fragment = "\n".join(lines[start:end])
    opening = _TABLE_OPEN.search(fragment)
    before = fragment[: opening.start()] if opening else ""
    closes = list(_TABLE_CLOSE.finditer(fragment))
    after = fragment[closes[-1].end() :] if closes else ""
    _add_prose(builder, before, source_line=start + 1)
    for table in _outer_tables(fragment):
        first = len(builder.lines)
        builder.add_table(html_table_grid(table), source_line=start + 1)
        _pin_source_line(builder, first, start + 1)
    _add_prose(builder, after, source_line=end)
    for number in range(start + 2, end + 1):  # the block's other lines, so later numbering holds
        builder.add_blank(source_line=number)


def _pin_source_line(builder: DocumentBuilder, first: int, number: int) -> None:
    for index in range(first, len(builder.lines)):
        builder.lines[index] = builder.lines[index].model_copy(update={"source_line": number})


def _add_prose(builder: DocumentBuilder, text: str, *, source_line: int) -> None:
    plain = _line_text(" ".join(text.split("\n"))).strip()
    if plain:
        builder.add_paragraph(plain, source_line=source_line)


# --- lines ----------------------------------------------------------------------------------------


def _page_number_patterns(config: Mapping[str, Any]) -> list[re.Pattern[str]]:
    patterns = config.get("page_number_patterns") or _DEFAULT_PAGE_NUMBERS
    return [re.compile(p) for p in patterns]


def _is_furniture(line: str, *, page_numbers: Sequence[re.Pattern[str]]) -> bool:
    """Lines that are layout, not report text: page footers, rules, code fences."""
    stripped = line.strip()
    return (
        any(p.match(stripped) for p in page_numbers)
        or bool(_THEMATIC_BREAK.match(line))
        or bool(_FENCE.match(line))
    )


def _add_line(
    builder: DocumentBuilder, line: str, *, number: int, page_numbers: Sequence[re.Pattern[str]]
) -> None:
    """Every source line is kept (blank ones too) so line numbers stay the file's."""
    text = "" if _is_furniture(line, page_numbers=page_numbers) else _line_text(line)
    if text.strip():
        builder.add_paragraph(text, source_line=number)
    else:
        builder.add_blank(source_line=number)


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "").split("\n")


def read_markdown(
    data: bytes, *, source: str, config: Mapping[str, Any], text_config: Mapping[str, Any]
) -> SourceDocument:
    """A converter's markdown: `config` is readers.yaml's `markdown` part, `text_config` its `text`
    part (decoding)."""
    builder = DocumentBuilder()
    text, encoding = decode_text(data, source=source, config=text_config, problems=builder.problems)
    lines = _split_lines(text)
    page_numbers = _page_number_patterns(config)
    index = 0
    while index < len(lines):
        if _TABLE_OPEN.search(lines[index]):
            end = _html_block_end(lines, index)
            _add_html_tables(builder, lines, index, end)
        elif _is_pipe_table_at(lines, index):
            end = _pipe_table_end(lines, index)
            _add_pipe_table(builder, lines, index, end)
        else:
            end = index + 1
            _add_line(builder, lines[index], number=index + 1, page_numbers=page_numbers)
        index = end
    return builder.build(source=source, data=data, media_type="text/markdown", encoding=encoding)
