"""The project's data model: every other module speaks in these types.

This module imports nothing of ours, so readers, extractors, checkers, indexers and the API can all
depend on it without depending on each other. Keys (section, table, row and column keys) are the ones
of docs/template.md; `configs/labels.yaml` maps printed labels onto them.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

__all__ = [
    "SCHEMA_VERSION",
    "Alignment",
    "Candidate",
    "Cell",
    "CellKind",
    "Claim",
    "Finding",
    "FindingCell",
    "Grid",
    "GridCell",
    "Level",
    "Passage",
    "PassageKind",
    "Problem",
    "Region",
    "Report",
    "ReportMeta",
    "RowDecoding",
    "Section",
    "SectionKey",
    "Severity",
    "SourceBlock",
    "SourceDocument",
    "SourceLine",
    "Span",
    "Table",
    "TableKey",
    "TableRow",
    "Tables",
    "TemplateFormat",
    "Verdict",
    "json_schema",
]

SCHEMA_VERSION = "1"

TemplateFormat = Literal["2019", "2021", "unknown"]
CellKind = Literal["number", "blank", "not_applicable", "text"]
TableKey = Literal["active_disclosure", "applications", "review_litigation"]
SectionKey = Literal[
    "preamble",  # title and the paragraph before 一、总体情况
    "overview",  # 一、总体情况
    "active_disclosure",  # 二、主动公开政府信息情况
    "applications",  # 三、收到和处理政府信息公开申请情况
    "review_litigation",  # 四、政府信息公开行政复议、行政诉讼情况
    "problems_improvements",  # 五、存在的主要问题及改进情况
    "other_matters",  # 六、其他需要报告的事项
]
PassageKind = Literal["problem", "improvement", "other"]
Level = Literal["province", "city", "county", "district", "township", "department", "unknown"]
Severity = Literal["error", "warning", "info"]
AlignMethod = Literal["exact", "variant", "fuzzy", "context"]
DecodeMethod = Literal["digits", "arithmetic", "ambiguous", "unreadable"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Span(_Model):
    """Where something was printed: character offsets into the report's linearised text
    (`SourceDocument.text`), 1-based line numbers of that text, and the PDF page when known."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    page: int | None = None


# --- the reader's intermediate -------------------------------------------------------------------


class SourceLine(_Model):
    """One line of the linearised text and where it came from in the original file."""

    text: str
    page: int | None = None
    source_line: int | None = None  # line in the original file (text formats) or on the page (PDF)
    # A table row recovered from a body printed as one line: its cells lost their separators, so its
    # digits are decoded by the template's arithmetic (nlp.tables.decode), not read one number a chunk.
    glued: bool = False


class GridCell(_Model):
    text: str
    row: int = Field(ge=0)
    col: int = Field(ge=0)
    rowspan: int = Field(default=1, ge=1)
    colspan: int = Field(default=1, ge=1)


class Grid(_Model):
    """A table as the source laid it out (HTML, DOCX, PDF ruling lines): real rows and columns."""

    cells: list[GridCell]
    n_rows: int = Field(ge=0)
    n_cols: int = Field(ge=0)

    def rows(self) -> list[list[str]]:
        """The grid as a matrix: a merged cell's text at its top-left position, "" where it spans."""
        matrix = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for cell in self.cells:
            matrix[cell.row][cell.col] = cell.text
        return matrix


class SourceBlock(_Model):
    """A paragraph or a table, in document order, covering lines [first_line, last_line] of the
    linearised text (1-based, inclusive). A table block carries its grid; its lines are the grid
    rendered one row per line with cells separated by tabs."""

    kind: Literal["paragraph", "table"]
    first_line: int = Field(ge=1)
    last_line: int = Field(ge=1)
    grid: Grid | None = None


class SourceDocument(_Model):
    """What every reader produces: the report as lines of text plus the table grids it had."""

    source: str
    sha256: str
    media_type: str  # "text/plain", "text/html", "application/pdf", ...
    encoding: str | None = None
    lines: list[SourceLine]
    blocks: list[SourceBlock] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# --- problems met while reading --------------------------------------------------------------------


class Problem(_Model):
    """Something the extractor could not read as the template says. `code` is from nlp.errors."""

    code: str
    message: str
    source: str | None = None
    line: int | None = None
    page: int | None = None
    table: TableKey | None = None
    row: str | None = None
    column: str | None = None
    detail: dict[str, object] = Field(default_factory=dict)


# --- sections --------------------------------------------------------------------------------------


class Passage(_Model):
    """A paragraph of narrative; in section 五 each problem (一是…) and each improvement on its own."""

    kind: PassageKind
    marker: str | None = None  # 一是 / （一） / 1. as printed, when there was one
    text: str
    span: Span


class Section(_Model):
    key: SectionKey | None  # None: a heading we could not place
    ordinal: str | None = None  # 一 … 六 as printed; None when the heading had none
    title: str  # the heading as printed (or the canonical title when the heading was inferred)
    header_inferred: bool = False
    text: str  # the body, heading excluded
    span: Span  # the whole section, heading included
    passages: list[Passage] = Field(default_factory=list)


# --- tables ----------------------------------------------------------------------------------------


class Cell(_Model):
    raw: str  # as printed, "" for an empty cell
    value: int | Decimal | None = None
    kind: CellKind
    line: int | None = None
    span: Span | None = None


class Candidate(_Model):
    key: str
    score: float


class Alignment(_Model):
    """How one printed label was mapped onto a canonical key."""

    raw_label: str
    key: str | None  # None: unmatched (best candidates below)
    score: float
    method: AlignMethod
    table: TableKey | None = None
    line: int | None = None
    candidates: list[Candidate] = Field(default_factory=list)  # runner-ups, best first


class RowDecoding(_Model):
    """How a row whose cells were printed glued together (`1000001`) was split into cells."""

    method: DecodeMethod
    # digits: the digit count allows one split only; arithmetic: the template's identities leave one;
    # ambiguous: several remain (only the cells they agree on are kept); unreadable: none remains.
    printed: str  # the run as printed
    chunk_starts: list[int] = Field(default_factory=list)  # offset of each space-separated part of the run
    line: int | None = None
    reading_count: int = 0  # how many splits fit the digits
    readings: list[list[str]] = Field(default_factory=list)  # those splits (the first 50 when more)
    consistent: list[list[str]] = Field(default_factory=list)  # the splits the arithmetic keeps
    reasoning: str = ""


class TableRow(_Model):
    key: str | None  # canonical row key; None when the label matched nothing
    label: str  # the label as printed, its parts joined by " / "
    line: int | None = None
    cells: dict[str, Cell] = Field(default_factory=dict)  # column key → cell
    printed: list[Cell] = Field(default_factory=list)  # every value cell in printed order, extras kept
    alignment: Alignment | None = None
    decoding: RowDecoding | None = None
    # Values the template's arithmetic implies for cells printed blank (table 3's 总计 left empty: the sum
    # of the six applicant columns), by column. Never mixed into `cells`, which hold what was printed;
    # the lint and the claims may use them as a further reading, saying so.
    derived: dict[str, Cell] = Field(default_factory=dict)


class _FirstRowByKey:
    """Table.row's index: where the first row of each key is in the rows list it was built from. Built
    again when the table holds another list or the list's length changed (rows appended, the list
    replaced), or when the row found is no longer at its place under its key. A cache, no part of the
    table's value: it equals any other, and a copy or a pickle of the table starts it empty."""

    __slots__ = ("_first", "_rows", "_size")

    def __init__(self) -> None:
        self._rows: list[TableRow] | None = None
        self._size = -1
        self._first: dict[str | None, tuple[int, TableRow]] = {}

    def _build(self, rows: list[TableRow]) -> None:
        first: dict[str | None, tuple[int, TableRow]] = {}
        for at, row in enumerate(rows):
            first.setdefault(row.key, (at, row))
        self._rows, self._size, self._first = rows, len(rows), first

    def find(self, rows: list[TableRow], key: str) -> TableRow | None:
        if rows is not self._rows or len(rows) != self._size:
            self._build(rows)
        hit = self._first.get(key)
        if hit is not None and (hit[0] >= len(rows) or rows[hit[0]] is not hit[1] or hit[1].key != key):
            self._build(rows)
            hit = self._first.get(key)
        return hit[1] if hit is not None else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _FirstRowByKey)

    def __hash__(self) -> int:
        return 0

    def __copy__(self) -> _FirstRowByKey:
        return _FirstRowByKey()

    def __deepcopy__(self, memo: dict[int, object]) -> _FirstRowByKey:
        return _FirstRowByKey()

    def __reduce__(self) -> tuple[type[_FirstRowByKey], tuple[()]]:
        return (_FirstRowByKey, ())


class Table(_Model):
    key: TableKey
    format: TemplateFormat = "unknown"
    span: Span | None = None
    rows: list[TableRow] = Field(default_factory=list)
    # canonical keys the template has but the text lacks
    missing_rows: list[str] = Field(default_factory=list)
    _row_index: _FirstRowByKey = PrivateAttr(default_factory=_FirstRowByKey)

    def row(self, key: str) -> TableRow | None:
        """The first row of `key` (an index lookup: a table of a file repeating its tables has thousands)."""
        private = self.__pydantic_private__  # read directly: the attribute path costs more than a lookup
        index = private.get("_row_index") if private else None
        return (index if isinstance(index, _FirstRowByKey) else self._row_index).find(self.rows, key)

    def cell(self, row: str, column: str) -> Cell | None:
        found = self.row(row)
        return found.cells.get(column) if found else None

    def value(self, row: str, column: str) -> int | Decimal | None:
        found = self.cell(row, column)
        return found.value if found else None


class Tables(_Model):
    active_disclosure: Table | None = None
    applications: Table | None = None
    review_litigation: Table | None = None

    def get(self, key: TableKey) -> Table | None:
        table: Table | None = getattr(self, key)
        return table

    def present(self) -> list[Table]:
        """The tables the report has, in template order."""
        found = (self.active_disclosure, self.applications, self.review_litigation)
        return [t for t in found if t is not None]


# --- metadata --------------------------------------------------------------------------------------


class Region(_Model):
    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = None


class ReportMeta(_Model):
    issuing_body: str | None = None
    region: Region = Field(default_factory=Region)
    level: Level = "unknown"
    year: int | None = None
    publication_date: str | None = None  # ISO date when printed (signature date)
    evidence: dict[str, str] = Field(default_factory=dict)  # field → the text it was read from


# --- lint ------------------------------------------------------------------------------------------


class FindingCell(_Model):
    table: TableKey
    row: str
    column: str
    value: int | Decimal | None = None
    raw: str | None = None
    line: int | None = None
    page: int | None = None  # PDF page of `line`


Verdict = Literal["supported", "contradicted", "unverifiable"]


class Claim(_Model):
    """A quantitative statement of the prose about what the tables hold."""

    sentence: str
    span: Span  # of the number phrase within the report text
    sentence_span: Span | None = None
    metric: str  # e.g. "applications.received", "review.total"
    value: int | Decimal
    unit: str | None = None
    negative: bool = False  # 未发生… → 0
    section: SectionKey | None = None
    verdict: Verdict | None = None
    reading: str | None = None  # the reading that supported it, or the readings tried
    readings_tried: dict[str, int | Decimal | None] = Field(default_factory=dict)
    cells: list[FindingCell] = Field(default_factory=list)
    column: str | None = None  # table 3 applicant column the sentence named (自然人申请147件); None: total
    phrase: str | None = None  # the clause words that named the metric (aligned to row labels)
    scope_cue: str | None = None  # own_body / on_behalf / whole_area: the claim may be about another scope


class Finding(_Model):
    rule: str
    severity: Severity
    message_zh: str
    message_en: str
    source: str | None = None
    cells: list[FindingCell] = Field(default_factory=list)
    span: Span | None = None
    text: str | None = None  # the sentence or label involved
    correction: str | None = None  # the correction the arithmetic implies, when one does
    detail: dict[str, object] = Field(default_factory=dict)


# --- the report ------------------------------------------------------------------------------------


class Report(_Model):
    schema_version: str = SCHEMA_VERSION
    source: str
    sha256: str
    media_type: str = "text/plain"
    format: TemplateFormat = "unknown"
    title: str | None = None
    issuing_body: str | None = None
    year: int | None = None
    meta: ReportMeta = Field(default_factory=ReportMeta)
    sections: list[Section] = Field(default_factory=list)
    tables: Tables = Field(default_factory=Tables)
    alignments: list[Alignment] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    # PDF: the first line of each page, in order (page n starts at page_starts[n-1]); empty for text formats.
    # Lets anything found later (a claim, a finding) say which page its line was printed on.
    page_starts: list[int] = Field(default_factory=list)

    def page_of(self, line: int | None) -> int | None:
        """The PDF page `line` was printed on (None for text formats)."""
        if line is None or not self.page_starts:
            return None
        return bisect_right(self.page_starts, line) or None

    def section(self, key: SectionKey) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def json_schema() -> str:
    """The JSON Schema of a Report, for tools outside Python."""
    return json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2)


SourceDocument.model_rebuild()
