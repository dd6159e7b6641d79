"""`govreport ingest PATH... [--backend tantivy|sqlite|elasticsearch] [--data-dir DIR] [--workers N]`
and `--rebuild` (Elasticsearch: a new versioned index, swapped in when complete)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nlp.errors import GovReportError, one_line, printable_name
from nlp.settings import Settings, get_settings
from search_api.commands.common import BackendName, resolve_inputs

if TYPE_CHECKING:  # search_api.ingest is imported when the command runs
    from search_api.ingest import IngestSummary

__all__ = ["register", "settings_for"]


def settings_for(*, backend: BackendName | None, data_dir: Path | None) -> Settings:
    """The settings with the command line's choices laid over them."""
    updates: dict[str, object] = {}
    if backend is not None:
        updates["backend"] = backend.value
    if data_dir is not None:
        updates["data_dir"] = data_dir
    return get_settings().model_copy(update=updates)


def _print_summary(summary: IngestSummary, *, backend: str) -> None:
    lines = [
        f"files read: {summary.files_read}  indexed: {summary.indexed}  "
        f"unchanged (skipped): {summary.unchanged}  replaced old versions: {summary.replaced}  "
        f"passages: {summary.passages}",
        f"backend: {backend}",
        f"failed: {len(summary.failed)}",
        *(f"  {printable_name(f.source)}: [{f.code}] {one_line(f.message)}" for f in summary.failed),
    ]
    if summary.duplicates:
        lines.append(f"duplicates (same bytes as another file, indexed once): {len(summary.duplicates)}")
        lines += [f"  {printable_name(d.source)} = {printable_name(d.same_as)}" for d in summary.duplicates]
    if summary.checked:
        severities = summary.findings_by_severity
        counts = ", ".join(f"{k}: {severities.get(k, 0)}" for k in ("error", "warning", "info"))
        lines.append(f"findings by severity: {counts}")
    else:
        lines.append("check step skipped: nlp.lint is not available in this installation")
    print("\n".join(lines), file=sys.stderr)


def ingest_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (read recursively) or globs.")],
    backend: Annotated[BackendName | None, typer.Option(help="Search backend (default: settings).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where the embedded database lives.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Processes extracting files.")] = None,
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
    from search_api.ingest import ingest_paths

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
                workers=workers or settings.workers,
                progress=bar.update,
                rebuild=rebuild,
            )
    except GovReportError as exc:
        print(exc.describe(), file=sys.stderr)
        raise typer.Exit(code=2) from exc
    finally:
        search_backend.close()
    _print_summary(summary, backend=search_backend.name)
    if summary.failed or unread:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
