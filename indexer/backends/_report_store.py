"""The `reports` table both embedded backends keep report documents in (SQLite beside its passages,
tantivy in reports.sqlite3 beside its index): its schema and the reads they answer from it.

`report_details` holds each report's detail (the whole extraction, findings and claims as JSON), read
only by the report view and the exports; it is written and deleted with the report row.

Callers hold their own lock around these calls; a connection is not shared between threads unguarded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from indexer.backends.base import ReportLookup
from indexer.documents import ReportBundle, ReportDetail, ReportDoc

__all__ = [
    "REPORTS_SCHEMA",
    "delete_details",
    "lookup_report_docs",
    "report_counts",
    "report_ids_for_source",
    "store_details",
    "stored_detail",
    "stored_report",
    "stored_reports",
]

REPORTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    year INTEGER,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_source ON reports(source);
CREATE INDEX IF NOT EXISTS reports_year ON reports(year);
CREATE INDEX IF NOT EXISTS reports_city ON reports(json_extract(doc, '$.city'), year);
CREATE INDEX IF NOT EXISTS reports_province ON reports(json_extract(doc, '$.province'), year);
CREATE INDEX IF NOT EXISTS reports_body ON reports(json_extract(doc, '$.issuing_body'), year);
CREATE TABLE IF NOT EXISTS report_details (
    report_id TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);
"""


def stored_report(conn: sqlite3.Connection, report_id: str) -> ReportDoc | None:
    row = conn.execute("SELECT doc FROM reports WHERE report_id = ?", (report_id,)).fetchone()
    return ReportDoc.model_validate_json(row[0]) if row else None


def stored_reports(conn: sqlite3.Connection) -> list[ReportDoc]:
    """Every report document, in report id order."""
    rows = conn.execute("SELECT doc FROM reports ORDER BY report_id").fetchall()
    return [ReportDoc.model_validate_json(r[0]) for r in rows]


def stored_detail(conn: sqlite3.Connection, report_id: str) -> ReportDetail | None:
    row = conn.execute("SELECT doc FROM report_details WHERE report_id = ?", (report_id,)).fetchone()
    return ReportDetail.model_validate_json(row[0]) if row else None


def store_details(conn: sqlite3.Connection, bundles: Iterable[ReportBundle]) -> None:
    """Replace the detail of each bundle's report (removed when the bundle carries none)."""
    for bundle in bundles:
        report_id = bundle.report.report_id
        conn.execute("DELETE FROM report_details WHERE report_id = ?", (report_id,))
        if bundle.detail is not None:
            conn.execute(
                "INSERT INTO report_details VALUES (?, ?)", (report_id, bundle.detail.model_dump_json())
            )


def delete_details(conn: sqlite3.Connection, report_ids: Sequence[str]) -> None:
    conn.executemany("DELETE FROM report_details WHERE report_id = ?", [(i,) for i in report_ids])


def report_ids_for_source(conn: sqlite3.Connection, source: str) -> list[str]:
    rows = conn.execute("SELECT report_id FROM reports WHERE source = ?", (source,)).fetchall()
    return [r[0] for r in rows]


def report_counts(conn: sqlite3.Connection) -> tuple[int, dict[str, int]]:
    """How many reports, and how many per year ("unknown" for none)."""
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    years = conn.execute("SELECT year, count(*) FROM reports GROUP BY year").fetchall()
    return reports, {("unknown" if y is None else str(y)): n for y, n in years}


# the stored document's fields the lookup indexes (expression indexes in REPORTS_SCHEMA: the same text)
_FIELD_SQL = {name: f"json_extract(doc, '$.{name}')" for name in ("city", "province", "issuing_body")}


def _lookup_queries(lookup: ReportLookup) -> list[tuple[str, list[object]]]:
    """The lookup as SQL, one query per way to match, each served by an index on (field, year): by place
    through its finest known field among city and province, by body through the name. A query may return
    more than matches (the other place fields are compared afterwards)."""
    years: list[object] = [lookup.first_year, lookup.last_year]
    queries: list[tuple[str, list[object]]] = []
    place = lookup.place()
    field = next((f for f in ("city", "province") if place.get(f) is not None), None)
    if field is not None:
        queries.append((f"{_FIELD_SQL[field]} = ? AND year BETWEEN ? AND ?", [place[field], *years]))
    elif place:  # a place of no known city or province: every report of none
        queries.append(("year BETWEEN ? AND ?", years))
    if lookup.body is not None:
        queries.append((f"{_FIELD_SQL['issuing_body']} = ? AND year BETWEEN ? AND ?", [lookup.body, *years]))
    return [(f"SELECT report_id, doc FROM reports WHERE {where}", values) for where, values in queries]


def lookup_report_docs(conn: sqlite3.Connection, lookup: ReportLookup) -> list[ReportDoc]:
    """The report documents the lookup matches (ReportLookup.matches decides), in report id order."""
    rows = {row[0]: row[1] for sql, values in _lookup_queries(lookup) for row in conn.execute(sql, values)}
    docs = [ReportDoc.model_validate_json(rows[i]) for i in sorted(rows)]
    return [doc for doc in docs if lookup.matches(doc)]
