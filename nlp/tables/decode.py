"""Decoding glued digit runs: `1000001` under seven columns is 1,0,0,0,0,0,1; `1200012` is not known yet.

A crawler's dump prints a row's cells with no separator, or with spaces between some of them. A space
always separates two cells; inside a chunk of digits every cut is possible, except that a cell of two or
more digits never starts with 0. Every split that gives the row its number of columns is a reading; the
template's arithmetic (passed in as `check`) keeps the consistent ones. One reading → its cells; several
→ only the cells they all agree on; none → nothing. Nothing is ever picked among readings that differ.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from nlp.cellvalues import parse_cell
from nlp.config import load_yaml
from nlp.schema import Cell, DecodeMethod, RowDecoding, Span
from nlp.tables.tokens import Token

__all__ = ["Decoded", "agreed_cells", "cells_of_reading", "count_readings", "decode_run", "split_readings"]

Check = Callable[[Sequence[Cell]], bool]
QuickCheck = Callable[[Sequence[str]], bool]
_SHOWN_READINGS = 50  # a row's readings listed in its decoding; the count is always given


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
    """Every way to cut one chunk of digits (perhaps signed) into `parts` cells."""
    if text[:1] in "-−":
        for cut in _cuts(text[1:], parts, max_digits):
            yield (text[0] + cut[0], *cut[1:])
        return
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


_SIGNED = re.compile(r"(?=[-−])")


def _atomic(text: str) -> bool:
    """A decimal (9116.36) or a chunk with a separator is one cell; it is never cut."""
    return not text.lstrip("-−").isdigit()


def _signed_chunks(chunks: Sequence[str]) -> list[str]:
    """A sign always starts a cell (本年增/减 may be negative): 111-86 is 111 then -86…."""
    return [part for chunk in chunks for part in _SIGNED.split(chunk) if part]


def _part_counts(chunk: str, cap: int) -> dict[int, int]:
    """How many ways `chunk` splits into k cells, by k (cells of at most `cap` digits, no leading 0)."""
    if _atomic(chunk):
        return {1: 1}
    digits = chunk.lstrip("-−")
    n = len(digits)
    # ways[i][k]: splits of digits[i:] into k cells
    ways: list[dict[int, int]] = [{} for _ in range(n)] + [{0: 1}]
    for i in range(n - 1, -1, -1):
        for size in range(1, min(cap, n - i) + 1):
            if size > 1 and digits[i] == "0":
                break
            for k, count in ways[i + size].items():
                ways[i][k + 1] = ways[i].get(k + 1, 0) + count
    return ways[0]


def count_readings(chunks: Sequence[str], ncols: int, *, cap: int) -> int:
    """How many splits of the chunks into `ncols` cells there are, without listing them."""
    totals = {0: 1}
    for chunk in chunks:
        step: dict[int, int] = {}
        for k, count in _part_counts(chunk, cap).items():
            for used, ways in totals.items():
                if used + k <= ncols:
                    step[used + k] = step.get(used + k, 0) + ways * count
        totals = step
    return totals.get(ncols, 0)


def split_readings(
    chunks: Sequence[str], ncols: int, *, max_digits: int | None = None, limit: int | None = None
) -> list[tuple[str, ...]] | None:
    """Every split of the chunks into `ncols` cells, in order. None when there are more than `limit`,
    or when the cap on a cell's digits cut some splits away (a capped list could look unique)."""
    limits = _limits()
    digits_cap = max_digits or limits.max_digits
    if sum(len(c) for c in chunks if not _atomic(c)) > ncols * digits_cap:
        return None  # some cell would be longer than the cap: not a run these tables print
    total = count_readings(chunks, ncols, cap=digits_cap)
    longest = max((len(c) for c in chunks), default=1)
    if total > (limit or limits.max_readings) or total != count_readings(chunks, ncols, cap=longest):
        return None
    found: list[tuple[str, ...]] = []

    def walk(index: int, left: int, acc: tuple[str, ...]) -> None:
        if index == len(chunks):
            if left == 0:
                found.append(acc)
            return
        chunk = chunks[index]
        rest = chunks[index + 1 :]
        for parts in _part_counts(chunk, digits_cap):
            if parts <= left and count_readings(rest, left - parts, cap=digits_cap):
                cuts = [(chunk,)] if _atomic(chunk) else _cuts(chunk, parts, digits_cap)
                for cut in cuts:
                    walk(index + 1, left - parts, acc + cut)

    walk(0, ncols, ())
    return found


def _cells(reading: Sequence[str], chunks: Sequence[_Chunk]) -> list[Cell]:
    """The reading's cells, each pointing at its own digits in the text."""
    cells: list[Cell] = []
    chunk_index, used = 0, 0
    for raw in reading:
        chunk = chunks[chunk_index]
        start = chunk.start + used
        value, kind = parse_cell(raw)
        # model_construct: thousands of candidate cells are built per row; their fields are known-good
        span = Span.model_construct(start=start, end=start + len(raw), line=chunk.line, end_line=chunk.line)
        cells.append(Cell.model_construct(raw=raw, value=value, kind=kind, line=chunk.line, span=span))
        used += len(raw)
        if used == len(chunk.text):
            chunk_index, used = chunk_index + 1, 0
    return cells


@dataclass(frozen=True)
class Decoded:
    cells: dict[str, Cell]  # the certain cells, by column
    decoding: RowDecoding
    readings: tuple[tuple[Cell, ...], ...]  # the consistent readings (none when no split is consistent)
    # the cells every split of the digits gives alike, arithmetic aside: what is left when the table's
    # own arithmetic turns out to fail elsewhere and so cannot be trusted to choose
    by_digits: dict[str, Cell] = field(default_factory=dict)


def decode_run(
    tokens: Sequence[Token],
    columns: Sequence[str],
    *,
    check: Check | None = None,
    quick: QuickCheck | None = None,
) -> Decoded:
    """The cells of a glued row: every split of its digits into `columns`, filtered by `check`.

    `quick` is a necessary condition of `check` on the raw texts (the row's own identity), tried first so
    that cells are built only for the splits that can hold."""
    chunks = [_Chunk(t.text, t.start, t.line) for t in tokens if t.kind == "value"]
    printed = " ".join(c.text for c in chunks)
    texts = split_readings(_signed_chunks([c.text for c in chunks]), len(columns))
    if not texts:
        why = "too many readings to search" if texts is None else "no split gives every column a cell"
        decoding = RowDecoding(method="unreadable", printed=printed, reasoning=why, **_where(chunks))
        return Decoded({}, decoding, ())
    if len(texts) == 1:
        only = tuple(_cells(texts[0], chunks))
        decoding = RowDecoding(
            method="digits",
            printed=printed,
            **_where(chunks),
            reading_count=1,
            readings=[list(texts[0])],
            consistent=[list(texts[0])],
            reasoning=f"{_digit_count(printed)} digits for {len(columns)} columns: one split only",
        )
        cells = dict(zip(columns, only, strict=True))
        return Decoded(cells, decoding, (only,), by_digits=cells)
    return _by_arithmetic(texts, chunks, columns, printed=printed, check=check, quick=quick)


def _where(chunks: Sequence[_Chunk]) -> dict[str, Any]:
    return {"chunk_starts": [c.start for c in chunks], "line": chunks[0].line if chunks else None}


def cells_of_reading(reading: Sequence[str], decoding: RowDecoding) -> list[Cell]:
    """The cells of one of a decoded row's readings, pointing at their digits (from the decoding alone)."""
    parts = decoding.printed.split(" ")
    line = decoding.line or 0
    chunks = [_Chunk(text, start, line) for text, start in zip(parts, decoding.chunk_starts, strict=True)]
    return [Cell.model_validate(c.model_dump()) for c in _cells(reading, chunks)]


def _digit_count(printed: str) -> int:
    return sum(ch.isdigit() for ch in printed)


def _by_arithmetic(
    texts: Sequence[tuple[str, ...]],
    chunks: Sequence[_Chunk],
    columns: Sequence[str],
    *,
    printed: str,
    check: Check | None,
    quick: QuickCheck | None,
) -> Decoded:
    candidates = [t for t in texts if quick is None or quick(t)]
    readings = [tuple(_cells(t, chunks)) for t in candidates]
    keep = [i for i, r in enumerate(readings) if check is None or check(r)]
    by_digits = _agreed_texts(texts, chunks, columns)
    if keep:
        kept = tuple(readings[i] for i in keep)
        cells = agreed_cells(kept, columns)
    else:  # the report's own arithmetic fails somewhere: only what every split of the digits shows
        kept = ()
        cells = by_digits
    method: DecodeMethod = "arithmetic" if len(keep) == 1 else ("ambiguous" if keep else "unreadable")
    reasoning = f"{len(texts)} splits fit the digits; {len(keep)} satisfy the template's arithmetic" + (
        "" if keep else "; the cells every split agrees on are kept"
    )
    decoding = RowDecoding(
        method=method,
        printed=printed,
        **_where(chunks),
        reading_count=len(texts),
        readings=[list(t) for t in texts[:_SHOWN_READINGS]],
        consistent=[list(candidates[i]) for i in keep],
        reasoning=reasoning,
    )
    return Decoded(cells, decoding, kept, by_digits=by_digits)


def _agreed_texts(
    texts: Sequence[tuple[str, ...]], chunks: Sequence[_Chunk], columns: Sequence[str]
) -> dict[str, Cell]:
    """The cells every split gives the same value, read from the texts (no cell built per split)."""
    first = _cells(texts[0], chunks)
    return {
        column: first[j] for j, column in enumerate(columns) if len({parse_cell(t[j]) for t in texts}) == 1
    }


def agreed_cells(readings: Sequence[Sequence[Cell]], columns: Sequence[str]) -> dict[str, Cell]:
    """The cells on which every reading agrees (value and kind), by column."""
    cells: dict[str, Cell] = {}
    for j, column in enumerate(columns):
        seen = {(r[j].value, r[j].kind) for r in readings}
        if len(seen) == 1:
            cells[column] = readings[0][j]
    return cells
