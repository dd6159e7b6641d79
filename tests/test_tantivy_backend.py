"""The tantivy backend's own parts: bigram exact-substring matching (checked against a plain substring
oracle by Hypothesis), report store, a second instance on the same folder, schema layout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from indexer.backends import SearchBackend, open_backend
from indexer.backends.tantivy import SCHEMA_VERSION, TantivyBackend, char_bigrams
from indexer.documents import PassageDoc, ReportBundle, ReportDoc
from indexer.query import SearchQuery
from indexer.tokens import char_tokens
from nlp.settings import Settings

# A small alphabet makes random substrings hit often; punctuation and spaces are skipped by matching.
_ALPHABET = "公开政府信息复议行政，。 "
_TEXTS = st.text(alphabet=_ALPHABET, min_size=1, max_size=30)


def _bundle(report_id: str, texts: list[str], *, source: str | None = None) -> ReportBundle:
    report = ReportDoc(report_id=report_id, source=source or f"src/{report_id}.txt", year=2021)
    source = report.source
    passages = [
        PassageDoc(passage_id=f"{report_id}-{i}", report_id=report_id, source=source, ordinal=i, text=t)
        for i, t in enumerate(texts)
    ]
    return ReportBundle(report=report, passages=passages)


@pytest.mark.parametrize(
    ("text", "bigrams"),
    [("行政复议", ["行政", "政复", "复议"]), ("议", []), ("", []), ("ab1", ["ab", "b1"])],
)
def test_tantivy_char_bigrams(text: str, bigrams: list[str]) -> None:
    assert char_bigrams(list(text)) == bigrams


@pytest.fixture(scope="module", params=["tantivy", "sqlite"])
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SearchBackend, dict[str, str]]]:
    texts = [
        "行政复议案件", "政府信息公开", "公开，政府。信息", "复议", "议行", "信 息 公 开",
        "行政行政复议复议", "政府信息公开政府信息公开", "开公", "政府",
    ]  # fmt: skip
    # SQLite (chars column with phrase positions) runs the same property: the engines must agree
    settings = Settings(backend=request.param, data_dir=tmp_path_factory.mktemp(request.param))
    backend = open_backend(settings)
    backend.index([_bundle("r0", texts)])
    yield backend, {f"r0-{i}": t for i, t in enumerate(texts)}
    backend.close()


@hypothesis_settings(max_examples=60, deadline=None)
@given(needle=_TEXTS)
def test_tantivy_matches_exactly_the_passages_holding_the_substring(
    corpus: tuple[SearchBackend, dict[str, str]], needle: str
) -> None:
    backend, texts = corpus
    normal = "".join(char_tokens(needle))
    if not normal or '"' in needle:
        return
    result = backend.search(SearchQuery(text=f'"{needle.strip()}"', page_size=100))
    expected = {pid for pid, text in texts.items() if normal in "".join(char_tokens(text))}
    assert {h.passage_id for h in result.hits} == expected
    assert result.total == len(expected)


def test_tantivy_second_instance_shares_the_folder(tmp_path: Path) -> None:
    first, second = TantivyBackend(tmp_path), TantivyBackend(tmp_path)
    first.index([_bundle("a", ["行政复议案件"])])
    # the first writer was released after its commit, so another instance can write in turn
    outcome = second.index([_bundle("b", ["政府信息公开"])])
    assert outcome.indexed == ["b"] and not outcome.failed
    assert second.get_report("a") is not None and first.get_report("b") is not None
    assert second.stats().reports == 2


def test_tantivy_reindex_replaces_changed_passages_and_source_lookup(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    backend.index([_bundle("a", ["行政复议案件", "政府信息公开"], source="x.txt")])
    backend.index([_bundle("a", ["培训"], source="x.txt")])
    assert backend.stats().passages == 1
    assert backend.search(SearchQuery(text="复议")).total == 0
    assert backend.report_ids_for_source("x.txt") == ["a"]
    assert backend.report_ids_for_source("y.txt") == []
    assert backend.delete_report("a") is True and backend.stats().passages == 0
    assert backend.delete_report("a") is False


def test_tantivy_layout_is_versioned(tmp_path: Path) -> None:
    TantivyBackend(tmp_path).index([_bundle("a", ["培训"])])
    assert (tmp_path / f"v{SCHEMA_VERSION}" / "reports.sqlite3").is_file()
    assert (tmp_path / f"v{SCHEMA_VERSION}" / "passages" / "meta.json").is_file()
