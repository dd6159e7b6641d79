"""The documents the search backends store: one per report and one per narrative passage.

Building them is pure: a `Report` plus its lint findings in, plain pydantic documents out. Backends
never see `Report` itself, so they do not depend on how extraction works.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from nlp.schema import Claim, Finding, Passage, PassageKind, Report, SectionKey, Span, Table

__all__ = [
    "PassageDoc",
    "ReportBundle",
    "ReportDetail",
    "ReportDoc",
    "build_bundle",
    "passage_flags",
    "passage_id_of",
    "report_flags",
    "report_wide_rules",
    "table_values",
]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportDoc(_Doc):
    """One report: metadata, every numeric table value under its canonical key, finding counts."""

    report_id: str  # the content hash (sha256) of the source file
    source: str
    title: str | None = None
    issuing_body: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str = "unknown"
    year: int | None = None
    format: str = "unknown"
    publication_date: str | None = None
    values: dict[str, float] = Field(default_factory=dict)  # "table.row.column" → number
    findings_by_rule: dict[str, int] = Field(default_factory=dict)
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    flags: list[str] = Field(default_factory=list)
    passage_count: int = 0
    problem_count: int = 0  # extraction problems (nlp.schema.Problem), not lint findings


class PassageDoc(_Doc):
    """One narrative passage with the report's metadata copied on, so a hit stands on its own."""

    passage_id: str
    report_id: str
    source: str
    issuing_body: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str = "unknown"
    year: int | None = None
    section: str | None = None
    kind: PassageKind = "other"
    ordinal: int = Field(ge=0)  # position within the report, for stable ordering
    marker: str | None = None
    text: str
    line: int | None = None
    topics: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


class ReportDetail(_Doc):
    """What a report view needs beyond the search documents, stored beside the report document and
    never searched: the whole extraction (tables cell by cell, decodings, derived cells, sections and
    passages with their spans), and the lint's findings and claims as ingest computed them."""

    report_id: str
    report: Report
    findings: list[Finding] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)


class ReportBundle(_Doc):
    """What a backend writes in one go (one transaction in SQLite): a report and its passages, and its
    detail when ingest has one (documents built by hand in tests may leave it out)."""

    report: ReportDoc
    passages: list[PassageDoc] = Field(default_factory=list)
    detail: ReportDetail | None = None


def _number(value: int | Decimal | None) -> float | None:
    return None if value is None else float(value)


def _table_values(table: Table) -> dict[str, float]:
    values: dict[str, float] = {}
    for row in table.rows:
        if row.key is None:
            continue
        for column, cell in row.cells.items():
            number = _number(cell.value) if cell.kind == "number" else None
            if number is not None:
                values[f"{table.key}.{row.key}.{column}"] = number
    return values


def table_values(report: Report) -> dict[str, float]:
    """Every numeric cell of the three tables, keyed `table.row.column` with template.md's keys."""
    values: dict[str, float] = {}
    for key in ("active_disclosure", "applications", "review_litigation"):
        table = report.tables.get(key)  # type: ignore[arg-type]
        if table is not None:
            values.update(_table_values(table))
    return values


def report_flags(findings: Sequence[Finding]) -> list[str]:
    """Report-level flags derived from lint findings."""
    flags: set[str] = set()
    for finding in findings:
        if finding.severity == "error":
            flags.add("has_error")
        elif finding.severity == "warning":
            flags.add("has_warning")
        if finding.detail.get("verdict") == "contradicted" or "contradict" in finding.rule:
            flags.add("contradicted_claim")
    return sorted(flags)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def passage_flags(span: Span, findings: Sequence[Finding], *, report_level: Sequence[str]) -> list[str]:
    """The report's flags plus the rule ids of findings whose span lies in this passage."""
    rules = {f.rule for f in findings if f.span is not None and _overlaps(span, f.span)}
    return sorted(set(report_level) | rules)


def report_wide_rules(findings: Sequence[Finding], passage_spans: Sequence[Span]) -> list[str]:
    """Rule ids of the findings that lie in no passage: table arithmetic, structure, cross-year, and any
    finding without a span. They concern the report as a whole, so every passage of the report carries
    them as flags (as it carries has_error), and `flag=T3-BALANCE` finds the report's passages; a
    finding inside a passage (a prose claim) flags that passage alone."""
    rules = set()
    for finding in findings:
        span = finding.span
        if span is None or not any(_overlaps(span, own) for own in passage_spans):
            rules.add(finding.rule)
    return sorted(rules)


def passage_id_of(report_id: str, ordinal: int, text: str) -> str:
    """The id of a report's passage number `ordinal` (its sections' passages counted in order)."""
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{report_id[:16]}-{ordinal:04d}-{digest}"


def _report_doc(
    report: Report, findings: Sequence[Finding], *, flags: list[str], n_passages: int
) -> ReportDoc:
    region = report.meta.region
    return ReportDoc(
        report_id=report.sha256,
        source=report.source,
        title=report.title,
        issuing_body=report.issuing_body or report.meta.issuing_body,
        province=region.province,
        city=region.city,
        county=region.county,
        level=report.meta.level,
        year=report.year if report.year is not None else report.meta.year,
        format=report.format,
        publication_date=report.meta.publication_date,
        values=table_values(report),
        findings_by_rule=dict(Counter(f.rule for f in findings)),
        findings_by_severity=dict(Counter(f.severity for f in findings)),
        flags=flags,
        passage_count=n_passages,
        problem_count=len(report.problems),
    )


def _passage_doc(
    report: ReportDoc, section: SectionKey | None, passage: Passage, *, ordinal: int
) -> PassageDoc:
    return PassageDoc(
        passage_id=passage_id_of(report.report_id, ordinal, passage.text),
        report_id=report.report_id,
        source=report.source,
        issuing_body=report.issuing_body,
        province=report.province,
        city=report.city,
        county=report.county,
        level=report.level,
        year=report.year,
        section=section,
        kind=passage.kind,
        ordinal=ordinal,
        marker=passage.marker,
        text=passage.text,
        line=passage.span.line,
    )


def build_bundle(
    report: Report,
    findings: Sequence[Finding] = (),
    *,
    topics_of: Callable[[str], Sequence[str]] | None = None,
    passage_flags_by_start: Mapping[int, Sequence[str]] | None = None,
    claims: Sequence[Claim] | None = None,
) -> ReportBundle:
    """The report document and one document per passage, each passage flagged with the report's flags,
    the rule ids of its own findings and of the report-wide ones (`report_wide_rules`), so every
    finding's rule is a `flag` filter value. `topics_of(text) -> list[str]` tags passages
    (pass `nlp.topics.topics_for`); without it passages carry no topics. `passage_flags_by_start` adds
    flags computed across reports (boilerplate, copied_prev_year…) to the passage starting there. With
    `claims` (the lint's, possibly empty) the bundle carries the report's detail for the report view."""
    flags = report_flags(findings)
    pairs = [(s.key, p) for s in report.sections for p in s.passages]
    doc = _report_doc(report, findings, flags=flags, n_passages=len(pairs))
    across = passage_flags_by_start or {}
    everywhere = [*flags, *report_wide_rules(findings, [p.span for _, p in pairs])]
    passages: list[PassageDoc] = []
    for ordinal, (section, passage) in enumerate(pairs):
        item = _passage_doc(doc, section, passage, ordinal=ordinal)
        own = passage_flags(passage.span, findings, report_level=everywhere)
        item.flags = sorted({*own, *across.get(passage.span.start, ())})
        if topics_of is not None:
            item.topics = list(topics_of(passage.text))
        passages.append(item)
    detail = None
    if claims is not None:
        detail = ReportDetail(
            report_id=doc.report_id, report=report, findings=list(findings), claims=list(claims)
        )
    return ReportBundle(report=doc, passages=passages, detail=detail)
