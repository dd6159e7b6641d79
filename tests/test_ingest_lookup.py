"""The lookup corpus-level analysis asks of the index (SearchBackend.lookup_reports): a body's
neighbouring years and a city's bodies of a year, answered alike by every backend as
ReportLookup.matches says; the Elasticsearch request body asserted without a server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BACKENDS, backend_holding

from indexer.backends import open_backend
from indexer.backends.base import ReportLookup, SearchBackend
from indexer.backends.elasticsearch import lookup_body
from indexer.documents import ReportBundle, ReportDoc
from nlp.settings import Settings

PLACES = [
    ("福建省", "平潭综合实验区", None),
    ("福建省", "平潭综合实验区", "金井片区"),
    ("福建省", "福州市", None),
    ("江苏省", None, None),
    (None, None, None),
]
BODIES = ["平潭综合实验区公安局", "平潭综合实验区财政金融局", None]
YEARS = [2019, 2021, 2022, 2023, None]
LEVELS = ["department", "city", "unknown"]


def _docs() -> list[ReportDoc]:
    docs = []
    for number, ((province, city, county), body, year) in enumerate(itertools.product(PLACES, BODIES, YEARS)):
        docs.append(
            ReportDoc(
                report_id=f"{number:064x}", source=f"r{number}.txt", issuing_body=body,
                province=province, city=city, county=county, year=year, level=LEVELS[number % len(LEVELS)],
            )
        )  # fmt: skip
    return docs


LOOKUPS = [
    ReportLookup(first_year=2020, last_year=2023, province="福建省", city="平潭综合实验区", county=None),
    ReportLookup(first_year=2022, last_year=2022, province="福建省", city="平潭综合实验区", scope="city"),
    ReportLookup(first_year=2019, last_year=2025, scope=None, body="平潭综合实验区公安局"),
    ReportLookup(
        first_year=2021, last_year=2022, province="江苏省", scope="county", body="平潭综合实验区财政金融局"
    ),
    ReportLookup(first_year=2021, last_year=2021, province="福建省", scope="province"),
    ReportLookup(first_year=2019, last_year=2023, scope=None),
    ReportLookup(
        first_year=2019, last_year=2023, province="福建省", city="平潭综合实验区", level="city", body="某局"
    ),
    ReportLookup(first_year=2021, last_year=2023, province="江苏省", scope="city", level="department"),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    with backend_holding(request.param, tmp_path, [ReportBundle(report=doc) for doc in _docs()]) as opened:
        yield opened


@pytest.mark.parametrize("lookup", LOOKUPS, ids=range(len(LOOKUPS)))
def test_ingest_lookup_answers_as_matches_says(backend: SearchBackend, lookup: ReportLookup) -> None:
    expected = [doc.report_id for doc in _docs() if lookup.matches(doc)]
    assert [doc.report_id for doc in backend.lookup_reports(lookup)] == expected


def test_ingest_lookup_matches_by_place_or_body() -> None:
    pingtan = ReportLookup(
        first_year=2021, last_year=2022, province="福建省", city="平潭综合实验区", scope="city", body="某局"
    )
    doc = ReportDoc(
        report_id="x", source="x", province="福建省", city="平潭综合实验区", county="金井片区", year=2022
    )
    assert pingtan.matches(doc)
    assert not pingtan.model_copy(update={"scope": "county"}).matches(doc)  # its county differs (None)
    assert pingtan.model_copy(update={"scope": None}).matches(doc.model_copy(update={"issuing_body": "某局"}))
    assert not pingtan.matches(doc.model_copy(update={"year": 2023}))
    assert not pingtan.matches(doc.model_copy(update={"year": None}))
    assert sum(lookup.matches(d) for lookup in LOOKUPS for d in _docs()) > 20  # the cases are not all empty


def test_ingest_lookup_es_body() -> None:
    lookup = ReportLookup(
        first_year=2021, last_year=2023, province="福建省", city="平潭综合实验区", body="公安局"
    )
    body = lookup_body(lookup, size=50)
    assert body == {
        "query": {"bool": {"filter": [
            {"term": {"doc_type": "report"}},
            {"range": {"year": {"gte": 2021, "lte": 2023}}},
            {"bool": {"should": [
                {"bool": {"filter": [
                    {"term": {"province": "福建省"}},
                    {"term": {"city": "平潭综合实验区"}},
                    {"bool": {"must_not": [{"exists": {"field": "county"}}]}},
                ]}},
                {"term": {"issuing_body": "公安局"}},
            ], "minimum_should_match": 1}},
        ]}},
        "size": 50,
        "sort": [{"report_id": "asc"}],
        "_source": {"excludes": ["detail", "doc_type"]},
    }  # fmt: skip
    nothing = lookup_body(ReportLookup(first_year=2021, last_year=2021, scope=None))
    assert nothing["query"]["bool"]["filter"][-1] == {"match_none": {}}


@pytest.mark.parametrize("backend_name", ["sqlite", "tantivy"])
def test_ingest_prepared_columns_are_not_cut_again(
    backend_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from conftest import build_test_report

    from indexer.backends.base import PreparedBundle
    from indexer.documents import build_bundle
    from indexer.query import SearchQuery
    from indexer.tokens import chars_field, words_field

    report = build_test_report(
        "a.txt", [("problem", "政策解读有待加强。"), ("improvement", "加强业务培训。")]
    )
    built = build_bundle(report)  # type: ignore[arg-type]
    prepared = PreparedBundle(
        **dict(built),
        passage_words=[words_field(p.text) for p in built.passages],
        passage_chars=[chars_field(p.text) for p in built.passages],
    )
    opened = open_backend(Settings(backend=backend_name, data_dir=tmp_path))  # type: ignore[arg-type]
    module = importlib.import_module(f"indexer.backends.{backend_name}")

    def refuse(text: str) -> str:
        raise AssertionError("the writing process cut a prepared passage again")

    for name in ("words_field", "chars_field", "char_tokens"):
        if hasattr(module, name):
            monkeypatch.setattr(module, name, refuse)
    try:
        assert opened.index([prepared]).indexed == [report.sha256]  # type: ignore[attr-defined]
        monkeypatch.undo()
        assert opened.search(SearchQuery(text="业务培训")).total == 1
        assert opened.search(SearchQuery(text="解读")).total == 1
    finally:
        opened.close()


def test_ingest_lookup_es_body_level_joins_the_place() -> None:
    lookup = ReportLookup(first_year=2021, last_year=2021, province="福建省", scope="province", level="city")
    either = lookup_body(lookup)["query"]["bool"]["filter"][-1]["bool"]["should"]
    assert either == [{"bool": {"filter": [{"term": {"province": "福建省"}}, {"term": {"level": "city"}}]}}]
