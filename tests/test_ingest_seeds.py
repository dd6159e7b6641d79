"""Ingest end to end on real seed reports: idempotence, replacement of changed files, bad files, and
the `govreport ingest` / `govreport search` commands' output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS_DIR
from typer.testing import CliRunner

from indexer.backends.sqlite import SqliteBackend
from indexer.query import SearchQuery
from nlp.settings import Settings
from search_api.ingest import file_sha256, ingest_paths

SEEDS = ["muye_2021.txt", "lingqiu_2022.txt"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in SEEDS:
        shutil.copy(SEEDS_DIR / name, folder / name)
    return folder


def _ingest(paths: list[Path], data_dir: Path) -> tuple[object, SqliteBackend]:
    settings = Settings(data_dir=data_dir, backend="sqlite")
    backend = SqliteBackend.from_settings(settings)
    return ingest_paths(paths, backend=backend, settings=settings), backend


def test_ingest_is_idempotent_and_replaces_changed_files(corpus: Path, tmp_path: Path) -> None:
    files = sorted(corpus.iterdir())
    first, backend = _ingest(files, tmp_path / "data")
    assert (first.indexed, first.unchanged, first.failed) == (2, 0, [])  # type: ignore[attr-defined]
    before = backend.stats()
    assert before.reports == 2 and before.passages == first.passages  # type: ignore[attr-defined]
    again = ingest_paths(files, backend=backend, settings=Settings(data_dir=tmp_path / "data"))
    assert (again.indexed, again.unchanged, again.passages) == (0, 2, 0)
    assert backend.stats() == before

    changed = corpus / "muye_2021.txt"
    old_id = file_sha256(changed)
    marker = "三是政策解读工作有待加强。"
    text = changed.read_text(encoding="utf-8")
    assert marker in text
    changed.write_text(text.replace(marker, "三是独有的替换说法有待加强。"), encoding="utf-8")
    third = ingest_paths(files, backend=backend, settings=Settings(data_dir=tmp_path / "data"))
    assert (third.indexed, third.unchanged, third.replaced) == (1, 1, 1)
    assert backend.get_report(old_id) is None
    assert backend.stats().reports == 2
    assert backend.search(SearchQuery(text="独有的替换说法")).total == 1
    muye_problems = SearchQuery.model_validate(
        {"text": "政策解读 有待加强", "filters": {"body": ["新乡市牧野区人民政府"]}}
    )
    assert backend.search(muye_problems).total == 0  # nothing of the old version is left
    backend.close()


def test_ingest_goes_on_past_bad_files(corpus: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    summary, backend = _ingest(sorted(corpus.iterdir()), tmp_path / "data")
    assert summary.indexed == 2  # type: ignore[attr-defined]
    reasons = {Path(f.source).name: f.code for f in summary.failed}  # type: ignore[attr-defined]
    assert reasons == {"empty.txt": "read_empty", "old.doc": "read_unsupported"}
    backend.close()


def test_ingest_and_search_commands(corpus: Path, tmp_path: Path) -> None:
    from search_api.cli import app

    runner = CliRunner()
    data = str(tmp_path / "data")
    ingested = runner.invoke(app, ["ingest", str(corpus), "--data-dir", data])
    assert ingested.exit_code == 0, ingested.output
    assert "files read: 2" in ingested.output and "failed: 0" in ingested.output
    found = runner.invoke(app, ["search", "政策解读", "--kind", "problem", "--facet", "province",
                                "--data-dir", data, "--format", "json"])  # fmt: skip
    assert found.exit_code == 0, found.output
    result = json.loads(found.stdout)
    assert {"total", "hits", "facets"} <= set(result)
    assert result["total"] == 2
    assert {b["value"] for b in result["facets"]["province"]} == {"河南省", "山西省"}
    for hit in result["hits"]:
        assert {"source", "issuing_body", "region", "year", "section", "kind", "highlight"} <= set(hit)
        assert "<mark>政策解读</mark>" in hit["highlight"]
    bad = runner.invoke(app, ["search", "NEAR(", "--data-dir", data])
    assert bad.exit_code == 2 and "query_invalid" in bad.output
