"""Search benchmark: a synthetic corpus built from the sample reports' own sentences.

    python bench/search.py [--passages 100000] [--queries 300] [--db PATH] [--seed 7] [--tantivy]

Passages are 1–4 sentences drawn at random from samples/seeds/*.txt, grouped 20 to a report, with
regions, years, sections and kinds drawn at random. Prints indexing passages/s and query p50/p95
(each query asks for three facets; every hit is highlighted). With --tantivy (needs `pip install
tantivy`), the same passages and queries also go through a tantivy index with the same two token
columns (fed from the SQLite index, so jieba runs once), to compare engines by the figures.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from indexer.backends.sqlite import SqliteBackend
from indexer.documents import PassageDoc, ReportBundle, ReportDoc
from indexer.query import SearchFilters, SearchQuery, parse_text
from indexer.tokens import char_tokens, highlight, word_tokens

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
PROVINCES = ["河南省", "重庆市", "山西省", "江苏省", "浙江省", "广东省", "四川省", "湖北省"]
SECTIONS = ["overview", "active_disclosure", "problems_improvements", "other_matters"]
KINDS = ["problem", "improvement", "other"]
QUERIES = [
    "政策解读",
    "复议",
    "行政复议",
    "培训",
    "政务新媒体",
    "依申请公开",
    '"政府网站"',
    "队伍 建设",
    "公开 -培训",
]
PASSAGES_PER_REPORT = 20


def corpus_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                continue  # table rows, not prose
            sentences.extend(s.strip() + "。" for s in re.split(r"[。；]", line) if len(s.strip()) >= 8)
    return sentences


def synthetic_bundles(n_passages: int, *, rng: random.Random) -> Iterator[ReportBundle]:
    sentences = corpus_sentences()
    for r in range(0, n_passages, PASSAGES_PER_REPORT):
        report_id = f"{r:064x}"
        year, province = rng.randint(2019, 2024), rng.choice(PROVINCES)
        report = ReportDoc(report_id=report_id, source=f"synthetic/{r}.txt", province=province, year=year)
        passages = [
            PassageDoc(
                passage_id=f"{report_id[-16:]}-{i:04d}",
                report_id=report_id,
                source=report.source,
                province=province,
                county=f"县{r % 97}",
                year=year,
                section=rng.choice(SECTIONS),
                kind=rng.choice(KINDS),
                ordinal=i,
                text="".join(rng.sample(sentences, rng.randint(1, 4))),
            )
            for i in range(min(PASSAGES_PER_REPORT, n_passages - r))
        ]
        yield ReportBundle(report=report, passages=passages)


def query_mix(rng: random.Random, n: int) -> list[SearchQuery]:
    sentences = corpus_sentences()
    texts = list(QUERIES)
    while len(texts) < n:  # random 2–4 character substrings: what users type in Chinese
        sentence = rng.choice(sentences)
        start, size = rng.randrange(max(1, len(sentence) - 4)), rng.randint(2, 4)
        piece = re.sub(r"[^\w]", "", sentence[start : start + size])
        if len(piece) >= 2:
            texts.append(piece)
    queries = [SearchQuery(text=t, facets=["province", "year", "kind"]) for t in texts[:n]]
    for query in queries[::5]:  # every fifth query also filters
        query.filters = SearchFilters(province=[rng.choice(PROVINCES)])
    return queries


def index_corpus(backend: SqliteBackend, n_passages: int, *, rng: random.Random) -> float:
    start = time.perf_counter()
    batch: list[ReportBundle] = []
    for bundle in synthetic_bundles(n_passages, rng=rng):
        batch.append(bundle)
        if len(batch) == 50:
            backend.index(batch)
            batch = []
    backend.index(batch)
    return n_passages / (time.perf_counter() - start)


def time_queries(backend: SqliteBackend, queries: Sequence[SearchQuery]) -> list[float]:
    backend.search(queries[0])  # warm caches
    timings: list[float] = []
    for query in queries:
        start = time.perf_counter()
        backend.search(query)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _tantivy_index(db: Path, directory: Path) -> tuple[object, object, float]:
    import sqlite3

    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in ("words", "chars"):
        builder.add_text_field(name, stored=False, tokenizer_name="ws")
    builder.add_text_field("text", stored=True, index_option="basic", tokenizer_name="raw")
    for name in ("province", "kind"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    builder.add_integer_field("year", stored=True, fast=True, indexed=True)
    schema = builder.build()
    index = tantivy.Index(schema, path=str(directory))
    index.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    sql = (
        "SELECT f.words, f.chars, p.text, p.province, p.kind, p.year "
        "FROM passage_fts f JOIN passages p ON p.id = f.rowid"
    )
    start, count = time.perf_counter(), 0
    for words, chars, text, province, kind, year in sqlite3.connect(db).execute(sql):
        writer.add_document(
            tantivy.Document(words=words, chars=chars, text=text, province=province, kind=kind, year=year)
        )
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, schema, count / (time.perf_counter() - start)


def _tantivy_query(schema: object, term: str) -> object:
    import tantivy

    def field_query(field: str, tokens: list[str]) -> object:
        if len(tokens) == 1:
            return tantivy.Query.term_query(schema, field, tokens[0])
        return tantivy.Query.phrase_query(schema, field, tokens)

    chars, words = field_query("chars", char_tokens(term)), field_query("words", word_tokens(term))
    boosted = tantivy.Query.boost_query(words, 3.0)
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, chars), (tantivy.Occur.Should, boosted)])


def time_tantivy(db: Path, directory: Path, queries: Sequence[SearchQuery]) -> tuple[float, list[float]]:
    import tantivy

    index, schema, rate = _tantivy_index(db, directory)
    searcher = index.searcher()  # type: ignore[attr-defined]
    aggs = {name: {"terms": {"field": name, "size": 20}} for name in ("province", "kind", "year")}
    timings: list[float] = []
    for query in queries:
        terms = parse_text(query.text).positive
        start = time.perf_counter()
        parts = [(tantivy.Occur.Must, _tantivy_query(schema, t)) for t in terms]
        parts += [
            (tantivy.Occur.Must, tantivy.Query.term_query(schema, "province", p))
            for p in query.filters.province
        ]
        combined = tantivy.Query.boolean_query(parts)
        found = searcher.search(combined, limit=query.page_size, count=True)
        searcher.aggregate(combined, aggs)
        [highlight(searcher.doc(address)["text"][0], terms) for _, address in found.hits]
        timings.append((time.perf_counter() - start) * 1000)
    return rate, timings


def _report(name: str, rate: float, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    p50 = statistics.median(ordered)
    print(f"{name}: indexing {rate:,.0f} passages/s; {len(ordered)} queries p50 {p50:.1f} ms"
          f"  p95 {p95:.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--db", type=Path, default=None, help="database file (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tantivy", action="store_true", help="also measure tantivy on the same corpus")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.sqlite3"
        backend = SqliteBackend(db)
        rate = (
            index_corpus(backend, args.passages, rng=rng) if backend.stats().passages == 0 else float("nan")
        )
        queries = query_mix(rng, args.queries)
        print(
            f"passages: {backend.stats().passages}  (facets: province, year, kind; highlights on every hit)"
        )
        _report("sqlite fts5", rate, time_queries(backend, queries))
        backend.close()
        if args.tantivy:
            (Path(tmp) / "tantivy").mkdir()
            plain = [q for q in queries if not parse_text(q.text).excluded]
            rate, timings = time_tantivy(db, Path(tmp) / "tantivy", plain)
            _report("tantivy (same tokens, fed pre-tokenized)", rate, timings)


if __name__ == "__main__":
    main()
