"""Tidy exports of the index: one record per cell, finding, passage or report, or per hit of a search
(`search_records`: the search parameters of GET /api/search), as CSV, JSON Lines or Parquet.

`GET /api/export` and `govreport export` both call `export_lines` (CSV, JSON Lines) or `write_parquet`,
so they answer the same columns in the same order. The cells export starts with the columns of
`govreport extract --format cells` (`nlp.export.CELL_COLUMNS`, from the same `cell_records`), then adds
the report's metadata, the PDF page and the rules of the findings that name the cell. Rows and columns
keep docs/template.md's keys. In CSV a list is joined with ";", a mapping is JSON, a missing value is
empty; JSON Lines keeps types. Parquet types each column (`parquet_schema`): line, page, year, ordinal,
rank and the counts int64, a cell's value and a hit's score float64 (table 2 has 万元 amounts with
decimals), a list (topics, flags, findings, cells) list<string>, a mapping (findings_by_rule, values) the
same JSON text as in CSV, the rest string; a missing value is null. pyarrow is imported only when
Parquet is asked for, and the rows go out in row groups of at most ROWS_PER_GROUP, so memory stays
bounded whatever the index holds.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from indexer.backends.base import SearchBackend
from indexer.documents import ReportDetail, ReportDoc, passage_id_of
from indexer.query import Hit, SearchFilters, SearchQuery, SearchResult, SortOrder
from nlp.export import CELL_COLUMNS, cell_records
from search_api.catalog import FindingFilters, ReportFilters, filter_reports, sort_reports

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "COLUMNS",
    "PARQUET_MEDIA_TYPE",
    "ROWS_PER_GROUP",
    "ExportFormat",
    "ExportWhat",
    "Record",
    "export_lines",
    "export_records",
    "parquet_schema",
    "search_records",
    "write_parquet",
]

ExportWhat = Literal["cells", "findings", "passages", "reports", "search"]
ExportFormat = Literal["csv", "jsonl", "parquet"]

_META = ("report_id", "issuing_body", "province", "city", "county", "level", "year")
COLUMNS: dict[str, tuple[str, ...]] = {
    "cells": (*CELL_COLUMNS, *_META, "page", "findings"),
    "findings": (
        *_META[:1], "source", *_META[1:], "rule", "severity", "message_zh", "message_en", "cells",
        "line", "page", "text", "correction",
    ),
    "passages": (
        *_META[:1], "passage_id", "source", *_META[1:], "section", "kind", "ordinal", "marker", "line",
        "page", "topics", "flags", "text",
    ),
    "reports": (
        *_META[:1], "source", "title", *_META[1:], "format", "publication_date", "errors", "warnings",
        "info", "findings_by_rule", "flags", "passage_count", "problem_count", "values",
    ),
    # the hits of a search, in its order: what GET /api/search answers, page after page
    "search": (
        "rank", "passage_id", *_META, "source", "section", "kind", "topics", "flags", "score", "text",
    ),
}  # fmt: skip

Record = dict[str, object]


def _meta(report: ReportDoc) -> Record:
    return {
        "report_id": report.report_id,
        "issuing_body": report.issuing_body,
        "province": report.province,
        "city": report.city,
        "county": report.county,
        "level": report.level,
        "year": report.year,
    }


def _cells(report: ReportDoc, detail: ReportDetail) -> Iterator[Record]:
    flagged: dict[tuple[str, str, str], set[str]] = {}
    for finding in detail.findings:
        for cell in finding.cells:
            flagged.setdefault((cell.table, cell.row, cell.column), set()).add(finding.rule)
    for record in cell_records(detail.report):
        line = record["line"]
        page = detail.report.page_of(int(line)) if line.isdigit() else None
        rules = flagged.get((record["table"], record["row"], record["column"]), set())
        yield {**record, **_meta(report), "page": page, "findings": sorted(rules)}


def _findings(report: ReportDoc, detail: ReportDetail, filters: FindingFilters) -> Iterator[Record]:
    for finding in detail.findings:
        if filters.rule and finding.rule not in filters.rule:
            continue
        if filters.severity and finding.severity not in filters.severity:
            continue
        first = finding.cells[0] if finding.cells else None
        line = finding.span.line if finding.span else (first.line if first else None)
        page = finding.span.page if finding.span else (first.page if first else None)
        yield {
            **_meta(report),
            "source": report.source,
            "rule": finding.rule,
            "severity": finding.severity,
            "message_zh": finding.message_zh,
            "message_en": finding.message_en,
            "cells": [f"{c.table}.{c.row}.{c.column}" for c in finding.cells],
            "line": line,
            "page": page,
            "text": finding.text,
            "correction": finding.correction,
        }


def _hits(backend: SearchBackend, report_id: str, page_size: int) -> dict[str, Hit]:
    """Every indexed passage of one report (for its topics and flags), by passage id."""
    hits: dict[str, Hit] = {}
    token: str | None = None
    while True:
        query = SearchQuery(
            filters=SearchFilters(report_id=[report_id]), page_size=page_size, page_token=token
        )
        result = backend.search(query)
        hits.update((h.passage_id, h) for h in result.hits)
        token = result.next_page_token
        if not token or not result.hits:
            return hits


def _passages(
    backend: SearchBackend, report: ReportDoc, detail: ReportDetail | None, page_size: int
) -> Iterator[Record]:
    hits = _hits(backend, report.report_id, page_size)
    if detail is None:  # indexed without a detail: the passages as the index holds them
        for passage_id in sorted(hits):
            hit = hits[passage_id]
            yield {
                **_meta(report), "passage_id": passage_id, "source": report.source, "section": hit.section,
                "kind": hit.kind, "ordinal": None, "marker": None, "line": None, "page": None,
                "topics": hit.topics, "flags": hit.flags, "text": hit.text,
            }  # fmt: skip
        return
    pairs = [(s.key, p) for s in detail.report.sections for p in s.passages]
    for ordinal, (section, passage) in enumerate(pairs):
        passage_id = passage_id_of(report.report_id, ordinal, passage.text)
        indexed = hits.get(passage_id)
        yield {
            **_meta(report), "passage_id": passage_id, "source": report.source, "section": section,
            "kind": passage.kind, "ordinal": ordinal, "marker": passage.marker, "line": passage.span.line,
            "page": passage.span.page, "topics": indexed.topics if indexed else [],
            "flags": indexed.flags if indexed else [], "text": passage.text,
        }  # fmt: skip


def _report(report: ReportDoc) -> Record:
    severity = report.findings_by_severity
    return {
        **_meta(report),
        "source": report.source,
        "title": report.title,
        "format": report.format,
        "publication_date": report.publication_date,
        "errors": severity.get("error", 0),
        "warnings": severity.get("warning", 0),
        "info": severity.get("info", 0),
        "findings_by_rule": report.findings_by_rule,
        "flags": report.flags,
        "passage_count": report.passage_count,
        "problem_count": report.problem_count,
        "values": report.values,
    }


def _records_of(
    backend: SearchBackend, what: str, reports: Sequence[ReportDoc], filters: FindingFilters, page_size: int
) -> Iterator[Record]:
    for report in reports:
        if what == "reports":
            yield _report(report)
            continue
        if what == "findings" and not report.findings_by_rule:
            continue
        detail = backend.get_detail(report.report_id)
        if what == "passages":
            yield from _passages(backend, report, detail, page_size)
        elif detail is not None and what == "cells":
            yield from _cells(report, detail)
        elif detail is not None:
            yield from _findings(report, detail, filters)


def export_records(
    backend: SearchBackend,
    what: str,
    filters: FindingFilters,
    *,
    page_size: int = 100,
    terms: SearchTerms | None = None,
) -> Iterator[Record]:
    """The records of `what` for the reports passing `filters` (rule and severity narrow findings), in
    region order; for what=search, every hit of the search `terms` and the filters name (`search_records`).
    The report list (or the first page of hits) is read now, so a backend error or a bad query raises
    here, before anything is sent; each report's detail is read as the records are consumed."""
    if what == "search":
        return search_records(backend, search_query(terms or SearchTerms(), filters), page_size=page_size)
    reports = sort_reports(filter_reports(backend.reports(), filters), "region")
    return _records_of(backend, what, reports, filters, page_size)


def _hit_record(rank: int, hit: Hit) -> Record:
    region = hit.region
    return {
        "rank": rank, "passage_id": hit.passage_id, "report_id": hit.report_id,
        "issuing_body": hit.issuing_body, "province": region.province, "city": region.city,
        "county": region.county, "level": hit.level, "year": hit.year, "source": hit.source,
        "section": hit.section, "kind": hit.kind, "topics": hit.topics, "flags": hit.flags,
        "score": hit.score, "text": hit.text,
    }  # fmt: skip


def _later_pages(backend: SearchBackend, query: SearchQuery, first: SearchResult) -> Iterator[Record]:
    result, rank = first, 0
    while True:
        for hit in result.hits:
            rank += 1
            yield _hit_record(rank, hit)
        if not result.next_page_token or not result.hits:
            return
        result = backend.search(query.model_copy(update={"page_token": result.next_page_token}))


class SearchTerms(BaseModel):
    """What a search export adds to the report filters: the text and the passage filters of
    GET /api/search (the CLI's --query, --section, --kind, --topic, --report-id, --sort)."""

    model_config = ConfigDict(extra="ignore")

    q: str = Field(default="", description='what=search: words, "quoted phrases" and -exclusions.')
    section: list[str] = Field(default_factory=list, description="what=search: section key.")
    kind: list[str] = Field(default_factory=list, description="what=search: passage kind.")
    topic: list[str] = Field(default_factory=list, description="what=search: passage topic.")
    report_id: list[str] = Field(default_factory=list, description="what=search: report id.")
    sort: SortOrder = Field(default="relevance", description="what=search: relevance, year or region.")


def search_query(terms: SearchTerms, filters: ReportFilters) -> SearchQuery:
    """The search the API and the CLI export: the report filters (flag included) and the terms."""
    names = set(SearchFilters.model_fields)
    values = {**filters.model_dump(include=names), **terms.model_dump(include=names)}
    return SearchQuery(text=terms.q, filters=SearchFilters.model_validate(values), sort=terms.sort)


def search_records(backend: SearchBackend, query: SearchQuery, *, page_size: int = 100) -> Iterator[Record]:
    """Every hit of `query`, page after page, in its order. The first page is asked for now, so a bad
    query (or a backend error) raises here, before anything is sent; the others as they are consumed."""
    paged = query.model_copy(update={"page_size": page_size, "page_token": None, "facets": []})
    return _later_pages(backend, paged, backend.search(paged))


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _csv_line(values: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def export_lines(records: Iterator[Record], what: str, output_format: str) -> Iterator[str]:
    """CSV (a header, then one line per record) or JSON Lines, each record's columns in COLUMNS order."""
    columns = COLUMNS[what]
    if output_format == "csv":
        yield _csv_line(columns)
        for record in records:
            yield _csv_line([_csv_value(record.get(c)) for c in columns])
        return
    for record in records:
        yield json.dumps({c: record.get(c) for c in columns}, ensure_ascii=False, default=str) + "\n"


# --- Parquet ---------------------------------------------------------------------------------------

PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"
ROWS_PER_GROUP = 10_000  # rows of one row group, at most
_CHARS_PER_GROUP = 32_000_000  # and about this much text: a group of long passages is cut sooner

_INTEGER = frozenset(
    {"line", "page", "year", "ordinal", "rank", "errors", "warnings", "info"}
    | {"passage_count", "problem_count"}
)
_FLOAT = frozenset({"value", "score"})
_LIST = frozenset({"findings", "cells", "topics", "flags"})


def parquet_schema(what: str) -> pa.Schema:
    """The Parquet schema of `what`: COLUMNS[what] in order, each typed (see the module's docstring)."""
    import pyarrow as pa

    def typed(column: str) -> pa.DataType:
        if column in _INTEGER:
            return pa.int64()
        if column in _FLOAT:
            return pa.float64()
        if column in _LIST:
            return pa.list_(pa.string())
        return pa.string()

    return pa.schema([pa.field(c, typed(c), nullable=True) for c in COLUMNS[what]])


def _parquet_value(column: str, value: object) -> object:
    if value is None:
        return None
    if column in _INTEGER or column in _FLOAT:
        if value == "":  # a cell's line or value printed blank
            return None
        if column in _FLOAT:
            return float(str(value))  # an int, a Decimal or its text: exact below 2**53
        return value if isinstance(value, int) else int(str(value))
    if column in _LIST:
        items = value if isinstance(value, list | tuple | set | frozenset) else [value]
        return [str(v) for v in items]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


class _Sink:
    """The file pyarrow writes to: `sink`'s writes, counted (pyarrow asks where it is, and a pipe cannot
    say), until `abort` — after which nothing more reaches `sink`, so an export cut short by an error
    never ends with a footer that would make the truncated file read as whole."""

    def __init__(self, sink: IO[bytes]) -> None:
        self._sink, self._position, self.aborted, self.closed = sink, 0, False, False

    def write(self, data: bytes) -> int:
        if not self.aborted:
            self._sink.write(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        if not self.aborted:
            self._sink.flush()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:  # the caller's sink stays open
        self.closed = True


def write_parquet(
    records: Iterator[Record], what: str, sink: IO[bytes], *, rows_per_group: int = ROWS_PER_GROUP
) -> int:
    """Write the records as one Parquet file to `sink` (any writable binary file; it need not seek, and
    it is left open), a row group per `rows_per_group` rows (sooner past about 32M characters of text).
    No records: a file with the schema and no rows. An error from the records propagates and the file
    is left without its footer (unreadable, never a silently short file). Returns the rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = COLUMNS[what]
    schema = parquet_schema(what)
    guarded = _Sink(sink)
    writer = pq.ParquetWriter(guarded, schema, compression="zstd")
    batch: dict[str, list[object]] = {c: [] for c in columns}
    rows = pending = chars = 0
    try:
        for record in records:
            for column in columns:
                value = _parquet_value(column, record.get(column))
                batch[column].append(value)
                if isinstance(value, str):
                    chars += len(value)
            pending += 1
            if pending >= rows_per_group or chars >= _CHARS_PER_GROUP:
                writer.write_batch(pa.RecordBatch.from_pydict(batch, schema=schema))
                rows += pending
                batch, pending, chars = {c: [] for c in columns}, 0, 0
        if pending:
            writer.write_batch(pa.RecordBatch.from_pydict(batch, schema=schema))
            rows += pending
    except BaseException:
        guarded.aborted = True
        raise
    finally:
        writer.close()
        sink.flush()
    return rows
