"""Worker processes that never outlive the process that started them.

A pool's workers wait on a queue; if their parent is killed (SIGKILL, OOM killer) nobody tells them,
and they sleep for ever. `die_with_parent` runs in each worker as it starts: on Linux the kernel sends it
SIGKILL when the parent dies (PR_SET_PDEATHSIG), and a watchdog thread, everywhere, exits the worker
within a second of finding that its parent has changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

__all__ = ["WATCH_SECONDS", "die_with_parent", "start_worker"]

WATCH_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1


def _ask_kernel(parent: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent:
            os._exit(70)  # the parent is gone: no one will ever read our results


def die_with_parent() -> None:
    """Pool initializer: end this worker when its parent process dies."""
    parent = os.getppid()
    _ask_kernel(parent)
    if os.getppid() != parent:  # it died before the kernel was asked
        os._exit(70)
    threading.Thread(target=_watch, args=(parent,), name="parent-watchdog", daemon=True).start()


def start_worker() -> None:
    """Pool initializer of ingest's workers: die with the parent, and load the word segmenter now, once
    per worker (jieba's dictionary), rather than inside the first file's time budget."""
    die_with_parent()
    from nlp.segment import words

    words("政府信息公开")
