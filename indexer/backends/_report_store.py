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


def _lookup_sql(lookup: ReportLookup) -> tuple[str, list[object]]:
    """The lookup as SQL: the year range from the column's index, place and body read from the stored
    document (json_extract), so the table needs no column per field."""
    place = lookup.place()
    conditions = [f"json_extract(doc, '$.{name}') IS ?" for name in place]
    either = [" AND ".join(conditions)] if conditions else []
    if lookup.body is not None:
        either.append("json_extract(doc, '$.issuing_body') = ?")
    if not either:
        return "SELECT doc FROM reports WHERE 0", []
    sql = (
        "SELECT doc FROM reports WHERE year BETWEEN ? AND ? AND "
        f"({' OR '.join(f'({c})' for c in either)}) ORDER BY report_id"
    )
    body = [lookup.body] if lookup.body is not None else []
    return sql, [lookup.first_year, lookup.last_year, *place.values(), *body]


def lookup_report_docs(conn: sqlite3.Connection, lookup: ReportLookup) -> list[ReportDoc]:
    """The report documents the lookup matches (ReportLookup.matches decides), in report id order."""
    sql, parameters = _lookup_sql(lookup)
    docs = [ReportDoc.model_validate_json(row[0]) for row in conn.execute(sql, parameters)]
    return [doc for doc in docs if lookup.matches(doc)]
