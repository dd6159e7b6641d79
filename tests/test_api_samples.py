"""What a newcomer sees at first run (issue 10 item 6): `./scripts/run.sh` ingests the bundled samples,
and the page must show each feature on them — a body with several years, a plan copied from last year
(GET /api/compare), a cross-year error and a table error found by their rule (flag=<rule id>), and prose
contradicting the report's year (C-YEAR)."""

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


# No bundled real report's prose contradicts its table numbers (none of the 18 crawler dumps, the seeds or
# the PDFs has a claim the lint finds contradicted: C-CONTRADICTED shows nothing on the samples, and the
# archive's other reports are an evaluation set the project must not take in). What the prose does contradict
# is the report's year: fujian_pingtan_lvyouwenti_2022 says 编制完成2023年度政府信息公开工作年度报告.
def test_samples_show_a_prose_contradiction_of_the_report_year(client: TestClient) -> None:
    hits = client.get("/api/search", params={"flag": "C-YEAR"}).json()
    assert hits["total"] > 0
    assert {hit["year"] for hit in hits["hits"]} == {2022}
    assert any("编制完成2023年度" in re.sub(r"</?mark>", "", hit["text"]) for hit in hits["hits"])
    found = client.get("/api/findings", params={"rule": "C-YEAR"}).json()
    assert found["total"] == 1
    (item,) = found["findings"]
    assert item["source"].endswith("fujian_pingtan_lvyouwenti_2022.txt") and item["year"] == 2022
    finding = item["finding"]
    assert finding["severity"] == "error" and finding["span"]["line"] == 10
    assert finding["detail"]["printed_years"] == [2023]
    assert finding["detail"]["year_source"] == "crawler_header"
    assert "编制完成2023年度政府信息公开工作年度报告" in finding["text"]
    # the pages name the rule by its Chinese title, read from configs/rules.yaml through /api/facets
    titles = client.get("/api/facets").json()["flag_titles"]
    assert titles["C-YEAR"]["zh"] == "文字表述的报告年度与标题不一致"
