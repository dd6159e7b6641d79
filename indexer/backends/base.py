"""The one protocol every search backend implements, and the small models it answers with.

Callers (ingest, the CLI, the HTTP API) only ever speak to `SearchBackend`; which engine sits behind it
is a setting. Every method raises `GovReportError` (BACKEND_UNAVAILABLE, INDEX_FAILED, QUERY_*,
PAGE_TOKEN_INVALID) rather than an engine's own exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from indexer.documents import ReportBundle, ReportDetail, ReportDoc
from indexer.query import SearchQuery, SearchResult

__all__ = [
    "BackendStats",
    "IndexFailure",
    "IndexOutcome",
    "PreparedBundle",
    "RebuildReaderLike",
    "RebuildableBackend",
    "ReportLookup",
    "Scope",
    "SearchBackend",
    "passage_chars",
    "passage_words",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndexFailure(_Model):
    report_id: str
    source: str
    message: str
    document_id: str | None = None  # the passage or report document the engine refused, when known


class IndexOutcome(_Model):
    indexed: list[str] = Field(default_factory=list)  # report ids written in full
    passages: int = 0  # passage documents written
    failed: list[IndexFailure] = Field(default_factory=list)

    def add_written(self, bundle: ReportBundle) -> None:
        """Count a report written in full, with its passages."""
        self.indexed.append(bundle.report.report_id)
        self.passages += len(bundle.passages)


class BackendStats(_Model):
    backend: str  # "tantivy", "sqlite" or "elasticsearch"
    location: str  # database file or index alias @ URL
    reports: int
    passages: int
    years: dict[str, int] = Field(default_factory=dict)  # reports per year ("unknown" for none)


class PreparedBundle(ReportBundle):
    """A bundle whose passages were already cut into their token columns (ingest's workers do it, so the
    process writing the index neither segments nor normalises): `passage_words[i]` is
    `words_field(passages[i].text)` and `passage_chars[i]` is `chars_field(passages[i].text)`."""

    passage_words: list[str] = Field(default_factory=list)
    passage_chars: list[str] = Field(default_factory=list)


def _prepared(bundle: ReportBundle, name: str) -> list[str | None]:
    columns: list[str] = getattr(bundle, name) if isinstance(bundle, PreparedBundle) else []
    if len(columns) != len(bundle.passages):  # none, or not these passages: the backend cuts them
        return [None] * len(bundle.passages)
    return list(columns)


def passage_words(bundle: ReportBundle) -> list[str | None]:
    """Each passage's prepared words column, or None where the backend must segment it itself."""
    return _prepared(bundle, "passage_words")


def passage_chars(bundle: ReportBundle) -> list[str | None]:
    """Each passage's prepared chars column, or None where the backend must normalise it itself."""
    return _prepared(bundle, "passage_chars")


Scope = Literal["county", "city", "province"]
_SCOPE_FIELDS: dict[Scope, tuple[str, ...]] = {
    "county": ("province", "city", "county"),
    "city": ("province", "city"),
    "province": ("province",),
}


class ReportLookup(_Model):
    """Reports of the years first_year…last_year that are of this place or of this body (either will do):
    what corpus-level analysis asks for a report that arrives (its body's neighbouring years, its city's
    bodies of the year). `scope` says which place fields must be equal (None equals None); None: the
    place is not asked for; `level`, when given, must be equal too for a match by place. `body` is the
    issuing body's name, compared exactly."""

    first_year: int
    last_year: int
    province: str | None = None
    city: str | None = None
    county: str | None = None
    scope: Scope | None = "county"
    level: str | None = None
    body: str | None = None

    def place(self) -> dict[str, str | None]:
        """The fields that must be equal for a match by place, with their values (empty: not by place)."""
        fields = _SCOPE_FIELDS[self.scope] if self.scope else ()
        place = {name: getattr(self, name) for name in fields}
        return place | {"level": self.level} if place and self.level is not None else place

    def matches(self, doc: ReportDoc) -> bool:
        """The reference semantics every backend's lookup_reports answers with."""
        if doc.year is None or not self.first_year <= doc.year <= self.last_year:
            return False
        place = self.place()
        by_place = bool(place) and all(getattr(doc, k) == v for k, v in place.items())
        return by_place or (self.body is not None and doc.issuing_body == self.body)


@runtime_checkable
class SearchBackend(Protocol):
    """Index, delete, search, fetch. Implementations: indexer.backends.tantivy, .sqlite, .elasticsearch."""

    name: str

    def index(self, bundles: Sequence[ReportBundle]) -> IndexOutcome:
        """Write each report with its passages, replacing any earlier copy of the same report id.
        A report that fails is listed in `failed`; the others are still written."""
        ...

    def delete_report(self, report_id: str) -> bool:
        """Remove a report and all its passages; False when it was not indexed."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Passages matching the query, with requested facets, highlights and a next-page token."""
        ...

    def get_report(self, report_id: str) -> ReportDoc | None:
        """The report document, or None when no report has that id."""
        ...

    def get_detail(self, report_id: str) -> ReportDetail | None:
        """The report's stored detail (extraction, findings, claims), or None when the report is not
        indexed or was indexed without one."""
        ...

    def reports(self) -> list[ReportDoc]:
        """Every report document, in report id order."""
        ...

    def report_ids_for_source(self, source: str) -> list[str]:
        """Ids of the reports indexed from this source path (a changed file has an old one)."""
        ...

    def lookup_reports(self, lookup: ReportLookup) -> list[ReportDoc]:
        """The report documents `lookup.matches`, in report id order."""
        ...

    def stats(self) -> BackendStats: ...

    def close(self) -> None: ...


class RebuildReaderLike(Protocol):
    """Reads of one version of an index: what corpus-level analysis asks while a rebuild fills it."""

    def lookup_reports(self, lookup: ReportLookup) -> list[ReportDoc]: ...

    def get_report(self, report_id: str) -> ReportDoc | None: ...

    def get_detail(self, report_id: str) -> ReportDetail | None: ...


@runtime_checkable
class RebuildableBackend(Protocol):
    """A backend that can rebuild its whole index beside the live one and switch to it at once
    (Elasticsearch: a new versioned index, then the alias swapped atomically)."""

    def begin_rebuild(self) -> str:
        """Create the next version of the index, not yet searched; returns its name."""
        ...

    def add_to_rebuild(self, target: str, bundles: Sequence[ReportBundle]) -> IndexOutcome:
        """Write reports into the version being built (visible to `rebuild_reader` at once)."""
        ...

    def rebuild_reader(self, target: str) -> RebuildReaderLike:
        """Lookups and reads of the version being built, for corpus-level analysis during a rebuild."""
        ...

    def finish_rebuild(self, target: str) -> None:
        """Make the new version the one searched, and drop the old ones."""
        ...
