"""What every reader shares: text joining for Chinese, grids, and building a SourceDocument.

A reader's only job is to say "here is a paragraph" or "here is a table"; `DocumentBuilder` turns
that into numbered lines and blocks, rendering each grid one row per line with tab-separated cells.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.config import load_yaml
from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Grid, GridCell, Problem, SourceBlock, SourceDocument, SourceLine
from nlp.settings import Settings

__all__ = [
    "DocumentBuilder",
    "clean_cell_text",
    "collapse_cjk_spaces",
    "collapse_inner_cjk_spaces",
    "grid_from_cells",
    "grid_rows",
    "is_numeric_text",
    "join_fragments",
    "readers_config",
    "render_grid",
    "sha256_of",
]

# CJK ideographs, CJK and full-width punctuation, curly quotes and dashes used in Chinese text.
_CJK = (
    r"\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
)
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?=[{_CJK}])")
_INNER_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \u3000\u00a0]+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\u3000\u00a0\r\n\f\v]+")
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9%)\].,;:!?]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9(\[]")
_NUMERIC = re.compile(r"^[+\-−]?[\d,，.．]+%?$")


def readers_config(settings: Settings | None = None) -> dict[str, Any]:
    """configs/readers.yaml of the settings' config folder."""
    return load_yaml("readers.yaml", config_dir=settings.config_dir if settings else None)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def collapse_cjk_spaces(text: str) -> str:
    """Drop the spaces a layout engine puts next to Chinese characters ("2023 年" → "2023年")."""
    return _CJK_SPACE.sub("", text)


def collapse_inner_cjk_spaces(text: str) -> str:
    """Drop spaces only between two Chinese characters (a table row keeps "数量 21 0 0" apart)."""
    return _INNER_CJK_SPACE.sub("", text)


def join_fragments(parts: Iterable[str]) -> str:
    """Join pieces of one wrapped line or cell: nothing between Chinese, a space between Latin words."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and _ASCII_WORD_END.search(out) and _ASCII_WORD_START.match(part):
            out += " "
        out += part
    return out


def clean_cell_text(lines: Iterable[str]) -> str:
    """A cell's text on one line: its lines joined, white space collapsed, no tabs left."""
    joined = join_fragments(_SPACES.sub(" ", line) for line in lines)
    return collapse_cjk_spaces(joined).strip()


def is_numeric_text(text: str) -> bool:
    return bool(_NUMERIC.match(text.strip()))


def grid_from_cells(cells: Sequence[GridCell]) -> Grid:
    n_rows = max((c.row + c.rowspan for c in cells), default=0)
    n_cols = max((c.col + c.colspan for c in cells), default=0)
    ordered = sorted(cells, key=lambda c: (c.row, c.col))
    return Grid(cells=ordered, n_rows=n_rows, n_cols=n_cols)


def grid_rows(grid: Grid) -> list[list[str]]:
    """The grid as a matrix: a merged cell's text at its top-left position, "" where it spans."""
    return grid.rows()


def render_grid(grid: Grid) -> list[str]:
    """One line per grid row, cells joined by tabs, so the table parser sees the real rows."""
    return ["\t".join(row) for row in grid_rows(grid)]


@dataclass
class DocumentBuilder:
    """Collects paragraphs and tables in document order and numbers their lines."""

    lines: list[SourceLine] = field(default_factory=list)
    blocks: list[SourceBlock] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add_paragraph(self, text: str, *, page: int | None = None, source_line: int | None = None) -> None:
        pieces = text.split("\n")
        if not any(p.strip() for p in pieces):
            return
        first = len(self.lines) + 1
        for offset, piece in enumerate(pieces):
            line_no = source_line + offset if source_line is not None else None
            self.lines.append(SourceLine(text=piece, page=page, source_line=line_no))
        self.blocks.append(SourceBlock(kind="paragraph", first_line=first, last_line=len(self.lines)))

    def add_blank(self, text: str = "", *, page: int | None = None, source_line: int | None = None) -> None:
        """A blank line outside any block (text formats keep them so line numbers match the file)."""
        self.lines.append(SourceLine(text=text, page=page, source_line=source_line))

    def add_table(
        self, grid: Grid, *, pages: Sequence[int | None] = (), source_line: int | None = None
    ) -> None:
        """Add a grid; `pages[i]` is the page grid row i was printed on, when known."""
        if grid.n_rows == 0:
            return
        first = len(self.lines) + 1
        for index, text in enumerate(render_grid(grid)):
            page = pages[index] if index < len(pages) else None
            line_no = source_line + index if source_line is not None else None
            self.lines.append(SourceLine(text=text, page=page, source_line=line_no))
        self.blocks.append(SourceBlock(kind="table", first_line=first, last_line=len(self.lines), grid=grid))

    def has_text(self) -> bool:
        return any(line.text.strip() for line in self.lines)

    def build(
        self, *, source: str, data: bytes, media_type: str, encoding: str | None = None
    ) -> SourceDocument:
        if not self.has_text():
            raise GovReportError(ErrorCode.READ_EMPTY, "no text found in the file", source=source)
        return SourceDocument(
            source=source,
            sha256=sha256_of(data),
            media_type=media_type,
            encoding=encoding,
            lines=self.lines,
            blocks=self.blocks,
            problems=self.problems,
        )
