"""Extraction throughput: reports per second on the bundled samples and the real crawler dumps.

    python bench/extract.py [--rounds N] [--pdf-only] [PATH ...]

Text reports are extracted from memory (reading excluded) and, separately, whole files through the
readers (PDF included), so the two costs can be told apart. Prints one line per measurement.

PDFs (samples/real and ../shared/corpus/real) are read by the pdfium reader and, in the same run,
by the last pdfplumber reader (nlp/readers/pdf.py as of commit 425bf0a, loaded from git; only when
pdfplumber is installed and the repository's history is at hand), each alone and with extraction,
and the ratio is printed; then the pdfium reader in one process per CPU, as ingest's workers run it.
The rate is wall-clock; the CPU seconds of this process are printed beside it because the machine is
shared (for the worker row they are the parent's, near zero).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nlp.extract import extract_path, extract_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUTS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
PDF_INPUTS = sorted((ROOT / "samples" / "real").glob("*.pdf")) + sorted(
    (ROOT.parent / "shared" / "corpus" / "real").glob("*.pdf")
)
PDFPLUMBER_READER = "425bf0a5a68257d0916de4aeaf2936b0e33bba63"  # the last nlp/readers/pdf.py on pdfplumber
# Real reports as a web crawler saved them: one-line bodies, glued table cells (row recovery + decoding).
DUMP_INPUTS = sorted((ROOT / "tests" / "fixtures" / "real").glob("*.txt"))


def _rate(label: str, count: int, work: Callable[[], None]) -> None:
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    print(f"{label:<34} {count:>6} reports  {elapsed:8.2f} s  {count / elapsed:8.1f} reports/s")


# --- PDF: the pdfium reader beside the last pdfplumber one ------------------------------------------


def _pdfplumber_reader() -> Any | None:
    """read_pdf of the pdfplumber reader (loaded from git), or None when it cannot be had here."""
    if importlib.util.find_spec("pdfplumber") is None:
        return None
    try:
        source = subprocess.run(
            ["git", "show", f"{PDFPLUMBER_READER}:nlp/readers/pdf.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("bench_pdfplumber_reader")
    sys.modules[module.__name__] = module  # its dataclasses look their module up
    # our own history, pinned by commit: the old reader runs beside the new one in this process
    exec(compile(source, "nlp/readers/pdf.py@425bf0a", "exec"), module.__dict__)
    return module.read_pdf


@contextmanager
def _reading_with(read_pdf: Any) -> Iterator[None]:
    """Every PDF read (extract_path included) goes through `read_pdf` meanwhile."""
    import nlp.readers.pdf as current

    saved = current.read_pdf
    current.read_pdf = read_pdf
    try:
        yield
    finally:
        current.read_pdf = saved


def _pdf_rate(label: str, count: int, work: Callable[[], object]) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    work()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label:<34} {count:>6} PDFs     {elapsed:8.2f} s  {count / elapsed:8.1f} PDFs/s  ({cpu:.2f} s CPU)"
    )
    return count / elapsed


def _read_lines(path: Path) -> int:
    """One PDF read in a worker process (pdfium is not thread-safe: PDFs are read in processes)."""
    from nlp.readers import read_path

    return len(read_path(path).lines)


def _pdf_parallel(paths: Sequence[Path], rounds: int, workers: int) -> None:
    """The pdfium reader in `workers` processes, as ingest runs it."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_read_lines, [paths[0]] * workers))  # warm-up: imports in every worker
        _pdf_rate(
            f"pdf read ({workers} processes, pdfium)",
            len(paths) * rounds,
            lambda: list(pool.map(_read_lines, [p for _ in range(rounds) for p in paths])),
        )


def _pdf_rows(paths: Sequence[Path], rounds: int) -> None:
    import nlp.readers.pdf as current
    from nlp.readers import read_path

    count = len(paths) * rounds
    readers = [("pdfium", current.read_pdf)]
    old = _pdfplumber_reader()
    if old is None:
        print("pdfplumber reader: not measured (pdfplumber not installed or no git history); see CHANGELOG")
    else:
        readers.append(("pdfplumber", old))
    rates: dict[str, tuple[float, float]] = {}
    for name, reader in readers:
        with _reading_with(reader):
            read_path(paths[0])  # warm-up: imports, fonts
            read = _pdf_rate(
                f"pdf read ({name})", count, lambda: [read_path(p) for _ in range(rounds) for p in paths]
            )
            whole = _pdf_rate(
                f"pdf read + extract ({name})",
                count,
                lambda: [extract_path(p) for _ in range(rounds) for p in paths],
            )
        rates[name] = (read, whole)
    _pdf_parallel(paths, rounds, workers=os.cpu_count() or 1)
    if "pdfplumber" in rates:
        (new_read, new_whole), (old_read, old_whole) = rates["pdfium"], rates["pdfplumber"]
        ratios = f"read {new_read / old_read:.1f}x, read + extract {new_whole / old_whole:.1f}x"
        print(f"pdfium / pdfplumber (same run): {ratios}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pdf-only", action="store_true", help="only the PDF rows (rounds // 4 each)")
    args = parser.parse_args()
    if args.pdf_only:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}")
        _pdf_rows(PDF_INPUTS, max(1, args.rounds // 4))
        return
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
    if PDF_INPUTS:
        _pdf_rows(PDF_INPUTS, max(1, args.rounds // 4))


if __name__ == "__main__":
    main()
