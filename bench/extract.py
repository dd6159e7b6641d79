"""Extraction throughput: reports per second on the bundled samples and the real crawler dumps.

    python bench/extract.py [--rounds N] [PATH ...]

Text reports are extracted from memory (reading excluded) and, separately, whole files through the
readers (PDF included), so the two costs can be told apart. Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

from nlp.extract import extract_path, extract_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUTS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
PDF_INPUTS = sorted((ROOT / "samples" / "real").glob("*.pdf"))
# Real reports as a web crawler saved them: one-line bodies, glued table cells (row recovery + decoding).
DUMP_INPUTS = sorted((ROOT / "tests" / "fixtures" / "real").glob("*.txt"))


def _rate(label: str, count: int, work: Callable[[], None]) -> None:
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    print(f"{label:<34} {count:>6} reports  {elapsed:8.2f} s  {count / elapsed:8.1f} reports/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in (args.paths or DEFAULT_INPUTS) if p.suffix == ".txt"]
    extract_text(texts[0])  # warm-up: jieba's dictionary and the label index load once per process
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    _rate(
        "text (in memory)",
        len(texts) * args.rounds,
        lambda: [extract_text(t) for _ in range(args.rounds) for t in texts],
    )
    dumps = [p.read_text(encoding="utf-8") for p in DUMP_INPUTS]
    if dumps:
        _rate(
            "crawler dumps (in memory)",
            len(dumps) * args.rounds,
            lambda: [extract_text(t) for _ in range(args.rounds) for t in dumps],
        )
    pdf_rounds = max(1, args.rounds // 10)
    if PDF_INPUTS:
        _rate(
            "pdf (read + extract)",
            len(PDF_INPUTS) * pdf_rounds,
            lambda: [extract_path(p) for _ in range(pdf_rounds) for p in PDF_INPUTS],
        )


if __name__ == "__main__":
    main()
