"""Cold start: wall-clock medians of short commands, beside an anchor run in the same loop.

    python bench/coldstart.py [--runs 7] [--file samples/seeds/zhongmou_2020.txt] [--pyc env|cache]

Each round runs, one after the other, `python -c pass` (the anchor: what the interpreter alone costs on
this machine at this moment), `python -c "import search_api.cli"`, `govreport --help` and a one-file
`govreport extract FILE` (output to /dev/null). A first round warms the caches every later process reuses
(.pyc files, jieba's dictionary copy; see nlp/segment.py) and is not counted. Prints the machine, the load
average before and after, each command's median/min/max wall-clock ms with the goal, its median CPU ms
(user + system: less skewed by other work than the wall clock), and the heavy modules each
command imported (from one `-X importtime` run). Other work on the machine skews every figure; the anchor
shows by how much.

`--pyc env` (default) runs the commands in this environment as it is; where PYTHONDONTWRITEBYTECODE is set
(as in the team's sandbox) the project's own modules have no .pyc and are compiled from source by every
process. `--pyc cache` lets them be cached (under a PYTHONPYCACHEPREFIX in the temp folder, nothing
written into the repository), as an installed tool has them.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "samples" / "seeds" / "zhongmou_2020.txt"
# Modules a short command should not import unless it needs them (issue 11, build item 4).
HEAVY = (
    "spacy", "thinc", "pandas", "numpy", "pdfplumber", "pdfminer", "pypdfium2", "bs4", "lxml", "docx",
    "jieba", "rjieba", "cpca", "tantivy", "fastapi", "uvicorn", "rich", "pydantic", "yaml", "rapidfuzz",
)  # fmt: skip


def _govreport() -> list[str]:
    script = Path(sys.executable).parent / "govreport"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from search_api.cli import main; sys.exit(main())"]


def commands(file: Path) -> dict[str, tuple[list[str], float | None]]:
    """Label → (argv, goal in ms or None)."""
    return {
        "python -c pass (anchor)": ([sys.executable, "-c", "pass"], None),
        "import search_api.cli": ([sys.executable, "-c", "import search_api.cli"], None),
        "govreport --help": ([*_govreport(), "--help"], 500.0),
        f"govreport extract {file.name}": ([*_govreport(), "extract", str(file)], 1500.0),
    }


ENV = dict(os.environ)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) milliseconds of one run; CPU time suffers less from other work."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    return (time.perf_counter() - start) * 1000, (_children_cpu() - cpu) * 1000


def use_bytecode_cache(mode: str) -> str:
    """Set ENV for the --pyc mode; what it means, for the report."""
    if mode == "cache":
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "govreport-coldstart-pyc")
        return f"on (PYTHONPYCACHEPREFIX={ENV['PYTHONPYCACHEPREFIX']})"
    if ENV.get("PYTHONDONTWRITEBYTECODE"):
        return "off (PYTHONDONTWRITEBYTECODE is set: the project's modules are compiled by every process)"
    return "as the environment has it (.pyc written beside the sources)"


def heavy_imports(argv: list[str]) -> list[str]:
    """The HEAVY top-level packages the command imported (one run under -X importtime)."""
    if argv[0] != sys.executable:
        argv = [sys.executable, *argv]  # the console script through the same interpreter
    done = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        check=False,
    )
    seen = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    return [name for name in HEAVY if name in seen]


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    python = f"Python {platform.python_version()} ({sys.executable})"
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores {model}, {python}"


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="counted rounds (after one warm-up round)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="the small report to extract")
    parser.add_argument("--pyc", choices=("env", "cache"), default="env", help="bytecode cache (see above)")
    args = parser.parse_args()
    pyc = use_bytecode_cache(args.pyc)
    table = commands(args.file.resolve())
    load_before = _load()
    for argv, _ in table.values():  # warm-up: .pyc files, jieba's dictionary copy
        _once(argv)
    timings: dict[str, list[tuple[float, float]]] = {label: [] for label in table}
    for _ in range(args.runs):
        for label, (argv, _) in table.items():
            timings[label].append(_once(argv))
    load_after = _load()
    print(f"machine: {machine()}")
    print(f"bytecode cache: {pyc}")
    print(f"load average (1, 5, 15 min) before: {load_before}  after: {load_after}")
    print(
        f"{'command':<40} {'median ms':>9} {'min':>6} {'max':>6} {'goal':>6} {'CPU ms':>6}  "
        "heavy modules imported"
    )
    for label, (argv, goal) in table.items():
        times = [wall for wall, _ in timings[label]]
        cpu = statistics.median(c for _, c in timings[label])
        goal_text = f"<{goal:.0f}" if goal else ""
        heavy = ", ".join(heavy_imports(argv)) or "-"
        print(
            f"{label:<40} {statistics.median(times):>9.0f} {min(times):>6.0f} {max(times):>6.0f} "
            f"{goal_text:>6} {cpu:>6.0f}  {heavy}"
        )
    print(
        f"{args.runs} rounds, each running the commands in this order; ms are wall clock, CPU ms the median"
    )
    print("user + system time of the process (less skewed by other work than the wall clock)")


if __name__ == "__main__":
    main()
