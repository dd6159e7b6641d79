"""Concurrent clients on loopback while an ingest writes (issue 11, hardening): zero errors. The short run
of bench/load.py (10 clients, 3 s); the README's figures come from the full one (50 clients, 30 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_api_load_concurrent_clients_during_an_ingest_get_no_error() -> None:
    command = [sys.executable, "bench/load.py", "--clients", "10", "--seconds", "3", "--check"]
    command += ["--seeds", "2", "--more", "2"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    assert "errors 0" in run.stdout and "exit code 0" in run.stdout
