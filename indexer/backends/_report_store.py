"""The `reports` table both embedded backends keep report documents in (SQLite beside its passages,
tantivy in reports.sqlite3 beside its index): its schema and the reads they answer from it.

Callers hold their own lock around these calls; a connection is not shared between threads unguarded.
"""

from __future__ import annotations

import sqlite3

from indexer.documents import ReportDoc

__all__ = ["REPORTS_SCHEMA", "report_counts", "report_ids_for_source", "stored_report"]

REPORTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    year INTEGER,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_source ON reports(source);
"""


def stored_report(conn: sqlite3.Connection, report_id: str) -> ReportDoc | None:
    row = conn.execute("SELECT doc FROM reports WHERE report_id = ?", (report_id,)).fetchone()
    return ReportDoc.model_validate_json(row[0]) if row else None


def report_ids_for_source(conn: sqlite3.Connection, source: str) -> list[str]:
    rows = conn.execute("SELECT report_id FROM reports WHERE source = ?", (source,)).fetchall()
    return [r[0] for r in rows]


def report_counts(conn: sqlite3.Connection) -> tuple[int, dict[str, int]]:
    """How many reports, and how many per year ("unknown" for none)."""
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    years = conn.execute("SELECT year, count(*) FROM reports GROUP BY year").fetchall()
    return reports, {("unknown" if y is None else str(y)): n for y, n in years}
