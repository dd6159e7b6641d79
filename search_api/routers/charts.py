"""GET /api/charts/…: the figures the page's charts draw, read from the index and never written.

- `/api/charts/applications`: per report (a body's year), table 3's 总计 column — applications received
  and carried over, how they ended (the outcome rows summed by the template's groups), handled and
  carried forward — and the report's finding counts. The page stacks the outcomes per body and year and
  draws one body's years as a trend.
- `/api/charts/topics`: passages per issuing body and topic (the body × topic heat map).

Both take the report filters of `/api/reports` (province, city, county, level, year, body; repeat a
parameter to OR its values). Findings by rule and by region need nothing here: `/api/findings` counts
them in its facets.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from indexer.documents import ReportDoc
from indexer.query import SearchFilters, SearchQuery
from search_api.catalog import ReportFilters, filter_reports
from search_api.deps import BackendDep
from search_api.models import ErrorBody

__all__ = [
    "OUTCOME_GROUPS",
    "ApplicationsChart",
    "ApplicationsRow",
    "TopicsChart",
    "TopicsParams",
    "applications_row",
    "router",
]

router = APIRouter(tags=["charts"])
_ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorBody}, 503: {"model": ErrorBody}}

# How an application ended: the outcome rows of table 3 (configs/labels.yaml) under the template's groups.
OUTCOME_GROUPS: dict[str, tuple[str, ...]] = {
    "granted": ("granted",),
    "partially_granted": ("partially_granted",),
    "denied": (
        "denied_state_secret", "denied_prohibited_by_law", "denied_security_stability", "denied_third_party",
        "denied_internal_affairs", "denied_process_info", "denied_enforcement_files", "denied_admin_query",
    ),
    "unable": ("unable_not_held", "unable_needs_creation", "unable_unclear"),
    "rejected": (
        "rejected_petition", "rejected_repeat", "rejected_publication", "rejected_mass_repeat",
        "rejected_confirmation",
    ),
    "other": ("other_overdue_correction", "other_unpaid_fee", "other_other", "other_handling"),
}  # fmt: skip
_APPLICANT_COLUMNS = (
    "natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org",
)  # fmt: skip
_MAX_TOPIC_BODIES = 60  # bodies in the heat map, those with the most passages first


class ApplicationsRow(BaseModel):
    """One report's table-3 总计 column (null where the report prints no such number)."""

    report_id: str
    issuing_body: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str = "unknown"
    year: int | None = None
    received: float | None = Field(default=None, description="一、本年新收政府信息公开申请数量, 总计")
    carried_over: float | None = Field(default=None, description="二、上年结转政府信息公开申请数量, 总计")
    outcomes: dict[str, float | None] = Field(
        default_factory=dict,
        description="三、本年度办理结果 by group: granted, partially_granted, denied (不予公开), "
        "unable (无法提供), rejected (不予处理), other (其他处理); null when no row of the group is printed.",
    )
    handled_total: float | None = Field(default=None, description="（七）总计, 总计")
    carried_forward: float | None = Field(default=None, description="四、结转下年度继续办理, 总计")
    errors: int = 0
    warnings: int = 0


# The fields a row takes from its report document as they are (ReportDoc names them alike).
_REPORT_FIELDS = {"report_id", "issuing_body", "province", "city", "county", "level", "year"}


class ApplicationsChart(BaseModel):
    total: int  # reports matching the filters
    outcome_groups: dict[str, list[str]]  # group → the template's row keys summed into it
    rows: list[ApplicationsRow]  # ordered by body, then year


class TopicsParams(ReportFilters):
    kind: list[Literal["problem", "improvement", "other"]] = Field(
        default_factory=list,
        description="Count only passages of these kinds (section 五's problem/improvement).",
    )


class TopicsChart(BaseModel):
    bodies: list[str]  # rows of the matrix, most passages first (at most 60)
    topics: list[str]  # columns, most passages first
    counts: list[list[int]]  # counts[i][j]: passages of bodies[i] tagged topics[j]
    passages: list[int]  # passages of each body (matching `kind`), tagged or not
    truncated: bool = False  # more bodies matched than are shown


def _total(values: dict[str, float], row: str) -> float | None:
    """The 总计 cell of a table-3 row, else the sum of its six applicant cells when all are printed."""
    total = values.get(f"applications.{row}.total")
    if total is not None:
        return total
    parts = [values.get(f"applications.{row}.{column}") for column in _APPLICANT_COLUMNS]
    return sum(p for p in parts if p is not None) if all(p is not None for p in parts) else None


def applications_row(doc: ReportDoc) -> ApplicationsRow:
    values = doc.values
    outcomes: dict[str, float | None] = {}
    for group, rows in OUTCOME_GROUPS.items():
        found = [v for v in (_total(values, row) for row in rows) if v is not None]
        outcomes[group] = sum(found) if found else None
    return ApplicationsRow(
        **doc.model_dump(include=_REPORT_FIELDS),
        received=_total(values, "new_received"),
        carried_over=_total(values, "carried_over"),
        outcomes=outcomes,
        handled_total=_total(values, "handled_total"),
        carried_forward=_total(values, "carried_forward"),
        errors=doc.findings_by_severity.get("error", 0),
        warnings=doc.findings_by_severity.get("warning", 0),
    )


@router.get("/charts/applications", response_model=ApplicationsChart, responses=_ERRORS)
def applications_chart(params: Annotated[ReportFilters, Query()], backend: BackendDep) -> ApplicationsChart:
    """Table 3's totals per report (body and year): received, carried over, outcomes by group, handled,
    carried forward, and the report's error and warning counts."""
    kept = filter_reports(backend.reports(), params)
    kept.sort(key=lambda r: (r.issuing_body or "", r.year or 0, r.report_id))
    return ApplicationsChart(
        total=len(kept),
        outcome_groups={group: list(rows) for group, rows in OUTCOME_GROUPS.items()},
        rows=[applications_row(r) for r in kept],
    )


@router.get("/charts/topics", response_model=TopicsChart, responses=_ERRORS)
def topics_chart(params: Annotated[TopicsParams, Query()], backend: BackendDep) -> TopicsChart:
    """Passages per issuing body and topic, for the reports the filters keep (reports whose body was
    not recognised are left out: the matrix is by body)."""
    ids_of: dict[str, list[str]] = defaultdict(list)
    passages_of: dict[str, int] = defaultdict(int)
    for report in filter_reports(backend.reports(), params):
        if report.issuing_body:
            ids_of[report.issuing_body].append(report.report_id)
            passages_of[report.issuing_body] += report.passage_count
    ranked = sorted(ids_of, key=lambda body: (-passages_of[body], body))
    shown = ranked[:_MAX_TOPIC_BODIES]
    per_body: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for body in shown:
        filters = SearchFilters(report_id=ids_of[body], kind=list(params.kind))
        result = backend.search(SearchQuery(filters=filters, facets=["topic"], page_size=1))
        per_body[body] = {str(b.value): b.count for b in result.facets.get("topic", [])}
        totals[body] = result.total
    topic_sums: dict[str, int] = defaultdict(int)
    for counts in per_body.values():
        for topic, count in counts.items():
            topic_sums[topic] += count
    topics = sorted(topic_sums, key=lambda t: (-topic_sums[t], t))
    return TopicsChart(
        bodies=shown,
        topics=topics,
        counts=[[per_body[body].get(topic, 0) for topic in topics] for body in shown],
        passages=[totals[body] for body in shown],
        truncated=len(ranked) > len(shown),
    )
