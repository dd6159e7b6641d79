"""Corpus-level analysis at ingest: each report is judged against its neighbourhood in the whole index.

A report's neighbourhood is every report related to it: the same body's reports up to `max_year_gap`
years before or after (configs/compare.yaml), and the same city's (or province's, per config) other
bodies of its year — as nlp.compare relates passages — plus, for the lint, the same body's report of the
year before and of the year after (nlp.lint.cross_rules.same_body). Its findings are its own (checked
alone, in the worker) plus the cross-year ones against the previous year found there
(nlp.lint.with_previous), and its passages' copy flags are nlp.compare.flags_among against the
neighbourhood. Both are functions of the neighbourhood only, so whatever order and batches the files
come in, the same index ends with the same findings and flags.

When reports arrive, the index is asked (SearchBackend.lookup_reports) for their neighbours; each arrival
and each stored neighbour is then judged again against its own neighbourhood, the arrivals included. A
stored report is rewritten only when its findings or flags change. Relations are decided on the stored
reports themselves; the lookup only has to find a superset (by place or exact body name).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from indexer.backends.base import PreparedBundle, ReportLookup, Scope
from indexer.documents import ReportBundle, ReportDetail, ReportDoc, build_bundle
from nlp.compare import CompareConfig, body_key, flags_among, load_compare_config, neighbourhood_key
from nlp.compare.index import PassageRecord, relation
from nlp.lint import CROSS_RULES, CheckResult, check_report, with_previous
from nlp.lint.cross_rules import find_previous, same_body
from nlp.schema import Claim, Finding, Report
from nlp.tables.years import may_narrow

__all__ = ["IndexReader", "Member", "Neighbourhoods", "Settled", "settle_chunk"]

# Stored reports kept parsed from one chunk to the next (a parsed report holds ≈0.5 MB): the next files are
# often the same bodies' and cities'. Within a chunk every report it touches is kept until the chunk ends.
_CACHE = 64


class IndexReader(Protocol):
    """What the analysis reads of an index (a SearchBackend, or the version a rebuild is filling)."""

    def lookup_reports(self, lookup: ReportLookup) -> list[ReportDoc]: ...

    def get_report(self, report_id: str) -> ReportDoc | None: ...

    def get_detail(self, report_id: str) -> ReportDetail | None: ...


@dataclass(frozen=True)
class Member:
    """A report as the analysis sees it: its document, the report, and its lint checked alone."""

    doc: ReportDoc
    report: Report
    flags: dict[int, list[str]]  # copy flags as stored (arrivals: against no neighbour yet)
    findings: list[Finding]  # findings as stored
    claims: list[Claim] | None  # claims as stored (None: not checked)
    alone: CheckResult | None = None  # arrivals: the worker's; stored: worked out when needed

    @property
    def report_id(self) -> str:
        return self.doc.report_id


@dataclass(frozen=True)
class Settled:
    """One report's findings and flags against its neighbourhood, and its bundle to write."""

    member: Member
    findings: list[Finding]
    claims: list[Claim] | None
    flags: dict[int, list[str]]


def _compare_year(report: Report) -> int | None:
    # nlp.compare dates a report by its metadata first, the lint by the printed year first
    return report.meta.year if report.meta.year is not None else report.year


def _lint_year(report: Report) -> int | None:
    return report.year or report.meta.year


def _years(report: Report) -> list[int]:
    return sorted({y for y in (_compare_year(report), _lint_year(report)) if y is not None})


class Neighbourhoods:
    """Judges arrivals and their stored neighbours against their neighbourhoods (one chunk at a time)."""

    def __init__(self, backend: IndexReader, *, checked: bool, config: CompareConfig | None = None) -> None:
        self.backend = backend
        self.checked = checked
        self.config = config or load_compare_config()
        self._stored: OrderedDict[str, Member] = OrderedDict()  # LRU of parsed stored reports
        self._records: dict[str, PassageRecord] = {}

    # --- who is related --------------------------------------------------------------------------

    def _record(self, report: Report) -> PassageRecord:
        """Who wrote the report, as nlp.compare relates passages (kept: asked for every pair)."""
        record = self._records.get(report.sha256)
        if record is None:
            if len(self._records) >= _CACHE * 128:
                self._records.clear()
            record = PassageRecord(
                body=body_key(report, config=self.config),
                neighbourhood=neighbourhood_key(report, config=self.config),
                year=_compare_year(report),
                norm="",
            )
            self._records[report.sha256] = record
        return record

    def copies_related(self, a: Report, b: Report) -> bool:
        """Whether nlp.compare pairs passages of the two reports."""
        return relation(self._record(a), self._record(b), max_year_gap=self.config.max_year_gap) is not None

    def related(self, a: Report, b: Report) -> bool:
        """Whether either report's judgement depends on the other."""
        if a.sha256 == b.sha256:
            return False
        year_a, year_b = _lint_year(a), _lint_year(b)
        next_year = year_a is not None and year_b is not None and abs(year_a - year_b) == 1
        return self.copies_related(a, b) or (next_year and same_body(a, b))

    def lookups(self, report: Report, doc: ReportDoc) -> list[ReportLookup]:
        """The questions whose answers hold every report related to this one (and some others)."""
        years = _years(report)
        if not years:
            return []
        gap = max(self.config.max_year_gap, 1)
        place = {"province": doc.province, "city": doc.city, "county": doc.county}
        # the same body in other years: by name, and — except a department, known by its name alone
        # (nlp.compare.body_key, nlp.lint.cross_rules.same_body) — by its place at its level
        by_place = doc.province is not None and doc.level != "department"
        same_body = ReportLookup(
            first_year=years[0] - gap,
            last_year=years[-1] + gap,
            scope="county" if by_place else None,
            level=doc.level,
            body=doc.issuing_body,
            **place,
        )
        near = neighbourhood_key(report, config=self.config)
        if near is None:
            return [same_body]
        scope: Scope = "province" if self.config.neighbour_scope == "province" else "city"
        neighbours = ReportLookup(first_year=years[0], last_year=years[-1], scope=scope, **place)
        return [same_body, neighbours]

    # --- loading ---------------------------------------------------------------------------------

    def stored(self, doc: ReportDoc) -> Member | None:
        """The stored report (its detail parsed once and kept a while)."""
        cached = self._stored.get(doc.report_id)
        if cached is not None:
            self._stored.move_to_end(doc.report_id)
            return cached
        detail = self.backend.get_detail(doc.report_id)
        if detail is None:
            return None
        member = Member(
            doc=doc, report=detail.report, flags={}, findings=detail.findings, claims=detail.claims
        )
        self._stored[doc.report_id] = member
        if len(self._stored) > _CACHE:
            self._stored.popitem(last=False)
        return member

    def alone(self, member: Member) -> CheckResult | None:
        """The report's lint checked alone: its stored findings without the cross-year ones, unless its
        previous year may have narrowed its tables (then those findings are not its own: check again)."""
        if not self.checked or member.alone is not None:
            return member.alone
        if may_narrow(member.report):
            return check_report(member.report)
        own = [f for f in member.findings if f.rule not in CROSS_RULES]
        return CheckResult(source=member.report.source, findings=own, claims=member.claims or [])

    def forget(self, report_ids: Iterable[str]) -> None:
        """Drop parsed copies of reports that are being rewritten or deleted."""
        for report_id in report_ids:
            self._stored.pop(report_id, None)

    def remember(self, members: Sequence[Member]) -> None:
        """Keep reports being written as stored ones (used only if a lookup of the index returns them)."""
        for member in members[-_CACHE:]:
            self._stored[member.report_id] = member
        while len(self._stored) > _CACHE:
            self._stored.popitem(last=False)


class _Chunk:
    """One chunk's view of the corpus: the index with the arrivals laid over it (an arrival replaces
    any stored report of its id, and the old versions of its file are hidden)."""

    def __init__(self, hood: Neighbourhoods, arrivals: Sequence[Member], hidden: set[str]) -> None:
        self.hood = hood
        self.arrivals = {m.report_id: m for m in arrivals}
        self.hidden = hidden | set(self.arrivals)
        self._answers: dict[str, list[ReportDoc]] = {}
        self._arrivals_found: dict[str, dict[str, Member]] = {}
        # old versions being replaced: their neighbours lose them (their place may differ from the new one's)
        old = (hood.backend.get_report(i) for i in sorted(hidden))
        self._touched: dict[str, Member | None] = {}
        self._neighbours: dict[tuple[str, bool], list[Member]] = {}
        self.replaced = [m for m in (self.stored(d) for d in old if d is not None) if m is not None]

    def stored(self, doc: ReportDoc) -> Member | None:
        """The stored report, parsed at most once in the chunk."""
        if doc.report_id not in self._touched:
            self._touched[doc.report_id] = self.hood.stored(doc)
        return self._touched[doc.report_id]

    def _answer(self, lookup: ReportLookup) -> list[ReportDoc]:
        key = lookup.model_dump_json()
        if key not in self._answers:
            self._answers[key] = self.hood.backend.lookup_reports(lookup)
        return self._answers[key]

    def _arriving(self, lookup: ReportLookup) -> dict[str, Member]:
        """The arrivals the lookup matches (the index does not hold them yet)."""
        key = lookup.model_dump_json()
        if key not in self._arrivals_found:
            found = {i: m for i, m in self.arrivals.items() if lookup.matches(m.doc)}
            self._arrivals_found[key] = found
        return self._arrivals_found[key]

    def candidates(self, member: Member, *, before: bool = False) -> list[Member]:
        """Reports the lookups find for `member`, in report id order. `before`: as the index held them
        before this chunk (no arrival, old versions not hidden)."""
        found: dict[str, Member] = {}
        for lookup in self.hood.lookups(member.report, member.doc):
            for doc in self._answer(lookup):
                if before or doc.report_id not in self.hidden:
                    stored = self.stored(doc)
                    if stored is not None:
                        found[doc.report_id] = stored
            if not before:
                found.update(self._arriving(lookup))
        found.pop(member.report_id, None)
        return [found[i] for i in sorted(found)]

    def neighbours(self, member: Member, *, before: bool = False) -> list[Member]:
        """The reports related to `member` (now, or before this chunk), asked once per chunk."""
        key = (member.report_id, before)
        if key not in self._neighbours:
            related = self.hood.related
            found = self.candidates(member, before=before)
            self._neighbours[key] = [m for m in found if related(member.report, m.report)]
        return self._neighbours[key]

    def flags(self, member: Member, neighbours: Sequence[Member]) -> dict[int, list[str]]:
        copies = [m.report for m in neighbours if self.hood.copies_related(member.report, m.report)]
        return flags_among(member.report, copies, config=self.hood.config)

    def settle(self, member: Member) -> Settled:
        """An arrival against its neighbourhood: its lint alone (the worker's) with its previous year's."""
        neighbours = self.neighbours(member)
        flags = self.flags(member, neighbours)
        alone = self.hood.alone(member)
        if alone is None:
            return Settled(member=member, findings=[], claims=None, flags=flags)
        previous = find_previous(member.report, [m.report for m in neighbours])
        result = with_previous(member.report, alone, previous)
        return Settled(member=member, findings=result.findings, claims=result.claims, flags=flags)

    def resettled(self, member: Member) -> Settled | None:
        """A stored report against its neighbourhood as the arrivals change it, or None when its findings
        and flags stay as stored. Its findings depend on its neighbours only through its previous year,
        so they are worked out again only when that changes."""
        now, before = self.neighbours(member), self.neighbours(member, before=True)
        findings, claims = member.findings, member.claims
        previous = find_previous(member.report, [m.report for m in now])
        earlier = find_previous(member.report, [m.report for m in before])
        alone = self.hood.alone(member) if _sha(previous) != _sha(earlier) else None
        if alone is not None:
            result = with_previous(member.report, alone, previous)
            findings, claims = result.findings, result.claims
        flags = self.flags(member, now)
        if findings == member.findings and flags == self.flags(member, before):
            return None
        return Settled(member=member, findings=findings, claims=claims, flags=flags)

    def affected(self) -> list[Member]:
        """Stored reports whose neighbourhood holds an arrival (or an old version it replaces)."""
        found: dict[str, Member] = {}
        for arrival in [*self.arrivals.values(), *self.replaced]:
            for member in self.candidates(arrival, before=True) + self.candidates(arrival):
                if member.report_id not in self.hidden and self.hood.related(arrival.report, member.report):
                    found[member.report_id] = member
        return [found[i] for i in sorted(found)]


def _sha(report: Report | None) -> str | None:
    return None if report is None else report.sha256


def restamped(settled: Settled, bundle: ReportBundle | None) -> ReportBundle:
    """The report's documents with its settled findings and flags. Topics and cut words are kept from
    `bundle` (an arrival's, built in the worker) when given, else topics are tagged again."""
    from nlp.topics import topics_for

    report = settled.member.report
    fresh = build_bundle(
        report,
        settled.findings,
        topics_of=None if bundle is not None else topics_for,
        passage_flags_by_start=settled.flags,
        claims=settled.claims,
    )
    if bundle is None:
        return fresh
    for new, old in zip(fresh.passages, bundle.passages, strict=True):
        new.topics = old.topics
    if not isinstance(bundle, PreparedBundle):
        return fresh
    return PreparedBundle(
        report=fresh.report,
        passages=fresh.passages,
        detail=fresh.detail,
        passage_words=bundle.passage_words,
        passage_chars=bundle.passage_chars,
    )


def settle_chunk(
    hood: Neighbourhoods, arrivals: Sequence[tuple[Member, ReportBundle]], *, hidden: set[str]
) -> tuple[list[ReportBundle], list[ReportBundle]]:
    """The arrivals' bundles judged against their neighbourhoods, and the stored reports whose findings
    or flags the arrivals change, rebuilt. `hidden`: stored ids the arrivals replace."""
    chunk = _Chunk(hood, [m for m, _ in arrivals], hidden)
    ready, written = [], []
    for member, bundle in arrivals:
        settled = chunk.settle(member)
        same = settled.flags == member.flags and settled.findings == member.findings
        ready.append(bundle if same else restamped(settled, bundle))
        written.append(_as_stored(settled, ready[-1]))
    updates = []
    for member in chunk.affected():
        changed = chunk.resettled(member)
        if changed is not None:
            updates.append(restamped(changed, None))
    hood.forget([b.report.report_id for b in [*ready, *updates]] + sorted(hidden))
    hood.remember(written)  # the next files are often these reports' neighbours: no need to parse them back
    return ready, updates


def _as_stored(settled: Settled, bundle: ReportBundle) -> Member:
    """An arrival as the index will hold it once written (its lint alone kept: it is the worker's)."""
    member = settled.member
    return Member(
        doc=bundle.report,
        report=member.report,
        flags={},
        findings=settled.findings,
        claims=settled.claims,
        alone=member.alone,
    )
