"""`govreport serve [--host H] [--port P] [--data-dir DIR] [--backend tantivy|sqlite|elasticsearch]`.

Runs the API and the search page with uvicorn. The backend is opened once before listening, so a
wrong data directory or an unreachable Elasticsearch is reported at start (exit 2), not on the first
search.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nlp.errors import GovReportError
from search_api.commands.common import BackendName, print_problems

if TYPE_CHECKING:  # pydantic-settings: imported when the command runs
    from nlp.settings import Settings

__all__ = ["register", "serve_command", "serve_settings"]


def serve_settings(
    *,
    host: str | None = None,
    port: int | None = None,
    data_dir: Path | None = None,
    backend: BackendName | None = None,
) -> Settings:
    """The environment's settings with the options given on the command line on top."""
    from nlp.settings import Settings

    overrides: dict[str, object] = {
        "host": host,
        "port": port,
        "data_dir": data_dir,
        "backend": backend.value if backend else None,
    }
    return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]


def _check_backend(settings: Settings) -> None:
    from indexer.backends import open_backend

    backend = open_backend(settings, create=False)  # serving never creates an index
    try:
        stats = backend.stats()
    finally:
        backend.close()
    typer.echo(
        f"{stats.backend} index at {stats.location}: {stats.reports} reports, {stats.passages} passages"
    )


def _warm_up() -> None:
    # jieba loads its dictionary on first use (~2 s); do it now rather than in the first user's search.
    from indexer.tokens import word_tokens

    word_tokens("政府信息公开")


def serve_command(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default from settings: 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port to listen on (default from settings: 8000).")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", file_okay=False, help="Where the embedded index lives.")
    ] = None,
    backend: Annotated[
        BackendName | None, typer.Option(help="Search backend (default from settings: tantivy).")
    ] = None,
) -> None:
    """Serve the search page at / and the JSON API under /api (schema at /openapi.json)."""
    import uvicorn

    from search_api.app import create_app

    settings = serve_settings(host=host, port=port, data_dir=data_dir, backend=backend)
    try:
        _check_backend(settings)
    except GovReportError as exc:
        print_problems([exc.to_problem()])
        raise typer.Exit(code=2) from exc
    _warm_up()
    typer.echo(f"serving on http://{settings.host}:{settings.port}/")
    uvicorn.run(create_app(settings=settings), host=settings.host, port=settings.port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
