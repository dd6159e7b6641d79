"""Ingest benchmark: reports/s, CPU per report and peak memory of `ingest_paths` with 1 and 2 workers.

    python bench/ingest.py [--reports 1000] [--workers 1,2] [--backend tantivy] [--keep DIR]

The corpus is real reports made many: each of the 18 crawler dumps in samples/crawler/ (one city's bodies
over 2019–2025) and the 5 seed reports is re-issued by other cities, its place names replaced by a real
prefecture-level city's (平潭综合实验区公安局 → 莆田市公安局), so every file is distinct and each city holds
a realistic neighbourhood (about 23 bodies over seven years) for the cross-year rules and copy detection.

Each run is a fresh process ingesting every file into an empty index (tantivy by default), as
`govreport ingest` would, with every step on: extraction, lint and claims, topics, words, corpus-level
analysis, the write. Its CPU (its own and its workers', imports and dictionary loads included) and the
memory of its process tree (the sum of RSS and of PSS over the tree, sampled every 0.2 s; PSS shares
copy-on-write pages fairly between processes) are measured from outside. The anchor, measured in the
same run, is one stock-jieba pass (`jieba.lcut`, dictionary loaded beforehand) over the same texts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CRAWLER = sorted((ROOT / "samples" / "crawler").glob("*.txt"))
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
CRAWLER_PLACE = ("平潭综合实验区", "平潭")
# The places of the seed reports (their county and its short form), replaced in their re-issues.
SEED_PLACES = {
    "lingqiu": ("灵丘县", "灵丘"),
    "muye": ("牧野区", "牧野"),
    "pengshui": ("彭水苗族土家族自治县", "彭水"),
    "songxian": ("嵩县", "嵩县"),
    "zhongmou": ("中牟县", "中牟"),
}
CITIES = (
    "福州市",
    "厦门市",
    "莆田市",
    "三明市",
    "泉州市",
    "漳州市",
    "南平市",
    "龙岩市",
    "宁德市",
    "杭州市",
    "宁波市",
    "温州市",
    "嘉兴市",
    "湖州市",
    "绍兴市",
    "金华市",
    "衢州市",
    "舟山市",
    "台州市",
    "丽水市",
    "南京市",
    "无锡市",
    "徐州市",
    "常州市",
    "苏州市",
    "南通市",
    "连云港市",
    "淮安市",
    "盐城市",
    "扬州市",
    "镇江市",
    "泰州市",
    "宿迁市",
    "广州市",
    "韶关市",
    "深圳市",
    "珠海市",
    "汕头市",
    "佛山市",
    "江门市",
    "湛江市",
    "茂名市",
    "肇庆市",
    "惠州市",
    "梅州市",
    "南昌市",
    "景德镇市",
    "萍乡市",
    "九江市",
    "新余市",
    "鹰潭市",
    "赣州市",
    "吉安市",
    "宜春市",
    "抚州市",
    "上饶市",
)
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")


# --- the corpus ------------------------------------------------------------------------------------


def _places(source: Path) -> tuple[str, str]:
    if source.parent.name == "crawler":
        return CRAWLER_PLACE
    return SEED_PLACES[source.stem.split("_")[0]]


def reissue(text: str, places: tuple[str, str], *, city: str, years_later: int) -> str:
    """The report as another city's body would print it: its place names replaced by the city's, and
    every year moved `years_later` on when the cities have run out."""
    full, short = places
    text = text.replace(full, city).replace(short, city.removesuffix("市"))
    if years_later:
        text = _YEAR.sub(lambda m: str(int(m.group(1)) + years_later), text)
    return text


def write_corpus(folder: Path, count: int) -> list[Path]:
    """`count` distinct reports under `folder` (kept when already there)."""
    sources = [*CRAWLER, *SEEDS]
    texts = {s: s.read_text(encoding="utf-8") for s in sources}
    paths = []
    for number in range(count):
        source, variant = sources[number % len(sources)], number // len(sources)
        city, years_later = CITIES[variant % len(CITIES)], 7 * (variant // len(CITIES))
        path = folder / f"{number:05d}_{city}_{source.name}"
        if not path.exists():
            text = reissue(texts[source], _places(source), city=city, years_later=years_later)
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# --- measuring -------------------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    pids, seen = [pid], 0
    while seen < len(pids):
        current = pids[seen]
        seen += 1
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pids += [int(c) for c in children]
    return pids


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB, zeros when it is gone."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    fields = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", rollup, flags=re.M))
    return int(fields.get("Rss", 0)), int(fields.get("Pss", 0))


class TreeMemory(threading.Thread):
    """Samples the summed RSS and PSS of a process and its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.stop = threading.Event()
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.most_processes = 0

    def run(self) -> None:
        while not self.stop.is_set():
            pids = _tree(self.pid)
            sizes = [_memory_kb(p) for p in pids]
            self.peak_rss_kb = max(self.peak_rss_kb, sum(r for r, _ in sizes))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(p for _, p in sizes))
            self.most_processes = max(self.most_processes, len(pids))
            self.stop.wait(0.2)


def jieba_anchor(paths: list[Path]) -> float:
    """CPU seconds of one stock-jieba pass (jieba.lcut, HMM on, as shipped) over the texts, in a fresh
    process so nothing of ours is loaded; the dictionary is loaded before the clock starts."""
    code = (
        "import sys, time, jieba, logging\n"
        "jieba.setLogLevel(logging.WARNING)\n"
        "jieba.initialize()\n"
        "texts = [open(p, encoding='utf-8').read() for p in sys.argv[1:]]\n"
        "started = time.process_time()\n"
        "for text in texts:\n"
        "    jieba.lcut(text)\n"
        "print(time.process_time() - started)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, paths)], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_ingest(paths: list[Path], *, workers: int, backend: str, data_dir: Path) -> dict[str, float]:
    """One ingest in a fresh process: wall and CPU (the tree's, from outside), its own in-process
    figures (JSON on stdout), peak tree memory and the largest single process (ru_maxrss)."""
    listing = data_dir.parent / f"files-{workers}.txt"
    listing.write_text("\n".join(map(str, paths)), encoding="utf-8")
    command = [
        sys.executable,
        __file__,
        "--child",
        str(listing),
        "--workers",
        str(workers),
        "--backend",
        backend,
    ]
    command += ["--data", str(data_dir)]
    cpu_before, started = _child_cpu(), time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    memory.start()
    out, _ = process.communicate()
    memory.stop.set()
    memory.join()
    wall, cpu = time.perf_counter() - started, _child_cpu() - cpu_before
    if process.returncode != 0:
        raise SystemExit(f"the ingest run failed (exit {process.returncode})")
    inside = json.loads(out.strip().splitlines()[-1])
    return {
        **inside,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_tree_rss_mb": memory.peak_rss_kb / 1024,
        "peak_tree_pss_mb": memory.peak_pss_kb / 1024,
        "processes": memory.most_processes,
    }


def child(listing: Path, *, workers: int, backend: str, data_dir: Path) -> None:
    """The measured run: import, open the index, ingest every file; prints its own figures as JSON."""
    started = time.perf_counter()
    from indexer.backends import open_backend
    from nlp.settings import Settings
    from search_api.ingest import ingest_paths

    paths = [Path(line) for line in listing.read_text(encoding="utf-8").splitlines()]
    settings = Settings(data_dir=data_dir, backend=backend)  # type: ignore[arg-type]
    opened = open_backend(settings)
    ingest_started = time.perf_counter()
    summary = ingest_paths(paths, backend=opened, settings=settings, workers=workers)
    ingest_wall = time.perf_counter() - ingest_started
    opened.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "indexed": summary.indexed,
                "failed": len(summary.failed),
                "updated": summary.updated,
                "passages": summary.passages,
                "ingest_wall_s": ingest_wall,
                "process_wall_s": time.perf_counter() - started,
                "main_cpu_s": usage.ru_utime + usage.ru_stime,
                "main_peak_rss_mb": usage.ru_maxrss / 1024,
                # the pool's workers, reaped when the pool closed (0 with one worker: no pool)
                "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


# --- report ----------------------------------------------------------------------------------------


def machine_facts() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown",
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return (
        f"machine: {model}; {os.cpu_count()} cpus, {len(os.sched_getaffinity(0))} usable; "
        f"{int(memory) // 1024} MB RAM; {platform.system()} {platform.release()}; "
        f"python {platform.python_version()}; "
        f"segmenter {os.environ.get('GOVREPORT_SEGMENTER', 'jieba')}"
    )


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts, one run each")
    parser.add_argument("--backend", default="tantivy", choices=["tantivy", "sqlite"])
    parser.add_argument("--keep", type=Path, help="keep the generated corpus here (reused when present)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, workers=int(args.workers), backend=args.backend, data_dir=args.data)
        return
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as scratch:
        corpus = args.keep or Path(scratch) / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        paths = write_corpus(corpus, args.reports)
        print(machine_facts())
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        print(f"corpus: {len(paths)} distinct text reports, {megabytes:.1f} MB; backend {args.backend}")
        print(f"load average before: {_load()}")
        anchor = jieba_anchor(paths) / len(paths)
        print(f"anchor: one stock-jieba pass = {anchor * 1000:.1f} ms CPU per report")
        print(
            f"{'workers':>7} {'reports/s':>9} {'(ingest)':>9} {'CPU ms/rep':>10} {'× jieba':>7} "
            f"{'main CPU':>8} {'tree RSS':>9} {'tree PSS':>9} {'main RSS':>9} {'worker':>8} {'updated':>7}"
        )
        for workers in (int(w) for w in args.workers.split(",")):
            data_dir = Path(scratch) / f"data-{workers}"
            run = measure_ingest(paths, workers=workers, backend=args.backend, data_dir=data_dir)
            if run["indexed"] != len(paths) or run["failed"]:
                print(f"  warning: indexed {run['indexed']}, failed {run['failed']}")
            per_report = run["cpu_s"] / len(paths)
            print(
                f"{workers:>7} {len(paths) / run['wall_s']:>9.1f} {len(paths) / run['ingest_wall_s']:>9.1f} "
                f"{per_report * 1000:>10.1f} {per_report / anchor:>7.2f} {run['main_cpu_s']:>7.1f}s "
                f"{run['peak_tree_rss_mb']:>7.0f}MB {run['peak_tree_pss_mb']:>7.0f}MB "
                f"{run['main_peak_rss_mb']:>7.0f}MB {run['worker_peak_rss_mb']:>6.0f}MB {run['updated']:>7}"
            )
        print(f"load average after: {_load()}")
        print(
            "reports/s: files / wall time of the whole run (process start, imports, pool start included); "
            "(ingest): files / ingest_paths alone. CPU: the run's process tree, everything included. "
            "tree RSS/PSS: peak sums over the process tree; main RSS: the writing process's peak; "
            "worker: the largest pool worker's peak. updated: stored reports rewritten by a new neighbour."
        )


if __name__ == "__main__":
    main()
