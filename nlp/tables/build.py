"""The three tables of an annual report, parsed into canonical keys (docs/template.md).

`parse_tables` tokenizes the report's lines (nlp.tables.tokens), assembles the tokens into raw tables
(nlp.tables.assemble), then, per table, decides the template format, puts each row's values under its
columns (nlp.tables.cells) and reports what does not fit: unmatched labels, rows with too many or too
few values (with the readings the arithmetic allows), missing rows, missing tables. Nothing is invented.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from nlp.align import TABLE_KEYS, LabelAligner, get_aligner
from nlp.errors import ErrorCode, problem
from nlp.normalize import normalize_label
from nlp.schema import (
    Alignment,
    Cell,
    Problem,
    SourceBlock,
    Span,
    Table,
    TableKey,
    TableRow,
    Tables,
    TemplateFormat,
)
from nlp.tables.arith import application_check, review_check, review_quick
from nlp.tables.assemble import RawRow, RawTable, assemble
from nlp.tables.cells import Fit, cell_of, fit_row, printed_cells
from nlp.tables.decode import decode_run
from nlp.tables.glued import decode_glued_rows, glued_problem
from nlp.tables.tokens import Token, tokenize

__all__ = ["TablesResult", "detect_format", "parse_tables"]


@dataclass(frozen=True)
class TablesResult:
    tables: Tables
    format: TemplateFormat
    alignments: list[Alignment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_tables(
    lines: Sequence[str],
    *,
    blocks: Sequence[SourceBlock] = (),
    glued: frozenset[int] = frozenset(),
    furniture: frozenset[int] = frozenset(),
    source: str | None = None,
) -> TablesResult:
    """Tables 2, 3 and 4 of the report whose linearised text is `lines` (lines[0] is line 1); the
    lines numbered in `glued` are rows recovered from a one-line body (nlp.tables.recovery), those in
    `furniture` running headers to skip."""
    aligner = get_aligner()
    raw = assemble(tokenize(lines, blocks=blocks, glued=glued, furniture=furniture), aligner=aligner)
    fmt = detect_format(raw, aligner=aligner)
    unfilled = _unfilled(raw, aligner=aligner)
    problems: list[Problem] = []
    built: dict[TableKey, Table] = {}
    for key in TABLE_KEYS:
        if key not in raw:
            problems.append(
                problem(ErrorCode.TABLE_MISSING, f"table {key} was not found", source=source, table=key)
            )
            continue
        table, found = _build(raw[key], fmt=fmt, aligner=aligner, source=source, unfilled=unfilled)
        built[key] = table
        problems.extend(found)
    alignments = [row.alignment for key in TABLE_KEYS if key in raw for row in raw[key].rows]
    return TablesResult(Tables(**built), fmt, alignments, problems)


# --- format --------------------------------------------------------------------------------------


def detect_format(raw: dict[TableKey, RawTable], *, aligner: LabelAligner) -> TemplateFormat:
    """2019 when table 2 prints a 2019-only column or row; 2021 when it prints a 2021 column; else
    table 3's （六） shape decides (a single 其他处理 row suggests 2019); else unknown."""
    disclosure = raw.get("active_disclosure")
    if disclosure is not None:
        headers = {normalize_label(t.text) for t in disclosure.headers}
        keys = {r.alignment.key for r in disclosure.rows}
        if headers & aligner.format_2019_markers() or keys & {"other_services", "procurement"}:
            return "2019"
        if any(aligner.column_key("active_disclosure", t.text) for t in disclosure.headers) or keys:
            return "2021"
    applications = raw.get("applications")
    if applications is not None:
        return "2019" if _single_other(applications) else "2021"
    return "unknown"


def _single_other(table: RawTable) -> bool:
    keys = {r.alignment.key for r in table.rows}
    return "other_handling" in keys and not keys & {
        "other_overdue_correction",
        "other_unpaid_fee",
        "other_other",
    }


# --- building one table --------------------------------------------------------------------------


def _span(raw: RawTable) -> Span | None:
    if raw.first is None or raw.last is None:
        return None
    return Span(start=raw.first.start, end=raw.last.end, line=raw.first.line, end_line=raw.last.line)


def _columns(row: RawRow, *, fmt: TemplateFormat, aligner: LabelAligner) -> tuple[str, ...]:
    if row.table == "applications":
        return aligner.application_columns()
    block = aligner.block_of_row(row.alignment.key or "")
    if block is None:
        return ()
    chosen = fmt if fmt in block.columns else ("2021" if "2021" in block.columns else "2019")
    return block.columns[chosen]


def _build(
    raw: RawTable, *, fmt: TemplateFormat, aligner: LabelAligner, source: str | None, unfilled: bool = False
) -> tuple[Table, list[Problem]]:
    """One table's rows placed under its columns. `unfilled`: the report's tables print blank cells and
    no value anywhere (an unfilled form), so a row printed with no cell at all is blank too."""
    if raw.key == "review_litigation":
        return _build_review(raw, fmt=fmt, aligner=aligner, source=source, unfilled=unfilled)
    problems: list[Problem] = []
    rows: list[TableRow] = []
    deferred: list[tuple[TableRow, RawRow, tuple[str, ...]]] = []
    anchors = _anchors(raw, fmt=fmt, aligner=aligner)
    headers = _HeaderIndex(raw.headers)
    glued: list[tuple[TableRow, RawRow, tuple[str, ...]]] = []
    for item in raw.rows:
        columns = _columns(item, fmt=fmt, aligner=aligner)
        if columns and item.alignment.key and _is_glued(item.values):
            row = TableRow(key=item.alignment.key, label=item.label, line=item.line, alignment=item.alignment)
            rows.append(row)
            glued.append((row, item, columns))
            continue
        ncols = len(columns) or len(item.values)
        repeated = _under_repeated_header(item, raw, headers, columns=columns, aligner=aligner)
        if repeated is not None:
            row = TableRow(key=item.alignment.key, label=item.label, line=item.line, alignment=item.alignment)
            row.printed, row.cells = [cell_of(t) for t in item.values], repeated.cells
            rows.append(row)
            problems.extend(repeated.problems(row, table=raw.key, source=source))
            continue
        printed = printed_cells(
            item.values, ncols, anchors=_value_windows(item, _row_anchor(item, anchors, ncols=ncols))
        )
        if len(printed) < len(columns):
            printed = _under_stacked_header(item, raw, headers, printed, columns=columns, aligner=aligner)
        if not item.values and columns and unfilled:
            printed = [Cell(raw="", value=None, kind="blank", line=item.line) for _ in columns]
        row = TableRow(
            key=item.alignment.key,
            label=item.label,
            line=item.line,
            printed=printed,
            alignment=item.alignment,
        )
        rows.append(row)
        if item.alignment.key is None:
            problems.append(_unmatched(item, source=source))
        elif len(printed) == len(columns):
            row.cells = dict(zip(columns, printed, strict=True))
        else:
            deferred.append((row, item, columns))
    table = Table(key=raw.key, format=fmt, span=_span(raw), rows=rows)
    problems.extend(decode_glued_rows(table, glued, aligner=aligner, source=source))
    if raw.key == "applications":
        deferred, placed = _place_under_part_header(raw, deferred, aligner=aligner, source=source)
        problems.extend(placed)
        deferred, placed = _place_dropped_blank_column(table, deferred, aligner=aligner, source=source)
        problems.extend(placed)
    for row, item, columns in deferred:  # after the others: their arithmetic needs the whole table
        check = (
            application_check(table, row.key or "", aligner=aligner) if raw.key == "applications" else None
        )
        fit = fit_row(row.printed, columns, check=check)
        row.cells = fit.cells
        problems.append(_count_problem(fit, row=row, item=item, columns=columns, source=source))
    if table.key == "applications":
        _derive_blank_totals(table, columns=aligner.application_columns())
    problems.extend(_duplicates(table, source=source))
    problems.extend(_orphans(raw, source=source))
    problems.extend(_missing(table, raw, fmt=fmt, aligner=aligner, source=source))
    return table, problems


Deferred = list[tuple[TableRow, RawRow, tuple[str, ...]]]


def _place_under_part_header(
    raw: RawTable, deferred: Deferred, *, aligner: LabelAligner, source: str | None
) -> tuple[Deferred, list[Problem]]:
    """Table 3 rows one number short under a header row printed again where the table continues (a new
    page) that names one column fewer: each number goes under the header cell above it, and the column
    that part does not print stays absent (not blank: nothing is printed for it)."""
    columns = aligner.application_columns()
    if not any(row.key and len(row.printed) == len(columns) - 1 for row, _, _ in deferred):
        return deferred, []
    full = sorted(r.line for r in raw.rows if len(_inner(r)) == len(columns))
    keyed = [
        (h, key) for h in raw.headers if h.field >= 0 and (key := aligner.column_key("applications", h.text))
    ]
    by_line = sorted(range(len(keyed)), key=lambda i: keyed[i][0].line)
    keyed_lines = [keyed[i][0].line for i in by_line]
    placed: set[int] = set()
    found = []
    for index, (row, item, _) in enumerate(deferred):
        if not row.key or len(row.printed) != len(columns) - 1:
            continue
        after = _last_full(full, item.line)
        # the keyed headers printed between that row and this one, in printed order
        between = by_line[bisect_right(keyed_lines, after) : bisect_left(keyed_lines, item.line)]
        part = [keyed[i] for i in sorted(between)]
        fields = {h.field: key for h, key in part}
        named = [c for c in columns if c in fields.values()]
        tokens = _inner(item)
        if not after or len(fields) != len(part) or len(named) != len(part) or len(named) != len(columns) - 1:
            continue
        if [t.field for t in tokens] != sorted(fields) or [fields[t.field] for t in tokens] != named:
            continue
        row.cells = {fields[t.field]: cell_of(t) for t in tokens}
        missing = next(c for c in columns if c not in named)
        placed.add(index)
        why = (
            f"the header row printed above this part of the table names its columns without {missing}, so "
            f"each value is placed under its header and {missing} is not printed"
        )
        found.append(_short_row_placed(row, item, columns, why=why, source=source, not_printed=missing))
    return [entry for index, entry in enumerate(deferred) if index not in placed], found


def _short_row_placed(
    row: TableRow, item: RawRow, columns: Sequence[str], *, why: str, source: str | None, **detail: str
) -> Problem:
    """ROW_TOO_FEW_CELLS for a short row whose cells were placed anyway, saying `why` they could be."""
    raws = [c.raw for c in row.printed]
    return problem(
        ErrorCode.ROW_TOO_FEW_CELLS,
        f"{row.label}: {len(raws)} value cells {raws} for {len(columns)} columns; {why}",
        source=source,
        line=row.line,
        table=item.table,
        row=row.key,
        detail={"printed": raws, "columns": list(columns), **detail},
    )


def _last_full(full: Sequence[int], line: int) -> int:
    """The line of the last row before `line` that prints a value under every column (0 if none), given
    the sorted lines of such rows."""
    at = bisect_left(full, line)
    return full[at - 1] if at else 0


def _inner(item: RawRow) -> list[Token]:
    """The row's value tokens from its first printed value to its last, blank cells between included."""
    filled = [i for i, t in enumerate(item.values) if t.kind != "empty"]
    return list(item.values[filled[0] : filled[-1] + 1]) if filled else []


def _place_dropped_blank_column(
    table: Table, deferred: Deferred, *, aligner: LabelAligner, source: str | None
) -> tuple[Deferred, list[Problem]]:
    """Table 3 rows printing one number too few because a converter dropped a column that is blank in
    that part of the table (pymupdf4llm drops the blank 法律服务机构 column from a table's continuation
    on the next page). Their numbers are placed only when the table itself says which column is gone:
    exactly one column is blank in every complete row (at least two), and with a blank cell put there
    every row still sums to its 总计 and, for every other column, a column identity linking complete and
    short rows has every term read and holds. Anything less and the rows stay unplaced, as before."""
    columns = aligner.application_columns()
    short = [
        entry
        for entry in deferred
        if entry[0].key
        and len(entry[0].printed) == len(columns) - 1
        and all(c.kind == "number" for c in entry[0].printed)
    ]
    full = [row for row in table.rows if len(row.cells) == len(columns)]
    if not short or len(full) < 2:
        return deferred, []
    blank = [c for c in columns if all(row.cells[c].kind == "blank" for row in full)]
    if len(blank) != 1:
        return deferred, []
    column, at = blank[0], columns.index(blank[0])
    for row, _, _ in short:
        cells = list(row.printed)
        cells.insert(at, Cell(raw="", value=None, kind="blank", line=row.line))
        row.cells = dict(zip(columns, cells, strict=True))
    shorts = {row.key for row, _, _ in short}
    if not _dropped_column_holds(table, column=column, shorts=shorts, aligner=aligner):
        for row, _, _ in short:
            row.cells = {}
        return deferred, []
    found = []
    for row, item, _ in short:
        why = (
            f"the missing one is {column}, blank in every complete row of the table, and the row and column "
            f"identities hold with it blank, so the cells are placed with {column} blank"
        )
        found.append(
            _short_row_placed(row, item, columns, why=why, source=source, dropped_blank_column=column)
        )
    return [entry for entry in deferred if entry[0].key not in shorts], found


def _dropped_column_holds(
    table: Table, *, column: str, shorts: set[str | None], aligner: LabelAligner
) -> bool:
    columns = aligner.application_columns()
    *applicants, total = columns
    for row in table.rows:
        if row.key not in shorts or column == total:
            continue
        parts = [row.cells[c].value for c in applicants if c != column]
        if any(p is None for p in parts) or sum(p for p in parts if p is not None) != row.cells[total].value:
            return False
    single = table.row("other_handling") is not None
    outcomes = aligner.outcome_rows(single_other=single)
    identities = [
        (*outcomes, "handled_total"),
        ("new_received", "carried_over", "handled_total", "carried_forward"),
    ]
    for other in columns:
        if other == column:
            continue
        linked = False
        for keys in identities:
            terms = [table.value(k, other) for k in keys]
            if any(t is None for t in terms):
                continue
            if not _identity_holds(keys, terms):
                return False
            linked = linked or (any(k in shorts for k in keys) and any(k not in shorts for k in keys))
        if not linked:
            return False
    return True


def _identity_holds(keys: Sequence[str], terms: Sequence[int | Decimal | None]) -> bool:
    values = [t or 0 for t in terms]
    if keys[0] == "new_received":
        return values[0] + values[1] == values[2] + values[3]
    return sum(values[:-1]) == values[-1]


def _unfilled(raw: dict[TableKey, RawTable], *, aligner: LabelAligner) -> bool:
    """An unfilled form: tables 2 and 3 print no value at all, and at least two of their rows print a
    blank cell under every column (the form's empty grid, not a text that lost its table)."""
    blank_rows = 0
    for key in ("active_disclosure", "applications"):
        table = raw.get(key)
        for item in table.rows if table else ():
            if any(t.kind != "empty" for t in item.values):
                return False
            columns = _columns(item, fmt="2021", aligner=aligner)
            blank_rows += bool(columns) and len(item.values) >= len(columns)
    review = raw.get("review_litigation")
    if review is not None and any(t.kind != "empty" for t in review.numbers):
        return False
    return blank_rows >= 2


def _under_stacked_header(
    item: RawRow,
    raw: RawTable,
    headers: _HeaderIndex,
    printed: list[Cell],
    *,
    columns: Sequence[str],
    aligner: LabelAligner,
) -> list[Cell]:
    """A converter stacked several column headers in one cell (本年制发件数<br>本年废止件数<br>现行有效件数)
    and the row's cell under it is blank: that cell stands for each column the header cell names, in
    order. Only blank cells are spread so (numbers in such a cell are separate values already), and only
    when the headers above the row name exactly the row's columns."""
    if not columns or not item.values or any(t.kind != "empty" or t.field < 0 for t in item.values):
        return printed
    cells: list[Cell] = []
    names: list[str | None] = []
    for token in item.values:
        above = headers.last_above(token.field, item.line)
        keys: list[str | None] = list(_stacked_columns(above.text, raw.key, aligner)) if above else []
        if len(keys) < 2:
            keys = [aligner.column_key(raw.key, above.text) if above else None]
        names.extend(keys)
        cells.extend(cell_of(token) for _ in keys)
    stacked = len(cells) > len(item.values)
    fits = len(names) == len(columns) and all(n == c for n, c in zip(names, columns, strict=True) if n)
    return cells if stacked and fits else printed


def _stacked_columns(text: str, table: TableKey, aligner: LabelAligner) -> list[str]:
    """The column keys a header cell names one after another (本年制发件数本年废止件数现行有效件数 →
    issued, repealed, in_force); empty unless the whole text is such a sequence."""
    rest, keys = normalize_label(text), []
    while rest:
        for end in range(len(rest), 0, -1):
            key = aligner.column_key(table, rest[:end])
            if key:
                keys.append(key)
                rest = rest[end:]
                break
        else:
            return []
    return keys


def _derive_blank_totals(table: Table, *, columns: Sequence[str]) -> None:
    """A 总计 printed blank beside six printed applicant numbers gets their sum as a derived cell."""
    *applicants, total = columns
    for row in table.rows:
        cell = row.cells.get(total)
        parts = [row.cells.get(c) for c in applicants]
        if cell is None or cell.kind != "blank" or any(p is None or p.kind != "number" for p in parts):
            continue
        value = sum(p.value for p in parts if p is not None and p.value is not None)
        row.derived[total] = Cell(raw="", value=value, kind="number", line=cell.line, span=cell.span)


def _is_glued(values: Sequence[Token]) -> bool:
    return any(t.glued and t.kind == "value" for t in values)


@dataclass(frozen=True)
class _HeaderPlacement:
    cells: dict[str, Cell]
    disagreeing: dict[str, list[str]]  # column → the different texts printed under its repeated header

    def problems(self, row: TableRow, *, table: TableKey, source: str | None) -> list[Problem]:
        if not self.disagreeing:
            return []
        printed = [c.raw for c in row.printed]
        said = "; ".join(f"{column}: {texts}" for column, texts in self.disagreeing.items())
        return [
            problem(
                ErrorCode.ROW_TOO_MANY_CELLS,
                f"{row.label}: {len(printed)} value cells {printed}; the header above repeats a merged "
                f"column header over several cells, and the cells under it differ ({said}), so no value is "
                "placed for that column",
                source=source,
                line=row.line,
                table=table,
                row=row.key,
                detail={"printed": printed, "disagreeing": self.disagreeing, "certain": list(self.cells)},
            )
        ]


def _under_repeated_header(
    item: RawRow, raw: RawTable, headers: _HeaderIndex, *, columns: Sequence[str], aligner: LabelAligner
) -> _HeaderPlacement | None:
    """A grid row under a header row that repeats a merged header cell (docling prints 本年增/减 | 本年增/减
    where one cell spans two columns) is read by that header: each printed cell goes under the column its
    header names, a blank one as blank, and the cells under one repeated header are one cell printed again
    — placed only when they agree. Without such a header (or when the header does not name exactly the
    row's columns, in order) the row is read as before."""
    if not columns or not item.values or any(t.field < 0 for t in item.values):
        return None
    header = headers.line_above(item.line, width=_grid_width(item))
    names = {t.field: aligner.column_key(raw.key, t.text) for t in header}
    by_column: dict[str, list[Token]] = {}
    for token in item.values:
        name = names.get(token.field)
        if name is None and token.kind != "empty":
            return None  # a value under no column header: not this layout
        if name is not None:
            by_column.setdefault(name, []).append(token)
    if list(by_column) != list(columns) or all(len(tokens) == 1 for tokens in by_column.values()):
        return None
    cells: dict[str, Cell] = {}
    disagreeing: dict[str, list[str]] = {}
    for column, tokens in by_column.items():
        texts = [t.text for t in tokens]
        if len(set(texts)) == 1:
            cells[column] = cell_of(tokens[0])
        else:
            disagreeing[column] = texts
    return _HeaderPlacement(cells, disagreeing)


class _HeaderIndex:
    """A table's grid header tokens (field ≥ 0) by line, for the searches made above each row: a lookup
    per row instead of a scan of every header (a file repeating its tables has headers all along)."""

    def __init__(self, headers: Sequence[Token]) -> None:
        by_width: dict[int, dict[int, list[Token]]] = {}
        by_field: dict[int, list[Token]] = {}
        for token in headers:
            if token.field >= 0:
                by_width.setdefault(token.width, {}).setdefault(token.line, []).append(token)
                by_field.setdefault(token.field, []).append(token)
        self._lines = {width: sorted(found) for width, found in by_width.items()}
        self._by_width = by_width
        self._by_field = by_field
        self._field_lines = {field: [t.line for t in found] for field, found in by_field.items()}
        self._field_ordered = {  # printed order is line order: the last above a line is found by bisection
            field: all(a <= b for a, b in pairwise(lines)) for field, lines in self._field_lines.items()
        }

    def line_above(self, line: int, *, width: int) -> list[Token]:
        """The header tokens of the last header line before `line` in grids of `width` columns, in
        printed order."""
        lines = self._lines.get(width, [])
        at = bisect_left(lines, line)
        return list(self._by_width[width][lines[at - 1]]) if at else []

    def last_above(self, field: int, line: int) -> Token | None:
        """The last header printed in grid column `field` (in printed order) on a line before `line`."""
        tokens = self._by_field.get(field, [])
        lines = self._field_lines.get(field, [])
        if self._field_ordered.get(field, True):
            at = bisect_left(lines, line)
            return tokens[at - 1] if at else None
        return next((t for t in reversed(tokens) if t.line < line), None)


Anchor = tuple[int, int | None]  # a first value's grid column, and its offset from the row's last label cell
AnchorKey = tuple[int, int]  # (columns of the reader's grid, -1 outside one; the row's columns, 0 for any)


def _grid_width(item: RawRow) -> int:
    tokens = item.values or item.parts
    return tokens[0].width if tokens else -1


def _anchors(raw: RawTable, *, fmt: TemplateFormat, aligner: LabelAligner) -> dict[AnchorKey, Anchor]:
    """For each row width, where most complete rows of this table print their first value (grid layouts
    only): as an absolute grid column, and as an offset from the row's last label cell. Tab-separated
    rows keep their values in fixed columns; one-cell-per-line rows put them right after the label.

    Only rows of reader grids of one width say where each other's columns are: a converter that cuts
    table 3 into mini-tables gives the first one (with the header) more label columns than the rest."""
    absolute: dict[AnchorKey, Counter[int]] = {}
    relative: dict[AnchorKey, Counter[int]] = {}
    for item in raw.rows:
        filled = [t for t in item.values if t.kind != "empty"]
        ncols = len(_columns(item, fmt=fmt, aligner=aligner))
        if not (filled and ncols and item.parts and filled[0].field >= 0):
            continue
        if filled[-1].field - filled[0].field + 1 == ncols:
            key = (_grid_width(item), ncols)
            absolute.setdefault(key, Counter())[filled[0].field] += 1
            relative.setdefault(key, Counter())[filled[0].field - item.parts[-1].field] += 1
    found: dict[AnchorKey, Anchor] = {
        key: (counts.most_common(1)[0][0], relative[key].most_common(1)[0][0])
        for key, counts in absolute.items()
    }
    for width in {w for w, _ in absolute}:  # widths with no complete row (a one-row block) follow the others
        keys = [key for key in absolute if key[0] == width]
        found[(width, 0)] = (
            sum((absolute[k] for k in keys), Counter()).most_common(1)[0][0],
            sum((relative[k] for k in keys), Counter()).most_common(1)[0][0],
        )
    for width, window in _header_windows(raw, aligner=aligner).items():
        found.setdefault((width, len(aligner.application_columns())), window)
    return found


def _header_windows(raw: RawTable, *, aligner: LabelAligner) -> dict[int, Anchor]:
    """Table 3's value columns as a grid header places them (自然人 … 总计), per grid width: what says
    where a row's values begin when no row fills every column (a 总计 column left blank throughout)."""
    if raw.key != "applications":
        return {}
    columns = aligner.application_columns()
    fields: dict[int, dict[str | None, int]] = {}
    for token in raw.headers:
        if token.field >= 0:
            fields.setdefault(token.width, {})[aligner.column_key("applications", token.text)] = token.field
    windows: dict[int, Anchor] = {}
    for width, found in fields.items():
        first, last = found.get(columns[0]), found.get(columns[-1])
        if first is not None and last is not None and last - first + 1 == len(columns):
            windows[width] = (first, None)
    return windows


def _row_anchor(item: RawRow, anchors: Mapping[AnchorKey, Anchor], *, ncols: int) -> Anchor | None:
    width = _grid_width(item)
    return anchors.get((width, ncols), anchors.get((width, 0)))


def _value_windows(item: RawRow, anchor: Anchor | None) -> tuple[int, ...]:
    if anchor is None or not item.parts:
        return ()
    if anchor[1] is None:
        return (anchor[0],)
    return (anchor[0], item.parts[-1].field + anchor[1])


def _build_review(
    raw: RawTable, *, fmt: TemplateFormat, aligner: LabelAligner, source: str | None, unfilled: bool = False
) -> tuple[Table, list[Problem]]:
    """Table 4 prints one run of 15 numbers; it is fitted as one run (so the arithmetic can say which
    cell is extra) and stored as the template's three rows: review, suit_direct, suit_after_review.
    In an unfilled form a table 4 printed without its row of numbers (a converter drops a row of blank
    cells) is blank."""
    columns = aligner.review_columns()
    groups = aligner.review_groups()
    table = Table(key="review_litigation", format=fmt, span=_span(raw))
    width = len(columns) // len(groups)
    if not raw.numbers and unfilled and raw.first is not None:
        first = raw.first.line
        blanks = [Cell(raw="", value=None, kind="blank", line=first) for _ in columns]
        placed = dict(zip(columns, blanks, strict=True))
        table.rows = _review_rows(blanks, placed, groups=groups, width=width, line=first)
        return table, []
    if not raw.numbers:
        table.missing_rows = list(groups)
        line = raw.first.line if raw.first else None
        return table, [
            problem(
                ErrorCode.ROW_MISSING,
                f"table 4 prints no numbers for {group}",
                source=source,
                table="review_litigation",
                row=group,
                line=line,
            )
            for group in groups
        ]
    if _is_glued(raw.numbers):
        return _build_review_glued(raw, table, columns=columns, groups=groups, aligner=aligner, source=source)
    printed = printed_cells(raw.numbers, len(columns))
    fit = fit_row(printed, columns, check=review_check(aligner))
    scattered = _scattered(raw.numbers, groups=len(groups))
    if scattered and fit.status == "ok" and not review_check(aligner)(printed):
        fit = Fit({}, "scattered")
    table.rows = _review_rows(printed, fit.cells, groups=groups, width=width, line=raw.numbers[0].line)
    if fit.status == "ok":
        return table, []
    if fit.status == "scattered":
        raws = [c.raw for c in printed]
        return table, [
            problem(
                ErrorCode.VALUES_WITHOUT_LABEL,
                f"table 4's {len(raws)} numbers {raws} are printed over {scattered} lines under a header "
                "cut apart, and read as three groups of five not every group sums to its total: no cell "
                "was placed",
                source=source,
                line=raw.numbers[0].line,
                table="review_litigation",
                detail={"values": raws, "lines": scattered},
            )
        ]
    whole = TableRow(key=None, label="行政复议 / 行政诉讼", line=raw.numbers[0].line, printed=printed)
    item = RawRow(
        "review_litigation", [], list(raw.numbers), _review_alignment("review_litigation", whole.line)
    )
    return table, [_count_problem(fit, row=whole, item=item, columns=columns, source=source)]


def _scattered(numbers: Sequence[Token], *, groups: int) -> int:
    """The number of printed rows table 4's numbers come from, when more than its groups (one cell per
    paragraph, a few cells joined: 87 / 9 11 / 5 112 / 5 …); 0 when they form one row, or a row per
    group. Only such scattered numbers need their group totals to hold to be read in template order."""
    rows = len({t.row for t in numbers if t.kind == "value"})
    return rows if rows > groups else 0


def _build_review_glued(
    raw: RawTable,
    table: Table,
    *,
    columns: Sequence[str],
    groups: Sequence[str],
    aligner: LabelAligner,
    source: str | None,
) -> tuple[Table, list[Problem]]:
    """Table 4 printed as one glued run of digits: decoded by the group totals, then dealt out."""
    decoded = decode_run(raw.numbers, columns, check=review_check(aligner), quick=review_quick(aligner))
    line = raw.numbers[0].line
    width = len(columns) // len(groups)
    chosen = list(decoded.readings[0]) if len(decoded.readings) == 1 else []
    table.rows = _review_rows(chosen, decoded.cells, groups=groups, width=width, line=line)
    for row in table.rows:
        row.decoding = decoded.decoding
    whole = TableRow(
        key="review_litigation", label="行政复议 / 行政诉讼", line=line, decoding=decoded.decoding
    )
    found = glued_problem(
        whole, columns=columns, certain=decoded.cells, table="review_litigation", source=source
    )
    return table, [found] if found else []


def _review_alignment(key: str, line: int | None) -> Alignment:
    return Alignment(
        raw_label=key, key=key, score=100.0, method="context", table="review_litigation", line=line
    )


def _review_rows(
    printed: Sequence[Cell], placed: dict[str, Cell], *, groups: Sequence[str], width: int, line: int
) -> list[TableRow]:
    """Split the fitted run into one row per group. Printed cells are dealt out `width` (the group's
    column count) per group in printed order, the last group keeping any extra, so every printed value
    stays on some row."""
    rows = []
    for index, group in enumerate(groups):
        first = index * width
        last = None if index == len(groups) - 1 else first + width
        prefix = f"{group}_"
        cells = {k.removeprefix(prefix): c for k, c in placed.items() if k.startswith(prefix)}
        rows.append(
            TableRow(
                key=group,
                label=group,
                line=line,
                cells=cells,
                printed=list(printed[first:last]),
                alignment=_review_alignment(group, line),
            )
        )
    return rows


# --- problems ------------------------------------------------------------------------------------


def _unmatched(item: RawRow, *, source: str | None) -> Problem:
    al = item.alignment
    best = ", ".join(f"{c.key} ({c.score:.0f})" for c in al.candidates) or "none"
    return problem(
        ErrorCode.LABEL_UNMATCHED,
        f"row label {item.label!r} matched no canonical row (best: {best})",
        source=source,
        line=item.line,
        table=item.table,
        detail={
            "label": item.label,
            "candidates": [c.model_dump() for c in al.candidates],
            "printed": [t.text for t in item.values if t.kind != "empty"],
        },
    )


def _count_problem(
    fit: Fit, *, row: TableRow, item: RawRow, columns: Sequence[str], source: str | None
) -> Problem:
    raws = [c.raw for c in row.printed]
    detail: dict[str, object] = {
        "printed": raws,
        "columns": list(columns),
        "certain": list(fit.certain),
        "ambiguous": list(fit.ambiguous),
    }
    where = {"source": source, "line": row.line, "table": item.table, "row": row.key}
    if fit.status == "too_few":
        msg = f"{row.label}: {len(raws)} value cells {raws} for {len(columns)} columns; no cell was placed"
        return problem(ErrorCode.ROW_TOO_FEW_CELLS, msg, detail=detail, **where)
    detail["readings_tried"] = fit.readings
    detail["consistent_readings"] = [list(d) for d in fit.consistent]
    return problem(
        ErrorCode.ROW_TOO_MANY_CELLS, _too_many_message(fit, row=row, columns=columns), detail=detail, **where
    )


def _too_many_message(fit: Fit, *, row: TableRow, columns: Sequence[str]) -> str:
    raws = [c.raw for c in row.printed]
    head = f"{row.label}: {len(raws)} value cells {raws} for {len(columns)} columns"
    drops = sorted({i + 1 for d in fit.consistent for i in d})
    if not fit.consistent:
        reading = (
            f"no reading of the {fit.readings} (dropping extra cells) satisfies the template's arithmetic"
        )
    elif len(fit.consistent) == 1:
        reading = f"only dropping printed cell(s) {drops} satisfies the template's arithmetic"
    else:
        count = f"{len(fit.consistent)} of {fit.readings}"
        reading = f"{count} readings satisfy the arithmetic (dropping cells among {drops})"
    if not fit.ambiguous:
        return f"{head}; {reading}; every consistent reading gives the same cells, so all columns are certain"
    if not fit.certain:
        return f"{head}; {reading}; ambiguous: no column is certain"
    return f"{head}; {reading}; certain: {', '.join(fit.certain)}; ambiguous: {', '.join(fit.ambiguous)}"


def _duplicates(table: Table, *, source: str | None) -> list[Problem]:
    seen: set[str] = set()
    found = []
    for row in table.rows:
        if row.key and row.key in seen:
            found.append(
                problem(
                    ErrorCode.ROW_DUPLICATE,
                    f"row {row.key} printed again",
                    source=source,
                    line=row.line,
                    table=table.key,
                    row=row.key,
                )
            )
        seen.add(row.key or "")
    return found


def _orphans(raw: RawTable, *, source: str | None) -> list[Problem]:
    if not raw.orphans:
        return []
    texts = [t.text for t in raw.orphans]
    return [
        problem(
            ErrorCode.VALUES_WITHOUT_LABEL,
            f"values {texts} have no row label",
            source=source,
            line=raw.orphans[0].line,
            table=raw.key,
            detail={"values": texts},
        )
    ]


def _missing(
    table: Table, raw: RawTable, *, fmt: TemplateFormat, aligner: LabelAligner, source: str | None
) -> list[Problem]:
    if table.key == "applications":
        expected = aligner.application_rows(single_other=_single_other(raw))
    else:
        expected = aligner.disclosure_rows("2019" if fmt == "2019" else "2021")
    present = {r.key for r in table.rows}
    table.missing_rows = [k for k in expected if k not in present]
    found = [
        problem(
            ErrorCode.ROW_MISSING,
            f"row {k} of {table.key} is not printed",
            source=source,
            table=table.key,
            row=k,
        )
        for k in table.missing_rows
    ]
    found.extend(_truncations(raw, source=source))
    return found


def _truncations(raw: RawTable, *, source: str | None) -> list[Problem]:
    """A block marker with no row after it, or a table that begins at a row in its middle."""
    found = []
    row_lines = sorted(r.line for r in raw.rows)
    for index, (block, token) in enumerate(raw.markers):
        following = raw.markers[index + 1][1].line if index + 1 < len(raw.markers) else None
        at = bisect_right(row_lines, token.line)  # the first row below the marker: is it above the next?
        if not (at < len(row_lines) and (following is None or row_lines[at] < following)):
            found.append(
                problem(
                    ErrorCode.TABLE_TRUNCATED,
                    f"block {block} ({token.text}) has no rows",
                    source=source,
                    line=token.line,
                    table=raw.key,
                )
            )
    if (
        raw.started_by_row
        and raw.rows
        and raw.key == "applications"
        and raw.rows[0].alignment.key != "new_received"
    ):
        first = raw.rows[0]
        found.append(
            problem(
                ErrorCode.TABLE_TRUNCATED,
                f"table begins mid-way, at {first.label!r}",
                source=source,
                line=first.line,
                table=raw.key,
            )
        )
    return found
