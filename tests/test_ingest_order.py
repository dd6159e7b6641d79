"""Corpus-level analysis does not depend on how files arrive (issue 10, item 2): the crawler dumps in
samples/crawler/ — several bodies of one city, one of them over four years — ingested as one batch, in
reverse one at a time, and in random batches give every report the same findings and every passage the
same flags, cross-year findings and copies of last year's plan included."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import ROOT

from indexer.backends import open_backend
from indexer.backends.base import SearchBackend
from indexer.query import SearchQuery
from nlp.extract import extract_path
from nlp.settings import Settings
from search_api.ingest import IngestSummary, ingest_paths

CRAWLER = sorted((ROOT / "samples" / "crawler").glob("*.txt"))
Snapshot = dict[str, object]


def _passage_flags(backend: SearchBackend, report_id: str) -> dict[str, list[str]]:
    flags: dict[str, list[str]] = {}
    query = SearchQuery.model_validate({"filters": {"report_id": [report_id]}, "page_size": 100})
    while True:
        result = backend.search(query)
        flags.update({hit.passage_id: hit.flags for hit in result.hits})
        if result.next_page_token is None:
            return flags
        query = query.model_copy(update={"page_token": result.next_page_token})


def _snapshot(backend: SearchBackend) -> Snapshot:
    """Per report (by file name): its findings, report flags and counts, and its passages' flags."""
    found: Snapshot = {}
    for doc in backend.reports():
        detail = backend.get_detail(doc.report_id)
        assert detail is not None
        found[Path(doc.source).name] = {
            "findings": [f.model_dump(mode="json") for f in detail.findings],
            "claims": [c.model_dump(mode="json") for c in detail.claims],
            "flags": doc.flags,
            "by_rule": doc.findings_by_rule,
            "passages": _passage_flags(backend, doc.report_id),
        }
    return found


def _ingest(
    batches: Sequence[Sequence[Path]], data_dir: Path, *, backend: str, workers: int = 1
) -> tuple[Snapshot, int]:
    settings = Settings(data_dir=data_dir, backend=backend)  # type: ignore[arg-type]
    opened = open_backend(settings)
    updated = 0
    try:
        for batch in batches:
            summary: IngestSummary = ingest_paths(
                list(batch), backend=opened, settings=settings, workers=workers
            )
            assert not summary.failed and summary.indexed == len(batch), summary.to_dict()
            updated += summary.updated
        return _snapshot(opened), updated
    finally:
        opened.close()


def _random_batches(paths: Sequence[Path], seed: int) -> list[list[Path]]:
    rng = random.Random(seed)
    shuffled = list(paths)
    rng.shuffle(shuffled)
    batches = []
    while shuffled:
        size = rng.randint(1, 6)
        batches.append(shuffled[:size])
        shuffled = shuffled[size:]
    return batches


@pytest.fixture(scope="module")
def one_batch(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    snapshot, updated = _ingest([CRAWLER], tmp_path_factory.mktemp("one_batch"), backend="tantivy")
    assert updated == 0  # nothing was stored before the batch
    return snapshot


def test_ingest_order_one_batch_finds_cross_year_errors_and_copies(one_batch: Snapshot) -> None:
    rules = {f["rule"] for report in one_batch.values() for f in report["findings"]}  # type: ignore[index]
    flags = {f for report in one_batch.values() for p in report["passages"].values() for f in p}  # type: ignore[index]
    assert len(one_batch) == len(CRAWLER)
    assert rules & {"X-CARRIED-OVER", "X-IN-FORCE"}, rules
    assert {"copied_prev_year", "boilerplate"} <= flags, flags


@pytest.mark.parametrize(
    ("order", "backend"),
    [
        ("reversed_one_at_a_time", "tantivy"),
        ("random_batches_1", "tantivy"),
        ("random_batches_2", "sqlite"),
        ("reversed_two_workers", "tantivy"),
    ],
)
def test_ingest_order_gives_the_findings_and_flags_of_one_batch(
    one_batch: Snapshot, tmp_path: Path, order: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if order == "reversed_one_at_a_time":
        batches = [[path] for path in reversed(CRAWLER)]
    elif order == "reversed_two_workers":  # prepared by two processes, halves in reverse, chunks of 3
        import search_api.ingest as ingest

        monkeypatch.setattr(ingest, "_CHUNK", 3)
        batches = [list(reversed(CRAWLER[9:])), list(reversed(CRAWLER[:9]))]
    else:
        batches = _random_batches(CRAWLER, seed=int(order[-1]))
    workers = 2 if order.endswith("two_workers") else 1
    snapshot, updated = _ingest(batches, tmp_path / "data", backend=backend, workers=workers)
    if workers == 1:
        assert updated > 0  # later arrivals changed stored reports: both sides were judged again
    assert snapshot.keys() == one_batch.keys()
    for name, expected in one_batch.items():
        assert snapshot[name] == expected, name


class _Versions:
    """A RebuildableBackend over tantivy indexes in numbered folders, standing in for Elasticsearch's
    versioned indexes behind an alias: reads go to the live version, a rebuild fills the next one."""

    name = "versions"

    def __init__(self, root: Path) -> None:
        from indexer.backends.tantivy import TantivyBackend

        self.make = lambda name: TantivyBackend(root / name)
        self.live = self.make("v0")
        self.building: dict[str, object] = {}

    def begin_rebuild(self) -> str:
        name = f"v{len(self.building) + 1}"
        self.building[name] = self.make(name)
        return name

    def add_to_rebuild(self, target: str, bundles: Sequence[object]) -> object:
        return self.building[target].index(bundles)  # type: ignore[attr-defined]

    def rebuild_reader(self, target: str) -> object:
        return self.building[target]

    def finish_rebuild(self, target: str) -> None:
        old, self.live = self.live, self.building.pop(target)  # type: ignore[assignment]
        old.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self.live, name)


def test_ingest_order_rebuild_judges_reports_against_the_new_version(
    one_batch: Snapshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search_api.ingest as ingest

    monkeypatch.setattr(ingest, "_CHUNK", 4)  # neighbours arrive in later chunks than the reports they change
    versions = _Versions(tmp_path)
    files = list(reversed(CRAWLER))
    summary = ingest_paths(files, backend=versions, settings=Settings(data_dir=tmp_path), rebuild=True)  # type: ignore[arg-type]
    assert not summary.failed and summary.indexed == len(CRAWLER) and summary.updated > 0
    try:
        assert _snapshot(versions) == one_batch  # type: ignore[arg-type]
    finally:
        versions.close()


class _EmptyIndex:
    """An index that holds nothing yet (every neighbour is an arrival)."""

    def lookup_reports(self, lookup: object) -> list[object]:
        return []

    def get_report(self, report_id: str) -> None:
        return None

    def get_detail(self, report_id: str) -> None:
        return None


def test_ingest_order_written_reports_are_remembered_as_written() -> None:
    import search_api.ingest as ingest
    from search_api.corpus import Neighbourhoods, settle_chunk

    prepared = [ingest._prepared_report(extract_path(path)) for path in CRAWLER]
    hood = Neighbourhoods(_EmptyIndex(), checked=True)  # type: ignore[arg-type]
    ready, updates = settle_chunk(hood, [(ingest._member(p), p.bundle) for p in prepared], hidden=set())
    assert updates == []
    kept = [hood.stored(bundle.report) for bundle in ready]  # answered from memory: the index is empty
    assert all(member is not None for member in kept)
    for bundle, member in zip(ready, kept, strict=True):
        assert bundle.detail is not None and member is not None
        assert member.findings == bundle.detail.findings and member.doc == bundle.report
    assert any(f.rule.startswith("X-") for b in ready if b.detail for f in b.detail.findings)
