"""Assembling the token stream into raw tables: which tokens are headers, which are row labels (possibly
in parts: 三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密) and which values belong to which row.

No section heading is trusted to be right: a table starts at its title, its block marker (第二十条第（一）
项), its header words or its corner note, or simply at a row label that aligns with one of its rows; it
ends at prose, at another table's start, or (table 4) at the first label after its numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from nlp.align import LabelAligner
from nlp.normalize import normalize_label, split_enumerator
from nlp.schema import Alignment, TableKey
from nlp.tables.tokens import Token

__all__ = ["RawRow", "RawTable", "assemble"]


@dataclass
class RawRow:
    table: TableKey
    parts: list[Token]
    values: list[Token]  # value and empty tokens in printed order
    alignment: Alignment
    group: str | None = None
    block: str | None = None

    @property
    def line(self) -> int:
        return self.parts[0].line if self.parts else self.values[0].line

    @property
    def label(self) -> str:
        return " / ".join(p.text for p in self.parts)


@dataclass
class RawTable:
    key: TableKey
    rows: list[RawRow] = field(default_factory=list)
    headers: list[Token] = field(default_factory=list)
    markers: list[tuple[str, Token]] = field(default_factory=list)  # (block key, marker token)
    orphans: list[Token] = field(default_factory=list)  # values no label claimed
    numbers: list[Token] = field(default_factory=list)  # table 4: its row of values
    started_by_row: bool = False  # no title, header or marker: the table began mid-way
    first: Token | None = None
    last: Token | None = None

    def touch(self, token: Token) -> None:
        if self.first is None or token.start < self.first.start:
            self.first = token
        if self.last is None or token.end >= self.last.end:
            self.last = token


# A row's own enumerator after a few characters of another label fused before it (三、本（一）予以公开).
_INNER_ENUMERATOR = re.compile(r"(?<=\S)[(（][一二三四五六七八九十]{1,3}[)）]")


def _meaningful(text: str) -> bool:
    """Not a stray character of vertically printed text (三 / 、 / 年)."""
    norm = normalize_label(text)
    return len(norm) > 1 and any(ch.isalnum() for ch in norm)


def _stub(token: Token) -> bool:
    """An enumerator and one character in a grid cell (（七）总 of |（七）总|计|): the start of a label cut
    over two cells when the next cell of its row holds the rest; alone, a stray piece of a group label."""
    return (
        not token.plain and split_enumerator(token.text)[0] is not None and bool(normalize_label(token.text))
    )


class _Assembler:
    def __init__(self, aligner: LabelAligner, tokens: Sequence[Token]) -> None:
        self.a = aligner
        self.tokens = tokens
        self.tables: dict[TableKey, RawTable] = {}
        self.current: RawTable | None = None
        self.header_phase = False
        self.parts: list[Token] = []
        self.values: list[Token] = []
        self.pending: list[Token] = []
        self.group: str | None = None
        self.block: str | None = None
        self.line_mode: tuple[int, bool] | None = None  # (line, its values were printed above their label)
        self.value_rows = {t.row for t in tokens if t.kind == "value"}
        self.label_rows = {t.row for t in tokens if t.kind == "label" and _meaningful(t.text)}
        per_line = Counter(t.line for t in tokens)
        self.single_value_lines = {
            t.line for t in tokens if t.kind == "value" and t.plain and per_line[t.line] == 1
        }
        self.blank_review_rows = _blank_rows(tokens, width=len(aligner.review_columns()))
        self.review_chars = _review_header_chars(aligner)
        self.stub: Token | None = None  # a label start waiting for the rest of its row's label
        self.passed: list[Token] = []  # the current grid row's blank cells no row took (yet)

    # --- driving -------------------------------------------------------------------------------

    def run(self) -> dict[TableKey, RawTable]:
        for index, token in enumerate(self.tokens):
            self.feed(token, index)
        self.finish_table()
        return self.tables

    def feed(self, token: Token, index: int) -> None:
        stub, self.stub = self.stub, None
        if stub is not None and token.kind == "label" and token.row == stub.row:
            self.on_label(stub, index)
        elif stub is not None and token.kind == "empty" and token.row == stub.row:
            self.stub = stub  # blank cells between the two pieces
        if token.kind == "break":
            self.finish_table()
        elif token.kind == "empty":
            if self.parts and self.in_open_row(token):
                self.values.append(token)
            elif self.current and self.current.key == "review_litigation" and self.in_number_row(token):
                self.current.numbers.append(token)  # a blank cell of table 4's row of numbers
            elif not token.plain:
                self.passed = [*(t for t in self.passed if t.row == token.row), token]
        elif token.kind == "value":
            self.on_value(token)
        elif self.a.is_placeholder(token.text):
            pass  # 列1 … 列7: a converter's invented header names no row, and must not join a row's label
        elif _meaningful(token.text) or self.continues_cell_label(token):
            self.on_label(token, index)
        elif token.kind == "label" and _stub(token):
            self.stub = token

    def on_value(self, token: Token) -> None:
        table = self.current
        if table is None:
            return
        table.touch(token)
        if table.key == "review_litigation":
            table.numbers.append(token)
        elif self.parts and not self.printed_above(token):
            if not token.plain and not any(t.row == token.row for t in (*self.parts, *self.values)):
                # a grid row of numbers completing a label-only row: its blank cells before the first
                # number are cells of the row too (a blank 自然人)
                self.values.extend(t for t in self.passed if t.row == token.row)
            self.values.append(token)
        else:
            self.pending.append(token)

    def in_open_row(self, token: Token) -> bool:
        """Whether a cell belongs to the row being read: a plain line's, or one of a grid row the row
        already holds a label or value of. A grid row's leading blank cells (the rest of a label printed
        in an earlier row: 三、本年度办理结果 spanning its rows) are no cell of the row above."""
        return token.plain or any(t.row == token.row for t in (*self.parts, *self.values))

    def one_a_line(self, token: Token) -> bool:
        """One cell per paragraph (a converter's DOCX output): the label alone on its line, then its
        values one a line. A value alone on its line after such values continues the row; a line of
        several values after them is PDF text's next row, printed above its label."""
        values = [v for v in self.values if v.kind == "value"]
        lines = {p.line for p in self.parts}
        return token.line in self.single_value_lines and all(
            v.line in self.single_value_lines and v.line not in lines for v in values
        )

    def in_number_row(self, token: Token) -> bool:
        """Table 4's row of numbers: a grid row holding values, or (a blank form) one of exactly as many
        empty cells as the table has columns."""
        if token.row in self.value_rows:
            return True
        numbers = self.current.numbers if self.current else []
        return token.row in self.blank_review_rows and all(t.row == token.row for t in numbers)

    def printed_above(self, token: Token) -> bool:
        """PDF text prints a tall cell's values above its label: a plain line of values that follows a
        row already holding values, or a group label alone, belongs to the next label, not this row. A
        grid row of values with no label in it is read the same way (a converter pushed the row's label
        out of the table, before or after its numbers); under a row holding a label alone, it completes
        that row."""
        if not token.plain and token.row in self.label_rows:
            return False
        if self.line_mode is not None and self.line_mode[0] == token.line:
            return self.line_mode[1]
        on_label_line = any(p.line == token.line for p in self.parts)
        has_item = any(self.a.part_kind(p.text) is None for p in self.parts)
        has_values = any(v.kind == "value" for v in self.values)
        if has_values and has_item and self.one_a_line(token):
            return False
        above = not on_label_line and (has_values or not has_item)
        if above and has_values:
            self.finish_row()
        self.line_mode = (token.line, above)
        return above

    # --- labels --------------------------------------------------------------------------------

    def on_label(self, token: Token, index: int) -> None:
        if self.current and self.current.key == "review_litigation" and self.current.numbers:
            self.finish_table()  # table 4 is one row: the first label after its numbers ends it
        if self.structural(token):
            return
        self.on_row_label(token, index)

    def structural(self, token: Token) -> bool:
        """Titles, block markers, the corner note and column headers: they shape, they hold no values."""
        text = token.text
        title = self.a.title_table(text)
        if title:
            self.start_table(title, token, touch=False)  # the heading is not part of the table's span
            return True
        block = self.a.block_of_marker(text)
        if block:
            self.start_table("active_disclosure", token, keep_current=True)
            self.finish_row()
            self.block = block.key
            if self.current:
                self.current.markers.append((block.key, token))
            return True
        if self.a.is_note(text):
            self.start_table("applications", token, keep_current=True)
            return True
        return self.header(token)

    def header(self, token: Token) -> bool:
        current = self.current.key if self.current else None
        if self.in_review_header(token):
            assert self.current is not None
            self.finish_row()
            self.current.touch(token)
            self.current.headers.append(token)
            self.header_phase = True
            return True
        table = self.a.header_table(token.text, table=current)
        if table is None:
            return False
        norm = normalize_label(token.text)
        if current == "applications" and not self.header_phase and norm in self.a.ambiguous_labels:
            return False  # a bare 总计 / 其他 among the rows is a row label
        if (
            current is None
            and table == "applications"
            and not self.a.is_distinctive_header(token.text, table=table)
        ):
            return False  # a lone column word (总计, 自然人) outside any table is not a header
        self.finish_row()
        if table != current:
            self.start_table(table, token)
        elif self.current:
            self.current.touch(token)
        if self.current:
            self.current.headers.append(token)
        self.header_phase = True
        return True

    def in_review_header(self, token: Token) -> bool:
        """A piece of table 4's header words before its numbers (结果结果, 尚未审, 议后起, 总 计): a
        converter cut the header across cells and rows, so its pieces match no header word; made only of
        their characters, it is header text, never a row label (nor another table's 其他, 总计)."""
        if self.current is None or self.current.key != "review_litigation" or self.current.numbers:
            return False
        norm = normalize_label(token.text)
        return bool(norm) and set(norm) <= self.review_chars

    def on_row_label(self, token: Token, index: int) -> None:
        kind = self.a.part_kind(token.text)
        if (
            self.continues_label(token, index, kind)
            or self.continues_cell_label(token)
            or self.continues_label_row(token, kind)
        ):
            self.parts.append(token)
            return
        if self.values:
            self.finish_row()
        if not self.place_label(token, kind):
            return
        assert self.current is not None
        self.current.touch(token)
        self.parts.append(token)
        if kind is None and self.pending and not self.values_follow(index):
            self.values, self.pending = self.pending, []  # PDF text: the values were printed above
            self.finish_row()

    def continues_label(self, token: Token, index: int, kind: tuple[str, str] | None) -> bool:
        """A PDF fragment of the label above (计其他情形）, 已获取信息): plain, unnumbered, no values on
        its line, matching nothing alone."""
        if not (token.plain and self.parts and self.current) or kind is not None or self.values_follow(index):
            return False
        if split_enumerator(token.text)[0] is not None:
            return False
        table, group = self.current.key, self.group
        alone = self.a.align_row(token.text, table=table, group=group)
        if alone.key is None:
            return True
        # A fragment that resembles a row alone (只计这一情形，不计其他情形） is still the tail of a label
        # cut inside its note (（二）部分公开（区分处理的，) when the head names no row without it and
        # the two joined name that same row.
        head = "".join(p.text for p in self.parts if self.a.part_kind(p.text) is None)
        if not head or self.a.align_row(head, table=table, group=group).key is not None:
            return False
        return self.a.align_row(head + token.text, table=table, group=group).key == alone.key

    def continues_cell_label(self, token: Token) -> bool:
        """A label cut over two cells of one grid row, blank cells between (4.无正当理由大量反复 |  | 申请):
        the row has no value yet, so the second piece is more of its label, not a row of its own."""
        return (
            not token.plain
            and bool(self.parts)
            and self.parts[-1].row == token.row
            and not any(v.kind == "value" for v in self.values)
        )

    def continues_label_row(self, token: Token, kind: tuple[str, str] | None) -> bool:
        """A row label cut over two grid rows, the first holding no value (|1、申请人无正当理由逾期不补||…|
        then |正、行政机关不再处理其政府信息公开申请|67|3|…|): neither piece names a row alone, and the
        second does not start with an enumerator, so it is the rest of the first, whose numbers follow."""
        if token.plain or kind is not None or not self.parts or self.current is None:
            return False
        last = self.parts[-1]
        if last.plain or last.row == token.row or any(v.kind == "value" for v in self.values):
            return False
        if split_enumerator(token.text)[0] is not None or self.a.part_kind(last.text) is not None:
            return False
        table, group = self.current.key, self.group
        alone = (self.a.align_row(t.text, table=table, group=group).key for t in (last, token))
        return not any(alone)

    def place_label(self, token: Token, kind: tuple[str, str] | None) -> bool:
        """Make sure the right table is current for this row label; False when it belongs to none."""
        if kind is not None:
            if self.current is None:
                self.start_table("applications", token, by_row=True)
            return True
        if self.current is not None and not self.parts:
            here = self.a.align_row(token.text, table=self.current.key, group=self.group)
            if here.key is not None:
                return True
            anywhere = self.a.align_row(token.text, group=self.group)
            if anywhere.key is not None and anywhere.table != self.current.key and anywhere.table:
                self.start_table(anywhere.table, token, by_row=True)
            return True
        if self.current is None:
            found = self.a.align_row(token.text, group=self.group)
            if found.key is None or found.table is None:
                return False
            self.start_table(found.table, token, by_row=True)
        return True

    def values_follow(self, index: int) -> bool:
        line = self.tokens[index].line
        for at in range(index + 1, len(self.tokens)):  # by index: a slice would copy every later token
            later = self.tokens[at]
            if later.line != line:
                return False
            if later.kind == "value":
                return True
        return False

    # --- rows and tables -----------------------------------------------------------------------

    def start_table(
        self,
        key: TableKey,
        token: Token,
        *,
        keep_current: bool = False,
        by_row: bool = False,
        touch: bool = True,
    ) -> None:
        if self.current is not None and keep_current and self.current.key == key:
            self.current.touch(token)
            self.header_phase = True
            return
        self.finish_table()
        table = self.tables.get(key)
        if table is None:
            table = self.tables[key] = RawTable(key=key, started_by_row=by_row)
        self.current = table
        if touch:
            table.touch(token)
        self.header_phase = not by_row

    def finish_row(self) -> None:
        parts, values = self.parts, self.values
        self.parts, self.values = [], []
        if not parts or self.current is None:
            return
        table = self.current
        group_parts = [p for p in parts if (self.a.part_kind(p.text) or ("", ""))[0] == "group"]
        items = [p for p in parts if self.a.part_kind(p.text) is None]
        if group_parts:
            self.group = (self.a.part_kind(group_parts[-1].text) or ("", ""))[1]
        elif items and not (split_enumerator(items[-1].text)[0] or "0")[0].isdigit():
            self.group = None  # a top-level row: （一）予以公开, 四、结转下年度继续办理
        alignment = self.align(table.key, items or group_parts or parts)
        no_numbers = not any(v.kind == "value" for v in values)
        if alignment.key is None and no_numbers and items and all(p.plain for p in parts):
            return  # stray PDF text without numbers: nothing to report
        self.header_phase = False
        table.rows.append(RawRow(table.key, parts, values, alignment, self.group, self.block))

    def align(self, table: TableKey, items: list[Token]) -> Alignment:
        """The best of: the last label part alone, or all item parts joined (labels broken over lines)."""
        line = items[-1].line
        best = self.a.align_row(items[-1].text, table=table, group=self.group, line=line)
        if len(items) > 1:
            joined = "".join(p.text for p in items)
            alt = self.a.align_row(joined, table=table, group=self.group, line=line)
            if alt.score > best.score:
                best = alt.model_copy(update={"raw_label": joined})
        inner = _INNER_ENUMERATOR.search(items[-1].text)
        if best.key is None and inner:  # 三、本（一）予以公开: a parent's piece fused before the row label
            alt = self.a.align_row(items[-1].text[inner.start() :], table=table, group=self.group, line=line)
            if alt.key is not None:
                best = alt.model_copy(update={"raw_label": items[-1].text})
        return best

    def finish_table(self) -> None:
        self.finish_row()
        if self.current is not None:
            self.current.orphans.extend(self.pending)
        self.pending = []
        self.current = None
        self.group = None
        self.block = None
        self.header_phase = False


def _review_header_chars(aligner: LabelAligner) -> frozenset[str]:
    """The characters of table 4's header words: its header labels, group labels and column labels."""
    spec = aligner.tables.get("review_litigation", {})
    words = [*spec.get("header_labels", ()), *(g.get("label", "") for g in spec.get("groups", {}).values())]
    for column in spec.get("column_labels", {}).values():
        words.extend([column] if isinstance(column, str) else [column["label"], *column.get("variants", ())])
    return frozenset("".join(normalize_label(w) for w in words))


def _blank_rows(tokens: Sequence[Token], *, width: int) -> set[int]:
    """Grid rows made of exactly `width` empty cells and nothing else."""
    counts: dict[int, int] = {}
    filled: set[int] = set()
    for token in tokens:
        if token.kind == "empty" and token.field >= 0:
            counts[token.row] = counts.get(token.row, 0) + 1
        else:
            filled.add(token.row)
    return {row for row, count in counts.items() if count == width and row not in filled}


def assemble(tokens: Sequence[Token], *, aligner: LabelAligner) -> dict[TableKey, RawTable]:
    """The raw tables found in the token stream, keyed by table."""
    return _Assembler(aligner, tokens).run()
