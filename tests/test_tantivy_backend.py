"""The tantivy backend's own parts: bigram exact-substring matching (checked against a plain substring
oracle by Hypothesis), report store, a second instance on the same folder, schema layout."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from indexer.backends import SearchBackend, open_backend
from indexer.backends import tantivy as tantivy_backend
from indexer.backends.tantivy import (
    SCHEMA_VERSION,
    TantivyBackend,
    char_bigrams,
    covering_bigrams,
    exact_query,
    passage_document,
)
from indexer.documents import PassageDoc, ReportBundle, ReportDoc
from indexer.query import SearchQuery
from indexer.tokens import char_tokens
from nlp.errors import ErrorCode, GovReportError
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


@pytest.mark.parametrize(
    ("text", "covering"),
    [
        ("行政复议", [(0, "行政"), (2, "复议")]),
        ("行政复议案", [(0, "行政"), (2, "复议"), (3, "议案")]),
        ("行政复议案件", [(0, "行政"), (2, "复议"), (4, "案件")]),
        ("行政复", [(0, "行政"), (1, "政复")]),
        ("行政", [(0, "行政")]),
        ("议", []),
    ],
)
def test_tantivy_covering_bigrams(text: str, covering: list[tuple[int, str]]) -> None:
    assert covering_bigrams(list(text)) == covering


def test_tantivy_covering_bigrams_keep_a_much_rarer_one() -> None:
    counts = {"公开": 840, "开政": 73, "政府": 757, "府信": 668, "信息": 794}
    assert covering_bigrams(list("公开政府"), freq=counts.__getitem__) == [
        (0, "公开"),
        (1, "开政"),
        (2, "政府"),
    ]
    # 府信 is rarer than 政府 and 信息, but not by half: reading its positions would not pay
    assert covering_bigrams(list("政府信息"), freq=counts.__getitem__) == [(0, "政府"), (2, "信息")]


@pytest.fixture(scope="module")
def long_texts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TantivyBackend, dict[str, str]]]:
    rng = random.Random(5)
    texts = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(4, 40))) for _ in range(60)]
    texts += ["政府信息公开政府信息公开", "政府政府信息", "信息政府信息公"]
    backend = TantivyBackend(tmp_path_factory.mktemp("long"))
    backend.index([_bundle("r0", texts)])
    yield backend, {f"r0-{i}": t for i, t in enumerate(texts)}
    backend.close()


@hypothesis_settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_tantivy_unscored_exact_form_matches_what_the_whole_phrase_matches(
    long_texts: tuple[TantivyBackend, dict[str, str]], data: st.DataObject
) -> None:
    """Counts, facets, exclusions and field-sorted pages use the covering bigrams; the passages they
    match are those the phrase of every bigram matches, and those holding the substring."""
    backend, texts = long_texts
    text = data.draw(st.sampled_from(sorted(texts.values())))
    start = data.draw(st.integers(0, len(text) - 1))
    needle = data.draw(st.one_of(st.just(text[start : start + data.draw(st.integers(1, 12))]), _TEXTS))
    chars = char_tokens(needle)
    if not chars:
        return
    normal = "".join(chars)
    expected = {pid for pid, t in texts.items() if normal in "".join(char_tokens(t))}
    searcher = backend._searcher()

    def matched(query: object) -> set[str]:
        found = searcher.search(query, limit=200)  # type: ignore[arg-type]
        return {json.loads(searcher.doc(address)["doc"][0])["passage_id"] for _, address in found.hits}

    schema = backend._schema
    assert (
        matched(exact_query(schema, chars, scored=False)) == matched(exact_query(schema, chars)) == expected
    )
    drawn = data.draw(st.dictionaries(st.text(alphabet=_ALPHABET, min_size=2, max_size=2), st.integers(0, 9)))
    for freq in (tantivy_backend.bigram_freq(searcher), lambda bigram: drawn.get(bigram, 5)):
        assert matched(exact_query(schema, chars, scored=False, freq=freq)) == expected
    if '"' in needle or not needle.strip():
        return
    phrase = f'"{needle.strip()}"'
    by_year = backend.search(SearchQuery(text=phrase, sort="year", page_size=100, facets=["kind"]))
    assert {h.passage_id for h in by_year.hits} == expected and by_year.total == len(expected)
    assert sum(b.count for b in by_year.facets["kind"]) == len(expected)
    without = backend.search(SearchQuery(text=f"政 -{phrase}", page_size=100))
    assert {h.passage_id for h in without.hits} == {
        pid for pid, t in texts.items() if "政" in t and pid not in expected
    }


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


_SENTENCES = [
    "本年度共办理行政复议案件2件。", "政府信息公开工作稳步推进。", "政策解读形式仍需丰富。",
    "加强业务培训，提升队伍能力。", "政务新媒体作用发挥不够。", "依申请公开办理质量有待提高。",
    "未发生因政府信息公开引起的行政诉讼。", "政府网站建设持续加强。",
]  # fmt: skip
_PROVINCES = [None, "河南省", "重庆市", "山西省"]


def _random_bundles(rng: random.Random, n_reports: int) -> list[ReportBundle]:
    bundles = []
    for r in range(n_reports):
        province, year = rng.choice(_PROVINCES), rng.choice([None, 2020, 2021, 2022])
        report = ReportDoc(report_id=f"rep{r:03d}", source=f"s/{r}.txt", province=province, year=year)
        passages = [
            PassageDoc(
                passage_id=f"rep{r:03d}-{i}",
                report_id=report.report_id,
                source=report.source,
                province=province,
                county=rng.choice([None, "甲县", "乙县"]),
                year=year,
                kind=rng.choice(["problem", "improvement", "other"]),
                ordinal=i,
                text="".join(rng.sample(_SENTENCES, rng.randint(1, 3))),
                topics=rng.sample(["培训", "政策解读"], 1),
            )
            for i in range(rng.randint(1, 6))
        ]
        bundles.append(ReportBundle(report=report, passages=passages))
    return bundles


@pytest.mark.parametrize("sort", ["relevance", "year", "region"])
@pytest.mark.parametrize(
    ("text", "filters"),
    [("公开", {}), ("复议", {}), ('"政府 信息"', {}), ("公开 -诉讼", {}), ("加强", {"year": [2021]}),
     ("", {"province": ["河南省", "重庆市"]}), ("政", {"topic": ["培训"]})],
)  # fmt: skip
def test_tantivy_agrees_with_sqlite(
    tmp_path: Path, sort: str, text: str, filters: dict[str, list[object]]
) -> None:
    bundles = _random_bundles(random.Random(3), 25)
    engines = [open_backend(Settings(backend=name, data_dir=tmp_path)) for name in ("sqlite", "tantivy")]
    query = SearchQuery.model_validate(
        {
            "text": text,
            "filters": filters,
            "sort": sort,
            "page_size": 100,
            "facets": ["province", "year", "kind", "topic"],
        }
    )
    results = []
    for engine in engines:
        assert not engine.index(bundles).failed
        results.append(engine.search(query))
        engine.close()
    sqlite_result, tantivy_result = results
    assert tantivy_result.total == sqlite_result.total > 0
    assert tantivy_result.facets == sqlite_result.facets
    sqlite_ids, tantivy_ids = ([h.passage_id for h in r.hits] for r in results)
    if sort == "relevance":  # BM25 differs in detail between the engines: the same hits, maybe reordered
        assert set(tantivy_ids) == set(sqlite_ids)
    else:  # year and region orders are fully specified (ties: report id, then position)
        assert tantivy_ids == sqlite_ids


def test_tantivy_write_waits_for_another_writer(tmp_path: Path) -> None:
    waiting, holder = TantivyBackend(tmp_path), TantivyBackend(tmp_path)
    held = [holder._index.writer(heap_size=15_000_000, num_threads=1)]  # another ingest mid-commit
    releaser = threading.Timer(0.3, held.clear)  # dropping the writer frees the lock
    releaser.start()
    outcome = waiting.index([_bundle("a", ["行政复议案件"])])
    releaser.join()
    assert outcome.indexed == ["a"]


def test_tantivy_write_gives_up_on_a_held_lock(tmp_path: Path) -> None:
    waiting = TantivyBackend(tmp_path, lock_wait_seconds=0.2)
    held = TantivyBackend(tmp_path)._index.writer(heap_size=15_000_000, num_threads=1)
    with pytest.raises(GovReportError) as caught:
        waiting.index([_bundle("a", ["行政复议案件"])])
    assert caught.value.code is ErrorCode.BACKEND_UNAVAILABLE
    del held


def test_tantivy_failed_commit_rolls_back_and_frees_the_lock(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    with pytest.raises(RuntimeError), backend._writer() as writer:
        writer.add_document(passage_document(_bundle("a", ["行政复议"]).passages[0]))
        raise RuntimeError("a failure between add and commit")
    assert backend.stats().passages == 0
    assert backend.index([_bundle("b", ["培训"])]).indexed == ["b"]  # the lock was freed


def test_tantivy_batch_refused_by_the_engine_is_written_report_by_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # let a too-large year past our own check, so that tantivy itself refuses it inside the batch
    monkeypatch.setattr(tantivy_backend, "_I64_MAX", 10**40)
    bad = _bundle("bad", ["行政复议"])
    bad.passages[0].year = 10**30
    backend = TantivyBackend(tmp_path)
    outcome = backend.index([_bundle("a", ["培训"]), bad, _bundle("b", ["政策解读"])])
    assert (outcome.indexed, [f.report_id for f in outcome.failed]) == (["a", "b"], ["bad"])
    assert (backend.stats().passages, backend.stats().reports) == (2, 2)


def test_tantivy_report_refused_in_a_batch_fails_alone_and_keeps_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports are prepared one by one under the write lock, as the writer indexes the one before: one
    refused by our own checks fails alone, is never marked pending (its stored version stays), and the
    rest of the batch goes in one commit."""
    backend = TantivyBackend(tmp_path)
    assert backend.index([_bundle("bad", ["培训"])]).indexed == ["bad"]
    commits = []
    writer = TantivyBackend._writer

    @tantivy_backend.contextmanager
    def counted(self: TantivyBackend) -> Iterator[object]:
        with writer(self) as inner:
            yield inner
        commits.append(1)

    monkeypatch.setattr(TantivyBackend, "_writer", counted)
    bad = _bundle("bad", ["行政复议"])
    bad.passages[0].year = 10**30  # past the index's 64-bit year: refused before the engine sees it
    outcome = backend.index([_bundle("a", ["培训"]), bad, _bundle("b", ["政策解读"])])
    assert (outcome.indexed, [f.report_id for f in outcome.failed]) == (["a", "b"], ["bad"])
    assert len(commits) == 1 and backend._pending() == []
    assert backend.search(SearchQuery(text="培训", page_size=10)).total == 2  # bad's old passage and a's
    assert (backend.stats().passages, backend.stats().reports) == (3, 3)


def test_tantivy_batch_failing_in_the_engine_midway_writes_every_other_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine refuses a document of the second report while the batch streams in: the batch rolls
    back, and every report — those handed over before and those not reached yet — is written alone."""
    writer = TantivyBackend._writer

    class Refusing:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def add_document(self, document: Any) -> int:
            if document.get_first("report_id") == "bad":
                raise ValueError("refused by the engine")
            return int(self.inner.add_document(document))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    @tantivy_backend.contextmanager
    def refusing(self: TantivyBackend) -> Iterator[object]:
        with writer(self) as inner:
            yield Refusing(inner)

    monkeypatch.setattr(TantivyBackend, "_writer", refusing)
    backend = TantivyBackend(tmp_path)
    batch = [
        _bundle("a", ["培训"]),
        _bundle("bad", ["行政复议"]),
        _bundle("b", ["政策解读"]),
        _bundle("c", ["公开"]),
    ]
    outcome = backend.index(batch)
    assert (outcome.indexed, [f.report_id for f in outcome.failed]) == (["a", "b", "c"], ["bad"])
    assert "refused by the engine" in outcome.failed[0].message
    assert (backend.stats().passages, backend.stats().reports) == (3, 3)
