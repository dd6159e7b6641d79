"""`govreport ingest PATH... [--backend tantivy|sqlite|elasticsearch] [--data-dir DIR] [--workers N]`
and `--rebuild` (Elasticsearch: a new versioned index, swapped in when complete)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nlp.errors import GovReportError, one_line, printable_name
from search_api.commands.common import BackendName, resolve_inputs

if TYPE_CHECKING:  # search_api.ingest, the backends and the settings are imported when a command runs
    from indexer.backends import SearchBackend
    from nlp.settings import Settings
    from search_api.ingest import IngestSummary

__all__ = ["IndexTotals", "index_totals", "register", "settings_for"]


def settings_for(*, backend: BackendName | None, data_dir: Path | None) -> Settings:
    """The settings with the command line's choices laid over them."""
    from nlp.settings import get_settings  # pydantic-settings: most of `govreport --help`'s import time

    updates: dict[str, object] = {}
    if backend is not None:
        updates["backend"] = backend.value
    if data_dir is not None:
        updates["data_dir"] = data_dir
    return get_settings().model_copy(update=updates)


@dataclass(frozen=True)
class IndexTotals:
    """What the index holds after the run, every earlier run included."""

    reports: int
    findings_by_severity: Counter[str]


def index_totals(backend: SearchBackend) -> IndexTotals | None:
    """The reports and their findings by severity over the whole index (None when it cannot say): a
    second run skips unchanged files, so its own counts say nothing of what the index holds."""
    try:
        reports = backend.reports()
    except GovReportError:
        return None
    severities: Counter[str] = Counter()
    for report in reports:
        severities.update(report.findings_by_severity)
    return IndexTotals(reports=len(reports), findings_by_severity=severities)


def _severities(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k}: {counts.get(k, 0)}" for k in ("error", "warning", "info"))


def _print_summary(summary: IngestSummary, *, backend: str, totals: IndexTotals | None) -> None:
    lines = [
        f"files read: {summary.files_read}  indexed: {summary.indexed}  "
        f"unchanged (skipped): {summary.unchanged}  replaced old versions: {summary.replaced}  "
        f"passages: {summary.passages}",
        f"stored reports updated by their new neighbours (cross-year findings, copies): {summary.updated}",
        f"backend: {backend}",
        f"failed: {len(summary.failed)}",
        *(f"  {printable_name(f.source)}: [{f.code}] {one_line(f.message)}" for f in summary.failed),
    ]
    if summary.duplicates:
        lines.append(f"duplicates (same bytes as another file, indexed once): {len(summary.duplicates)}")
        lines += [f"  {printable_name(d.source)} = {printable_name(d.same_as)}" for d in summary.duplicates]
    if summary.checked:
        lines.append(
            f"findings by severity in the files indexed now: {_severities(summary.findings_by_severity)}"
        )
    else:
        lines.append("check step skipped: nlp.lint is not available in this installation")
    if totals is not None:
        lines.append(
            f"the index holds {totals.reports} report(s); "
            f"findings by severity: {_severities(totals.findings_by_severity)}"
        )
    print("\n".join(lines), file=sys.stderr)


def ingest_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (read recursively) or globs.")],
    backend: Annotated[BackendName | None, typer.Option(help="Search backend (default: settings).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where the embedded database lives.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, max=64, help="Processes reading, checking and preparing files (default: the cores)."
        ),
    ] = None,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Index every file into a new versioned index and swap the alias onto it when done "
            "(elasticsearch; searches use the old index until then).",
        ),
    ] = False,
) -> None:
    """Extract, check and index reports; unchanged files are skipped, changed ones replaced."""
    from tqdm import tqdm

    from indexer.backends import open_backend
    from search_api.ingest import default_workers, ingest_paths

    settings = settings_for(backend=backend, data_dir=data_dir)
    files, unread = resolve_inputs(paths)
    try:
        search_backend = open_backend(settings)
    except GovReportError as exc:
        print(exc.describe(), file=sys.stderr)
        raise typer.Exit(code=2) from exc
    try:
        with tqdm(total=len(files), unit="file", file=sys.stderr, disable=not files) as bar:
            summary = ingest_paths(
                files,
                backend=search_backend,
                settings=settings,
                workers=workers or settings.workers or default_workers(),
                progress=bar.update,
                rebuild=rebuild,
            )
        totals = index_totals(search_backend)
    except GovReportError as exc:
        print(exc.describe(), file=sys.stderr)
        raise typer.Exit(code=2) from exc
    finally:
        search_backend.close()
    _print_summary(summary, backend=search_backend.name, totals=totals)
    if summary.failed or unread:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
