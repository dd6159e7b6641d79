"""Reports and findings as lists: filters, facet counts and pages over what the backend stores.

Shared by the routers (`/api/reports`, `/api/findings`, `/api/export`) and `govreport export`, so the
API and the command filter and count alike. Everything here reads the backend's report documents
(`SearchBackend.reports()`) and stored details (`get_detail`); it works the same over every backend.
Filters of one name are OR-ed, different names AND-ed; each facet counts with every filter but its own
applied (so a facet shows the other values one could add).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from indexer.backends.base import SearchBackend
from indexer.documents import ReportDoc
from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Finding

__all__ = [
    "FINDING_FACETS",
    "REPORT_FACETS",
    "FindingFilters",
    "FoundFinding",
    "ReportFilters",
    "check_page",
    "filter_reports",
    "finding_facets",
    "matching_findings",
    "report_facets",
    "report_flag_values",
    "sort_reports",
]

REPORT_FACETS = ("province", "city", "county", "level", "year", "body")
FINDING_FACETS = ("rule", "severity")
ReportSort = Literal["region", "year", "errors"]


class ReportFilters(BaseModel):
    """Exact-value filters on a report's metadata (repeat a parameter to OR its values)."""

    model_config = ConfigDict(extra="ignore")

    province: list[str] = Field(default_factory=list)
    city: list[str] = Field(default_factory=list)
    county: list[str] = Field(default_factory=list)
    level: list[str] = Field(default_factory=list)
    year: list[int] = Field(default_factory=list)
    body: list[str] = Field(default_factory=list, description="Issuing body (发布机关).")
    flag: list[str] = Field(
        default_factory=list,
        description="A report flag (has_error, has_warning, contradicted_claim) or the rule id of one of "
        "the report's findings (configs/rules.yaml).",
    )


class FindingFilters(ReportFilters):
    rule: list[str] = Field(default_factory=list, description="Rule id (configs/rules.yaml).")
    severity: list[Literal["error", "warning", "info"]] = Field(default_factory=list)


def _report_value(report: ReportDoc, name: str) -> object:
    return report.issuing_body if name == "body" else getattr(report, name)


def report_flag_values(report: ReportDoc) -> set[str]:
    """What `flag=` matches on a report: its flags and the rule ids of its findings."""
    return {*report.flags, *report.findings_by_rule}


def _keeps(report: ReportDoc, filters: ReportFilters, *, skip: str | None = None) -> bool:
    for name in REPORT_FACETS:
        wanted = getattr(filters, name)
        if name != skip and wanted and _report_value(report, name) not in wanted:
            return False
    wanted_flags = set(filters.flag) if skip != "flag" else set()
    return not wanted_flags or bool(report_flag_values(report) & wanted_flags)


def filter_reports(reports: Sequence[ReportDoc], filters: ReportFilters) -> list[ReportDoc]:
    return [r for r in reports if _keeps(r, filters)]


def _buckets(counts: Counter[str]) -> list[dict[str, object]]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"value": value, "count": count} for value, count in ordered]


def report_facets(reports: Sequence[ReportDoc], filters: ReportFilters) -> dict[str, list[dict[str, object]]]:
    """Per facet, the reports passing every other filter, counted by their value (none: not counted)."""
    facets: dict[str, list[dict[str, object]]] = {}
    for name in REPORT_FACETS:
        counts: Counter[str] = Counter()
        for report in reports:
            value = _report_value(report, name)
            if value is not None and _keeps(report, filters, skip=name):
                counts[str(value)] += 1
        facets[name] = _buckets(counts)
    # a report holds several flags: each counts once per report
    flags: Counter[str] = Counter()
    for report in reports:
        if _keeps(report, filters, skip="flag"):
            flags.update(report_flag_values(report))
    facets["flag"] = _buckets(flags)
    return facets


def _region_key(report: ReportDoc) -> tuple[str, ...]:
    return (report.province or "", report.city or "", report.county or "", report.issuing_body or "")


_SORTS: dict[str, Callable[[ReportDoc], tuple[object, ...]]] = {
    "region": lambda r: (*_region_key(r), -(r.year or 0), r.report_id),
    "year": lambda r: (-(r.year or 0), *_region_key(r), r.report_id),
    "errors": lambda r: (-r.findings_by_severity.get("error", 0), *_region_key(r), r.report_id),
}


def sort_reports(reports: Sequence[ReportDoc], sort: str) -> list[ReportDoc]:
    return sorted(reports, key=_SORTS[sort])


def check_page(page: int, page_size: int, *, cap: int) -> None:
    """Pages count from 1; a page holds 1 to `cap` items (the settings' page_size_cap)."""
    if page < 1:
        raise GovReportError(ErrorCode.QUERY_INVALID, "page counts from 1", parameter="page")
    if not 1 <= page_size <= cap:
        raise GovReportError(
            ErrorCode.QUERY_INVALID, f"page_size must be between 1 and {cap}", parameter="page_size"
        )


class FoundFinding(BaseModel):
    """One finding with the report it belongs to."""

    report_id: str
    source: str
    issuing_body: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str = "unknown"
    year: int | None = None
    finding: Finding


_REPORT_FIELDS = set(FoundFinding.model_fields) - {"finding"}  # the report's own fields, named alike


def _found(report: ReportDoc, finding: Finding) -> FoundFinding:
    return FoundFinding(**report.model_dump(include=_REPORT_FIELDS), finding=finding)


def _finding_keeps(finding: Finding, filters: FindingFilters, *, skip: str | None = None) -> bool:
    if skip != "rule" and filters.rule and finding.rule not in filters.rule:
        return False
    return skip == "severity" or not filters.severity or finding.severity in filters.severity


def _findings_of(backend: SearchBackend, reports: Sequence[ReportDoc]) -> Iterator[FoundFinding]:
    """Every stored finding of these reports, reports in the order given, findings as the lint ordered
    them. A report indexed without findings of its own stored (`findings_by_rule` empty) is skipped
    without reading its detail."""
    for report in reports:
        if not report.findings_by_rule:
            continue
        detail = backend.get_detail(report.report_id)
        if detail is not None:
            for finding in detail.findings:
                yield _found(report, finding)


def matching_findings(
    backend: SearchBackend, filters: FindingFilters
) -> tuple[list[FoundFinding], dict[str, list[dict[str, object]]]]:
    """The findings passing every filter, and the facets: report facets and `rule` / `severity`, each
    counted over the findings passing every other filter."""
    reports = sort_reports(backend.reports(), "region")
    kept_reports = filter_reports(reports, filters)
    every = list(_findings_of(backend, reports))
    by_report = {r.report_id for r in kept_reports}
    matching = [f for f in every if f.report_id in by_report and _finding_keeps(f.finding, filters)]
    return matching, finding_facets(every, reports, filters)


def finding_facets(
    every: Sequence[FoundFinding], reports: Sequence[ReportDoc], filters: FindingFilters
) -> dict[str, list[dict[str, object]]]:
    report_of = {r.report_id: r for r in reports}
    facets: dict[str, list[dict[str, object]]] = {}
    for name in (*FINDING_FACETS, *REPORT_FACETS):
        counts: Counter[str] = Counter()
        for item in every:
            report = report_of[item.report_id]
            skip_report = name if name in REPORT_FACETS else None
            if not _keeps(report, filters, skip=skip_report):
                continue
            if not _finding_keeps(item.finding, filters, skip=name):
                continue
            value = getattr(item.finding, name) if name in FINDING_FACETS else _report_value(report, name)
            if value is not None:
                counts[str(value)] += 1
        facets[name] = _buckets(counts)
    return facets
