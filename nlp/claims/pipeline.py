"""The spaCy components of the claims pipeline, registered by name so configs/spacy.cfg can build it.

* `govreport_sentencizer` — sentence starts after 。；！？ and paragraph breaks.
* `govreport_quantities` — every number followed by a unit (三件, 3,119件, 96171.6万元), with its value;
  approximate figures (5500余条) are flagged.
* `govreport_claims` — assigns each quantity the metric its clause names (patterns of claims.yaml),
  carrying the topic (行政复议 / 行政诉讼) and the applicant column through the sentence, and adds the
  zero claims of negative statements (未发生…行政诉讼).

The components work on characters, not tokens: jieba glues numbers to units (十二件) and splits
separators (3,119), so character offsets are the reliable coordinates. Results are set on
`doc._.quantities` and `doc._.claims`; quantities are also kept as spans in `doc.spans["quantities"]`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from nlp.claims.numerals import NUMBER_PATTERN, parse_number
from nlp.config import load_yaml
from nlp.errors import ErrorCode, GovReportError

__all__ = [
    "ClaimPatterns",
    "Quantity",
    "RawClaim",
    "claim_patterns_v1",
    "compile_patterns",
]

if not Doc.has_extension("quantities"):
    Doc.set_extension("quantities", default=None)
if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


@dataclass(frozen=True)
class Quantity:
    start: int  # the number's characters in doc.text
    end: int
    unit_end: int  # end of the unit
    value: int | Decimal
    unit: str
    approx: bool


@dataclass(frozen=True)
class RawClaim:
    metric: str
    value: int | Decimal
    unit: str | None
    start: int  # the number phrase (number and unit, or the negation and its cue) in doc.text
    end: int
    sent_start: int
    sent_end: int
    negative: bool = False
    column: str | None = None
    phrase: str = ""


@dataclass(frozen=True)
class MetricPattern:
    metric: str
    units: str  # "count" or "money"
    prefix: re.Pattern[str] | None
    suffix: re.Pattern[str] | None
    context: str | None


@dataclass(frozen=True)
class Continuation:
    after: str
    units: str
    metric: str
    prefix: re.Pattern[str]


@dataclass(frozen=True)
class ClaimPatterns:
    """claims.yaml compiled: everything the components need, nothing they have to parse again."""

    units: dict[str, tuple[str, ...]]
    unit_blockers: tuple[str, ...]
    approx_after: tuple[str, ...]
    approx_before: tuple[str, ...]
    clause_delimiters: re.Pattern[str]
    filler: re.Pattern[str]
    topics: tuple[tuple[str, re.Pattern[str]], ...]
    columns: tuple[tuple[str, re.Pattern[str]], ...]
    applications_context: re.Pattern[str]
    patterns: tuple[MetricPattern, ...]
    continuations: tuple[Continuation, ...]
    negation_trigger: re.Pattern[str]
    negation_window: int
    negation_metrics: tuple[tuple[str, re.Pattern[str]], ...]
    negative_sentences: tuple[tuple[str, re.Pattern[str]], ...]

    def unit_kind(self, unit: str) -> str | None:
        return next((kind for kind, units in self.units.items() if unit in units), None)


def _regex(value: object, *, where: str) -> re.Pattern[str]:
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise GovReportError(
            ErrorCode.CONFIG_INVALID, f"claims.yaml {where}: bad regex {value!r}: {exc}"
        ) from exc


def _metric_pattern(entry: dict[str, Any], index: int) -> MetricPattern:
    where = f"patterns[{index}]"
    if "metric" not in entry or not ({"prefix", "suffix"} & entry.keys()):
        raise GovReportError(
            ErrorCode.CONFIG_INVALID, f"claims.yaml {where} needs metric and prefix or suffix"
        )
    return MetricPattern(
        metric=str(entry["metric"]),
        units=str(entry.get("units", "count")),
        prefix=_regex(entry["prefix"], where=where) if "prefix" in entry else None,
        suffix=_regex(entry["suffix"], where=where) if "suffix" in entry else None,
        context=entry.get("context"),
    )


def compile_patterns(config: dict[str, Any]) -> ClaimPatterns:
    """Compile the quantity and metric sections of claims.yaml; raises CONFIG_INVALID on a bad entry."""
    try:
        units = {
            kind: tuple(sorted(map(str, values), key=len, reverse=True))
            for kind, values in config["units"].items()
        }
        suffix = str(config.get("column_cue_suffix", "申请"))
        negations = config.get("negations", {})
        return ClaimPatterns(
            units=units,
            unit_blockers=tuple(config.get("unit_blockers", [])),
            approx_after=tuple(config.get("approx_after", [])),
            approx_before=tuple(config.get("approx_before", [])),
            clause_delimiters=_regex(config["clause_delimiters"], where="clause_delimiters"),
            filler=_regex(config["filler"], where="filler"),
            topics=tuple((t["topic"], _regex(t["regex"], where="topics")) for t in config["topics"]),
            columns=tuple(
                (c["column"], _regex(f"(?:{c['regex']}){suffix}", where="columns")) for c in config["columns"]
            ),
            applications_context=_regex(
                config.get("applications_context", "申请"), where="applications_context"
            ),
            patterns=tuple(_metric_pattern(p, i) for i, p in enumerate(config["patterns"])),
            continuations=tuple(
                Continuation(c["after"], c["units"], c["metric"], _regex(c["prefix"], where="continuations"))
                for c in config.get("continuations", [])
            ),
            negation_trigger=_regex(negations.get("trigger", "未发生"), where="negations.trigger"),
            negation_window=int(negations.get("window", 40)),
            negation_metrics=tuple(
                (m["metric"], _regex(m["regex"], where="negations")) for m in negations.get("metrics", [])
            ),
            negative_sentences=tuple(
                (m["metric"], _regex(m["regex"], where="negations"))
                for m in negations.get("applications", [])
            ),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise GovReportError(
            ErrorCode.CONFIG_INVALID, f"claims.yaml is missing or has a bad entry: {exc}"
        ) from exc


@registry.misc("govreport.claim_patterns.v1")
def claim_patterns_v1(name: str = "claims.yaml") -> ClaimPatterns:
    """The patterns of configs/<name> (the settings' config folder)."""
    return compile_patterns(load_yaml(name))


# --- sentencizer ---------------------------------------------------------------------------------


@Language.factory("govreport_sentencizer", default_config={"punct_chars": ["。", "；", "！", "？", "\n"]})
def make_sentencizer(nlp: Language, name: str, punct_chars: list[str]) -> Callable[[Doc], Doc]:
    ends = frozenset(punct_chars)

    def sentencize(doc: Doc) -> Doc:
        for i, token in enumerate(doc):
            previous = doc[i - 1].text if i else ""
            token.is_sent_start = i == 0 or (bool(previous) and previous[-1] in ends)
        return doc

    return sentencize


# --- quantities ----------------------------------------------------------------------------------


@Language.factory("govreport_quantities", default_config={"patterns": None})
def make_quantities(nlp: Language, name: str, patterns: ClaimPatterns | None) -> Callable[[Doc], Doc]:
    compiled = patterns or claim_patterns_v1()

    def find(doc: Doc) -> Doc:
        found = list(find_quantities(doc.text, compiled))
        doc._.quantities = found
        spans = [doc.char_span(q.start, q.unit_end, label=q.unit, alignment_mode="expand") for q in found]
        doc.spans["quantities"] = [s for s in spans if s is not None]
        return doc

    return find


def find_quantities(text: str, patterns: ClaimPatterns) -> Iterator[Quantity]:
    """Every number of `text` that a unit follows (a space and an approximation word may sit between)."""
    all_units = sorted((u for units in patterns.units.values() for u in units), key=len, reverse=True)
    for match in NUMBER_PATTERN.finditer(text):
        start, end = match.span()
        if start and (text[start - 1].isdigit() or text[start - 1] in "第.．"):
            continue
        value = parse_number(match.group())
        if value is None:
            continue
        quantity = _with_unit(text, start, end, value, all_units, patterns)
        if quantity is not None:
            yield quantity


def _with_unit(
    text: str, start: int, end: int, value: int | Decimal, units: list[str], patterns: ClaimPatterns
) -> Quantity | None:
    cursor = end + 1 if text[end : end + 1] == " " else end
    approx_word = next((w for w in patterns.approx_after if text.startswith(w, cursor)), "")
    cursor += len(approx_word)
    unit = next((u for u in units if text.startswith(u, cursor)), None)
    if unit is None:
        return None
    unit_end = cursor + len(unit)
    if any(text.startswith(b, unit_end) for b in patterns.unit_blockers):
        return None
    before = text[max(0, start - 4) : start]
    approx = bool(approx_word) or any(before.endswith(w) for w in patterns.approx_before)
    return Quantity(start, end, unit_end, value, unit, approx)


# --- claims --------------------------------------------------------------------------------------


@Language.factory("govreport_claims", default_config={"patterns": None})
def make_claims(nlp: Language, name: str, patterns: ClaimPatterns | None) -> Callable[[Doc], Doc]:
    compiled = patterns or claim_patterns_v1()

    def assemble(doc: Doc) -> Doc:
        quantities: list[Quantity] = doc._.quantities or []
        claims: list[RawClaim] = []
        for sent in doc.sents:
            inside = [q for q in quantities if sent.start_char <= q.start < sent.end_char]
            claims.extend(sentence_claims(sent, inside, compiled))
        doc._.claims = claims
        return doc

    return assemble


def sentence_claims(sent: Span, quantities: list[Quantity], patterns: ClaimPatterns) -> list[RawClaim]:
    """The claims of one sentence: one per quantity whose clause names a metric, then the zeros of
    negative statements."""
    text, base = sent.text, sent.start_char
    claims: list[RawClaim] = []
    previous_end = 0
    for q in quantities:
        local = replace(q, start=q.start - base, end=q.end - base, unit_end=q.unit_end - base)
        if not q.approx:
            claim = _claim_for(text, local, previous_end, claims, patterns)
            if claim is not None:
                claims.append(claim)
        previous_end = local.unit_end
    claims.extend(_negative_claims(text, patterns))
    return [_to_doc_offsets(c, base, base + len(text)) for c in claims]


def _to_doc_offsets(claim: RawClaim, base: int, sent_end: int) -> RawClaim:
    return replace(claim, start=claim.start + base, end=claim.end + base, sent_start=base, sent_end=sent_end)


def _clause_bounds(text: str, q: Quantity, previous_end: int, patterns: ClaimPatterns) -> tuple[str, str]:
    """The clause text before the number (from the last delimiter or quantity) and after its unit."""
    start = previous_end
    for m in patterns.clause_delimiters.finditer(text, previous_end, q.start):
        start = m.end()
    after = patterns.clause_delimiters.search(text, q.unit_end)
    prefix = patterns.filler.sub("", text[start : q.start].strip())
    return prefix, text[q.unit_end : after.start() if after else len(text)]


def _claim_for(
    text: str, q: Quantity, previous_end: int, earlier: list[RawClaim], patterns: ClaimPatterns
) -> RawClaim | None:
    prefix, suffix = _clause_bounds(text, q, previous_end, patterns)
    kind = patterns.unit_kind(q.unit)
    metric = _continuation(prefix, kind, earlier, patterns) or _match_metric(
        text[: q.start], prefix, suffix, kind, patterns
    )
    if metric is None:
        return None
    column = _column(text[: q.start], patterns) if metric.startswith("applications.") else None
    return RawClaim(
        metric, q.value, q.unit, q.start, q.unit_end, 0, 0, column=column, phrase=prefix or suffix
    )


def _continuation(
    prefix: str, kind: str | None, earlier: list[RawClaim], patterns: ClaimPatterns
) -> str | None:
    if not earlier:
        return None
    last = earlier[-1].metric
    for c in patterns.continuations:
        if c.after == last and c.units == kind and c.prefix.search(prefix):
            return c.metric
    return None


def _match_metric(
    head: str, prefix: str, suffix: str, kind: str | None, patterns: ClaimPatterns
) -> str | None:
    for side in ("prefix", "suffix"):
        for p in patterns.patterns:
            regex = p.prefix if side == "prefix" else p.suffix
            if regex is None or p.units != kind or not regex.search(prefix if side == "prefix" else suffix):
                continue
            if p.context == "applications" and not patterns.applications_context.search(head):
                continue
            metric = _with_topic(p.metric, head, patterns)
            if metric is not None:
                return metric
    return None


def _with_topic(metric: str, head: str, patterns: ClaimPatterns) -> str | None:
    if "{topic}" not in metric:
        return metric
    topic = _latest(head, patterns.topics)
    return metric.replace("{topic}", topic) if topic else None


def _latest(text: str, cues: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    """The cue whose last match ends latest in `text` (ties: the first cue listed)."""
    best: tuple[int, str] | None = None
    for name, regex in cues:
        ends = [m.end() for m in regex.finditer(text)]
        if ends and (best is None or max(ends) > best[0]):
            best = (max(ends), name)
    return best[1] if best else None


def _column(head: str, patterns: ClaimPatterns) -> str | None:
    return _latest(head, patterns.columns)


def _negative_claims(text: str, patterns: ClaimPatterns) -> list[RawClaim]:
    claims: list[RawClaim] = []
    for trigger in patterns.negation_trigger.finditer(text):
        window = text[trigger.start() : trigger.end() + patterns.negation_window]
        for metric, regex in patterns.negation_metrics:
            cue = regex.search(window)
            if cue and not any(c.metric == metric for c in claims):
                end = trigger.start() + cue.end()
                claims.append(
                    RawClaim(metric, 0, None, trigger.start(), end, 0, 0, negative=True, phrase=window)
                )
    for metric, regex in patterns.negative_sentences:
        for m in regex.finditer(text):
            claims.append(
                RawClaim(metric, 0, None, m.start(), m.end(), 0, 0, negative=True, phrase=m.group())
            )
    return claims
