"""`govreport export [--what cells|findings|passages|reports] [--format csv|jsonl] [--data-dir DIR]
[--output FILE]`: the index as a tidy file, the same columns as GET /api/export (search_api.exporting).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from nlp.errors import GovReportError
from search_api.commands.common import BackendName
from search_api.commands.ingest import settings_for

__all__ = ["export_command", "register"]


class What(StrEnum):
    cells = "cells"
    findings = "findings"
    passages = "passages"
    reports = "reports"


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


Values = list[str] | None


def export_command(
    what: Annotated[What, typer.Option(help="cells, findings, passages or reports.")] = What.reports,
    output_format: Annotated[Format, typer.Option("--format", help="csv or jsonl.")] = Format.csv,
    output: Annotated[Path | None, typer.Option(help="File to write (default: stdout).")] = None,
    year: Annotated[list[int] | None, typer.Option(help="Report year (repeatable).")] = None,
    province: Annotated[Values, typer.Option(help="Province (repeatable).")] = None,
    city: Annotated[Values, typer.Option(help="City (repeatable).")] = None,
    county: Annotated[Values, typer.Option(help="County or district (repeatable).")] = None,
    level: Annotated[Values, typer.Option(help="province, city, county, district…")] = None,
    body: Annotated[Values, typer.Option(help="Issuing body (repeatable).")] = None,
    rule: Annotated[Values, typer.Option(help="Findings of this rule only (repeatable).")] = None,
    severity: Annotated[Values, typer.Option(help="Findings of this severity: error, warning, info.")] = None,
    backend: Annotated[BackendName | None, typer.Option(help="Search backend.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where the embedded database lives.")] = None,
) -> None:
    """Write every cell, finding, passage or report of the index as CSV or JSON Lines."""
    from indexer.backends import open_backend
    from search_api.catalog import FindingFilters
    from search_api.exporting import export_lines, export_records

    values = {"year": year, "province": province, "city": city, "county": county, "level": level,
              "body": body, "rule": rule, "severity": severity}  # fmt: skip
    try:
        filters = FindingFilters.model_validate({k: v for k, v in values.items() if v})
    except ValueError as exc:
        raise typer.BadParameter(str(exc).splitlines()[-1], param_hint="--severity") from exc
    settings = settings_for(backend=backend, data_dir=data_dir)
    try:
        search_backend = open_backend(settings, create=False)  # a read never creates an index
        try:
            records = export_records(search_backend, what.value, filters, page_size=settings.page_size_cap)
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


def _write(lines: Iterable[str], handle: TextIO) -> None:
    for line in lines:
        handle.write(line)


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
