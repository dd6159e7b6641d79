"""Comparing improvement plans across bodies and years: who promises what, and which plans are copied.

* `commitments(report)` — a report's improvement measures as rows (body, region, year, marker, text,
  headline, topics, commitment cues), comparable across counties and years.
* `find_matches(reports)` — pairs of section-五 passages that say the same thing after normalisation
  (nlp.compare.text), each classified:
  - `copied_prev_year`: the same body (same issuing body, or for governments the same region and
    level) 1…max_year_gap years earlier; `a` is the later passage, `b` the earlier one;
  - `copied_neighbour`: another body of the same city (or province, per config) the same year;
  - `common_phrase`: either passage is template language — near-duplicates from at least
    `common_min_bodies` bodies, or little more than configured stock phrases; its weight is
    `common_weight`, so it ranks below real copies and never marks a passage as boilerplate.
* `boilerplate_flags(reports)` — per passage, the flags search filters on.

Thresholds, cues and what counts as a neighbour live in `configs/compare.yaml`.
"""

from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from nlp.compare.config import CompareConfig, load_compare_config
from nlp.compare.index import PassageRecord, ScoredPairs, relation, scored_pairs
from nlp.compare.text import (
    body_names,
    is_stock,
    issuing_body,
    light_normalise,
    normalise_passage,
    shared_text,
    strip_marker,
)
from nlp.schema import Level, Passage, PassageKind, Region, Report
from nlp.topics import topics_for

__all__ = [
    "FLAG_ORDER",
    "Commitment",
    "Comparison",
    "KindFilter",
    "Match",
    "MatchKind",
    "PassageRef",
    "ReportPlan",
    "body_key",
    "boilerplate_flags",
    "commitment_cues",
    "commitments",
    "compare_reports",
    "find_matches",
    "flags_among",
    "neighbourhood_key",
]

MatchKind = Literal["copied_prev_year", "copied_neighbour", "common_phrase"]
KindFilter = Literal["improvement", "problem", "all"]
FLAG_ORDER = ("boilerplate", "copied_prev_year", "copied_neighbour", "common_phrase")
_CLAUSE_END = re.compile(r"[。；;！!？?]")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ReportIdentity(_Model):
    """Which report a passage or a plan comes from; filled by _identity."""

    source: str
    sha256: str
    issuing_body: str | None
    region: Region
    level: Level
    year: int | None


class PassageRef(_ReportIdentity):
    """One side of a match: the passage and the report it came from."""

    passage_kind: PassageKind
    marker: str | None
    text: str
    start: int
    end: int
    line: int


class Match(_Model):
    kind: MatchKind
    score: float  # similarity 0–100 of the normalised passages
    weight: float  # 1 for copies, common_weight for template language
    spread: int  # distinct bodies with a near-duplicate of either passage (the larger)
    a: PassageRef  # copied_prev_year: the later passage
    b: PassageRef
    shared: str  # aligned runs the two passages share, joined by …


class Commitment(_Model):
    marker: str | None
    text: str
    headline: str  # the first clause: 加强业务培训 in 一是加强业务培训，定期组织…
    topics: list[str]
    cues: list[str]  # commitment verbs in order of first appearance
    line: int
    start: int


class ReportPlan(_ReportIdentity):
    commitments: list[Commitment]


class Comparison(_Model):
    reports: list[ReportPlan]
    matches: list[Match]


# --- who is who ------------------------------------------------------------------------------------

_FINEST = {"province": "province", "city": "city", "county": "county", "district": "county"}


def body_key(report: Report, *, config: CompareConfig) -> str:
    """Identity of the body across years: a government by its region and level (its name drifts:
    灵丘县人民政府 / 灵丘县人民政府办公室), anything else by its name, else the report itself."""
    meta, region = report.meta, report.meta.region
    finest = _FINEST.get(meta.level)
    if meta.level in config.region_levels and finest and getattr(region, finest):
        return f"region:{region.province or ''}/{region.city or ''}/{region.county or ''}/{meta.level}"
    name = issuing_body(report)
    return f"body:{light_normalise(name)}" if name else f"report:{report.sha256}"


def neighbourhood_key(report: Report, *, config: CompareConfig) -> str | None:
    """The city (or province, per config) whose bodies count as neighbours; None when unknown."""
    region = report.meta.region
    if config.neighbour_scope == "province":
        return region.province
    return f"{region.province or ''}/{region.city}" if region.city else None


def _year(report: Report) -> int | None:
    return report.meta.year if report.meta.year is not None else report.year


def _identity(report: Report) -> dict[str, Any]:
    """The fields of _ReportIdentity for `report`."""
    meta = report.meta
    return {
        "source": report.source,
        "sha256": report.sha256,
        "issuing_body": issuing_body(report),
        "region": meta.region,
        "level": meta.level,
        "year": _year(report),
    }


# --- who promises what -----------------------------------------------------------------------------


def commitment_cues(text: str, *, config: CompareConfig) -> list[str]:
    """The configured commitment cues in `text`, in order of first appearance."""
    normal = light_normalise(text)
    found = [(normal.find(cue), cue) for cue in config.commitment_cues if cue in normal]
    return [cue for _, cue in sorted(found)]


def _headline(text: str, *, config: CompareConfig) -> str:
    body = strip_marker("".join(text.split()), config=config)
    return _CLAUSE_END.split(body, maxsplit=1)[0].strip("，,、：: ")


def _section_passages(report: Report) -> list[Passage]:
    section = report.section("problems_improvements")
    return list(section.passages) if section else []


def commitments(report: Report, *, config: CompareConfig | None = None) -> list[Commitment]:
    """The report's improvement measures (section 五 passages of kind improvement), in printed order."""
    cfg = config or load_compare_config()
    return [
        Commitment(
            marker=p.marker,
            text=p.text,
            headline=_headline(p.text, config=cfg),
            topics=topics_for(p.text),
            cues=commitment_cues(p.text, config=cfg),
            line=p.span.line,
            start=p.span.start,
        )
        for p in _section_passages(report)
        if p.kind == "improvement"
    ]


def _plan(report: Report, *, config: CompareConfig) -> ReportPlan:
    return ReportPlan(**_identity(report), commitments=commitments(report, config=config))


# --- matching --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Located:
    report: Report
    passage: Passage


@dataclass(frozen=True)
class _Corpus:
    records: list[PassageRecord]
    located: list[_Located]
    stock: list[bool]
    scored: ScoredPairs


def _wanted(passage: Passage, kind: KindFilter) -> bool:
    return kind == "all" or passage.kind == kind


def _records_of(
    report: Report, *, kind: KindFilter, config: CompareConfig
) -> list[tuple[PassageRecord, _Located]]:
    names = body_names(report, config=config)
    body, near = body_key(report, config=config), neighbourhood_key(report, config=config)
    found = []
    for passage in _section_passages(report):
        norm = normalise_passage(passage.text, names=names, config=config)
        if _wanted(passage, kind) and len(norm) >= config.min_chars:
            record = PassageRecord(body=body, neighbourhood=near, year=_year(report), norm=norm)
            found.append((record, _Located(report, passage)))
    return found


def _corpus(
    reports: Sequence[Report], *, kind: KindFilter, min_score: float, config: CompareConfig
) -> _Corpus:
    unique = {r.sha256: r for r in reports}.values()  # the same file twice is not a copy
    pairs = [pair for report in unique for pair in _records_of(report, kind=kind, config=config)]
    records = [record for record, _ in pairs]
    stock = [is_stock(r.norm, config=config) for r in records]
    scored = scored_pairs(records, min_score=min_score, config=config)
    return _Corpus(records, [item for _, item in pairs], stock, scored)


def _is_common(corpus: _Corpus, i: int, *, config: CompareConfig) -> bool:
    return corpus.stock[i] or corpus.scored.spread[i] >= config.common_min_bodies


def _ref(item: _Located) -> PassageRef:
    report, passage = item.report, item.passage
    return PassageRef(
        **_identity(report),
        passage_kind=passage.kind,
        marker=passage.marker,
        text=passage.text,
        start=passage.span.start,
        end=passage.span.end,
        line=passage.span.line,
    )


def _ordered(corpus: _Corpus, i: int, j: int) -> tuple[int, int]:
    """Later year first (the copy, then its source); same year by source name."""
    ri, rj = corpus.located[i].report, corpus.located[j].report
    key_i, key_j = (-(_year(ri) or 0), ri.source), (-(_year(rj) or 0), rj.source)
    return (i, j) if key_i <= key_j else (j, i)


def _classify(corpus: _Corpus, i: int, j: int, *, config: CompareConfig) -> tuple[int, int, MatchKind]:
    """The pair ordered (copy, source) and its kind: template language outranks the relation."""
    a, b = _ordered(corpus, i, j)
    if _is_common(corpus, a, config=config) or _is_common(corpus, b, config=config):
        return a, b, "common_phrase"
    related = relation(corpus.records[a], corpus.records[b], max_year_gap=config.max_year_gap)
    return a, b, "copied_prev_year" if related == "prev_year" else "copied_neighbour"


def _match(corpus: _Corpus, i: int, j: int, score: float, *, config: CompareConfig) -> Match:
    a, b, kind = _classify(corpus, i, j, config=config)
    common = kind == "common_phrase"
    texts = [strip_marker("".join(corpus.located[k].passage.text.split()), config=config) for k in (a, b)]
    return Match(
        kind=kind,
        score=round(score, 1),
        weight=config.common_weight if common else 1.0,
        spread=max(corpus.scored.spread[a], corpus.scored.spread[b]),
        a=_ref(corpus.located[a]),
        b=_ref(corpus.located[b]),
        shared=shared_text(texts[0], texts[1], min_run=config.min_shared_run),
    )


def _sort_key(match: Match) -> tuple[float, float, str, int, str, int]:
    a, b = match.a, match.b
    return (-match.score * match.weight, -match.score, a.source, a.start, b.source, b.start)


def _matches(corpus: _Corpus, *, config: CompareConfig) -> list[Match]:
    found = [_match(corpus, i, j, score, config=config) for (i, j), score in corpus.scored.pairs.items()]
    return sorted(found, key=_sort_key)


def find_matches(
    reports: Sequence[Report],
    *,
    kind: KindFilter = "improvement",
    min_score: float | None = None,
    config: CompareConfig | None = None,
) -> list[Match]:
    """Matching section-五 passages of related reports (see the module doc), strongest first
    (score × weight). `kind` picks the passages compared; `min_score` defaults to the config's."""
    cfg = config or load_compare_config()
    threshold = cfg.min_score if min_score is None else min_score
    return _matches(_corpus(reports, kind=kind, min_score=threshold, config=cfg), config=cfg)


def compare_reports(
    reports: Sequence[Report],
    *,
    kind: KindFilter = "improvement",
    min_score: float | None = None,
    config: CompareConfig | None = None,
) -> Comparison:
    """Every report's commitments, and the matches between their passages (what `govreport compare`
    prints)."""
    cfg = config or load_compare_config()
    plans = [_plan(r, config=cfg) for r in {r.sha256: r for r in reports}.values()]
    matches = find_matches(reports, kind=kind, min_score=min_score, config=cfg)
    return Comparison(reports=plans, matches=matches)


# --- flags for search ------------------------------------------------------------------------------


def _add(flags: dict[tuple[str, int], set[str]], item: _Located, *names: str) -> None:
    flags[(item.report.sha256, item.passage.span.start)].update(names)


def boilerplate_flags(
    reports: Sequence[Report], *, config: CompareConfig | None = None
) -> dict[tuple[str, int], list[str]]:
    """Flags for search, keyed by (report sha256, passage span.start) of section-五 passages.

    Contract: only passages with at least one flag are keys; values are sorted in FLAG_ORDER.
    * "boilerplate" + "copied_prev_year": the passage repeats (score >= config min_score) a passage of
      the same body 1…max_year_gap years earlier. Only the later passage is flagged: the earlier one is
      the original.
    * "boilerplate" + "copied_neighbour": it repeats a passage of another body of the same city
      (province, per config) the same year; both sides are flagged, since who copied whom is unknown.
    * "common_phrase" (never with "boilerplate" from the same pair): template language — near-duplicated
      by at least common_min_bodies bodies in `reports`, or little more than stock phrases.
    The result depends on the whole batch (spread is counted within it): pass every report of the
    bodies, years and neighbourhoods concerned, not one report at a time. Problems and improvements
    alike are flagged; lead-ins too when long enough to compare.
    """
    cfg = config or load_compare_config()
    corpus = _corpus(reports, kind="all", min_score=cfg.min_score, config=cfg)
    flags: dict[tuple[str, int], set[str]] = defaultdict(set)
    for i, item in enumerate(corpus.located):
        if _is_common(corpus, i, config=cfg):
            _add(flags, item, "common_phrase")
    for i, j in corpus.scored.pairs:
        later, earlier, kind = _classify(corpus, i, j, config=cfg)
        if kind == "copied_prev_year":
            _add(flags, corpus.located[later], "boilerplate", kind)
        elif kind == "copied_neighbour":
            _add(flags, corpus.located[later], "boilerplate", kind)
            _add(flags, corpus.located[earlier], "boilerplate", kind)
    return {key: [f for f in FLAG_ORDER if f in names] for key, names in flags.items()}


def _near(norms: Sequence[str], rows: Sequence[int], *, score: float) -> np.ndarray:
    """For each of `rows`, which records score at least `score` against it (one row of the matrix each)."""
    if not rows:
        return np.zeros((0, len(norms)), dtype=bool)
    chosen = [norms[i] for i in rows]
    return np.asarray(process.cdist(chosen, norms, scorer=fuzz.ratio, score_cutoff=score) >= score)


def flags_among(
    report: Report, others: Sequence[Report], *, config: CompareConfig | None = None
) -> dict[int, list[str]]:
    """The flags `boilerplate_flags([report, *others])` (exhaustive mode) gives `report`'s passages, by
    span start, scoring only the rows that decide them: its passages against every passage, and those
    of its related near-duplicates (whose spread may make the pair template language). Linear in the
    others where boilerplate_flags is quadratic, so a report can be flagged against its neighbourhood."""
    cfg = config or load_compare_config()
    unique = [report, *{r.sha256: r for r in others if r.sha256 != report.sha256}.values()]
    pairs = [pair for r in unique for pair in _cached_records(r, config=cfg)]
    own = list(range(len(_cached_records(report, config=cfg))))
    mine = set(own)
    if not own:
        return {}
    records, norms = [r for r, _ in pairs], [r.norm for r, _ in pairs]
    near = dict(zip(own, _near(norms, own, score=cfg.min_score), strict=True))
    partners = sorted(
        {
            int(j)
            for i in own
            for j in np.flatnonzero(near[i])
            if j not in mine and _related(records, i, int(j), cfg)
        }
    )
    near.update(zip(partners, _near(norms, partners, score=cfg.min_score), strict=True))

    def common(i: int) -> bool:
        spread = len({records[j].body for j in np.flatnonzero(near[i]).tolist()} | {records[i].body})
        return is_stock(records[i].norm, config=cfg) or spread >= cfg.common_min_bodies

    flags: dict[int, set[str]] = defaultdict(set)
    for i in own:
        start = pairs[i][1].span.start
        if common(i):
            flags[start].add("common_phrase")
        for j in partners:
            if not near[i][j] or common(i) or common(j):
                continue
            kind = relation(records[i], records[j], max_year_gap=cfg.max_year_gap)
            if kind == "neighbour" or (
                kind == "prev_year" and (records[i].year or 0) > (records[j].year or 0)
            ):
                flags[start].update(
                    ("boilerplate", "copied_neighbour" if kind == "neighbour" else "copied_prev_year")
                )
    return {start: [f for f in FLAG_ORDER if f in names] for start, names in flags.items()}


_RECORDS_KEPT = 1024  # reports whose comparable passages stay normalised (a neighbourhood is asked again)
_records_kept: OrderedDict[tuple[str, CompareConfig], list[tuple[PassageRecord, Passage]]] = OrderedDict()


def _cached_records(report: Report, *, config: CompareConfig) -> list[tuple[PassageRecord, Passage]]:
    """_records_of(report), normalised once per report content (the sha256) and config: flags_among is
    asked about the same neighbours again and again as a corpus grows."""
    key = (report.sha256, config)
    if key in _records_kept:
        _records_kept.move_to_end(key)
        return _records_kept[key]
    found = [(record, item.passage) for record, item in _records_of(report, kind="all", config=config)]
    _records_kept[key] = found
    if len(_records_kept) > _RECORDS_KEPT:
        _records_kept.popitem(last=False)
    return found


def _related(records: Sequence[PassageRecord], i: int, j: int, config: CompareConfig) -> bool:
    return relation(records[i], records[j], max_year_gap=config.max_year_gap) is not None
