"""`govreport export [--what cells|findings|passages|reports|search] [--format csv|jsonl|parquet]
[--data-dir DIR] [--output FILE]`: the index as a tidy file, the same columns as GET /api/export
(search_api.exporting); `--what search` writes every hit of the search `--query` and the filters name.
Parquet goes to --output or to a piped stdout, never to a terminal; pyarrow is imported only for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from nlp.errors import ErrorCode, GovReportError
from search_api.commands.common import BackendName
from search_api.commands.ingest import settings_for

__all__ = ["export_command", "register"]


class What(StrEnum):
    cells = "cells"
    findings = "findings"
    passages = "passages"
    reports = "reports"
    search = "search"


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


class Sort(StrEnum):
    relevance = "relevance"
    year = "year"
    region = "region"


Values = list[str] | None


def export_command(
    what: Annotated[What, typer.Option(help="cells, findings, passages, reports or search.")] = What.reports,
    output_format: Annotated[Format, typer.Option("--format", help="csv, jsonl or parquet.")] = Format.csv,
    output: Annotated[Path | None, typer.Option(help="File to write (default: stdout).")] = None,
    year: Annotated[list[int] | None, typer.Option(help="Report year (repeatable).")] = None,
    province: Annotated[Values, typer.Option(help="Province (repeatable).")] = None,
    city: Annotated[Values, typer.Option(help="City (repeatable).")] = None,
    county: Annotated[Values, typer.Option(help="County or district (repeatable).")] = None,
    level: Annotated[Values, typer.Option(help="province, city, county, district…")] = None,
    body: Annotated[Values, typer.Option(help="Issuing body (repeatable).")] = None,
    rule: Annotated[Values, typer.Option(help="Findings of this rule only (repeatable).")] = None,
    severity: Annotated[Values, typer.Option(help="Findings of this severity: error, warning, info.")] = None,
    flag: Annotated[Values, typer.Option(help="A flag or a finding's rule id (repeatable).")] = None,
    query: Annotated[str, typer.Option(help='--what search: words, "phrases", -exclusions.')] = "",
    section: Annotated[Values, typer.Option(help="--what search: section key (repeatable).")] = None,
    kind: Annotated[Values, typer.Option(help="--what search: passage kind (repeatable).")] = None,
    topic: Annotated[Values, typer.Option(help="--what search: passage topic (repeatable).")] = None,
    sort: Annotated[Sort, typer.Option(help="--what search: relevance, year or region.")] = Sort.relevance,
    backend: Annotated[BackendName | None, typer.Option(help="Search backend.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where the embedded database lives.")] = None,
) -> None:
    """Write every cell, finding, passage or report of the index, or every hit of a search, as CSV, JSON
    Lines or Parquet."""
    from indexer.backends import open_backend
    from search_api.catalog import FindingFilters
    from search_api.exporting import SearchTerms, export_lines, export_records, write_parquet

    if output_format is Format.parquet and output is None and _is_terminal(sys.stdout):
        code = ErrorCode.OPTION_UNSUPPORTED.value
        print(f"export: [{code}] Parquet is binary, not for a terminal: give --output FILE or pipe stdout",
              file=sys.stderr)  # fmt: skip
        raise typer.Exit(code=2)

    values = {"year": year, "province": province, "city": city, "county": county, "level": level,
              "body": body, "rule": rule, "severity": severity, "flag": flag}  # fmt: skip
    try:
        filters = FindingFilters.model_validate({k: v for k, v in values.items() if v})
    except ValueError as exc:
        raise typer.BadParameter(str(exc).splitlines()[-1], param_hint="--severity") from exc
    settings = settings_for(backend=backend, data_dir=data_dir)
    try:
        search_backend = open_backend(settings, create=False)  # a read never creates an index
        try:
            # what=search: the same search as GET /api/export?what=search
            terms = SearchTerms(
                q=query, section=section or [], kind=kind or [], topic=topic or [], sort=sort.value
            )
            records = export_records(
                search_backend, what.value, filters, page_size=settings.page_size_cap, terms=terms
            )
            if output_format is Format.parquet:
                if output is None:
                    sys.stdout.flush()
                    write_parquet(records, what.value, sys.stdout.buffer)
                else:
                    with output.open("wb") as binary:
                        write_parquet(records, what.value, binary)
            else:
                lines = export_lines(records, what.value, output_format.value)
                if output is None:
                    _write(lines, sys.stdout)
                else:
                    with output.open("w", encoding="utf-8", newline="") as handle:
                        _write(lines, handle)
        finally:
            search_backend.close()
    except GovReportError as exc:
        print(exc.describe(), file=sys.stderr)
        raise typer.Exit(code=2) from exc
    except OSError as exc:
        print(f"error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        raise typer.Exit(code=2) from exc


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stdout
        return False


def _write(lines: Iterable[str], handle: TextIO) -> None:
    for line in lines:
        handle.write(line)


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
