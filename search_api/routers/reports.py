"""GET /api/reports/{report_id}: one report's metadata, table values and finding counts."""

from __future__ import annotations

from fastapi import APIRouter

from indexer.documents import ReportDoc
from nlp.errors import ErrorCode, GovReportError
from search_api.deps import BackendDep
from search_api.models import ErrorBody

__all__ = ["MAX_REPORT_ID_CHARS", "router"]

router = APIRouter(tags=["reports"])

# Report ids are sha256 hex digests; anything far longer cannot name a report, so it never reaches
# the backend (Elasticsearch refuses ids over 512 bytes with an error of its own).
MAX_REPORT_ID_CHARS = 128


def _not_found(report_id: str) -> GovReportError:
    shown = report_id if len(report_id) <= 80 else report_id[:80] + "…"
    return GovReportError(
        ErrorCode.REPORT_NOT_FOUND, f"no report with id {shown!r} is indexed", parameter="report_id"
    )


@router.get("/reports/{report_id}", response_model=ReportDoc, responses={404: {"model": ErrorBody}})
def get_report(report_id: str, backend: BackendDep) -> ReportDoc:
    if len(report_id) > MAX_REPORT_ID_CHARS or not report_id.strip():
        raise _not_found(report_id)
    report = backend.get_report(report_id)
    if report is None:
        raise _not_found(report_id)
    return report
