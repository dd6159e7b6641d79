"""One behaviour suite for every search backend: the embedded ones (SQLite, tantivy) always,
Elasticsearch whenever ES_URL (settings.es_url) names a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BACKENDS, backend_holding, build_test_report

from indexer.backends.base import SearchBackend
from indexer.documents import build_bundle
from indexer.query import SearchFilters, SearchQuery, encode_page_token
from nlp.errors import ErrorCode, GovReportError
from nlp.topics import topics_for

EMBEDDED = ["sqlite", "tantivy"]

REPORTS = [
    build_test_report(
        "a/songxian.txt",
        [
            ("problem", "一是政策解读有待加强。对规范性文件的解读力度不够。"),
            ("problem", "二是公开平台建设实效性仍需提升，政务新媒体作用发挥不够。"),
            ("improvement", "加强业务培训，提升队伍能力。"),
        ],
        province="河南省",
        county="嵩县",
        year=2021,
        body="嵩县人民政府",
    ),
    build_test_report(
        "b/pengshui.txt",
        [
            ("problem", "二是政策解读形式还不够丰富，政策解读力度不够。"),
            ("improvement", "提高政策解读质量，丰富发布形式。"),
            ("other", "本年度共办理行政复议案件2件，均维持。"),
        ],
        province="重庆市",
        county="彭水县",
        year=2021,
        body="彭水县人民政府",
    ),
    build_test_report(
        "c/lingqiu.txt",
        [
            ("problem", "二是政策解读形式仍需丰富；"),
            ("other", "未发生因政府信息公开引起的行政诉讼。<script>x</script>"),
        ],
        province="山西省",
        county="灵丘县",
        year=2022,
        body="灵丘县人民政府办公室",
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    bundles = [build_bundle(r, topics_of=topics_for) for r in REPORTS]  # type: ignore[arg-type]
    with backend_holding(request.param, tmp_path, bundles) as opened:
        yield opened


def _search(backend: SearchBackend, text: str = "", **kwargs: object) -> object:
    return backend.search(SearchQuery.model_validate({"text": text, **kwargs}))


def test_backend_finds_problem_passages_with_highlights_and_facets(backend: SearchBackend) -> None:
    result = backend.search(
        SearchQuery(text="政策解读", filters=SearchFilters(kind=["problem"]), facets=["province", "kind"])
    )
    assert result.total == 3
    assert {h.region.province for h in result.hits} == {"河南省", "重庆市", "山西省"}
    assert all("<mark>政策解读</mark>" in h.highlight for h in result.hits)
    assert {(b.value, b.count) for b in result.facets["province"]} == {
        ("河南省", 1),
        ("重庆市", 1),
        ("山西省", 1),
    }
    assert [(b.value, b.count) for b in result.facets["kind"]] == [("problem", 3)]
    hit = next(h for h in result.hits if h.region.province == "重庆市")
    assert (hit.source, hit.issuing_body, hit.year, hit.section, hit.kind) == (
        "b/pengshui.txt", "彭水县人民政府", 2021, "problems_improvements", "problem",
    )  # fmt: skip


def test_backend_matches_substrings_inside_words(backend: SearchBackend) -> None:
    result = backend.search(SearchQuery(text="复议"))
    assert [h.text for h in result.hits] == ["本年度共办理行政复议案件2件，均维持。"]
    assert "行政<mark>复议</mark>案件" in result.hits[0].highlight


def test_backend_phrase_and_exclusion(backend: SearchBackend) -> None:
    phrase = backend.search(SearchQuery(text='"政策解读 形式"'))
    assert {h.source for h in phrase.hits} == {"b/pengshui.txt", "c/lingqiu.txt"}
    excluded = backend.search(SearchQuery(text="政策解读 -丰富"))
    assert [h.source for h in excluded.hits] == ["a/songxian.txt"]


def test_backend_filters_and_tags(backend: SearchBackend) -> None:
    by_year = backend.search(SearchQuery(text="政策解读", filters=SearchFilters(year=[2022])))
    assert [h.source for h in by_year.hits] == ["c/lingqiu.txt"]
    by_topic = backend.search(SearchQuery(filters=SearchFilters(topic=["政务新媒体"]), facets=["topic"]))
    assert [h.text[:2] for h in by_topic.hits] == ["二是"]
    assert ("政务新媒体", 1) in {(b.value, b.count) for b in by_topic.facets["topic"]}


def test_backend_highlight_escapes_html(backend: SearchBackend) -> None:
    result = backend.search(SearchQuery(text="行政诉讼"))
    assert result.hits[0].highlight.endswith("&lt;script&gt;x&lt;/script&gt;")


def test_backend_pages_cover_every_hit_once(backend: SearchBackend) -> None:
    seen: list[str] = []
    query = SearchQuery(text="政策解读", page_size=2, sort="year")
    while True:
        page = backend.search(query)
        seen.extend(h.passage_id for h in page.hits)
        if page.next_page_token is None:
            break
        query = query.model_copy(update={"page_token": page.next_page_token})
    assert len(seen) == len(set(seen)) == 4


def test_backend_reindex_is_idempotent_and_delete_removes_everything(backend: SearchBackend) -> None:
    before = backend.stats()
    backend.index([build_bundle(REPORTS[0])])  # type: ignore[arg-type]
    assert (backend.stats().reports, backend.stats().passages) == (before.reports, before.passages)
    report_id = REPORTS[0].sha256  # type: ignore[attr-defined]
    assert backend.get_report(report_id) is not None
    assert backend.report_ids_for_source("a/songxian.txt") == [report_id]
    assert backend.delete_report(report_id) is True
    assert backend.get_report(report_id) is None
    assert backend.search(SearchQuery(text="培训")).total == 0
    assert backend.delete_report(report_id) is False


@pytest.mark.parametrize(
    ("kwargs", "code", "parameter"),
    [
        ({"text": '"unbalanced'}, ErrorCode.QUERY_INVALID, "text"),
        ({"text": "NEAR(a b)"}, ErrorCode.QUERY_INVALID, "text"),
        ({"text": "*"}, ErrorCode.QUERY_INVALID, "text"),
        ({"text": '"'}, ErrorCode.QUERY_INVALID, "text"),
        ({"text": "政策\x00解读"}, ErrorCode.QUERY_INVALID, "text"),
        ({"text": "解" * 501}, ErrorCode.QUERY_TOO_LONG, "text"),
        ({"text": ""}, ErrorCode.QUERY_INVALID, "text"),
        ({"text": "-政策"}, ErrorCode.QUERY_INVALID, "text"),
        ({"text": "政策", "page_size": 10**9}, ErrorCode.QUERY_INVALID, "page_size"),
        ({"text": "政策", "page_size": 0}, ErrorCode.QUERY_INVALID, "page_size"),
        ({"text": "政策", "page_token": "eyJ2IjoxfQ.deadbeef"}, ErrorCode.PAGE_TOKEN_INVALID, "page_token"),
        ({"text": "政策", "page_token": "' OR 1=1 --"}, ErrorCode.PAGE_TOKEN_INVALID, "page_token"),
        ({"text": "政策", "filters": {"province": ["\x07"]}}, ErrorCode.QUERY_INVALID, "province"),
    ],
)
def test_backend_refuses_bad_queries_clearly(
    backend: SearchBackend, kwargs: dict[str, object], code: ErrorCode, parameter: str
) -> None:
    with pytest.raises(GovReportError) as caught:
        _search(backend, **kwargs)
    assert caught.value.code is code
    assert caught.value.parameter == parameter


def test_backend_refuses_a_token_from_another_query(backend: SearchBackend) -> None:
    first = backend.search(SearchQuery(text="政策解读", page_size=1))
    assert first.next_page_token
    with pytest.raises(GovReportError) as caught:
        backend.search(SearchQuery(text="复议", page_size=1, page_token=first.next_page_token))
    assert caught.value.code is ErrorCode.PAGE_TOKEN_INVALID


def _signed(query: SearchQuery, offset: int, backend: SearchBackend) -> SearchQuery:
    key: bytes = backend.token_key  # type: ignore[attr-defined]
    return query.model_copy(update={"page_token": encode_page_token(query, after=[offset], key=key)})


def test_backend_refuses_absurd_page_offsets(backend: SearchBackend) -> None:
    # as if our token key leaked: a validly signed token with an offset no engine can take
    if backend.name not in EMBEDDED:
        pytest.skip("offset page tokens are how the embedded backends page")
    query = SearchQuery(text="政策解读")
    with pytest.raises(GovReportError) as caught:
        backend.search(_signed(query, 10**30, backend))
    assert (caught.value.code, caught.value.parameter) == (ErrorCode.PAGE_TOKEN_INVALID, "page_token")
    past_end = backend.search(_signed(query, 10**6, backend))
    assert (past_end.total, past_end.hits, past_end.next_page_token) == (4, [], None)


@pytest.mark.parametrize("sort", ["relevance", "year", "region"])
def test_backend_every_sort_pages_through_all_hits(backend: SearchBackend, sort: str) -> None:
    query = SearchQuery(text="政策解读", page_size=1, sort=sort)  # type: ignore[arg-type]
    pages = []
    while True:
        page = backend.search(query)
        pages.extend(page.hits)
        if page.next_page_token is None:
            break
        query = query.model_copy(update={"page_token": page.next_page_token})
    assert len({h.passage_id for h in pages}) == len(pages) == 4
    if sort == "year":
        assert [h.year for h in pages] == [2022, 2021, 2021, 2021]
    if sort == "region":
        assert [h.region.province for h in pages] == ["山西省", "河南省", "重庆市", "重庆市"]
    if sort == "relevance":
        scores = [h.score for h in pages]
        assert all(s is not None for s in scores) and scores == sorted(scores, reverse=True)  # type: ignore[type-var]


def test_backend_filter_only_query_is_faceted(backend: SearchBackend) -> None:
    result = backend.search(
        SearchQuery(filters=SearchFilters(province=["重庆市"]), facets=["kind", "year", "province"])
    )
    assert result.total == 3
    if backend.name in EMBEDDED:
        assert all(h.score is None for h in result.hits)
    kinds = {(b.value, b.count) for b in result.facets["kind"]}
    assert kinds == {("problem", 1), ("improvement", 1), ("other", 1)}
    assert [(b.value, b.count) for b in result.facets["year"]] == [(2021, 3)]
    assert list(result.facets) == ["kind", "year", "province"]


def test_backend_excluded_single_character_and_phrase(backend: SearchBackend) -> None:
    assert backend.search(SearchQuery(text="政策解读 -丰")).total == 1
    assert backend.search(SearchQuery(text='政策解读 -"形式 仍需"')).total == 3
    assert [h.source for h in backend.search(SearchQuery(text="诉")).hits] == ["c/lingqiu.txt"]


def test_backend_exclusions_apply_to_filter_only_queries(backend: SearchBackend) -> None:
    if backend.name not in EMBEDDED:
        pytest.skip("checked on the embedded backends")
    query = SearchQuery(text="-培训", filters=SearchFilters(province=["河南省"]), facets=["kind"])
    result = backend.search(query)
    assert result.total == 2 and all("培训" not in h.text for h in result.hits)
    assert [(b.value, b.count) for b in result.facets["kind"]] == [("problem", 2)]


def test_backend_a_refused_report_fails_alone(backend: SearchBackend) -> None:
    bad, good = (build_bundle(r) for r in REPORTS[:2])  # type: ignore[arg-type]
    bad.report.report_id = "bad"
    for passage in bad.passages:
        passage.report_id, passage.year = "bad", 10**30  # no engine stores a year this large
    outcome = backend.index([bad, good])
    assert [f.report_id for f in outcome.failed] == ["bad"]
    assert outcome.indexed == [good.report.report_id]
    assert backend.get_report("bad") is None
    assert backend.stats().passages == 8  # unchanged: the good report replaced itself
