"""`govreport ingest --rebuild`: a new versioned index swapped in when complete (Elasticsearch), and a
clear refusal from the embedded backends, which have no alias to swap."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from conftest import SEEDS_DIR
from typer.testing import CliRunner

from indexer.backends import open_backend
from indexer.backends.base import RebuildableBackend
from indexer.query import SearchQuery
from nlp.errors import ErrorCode, GovReportError
from nlp.settings import Settings, get_settings
from search_api.ingest import ingest_paths

_ES_URL = get_settings().es_url


@pytest.fixture
def corpus(tmp_path: Path) -> list[Path]:
    paths = []
    for name in ("pengshui_2021.txt", "lingqiu_2022.txt"):
        shutil.copy(SEEDS_DIR / name, tmp_path / name)
        paths.append(tmp_path / name)
    return paths


@pytest.mark.parametrize("backend", ["tantivy", "sqlite"])
def test_ingest_rebuild_refused_by_embedded_backends(
    backend: str, corpus: list[Path], tmp_path: Path
) -> None:
    settings = Settings(backend=backend, data_dir=tmp_path / "data")  # type: ignore[arg-type]
    opened = open_backend(settings)
    try:
        assert not isinstance(opened, RebuildableBackend)
        with pytest.raises(GovReportError) as caught:
            ingest_paths(corpus, backend=opened, settings=settings, rebuild=True)
    finally:
        opened.close()
    assert caught.value.code is ErrorCode.OPTION_UNSUPPORTED and caught.value.parameter == "rebuild"


@pytest.mark.parametrize("backend", ["tantivy"])
def test_ingest_rebuild_command_names_the_option(backend: str, corpus: list[Path], tmp_path: Path) -> None:
    from search_api.cli import app

    result = CliRunner().invoke(
        app, ["ingest", *map(str, corpus), "--backend", backend, "--data-dir", str(tmp_path), "--rebuild"]
    )
    assert result.exit_code == 2
    assert "option_unsupported" in result.output and "rebuild" in result.output


@pytest.mark.es
@pytest.mark.skipif(not _ES_URL, reason="ES_URL is not set: no Elasticsearch to test against")
def test_ingest_rebuild_swaps_the_alias_onto_a_new_version(corpus: list[Path], tmp_path: Path) -> None:
    alias = f"govreport-test-{uuid.uuid4().hex[:8]}"  # drawn here: a random test id breaks xdist collection
    settings = Settings(backend="elasticsearch", es_url=_ES_URL, es_index=alias, data_dir=tmp_path)
    opened = open_backend(settings)
    try:
        ingest_paths(corpus[:1], backend=opened, settings=settings)
        before = opened._indices_of_alias()  # type: ignore[attr-defined]
        summary = ingest_paths(corpus, backend=opened, settings=settings, rebuild=True)
        after = opened._indices_of_alias()  # type: ignore[attr-defined]
        assert summary.indexed == 2 and not summary.failed
        assert len(after) == 1 and after != before  # the new version alone is behind the alias
        found = opened.search(SearchQuery(text="政策解读", facets=["province"]))
        assert {b.value for b in found.facets["province"]} == {"重庆市", "山西省"}
    finally:
        opened.client.indices.delete(index=f"{alias}-v*")  # type: ignore[attr-defined]
        opened.close()
