"""What every subcommand shares: turning arguments into files, and problems into stderr lines."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path

from nlp.schema import Problem

__all__ = ["BackendName", "format_problem", "print_problems", "resolve_inputs"]


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


def format_problem(item: Problem) -> str:
    where = item.source or "-"
    if item.line is not None:
        where = f"{where}:{item.line}"
    return f"{where}: [{item.code}] {item.message}"


def print_problems(problems: Iterable[Problem]) -> None:
    for item in problems:
        print(format_problem(item), file=sys.stderr)
