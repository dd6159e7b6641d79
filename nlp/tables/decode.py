"""Decoding glued digit runs: `1000001` under seven columns is 1,0,0,0,0,0,1; `1200012` is not known yet.

A crawler's dump prints a row's cells with no separator, or with spaces between some of them. A space
always separates two cells; inside a chunk of digits every cut is possible, except that a cell of two or
more digits never starts with 0. Every split that gives the row its number of columns is a reading; the
template's arithmetic (passed in as `check`) keeps the consistent ones. One reading → its cells; several
→ only the cells they all agree on; none → nothing. Nothing is ever picked among readings that differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from nlp.cellvalues import parse_cell
from nlp.config import load_yaml
from nlp.schema import Cell, DecodeMethod, RowDecoding, Span
from nlp.tables.tokens import Token

__all__ = ["Decoded", "agreed_cells", "decode_run", "split_readings"]

Check = Callable[[Sequence[Cell]], bool]


@dataclass(frozen=True)
class _Limits:
    max_digits: int
    max_readings: int


@lru_cache(maxsize=1)
def _limits() -> _Limits:
    cfg = load_yaml("labels.yaml").get("decoding", {})
    return _Limits(int(cfg.get("max_cell_digits", 12)), int(cfg.get("max_readings", 5000)))


@dataclass(frozen=True)
class _Chunk:
    text: str
    start: int  # offset of its first character in the linearised text
    line: int


def _cuts(text: str, parts: int, max_digits: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut one chunk of digits into `parts` cells."""
    if parts == 1:
        if len(text) <= max_digits and (len(text) == 1 or text[0] != "0" or not text.isdigit()):
            yield (text,)
        return
    for size in range(1, min(max_digits, len(text) - parts + 1) + 1):
        head = text[:size]
        if size > 1 and head[0] == "0":
            break
        for tail in _cuts(text[size:], parts - 1, max_digits):
            yield (head, *tail)


def _atomic(text: str) -> bool:
    """A decimal (9116.36) or a chunk with a separator is one cell; it is never cut."""
    return not text.isdigit()


def split_readings(
    chunks: Sequence[str], ncols: int, *, max_digits: int | None = None, limit: int | None = None
) -> list[tuple[str, ...]] | None:
    """Every split of the chunks into `ncols` cells, in order; None when there are more than `limit`."""
    limits = _limits()
    digits_cap = max_digits or limits.max_digits
    cap = limit or limits.max_readings
    found: list[tuple[str, ...]] = []

    def walk(index: int, left: int, acc: tuple[str, ...]) -> bool:
        if index == len(chunks):
            if left == 0:
                found.append(acc)
            return len(found) <= cap
        chunk = chunks[index]
        others = len(chunks) - index - 1
        most = 1 if _atomic(chunk) else min(len(chunk), left - others)
        for parts in range(1, most + 1):
            rest_min = others
            if left - parts < rest_min:
                break
            pieces = (chunk,) if _atomic(chunk) else None
            for cut in [pieces] if pieces else _cuts(chunk, parts, digits_cap):
                if not walk(index + 1, left - parts, acc + cut):
                    return False
        return True

    if not walk(0, ncols, ()):
        return None
    return found


def _cells(reading: Sequence[str], chunks: Sequence[_Chunk]) -> list[Cell]:
    """The reading's cells, each pointing at its own digits in the text."""
    cells: list[Cell] = []
    chunk_index, used = 0, 0
    for raw in reading:
        chunk = chunks[chunk_index]
        start = chunk.start + used
        value, kind = parse_cell(raw)
        span = Span(start=start, end=start + len(raw), line=chunk.line, end_line=chunk.line)
        cells.append(Cell(raw=raw, value=value, kind=kind, line=chunk.line, span=span))
        used += len(raw)
        if used == len(chunk.text):
            chunk_index, used = chunk_index + 1, 0
    return cells


@dataclass(frozen=True)
class Decoded:
    cells: dict[str, Cell]  # the certain cells, by column
    decoding: RowDecoding
    readings: tuple[tuple[Cell, ...], ...]  # the consistent readings (all readings when none is)


def decode_run(tokens: Sequence[Token], columns: Sequence[str], *, check: Check | None = None) -> Decoded:
    """The cells of a glued row: every split of its digits into `columns`, filtered by `check`."""
    chunks = [_Chunk(t.text, t.start, t.line) for t in tokens if t.kind == "value"]
    printed = " ".join(c.text for c in chunks)
    texts = split_readings([c.text for c in chunks], len(columns))
    if not texts:
        why = "too many readings to search" if texts is None else "no split gives every column a cell"
        decoding = RowDecoding(method="unreadable", printed=printed, reasoning=why)
        return Decoded({}, decoding, ())
    readings = [tuple(_cells(t, chunks)) for t in texts]
    if len(readings) == 1:
        decoding = RowDecoding(
            method="digits",
            printed=printed,
            readings=[list(texts[0])],
            consistent=[list(texts[0])],
            reasoning=f"{_digit_count(printed)} digits for {len(columns)} columns: one split only",
        )
        return Decoded(dict(zip(columns, readings[0], strict=True)), decoding, tuple(readings))
    return _by_arithmetic(readings, texts, columns, printed=printed, check=check)


def _digit_count(printed: str) -> int:
    return sum(ch.isdigit() for ch in printed)


def _by_arithmetic(
    readings: Sequence[tuple[Cell, ...]],
    texts: Sequence[tuple[str, ...]],
    columns: Sequence[str],
    *,
    printed: str,
    check: Check | None,
) -> Decoded:
    keep = [i for i, r in enumerate(readings) if check is None or check(r)]
    pool = keep or list(range(len(readings)))
    cells = agreed_cells([readings[i] for i in pool], columns)
    method: DecodeMethod = "arithmetic" if len(keep) == 1 else ("ambiguous" if keep else "unreadable")
    reasoning = f"{len(texts)} splits fit the digits; {len(keep)} satisfy the template's arithmetic" + (
        "" if keep else "; the cells every split agrees on are kept"
    )
    decoding = RowDecoding(
        method=method,
        printed=printed,
        readings=[list(t) for t in texts],
        consistent=[list(texts[i]) for i in keep],
        reasoning=reasoning,
    )
    return Decoded(cells, decoding, tuple(readings[i] for i in pool))


def agreed_cells(readings: Sequence[Sequence[Cell]], columns: Sequence[str]) -> dict[str, Cell]:
    """The cells on which every reading agrees (value and kind), by column."""
    cells: dict[str, Cell] = {}
    for j, column in enumerate(columns):
        seen = {(r[j].value, r[j].kind) for r in readings}
        if len(seen) == 1:
            cells[column] = readings[0][j]
    return cells
