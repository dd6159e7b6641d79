"""`govreport extract PATH... [--format json|jsonl|cells]`."""

from __future__ import annotations

import csv
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from search_api.commands.common import extract_files, print_problems, resolve_inputs

if TYPE_CHECKING:
    from nlp.schema import Report

__all__ = ["register"]


class ExtractFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    cells = "cells"


def extract_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (read recursively) or globs.")],
    output_format: Annotated[ExtractFormat, typer.Option("--format", help="json, jsonl or cells (CSV).")] = (
        ExtractFormat.json
    ),
) -> None:
    """Extract sections, passages and the three tables of each report."""
    files, unread = resolve_inputs(paths)
    writer = _Writer(output_format)
    for report in extract_files(files, unread=unread):
        print_problems(report.problems)
        writer.write(report)
    writer.close()
    if unread:
        raise typer.Exit(code=1)


class _Writer:
    """Streams reports out as they are extracted, so a large batch never sits in memory."""

    def __init__(self, output_format: ExtractFormat) -> None:
        from nlp.export import CELL_COLUMNS

        self.format = output_format
        self.count = 0
        self.csv = csv.DictWriter(sys.stdout, fieldnames=CELL_COLUMNS, lineterminator="\n")
        if output_format is ExtractFormat.cells:
            self.csv.writeheader()
        elif output_format is ExtractFormat.json:
            sys.stdout.write("[")

    def write(self, report: Report) -> None:
        from nlp.export import cell_records

        if self.format is ExtractFormat.cells:
            self.csv.writerows(cell_records(report))
        elif self.format is ExtractFormat.jsonl:
            sys.stdout.write(report.model_dump_json() + "\n")
        else:
            sys.stdout.write(("," if self.count else "") + "\n" + report.model_dump_json(indent=2))
        self.count += 1

    def close(self) -> None:
        if self.format is ExtractFormat.json:
            sys.stdout.write("\n]\n")
        sys.stdout.flush()


def schema_command() -> None:
    """Print the JSON Schema of the extracted Report."""
    from nlp.schema import json_schema

    sys.stdout.write(json_schema() + "\n")


def register(app: typer.Typer) -> None:
    app.command("extract")(extract_command)
    app.command("schema")(schema_command)
