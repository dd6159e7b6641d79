"""The `govreport` command: extract, check, ingest, search, serve, schema."""

from __future__ import annotations

import importlib
import logging

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
_COMMAND_MODULES = ("extract", "check", "compare", "ingest", "search", "serve")


def _register_commands() -> None:
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f"search_api.commands.{name}")
        module.register(app)


def main() -> None:
    logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba logs its dictionary load at INFO
    app()


_register_commands()
