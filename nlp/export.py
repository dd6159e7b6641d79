"""Flat views of a Report for tools outside Python (the `cells` CSV of `govreport extract`)."""

from __future__ import annotations

from collections.abc import Iterator

from nlp.schema import Report, Table

__all__ = ["CELL_COLUMNS", "cell_records"]

# The CSV header is a contract other tools read: extend at the end, never rename.
CELL_COLUMNS = ("source", "table", "row", "column", "raw", "value", "kind", "line")


def cell_records(report: Report) -> Iterator[dict[str, str]]:
    """One record per placed cell, tables in template order, rows and columns as printed."""
    for table in report.tables.present():
        yield from _table_records(report.source, table)


def _table_records(source: str, table: Table) -> Iterator[dict[str, str]]:
    for row in table.rows:
        if row.key is None:
            continue
        for column, cell in row.cells.items():
            yield {
                "source": source,
                "table": table.key,
                "row": row.key,
                "column": column,
                "raw": cell.raw,
                "value": "" if cell.value is None else str(cell.value),
                "kind": cell.kind,
                "line": "" if cell.line is None else str(cell.line),
            }
