"""The lint: arithmetic, structure and narrative claims checked against the tables, with evidence.

`check_report` runs every rule of configs/rules.yaml on one report; `check_reports` runs them on a
batch, pairing each report with the same body's report for the year before (cross-report rules 5–6).
Findings carry the rule, its severity, a message in Chinese and English, the cells involved, the text
span when prose is involved and the correction the arithmetic implies. C-YEAR (nlp.lint.year_rules) checks
the sentences that state the report's year against the year of its title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.lint.catalogue import SEVERITY_RANK, RuleInfo, load_catalogue
from nlp.lint.claim_rules import claim_findings, verified_claims
from nlp.lint.cross_rules import cross_findings, find_previous
from nlp.lint.structure_rules import structure_findings
from nlp.lint.table_rules import table_findings
from nlp.lint.year_rules import report_year_findings
from nlp.schema import Claim, Finding, Report
from nlp.tables.years import with_previous_year

__all__ = [
    "CROSS_RULES",
    "SEVERITY_RANK",
    "CheckResult",
    "RuleInfo",
    "check_in_batch",
    "check_report",
    "check_reports",
    "filter_findings",
    "load_catalogue",
    "with_previous",
]

CROSS_RULES = frozenset({"X-CARRIED-OVER", "X-IN-FORCE"})  # the rules that need the previous year


@dataclass(frozen=True)
class CheckResult:
    source: str
    findings: list[Finding]
    claims: list[Claim]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def check_report(report: Report, *, previous: Report | None = None, with_claims: bool = True) -> CheckResult:
    """Every finding on one report: structure, arithmetic, counts, cross-year (given `previous`), claims."""
    findings = structure_findings(report) + table_findings(report)
    if previous is not None:
        findings += cross_findings(report, previous)
    claims = verified_claims(report) if with_claims else []
    findings += claim_findings(claims, source=report.source)
    findings += report_year_findings(report)  # prose naming another year (no spaCy: runs without claims too)
    _with_pages(report, findings, claims)
    return CheckResult(source=report.source, findings=_ordered(findings), claims=claims)


def _with_pages(report: Report, findings: Sequence[Finding], claims: Sequence[Claim]) -> None:
    """On a PDF, every finding and claim says the page its text was printed on."""
    if not report.page_starts:
        return
    spans = [f.span for f in findings] + [c.span for c in claims] + [c.sentence_span for c in claims]
    for span in spans:
        if span is not None and span.page is None:
            span.page = report.page_of(span.line)
    for cell in [cell for f in findings for cell in f.cells] + [cell for c in claims for cell in c.cells]:
        cell.page = report.page_of(cell.line)


def check_reports(reports: Sequence[Report], *, with_claims: bool = True) -> dict[str, CheckResult]:
    """Results by report sha256; each report is paired with its body's previous year when the batch has it."""
    return {report.sha256: check_in_batch(report, reports, with_claims=with_claims) for report in reports}


def check_in_batch(report: Report, batch: Sequence[Report], *, with_claims: bool = True) -> CheckResult:
    """One report's result, beside its body's previous year when `batch` has it."""
    previous = find_previous(report, batch)
    if previous is not None:  # last year's 现行有效 may settle this year's glued table-2 rows
        report = with_previous_year(report, previous)
    return check_report(report, previous=previous, with_claims=with_claims)


def with_previous(report: Report, alone: CheckResult, previous: Report | None) -> CheckResult:
    """What check_reports gives `report` beside `previous`, from `alone` (its check_report without one):
    the cross-year findings added in their place. Only when last year's stock settles a glued table-2
    row (the tables change, so may every verdict) is the report checked again in full."""
    if previous is None:
        return alone
    settled = with_previous_year(report, previous)
    if settled is not report:
        return check_report(settled, previous=previous)
    cross = cross_findings(report, previous)
    _with_pages(report, cross, [])
    return CheckResult(source=alone.source, findings=_ordered([*alone.findings, *cross]), claims=alone.claims)


def filter_findings(
    findings: Sequence[Finding],
    *,
    rules: Sequence[str] = (),
    ignore_rules: Sequence[str] = (),
    min_severity: str = "info",
) -> list[Finding]:
    """The findings of the given rules (all when none given), minus ignored rules, at or above a severity."""
    floor = SEVERITY_RANK[min_severity]
    return [
        f
        for f in findings
        if (not rules or f.rule in rules)
        and f.rule not in ignore_rules
        and SEVERITY_RANK[f.severity] >= floor
    ]


def _ordered(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then in catalogue order, so the same report always reads the same."""
    order = {rule: i for i, rule in enumerate(load_catalogue())}
    return sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], order.get(f.rule, len(order))))
