"""GET /api/reports: the indexed reports, filtered, counted and paged; GET /api/reports/{report_id}: one
report's metadata, table values and finding counts, and its stored detail (tables cell by cell,
findings, claims, passages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from indexer.documents import ReportDoc
from indexer.query import FacetBucket
from nlp.errors import ErrorCode, GovReportError
from search_api.catalog import check_page, filter_reports, report_facets, sort_reports
from search_api.deps import BackendDep, SettingsDep
from search_api.display import display_source, without_paths
from search_api.models import ErrorBody, ReportList, ReportListParams, ReportSummary, ReportView, report_view

__all__ = ["MAX_REPORT_ID_CHARS", "router"]

router = APIRouter(tags=["reports"])

# Report ids are sha256 hex digests; anything far longer cannot name a report, so it never reaches
# the backend (Elasticsearch refuses ids over 512 bytes with an error of its own).
MAX_REPORT_ID_CHARS = 128
_ERRORS = {400: {"model": ErrorBody}, 422: {"model": ErrorBody}, 503: {"model": ErrorBody}}


def _not_found(report_id: str) -> GovReportError:
    shown = report_id if len(report_id) <= 80 else report_id[:80] + "…"
    return GovReportError(
        ErrorCode.REPORT_NOT_FOUND, f"no report with id {shown!r} is indexed", parameter="report_id"
    )


@router.get("/reports", response_model=ReportList, responses=_ERRORS)
def list_reports(
    params: Annotated[ReportListParams, Query()], backend: BackendDep, settings: SettingsDep
) -> ReportList:
    """Reports filtered by region, level, year and issuing body, with counts per value of each."""
    check_page(params.page, params.page_size, cap=settings.page_size_cap)
    reports = backend.reports()
    kept = sort_reports(filter_reports(reports, params), params.sort)
    start = (params.page - 1) * params.page_size
    facets = {
        name: [FacetBucket.model_validate(b) for b in buckets]
        for name, buckets in report_facets(reports, params).items()
    }
    return ReportList(
        total=len(kept),
        page=params.page,
        page_size=params.page_size,
        reports=[_summary(r) for r in kept[start : start + params.page_size]],
        facets=facets,
    )


@router.get("/reports/{report_id}", response_model=ReportView, responses={404: {"model": ErrorBody}})
def get_report(report_id: str, backend: BackendDep) -> ReportView:
    if len(report_id) > MAX_REPORT_ID_CHARS or not report_id.strip():
        raise _not_found(report_id)
    report = backend.get_report(report_id)
    if report is None:
        raise _not_found(report_id)
    detail = backend.get_detail(report_id)
    sources = [report.source, *([detail.report.source] if detail else [])]
    return without_paths(report_view(report, detail), sources)  # the file is quoted in nested places


def _summary(report: ReportDoc) -> ReportSummary:
    summary = ReportSummary.of(report)
    return summary.model_copy(update={"source": display_source(summary.source)})
