"""The HTTP API against the five seed reports in an embedded index (in-process, TestClient)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.backends.sqlite import SqliteBackend
from indexer.documents import PassageDoc, ReportBundle, ReportDoc
from indexer.query import FACET_NAMES, SearchFilters, SearchResult
from nlp.settings import Settings
from search_api.app import create_app, static_dir
from search_api.deps import get_settings
from search_api.models import ReportView, SearchParams

HIT_FIELDS = {
    "source", "issuing_body", "region", "year", "section", "kind", "topics", "flags", "text", "highlight",
}  # fmt: skip


def _client(data_dir: Path) -> Iterator[TestClient]:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(data_dir=data_dir, backend="sqlite")
    with TestClient(app) as client:  # `with` runs the lifespan, which closes the backends
        yield client


@pytest.fixture(scope="module")
def client(seeded_data_dir: Path) -> Iterator[TestClient]:
    yield from _client(seeded_data_dir)


def _search(client: TestClient, **params: object) -> SearchResult:
    response = client.get("/api/search", params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return SearchResult.model_validate(response.json())


# --- searching -------------------------------------------------------------------------------------


def test_api_search_phrase_hits_are_highlighted(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "政策解读"}).json()
    assert body.keys() == {"total", "hits", "facets", "next_page_token"}
    assert body["total"] > 0 and body["hits"]
    for hit in body["hits"]:
        assert hit.keys() >= HIT_FIELDS
        assert "<mark>" in hit["highlight"]
        assert re.sub(r"</?mark>", "", hit["highlight"]) == hit["text"]  # seeds hold no HTML specials
        assert "政策解读" in hit["text"].replace(" ", "")


def test_api_search_province_facet_counts_match_filter(client: TestClient) -> None:
    result = _search(client, q="政策解读", facet="province")
    counts = {b.value: b.count for b in result.facets["province"]}
    assert counts.get("河南省", 0) > 0
    narrowed = _search(client, q="政策解读", province="河南省")
    assert narrowed.total == counts["河南省"] < result.total
    assert {h.region.province for h in narrowed.hits} == {"河南省"}


@pytest.mark.parametrize("facet", FACET_NAMES)
def test_api_search_every_facet_filters_to_its_value(client: TestClient, facet: str) -> None:
    result = _search(client, q="公开", facet=facet, page_size=100)
    assert result.facets[facet], f"no {facet} buckets"
    bucket = result.facets[facet][0]
    narrowed = _search(client, q="公开", **{facet: bucket.value}, page_size=100)
    assert narrowed.total == bucket.count
    for hit in narrowed.hits:
        assert bucket.value in _hit_values(hit.model_dump(), facet)


def _hit_values(hit: dict[str, object], facet: str) -> list[object]:
    region = hit["region"]
    assert isinstance(region, dict)
    if facet in ("province", "city", "county"):
        return [region[facet]]
    if facet in ("topic", "flag"):
        values = hit[f"{facet}s"]
        assert isinstance(values, list)
        return values
    return [hit["issuing_body" if facet == "body" else facet]]


def test_api_search_params_carry_every_filter() -> None:
    values = {name: [2021] if name == "year" else [f"v-{name}"] for name in SearchFilters.model_fields}
    assert SearchParams.model_validate(values).to_query().filters.model_dump() == values


def test_api_search_filters_alone_need_no_text(client: TestClient) -> None:
    result = _search(client, year=2020, section="problems_improvements")
    assert result.total > 0
    assert all(h.year == 2020 and h.section == "problems_improvements" for h in result.hits)


def test_api_search_repeated_values_are_ored(client: TestClient) -> None:
    one = _search(client, q="公开", year=2020).total
    two = _search(client, q="公开", year=2022).total
    assert _search(client, q="公开", year=[2020, 2022]).total == one + two


def test_api_search_exclusion_removes_passages(client: TestClient) -> None:
    with_word = _search(client, q="政策解读", page_size=100)
    without = _search(client, q="政策解读 -网站", page_size=100)
    assert without.total < with_word.total
    assert all("网站" not in h.text for h in without.hits)


def test_api_search_pages_cover_every_hit_once(client: TestClient) -> None:
    params: dict[str, object] = {"q": "公开", "page_size": 7, "facet": ["year"]}
    first = _search(client, **params)
    seen: list[str] = [h.passage_id for h in first.hits]
    token = first.next_page_token
    while token:
        page = _search(client, **params, page_token=token)
        seen += [h.passage_id for h in page.hits]
        token = page.next_page_token
    assert len(seen) == len(set(seen)) == first.total


def test_api_search_token_of_another_query_is_refused(client: TestClient) -> None:
    token = _search(client, q="公开", page_size=2).next_page_token
    assert token
    response = client.get("/api/search", params={"q": "申请", "page_size": 2, "page_token": token})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "page_token_invalid"
    assert response.json()["error"]["parameter"] == "page_token"


def test_api_search_sort_by_year_is_newest_first(client: TestClient) -> None:
    years = [h.year for h in _search(client, q="公开", sort="year", page_size=100).hits]
    assert years == sorted(years, key=lambda y: -(y or 0))
    assert len(set(years)) > 1


# --- reports, stats, health, facets ----------------------------------------------------------------


def test_api_report_of_a_hit_is_served(client: TestClient) -> None:
    hit = _search(client, q="政策解读").hits[0]
    response = client.get(f"/api/reports/{hit.report_id}")
    assert response.status_code == 200
    body = response.json()
    assert body.keys() >= set(ReportDoc.model_fields)  # the report document's keys, then the detail
    report = ReportView.model_validate(body)
    assert (report.report_id, report.source, report.year) == (hit.report_id, hit.source, hit.year)


@pytest.mark.parametrize("report_id", ["0" * 64, "no-such-report", "x" * 500, "%E4%B8%AD", " "])
def test_api_report_unknown_is_404_with_code(client: TestClient, report_id: str) -> None:
    response = client.get(f"/api/reports/{report_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "report_not_found"


def test_api_stats_count_the_seeds(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    assert stats["backend"] == "sqlite"
    assert stats["reports"] == 5
    assert stats["passages"] >= stats["reports"]  # every seed has prose
    assert stats["years"] == {"2020": 1, "2021": 3, "2022": 1}


def test_api_health_reports_backend(client: TestClient) -> None:
    assert client.get("/api/health").json() == {
        "status": "ok",
        "backend": "sqlite",
        "reports": 5,
        "passages": client.get("/api/stats").json()["passages"],
    }


def test_api_facets_lists_names_and_rule_titles(client: TestClient) -> None:
    body = client.get("/api/facets").json()
    assert body["names"] == list(FACET_NAMES)
    assert body["flag_titles"]["T3-BALANCE"]["zh"] == "申请数量勾稽关系不平衡"


# --- settings, backends, HTML safety ---------------------------------------------------------------


def test_api_settings_override_selects_the_index(tmp_path: Path) -> None:
    SqliteBackend.from_settings(Settings(data_dir=tmp_path / "empty", backend="sqlite")).close()
    for client in _client(tmp_path / "empty"):
        assert client.get("/api/stats").json()["reports"] == 0
        assert client.get("/api/search", params={"q": "公开"}).json()["total"] == 0


def test_api_missing_index_is_503_and_nothing_is_created(tmp_path: Path) -> None:
    for client in _client(tmp_path / "typo"):
        response = client.get("/api/search", params={"q": "公开"})
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "index_not_found"
    assert not (tmp_path / "typo").exists()


def test_api_backend_unavailable_is_503(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be", encoding="utf-8")
    for client in _client(blocker):
        for url in ("/api/search?q=公开", "/api/stats", "/api/health", "/api/reports/abc"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response.json()["error"]["code"] == "backend_unavailable"


def _hostile_bundle() -> ReportBundle:
    text = "<script>alert(\"x\")</script> 政策解读 & <b>加粗</b> '引号'"
    report = ReportDoc(report_id="f" * 64, source="/tmp/<evil>.txt", province="河南省", year=2021)
    passage = PassageDoc(
        passage_id="p1", report_id=report.report_id, source=report.source, province="河南省", year=2021,
        section="overview", ordinal=0, text=text,
    )  # fmt: skip
    return ReportBundle(report=report, passages=[passage])


def test_api_highlight_escapes_html_in_passages(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, backend="sqlite")
    backend = SqliteBackend.from_settings(settings)
    backend.index([_hostile_bundle()])
    backend.close()
    for client in _client(tmp_path):
        hit = client.get("/api/search", params={"q": "政策解读"}).json()["hits"][0]
        assert "<script>" not in hit["highlight"] and "<b>" not in hit["highlight"]
        assert re.findall(r"<[^>]*>", hit["highlight"]) == ["<mark>", "</mark>"]
        assert "&lt;script&gt;" in hit["highlight"]


# --- the page ---------------------------------------------------------------------------------------


def test_api_index_page_and_assets_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "检索" in page.text and 'lang="zh-CN"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset, kind in (("/static/app.js", "javascript"), ("/static/style.css", "text/css")):
        response = client.get(asset)
        assert response.status_code == 200 and kind in response.headers["content-type"]


@pytest.mark.parametrize("name", ["_shell.html", "index.html", "app.js", "style.css"])
def test_api_page_loads_nothing_external(name: str) -> None:
    text = (static_dir() / name).read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert not re.search(r"""(url\(|@import|fetch\()\s*["']?(https?:)?//""", text)
    assert "innerHTML" not in text and "outerHTML" not in text and "insertAdjacentHTML" not in text


def test_api_schema_served_and_docs_page_loads_nothing_from_elsewhere(client: TestClient) -> None:
    assert client.head("/").status_code == 200
    assert "/api/search" in client.get("/openapi.json").json()["paths"]
    docs = client.get("/docs")  # our own page, not Swagger UI (which loads its scripts from a CDN)
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in docs.text and "/static/docs.js" in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text
    script = client.get("/static/docs.js")
    assert script.status_code == 200 and "/openapi.json" in script.text and "https://" not in script.text
