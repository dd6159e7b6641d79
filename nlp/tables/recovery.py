"""Row recovery: a report body saved as one long line gets its table rows back on lines of their own.

A crawler's text dump prints the whole page body on one line: headings inline, and every table as
labels and digits glued together (`…申请数量1000001二、上年结转…`, `00000002.其他…`). This step splits such
a line, and only inside its tables, into the lines a person sees: a heading, a marker, one header word
per line, and one row per line as `label digits`. It changes no printed character: the lines joined again
are the line it was given, apart from white space (one space between a label and its digits, and before
an inner enumerator; none kept between header words or around the pieces it splits off).

Rows recovered this way are marked `glued`: their digit runs are decoded by the template's arithmetic
(nlp.tables.decode), since only the arithmetic can tell `120` from 1,20 or 12,0.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from nlp.align import LabelAligner, get_aligner
from nlp.config import load_yaml
from nlp.header import header_end
from nlp.schema import SourceBlock, SourceDocument, SourceLine
from nlp.sections import heading_prefix

__all__ = ["Piece", "recover_document", "recover_line", "split_pieces"]

_TABLE_SECTIONS = frozenset({"active_disclosure", "applications", "review_litigation"})
_RUN = re.compile(r"[-−]?\d(?:[ \u3000\u00a0]*[-−]?\d)*(?:[.．]\d+)?")
_ENUMERATOR_AFTER_RUN = re.compile(r"[.．、](?!\d)")  # matched at the end of a run (no slice of the rest)
# Enumerators that open a row label part: 一、 （一） 1. — a space goes before each inner one so the
# tokenizer reads 三、本年度办理结果 （一）予以公开 as two parts of one label.
_ENUMERATOR = re.compile(
    r"[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[)）]|(?<!\d)\d[.．、](?!\d)"
)
_PROSE_MARK = re.compile(r"[。；;！!？?]")
_NOTE = re.compile(r"[（(]?本列数据的[勾钩]稽关系[^）)]*[）)]?")
_MAX_ROW_LABEL = 80
_MAX_UNKNOWN_HEADER = 8
_MIN_ROWS = 2  # a prose line that merely quotes a table's note (本列数据的勾稽关系…) is left alone


@dataclass(frozen=True)
class Piece:
    """Text followed by the run of digits (and spaces) printed right after it."""

    text: str
    run: str
    after: str  # the character after the run ("" at the end): tells 2022年 from a cell


@dataclass(frozen=True)
class _Vocabulary:
    starts: re.Pattern[str]
    headers: tuple[str, ...]  # longest first
    row_suffixes: tuple[str, ...]  # table-2 row labels (no enumerator), longest first
    prose_units: frozenset[str]
    min_chars: int
    dump_min_chars: int


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    config = load_yaml("labels.yaml")
    recovery = config["recovery"]
    tables = config["tables"]
    headers: set[str] = set(recovery["header_words"])
    for spec in tables.values():
        headers.update(spec.get("header_labels", ()))
        headers.update(spec.get("header_prefixes", ()))
        for label in spec.get("column_labels", {}).values():
            headers.update(
                [label] if isinstance(label, str) else [label["label"], *label.get("variants", ())]
            )
    rows: set[str] = set()
    for block in tables["active_disclosure"]["blocks"]:
        for row in block["rows"].values():
            rows.update([row["label"], *row.get("variants", ())])
    return _Vocabulary(
        starts=re.compile("|".join(f"(?:{p})" for p in recovery["table_starts"])),
        headers=tuple(sorted(headers, key=len, reverse=True)),
        row_suffixes=tuple(sorted(rows, key=len, reverse=True)),
        prose_units=frozenset(recovery["prose_units"]),
        min_chars=int(recovery["min_line_chars"]),
        dump_min_chars=int(recovery["dump_min_line_chars"]),
    )


# --- pieces ----------------------------------------------------------------------------------------


def split_pieces(line: str) -> list[Piece]:
    """The line as text/digit-run pieces. A digit glued to an enumerator (`00000002.其他`) belongs to
    the next label: table rows are numbered 1–8, so the run gives up its last digit."""
    pieces: list[Piece] = []
    pos = 0
    carry = ""
    for match in _RUN.finditer(line):
        text = carry + line[pos : match.start()]
        run, carry, pos = match.group(), "", match.end()
        if _ENUMERATOR_AFTER_RUN.match(line, pos):
            run, carry = run[:-1].rstrip(), run[-1]
            if not run:  # 不予公开1.属于… : the digit was the enumerator and nothing else
                carry = text + line[match.start() : pos]
                continue
        pieces.append(Piece(text, run, line[pos : pos + 1]))
    pieces.append(Piece(carry + line[pos:], "", ""))
    return [p for p in pieces if p.text or p.run]


# --- recognising what a piece of a table holds -----------------------------------------------------


def _header_end(text: str, pos: int, vocab: _Vocabulary) -> int:
    """Where the header words starting at `pos` end (pos itself when none starts there); spaces
    between them are part of the header."""
    end = pos
    while end < len(text):
        at = _skip_space(text, end)
        word = next((w for w in vocab.headers if text.startswith(w, at)), None)
        if word is None:
            break
        end = at + len(word)
    return end


def _row_suffix_start(text: str, vocab: _Vocabulary) -> int | None:
    """Where a table-2 row label that ends `text` starts (行政规范性文件 in …现行有效件数行政规范性文件)."""
    norm = text.rstrip()
    for label in vocab.row_suffixes:
        if norm.endswith(label):
            return len(norm) - len(label)
    return None


def _spaced_enumerators(label: str) -> str:
    """A space before every enumerator but the first: 三、本年度办理结果 （一）予以公开."""
    out = []
    last = 0
    for match in _ENUMERATOR.finditer(label):
        if match.start() > 0 and label[match.start() - 1] not in " \u3000":
            out.append(label[last : match.start()] + " ")
            last = match.start()
    out.append(label[last:])
    return "".join(out)


@dataclass(frozen=True)
class _Split:
    lines: list[str]  # structural lines: headings, markers, notes, header words
    row: str | None  # the row label the piece's digits belong to
    table: bool  # the piece is table material (else prose: the table has ended)


def _split_table_text(text: str, vocab: _Vocabulary, aligner: LabelAligner) -> _Split:
    """Cut a piece's text into headings, markers, header words and the row label at its end."""
    lines: list[str] = []
    pos = 0
    while pos < len(text):
        pos = _skip_space(text, pos)
        rest = text[pos:]
        if not rest:
            break
        heading = heading_prefix(rest)
        if heading is not None:
            key, end = heading
            if key not in _TABLE_SECTIONS:
                return _Split(lines, None, table=False)
            lines.append(rest[:end])
            pos += end
            continue
        if _ENUMERATOR.match(rest):  # 一、本年新收… opens a row (it is also where a table may start)
            return _row_part(rest, lines, vocab, aligner)
        start = vocab.starts.match(rest) or _NOTE.match(rest)
        if start is not None and start.end() > 0:
            note = _NOTE.match(rest)
            end = max(start.end(), note.end() if note else 0)
            lines.append(rest[:end])
            pos += end
            continue
        header = _header_end(text, pos, vocab)
        if header > pos:
            lines.extend(_header_words(text[pos:header], vocab))
            pos = header
            continue
        unknown = _unknown_header_end(text, pos, vocab)
        if unknown is not None:  # 本年废纸件数: a misprinted header word between known ones
            lines.append(text[pos:unknown])
            pos = unknown
            continue
        return _row_part(rest, lines, vocab, aligner)
    return _Split(lines, None, table=True)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \u3000\u00a0\t":
        pos += 1
    return pos


def _unknown_header_end(text: str, pos: int, vocab: _Vocabulary) -> int | None:
    """Where the next header word, heading or table start begins, when only a few characters of no row
    stand before it (本年废纸件数, or the 元 of an amount printed 1912762137元)."""
    for end in range(pos + 1, min(len(text), pos + _MAX_UNKNOWN_HEADER) + 1):
        known = any(text.startswith(w, end) for w in vocab.headers) or vocab.starts.match(text, end)
        if known or heading_prefix(text[end:]) is not None:
            junk = text[pos:end]
            return None if _ENUMERATOR.search(junk) or _PROSE_MARK.search(junk) else end
    return None


def _header_words(text: str, vocab: _Vocabulary) -> Iterator[str]:
    pos = 0
    while pos < len(text):
        pos = _skip_space(text, pos)
        word = next(w for w in vocab.headers if text.startswith(w, pos))
        yield word
        pos += len(word)


def _row_part(rest: str, lines: list[str], vocab: _Vocabulary, aligner: LabelAligner) -> _Split:
    """The tail of a piece that is neither heading, marker nor header: a row label, perhaps after a
    header word the vocabulary does not know (本年废纸件数), which then gets a line of its own."""
    if _PROSE_MARK.search(rest):
        return _Split(lines, None, table=False)
    first = _ENUMERATOR.search(rest)
    cut = first.start() if first else _row_suffix_start(rest, vocab)
    if cut is None:
        if len(rest.strip()) > _MAX_ROW_LABEL or aligner.align_row(rest).key is None:
            return _Split(lines, None, table=False)
        cut = 0
    if cut > 0:
        lines.append(rest[:cut])
    label = rest[cut:]
    if len(label.strip()) > _MAX_ROW_LABEL:
        return _Split(lines, None, table=False)
    return _Split(lines, _spaced_enumerators(label.strip()), table=True)


# --- the line --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecoveredLine:
    text: str
    glued: bool


def recover_line(line: str, *, dump: bool = False) -> list[RecoveredLine] | None:
    """The line split at its tables' rows, or None when it holds no table to recover. In a document known
    to be a crawler's dump (`dump`), a short line holding one glued row (a table-2 block) counts too."""
    vocab = _vocabulary()
    shortest = vocab.dump_min_chars if dump else vocab.min_chars
    if len(line) < shortest or "\t" in line or not vocab.starts.search(line):
        return None  # a line with tabs is a grid row already
    aligner = get_aligner()
    out: list[RecoveredLine] = []
    prose = ""
    in_table = False
    for piece in split_pieces(line):
        if in_table:
            split = _split_table_text(piece.text, vocab, aligner)
            unit_follows = (
                bool(piece.run) and piece.after in vocab.prose_units and not _is_row(split, aligner)
            )
            if split.table and not unit_follows:
                out.extend(RecoveredLine(text, glued=False) for text in split.lines)
                _add_row(out, split.row, piece.run)
                continue
            in_table = False  # the table has ended: this piece is prose, or the start of the next table
        opened = _table_opening(piece.text, vocab, aligner)
        if opened is None:
            prose += piece.text + piece.run
            continue
        at, opening = opened
        _flush(out, prose + piece.text[:at])
        prose = ""
        out.extend(RecoveredLine(text, glued=False) for text in opening.lines)
        _add_row(out, opening.row, piece.run)
        in_table = True
    _flush(out, prose)
    rows = sum(r.glued for r in out)
    return out if rows >= (1 if dump else _MIN_ROWS) else None


def _table_opening(text: str, vocab: _Vocabulary, aligner: LabelAligner) -> tuple[int, _Split] | None:
    """The first place in `text` where a table starts and runs to the piece's end: a prose sentence that
    quotes a table's note (（本列数据的勾稽关系为…）。) is passed over for the real start after it."""
    for start in vocab.starts.finditer(text):
        opening = _split_table_text(text[start.start() :], vocab, aligner)
        if opening.table:
            return start.start(), opening
    return None


def _is_row(split: _Split, aligner: LabelAligner) -> bool:
    """The piece ends in a label of some table's row: digits then a unit (1912762137元) are its cell,
    where after any other text they are prose ((二)主动公开政府信息的主要类别2022年…)."""
    return split.row is not None and aligner.align_row(split.row).key is not None


def _flush(out: list[RecoveredLine], prose: str) -> None:
    if prose.strip():
        out.append(RecoveredLine(prose, glued=False))


def _add_row(out: list[RecoveredLine], label: str | None, run: str) -> None:
    digits = run.strip()
    if label is not None:
        out.append(RecoveredLine(f"{label} {digits}" if digits else label, glued=bool(digits)))
    elif digits:
        out.append(RecoveredLine(digits, glued=True))


def recover_document(doc: SourceDocument) -> SourceDocument:
    """The document with every one-line body split into its rows (blocks renumbered to match)."""
    texts = [line.text for line in doc.lines]
    # A dump is a crawler's (its header says so) or has a long line whose tables really are glued rows:
    # a prose line that merely quotes a table's note does not make the rest of the document a dump.
    if header_end(texts) == 0 and not any(recover_line(t) is not None for t in texts):
        return doc
    lines: list[SourceLine] = []
    new_number: list[int] = []  # old line index → new 1-based number of its first piece
    in_tables = _table_lines(doc.blocks)
    for line in doc.lines:
        new_number.append(len(lines) + 1)
        in_block = len(new_number) in in_tables
        recovered = None if in_block else recover_line(line.text, dump=True)
        if recovered is None:
            lines.append(line)
            continue
        lines.extend(line.model_copy(update={"text": r.text, "glued": r.glued}) for r in recovered)
    if len(lines) == len(doc.lines):
        return doc
    new_number.append(len(lines) + 1)
    blocks = [_renumbered(b, new_number) for b in doc.blocks]
    return doc.model_copy(update={"lines": lines, "blocks": blocks})


def _table_lines(blocks: Sequence[SourceBlock]) -> set[int]:
    """The line numbers inside a table block (a set, not a scan of every block per line)."""
    return {n for b in blocks if b.kind == "table" for n in range(b.first_line, b.last_line + 1)}


def _renumbered(block: SourceBlock, new_number: Sequence[int]) -> SourceBlock:
    first = new_number[block.first_line - 1]
    last = new_number[block.last_line] - 1
    return block.model_copy(update={"first_line": first, "last_line": last})
