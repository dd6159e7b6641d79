"""Search benchmark: a synthetic corpus built from the sample reports' own sentences.

    python bench/search.py [--passages 100000] [--queries 300] [--db PATH] [--seed 7]

Passages are 1–4 sentences drawn at random from samples/seeds/*.txt, grouped 20 to a report, with
regions, years, sections and kinds drawn at random. Prints indexing passages/s and query p50/p95
(each query asks for three facets; every hit is highlighted).
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
from indexer.query import SearchFilters, SearchQuery

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
PROVINCES = ["河南省", "重庆市", "山西省", "江苏省", "浙江省", "广东省", "四川省", "湖北省"]
SECTIONS = ["overview", "active_disclosure", "problems_improvements", "other_matters"]
KINDS = ["problem", "improvement", "other"]
QUERIES = ["政策解读", "复议", "行政复议", "培训", "政务新媒体", "依申请公开", '"政府网站"', "队伍 建设", "公开 -培训"]
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
                passage_id=f"{report_id[-16:]}-{i:04d}", report_id=report_id, source=report.source,
                province=province, county=f"县{r % 97}", year=year, section=rng.choice(SECTIONS),
                kind=rng.choice(KINDS), ordinal=i, text="".join(rng.sample(sentences, rng.randint(1, 4))),
            )  # fmt: skip
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--db", type=Path, default=None, help="database file (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        backend = SqliteBackend(args.db or Path(tmp) / "bench.sqlite3")
        rate = index_corpus(backend, args.passages, rng=rng)
        timings = sorted(time_queries(backend, query_mix(rng, args.queries)))
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(f"backend: sqlite  passages: {backend.stats().passages}")
        print(f"indexing: {rate:,.0f} passages/s")
        print(f"queries: {len(timings)}  p50: {statistics.median(timings):.1f} ms  p95: {p95:.1f} ms")
        backend.close()


if __name__ == "__main__":
    main()
