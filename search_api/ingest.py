"""Ingest: extract, check (when nlp.lint is available) and index files, idempotently.

The content hash (sha256 of the file's bytes) is the report id: an unchanged file is skipped before
extraction; a changed file (same source path, new hash) replaces its old version, whose report and
passages are deleted. Files are extracted in worker processes; writing happens here, a chunk of reports
at a time, and a bad file never stops the batch. Nothing here prints: callers pass `progress`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from indexer.backends.base import IndexOutcome, RebuildableBackend, SearchBackend
from indexer.documents import ReportBundle, build_bundle
from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Claim, Finding, Report
from nlp.settings import Settings

__all__ = ["Duplicate", "IngestFailure", "IngestSummary", "file_sha256", "ingest_paths"]

_CHUNK = 128  # reports checked and compared together: cross-year rules and boilerplate pair within a chunk


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


def _extract(path: str, settings: Settings) -> Report | IngestFailure:
    """Worker: one file → Report, or the reason it could not be read (past the time budget, or a reader
    bug, included: search_api.guard)."""
    from search_api.guard import extract_guarded

    try:
        return extract_guarded(Path(path), settings=settings)
    except GovReportError as exc:
        return IngestFailure(source=path, code=exc.code.value, message=exc.message)


def _checker() -> Callable[[Sequence[Report]], dict[str, tuple[list[Finding], list[Claim]]]] | None:
    try:
        from nlp.lint import check_reports
    except ImportError:
        return None

    def check(reports: Sequence[Report]) -> dict[str, tuple[list[Finding], list[Claim]]]:
        return {sha: (result.findings, result.claims) for sha, result in check_reports(reports).items()}

    return check


def _extracted(
    paths: Sequence[Path], *, settings: Settings, workers: int
) -> Iterator[Report | IngestFailure]:
    names = [str(p) for p in paths]
    if workers <= 1 or len(names) <= 1:
        yield from (_extract(n, settings) for n in names)
        return
    from search_api.workers import die_with_parent

    with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
        yield from pool.map(_extract, names, [settings] * len(names), chunksize=1)


def _chunks(items: Iterator[Report | IngestFailure], size: int) -> Iterator[list[Report | IngestFailure]]:
    chunk: list[Report | IngestFailure] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _topics() -> Callable[[str], list[str]]:
    from nlp.topics import topics_for

    return topics_for


def _boilerplate_by_report(reports: Sequence[Report]) -> dict[str, dict[int, list[str]]]:
    """Boilerplate flags found within this batch, as report id → passage start → flags. Copies are
    only seen between reports of the same batch (a chunk of the files given)."""
    from nlp.compare import boilerplate_flags

    by_report: dict[str, dict[int, list[str]]] = {}
    for (report_id, start), flags in boilerplate_flags(reports).items():
        by_report.setdefault(report_id, {})[start] = flags
    return by_report


class _Ingester:
    def __init__(self, backend: SearchBackend, summary: IngestSummary) -> None:
        self.backend = backend
        self.summary = summary
        self.check = _checker()
        self.topics_of = _topics()
        summary.checked = self.check is not None

    def bundles(self, reports: Sequence[Report]) -> list[tuple[ReportBundle, list[Finding]]]:
        findings = self.check(reports) if self.check and reports else {}
        copies = _boilerplate_by_report(reports)
        built = []
        for report in reports:
            found, claims = findings.get(report.sha256, ([], []))
            flags = copies.get(report.sha256, {})
            bundle = build_bundle(
                report, found, topics_of=self.topics_of, passage_flags_by_start=flags, claims=claims
            )
            built.append((bundle, found))
        return built

    def count(self, outcome: IndexOutcome, written: Sequence[tuple[ReportBundle, list[Finding]]]) -> None:
        self.summary.failed.extend(
            IngestFailure(f.source, ErrorCode.INDEX_FAILED.value, f.message) for f in outcome.failed
        )
        indexed = set(outcome.indexed)
        for bundle, findings in written:
            if bundle.report.report_id in indexed:
                self.summary.indexed += 1
                self.summary.findings_by_severity.update(f.severity for f in findings)
        self.summary.passages += outcome.passages

    def write_chunk(self, chunk: Sequence[Report | IngestFailure]) -> None:
        reports = [r for r in chunk if isinstance(r, Report)]
        self.summary.failed.extend(f for f in chunk if isinstance(f, IngestFailure))
        built = self.bundles(reports)
        if built:
            self.store(built)

    def store(self, built: Sequence[tuple[ReportBundle, list[Finding]]]) -> None:
        """One backend write for the whole chunk (one commit for tantivy); a report the engine refuses
        fails alone (IndexOutcome.failed), and old versions go only once their replacement is in."""
        stale = {b.report.report_id: self.stale_ids(b) for b, _ in built}
        try:
            outcome = self.backend.index([b for b, _ in built])
        except GovReportError as exc:
            self.summary.failed.extend(
                IngestFailure(b.report.source, exc.code.value, exc.message) for b, _ in built
            )
            return
        self.count(outcome, built)
        for report_id in outcome.indexed:
            self.summary.replaced += sum(self.backend.delete_report(i) for i in stale.get(report_id, []))

    def stale_ids(self, bundle: ReportBundle) -> list[str]:
        report = bundle.report
        return [i for i in self.backend.report_ids_for_source(report.source) if i != report.report_id]


class _Rebuilder(_Ingester):
    """Writes every report into a new version of the index, switched to only when all are in."""

    def __init__(self, backend: RebuildableBackend, summary: IngestSummary, *, target: str) -> None:
        super().__init__(backend, summary)  # type: ignore[arg-type]
        self.rebuildable = backend
        self.target = target

    def store(self, built: Sequence[tuple[ReportBundle, list[Finding]]]) -> None:
        self.count(self.rebuildable.add_to_rebuild(self.target, [b for b, _ in built]), built)


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
    for chunk in _chunks(_extracted(paths, settings=settings, workers=workers), _CHUNK):
        ingester.write_chunk(chunk)
        if progress:
            progress(len(chunk))
