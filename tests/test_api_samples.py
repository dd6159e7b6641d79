"""What a newcomer sees at first run (issue 10 item 6): `./scripts/run.sh` ingests the bundled samples,
and the page must show each feature on them — a body with several years, a plan copied from last year
(GET /api/compare), a cross-year error and a table error found by their rule (flag=<rule id>)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.backends import open_backend
from nlp.settings import Settings
from search_api.app import create_app
from search_api.commands.common import resolve_inputs
from search_api.ingest import ingest_paths

ROOT = Path(__file__).resolve().parent.parent


def _run_sh_inputs() -> list[str]:
    """The paths scripts/run.sh gives `govreport ingest`, read from the script itself."""
    script = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    line = re.search(r"govreport ingest (.+)", script)
    assert line, "scripts/run.sh no longer ingests the samples"
    return [str(ROOT / part) for part in shlex.split(line.group(1))]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("first_run"), backend="tantivy")
    files, unread = resolve_inputs(_run_sh_inputs())
    assert files and not unread
    backend = open_backend(settings)
    try:
        summary = ingest_paths(files, backend=backend, settings=settings)
    finally:
        backend.close()
    assert not summary.failed, summary.to_dict()
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as test_client:
        yield test_client


def test_samples_hold_a_body_with_several_years(client: TestClient) -> None:
    answer = client.get("/api/compare").json()
    assert max(len(body["years"]) for body in answer["bodies"]) >= 3


def test_compare_on_the_samples_finds_plans_copied_from_last_year(client: TestClient) -> None:
    answer = client.get("/api/compare").json()
    kinds = {copy["kind"] for copy in answer["near_copies"]}
    assert "copied_prev_year" in kinds
    flagged = client.get("/api/search", params={"flag": "copied_prev_year"}).json()
    assert flagged["total"] > 0


@pytest.mark.parametrize("rule", ["X-IN-FORCE", "T3-BALANCE", "T4-GROUP-TOTAL"])
def test_samples_show_cross_year_and_table_errors_by_rule(client: TestClient, rule: str) -> None:
    assert client.get("/api/search", params={"flag": rule}).json()["total"] > 0
    assert client.get("/api/reports", params={"flag": rule}).json()["total"] > 0


@pytest.mark.xfail(
    strict=True,
    reason="no bundled report's prose contradicts its tables: none of the 18 crawler dumps (all bundled) "
    "nor the seeds and PDFs has a claim the lint finds contradicted, and the archive's other reports are "
    "an evaluation set the project must not take in",
)
def test_samples_show_a_prose_contradiction(client: TestClient) -> None:
    assert client.get("/api/search", params={"flag": "C-CONTRADICTED"}).json()["total"] > 0
