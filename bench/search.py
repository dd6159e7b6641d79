"""Search benchmark: a synthetic corpus built from real reports' own sentences, every embedded engine.

    python bench/search.py [--passages 100000] [--queries 400] [--engines sqlite,tantivy]
                           [--cache DIR | --no-cache] [--seed 7]
    nice -n 19 python bench/search.py --passages 1000000        # the province-over-a-decade scale

Passages are 1–4 sentences drawn at random from samples/seeds/*.txt and ../shared/corpus/seeds/*.txt,
grouped 20 to a report, with regions, years, sections, kinds and topics drawn at random. Each engine
builds its index in a process of its own, through the backend's `index()` in batches of 50 reports
(segmentation included; the build is timed inside `index()`, not while the corpus is drawn), and the
index is kept in the cache folder (default ~/.cache/govreport-bench/<engine>-<passages>-seed<seed>-
<segmenter>/, outside the repository; a build.json there marks it complete and keeps the build's
figures): a later run with the same size, seed and segmenter only queries it.
A second process answers the query mix — words of the corpus, 2–4 character substrings, quoted phrases,
exclusions, a province or year filter on every fifth query, a year sort on every tenth — each asking for
three facets, every hit highlighted; for tantivy it also runs the same tantivy queries, aggregation and
stored-document fetch on the bare engine (no parsing, no pydantic, no highlighting), interleaved query by
query, and times each part of it (search, facets, stored documents) and the highlighting of its page.
Prints the machine, the load average before and after, the segmenter, and per engine: passages,
build rate (wall, and per CPU-second: the machine is shared), disk size, peak RSS of the build and of
the queries, query p50/p95/p99/max through the project's layer and on the bare engine, the p95 of each
part.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.backends import open_backend  # noqa: E402
from indexer.backends.base import SearchBackend  # noqa: E402
from indexer.documents import PassageDoc, ReportBundle, ReportDoc  # noqa: E402
from indexer.query import SearchFilters, SearchQuery  # noqa: E402
from indexer.tokens import word_tokens  # noqa: E402
from nlp.segment import segmenter_name  # noqa: E402
from nlp.settings import Settings  # noqa: E402

SEED_DIRS = (ROOT / "samples" / "seeds", ROOT.parent / "shared" / "corpus" / "seeds")
CACHE = Path.home() / ".cache" / "govreport-bench"
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
    """The prose sentences of the seed reports (samples/ and the shared corpus), each once, in a fixed
    order."""
    sentences: dict[str, None] = {}
    for folder in SEED_DIRS:
        for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
            for line in path.read_text(encoding="utf-8").splitlines():
                if "\t" in line:
                    continue  # table rows, not prose
                parts = (s.strip() + "。" for s in re.split(r"[。；]", line) if len(s.strip()) >= 8)
                sentences.update(dict.fromkeys(parts))
    return list(sentences)


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


# --- building -------------------------------------------------------------------------------------------


def _settings(engine: str, directory: Path) -> Settings:
    return Settings(backend=engine, data_dir=directory)  # type: ignore[arg-type]


def _disk_mb(directory: Path) -> float:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 2**20


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build(engine: str, directory: Path, *, passages: int, seed: int) -> dict[str, Any]:
    """Index the synthetic corpus into `directory` (a folder of its own); the build's figures."""
    backend = open_backend(_settings(engine, directory))
    word_tokens("预热")  # the segmenter's dictionary load is not indexing time
    rng = random.Random(seed)
    clock = {"wall": 0.0, "cpu": 0.0}  # inside backend.index() only: generating the corpus is not building

    def write(batch: list[ReportBundle]) -> None:
        start, cpu = time.perf_counter(), _cpu_s()
        backend.index(batch)
        clock["wall"] += time.perf_counter() - start
        clock["cpu"] += _cpu_s() - cpu

    batch: list[ReportBundle] = []
    progress = directory / "progress.txt"  # to watch a long build: passages so far, wall and CPU seconds
    for n, bundle in enumerate(synthetic_bundles(passages, rng=rng), start=1):
        batch.append(bundle)
        if len(batch) == BATCH_REPORTS:
            write(batch)
            batch = []
            if n % (BATCH_REPORTS * 50) == 0:
                done = f"{n * PASSAGES_PER_REPORT} {clock['wall']:.0f} {clock['cpu']:.0f}\n"
                progress.write_text(done, encoding="utf-8")
    if batch:
        write(batch)
    wall, cpu = clock["wall"], clock["cpu"]
    indexed = backend.stats().passages
    backend.close()
    return {
        "engine": engine,
        "passages": indexed,
        "build_s": wall,
        "build_cpu_s": cpu,
        "rate": indexed / wall,
        "rate_cpu": indexed / cpu,
        "disk_mb": _disk_mb(directory),
        "build_rss_mb": _rss_mb(),
        "segmenter": segmenter_name(),
        "load_during": _load(),
    }


# --- querying -------------------------------------------------------------------------------------------


def _percentiles(timings: Sequence[float]) -> dict[str, float]:
    ordered = sorted(timings)

    def at(q: float) -> float:
        return ordered[round(q * (len(ordered) - 1))]

    return {"p50": statistics.median(ordered), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1]}


def _bare_tantivy(backend: SearchBackend) -> Callable[[SearchQuery], tuple[float, float, float, float, int]]:
    """The tantivy work of one search with nothing of ours around it: the same query objects, the same
    aggregation and the same stored documents fetched (built before the clock starts)."""
    from indexer.backends import tantivy as tb
    from indexer.query import check_query
    from indexer.tokens import highlight

    index, schema = backend._index, backend._schema  # type: ignore[attr-defined]
    prepared: dict[int, tuple[Any, Any, dict[str, Any], dict[str, Any], int, list[str]]] = {}

    def prepare(query: SearchQuery) -> tuple[Any, Any, dict[str, Any], dict[str, Any], int, list[str]]:
        if id(query) not in prepared:
            checked = check_query(query, max_chars=500, page_size_cap=100, token_key=b"bench")
            freq = tb.bigram_freq(index.searcher())
            hits_query, facets_query, _ = tb.search_queries(schema, checked, freq=freq)
            aggs = tb._aggregations(list(dict.fromkeys(query.facets)))
            options = tb.sort_options(query.sort)
            needles = checked.text.positive
            prepared[id(query)] = (hits_query, facets_query, aggs, options, query.page_size, needles)
        return prepared[id(query)]

    def run(query: SearchQuery) -> tuple[float, float, float, float, int]:
        """Milliseconds of the search (hits and count), the facets (aggregation), the stored documents'
        fetch, and then (outside the bare engine's time) the page's highlighting; and the count."""
        hits_query, facets_query, aggs, options, size, needles = prepare(query)
        start = time.perf_counter()
        searcher = index.searcher()
        found = searcher.search(hits_query, limit=size, count=True, **options)
        searched = time.perf_counter()
        searcher.aggregate(facets_query, aggs)
        aggregated = time.perf_counter()
        docs = [searcher.doc(address)["doc"][0] for _, address in found.hits]
        fetched = time.perf_counter()
        [highlight(json.loads(raw)["text"], needles) for raw in docs]
        marked = time.perf_counter()
        parts = (searched - start, aggregated - searched, fetched - aggregated, marked - fetched)
        return (*(t * 1000 for t in parts), int(found.count))  # type: ignore[attr-defined]

    run.prepare = prepare  # type: ignore[attr-defined]
    return run


def query(engine: str, directory: Path, *, queries: int, seed: int) -> dict[str, Any]:
    """Answer the query mix through the backend (and on the bare engine for tantivy); the figures."""
    backend = open_backend(_settings(engine, directory), create=False)
    mix = query_mix(random.Random(seed + 1), queries)
    bare = _bare_tantivy(backend) if engine == "tantivy" else None
    for q in mix[:5]:  # warm caches and the segmenter
        backend.search(q)
        if bare:
            bare(q)
    layer_ms: list[float] = []
    bare_ms: list[float] = []
    split: list[tuple[float, float, float, float, int]] = []  # bare: search, facets, fetch, highlight; hits
    for i, q in enumerate(mix):
        if bare:
            bare.prepare(q)  # type: ignore[attr-defined]
        runs: list[tuple[list[float], Callable[[], Any]]] = [(layer_ms, lambda q=q: backend.search(q))]
        if bare:
            runs.append((bare_ms, lambda q=q: bare(q)))
        for timings, call in runs if i % 2 else reversed(runs):  # alternate which goes first
            start = time.perf_counter()
            result = call()
            elapsed = (time.perf_counter() - start) * 1000
            if isinstance(result, tuple):
                split.append(result)
                elapsed -= result[3]  # the bare engine does not highlight: that part is timed apart
            else:
                assert all(h.highlight for h in result.hits) and set(result.facets) == set(FACETS)
            timings.append(elapsed)
    passages = backend.stats().passages
    figures: dict[str, Any] = {
        "engine": engine,
        "passages": passages,
        "queries": len(layer_ms),
        "layer": _percentiles(layer_ms),
        "bare": _percentiles(bare_ms) if bare_ms else None,
        "query_rss_mb": _rss_mb(),
    }
    if split:  # where the bare engine's time goes, and how much the broad queries weigh
        broad = [t for t, part in zip(layer_ms, split, strict=True) if part[-1] > passages / 10]
        narrow = [t for t, part in zip(layer_ms, split, strict=True) if part[-1] <= passages / 10]
        figures["split"] = {
            "search_p95": _percentiles([part[0] for part in split])["p95"],
            "facets_p95": _percentiles([part[1] for part in split])["p95"],
            "fetch_p95": _percentiles([part[2] for part in split])["p95"],
            "highlight_p95": _percentiles([part[3] for part in split])["p95"],
            "broad": len(broad),
            "broad_p95": _percentiles(broad)["p95"] if broad else None,
            "narrow_p95": _percentiles(narrow)["p95"] if narrow else None,
        }
    backend.close()
    return figures


# --- the parent: one child process per engine and phase -------------------------------------------------


def _child(phase: str, engine: str, directory: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable, __file__, "--child", phase, "--engines", engine, "--passages", str(args.passages),
        "--queries", str(args.queries), "--seed", str(args.seed), "--cache", str(directory),
    ]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def engine_dir(cache: Path, engine: str, args: argparse.Namespace) -> Path:
    """One folder per engine, size, seed and segmenter (jieba and rjieba cut URLs apart differently)."""
    return cache / f"{engine}-{args.passages}-seed{args.seed}-{segmenter_name()}"


def run_engine(engine: str, cache: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Build (unless a complete build is kept) and query one engine."""
    directory = engine_dir(cache, engine, args)
    marker = directory / "build.json"
    if marker.is_file():
        built = json.loads(marker.read_text(encoding="utf-8"))
        built["kept"] = True
    else:
        shutil.rmtree(directory, ignore_errors=True)  # a build that did not finish
        directory.mkdir(parents=True)
        built = _child("build", engine, directory, args)
        marker.write_text(json.dumps(built, indent=2), encoding="utf-8")
        built["kept"] = False
    return {**built, **_child("query", engine, directory, args)}


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line
        ]
        model = names[0] if names else ""
    python = f"Python {platform.python_version()}"
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores {model}, {python}"


def _commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return done.stdout.strip() or "?"


def print_table(rows: Sequence[dict[str, Any]], *, load_before: str, load_after: str) -> None:
    print(f"machine: {_machine()}; commit {_commit()}")
    print(f"load average (1, 5, 15 min) before: {load_before}  after: {load_after}")
    print(
        f"{'engine':<8} {'passages':>9} {'build/s':>8} {'/cpu-s':>7} {'disk MB':>8} {'RSS build':>9} "
        f"{'RSS query':>9}  {'queries':>7} {'':<6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    for r in rows:
        rate = f"{r['rate']:,.0f}" + ("*" if r["kept"] else "")
        first = (
            f"{r['engine']:<8} {r['passages']:>9,} {rate:>8} {r['rate_cpu']:>7,.0f} {r['disk_mb']:>8,.0f} "
            f"{r['build_rss_mb']:>9,.0f} {r['query_rss_mb']:>9,.0f}  {r['queries']:>7}"
        )
        for label, figures in (("layer", r["layer"]), ("bare", r["bare"])):
            if figures is None:
                continue
            cells = " ".join(f"{figures[k]:>7.1f}" for k in ("p50", "p95", "p99", "max"))
            print(f"{first if label == 'layer' else '':<{len(first)}} {label:<6} {cells}")
    for r in rows:
        if split := r.get("split"):
            broad = "" if split["broad_p95"] is None else f": their p95 {split['broad_p95']:.1f} ms"
            narrow = "" if split["narrow_p95"] is None else f", the others' {split['narrow_p95']:.1f} ms"
            print(
                f"{r['engine']}: p95 of each part: search (hits + count) {split['search_p95']:.1f} ms, "
                f"facets {split['facets_p95']:.1f} ms, stored documents {split['fetch_p95']:.1f} ms (bare "
                f"engine), highlighting {split['highlight_p95']:.1f} ms (ours, a page's hits); "
                f"{split['broad']} of {r['queries']} queries match over "
                f"10% of the passages{broad}{narrow} (through the layer)"
            )
    segmenters = ", ".join(sorted({r["segmenter"] for r in rows}))
    print(f"segmenter: {segmenters}; queries: 3 facets each, hits highlighted (layer); bare = tantivy alone")
    if any(r["kept"] for r in rows):
        print(
            "* index kept from an earlier run: its build figures are that run's (load then: "
            + "; ".join(f"{r['engine']} {r['load_during']}" for r in rows if r["kept"])
            + ")"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument(
        "--engines", default=None, help="comma-separated embedded engines (default: sqlite,tantivy "
        "up to 100k passages, tantivy above)"
    )  # fmt: skip
    parser.add_argument(
        "--cache", type=Path, default=CACHE, help=f"keep (and reuse) the indexes here ({CACHE})"
    )
    parser.add_argument("--keep", type=Path, dest="cache", help=argparse.SUPPRESS)  # the old name
    parser.add_argument("--no-cache", action="store_true", help="build in a temporary folder, keep nothing")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", choices=("build", "query"), default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    engines = (args.engines or ("sqlite,tantivy" if args.passages <= 100_000 else "tantivy")).split(",")
    if args.child == "build":
        print(json.dumps(build(engines[0], args.cache, passages=args.passages, seed=args.seed)))
        return
    if args.child == "query":
        print(json.dumps(query(engines[0], args.cache, queries=args.queries, seed=args.seed)))
        return
    load_before = _load()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) if args.no_cache else args.cache
        rows = [run_engine(engine, cache, args) for engine in engines]
    print_table(rows, load_before=load_before, load_after=_load())


if __name__ == "__main__":
    main()
