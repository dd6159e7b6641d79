"""GET /api/compare from the index: the body × topic matrix of section-五 passages and the near-copies
among them, for the reports the filters keep (none: every body in the index).

The reports are the stored extractions (`SearchBackend.get_detail`), so the comparison is the one
`govreport compare` makes on the files: commitments and topics by nlp.topics, near-copies by
nlp.compare.find_matches (same body's earlier years, same city's bodies of the year, template language).
Bodies are told apart as nlp.compare does (`body_key`: a government by its region and level, anything
else by its name), so a renamed office stays one row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from indexer.backends.base import SearchBackend
from indexer.documents import ReportDoc, passage_id_of
from nlp.compare import CompareConfig, Match, PassageRef, body_key, find_matches, load_compare_config
from nlp.schema import Passage, Report
from nlp.topics import load_topics, topics_for
from search_api.catalog import filter_reports, sort_reports
from search_api.display import display_source
from search_api.models import (
    CompareBody,
    CompareCell,
    CompareParams,
    ComparePassage,
    CompareReportRef,
    CompareResponse,
    NearCopy,
    NearCopySide,
    TextSpan,
    YearCount,
)

__all__ = ["compare_index", "shared_spans"]

_SHARED_GAP = "…"  # nlp.compare.text.shared_text joins the runs with it


@dataclass(frozen=True)
class _Located:
    """A compared passage with everything the answer says about it."""

    body: int
    report: Report
    ordinal: int
    passage: Passage
    topics: list[str]

    def view(self) -> ComparePassage:
        return ComparePassage(
            passage_id=passage_id_of(self.report.sha256, self.ordinal, self.passage.text),
            report_id=self.report.sha256,
            ordinal=self.ordinal,
            year=_year(self.report),
            kind=self.passage.kind,
            marker=self.passage.marker,
            line=self.passage.span.line,
            text=self.passage.text,
        )


def _year(report: Report) -> int | None:
    return report.meta.year if report.meta.year is not None else report.year


def _newest_first(year: int | None) -> int:
    return -(year or 0)


def shared_spans(text: str, shared: str) -> list[TextSpan]:
    """Where the runs of `shared` lie in `text`. The runs were cut from the passages with white space
    removed, so they are found in `text` with its white space skipped, in order, each mapped back to
    offsets in `text` itself."""
    kept = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    compact = "".join(ch for _, ch in kept)
    spans: list[TextSpan] = []
    position = 0
    for run in (part for part in shared.split(_SHARED_GAP) if part):
        at = compact.find(run, position)
        if at < 0:
            at = compact.find(run)  # a run the alignment placed out of order
        if at < 0:
            continue
        spans.append(TextSpan(start=kept[at][0], end=kept[at + len(run) - 1][0] + 1))
        position = at + len(run)
    return sorted(spans, key=lambda s: s.start)


def _wanted(passage: Passage, kind: str) -> bool:
    return kind == "all" or passage.kind == kind


class _Builder:
    """Collects bodies and passages report by report, then answers the response."""

    def __init__(self, params: CompareParams, config: CompareConfig) -> None:
        self.params = params
        self.config = config
        self.bodies: dict[str, CompareBody] = {}
        self.located: list[_Located] = []
        self.by_start: dict[tuple[str, int], _Located] = {}

    def add(self, doc: ReportDoc, report: Report) -> None:
        body = self._body(doc, report)
        body.reports.append(
            CompareReportRef(report_id=doc.report_id, year=_year(report), source=display_source(doc.source))
        )
        pairs = [p for s in report.sections for p in s.passages]
        section = report.section("problems_improvements")
        own = {id(p) for p in section.passages} if section else set()
        for ordinal, passage in enumerate(pairs):
            if id(passage) not in own or not _wanted(passage, self.params.kind):
                continue
            item = _Located(body.index, report, ordinal, passage, topics_for(passage.text))
            self.located.append(item)
            self.by_start[(report.sha256, passage.span.start)] = item
            body.passages += 1

    def _body(self, doc: ReportDoc, report: Report) -> CompareBody:
        key = body_key(report, config=self.config)
        body = self.bodies.get(key)
        if body is None:
            body = CompareBody(
                index=len(self.bodies), key=key, province=doc.province, city=doc.city, county=doc.county,
                level=doc.level,
            )  # fmt: skip
            self.bodies[key] = body
        year = _year(report)
        if year is not None and year not in body.years:
            body.years = sorted([*body.years, year])
        newest = max((r.year or 0 for r in body.reports), default=None)
        if newest is None or (year or 0) >= newest or body.name is None:
            body.name = doc.issuing_body or body.name  # the latest report's name
        return body

    def cells(self) -> list[CompareCell]:
        grouped: dict[tuple[int, str], list[_Located]] = defaultdict(list)
        for item in self.located:
            for topic in item.topics:
                grouped[(item.body, topic)].append(item)
        order = {name: i for i, (name, _) in enumerate(load_topics())}
        ordered = sorted(grouped.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 0)))
        return [self._cell(body, topic, items) for (body, topic), items in ordered]

    def _cell(self, body: int, topic: str, items: list[_Located]) -> CompareCell:
        items = sorted(items, key=lambda it: (_newest_first(_year(it.report)), it.report.sha256, it.ordinal))
        years = Counter(_year(it.report) for it in items)
        by_year = sorted(years.items(), key=lambda pair: _newest_first(pair[0]))
        return CompareCell(
            body=body,
            topic=topic,
            count=len(items),
            by_year=[YearCount(year=year, count=count) for year, count in by_year],
            passages=[it.view() for it in items[: self.params.passages_per_cell]],
        )

    def topics(self) -> list[str]:
        present = {t for item in self.located for t in item.topics}
        return [name for name, _ in load_topics() if name in present]

    def side(self, ref: PassageRef, shared: str) -> NearCopySide | None:
        item = self.by_start.get((ref.sha256, ref.start))
        if item is None:  # nlp.compare compares only passages this builder listed
            return None
        return NearCopySide(
            **item.view().model_dump(),
            body=item.body,
            issuing_body=ref.issuing_body,
            source=display_source(ref.source),
            shared_spans=shared_spans(item.passage.text, shared),
        )

    def near_copy(self, match: Match) -> NearCopy | None:
        a, b = self.side(match.a, match.shared), self.side(match.b, match.shared)
        if a is None or b is None:
            return None
        return NearCopy(
            kind=match.kind,
            score=match.score,
            weight=match.weight,
            spread=match.spread,
            a=a,
            b=b,
            shared=match.shared,
        )


def _details(backend: SearchBackend, docs: Sequence[ReportDoc]) -> tuple[list[tuple[ReportDoc, Report]], int]:
    found, missing = [], 0
    for doc in docs:
        detail = backend.get_detail(doc.report_id)
        if detail is None:
            missing += 1
        else:
            found.append((doc, detail.report))
    return found, missing


def compare_index(backend: SearchBackend, params: CompareParams) -> CompareResponse:
    """The comparison of the reports passing `params`' filters (at most max_reports, in region order)."""
    config = load_compare_config()
    kept = sort_reports(filter_reports(backend.reports(), params), "region")
    chosen = kept[: params.max_reports]
    reports, missing = _details(backend, chosen)
    builder = _Builder(params, config)
    for doc, report in reports:
        builder.add(doc, report)
    for body in builder.bodies.values():
        body.reports.sort(key=lambda r: (_newest_first(r.year), r.report_id))
    threshold = config.min_score if params.min_score is None else params.min_score
    matches = find_matches([r for _, r in reports], kind=params.kind, min_score=threshold, config=config)
    copies = [c for c in (builder.near_copy(m) for m in matches) if c is not None]
    return CompareResponse(
        kind=params.kind,
        min_score=threshold,
        reports_total=len(kept),
        reports_compared=len(chosen),
        reports_without_detail=missing,
        bodies=list(builder.bodies.values()),
        topics=builder.topics(),
        cells=builder.cells(),
        near_copies_total=len(copies),
        near_copies=copies[: params.max_near_copies],
    )
