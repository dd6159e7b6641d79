"""The `govreport` command: extract, check, compare, ingest, search, export, serve, schema."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="govreport",
    help="Read, check and search 政府信息公开工作年度报告 (government information-disclosure reports).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module registers its own subcommands; the order here is the order of `govreport --help`.
_COMMAND_MODULES = ("extract", "check", "compare", "ingest", "search", "export", "serve")


def _register_commands() -> None:
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f"search_api.commands.{name}")
        module.register(app)


def dash_file_hint(argv: Sequence[str]) -> str | None:
    """A hint when an argument before `--` that starts with "-" names an existing file: the parser takes
    it for an option (`govreport extract -rf.txt`), and `--` is how to pass it as a file."""
    for arg in argv:
        if arg == "--":
            return None
        if arg.startswith("-") and len(arg) > 1 and Path(arg).exists():
            return f"note: {arg} is read as an option; put file names starting with - after --: ... -- {arg}"
    return None


def main() -> None:
    logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba logs its dictionary load at INFO
    if hint := dash_file_hint(sys.argv[1:]):
        print(hint, file=sys.stderr)
    app()


_register_commands()
