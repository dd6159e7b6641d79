"""`flag=<rule id>`: every finding's rule is a flag of its report's passages. A finding inside a passage
(a prose claim) flags that passage; one that lies in no passage (table arithmetic, structure, cross-year)
flags every passage of the report, as has_error does. Documents, the Elasticsearch request bodies, and
each backend (Elasticsearch when ES_URL names a live server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BACKENDS, backend_holding, build_test_report

from indexer.backends.base import SearchBackend
from indexer.backends.elasticsearch import bulk_actions, search_body
from indexer.documents import ReportBundle, build_bundle, report_wide_rules
from indexer.query import SearchQuery, check_query
from nlp.schema import Finding, FindingCell, Report, Span


def _report() -> Report:
    report = build_test_report(
        "a/flags.txt",
        [
            ("problem", "一是政策解读有待加强。全年收到政府信息公开申请9件。"),
            ("improvement", "加强业务培训，提升队伍能力。"),
        ],
    )
    assert isinstance(report, Report)
    return report


def _findings(report: Report) -> list[Finding]:
    first = report.sections[0].passages[0].span
    claim_span = Span(start=first.start + 12, end=first.start + 14, line=first.line, end_line=first.line)
    cell = FindingCell(table="applications", row="new_received", column="total")
    return [
        Finding(rule="T3-BALANCE", severity="error", message_zh="…", message_en="…", cells=[cell]),
        Finding(rule="C-CONTRADICTED", severity="error", message_zh="…", message_en="…", span=claim_span),
    ]


def _bundle() -> ReportBundle:
    report = _report()
    return build_bundle(report, _findings(report), claims=[])


def test_table_findings_flag_every_passage_claims_only_their_own() -> None:
    first, second = _bundle().passages
    assert {"T3-BALANCE", "C-CONTRADICTED", "has_error"} <= set(first.flags)
    assert "T3-BALANCE" in second.flags and "C-CONTRADICTED" not in second.flags


def test_a_span_outside_every_passage_is_report_wide() -> None:
    report = _report()
    far = Span(start=10_000, end=10_010, line=99, end_line=99)
    outside = Finding(rule="S-OUTLINE", severity="warning", message_zh="…", message_en="…", span=far)
    spans = [p.span for s in report.sections for p in s.passages]
    assert report_wide_rules([outside, *_findings(report)], spans) == ["S-OUTLINE", "T3-BALANCE"]


def test_es_bulk_and_search_bodies_carry_rule_flags() -> None:
    actions = list(bulk_actions([_bundle()], index="govreport-v1"))
    passages = [a["_source"] for a in actions if a["_source"].get("doc_type") == "passage"]
    assert passages and all("T3-BALANCE" in p["flags"] for p in passages)
    checked = check_query(
        SearchQuery.model_validate({"filters": {"flag": ["T3-BALANCE"]}}),
        max_chars=500,
        page_size_cap=100,
        token_key=b"k" * 32,
    )
    assert {"terms": {"flags": ["T3-BALANCE"]}} in search_body(checked)["query"]["bool"]["filter"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    clean = build_test_report("b/clean.txt", [("problem", "二是公开平台建设实效性仍需提升。")])
    bundles = [_bundle(), build_bundle(clean)]  # type: ignore[arg-type]
    with backend_holding(request.param, tmp_path, bundles) as opened:
        yield opened


def _flagged(backend: SearchBackend, flag: str) -> list[int]:
    query = SearchQuery.model_validate({"filters": {"flag": [flag]}, "sort": "region"})
    return sorted(int(h.passage_id.split("-")[1]) for h in backend.search(query).hits)


def test_backends_find_passages_by_rule(backend: SearchBackend) -> None:
    assert _flagged(backend, "T3-BALANCE") == [0, 1]  # both passages of the report with the table error
    assert _flagged(backend, "C-CONTRADICTED") == [0]  # the passage holding the contradicted claim
    assert _flagged(backend, "X-CARRIED-OVER") == []
    every = {"filters": {"province": ["河南省"]}, "facets": ["flag"]}  # all three passages
    facets = backend.search(SearchQuery.model_validate(every)).facets
    counts = {b.value: b.count for b in facets["flag"]}
    assert counts["T3-BALANCE"] == 2 and counts["C-CONTRADICTED"] == 1
