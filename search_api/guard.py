"""One file → its Report, or a GovReportError naming the file: the one way every command extracts.

Reading and extraction run within the per-file time budget (`file_timeout_s`: READ_TIMEOUT past it),
and an unexpected exception from a reader or the extractor (a bug, a library's own error, memory) is
turned into READ_CORRUPT naming the file and the exception, so a batch always goes on to the next file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Report
from nlp.settings import Settings, get_settings

if TYPE_CHECKING:
    from nlp.lint import CheckResult

__all__ = ["check_guarded", "extract_guarded"]


def extract_guarded(path: Path, *, settings: Settings | None = None) -> Report:
    """The file's report; raises only GovReportError, with `source` the path as given."""
    from nlp.extract import extract_path
    from nlp.readers.budget import time_budget

    settings = settings or get_settings()
    source = str(path)
    try:
        with time_budget(settings.file_timeout_s, source=source):
            return extract_path(path, settings=settings)
    except GovReportError:
        raise
    except (Exception, RecursionError, MemoryError) as exc:  # a reader bug must not stop the batch
        message = f"unexpected {type(exc).__name__} while reading: {exc}"[:500]
        raise GovReportError(ErrorCode.READ_CORRUPT, message, source=source) from exc


def check_guarded(
    report: Report, batch: Sequence[Report], *, with_claims: bool, settings: Settings | None = None
) -> CheckResult:
    """The report's lint result (beside its previous year in `batch`) within the per-file time budget;
    raises only GovReportError naming the file, so a batch goes on past a report that is slow to check."""
    from nlp.lint import check_in_batch
    from nlp.readers.budget import time_budget

    settings = settings or get_settings()
    try:
        with time_budget(settings.file_timeout_s, source=report.source, stage="checking"):
            return check_in_batch(report, batch, with_claims=with_claims)
    except GovReportError:
        raise
    except (Exception, RecursionError, MemoryError) as exc:  # a lint bug must not stop the batch
        message = f"unexpected {type(exc).__name__} while checking: {exc}"[:500]
        raise GovReportError(ErrorCode.READ_CORRUPT, message, source=report.source) from exc
