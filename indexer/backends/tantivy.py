"""The embedded tantivy backend: a tantivy index directory plus a small SQLite file of report documents.

It is the default backend, chosen by `bench/search.py` at 100k passages on 2 cores (facets and
highlights on every query): query p95 about 12 ms here against about 600 ms for SQLite FTS5, whose
BM25 over every match of a common term (公开 is in 84% of passages) alone exceeds the 50 ms goal.

Passages are indexed with a `words` field of jieba words (ranking) and, for exact substrings, the
overlapping character bigrams of the normalised text (`bigrams`, with positions) plus its single
characters (`chars`, for one-character terms). A term of n >= 2 characters matches exactly where its
n-1 bigrams occur at consecutive positions, so "复议" is found inside 行政复议 as in the SQLite
backend's chars column; bigram postings are far shorter than single-character ones, which keeps common
terms (公开 is in most passages) fast. A jieba-word match on top ranks higher (BM25, words boosted).
Facets are terms aggregations over fast fields; filters are term queries on the same fields; the
stored passage document gives hits and highlights (computed on the original text by indexer.tokens.highlight).
Where nothing is scored (the facets' aggregation, exclusions, year- or region-sorted pages) a substring
is matched by its covering bigrams (every other one and the last, at their offsets): the same passages
with about half the position lists read. The scored page keeps every bigram, so BM25 is unchanged.

Report documents live beside the index in `reports.sqlite3` (lookup by id and by source). The two stores
agree after any crash: a write (or delete) first records its report ids in the store's `pending` table,
then commits tantivy, then writes the reports and clears `pending` in one transaction, all under
`write.lock` (an flock, freed by the kernel when its holder dies). Opening the index with pending ids and
no live writer removes their passages and reports: a report is there whole or not at all, and the next
ingest writes it again. Opening and creating are serialised by `open.lock`, so processes opening a fresh
data dir at once do not race to create it.

The query builders (`text_query`, `filter_queries`, `sort_options`) are pure: query in, tantivy
query objects out. User text only reaches tantivy as term and phrase queries of normalised tokens;
tantivy's query parser is never used, so no input can be a syntax error.
"""

from __future__ import annotations

import operator
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import tantivy

from indexer.backends._locks import file_lock, try_file_lock
from indexer.backends._report_store import (
    REPORTS_SCHEMA,
    delete_details,
    lookup_report_docs,
    report_counts,
    report_ids_for_source,
    store_details,
    stored_detail,
    stored_report,
    stored_reports,
)
from indexer.backends._shared import (
    FACET_LIMIT,
    hit_from_doc,
    load_or_create_key,
    missing_index_error,
    page_offset,
    token_key_of,
    top_buckets,
)
from indexer.backends.base import (
    BackendStats,
    IndexFailure,
    IndexOutcome,
    ReportLookup,
    passage_chars,
    passage_words,
)
from indexer.documents import PassageDoc, ReportBundle, ReportDetail, ReportDoc
from indexer.query import (
    CheckedQuery,
    FacetBucket,
    SearchFilters,
    SearchQuery,
    SearchResult,
    TextQuery,
    check_query,
    encode_page_token,
)
from indexer.tokens import char_tokens, word_tokens, words_field
from nlp.errors import ErrorCode, GovReportError
from nlp.settings import Settings

__all__ = [
    "FACET_FIELDS",
    "LOCK_WAIT_SECONDS",
    "SCHEMA_VERSION",
    "TantivyBackend",
    "bigram_freq",
    "build_schema",
    "char_bigrams",
    "covering_bigrams",
    "exact_query",
    "filter_queries",
    "passage_document",
    "search_queries",
    "sort_keys",
    "sort_options",
    "text_query",
]

SCHEMA_VERSION = 3  # the index and report store live under v<SCHEMA_VERSION>/: a new layout starts empty
WORDS_BOOST = 3.0  # weight of a jieba-word match relative to the chars match every hit has
WRITER_HEAP = 64_000_000
LOCK_WAIT_SECONDS = 10.0  # how long a write waits for another process's writer to finish
# facet / filter name → tantivy field (raw-tokenised fast text, or the i64 year)
FACET_FIELDS: dict[str, str] = {
    "province": "province",
    "city": "city",
    "county": "county",
    "level": "level",
    "year": "year",
    "section": "section",
    "kind": "kind",
    "body": "body",
    "report_id": "report_id",
    "topic": "topic",
    "flag": "flag",
}
_STRING_FIELDS = tuple(f for f in FACET_FIELDS.values() if f != "year")
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_AGG_SIZE = 200  # buckets asked per facet before our own (count, value) ordering cuts to FACET_LIMIT
_TOKENIZER = "ws"
BigramFreq = Callable[[str], int]  # passages holding a bigram
_PENDING_SCHEMA = "CREATE TABLE IF NOT EXISTS pending (report_id TEXT PRIMARY KEY);"


# --- schema and documents (pure) -------------------------------------------------------------------


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("words", "bigrams"):
        builder.add_text_field(name, stored=False, tokenizer_name=_TOKENIZER, index_option="position")
    builder.add_text_field("chars", stored=False, tokenizer_name=_TOKENIZER, index_option="freq")
    for name in _STRING_FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_integer_field("year", stored=False, indexed=True, fast=True)
    # whole sort keys (see sort_keys): one fast field orders by year or region, then report and position
    for name in ("year_sort", "region_sort"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_bytes_field("doc", stored=True, indexed=False)
    return builder.build()


def sort_keys(doc: PassageDoc) -> dict[str, str]:
    """Ascending text keys for the year and region orders, ending in report id and ordinal as the SQLite
    backend's ORDER BY does, so ties never fall back to document addresses (which merges change)."""
    tail = f"\x1f{doc.report_id}\x1f{doc.ordinal:08d}"
    year = "z" if doc.year is None else f"{9999 - doc.year:04d}"  # newest first, no year last
    unknown = "1" if doc.province is None else "0"  # no province: last
    region = unknown + "\x1f".join((doc.province or "", doc.city or "", doc.county or ""))
    return {"year_sort": year + tail, "region_sort": region + tail}


def char_bigrams(chars: Sequence[str]) -> list[str]:
    """Overlapping pairs of neighbouring characters: 行政复议 → 行政 政复 复议."""
    return list(map(operator.add, chars, chars[1:]))  # ~20% faster than a comprehension over pairs


def passage_document(
    doc: PassageDoc, *, words: str | None = None, chars_column: str | None = None
) -> tantivy.Document:
    """The tantivy document of one passage: token fields, facet fields, the stored JSON. `words` and
    `chars_column`: the words and chars columns when already cut (ingest's workers), else cut here."""
    chars = char_tokens(doc.text) if chars_column is None else chars_column.split()
    fields: dict[str, Any] = {
        "words": words_field(doc.text) if words is None else words,
        "bigrams": " ".join(char_bigrams(chars)),
        "chars": " ".join(chars),
        "report_id": doc.report_id,
        "level": doc.level,
        "kind": doc.kind,
        "doc": doc.model_dump_json().encode("utf-8"),
    }
    if doc.year is not None and not _I64_MIN <= doc.year <= _I64_MAX:
        raise ValueError(f"year {doc.year} does not fit the index's 64-bit year field")
    optional = {
        "province": doc.province,
        "city": doc.city,
        "county": doc.county,
        "section": doc.section,
        "body": doc.issuing_body,
        "year": doc.year,
    }
    fields.update({name: value for name, value in optional.items() if value is not None})
    fields.update(sort_keys(doc))
    if doc.topics:
        fields["topic"] = list(doc.topics)
    if doc.flags:
        fields["flag"] = list(doc.flags)
    return tantivy.Document(**fields)


# --- queries (pure) --------------------------------------------------------------------------------


def _tokens_query(schema: tantivy.Schema, field: str, tokens: Sequence[str]) -> tantivy.Query:
    if len(tokens) == 1:
        return tantivy.Query.term_query(schema, field, tokens[0])
    return tantivy.Query.phrase_query(schema, field, list(tokens))


def covering_bigrams(chars: Sequence[str], *, freq: BigramFreq | None = None) -> list[tuple[int, str]]:
    """Bigrams of `chars`, with their offsets, that cover every character: those at even offsets and
    the last (行政复议案件 → 行政@0 复议@2 案件@4), and, given `freq` (passages holding a bigram), the rarest
    when it is under half as frequent as every one of those. A passage holds them at these offsets from
    one position exactly where it holds all the bigrams there, that is the whole substring: the same
    matches as the full phrase with about half of its position lists to read. The rarest drives the
    phrase's intersection: 公开政府 without 开政 (73k of 1M passages) would read the positions of 公开 and
    政府 in most passages."""
    bigrams = char_bigrams(chars)
    if not bigrams:
        return []
    offsets = {*range(0, len(bigrams), 2), len(bigrams) - 1}
    if freq is not None and len(offsets) < len(bigrams):
        counts = [freq(bigram) for bigram in bigrams]
        rarest = min(range(len(bigrams)), key=counts.__getitem__)
        if counts[rarest] * 2 < min(counts[i] for i in offsets):  # it narrows the candidates: worth a list
            offsets.add(rarest)
    return [(offset, bigrams[offset]) for offset in sorted(offsets)]


def exact_query(
    schema: tantivy.Schema, chars: Sequence[str], *, scored: bool = True, freq: BigramFreq | None = None
) -> tantivy.Query:
    """Passages holding these normalised characters contiguously (an exact substring). `scored`: the
    phrase of every bigram, whose BM25 ranks; else the covering bigrams (the same passages, cheaper; see
    covering_bigrams for `freq`), for exclusions, counts, facets and field-sorted pages, where no score
    is computed."""
    if len(chars) == 1:
        return tantivy.Query.term_query(schema, "chars", chars[0])
    if scored or len(chars) <= 3:  # up to 2 bigrams, all are needed
        return _tokens_query(schema, "bigrams", char_bigrams(chars))
    return tantivy.Query.phrase_query(schema, "bigrams", list(covering_bigrams(chars, freq=freq)))


def _term_query(
    schema: tantivy.Schema, term: str, *, scored: bool = True, freq: BigramFreq | None = None
) -> tantivy.Query | None:
    chars = char_tokens(term)
    if not chars:
        return None
    exact = exact_query(schema, chars, scored=scored, freq=freq)
    words = word_tokens(term) if scored else []  # the words only rank: unscored, every hit matches `exact`
    if not words:
        return exact
    boosted = tantivy.Query.boost_query(_tokens_query(schema, "words", words), WORDS_BOOST)
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, exact), (tantivy.Occur.Should, boosted)])


def text_query(
    schema: tantivy.Schema, text: TextQuery, *, scored: bool = True, freq: BigramFreq | None = None
) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """The clauses of the text: every positive term must match, no excluded one may. Without a
    positive term only MustNot clauses remain, and the filters select (check_query ensures some).
    `scored=False`: clauses that match the same passages without what only ranks (for counts, facets
    and field-sorted pages); exclusions never score, so they always take the cheaper form."""
    terms = (_term_query(schema, t, scored=scored, freq=freq) for t in text.positive)
    positive = [q for q in terms if q is not None]
    clauses = [(tantivy.Occur.Must, q) for q in positive]
    for term in text.excluded:
        if chars := char_tokens(term):
            clauses.append((tantivy.Occur.MustNot, exact_query(schema, chars, scored=False, freq=freq)))
    return clauses


def filter_queries(schema: tantivy.Schema, filters: SearchFilters) -> list[tantivy.Query]:
    """One query per active filter: its values OR-ed (a term set), to be AND-ed with the text."""
    return [
        tantivy.Query.term_set_query(schema, FACET_FIELDS[name], list(values))
        for name, values in sorted(filters.active().items())
    ]


def sort_options(sort: str) -> dict[str, Any]:
    """Keyword arguments of Searcher.search for the sort order (relevance needs none)."""
    if sort == "year":
        return {"order_by_field": "year_sort", "order": tantivy.Order.Asc}
    if sort == "region":
        return {"order_by_field": "region_sort", "order": tantivy.Order.Asc}
    return {}


def _combined(
    schema: tantivy.Schema, checked: CheckedQuery, *, scored: bool = True, freq: BigramFreq | None = None
) -> tuple[tantivy.Query, bool]:
    """The whole query, and whether it scores by text (False: filters only). `scored=False`: the
    same passages, built for a pass that computes no score (see text_query)."""
    clauses = text_query(schema, checked.text, scored=scored, freq=freq)
    ranks = any(occur == tantivy.Occur.Must for occur, _ in clauses)
    filters = filter_queries(schema, checked.query.filters)
    # filters do not score: a constant score keeps BM25 of the text the only ranking signal
    clauses += [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
    if not clauses:
        return tantivy.Query.all_query(), False
    return tantivy.Query.boolean_query(clauses), ranks


def search_queries(
    schema: tantivy.Schema, checked: CheckedQuery, *, freq: BigramFreq | None = None
) -> tuple[tantivy.Query, tantivy.Query, bool]:
    """The query of the page's hits, the query of the total and facets (an aggregation, unscored), and
    whether the hits rank by text. Both match the same passages; a field-sorted page computes no
    score, so its hits come from the cheaper form as well. `freq`: see covering_bigrams."""
    unscored, ranks = _combined(schema, checked, scored=False, freq=freq)
    if not ranks or sort_options(checked.query.sort):
        return unscored, unscored, ranks
    return _combined(schema, checked, freq=freq)[0], unscored, ranks


def bigram_freq(searcher: tantivy.Searcher) -> BigramFreq:
    """The passages holding a bigram, by the searcher's term dictionaries (deleted ones included)."""
    return lambda bigram: int(searcher.doc_freq("bigrams", bigram))


def _aggregations(names: Sequence[str]) -> dict[str, Any]:
    return {name: {"terms": {"field": FACET_FIELDS[name], "size": _AGG_SIZE}} for name in names}


def _buckets(answer: dict[str, Any], name: str) -> list[FacetBucket]:
    counts = []
    for bucket in answer.get(name, {}).get("buckets", []):
        key = bucket["key"]
        value = int(key) if name == "year" else str(key)
        counts.append((value, int(bucket["doc_count"])))
    return top_buckets(counts, limit=FACET_LIMIT)


def _count(found: tantivy.SearchResult) -> int:
    # `count` exists at run time (search(count=True)) but is missing from tantivy's type stub
    return int(getattr(found, "count", 0) or 0)


# --- the backend -----------------------------------------------------------------------------------


def _unavailable(message: str, path: Path) -> GovReportError:
    return GovReportError(ErrorCode.BACKEND_UNAVAILABLE, message, source=str(path))


class TantivyBackend:
    """SearchBackend over a tantivy index directory (passages) and reports.sqlite3 (reports)."""

    name = "tantivy"

    def __init__(
        self,
        path: Path,
        *,
        max_query_chars: int = 500,
        page_size_cap: int = 100,
        lock_wait_seconds: float = LOCK_WAIT_SECONDS,
        token_key: bytes | None = None,
        create: bool = True,
    ) -> None:
        """Open the index at `path`, creating it when `create` (else INDEX_NOT_FOUND if there is none).
        `token_key` signs page tokens; None: a random key kept beside the index (path's parent)."""
        self.path = path
        self.max_query_chars = max_query_chars
        self.page_size_cap = page_size_cap
        self.lock_wait_seconds = lock_wait_seconds
        self._lock = threading.RLock()
        self._stale = False  # a commit of ours the searcher has not loaded yet
        self._schema = build_schema()
        layout = path / f"v{SCHEMA_VERSION}"
        if not create and not self.exists(path):
            raise missing_index_error(path, what="tantivy index")
        try:
            layout.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _unavailable(f"cannot create the index folder: {exc}", path) from exc
        self._write_lock = layout / "write.lock"
        with file_lock(layout / "open.lock", timeout=max(30.0, lock_wait_seconds), what="open"):
            self._index = self._open_index(layout, self._schema)
            self._reports = self._open_reports(layout / "reports.sqlite3")
        self.recover()
        self.token_key = token_key or load_or_create_key(path.parent)

    @staticmethod
    def exists(path: Path) -> bool:
        """Whether `path` holds an index of this layout (its passages and its report store)."""
        layout = path / f"v{SCHEMA_VERSION}"
        return (layout / "passages" / "meta.json").is_file() and (layout / "reports.sqlite3").is_file()

    @classmethod
    def from_settings(cls, settings: Settings, *, create: bool = True) -> TantivyBackend:
        return cls(
            settings.data_dir / "tantivy",
            max_query_chars=settings.max_query_chars,
            page_size_cap=settings.page_size_cap,
            token_key=token_key_of(settings),
            create=create,
        )

    @staticmethod
    def _open_index(path: Path, schema: tantivy.Schema) -> tantivy.Index:
        try:
            (path / "passages").mkdir(parents=True, exist_ok=True)
            index = tantivy.Index(schema, path=str(path / "passages"), reuse=True)
        except (ValueError, OSError) as exc:
            raise _unavailable(f"cannot open the tantivy index: {exc}", path) from exc
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        index.register_tokenizer(_TOKENIZER, analyzer)  # not persisted: needed on every open
        return index

    @staticmethod
    def _open_reports(path: Path) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(REPORTS_SCHEMA + _PENDING_SCHEMA)
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            raise _unavailable(f"cannot open the report store: {exc}", path) from exc
        return conn

    # --- agreeing after a crash --------------------------------------------------------------------

    def _pending(self) -> list[str]:
        return [r[0] for r in self._reports.execute("SELECT report_id FROM pending")]

    def _mark_pending(self, report_ids: Sequence[str]) -> None:
        """Step 1 of every change: these reports may be half-written until step 3 clears them."""
        with self._transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO pending VALUES (?)", [(i,) for i in report_ids])

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._reports
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def recover(self) -> list[str]:
        """Remove the reports a crashed write or delete left pending (their passages in tantivy and
        their rows in the store), unless a live process holds the write lock (its write is under way).
        Returns the report ids removed."""
        with self._lock:
            if not self._pending():
                return []
            with try_file_lock(self._write_lock) as held:
                if not held:
                    return []
                pending = self._pending()
                if pending:
                    with self._writer() as writer:
                        for report_id in pending:
                            writer.delete_documents_by_term("report_id", report_id)
                    with self._transaction() as conn:
                        conn.executemany("DELETE FROM reports WHERE report_id = ?", [(i,) for i in pending])
                        delete_details(conn, pending)
                        conn.executemany("DELETE FROM pending WHERE report_id = ?", [(i,) for i in pending])
                    self._searcher()  # loaded at once: whoever opened the index sees it recovered
                return pending

    def _acquire_writer(self) -> tantivy.IndexWriter:
        """The index's one writer; another process (a second ingest) may hold it for a commit, so wait
        up to `lock_wait_seconds` before giving up."""
        deadline = time.monotonic() + self.lock_wait_seconds
        while True:
            try:
                return self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as exc:
                if "LockBusy" not in str(exc) or time.monotonic() >= deadline:
                    raise GovReportError(
                        ErrorCode.BACKEND_UNAVAILABLE,
                        f"cannot write the tantivy index (another writer holds it?): {exc}",
                        source=str(self.path),
                    ) from exc
            time.sleep(0.05)

    @contextmanager
    def _writer(self) -> Iterator[tantivy.IndexWriter]:
        """A writer for one commit (or a rollback on error). wait_merging_threads consumes it, which
        frees the index lock at once, so another process (a second ingest) can write in turn. The
        next read reloads the searcher (_searcher), not each commit: a batch of writes pays one reload."""
        writer = self._acquire_writer()
        try:
            yield writer
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        self._stale = True

    def _searcher(self) -> tantivy.Searcher:
        """A searcher that sees every commit of this process (another process's commits arrive through
        tantivy's reload on commit, as before)."""
        if self._stale:
            self._stale = False
            self._index.reload()
        return self._index.searcher()

    # --- writing -----------------------------------------------------------------------------------

    @staticmethod
    def _prepare(bundle: ReportBundle) -> list[tantivy.Document] | IndexFailure:
        documents: list[tantivy.Document] = []
        columns = zip(bundle.passages, passage_words(bundle), passage_chars(bundle), strict=True)
        for passage, words, chars in columns:
            try:
                documents.append(passage_document(passage, words=words, chars_column=chars))
            except (ValueError, TypeError, OverflowError) as exc:
                report = bundle.report
                return IndexFailure(
                    report_id=report.report_id,
                    source=report.source,
                    message=f"passage refused: {exc}",
                    document_id=passage.passage_id,
                )
        return documents

    def _store_reports(self, bundles: Sequence[ReportBundle]) -> None:
        """Step 3 of a write: the reports (and details) stored and their pending marks cleared, in one
        transaction."""
        rows = [(r.report_id, r.source, r.year, r.model_dump_json()) for r in (b.report for b in bundles)]
        with self._transaction() as conn:
            conn.executemany("DELETE FROM reports WHERE report_id = ?", [(r[0],) for r in rows])
            conn.executemany("INSERT INTO reports VALUES (?, ?, ?, ?)", rows)
            store_details(conn, bundles)
            conn.executemany("DELETE FROM pending WHERE report_id = ?", [(r[0],) for r in rows])

    @contextmanager
    def _changing(self, report_ids: Sequence[str]) -> Iterator[None]:
        """The write lock held across the three steps of a change to these reports."""
        with self._lock, file_lock(self._write_lock, timeout=self.lock_wait_seconds, what="write"):
            self._mark_pending(report_ids)
            yield

    def _write(self, ready: Sequence[tuple[ReportBundle, list[tantivy.Document]]]) -> None:
        """Pending marks, one tantivy commit for the whole batch, then one report-store transaction."""
        with self._changing([bundle.report.report_id for bundle, _ in ready]):
            with self._writer() as writer:
                for bundle, documents in ready:
                    # deletes apply to documents added before them: the new copy survives
                    writer.delete_documents_by_term("report_id", bundle.report.report_id)
                    for document in documents:
                        writer.add_document(document)
            self._store_reports([bundle for bundle, _ in ready])

    def _write_streaming(
        self,
        bundles: Iterator[ReportBundle],
        outcome: IndexOutcome,
        ready: list[tuple[ReportBundle, list[tantivy.Document]]],
    ) -> None:
        """_write for a whole batch, each report prepared under the write lock and handed to the writer at
        once: tantivy indexes it in its own thread while the next one is prepared here, where preparing
        everything first left that thread idle until the end. The reports handed over are marked pending
        in one transaction before the commit (nothing is durable before it, so a crash still leaves no
        unmarked half report); then the report store's transaction. `ready` collects the reports handed
        over, for the caller's report-by-report retry when the batch fails; the bundles not reached
        stay in `bundles`."""
        with self._lock, file_lock(self._write_lock, timeout=self.lock_wait_seconds, what="write"):
            with ExitStack() as stack:
                writer: tantivy.IndexWriter | None = None
                for bundle in bundles:
                    prepared = self._prepare(bundle)
                    if isinstance(prepared, IndexFailure):
                        outcome.failed.append(prepared)
                        continue
                    ready.append((bundle, prepared))
                    if writer is None:
                        writer = stack.enter_context(self._writer())
                    # deletes apply to documents added before them: the new copy survives
                    writer.delete_documents_by_term("report_id", bundle.report.report_id)
                    for document in prepared:
                        writer.add_document(document)
                if ready:
                    self._mark_pending([bundle.report.report_id for bundle, _ in ready])  # then the commit
            if ready:
                self._store_reports([bundle for bundle, _ in ready])

    def index(self, bundles: Sequence[ReportBundle]) -> IndexOutcome:
        outcome = IndexOutcome()
        ready: list[tuple[ReportBundle, list[tantivy.Document]]] = []
        remaining = iter(bundles)
        try:
            self._write_streaming(remaining, outcome, ready)
        except (ValueError, sqlite3.Error):
            # the batch was rolled back: write report by report, so one bad report fails alone
            for item in ready:
                self._write_one(item, outcome)
            for bundle in remaining:  # not reached by the batch
                prepared = self._prepare(bundle)
                if isinstance(prepared, IndexFailure):
                    outcome.failed.append(prepared)
                else:
                    self._write_one((bundle, prepared), outcome)
            return outcome
        for bundle, _ in ready:
            outcome.add_written(bundle)
        return outcome

    def _write_one(self, item: tuple[ReportBundle, list[tantivy.Document]], outcome: IndexOutcome) -> None:
        report = item[0].report
        try:
            self._write([item])
        except (ValueError, sqlite3.Error) as exc:
            outcome.failed.append(
                IndexFailure(report_id=report.report_id, source=report.source, message=str(exc))
            )
            return
        outcome.add_written(item[0])

    def delete_report(self, report_id: str) -> bool:
        with self._lock:
            known = self.get_report(report_id) is not None
            hits = self._searcher().search(
                tantivy.Query.term_query(self._schema, "report_id", report_id), limit=1, count=True
            )
            if not known and not _count(hits):
                return False
            try:
                with self._changing([report_id]):
                    with self._writer() as writer:
                        writer.delete_documents_by_term("report_id", report_id)
                    with self._transaction() as conn:
                        conn.execute("DELETE FROM reports WHERE report_id = ?", (report_id,))
                        delete_details(conn, [report_id])
                        conn.execute("DELETE FROM pending WHERE report_id = ?", (report_id,))
            except (ValueError, sqlite3.Error) as exc:
                raise GovReportError(ErrorCode.INDEX_FAILED, f"cannot delete report: {exc}") from exc
            return known

    # --- reading -----------------------------------------------------------------------------------

    def get_report(self, report_id: str) -> ReportDoc | None:
        with self._lock:
            return stored_report(self._reports, report_id)

    def get_detail(self, report_id: str) -> ReportDetail | None:
        with self._lock:
            return stored_detail(self._reports, report_id)

    def reports(self) -> list[ReportDoc]:
        with self._lock:
            return stored_reports(self._reports)

    def report_ids_for_source(self, source: str) -> list[str]:
        with self._lock:
            return report_ids_for_source(self._reports, source)

    def lookup_reports(self, lookup: ReportLookup) -> list[ReportDoc]:
        with self._lock:
            return lookup_report_docs(self._reports, lookup)

    def stats(self) -> BackendStats:
        with self._lock:
            reports, by_year = report_counts(self._reports)
            passages = self._searcher().num_docs
        return BackendStats(
            backend=self.name, location=str(self.path), reports=reports, passages=passages, years=by_year
        )

    def close(self) -> None:
        with self._lock:
            self._reports.close()

    # --- searching ---------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        checked = check_query(
            query, max_chars=self.max_query_chars, page_size_cap=self.page_size_cap, token_key=self.token_key
        )
        offset = page_offset(checked.after)
        facet_names = list(dict.fromkeys(query.facets))
        options = sort_options(query.sort)
        try:
            searcher = self._searcher()
        except ValueError as exc:
            raise GovReportError(ErrorCode.BACKEND_UNAVAILABLE, f"search failed: {exc}") from exc
        hits_query, facets_query, scored = search_queries(self._schema, checked, freq=bigram_freq(searcher))
        try:
            found = searcher.search(hits_query, limit=query.page_size, count=True, offset=offset, **options)
            answer = searcher.aggregate(facets_query, _aggregations(facet_names)) if facet_names else {}
            docs = [searcher.doc(address)["doc"][0] for _, address in found.hits]
        except ValueError as exc:
            raise GovReportError(ErrorCode.BACKEND_UNAVAILABLE, f"search failed: {exc}") from exc
        relevance = scored and not options
        hits = [
            hit_from_doc(
                PassageDoc.model_validate_json(raw),
                needles=checked.text.positive,
                score=float(key) if relevance else None,
            )
            for (key, _), raw in zip(found.hits, docs, strict=True)
        ]
        total = _count(found)
        end = offset + len(hits)
        return SearchResult(
            total=total,
            hits=hits,
            facets={name: _buckets(answer, name) for name in facet_names},
            next_page_token=encode_page_token(query, after=[end], key=self.token_key)
            if end < total
            else None,
        )
