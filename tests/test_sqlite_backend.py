"""The SQLite backend's pure query builders and its one-pass facet counting."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.backends.sqlite import SqliteBackend, hits_sql, marginal_buckets, match_expression
from indexer.documents import PassageDoc, ReportBundle, ReportDoc
from indexer.query import SearchQuery, TextQuery, parse_text


@pytest.mark.parametrize(
    ("text", "ranked", "expression"),
    [
        ("复议", True, '(chars : "复 议" OR words : "复议")'),
        ("复议", False, 'chars : "复 议"'),
        ("公开 -培训", False, '(chars : "公 开") NOT (chars : "培 训")'),
        ('"政策 解读"', False, 'chars : "政 策 解 读"'),
    ],
)
def test_sqlite_match_expression_ranks_only_when_asked(
    text: str, ranked: bool, expression: str | None
) -> None:
    assert match_expression(parse_text(text), ranked=ranked) == expression


def test_sqlite_match_expression_without_letters_is_none() -> None:
    assert match_expression(TextQuery(terms=["，。"]), ranked=False) is None


@pytest.mark.parametrize("ranked", [True, False])
def test_sqlite_hits_sql_scores_with_bm25_only_when_ranked(ranked: bool) -> None:
    assert ("bm25(" in hits_sql("x", "1", ranked=ranked)) is ranked
    assert "bm25(" not in hits_sql(None, "1", ranked=ranked)


_VALUES = st.one_of(st.none(), st.sampled_from(["河南省", "重庆市", "山西省"]))
_ROWS = st.lists(st.tuples(_VALUES, st.one_of(st.none(), st.integers(2019, 2024)), st.integers(1, 50)))


@given(rows=_ROWS)
def test_sqlite_marginal_buckets_equal_counting_each_facet(
    rows: list[tuple[str | None, int | None, int]],
) -> None:
    facets = marginal_buckets(rows, ["province", "year"], limit=20)
    for position, name in enumerate(["province", "year"]):
        oracle: Counter[object] = Counter()
        for row in rows:
            if row[position] is not None:
                oracle[row[position]] += row[-1]
        assert {(b.value, b.count) for b in facets[name]} == set(oracle.items())
        counts = [b.count for b in facets[name]]
        assert counts == sorted(counts, reverse=True)


def test_sqlite_older_database_gains_the_covering_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    SqliteBackend(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX passages_facets")  # as written before the index existed
    backend = SqliteBackend(path)
    report = ReportDoc(report_id="r", source="r.txt", province="河南省")
    passage = PassageDoc(
        passage_id="r-0", report_id="r", source="r.txt", province="河南省", ordinal=0, text="行政复议"
    )
    backend.index([ReportBundle(report=report, passages=[passage])])
    result = backend.search(SearchQuery(text="复议", facets=["province", "kind"]))
    assert [(b.value, b.count) for b in result.facets["province"]] == [("河南省", 1)]
    names = {r[0] for r in backend._conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "passages_facets" in names
