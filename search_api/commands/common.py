"""What every subcommand shares: turning arguments into files and files into reports, and problems
into stderr lines."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.errors import GovReportError, one_line, printable_name

if TYPE_CHECKING:  # nlp.schema builds every model of the project: imported by what extracts, not by --help
    from nlp.schema import Problem, Report

__all__ = ["BackendName", "extract_files", "format_problem", "print_problems", "resolve_inputs"]


class BackendName(StrEnum):
    """The `--backend` choices: the embedded engines and Elasticsearch."""

    tantivy = "tantivy"
    sqlite = "sqlite"
    elasticsearch = "elasticsearch"


def resolve_inputs(inputs: Sequence[str]) -> tuple[list[Path], list[Problem]]:
    """Files, directories and globs → files to read, plus a problem for each argument that named none."""
    from nlp.readers import expand_inputs

    files, problems = expand_inputs(inputs)
    print_problems(problems)
    return files, list(problems)


def extract_files(files: Iterable[Path], *, unread: list[Problem]) -> Iterator[Report]:
    """Each file's report, extracted as it is asked for. A file that cannot be read is named on stderr
    with the reason and added to `unread`; the rest of the batch goes on (a file past the time budget
    or one that breaks a reader included: search_api.guard)."""
    from search_api.guard import extract_guarded

    for path in files:
        try:
            report = extract_guarded(path)
        except GovReportError as exc:
            print_problems([exc.to_problem()])
            unread.append(exc.to_problem())
            continue
        yield report


def format_problem(item: Problem) -> str:
    """One line `file[:line]: [code] message`, whatever the name or the message holds."""
    where = printable_name(item.source or "-")
    if item.line is not None:
        where = f"{where}:{item.line}"
    return f"{where}: [{item.code}] {one_line(item.message)}"


def print_problems(problems: Iterable[Problem]) -> None:
    for item in problems:
        print(format_problem(item), file=sys.stderr)
