"""Search benchmark: a synthetic corpus built from the sample reports' own sentences, every embedded engine.

    python bench/search.py [--passages 100000] [--queries 400] [--engines sqlite,tantivy]
                           [--keep DIR] [--seed 7]

Passages are 1–4 sentences drawn at random from samples/seeds/*.txt, grouped 20 to a report, with
regions, years, sections, kinds and topics drawn at random. Each engine runs in its own process (so its
RSS is its own): it indexes the corpus through the backend's `index()` in batches of 50 reports (jieba
included) and then answers the same query mix — jieba words of the corpus, 2–4 character substrings,
quoted phrases, exclusions, a province or year filter on every fifth query, a year sort on every tenth —
each asking for three facets, every hit highlighted. With --keep DIR the indexes stay in DIR and a
second run only queries. Prints one table: engine, passages, indexing passages/s, query p50/p95/max, RSS,
and the load average before and after (other work on the machine skews every figure).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.backends import open_backend  # noqa: E402
from indexer.backends.base import SearchBackend  # noqa: E402
from indexer.documents import PassageDoc, ReportBundle, ReportDoc  # noqa: E402
from indexer.query import SearchFilters, SearchQuery  # noqa: E402
from indexer.tokens import word_tokens  # noqa: E402
from nlp.settings import Settings  # noqa: E402

SEEDS = ROOT / "samples" / "seeds"
PROVINCES = ["河南省", "重庆市", "山西省", "江苏省", "浙江省", "广东省", "四川省", "湖北省"]
SECTIONS = ["overview", "active_disclosure", "problems_improvements", "other_matters"]
KINDS = ["problem", "improvement", "other"]
TOPICS = ["政策解读", "政务新媒体", "依申请公开", "政府网站", "培训"]
# Fixed queries users type, common (公开 matches most passages) and rare ones alike.
QUERIES = [
    "公开",
    "政府信息",
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
FACETS = ["province", "year", "kind"]
PASSAGES_PER_REPORT = 20
BATCH_REPORTS = 50


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
                topics=rng.sample(TOPICS, rng.randint(0, 2)),
            )
            for i in range(min(PASSAGES_PER_REPORT, n_passages - r))
        ]
        yield ReportBundle(report=report, passages=passages)


def _query_text(rng: random.Random, sentence: str, kind: int) -> str | None:
    words = [w for w in word_tokens(sentence) if len(w) >= 2]
    if kind == 0 and words:  # a word of the corpus
        return rng.choice(words)
    if kind == 1 and len(words) >= 2:  # a phrase of two neighbouring words
        i = rng.randrange(len(words) - 1)
        return f'"{words[i]} {words[i + 1]}"'
    if kind == 2 and len(words) >= 2:  # a word without another
        first, second = rng.sample(words, 2)
        return f"{first} -{second}"
    start, size = rng.randrange(max(1, len(sentence) - 4)), rng.randint(2, 4)
    piece = re.sub(r"[^\w]", "", sentence[start : start + size])  # 2–4 characters, as typed in Chinese
    return piece if len(piece) >= 2 else None


def query_mix(rng: random.Random, n: int) -> list[SearchQuery]:
    sentences = corpus_sentences()
    texts = list(QUERIES)
    while len(texts) < n:
        text = _query_text(rng, rng.choice(sentences), kind=len(texts) % 5)
        if text:
            texts.append(text)
    queries = [SearchQuery(text=t, facets=FACETS) for t in texts[:n]]  # type: ignore[arg-type]
    for i, query in enumerate(queries):
        if i % 5 == 4:
            query.filters = (
                SearchFilters(province=[rng.choice(PROVINCES)])
                if i % 10 == 4
                else SearchFilters(year=[rng.randint(2019, 2024)])
            )
        if i % 10 == 9:
            query.sort = "year"
    return queries


def index_corpus(backend: SearchBackend, n_passages: int, *, rng: random.Random) -> float:
    start = time.perf_counter()
    batch: list[ReportBundle] = []
    for bundle in synthetic_bundles(n_passages, rng=rng):
        batch.append(bundle)
        if len(batch) == BATCH_REPORTS:
            backend.index(batch)
            batch = []
    if batch:
        backend.index(batch)
    return n_passages / (time.perf_counter() - start)


def time_queries(backend: SearchBackend, queries: Sequence[SearchQuery]) -> list[float]:
    for query in queries[:5]:  # warm caches and jieba
        backend.search(query)
    timings: list[float] = []
    for query in queries:
        start = time.perf_counter()
        result = backend.search(query)
        assert all(h.highlight for h in result.hits) and set(result.facets) == set(FACETS)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def run_engine(engine: str, *, passages: int, queries: int, directory: Path, seed: int) -> dict[str, object]:
    """Index (unless already indexed) and query one engine; its figures as a dict."""
    settings = Settings(backend=engine, data_dir=directory / engine)  # type: ignore[arg-type]
    backend = open_backend(settings)
    word_tokens("预热")  # jieba's dictionary load is not indexing time
    rate = float("nan")
    if backend.stats().passages == 0:
        rate = index_corpus(backend, passages, rng=random.Random(seed))
    timings = time_queries(backend, query_mix(random.Random(seed + 1), queries))
    ordered = sorted(timings)
    figures = {
        "engine": engine,
        "passages": backend.stats().passages,
        "rate": rate,
        "queries": len(ordered),
        "p50": statistics.median(ordered),
        "p95": ordered[round(0.95 * (len(ordered) - 1))],
        "max": ordered[-1],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    backend.close()
    return figures


def _child(engine: str, args: argparse.Namespace, directory: Path) -> dict[str, object]:
    command = [
        sys.executable, __file__, "--engine-child", engine, "--passages", str(args.passages),
        "--queries", str(args.queries), "--seed", str(args.seed), "--keep", str(directory),
    ]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def print_table(rows: Sequence[dict[str, object]], *, load_before: str, load_after: str) -> None:
    print(f"load average (1, 5, 15 min) before: {load_before}  after: {load_after}  cores: {os.cpu_count()}")
    header = f"{'engine':<8} {'passages':>9} {'index/s':>8} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}"
    print(header + f" {'max ms':>8} {'RSS MB':>7}")
    for r in rows:
        rate = "kept" if r["rate"] != r["rate"] else f"{r['rate']:,.0f}"  # NaN: index reused, not built
        print(
            f"{r['engine']:<8} {r['passages']:>9,} {rate:>8} {r['queries']:>7} {r['p50']:>8.1f} "
            f"{r['p95']:>8.1f} {r['max']:>8.1f} {r['rss_mb']:>7.0f}"
        )


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--engines", default="sqlite,tantivy", help="comma-separated embedded engines")
    parser.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the indexes in this folder")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_child:
        engine, directory = args.engine_child, args.keep
        figures = run_engine(
            engine, passages=args.passages, queries=args.queries, directory=directory, seed=args.seed
        )
        print(json.dumps(figures))
        return
    load_before = _load()
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        rows = [_child(engine, args, directory) for engine in args.engines.split(",")]
    print_table(rows, load_before=load_before, load_after=_load())


if __name__ == "__main__":
    main()
