"""Load test: N concurrent clients against `govreport serve` on loopback, optionally while an ingest writes.

    python bench/load.py                         # tantivy, 50 clients, 30 s, an ingest running meanwhile
    python bench/load.py --backend sqlite
    python bench/load.py --clients 10 --seconds 3 --check   # what tests/test_api_load.py runs

The data dir is built from the seed reports (and `--copies` altered copies of them, to give the index some
size); the concurrent ingest writes further altered copies into the same data dir. Each client keeps one
HTTP/1.1 connection and sends the page's searches (a word, 4 facets, 10 hits with highlights). Prints
requests/s, p50/p95/max latency and the errors; with --check, exits 1 on any error or non-200 answer.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
WORDS = ["公开", "政府信息", "依申请公开", "行政复议", "政策解读", "信息公开", "网站", "培训", "问题", "改进"]
FACETS = ["province", "year", "topic", "flag"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _govreport(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from search_api.cli import main; main()", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, **kwargs)  # type: ignore[call-overload]


def _copies(folder: Path, count: int, tag: str) -> list[Path]:
    """Altered copies of the seeds (a line appended: a new content hash, the same report)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        seed = SEEDS[i % len(SEEDS)]
        path = folder / f"{tag}{i:04d}_{seed.name}"
        path.write_text(seed.read_text(encoding="utf-8") + f"\n（副本 {tag}{i}）\n", encoding="utf-8")
        made.append(path)
    return made


def _wait_healthy(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not answer /api/health within {timeout:.0f} s")


class _Client(threading.Thread):
    def __init__(self, port: int, stop: threading.Event, seed: int) -> None:
        super().__init__(daemon=True)
        self.port, self.stop, self.rng = port, stop, random.Random(seed)
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            params = [("q", self.rng.choice(WORDS)), *(("facet", f) for f in FACETS), ("page_size", "10")]
            started = time.perf_counter()
            try:
                connection.request("GET", "/api/search?" + urlencode(params))
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    self.errors.append(f"{response.status}: {body[:200]!r}")
                else:
                    json.loads(body)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            self.latencies.append(time.perf_counter() - started)
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["tantivy", "sqlite"], default="tantivy")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seeds", type=int, default=len(SEEDS), help="seed reports indexed before the run")
    parser.add_argument("--copies", type=int, default=0, help="altered seed copies indexed before the run")
    parser.add_argument("--more", type=int, default=20, help="altered copies the concurrent ingest writes")
    parser.add_argument("--no-ingest", action="store_true", help="no ingest running during the load")
    parser.add_argument("--check", action="store_true", help="exit 1 on any error")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="govreport-load-"))
    data_dir = work / "data"
    env = {**os.environ, "GOVREPORT_DATA_DIR": str(data_dir), "GOVREPORT_BACKEND": args.backend}
    first = [*map(str, SEEDS[: args.seeds]), *map(str, _copies(work / "base", args.copies, "base"))]
    started = time.monotonic()
    if _govreport("ingest", *first, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait():
        raise SystemExit("the initial ingest failed")
    print(f"indexed {len(first)} reports in {time.monotonic() - started:.1f} s ({args.backend})")

    port = _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # uvicorn logs every request
    server = _govreport("serve", "--port", str(port), env=env, **quiet)
    ingest: subprocess.Popen[bytes] | None = None
    try:
        _wait_healthy(port, timeout=120)
        if not args.no_ingest:
            more = [str(p) for p in _copies(work / "more", args.more, "more")]
            ingest = _govreport("ingest", *more, env=env, **quiet)
        stop = threading.Event()
        clients = [_Client(port, stop, seed) for seed in range(args.clients)]
        began = time.perf_counter()
        for client in clients:
            client.start()
        time.sleep(args.seconds)
        stop.set()
        for client in clients:
            client.join(timeout=60)
        elapsed = time.perf_counter() - began
        ingest_busy = ingest is not None and ingest.poll() is None
        ingest_code = ingest.wait(timeout=600) if ingest is not None else 0
    finally:
        server.terminate()
        server.wait(timeout=30)
        if ingest is not None and ingest.poll() is None:
            ingest.kill()

    latencies = sorted(t for c in clients for t in c.latencies)
    errors = [e for c in clients for e in c.errors]
    if not latencies:
        raise SystemExit(f"no request answered; errors: {errors[:5]}")
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    rate = len(latencies) / elapsed
    print(
        f"{args.clients} clients, {elapsed:.1f} s: {len(latencies)} answers, {rate:.0f} req/s; "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; errors {len(errors)}"
    )
    if ingest is not None:
        state = "still running at the end" if ingest_busy else "finished during the run"
        print(f"concurrent ingest: {state}, exit code {ingest_code}")
    for error in errors[:5]:
        print("  error:", error)
    return 1 if args.check and (errors or ingest_code) else 0


if __name__ == "__main__":
    sys.exit(main())
