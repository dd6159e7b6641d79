"""GET /api/compare in-process on both embedded engines: the body × topic matrix and the near-copies of
reports ingested as `govreport ingest` does (a body's four years with plans copied year to year, another
body's years, a seed), the filters, the bounds, and hostile parameters (never a 500)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import IndexOf, api_client
from fastapi.testclient import TestClient

from indexer.backends import open_backend
from indexer.documents import build_bundle
from nlp.errors import ErrorCode
from nlp.extract import extract_path
from nlp.settings import Settings
from search_api.app import create_app
from search_api.comparing import shared_spans
from search_api.models import CompareResponse

ROOT = Path(__file__).resolve().parent.parent
CRAWLER = ROOT / "samples" / "crawler"
FINANCE = "平潭综合实验区财政金融局"
FILES = [
    *sorted(CRAWLER.glob("fujian_pingtan_caizhengjinrong_*.txt")),  # 2022–2025, plans repeated
    CRAWLER / "fujian_pingtan_gonganju_2021.txt",
    CRAWLER / "fujian_pingtan_gonganju_2022.txt",
    ROOT / "samples" / "seeds" / "songxian_2021.txt",
]
KNOWN_CODES = {c.value for c in ErrorCode}


@pytest.fixture(scope="module", params=["sqlite", "tantivy"])
def client(request: pytest.FixtureRequest, index_of: IndexOf) -> Iterator[TestClient]:
    with api_client(index_of(FILES, request.param)) as test_client:
        yield test_client


def _compare(client: TestClient, **params: object) -> CompareResponse:
    response = client.get("/api/compare", params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return CompareResponse.model_validate(response.json())


def _consistent(answer: CompareResponse) -> None:
    """Every index points into `bodies`, every topic into `topics`, every list within its bound."""
    assert [b.index for b in answer.bodies] == list(range(len(answer.bodies)))
    for cell in answer.cells:
        assert 0 <= cell.body < len(answer.bodies) and cell.topic in answer.topics
        assert cell.count == sum(y.count for y in cell.by_year) >= len(cell.passages)
    for copy in answer.near_copies:
        assert 0 <= copy.a.body < len(answer.bodies) and 0 <= copy.b.body < len(answer.bodies)
    assert len(answer.near_copies) <= answer.near_copies_total


def test_compare_without_parameters_is_every_body_in_the_index(client: TestClient) -> None:
    answer = _compare(client)
    _consistent(answer)
    assert (
        answer.reports_total == answer.reports_compared == len(FILES) and answer.reports_without_detail == 0
    )
    assert sum(len(b.reports) for b in answer.bodies) == len(FILES)
    finance = next(b for b in answer.bodies if b.name == FINANCE)
    assert finance.years == [2022, 2023, 2024, 2025] and [r.year for r in finance.reports] == [
        2025,
        2024,
        2023,
        2022,
    ]
    assert {b.name for b in answer.bodies} >= {FINANCE, "平潭综合实验区公安局", "嵩县人民政府"}
    assert answer.cells and answer.topics
    assert all(not Path(r.source).is_absolute() for b in answer.bodies for r in b.reports)


def test_compare_finds_the_plans_copied_from_last_year(client: TestClient) -> None:
    answer = _compare(client, body=FINANCE)
    copies = [c for c in answer.near_copies if c.kind == "copied_prev_year"]
    assert copies, "the finance bureau repeats its improvement plans year after year"
    for copy in copies:
        assert copy.a.body == copy.b.body and (copy.a.year or 0) > (copy.b.year or 0)
        assert copy.score >= answer.min_score and copy.shared
        for side in (copy.a, copy.b):
            assert side.shared_spans and side.passage_id.startswith(side.report_id[:16])
            for span in side.shared_spans:  # every span lies on text the two passages share
                printed = "".join(side.text[span.start : span.end].split())
                assert printed and printed in copy.shared


def test_compare_cells_hold_passages_of_their_topic(client: TestClient) -> None:
    answer = _compare(client, passages_per_cell=50)
    by_id = {p.passage_id: p for cell in answer.cells for p in cell.passages}
    assert by_id
    for cell in answer.cells:
        assert len(cell.passages) == cell.count
        assert all(p.kind == "improvement" for p in cell.passages)
    search = client.get(
        "/api/search", params={"report_id": next(iter(by_id.values())).report_id, "page_size": 100}
    )
    assert by_id.keys() & {h["passage_id"] for h in search.json()["hits"]}  # the ids search hits carry


def test_compare_filters_bodies_and_years(client: TestClient) -> None:
    answer = _compare(client, body=FINANCE, year=[2022, 2023])
    assert [b.name for b in answer.bodies] == [FINANCE] and answer.bodies[0].years == [2022, 2023]
    assert answer.reports_total == 2
    assert all({c.a.year, c.b.year} <= {2022, 2023} for c in answer.near_copies)
    henan = _compare(client, province="河南省")
    assert [b.name for b in henan.bodies] == ["嵩县人民政府"] and not henan.near_copies
    assert _compare(client, province="无此省").bodies == []


def test_compare_bounds_cut_lists_not_counts(client: TestClient) -> None:
    whole = _compare(client)
    cut = _compare(client, passages_per_cell=0, max_near_copies=1)
    assert [c.count for c in cut.cells] == [c.count for c in whole.cells]
    assert all(not c.passages for c in cut.cells)
    assert (
        len(cut.near_copies) == min(1, whole.near_copies_total)
        and cut.near_copies_total == whole.near_copies_total
    )
    one = _compare(client, max_reports=1)
    assert one.reports_total == len(FILES) and one.reports_compared == 1 and len(one.bodies) == 1


def test_compare_kind_and_min_score(client: TestClient) -> None:
    every = _compare(client, kind="all", min_score=0, max_near_copies=500)
    assert every.kind == "all" and every.min_score == 0
    assert every.near_copies_total >= _compare(client).near_copies_total
    strict = _compare(client, min_score=100)
    assert all(c.score >= 100 for c in strict.near_copies)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"max_reports": 0}, "max_reports"),
        ({"max_reports": 501}, "max_reports"),
        ({"max_reports": "9" * 40}, "max_reports"),
        ({"passages_per_cell": 51}, "passages_per_cell"),
        ({"passages_per_cell": -1}, "passages_per_cell"),
        ({"max_near_copies": 10_000}, "max_near_copies"),
        ({"min_score": "nan"}, "min_score"),
        ({"min_score": "inf"}, "min_score"),
        ({"min_score": 101}, "min_score"),
        ({"min_score": -5}, "min_score"),
        ({"kind": "<script>"}, "kind"),
        ({"year": "二〇二二"}, "year"),
    ],
)
def test_compare_hostile_parameters_are_refused(
    client: TestClient, params: dict[str, object], parameter: str
) -> None:
    response = client.get("/api/compare", params=params)  # type: ignore[arg-type]
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] in KNOWN_CODES and error["parameter"] == parameter


@pytest.mark.parametrize(
    "params",
    [
        {"body": "\x00"},
        {"body": "<script>alert(1)</script>"},
        {"province": "' OR 1=1 --"},
        {"city": "x" * 5000},
        {"year": 99_999_999_999},
        {"body": [FINANCE] * 300},
        {"flag": "T3-BALANCE", "level": "county"},
        {"unknown": "ignored"},
    ],
)
def test_compare_odd_values_answer_not_500(client: TestClient, params: dict[str, object]) -> None:
    response = client.get("/api/compare", params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    _consistent(CompareResponse.model_validate(response.json()))


def test_compare_shape_is_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/compare"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names >= {"province", "city", "county", "body", "year", "kind", "min_score", "max_reports"}
    models = schema["components"]["schemas"]
    assert set(models["CompareResponse"]["properties"]) >= {"bodies", "topics", "cells", "near_copies"}
    assert set(models["NearCopy"]["properties"]) >= {"a", "b", "score", "shared", "kind"}
    assert "shared_spans" in models["NearCopySide"]["properties"]


def test_compare_counts_reports_indexed_without_detail(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, backend="sqlite")
    backend = open_backend(settings)
    backend.index([build_bundle(extract_path(FILES[0]))])  # no claims given: no detail stored
    backend.close()
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as test_client:
        answer = _compare(test_client)
    assert answer.reports_total == 1 and answer.reports_without_detail == 1 and answer.bodies == []


def test_shared_spans_skip_white_space_and_keep_order() -> None:
    text = "一是 加强 培训。二是完善制度，健全机制。"
    spans = shared_spans(text, "加强培训…健全机制")
    assert [text[s.start : s.end] for s in spans] == ["加强 培训", "健全机制"]
    assert shared_spans(text, "不在其中") == []
