"""Scale of text extraction: seconds and peak RSS per MB of input at three sizes, beside one jieba pass.

    python bench/scale.py [--sizes 0.5,1,2] [--kinds tables,dump,prose] [--no-check] [--repeat 3]
                           [--timeout 600]

Issue 11, reliability defect 2: the cost of one text file must grow linearly with its size. Three kinds
of big input are made from the bundled real reports:

- `tables`: samples/seeds/lingqiu_2022.txt (a multi-line report with its three tables) concatenated until
  the size is reached: one file repeating its headings and tables, row after row under the same keys;
- `dump`: a crawler dump (samples/crawler/fujian_pingtan_gonganju_2022.txt): its header, then its one-line
  body repeated on that one line (row recovery and glued-cell decoding over and over);
- `prose`: a prose-only report: the six section headings, each followed by the seeds' prose paragraphs
  hard-wrapped at 36 characters as PDF text is (paragraph reflow, long sections, many passages).

Each (kind, size) is measured in a fresh child process: the file is written to a temporary folder and read
through the text reader as `govreport extract` reads it (`extract_path`, after a warm-up extraction of a
small report), then checked as `govreport check` checks it (`check_report`: structure, arithmetic and the
prose claims). Each is run `--repeat` times (3) in its child and the least time is shown: CPU seconds
(user + system of the child) are the figure that counts on a shared machine, wall seconds are printed
beside them. Memory is the child's peak RSS after the first round over its RSS just before the work
(the text already read into memory), per MB of input. The anchor, measured in the same run, is one
stock-jieba pass (`jieba.lcut`, HMM on, dictionary loaded beforehand) over the same text in its own
child.
Growth between sizes is printed as the ratio of CPU seconds beside the ratio of sizes and as the exponent
log(t2/t1)/log(s2/s1): 1.0 is linear, 2.0 quadratic.

The package is imported from the folder holding this script (so a snapshot of another commit, e.g.
`git archive <commit> | tar -x -C /tmp/base`, measures that commit with `python /tmp/base/bench/scale.py`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "seeds" / "lingqiu_2022.txt"
DUMP = ROOT / "samples" / "crawler" / "fujian_pingtan_gonganju_2022.txt"
DUMP_BODY = "==================== 正文 ====================\n"
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
MB = 1_000_000
KINDS = ("tables", "dump", "prose")


# --- inputs ----------------------------------------------------------------------------------------


def _tables(size: int) -> str:
    seed = SEED.read_text(encoding="utf-8").rstrip("\n")
    copies = size // len(seed.encode("utf-8")) + 1
    return "\n".join([seed] * copies) + "\n"


def _dump(size: int) -> str:
    head, body = DUMP.read_text(encoding="utf-8").split(DUMP_BODY, 1)
    body = body.strip().replace("\n", "")
    copies = size // len(body.encode("utf-8")) + 1
    return head + DUMP_BODY + body * copies + "\n"


def _prose(size: int) -> str:
    paragraphs = [
        line.strip()
        for path in sorted((ROOT / "samples" / "seeds").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) > 60 and "\t" not in line
    ]
    lines = ["某某县人民政府办公室", "2022年政府信息公开工作年度报告"]
    per_section = size // len(HEADINGS) + 1
    taken = 0
    for heading in HEADINGS:
        lines.append(heading)
        written = 0
        while written < per_section:
            paragraph = paragraphs[taken % len(paragraphs)]
            taken += 1
            for start in range(0, len(paragraph), 36):
                lines.append(paragraph[start : start + 36])
                written += len(lines[-1].encode("utf-8")) + 1
    return "\n".join(lines) + "\n"


def make_input(kind: str, size: int) -> str:
    return {"tables": _tables, "dump": _dump, "prose": _prose}[kind](size)


# --- children --------------------------------------------------------------------------------------


def _rss_kb() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _peak_kb() -> int:
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _timed(work: Callable[[], Any], repeat: int) -> tuple[Any, float, float, int]:
    """The last result of `work` run `repeat` times, its least CPU and wall seconds (the least is the
    figure least disturbed by the other work of a shared machine), and the peak RSS (KB) after the
    first round (one pass's memory: later rounds may keep caches of their own)."""
    result, cpus, walls, peak = None, [], [], 0
    for _ in range(repeat):
        result = None  # the previous round's result is freed before the next round starts
        cpu, wall = _cpu(), time.perf_counter()
        result = work()
        cpus.append(_cpu() - cpu)
        walls.append(time.perf_counter() - wall)
        peak = peak or _peak_kb()
    return result, min(cpus), min(walls), peak


def child_extract(kind: str, size: int, check: bool, repeat: int) -> dict[str, Any]:
    from nlp.extract import extract_path

    with tempfile.TemporaryDirectory() as folder:
        warm = extract_path(SEED)  # the readers, label index and configs; spaCy and jieba when checked
        if check:
            from nlp.lint import check_report

            check_report(warm)
        path = Path(folder) / f"{kind}.txt"
        data = make_input(kind, size).encode("utf-8")
        path.write_bytes(data)
        base = _rss_kb()
        report, cpu, wall, peak = _timed(lambda: extract_path(path), repeat)
        out: dict[str, Any] = {
            "bytes": len(data),
            "extract_cpu": cpu,
            "extract_wall": wall,
            "extract_peak_kb": peak - base,
            "rows": sum(len(t.rows) for t in report.tables.present()),
            "passages": sum(len(s.passages) for s in report.sections),
            "problems": len(report.problems),
        }
        if check:
            result, cpu, wall, peak = _timed(lambda: check_report(report), repeat)
            out["check_cpu"] = cpu
            out["check_wall"] = wall
            out["check_peak_kb"] = peak - base
            out["findings"] = len(result.findings)
            out["claims"] = len(result.claims)
    return out


def child_jieba(kind: str, size: int, repeat: int) -> dict[str, Any]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    text = make_input(kind, size)
    base = _rss_kb()
    words, cpu, wall, peak = _timed(lambda: jieba.lcut(text), repeat)
    return {
        "jieba_cpu": cpu,
        "jieba_wall": wall,
        "jieba_peak_kb": peak - base,
        "words": len(words),
    }


def _run_child(args: list[str], options: list[str], timeout: float) -> dict[str, Any] | None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    try:
        run = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), *options, "--child", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return None
    if run.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{run.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


# --- report ----------------------------------------------------------------------------------------


def _machine() -> list[str]:
    model = "?"
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        model = found.group(1) if found else model
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = "?"
    try:
        found = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        memory = f"{int(found.group(1)) // 1024} MB" if found else memory
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    return [
        f"machine: {platform.machine()} {model}, {os.cpu_count()} cores ({usable} usable), {memory} RAM",
        f"system: {platform.system()} {platform.release()}; Python {platform.python_version()}",
        f"code: {ROOT} (git {commit or 'n/a'}); load average at start {os.getloadavg()[0]:.2f}",
    ]


def _fmt(value: float | None, spec: str = "7.2f") -> str:
    return format(value, spec) if value is not None else " " * (int(spec.split(".")[0]) - 2) + "—"


def _exponent(t1: float, t2: float, s1: int, s2: int) -> float | None:
    if t1 <= 0 or t2 <= 0 or s1 == s2:
        return None
    return math.log(t2 / t1) / math.log(s2 / s1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="0.5,1,2", help="input sizes in MB (10^6 bytes), comma-separated")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"which inputs ({', '.join(KINDS)})")
    parser.add_argument("--no-check", action="store_true", help="measure extraction only")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a child may take")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per measurement (the least is shown)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, kind, size = args.child[0], args.child[1], int(args.child[2])
        if what == "jieba":
            print(json.dumps(child_jieba(kind, size, args.repeat)))
        else:
            print(json.dumps(child_extract(kind, size, check=args.child[3] == "check", repeat=args.repeat)))
        return
    sizes = [int(float(s) * MB) for s in args.sizes.split(",")]
    kinds = [k for k in args.kinds.split(",") if k]
    check = not args.no_check
    for line in _machine():
        print(line)
    print()
    columns = "kind     MB  extract s   s/MB  RSS MB/MB"
    columns += "   check s   s/MB  RSS MB/MB" if check else ""
    columns += "   jieba s   s/MB  RSS MB/MB  extract/jieba   rows  passages"
    print(columns)
    for kind in kinds:
        results: list[tuple[int, dict[str, Any] | None]] = []
        for size in sizes:
            rounds = ["--repeat", str(args.repeat)]
            measured = _run_child(
                ["extract", kind, str(size), "check" if check else "nocheck"], rounds, args.timeout
            )
            anchor = _run_child(["jieba", kind, str(size)], rounds, args.timeout)
            merged = {**(measured or {}), **(anchor or {})} if measured else None
            results.append((size, merged))
            mb = size / MB
            if merged is None:
                print(f"{kind:<6} {mb:5.2f}  did not finish within {args.timeout:g} s")
                continue
            mb = merged["bytes"] / MB
            line = f"{kind:<6} {mb:5.2f} {merged['extract_cpu']:9.2f} {merged['extract_cpu'] / mb:6.2f}"
            line += f" {merged['extract_peak_kb'] / 1024 / mb:9.1f}"
            if check:
                line += f" {merged['check_cpu']:9.2f} {merged['check_cpu'] / mb:6.2f}"
                line += f" {merged['check_peak_kb'] / 1024 / mb:9.1f}"
            jieba_cpu = merged.get("jieba_cpu")
            line += f" {_fmt(jieba_cpu, '9.2f')} {_fmt(jieba_cpu / mb if jieba_cpu else None, '6.2f')}"
            line += f" {_fmt(merged['jieba_peak_kb'] / 1024 / mb if jieba_cpu else None, '9.1f')}"
            line += f" {_fmt(merged['extract_cpu'] / jieba_cpu if jieba_cpu else None, '13.2f')}"
            line += f" {merged['rows']:6d} {merged['passages']:9d}"
            line += f"   (wall: extract {merged['extract_wall']:.2f} s"
            line += f", check {merged['check_wall']:.2f} s)" if check else ")"
            print(line)
        for (s1, r1), (s2, r2) in itertools.pairwise(results):
            if r1 is None or r2 is None:
                continue
            growth = f"{kind:<6} {s1 / MB:g} → {s2 / MB:g} MB (×{r2['bytes'] / r1['bytes']:.2f}):"
            for name in ("extract", "check", "jieba") if check else ("extract", "jieba"):
                t1, t2 = r1.get(f"{name}_cpu"), r2.get(f"{name}_cpu")
                if t1 and t2:
                    exponent = _exponent(t1, t2, r1["bytes"], r2["bytes"])
                    growth += f"  {name} ×{t2 / t1:.2f} (exponent {_fmt(exponent, '4.2f')})"
            print(growth)
    print(f"\nload average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
