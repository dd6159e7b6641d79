"""`govreport serve`: options become settings, a bad index stops it before listening."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from fastapi import FastAPI
from typer.testing import CliRunner

from indexer.backends import open_backend
from nlp.settings import Settings
from search_api.commands import serve


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    serve.register(app)

    @app.command("noop")  # a second command keeps typer from collapsing the group into `serve`
    def _noop() -> None: ...

    return app


def test_api_serve_options_override_settings(tmp_path: Path) -> None:
    settings = serve.serve_settings(
        host="0.0.0.0", port=8123, data_dir=tmp_path, backend=serve.BackendName.sqlite
    )
    assert (settings.host, settings.port, settings.data_dir, settings.backend) == (
        "0.0.0.0", 8123, tmp_path, "sqlite",
    )  # fmt: skip


def test_api_serve_runs_uvicorn_with_the_settings(
    cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[object, str, int]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, host, port, **_: calls.append((app, host, port)))
    open_backend(Settings(data_dir=tmp_path / "d")).close()  # serve reads an index, never creates one
    result = CliRunner().invoke(cli, ["serve", "--port", "8765", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "0 reports" in result.output
    (app, host, port) = calls[0]
    assert isinstance(app, FastAPI) and (host, port) == ("127.0.0.1", 8765)
    assert app.state.settings.data_dir == tmp_path / "d"


def test_api_serve_unusable_data_dir_exits_2(cli: typer.Typer, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(blocker / "sub")])
    assert result.exit_code == 2
    assert "backend_unavailable" in result.output


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "70000"], ["--backend", "mysql"]])
def test_api_serve_rejects_bad_options(cli: typer.Typer, args: list[str]) -> None:
    assert CliRunner().invoke(cli, ["serve", *args]).exit_code == 2
