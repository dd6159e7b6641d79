"""Advisory file locks (flock) that the embedded backends share between processes.

An flock is released by the kernel when its holder dies, SIGKILL included, so a crashed ingest never
leaves a lock behind; whoever takes the lock next may trust that no one else is half-way through.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nlp.errors import ErrorCode, GovReportError

__all__ = ["file_lock", "try_file_lock"]

_POLL = 0.02


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise GovReportError(
            ErrorCode.BACKEND_UNAVAILABLE, f"cannot open the lock file: {exc}", source=str(path)
        ) from exc


@contextmanager
def file_lock(path: Path, *, timeout: float, what: str) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) for the block, waiting up to `timeout`
    seconds for another process to release it; BACKEND_UNAVAILABLE after that, naming `what` waited for."""
    descriptor = _open(path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise GovReportError(
                        ErrorCode.BACKEND_UNAVAILABLE,
                        f"another process held the {what} lock for more than {timeout:g} s",
                        source=str(path),
                    ) from None
                time.sleep(_POLL)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextmanager
def try_file_lock(path: Path) -> Iterator[bool]:
    """Take the lock on `path` if no one holds it: yields True (held for the block) or False (busy)."""
    descriptor = _open(path)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
