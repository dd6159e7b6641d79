"""The Elasticsearch backend's request bodies, asserted without a server (none can run here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_test_report

from indexer.backends.elasticsearch import (
    alias_swap_actions,
    bulk_actions,
    index_template_body,
    load_mappings,
    reports_body,
    result_of,
    search_body,
    sort_clause,
)
from indexer.documents import build_bundle
from indexer.query import SearchFilters, SearchQuery, check_query, decode_page_token
from nlp.settings import packaged_config_dir

CONFIG = packaged_config_dir()
KEY = b"k" * 32


def _checked(**kwargs: object) -> object:
    return check_query(SearchQuery.model_validate(kwargs), max_chars=500, page_size_cap=100, token_key=KEY)


def test_es_search_body_full_query() -> None:
    checked = _checked(
        text='复议 "政策 解读" -培训', filters={"province": ["河南省"], "year": [2021]},
        facets=["province", "topic"], sort="year", page_size=5,
    )  # fmt: skip
    body = search_body(checked)  # type: ignore[arg-type]
    assert body["query"]["bool"] == {
        "filter": [
            {"term": {"doc_type": "passage"}},
            {"terms": {"province": ["河南省"]}},
            {"terms": {"year": [2021]}},
        ],
        "must": [
            {"match_phrase": {"text": {"query": "复议"}}},
            {"match_phrase": {"text": {"query": "政策 解读"}}},
        ],
        "must_not": [{"match_phrase": {"text": {"query": "培训"}}}],
        "should": [{"match": {"words": {"query": "复议 政策 解读", "boost": 3.0}}}],
    }
    assert body["aggs"] == {
        "province": {"terms": {"field": "province", "size": 20}},
        "topic": {"terms": {"field": "topics", "size": 20}},
    }
    assert body["sort"] == [{"year": {"order": "desc", "missing": "_last"}}, "_score", {"passage_id": "asc"}]
    assert body["size"] == 5 and body["track_total_hits"] is True
    assert body["highlight"] == {
        "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
        "fields": {"text": {"number_of_fragments": 0}},
    }  # fmt: skip
    assert "search_after" not in body


def test_es_filter_only_query_has_no_text_clauses() -> None:
    body = search_body(_checked(filters={"topic": ["政务新媒体"]}))  # type: ignore[arg-type]
    assert body["query"]["bool"]["must"] == [] and body["query"]["bool"]["should"] == []
    assert {"terms": {"topics": ["政务新媒体"]}} in body["query"]["bool"]["filter"]
    assert "aggs" not in body


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("relevance", ["_score", {"passage_id": "asc"}]),
        ("region", [*({f: {"order": "asc", "missing": "_last"}} for f in ("province", "city", "county")),
                    "_score", {"passage_id": "asc"}]),
    ],
)  # fmt: skip
def test_es_sort_clause(sort: str, expected: list[object]) -> None:
    assert sort_clause(sort) == expected


def _response(n_hits: int, total: int) -> dict[str, object]:
    hits = [
        {"_score": 2.0, "sort": [2.0, f"p{i}"], "highlight": {"text": ["<mark>复议</mark>"]},
         "_source": {"passage_id": f"p{i}", "report_id": "r", "source": "s.txt", "text": "复议", "ordinal": i,
                     "doc_type": "passage", "province": "河南省", "year": 2021, "kind": "other"}}
        for i in range(n_hits)
    ]  # fmt: skip
    aggs = {"province": {"buckets": [{"key": "河南省", "doc_count": total}]}}
    return {"hits": {"total": {"value": total}, "hits": hits}, "aggregations": aggs}


def test_es_paging_uses_search_after_through_the_token() -> None:
    first = _checked(text="复议", page_size=2, facets=["province"])
    result = result_of(_response(2, 3), checked=first)  # type: ignore[arg-type]
    assert result.total == 3 and result.hits[0].highlight == "<mark>复议</mark>"
    assert result.facets["province"][0].count == 3
    assert result.next_page_token
    second_query = SearchQuery(
        text="复议", page_size=2, facets=["province"], page_token=result.next_page_token
    )
    assert decode_page_token(result.next_page_token, second_query, key=KEY) == [2, 2.0, "p1"]
    second = check_query(second_query, max_chars=500, page_size_cap=100, token_key=KEY)
    assert search_body(second)["search_after"] == [2.0, "p1"]
    last = result_of(_response(1, 3), checked=second)
    assert last.next_page_token is None


def test_es_bulk_actions_one_per_document() -> None:
    report = build_test_report(
        "x.txt", [("problem", "一是政策解读有待加强。"), ("improvement", "加强培训。")]
    )
    bundle = build_bundle(report)  # type: ignore[arg-type]
    actions = list(bulk_actions([bundle], index="govreport-v2"))
    assert [a["_id"] for a in actions] == [
        f"report:{bundle.report.report_id}",
        *(p.passage_id for p in bundle.passages),
    ]
    assert all(a["_index"] == "govreport-v2" and a["_op_type"] == "index" for a in actions)
    assert actions[0]["_source"]["doc_type"] == "report"
    passage = actions[1]["_source"]
    assert passage["doc_type"] == "passage" and passage["words"] == "一是 政策 解读 有待 加强"
    assert passage["text"] == "一是政策解读有待加强。" and passage["kind"] == "problem"


def test_es_bulk_report_carries_its_detail_unindexed() -> None:
    report = build_test_report("x.txt", [("problem", "一是政策解读有待加强。")])
    with_detail = build_bundle(report, claims=[])  # type: ignore[arg-type]
    source = next(bulk_actions([with_detail], index="govreport-v2"))["_source"]
    assert source["detail"]["report_id"] == with_detail.report.report_id
    assert source["detail"]["report"]["source"] == "x.txt" and source["detail"]["claims"] == []
    assert "detail" not in next(bulk_actions([build_bundle(report)], index="v"))["_source"]  # type: ignore[arg-type]
    assert load_mappings(CONFIG)["properties"]["detail"] == {"type": "object", "enabled": False}


def test_es_reports_body_pages_report_documents_by_id() -> None:
    first = reports_body()
    assert first["query"] == {"bool": {"filter": [{"term": {"doc_type": "report"}}]}}
    assert first["sort"] == [{"report_id": "asc"}] and "search_after" not in first
    assert first["_source"] == {"excludes": ["detail", "doc_type"]}  # the detail is read one by one
    assert reports_body("abc", size=10)["search_after"] == ["abc"] and reports_body(size=10)["size"] == 10


def test_es_alias_swap_is_one_atomic_request() -> None:
    assert alias_swap_actions("govreport", old=["govreport-v1"], new="govreport-v2") == [
        {"remove": {"index": "govreport-v1", "alias": "govreport"}},
        {"add": {"index": "govreport-v2", "alias": "govreport", "is_write_index": True}},
    ]


def test_es_index_template_uses_stock_analyzers_and_keyword_facets(tmp_path: Path) -> None:
    template = index_template_body(CONFIG, alias="govreport")
    assert template["index_patterns"] == ["govreport-v*"]
    assert not any(k.startswith("_") for k in template)
    props = template["template"]["mappings"]["properties"]
    assert props["text"]["analyzer"] == "standard" and props["words"]["analyzer"] == "whitespace"
    for field in (
        "province",
        "city",
        "county",
        "level",
        "section",
        "kind",
        "topics",
        "flags",
        "issuing_body",
    ):
        assert props[field]["type"] == "keyword", field
    assert "analysis" not in template["template"]["settings"]  # no custom analyzers, no plugins
    assert load_mappings(CONFIG) == template["template"]["mappings"]


def test_es_mappings_cover_every_document_field() -> None:
    from indexer.documents import PassageDoc, ReportDoc

    props = load_mappings(CONFIG)["properties"]
    assert set(PassageDoc.model_fields) | set(ReportDoc.model_fields) | {"doc_type", "words"} <= set(props)


def test_es_search_filters_use_the_keyword_field_names() -> None:
    filters = SearchFilters(body=["嵩县人民政府"], flag=["has_error"], report_id=["abc"])
    body = search_body(_checked(filters=filters.model_dump()))  # type: ignore[arg-type]
    assert body["query"]["bool"]["filter"][1:] == [
        {"terms": {"issuing_body": ["嵩县人民政府"]}},
        {"terms": {"flags": ["has_error"]}},
        {"terms": {"report_id": ["abc"]}},
    ]
