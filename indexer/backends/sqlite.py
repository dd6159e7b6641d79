"""The embedded backend: one SQLite file with FTS5, from the standard library.

Each passage is indexed twice in one FTS5 table: a `words` column of jieba words (ranking) and a
`chars` column of single characters (exact substrings). A query term matches when its characters occur
contiguously; a jieba-word match on top ranks a passage higher (BM25, words weighted over chars).
A words match implies a chars match (both are the same normalised characters), so when nothing is
ranked (filters only, sort by year or region) the MATCH is the chars phrase alone, and BM25 is only
computed for relevance order. Facets are GROUP BY over the matched set, whose facet columns are read
through a covering index; highlights are computed on the original text.

The query builders (`match_expression`, `filter_clause`, ...) are pure: query in, SQL text and
parameters out. Every SQL parameter is bound; user text only reaches FTS5 as quoted phrases of
letters and digits, so no query can produce an SQL or FTS5 syntax error.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from indexer.backends._locks import file_lock
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
    Hit,
    SearchQuery,
    SearchResult,
    TextQuery,
    check_query,
    encode_page_token,
)
from indexer.tokens import char_tokens, chars_field, word_tokens, words_field
from nlp.errors import ErrorCode, GovReportError
from nlp.settings import Settings

__all__ = [
    "FACET_COLUMNS",
    "SCHEMA_VERSION",
    "SqliteBackend",
    "combined_facets_sql",
    "exclusion_clause",
    "facet_sql",
    "filter_clause",
    "hits_sql",
    "marginal_buckets",
    "match_expression",
    "order_clause",
]

SCHEMA_VERSION = 1
WORDS_WEIGHT = 3.0  # bm25 weight of the jieba-words column relative to the chars column
CHARS_WEIGHT = 1.0
CACHE_KIB = 64 * 1024  # page cache per connection
MMAP_BYTES = 1 << 30  # read the file through the OS page cache, no copy into SQLite's
# facet / filter name → passages column; topic and flag live in passage_tags
FACET_COLUMNS: dict[str, str] = {
    "province": "province",
    "city": "city",
    "county": "county",
    "level": "level",
    "year": "year",
    "section": "section",
    "kind": "kind",
    "body": "issuing_body",
    "report_id": "report_id",
}
TAG_FACETS = ("topic", "flag")

_SCHEMA = (
    REPORTS_SCHEMA
    + """
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY,
    passage_id TEXT NOT NULL UNIQUE,
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    issuing_body TEXT, province TEXT, city TEXT, county TEXT, level TEXT, year INTEGER,
    section TEXT, kind TEXT, ordinal INTEGER NOT NULL, text TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_report ON passages(report_id, ordinal);
CREATE TABLE IF NOT EXISTS passage_tags (
    passage INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    facet TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passage_tags_value ON passage_tags(facet, value, passage);
-- a hit's tags of one facet, read from the index alone (topic and flag facets join on it per hit)
CREATE INDEX IF NOT EXISTS passage_tags_facets ON passage_tags(passage, facet, value);
DROP INDEX IF EXISTS passage_tags_passage;
-- covering index: facet and sort columns of a matched rowid without reading the wide row (text, doc)
CREATE INDEX IF NOT EXISTS passages_facets ON passages(
    id, province, city, county, level, year, section, kind, issuing_body, report_id, ordinal
);
CREATE VIRTUAL TABLE IF NOT EXISTS passage_fts USING fts5(words, chars, tokenize = 'unicode61');
"""
)


# --- pure query builders ---------------------------------------------------------------------------


def _phrase(tokens: Sequence[str]) -> str:
    # tokens are letters and digits only (tokens.py), so they never contain a double quote
    return '"' + " ".join(tokens) + '"'


def _term_expression(term: str, *, ranked: bool) -> str | None:
    chars = char_tokens(term)
    if not chars:
        return None
    words = word_tokens(term)
    if not ranked or not words:
        return f"chars : {_phrase(chars)}"
    return f"(chars : {_phrase(chars)} OR words : {_phrase(words)})"


def match_expression(text: TextQuery, *, ranked: bool = True) -> str | None:
    """The FTS5 MATCH expression of the text, or None when the text has no positive term. Unranked,
    it leaves out the words phrases: they select nothing the chars phrases do not, they only score."""
    positive = [e for e in (_term_expression(t, ranked=ranked) for t in text.positive) if e]
    if not positive:
        return None
    expression = " AND ".join(positive)
    if negative := _negative_expression(text):
        expression = f"({expression}) NOT ({negative})"
    return expression


def _negative_expression(text: TextQuery) -> str | None:
    negative = [f"chars : {_phrase(chars)}" for t in text.excluded if (chars := char_tokens(t))]
    return " OR ".join(negative) or None


def exclusion_clause(text: TextQuery) -> tuple[str, list[object]]:
    """SQL condition for exclusions when the text has no positive term (filters select): FTS5's NOT
    needs a left side, so the excluded passages are subtracted in SQL instead."""
    negative = _negative_expression(text)
    if text.positive or negative is None:
        return "1", []
    return "p.id NOT IN (SELECT rowid FROM passage_fts WHERE passage_fts MATCH ?)", [negative]


def filter_clause(filters: dict[str, list[str] | list[int]]) -> tuple[str, list[object]]:
    """SQL conditions on `p` (passages) for the active filters, and their parameters."""
    clauses: list[str] = []
    params: list[object] = []
    for name, values in sorted(filters.items()):
        marks = ", ".join("?" for _ in values)
        if name in TAG_FACETS:
            tagged = f"SELECT passage FROM passage_tags WHERE facet = ? AND value IN ({marks})"
            clauses.append(f"p.id IN ({tagged})")
            params.append(name)
        else:
            clauses.append(f"p.{FACET_COLUMNS[name]} IN ({marks})")
        params.extend(values)
    return (" AND ".join(clauses) or "1"), params


# The matched set is materialised once per search with the columns facets and sorting need, so the
# facet counts and the page never join back to the (wide) passages table.
_HIT_COLUMNS = (
    "province", "city", "county", "level", "year", "section", "kind", "issuing_body", "report_id", "ordinal",
)  # fmt: skip
_HITS_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS hits (rowid INTEGER PRIMARY KEY, score REAL, "
    + ", ".join(_HIT_COLUMNS)
    + ")"
)


def order_clause(sort: str) -> str:
    """ORDER BY over temp.hits; ties broken by passage order so pages are stable."""
    tail = "h.report_id, h.ordinal"
    if sort == "year":
        return f"h.year IS NULL, h.year DESC, h.score, {tail}"
    if sort == "region":
        return f"h.province IS NULL, h.province, h.city, h.county, h.score, {tail}"
    return f"h.score, {tail}"


def facet_sql(name: str) -> str:
    """Counts of one facet over temp.hits, most frequent first."""
    if name in TAG_FACETS:
        # INDEXED BY: on (facet, value, passage) SQLite would scan every tag of the facet for every hit
        return (
            "SELECT t.value, count(*) FROM temp.hits h "
            "CROSS JOIN passage_tags t INDEXED BY passage_tags_facets ON t.passage = h.rowid "
            "WHERE t.facet = ? GROUP BY t.value ORDER BY count(*) DESC, t.value LIMIT ?"
        )
    column = FACET_COLUMNS[name]
    return (
        f"SELECT {column}, count(*) FROM temp.hits WHERE {column} IS NOT NULL "
        f"GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT ?"
    )


def combined_facets_sql(names: Sequence[str]) -> str:
    """Counts of every combination of the column facets' values over temp.hits: one pass over the
    matched set instead of one per facet; `marginal_buckets` sums the (few) groups per facet."""
    columns = ", ".join(FACET_COLUMNS[name] for name in names)
    return f"SELECT {columns}, count(*) FROM temp.hits GROUP BY {columns}"


def marginal_buckets(
    rows: Sequence[Sequence[object]], names: Sequence[str], *, limit: int = FACET_LIMIT
) -> dict[str, list[FacetBucket]]:
    """Per-facet buckets from combination counts (each row: one value per facet, then a count)."""
    counts: dict[str, Counter[str | int]] = {name: Counter() for name in names}
    for row in rows:
        count = row[-1]
        for name, value in zip(names, row[:-1], strict=False):
            if value is not None:
                counts[name][value] += count  # type: ignore[index,operator]
    return {name: top_buckets(counts[name].items(), limit=limit) for name in names}


def hits_sql(expression: str | None, where: str, *, ranked: bool) -> str:
    """INSERT of the matched passages (rowid, score, facet columns) into temp.hits; the score is BM25
    when ranked, else 0.0 (BM25 over every match is most of a common term's cost)."""
    columns = ", ".join(f"p.{c}" for c in _HIT_COLUMNS)
    if expression is None:
        return (
            f"INSERT INTO temp.hits SELECT p.id, 0.0, {columns} "
            f"FROM passages p INDEXED BY passages_facets WHERE {where}"
        )
    score = f"bm25(passage_fts, {WORDS_WEIGHT}, {CHARS_WEIGHT})" if ranked else "0.0"
    return (
        f"INSERT INTO temp.hits SELECT f.rowid, {score}, {columns} FROM passage_fts f "
        f"CROSS JOIN passages p INDEXED BY passages_facets ON p.id = f.rowid "
        f"WHERE passage_fts MATCH ? AND {where}"
    )


# --- rows ↔ documents ------------------------------------------------------------------------------


def _passage_row(doc: PassageDoc) -> tuple[object, ...]:
    return (
        doc.passage_id, doc.report_id, doc.source, doc.issuing_body, doc.province, doc.city, doc.county,
        doc.level, doc.year, doc.section, doc.kind, doc.ordinal, doc.text, doc.model_dump_json(),
    )  # fmt: skip


def _hit(row: sqlite3.Row, *, needles: Sequence[str]) -> Hit:
    score = None if row["score"] == 0.0 else -float(row["score"])  # bm25 is lower-is-better
    return hit_from_doc(PassageDoc.model_validate_json(row["doc"]), needles=needles, score=score)


class SqliteBackend:
    """SearchBackend over one SQLite database file (reports, passages, tags and the FTS index)."""

    name = "sqlite"

    def __init__(
        self,
        path: Path,
        *,
        max_query_chars: int = 500,
        page_size_cap: int = 100,
        token_key: bytes | None = None,
        create: bool = True,
    ) -> None:
        """Open the database at `path`, creating it when `create` (else INDEX_NOT_FOUND if there is
        none). `token_key` signs page tokens; None: a random key kept in the database's folder."""
        self.path = path
        self.max_query_chars = max_query_chars
        self.page_size_cap = page_size_cap
        self._lock = threading.RLock()
        if not create and not path.is_file():
            raise missing_index_error(path, what="index database")
        self._conn = self._connect(path)
        self.token_key = token_key or load_or_create_key(path.parent)

    @classmethod
    def from_settings(cls, settings: Settings, *, create: bool = True) -> SqliteBackend:
        return cls(
            settings.sqlite_path,
            max_query_chars=settings.max_query_chars,
            page_size_cap=settings.page_size_cap,
            token_key=token_key_of(settings),
            create=create,
        )

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        """Open (or create) the database. Processes opening one fresh file at once are serialised by a
        lock file beside it, so none meets another's half-made schema ("database is locked")."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with file_lock(path.with_name(path.name + ".open-lock"), timeout=60, what="open"):
                conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
                conn.row_factory = sqlite3.Row
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA temp_store = MEMORY")
                conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
                conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
                conn.executescript(_SCHEMA)
                if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (sqlite3.Error, OSError) as exc:
            raise GovReportError(
                ErrorCode.BACKEND_UNAVAILABLE, f"cannot open the index database: {exc}", source=str(path)
            ) from exc
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # --- writing -----------------------------------------------------------------------------------

    def _delete(self, conn: sqlite3.Connection, report_id: str) -> bool:
        ids = [r[0] for r in conn.execute("SELECT id FROM passages WHERE report_id = ?", (report_id,))]
        conn.executemany("DELETE FROM passage_fts WHERE rowid = ?", [(i,) for i in ids])
        conn.executemany("DELETE FROM passage_tags WHERE passage = ?", [(i,) for i in ids])
        conn.execute("DELETE FROM passages WHERE report_id = ?", (report_id,))
        delete_details(conn, [report_id])
        return conn.execute("DELETE FROM reports WHERE report_id = ?", (report_id,)).rowcount > 0

    @staticmethod
    def _insert_passages(conn: sqlite3.Connection, bundle: ReportBundle) -> None:
        """All passages of a report in three executemany calls (their token columns as prepared, when
        they were). Ids are assigned here: the write transaction (BEGIN IMMEDIATE) holds the database's
        only write lock."""
        docs = bundle.passages
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM passages").fetchone()[0]
        ids = range(first, first + len(docs))
        conn.executemany(
            "INSERT INTO passages (id, passage_id, report_id, source, issuing_body, province, city, county, "
            "level, year, section, kind, ordinal, text, doc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(i, *_passage_row(d)) for i, d in zip(ids, docs, strict=True)],
        )
        conn.executemany(
            "INSERT INTO passage_fts (rowid, words, chars) VALUES (?, ?, ?)",
            [
                (i, words_field(d.text) if w is None else w, chars_field(d.text) if c is None else c)
                for i, d, w, c in zip(ids, docs, passage_words(bundle), passage_chars(bundle), strict=True)
            ],
        )
        tags = [
            (i, facet, value)
            for i, d in zip(ids, docs, strict=True)
            for facet, values in (("topic", d.topics), ("flag", d.flags))
            for value in values
        ]
        conn.executemany("INSERT INTO passage_tags VALUES (?, ?, ?)", tags)

    def _write(self, bundle: ReportBundle) -> None:
        report = bundle.report
        with self._transaction() as conn:
            self._delete(conn, report.report_id)
            conn.execute(
                "INSERT INTO reports (report_id, source, year, doc) VALUES (?, ?, ?, ?)",
                (report.report_id, report.source, report.year, report.model_dump_json()),
            )
            self._insert_passages(conn, bundle)
            store_details(conn, [bundle])

    def index(self, bundles: Sequence[ReportBundle]) -> IndexOutcome:
        outcome = IndexOutcome()
        for bundle in bundles:
            try:
                self._write(bundle)
            except (sqlite3.Error, OverflowError) as exc:  # OverflowError: an int beyond SQLite INTEGER
                report = bundle.report
                failure = IndexFailure(report_id=report.report_id, source=report.source, message=str(exc))
                outcome.failed.append(failure)
                continue
            outcome.add_written(bundle)
        return outcome

    def delete_report(self, report_id: str) -> bool:
        with self._transaction() as conn:
            return self._delete(conn, report_id)

    # --- reading -----------------------------------------------------------------------------------

    def get_report(self, report_id: str) -> ReportDoc | None:
        with self._lock:
            return stored_report(self._conn, report_id)

    def get_detail(self, report_id: str) -> ReportDetail | None:
        with self._lock:
            return stored_detail(self._conn, report_id)

    def reports(self) -> list[ReportDoc]:
        with self._lock:
            return stored_reports(self._conn)

    def report_ids_for_source(self, source: str) -> list[str]:
        with self._lock:
            return report_ids_for_source(self._conn, source)

    def lookup_reports(self, lookup: ReportLookup) -> list[ReportDoc]:
        with self._lock:
            return lookup_report_docs(self._conn, lookup)

    def stats(self) -> BackendStats:
        with self._lock:
            reports, by_year = report_counts(self._conn)
            passages = self._conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        return BackendStats(
            backend=self.name, location=str(self.path), reports=reports, passages=passages, years=by_year
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- searching ---------------------------------------------------------------------------------

    def _fill_hits(self, checked: CheckedQuery) -> None:
        ranked = checked.query.sort == "relevance"
        expression = match_expression(checked.text, ranked=ranked)
        where, params = filter_clause(checked.query.filters.active())
        excluded, excluded_params = exclusion_clause(checked.text)
        where, params = f"{where} AND {excluded}", [*params, *excluded_params]
        self._conn.execute(_HITS_TABLE)
        self._conn.execute("DELETE FROM temp.hits")
        args = [expression, *params] if expression is not None else params
        self._conn.execute(hits_sql(expression, where, ranked=ranked), args)

    def _facets(self, names: Sequence[str]) -> dict[str, list[FacetBucket]]:
        unique = list(dict.fromkeys(names))
        columns = [n for n in unique if n not in TAG_FACETS]
        facets: dict[str, list[FacetBucket]] = {}
        if len(columns) > 1:
            rows = self._conn.execute(combined_facets_sql(columns)).fetchall()
            facets.update(marginal_buckets(rows, columns))
        for name in unique:
            if name in facets:
                continue
            args: tuple[object, ...] = (name, FACET_LIMIT) if name in TAG_FACETS else (FACET_LIMIT,)
            rows = self._conn.execute(facet_sql(name), args).fetchall()
            facets[name] = [FacetBucket(value=r[0], count=r[1]) for r in rows]
        return {name: facets[name] for name in unique}

    def _page(self, checked: CheckedQuery, offset: int) -> list[sqlite3.Row]:
        sql = (
            "SELECT p.doc, h.score FROM temp.hits h CROSS JOIN passages p ON p.id = h.rowid "
            f"ORDER BY {order_clause(checked.query.sort)} LIMIT ? OFFSET ?"
        )
        return self._conn.execute(sql, (checked.query.page_size, offset)).fetchall()

    def search(self, query: SearchQuery) -> SearchResult:
        checked = check_query(
            query, max_chars=self.max_query_chars, page_size_cap=self.page_size_cap, token_key=self.token_key
        )
        offset = page_offset(checked.after)
        needles = checked.text.positive
        with self._lock:
            try:
                self._fill_hits(checked)
                total = self._conn.execute("SELECT count(*) FROM temp.hits").fetchone()[0]
                rows = self._page(checked, offset)
                facets = self._facets(query.facets)
            except sqlite3.Error as exc:
                raise GovReportError(ErrorCode.BACKEND_UNAVAILABLE, f"search failed: {exc}") from exc
        end = offset + len(rows)
        token = encode_page_token(query, after=[end], key=self.token_key) if end < total else None
        return SearchResult(
            total=total, hits=[_hit(r, needles=needles) for r in rows], facets=facets, next_page_token=token
        )
