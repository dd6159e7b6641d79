"""GET /api/charts/applications and /api/charts/topics in-process, on an embedded index holding two seeds and
two years of one crawler-dump body (one of them with a table-3 balance error)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import IndexOf, api_client
from fastapi.testclient import TestClient

from nlp.errors import ErrorCode
from nlp.extract import extract_path
from search_api.routers.charts import OUTCOME_GROUPS, ApplicationsChart, TopicsChart

ROOT = Path(__file__).resolve().parent.parent
CRAWLER = ROOT / "samples" / "crawler"
FILES = [
    ROOT / "samples" / "seeds" / "songxian_2021.txt",
    ROOT / "samples" / "seeds" / "muye_2021.txt",
    CRAWLER / "fujian_pingtan_gonganju_2019.txt",
    CRAWLER / "fujian_pingtan_gonganju_2021.txt",
]
POLICE = "平潭综合实验区公安局"
KNOWN_CODES = {c.value for c in ErrorCode}


@pytest.fixture(scope="module")
def client(index_of: IndexOf) -> Iterator[TestClient]:
    with api_client(index_of(FILES)) as test_client:
        yield test_client


def test_applications_chart_reads_table_3_totals(client: TestClient) -> None:
    response = client.get("/api/charts/applications")
    assert response.status_code == 200, response.text
    chart = ApplicationsChart.model_validate(response.json())
    assert chart.total == len(FILES) == len(chart.rows)
    assert set(chart.outcome_groups) == set(OUTCOME_GROUPS)
    keys = [(r.issuing_body or "", r.year or 0) for r in chart.rows]
    assert keys == sorted(keys)  # by body, then year
    songxian = next(r for r in chart.rows if r.issuing_body and "嵩县" in r.issuing_body)
    report = extract_path(FILES[0])
    printed = report.tables.applications  # type: ignore[union-attr]
    assert printed is not None
    cell = {row.key: row.cells.get("total") for row in printed.rows}
    assert songxian.received == cell["new_received"].value  # type: ignore[union-attr]
    assert songxian.handled_total == cell["handled_total"].value  # type: ignore[union-attr]
    granted = cell["granted"]
    assert granted is not None and songxian.outcomes["granted"] == granted.value


def test_applications_chart_filters_by_body_and_counts_findings(client: TestClient) -> None:
    response = client.get("/api/charts/applications", params={"body": POLICE})
    chart = ApplicationsChart.model_validate(response.json())
    assert [r.year for r in chart.rows] == [2019, 2021]
    year_2021 = chart.rows[1]
    # 2021 prints received 1, handled 1, carried forward 1: the balance error the lint flags twice
    assert (year_2021.received, year_2021.handled_total, year_2021.carried_forward) == (1, 1, 1)
    assert year_2021.errors >= 1
    assert client.get("/api/charts/applications", params={"body": "无此机关"}).json()["rows"] == []


def test_topics_chart_is_a_body_by_topic_matrix(client: TestClient) -> None:
    response = client.get("/api/charts/topics")
    assert response.status_code == 200, response.text
    chart = TopicsChart.model_validate(response.json())
    assert POLICE in chart.bodies and chart.topics and not chart.truncated
    assert len(chart.counts) == len(chart.bodies) == len(chart.passages)
    assert all(len(row) == len(chart.topics) for row in chart.counts)
    assert all(max(row, default=0) <= total for row, total in zip(chart.counts, chart.passages, strict=True))
    sums = [sum(row[j] for row in chart.counts) for j in range(len(chart.topics))]
    assert sums == sorted(sums, reverse=True) and sums[0] > 0
    narrowed = TopicsChart.model_validate(
        client.get("/api/charts/topics", params={"body": POLICE, "kind": "problem"}).json()
    )
    assert narrowed.bodies == [POLICE]
    index = chart.bodies.index(POLICE)
    assert narrowed.passages[0] <= chart.passages[index]


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"kind": "nonsense"},
        {"year": "9" * 40},
        {"body": "'; DROP TABLE reports; --"},
        {"province": "\x00"},
        {"level": "<script>"},
    ],
)
@pytest.mark.parametrize("path", ["/api/charts/applications", "/api/charts/topics"])
def test_charts_hostile_parameters_never_500(client: TestClient, path: str, params: dict[str, str]) -> None:
    response = client.get(path, params=params)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["error"]["code"] in KNOWN_CODES


def test_charts_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/charts/applications", "/api/charts/topics"} <= set(paths)
