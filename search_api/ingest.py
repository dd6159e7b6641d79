"""Ingest: extract, check (when nlp.lint is available) and index files, idempotently.

The content hash (sha256 of the file's bytes) is the report id: an unchanged file is skipped before
extraction; a changed file (same source path, new hash) replaces its old version, whose report and
passages are deleted. Everything but the write happens in worker processes — reading, extraction, the
lint of the report alone, topics, documents and their words — and comes back through a bounded window,
so memory does not grow with the number of files. Here, a chunk of reports at a time is judged against
its neighbourhood in the index (search_api.corpus: cross-year rules and copies, both sides updated) and
written. A bad file never stops the batch. Nothing here prints: callers pass `progress`.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.backends.base import IndexOutcome, PreparedBundle, RebuildableBackend, SearchBackend
from indexer.documents import ReportBundle, build_bundle
from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Report
from nlp.settings import Settings

if TYPE_CHECKING:  # nlp.lint is optional; search_api.corpus imports it
    from nlp.lint import CheckResult
    from search_api.corpus import IndexReader, Member

__all__ = [
    "Duplicate",
    "IngestFailure",
    "IngestSummary",
    "Prepared",
    "default_workers",
    "file_sha256",
    "ingest_paths",
]

_CHUNK = 64  # reports judged against their neighbourhoods and written together (one commit)
_IN_FLIGHT_PER_WORKER = 4  # files submitted to the pool ahead, per worker


def default_workers() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counted is not None:
        return max(1, counted() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this platform
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class IngestFailure:
    source: str
    code: str
    message: str


@dataclass(frozen=True)
class Duplicate:
    source: str  # a file not indexed because…
    same_as: str  # …this file, indexed (or indexed before), has the same bytes


@dataclass
class IngestSummary:
    files_read: int = 0
    indexed: int = 0
    unchanged: int = 0
    replaced: int = 0  # old versions deleted because their file changed
    updated: int = 0  # stored reports whose findings or flags a new neighbour changed
    passages: int = 0
    failed: list[IngestFailure] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)  # byte-identical to another file: one report
    findings_by_severity: Counter[str] = field(default_factory=Counter)
    checked: bool = True  # False when nlp.lint could not be imported

    def to_dict(self) -> dict[str, object]:
        return {
            "files_read": self.files_read,
            "indexed": self.indexed,
            "unchanged": self.unchanged,
            "replaced": self.replaced,
            "updated": self.updated,
            "passages": self.passages,
            "failed": [vars(f) for f in self.failed],
            "duplicates": [vars(d) for d in self.duplicates],
            "findings_by_severity": dict(self.findings_by_severity),
            "checked": self.checked,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Prepared:
    """One file made ready in a worker: its report, its lint checked alone and its documents (passages
    tagged and cut into words), so the writing process only judges it against its neighbourhood."""

    report: Report
    alone: CheckResult | None  # None: nlp.lint is not installed
    flags: dict[int, list[str]]  # copy flags against no neighbour (stock phrases)
    bundle: PreparedBundle


def _prepare(path: str, settings: Settings) -> Prepared | IngestFailure:
    """Worker: one file → its Prepared report, or the reason it could not be (past the time budget, or a
    reader or lint bug, included: search_api.guard)."""
    from search_api.guard import extract_guarded

    try:
        report = extract_guarded(Path(path), settings=settings)
        return _checked_within_budget(report, source=path, settings=settings)
    except GovReportError as exc:
        return IngestFailure(source=path, code=exc.code.value, message=exc.message)


def _checked_within_budget(report: Report, *, source: str, settings: Settings) -> Prepared:
    """The lint and the documents under the same per-file budget as reading; a bug there fails the file
    (INDEX_FAILED naming the exception), not the batch."""
    from nlp.readers.budget import time_budget

    try:
        with time_budget(settings.file_timeout_s, source=source, stage="checking"):
            return _prepared_report(report)
    except GovReportError:
        raise
    except (Exception, RecursionError, MemoryError) as exc:
        message = f"unexpected {type(exc).__name__} while checking: {exc}"[:500]
        raise GovReportError(ErrorCode.INDEX_FAILED, message, source=source) from exc


@cache
def _check() -> Callable[[Report], CheckResult] | None:
    try:
        from nlp.lint import check_report
    except ImportError:
        return None
    return check_report


def _prepared_report(report: Report) -> Prepared:
    from indexer.tokens import chars_field, words_field
    from nlp.compare import flags_among
    from nlp.topics import topics_for

    check = _check()
    alone = check(report) if check is not None else None
    flags = flags_among(report, [])
    findings, claims = (alone.findings, alone.claims) if alone is not None else ([], None)
    built = build_bundle(report, findings, topics_of=topics_for, passage_flags_by_start=flags, claims=claims)
    words = [words_field(p.text) for p in built.passages]
    chars = [chars_field(p.text) for p in built.passages]
    bundle = PreparedBundle(
        report=built.report,
        passages=built.passages,
        detail=built.detail,
        passage_words=words,
        passage_chars=chars,
    )
    return Prepared(report=report, alone=alone, flags=flags, bundle=bundle)


def _window(workers: int) -> int:
    """Files in flight: enough to keep every worker busy while the main process writes, few enough that
    memory does not grow with the corpus."""
    return workers * _IN_FLIGHT_PER_WORKER


def _prepared(
    paths: Sequence[Path], *, settings: Settings, workers: int
) -> Iterator[Prepared | IngestFailure]:
    """Each file prepared, in the order given: in this process (one worker), or in a pool fed through a
    bounded window of futures (never every file at once)."""
    names = [str(p) for p in paths]
    if workers <= 1 or len(names) <= 1:
        yield from (_prepare(n, settings) for n in names)
        return
    todo = deque(names)
    while todo:  # a pool whose worker died (OOM killer) fails the files in flight; the rest go on
        yield from _through_pool(todo, settings=settings, workers=workers)


def _through_pool(
    todo: deque[str], *, settings: Settings, workers: int
) -> Iterator[Prepared | IngestFailure]:
    from search_api.workers import start_worker

    in_flight: deque[tuple[str, Future[Prepared | IngestFailure]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, initializer=start_worker) as pool:
        try:
            while todo or in_flight:
                while todo and len(in_flight) < _window(workers):
                    name = todo.popleft()
                    in_flight.append((name, pool.submit(_prepare, name, settings)))
                name, future = in_flight.popleft()
                yield future.result()
        except BrokenProcessPool as exc:
            lost = [name, *(n for n, _ in in_flight)]
            message = f"a worker process died while these files were in flight: {exc}"
            yield from (IngestFailure(n, ErrorCode.READ_CORRUPT.value, message) for n in lost)


def _chunks(items: Iterator[Prepared | IngestFailure], size: int) -> Iterator[list[Prepared | IngestFailure]]:
    chunk: list[Prepared | IngestFailure] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Ingester:
    def __init__(
        self, backend: SearchBackend, summary: IngestSummary, *, reader: IndexReader | None = None
    ) -> None:
        from search_api.corpus import Neighbourhoods

        self.backend = backend
        self.summary = summary
        summary.checked = _check() is not None
        # corpus-level analysis reads the index being written: the live one, or a rebuild's new version
        self.hood = Neighbourhoods(reader or backend, checked=summary.checked)

    def write_chunk(self, chunk: Sequence[Prepared | IngestFailure]) -> None:
        self.summary.failed.extend(f for f in chunk if isinstance(f, IngestFailure))
        prepared = [p for p in chunk if isinstance(p, Prepared)]
        if not prepared:
            return
        stale = {p.report.sha256: self.stale_ids(p.bundle) for p in prepared}
        arrivals, updates = self.settled(prepared, stale)
        self.store(arrivals, stale)
        if updates:
            self.store(updates, {}, arrivals=False)

    def settled(
        self, prepared: Sequence[Prepared], stale: dict[str, list[str]]
    ) -> tuple[list[ReportBundle], list[ReportBundle]]:
        """The arrivals' bundles judged against their neighbourhoods, and the stored neighbours they
        change (search_api.corpus)."""
        from search_api.corpus import settle_chunk

        arrivals = [(_member(p), p.bundle) for p in prepared]
        hidden = {i for ids in stale.values() for i in ids}
        return settle_chunk(self.hood, arrivals, hidden=hidden)

    def count(self, outcome: IndexOutcome, written: Sequence[ReportBundle], *, arrivals: bool) -> None:
        self.summary.failed.extend(
            IngestFailure(f.source, ErrorCode.INDEX_FAILED.value, f.message) for f in outcome.failed
        )
        indexed = set(outcome.indexed)
        for bundle in written:
            if bundle.report.report_id not in indexed:
                continue
            if not arrivals:
                self.summary.updated += 1
                continue
            self.summary.indexed += 1
            self.summary.passages += len(bundle.passages)
            self.summary.findings_by_severity.update(bundle.report.findings_by_severity)

    def store(
        self, built: Sequence[ReportBundle], stale: dict[str, list[str]], *, arrivals: bool = True
    ) -> None:
        """One backend write for the whole chunk (one commit for tantivy); a report the engine refuses
        fails alone (IndexOutcome.failed), and old versions go only once their replacement is in."""
        try:
            outcome = self.write(built)
        except GovReportError as exc:
            self.summary.failed.extend(
                IngestFailure(b.report.source, exc.code.value, exc.message) for b in built
            )
            return
        self.count(outcome, built, arrivals=arrivals)
        for report_id in outcome.indexed:
            self.summary.replaced += sum(self.backend.delete_report(i) for i in stale.get(report_id, []))

    def write(self, built: Sequence[ReportBundle]) -> IndexOutcome:
        return self.backend.index(built)

    def stale_ids(self, bundle: ReportBundle) -> list[str]:
        report = bundle.report
        return [i for i in self.backend.report_ids_for_source(report.source) if i != report.report_id]


def _member(prepared: Prepared) -> Member:
    from search_api.corpus import Member

    alone = prepared.alone
    findings, claims = (alone.findings, alone.claims) if alone is not None else ([], None)
    return Member(
        doc=prepared.bundle.report,
        report=prepared.report,
        flags=prepared.flags,
        findings=findings,
        claims=claims,
        alone=alone,
    )


class _Rebuilder(_Ingester):
    """Writes every report into a new version of the index, switched to only when all are in; the
    corpus-level analysis reads that version."""

    def __init__(self, backend: RebuildableBackend, summary: IngestSummary, *, target: str) -> None:
        super().__init__(backend, summary, reader=backend.rebuild_reader(target))  # type: ignore[arg-type]
        self.rebuildable = backend
        self.target = target

    def write(self, built: Sequence[ReportBundle]) -> IndexOutcome:
        return self.rebuildable.add_to_rebuild(self.target, built)

    def stale_ids(self, bundle: ReportBundle) -> list[str]:
        return []


def _distinct(paths: Sequence[Path], summary: IngestSummary) -> list[tuple[Path, str]]:
    """Each path with its content hash, byte-identical files after the first dropped as duplicates (one
    report id can hold one report: indexing both would count two and keep one)."""
    first_of: dict[str, Path] = {}
    distinct: list[tuple[Path, str]] = []
    for path in paths:
        try:
            sha = file_sha256(path)
        except OSError as exc:
            summary.failed.append(IngestFailure(str(path), ErrorCode.READ_NOT_FOUND.value, str(exc)))
            continue
        if sha in first_of:
            summary.duplicates.append(Duplicate(str(path), str(first_of[sha])))
            continue
        first_of[sha] = path
        distinct.append((path, sha))
    return distinct


def _same_bytes(path: Path, sha: str) -> bool:
    try:
        return path.is_file() and file_sha256(path) == sha
    except OSError:
        return False


def _changed(paths: Sequence[tuple[Path, str]], backend: SearchBackend, summary: IngestSummary) -> list[Path]:
    """The files to extract: not indexed yet, or changed. A file whose bytes are indexed under another
    path that still holds them is a duplicate of it; under a path that no longer does, it was moved and
    is indexed again under its new path (same report id: the old entry is replaced)."""
    todo: list[Path] = []
    for path, sha in paths:
        known = backend.get_report(sha)
        if known is not None and known.source == str(path):
            summary.unchanged += 1
        elif known is not None and _same_bytes(Path(known.source), sha):
            summary.duplicates.append(Duplicate(str(path), known.source))
        else:
            todo.append(path)
    return todo


def ingest_paths(
    paths: Sequence[Path],
    *,
    backend: SearchBackend,
    settings: Settings,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    rebuild: bool = False,
) -> IngestSummary:
    """Extract, check and index `paths` (already expanded to files). `progress(n)` is told each time
    n more files are done. With `rebuild`, every file is indexed into a new version of the index that
    replaces the old one at once when all are written (backends that can: Elasticsearch)."""
    summary = IngestSummary(files_read=len(paths))
    distinct = _distinct([p.resolve() for p in paths], summary)
    resolved = [p for p, _ in distinct]
    if rebuild:
        if not isinstance(backend, RebuildableBackend):
            raise GovReportError(
                ErrorCode.OPTION_UNSUPPORTED,
                f"the {backend.name} backend cannot rebuild beside the live index: use elasticsearch",
                parameter="rebuild",
            )
        target = backend.begin_rebuild()
        if progress and len(resolved) < len(paths):
            progress(len(paths) - len(resolved))
        _run(_Rebuilder(backend, summary, target=target), resolved, settings, workers, progress)
        backend.finish_rebuild(target)
        return summary
    todo = _changed(distinct, backend, summary)
    if progress and len(todo) < len(paths):
        progress(len(paths) - len(todo))
    _run(_Ingester(backend, summary), todo, settings, workers, progress)
    return summary


def _run(
    ingester: _Ingester,
    paths: Sequence[Path],
    settings: Settings,
    workers: int,
    progress: Callable[[int], None] | None,
) -> None:
    for chunk in _chunks(_prepared(paths, settings=settings, workers=workers), _CHUNK):
        ingester.write_chunk(chunk)
        if progress:
            progress(len(chunk))
