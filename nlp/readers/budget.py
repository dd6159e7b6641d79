"""A per-file time budget: reading and extracting one file past it fails with READ_TIMEOUT, naming the
file, and the batch goes on to the next.

The budget is a wall-clock interval timer (SIGALRM) whose handler raises inside whatever Python code is
running, so it stops any slow path without that code checking a clock. Signals are delivered to the
main thread only: elsewhere (a web server's worker thread), or where the platform has no interval
timer, or while another SIGALRM timer is running (a test runner's), the budget is not enforced.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from nlp.errors import ErrorCode, GovReportError

__all__ = ["time_budget"]


class _OverBudget(BaseException):
    """Raised by the alarm inside the timed code; a BaseException so `except Exception` cannot eat it."""


def _enforceable() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )


@contextmanager
def time_budget(seconds: float, *, source: str, stage: str = "reading and extracting") -> Iterator[None]:
    """Run the block within `seconds` of wall-clock time (0 or less: no limit), else raise
    GovReportError(READ_TIMEOUT) naming `source` and the `stage` that ran over."""
    if seconds <= 0 or not _enforceable():
        yield
        return
    armed = [True]

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if armed[0]:
            raise _OverBudget

    previous: Callable[[int, FrameType | None], Any] | int | None = signal.signal(signal.SIGALRM, on_alarm)

    def disarm() -> None:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            disarm()
    except _OverBudget:
        disarm()  # the alarm may have fired before the finally clause ran
        message = f"{stage} took more than {seconds:g} s (file_timeout_s): skipped"
        raise GovReportError(ErrorCode.READ_TIMEOUT, message, source=source) from None
