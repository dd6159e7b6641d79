"""The spaCy components of the claims pipeline, registered by name so configs/spacy.cfg can build it.

* `govreport_sentencizer` — sentence starts after 。；！？ and paragraph breaks.
* `govreport_quantities` — every number followed by a unit (三件, 3,119件, 96171.6万元), with its value;
  approximate figures (5500余条) are flagged.
* `govreport_claims` — binds each quantity to the phrase that governs it within its clause (patterns of
  claims.yaml): the verb and noun before the number (收到政府信息公开申请8件), around it (接到8件申请), or
  after it (1件公开申请已办结); a clause is cut at delimiters and at the previous quantity, so in
  接到申请15件，均已依法办结14件 the 14 belongs to 办结, never to 接到. It carries the topic (行政复议 /
  行政诉讼) and the applicant column through the sentence, and adds the zero claims of negative
  statements (未发生…行政诉讼, 暂未接到…申请).

The components work on characters, not tokens: jieba glues numbers to units (十二件) and splits
separators (3,119), so character offsets are the reliable coordinates. Results are set on
`doc._.quantities` and `doc._.claims`; quantities are also kept as spans in `doc.spans["quantities"]`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise
from typing import Any, cast

import numpy
from spacy.attrs import SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry
from thinc.types import Ints2d

from nlp.claims.numerals import NUMBER_PATTERN, parse_number
from nlp.config import load_yaml
from nlp.errors import ErrorCode, GovReportError
from nlp.segment import words

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
    # with `prefix`: the clause after the number must match too (接到 8件 申请: verb before, noun after)
    obj: re.Pattern[str] | None = None
    also: tuple[str, ...] = ()  # further metrics the same number states (受理办结2件 → received and handled)
    block_items: bool = False  # not read in a sentence that counts information items (公文类政府信息…)


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
    wide_clause_delimiters: re.Pattern[str]
    filler: re.Pattern[str]
    topics: tuple[tuple[str, re.Pattern[str]], ...]
    columns: tuple[tuple[str, re.Pattern[str]], ...]
    applications_context: re.Pattern[str]
    information_items: re.Pattern[str]
    patterns: tuple[MetricPattern, ...]
    continuations: tuple[Continuation, ...]
    negation_trigger: re.Pattern[str]
    negation_window: int
    negation_stop: re.Pattern[str]
    negation_metrics: tuple[tuple[str, re.Pattern[str]], ...]
    negative_sentences: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...]

    def unit_kind(self, unit: str) -> str | None:
        return next((kind for kind, units in self.units.items() if unit in units), None)


_PHRASE = re.compile(r"\$\{(\w+)\}")


def _expand(value: str, phrases: dict[str, str], *, where: str) -> str:
    """`${name}` in a regex stands for the phrase `name` of claims.yaml's `phrases` (expanded once)."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in phrases:
            raise GovReportError(ErrorCode.CONFIG_INVALID, f"claims.yaml {where}: unknown phrase ${{{name}}}")
        return f"(?:{phrases[name]})"

    return _PHRASE.sub(sub, value)


def _regex(value: object, *, where: str, phrases: dict[str, str] | None = None) -> re.Pattern[str]:
    text = _expand(str(value), phrases or {}, where=where)
    try:
        return re.compile(text)
    except re.error as exc:
        raise GovReportError(
            ErrorCode.CONFIG_INVALID, f"claims.yaml {where}: bad regex {value!r}: {exc}"
        ) from exc


def _metric_pattern(entry: dict[str, Any], index: int, phrases: dict[str, str]) -> MetricPattern:
    where = f"patterns[{index}]"
    if "metric" not in entry or not ({"prefix", "suffix"} & entry.keys()):
        raise GovReportError(
            ErrorCode.CONFIG_INVALID, f"claims.yaml {where} needs metric and prefix or suffix"
        )
    if "object" in entry and "prefix" not in entry:
        raise GovReportError(ErrorCode.CONFIG_INVALID, f"claims.yaml {where}: object needs a prefix")

    def regex(key: str) -> re.Pattern[str] | None:
        return _regex(entry[key], where=where, phrases=phrases) if key in entry else None

    return MetricPattern(
        metric=str(entry["metric"]),
        units=str(entry.get("units", "count")),
        prefix=regex("prefix"),
        suffix=regex("suffix"),
        context=entry.get("context"),
        obj=regex("object"),
        also=tuple(map(str, entry.get("also", []))),
        block_items=bool(entry.get("block_items", False)),
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
        phrases = {str(k): str(v) for k, v in (config.get("phrases") or {}).items()}
        return ClaimPatterns(
            units=units,
            unit_blockers=tuple(config.get("unit_blockers", [])),
            approx_after=tuple(config.get("approx_after", [])),
            approx_before=tuple(config.get("approx_before", [])),
            clause_delimiters=_regex(config["clause_delimiters"], where="clause_delimiters"),
            wide_clause_delimiters=_regex(
                config.get("wide_clause_delimiters", config["clause_delimiters"]),
                where="wide_clause_delimiters",
            ),
            filler=_regex(config["filler"], where="filler"),
            topics=tuple((t["topic"], _regex(t["regex"], where="topics")) for t in config["topics"]),
            columns=tuple(
                (c["column"], _regex(f"(?:{c['regex']}){suffix}", where="columns")) for c in config["columns"]
            ),
            applications_context=_regex(
                config.get("applications_context", "申请"), where="applications_context"
            ),
            information_items=_regex(config.get("information_items", "$^"), where="information_items"),
            patterns=tuple(_metric_pattern(p, i, phrases) for i, p in enumerate(config["patterns"])),
            continuations=tuple(
                Continuation(c["after"], c["units"], c["metric"], _regex(c["prefix"], where="continuations"))
                for c in config.get("continuations", [])
            ),
            negation_trigger=_regex(negations.get("trigger", "未发生"), where="negations.trigger"),
            negation_window=int(negations.get("window", 40)),
            negation_stop=_regex(negations.get("stop", "$^"), where="negations.stop"),
            negation_metrics=tuple(
                (m["metric"], _regex(m["regex"], where="negations")) for m in negations.get("metrics", [])
            ),
            negative_sentences=tuple(
                (
                    m["metric"],
                    _regex(m["regex"], where="negations", phrases=phrases),
                    _regex(m["unless"], where="negations") if "unless" in m else None,
                )
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


# --- tokenizer -----------------------------------------------------------------------------------


@registry.tokenizers("govreport.segmenter_tokenizer.v1")
def make_segmenter_tokenizer() -> Callable[[Language], Callable[[str], Doc]]:
    """spaCy's tokenizer over the project's one segmenter (nlp.segment): jieba's words by default, the
    same dictionary the aligner and the indexer use, or rjieba's when the settings say so."""

    def create(nlp: Language) -> Callable[[str], Doc]:
        def tokenize(text: str) -> Doc:
            tokens = [w for w in words(text) if w]
            spaced, spaces = words_and_spaces(tokens, text)
            return Doc(nlp.vocab, words=spaced, spaces=spaces)

        return tokenize

    return create


def words_and_spaces(tokens: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's get_words_and_spaces (the words, the text between them, whether a space follows each),
    the same result and errors, but each word is looked for from where the last one ended rather than in
    a copy of the rest of the text: linear in the text, where spaCy's is quadratic in a long section."""
    if "".join("".join(tokens).split()) != "".join(text.split()):
        raise ValueError(Errors.E194.format(text=text, words=tokens))
    text_words: list[str] = []
    text_spaces: list[bool] = []
    text_pos = 0
    for word in (w for w in tokens if not w.isspace()):
        word_start = text.find(word, text_pos)
        if word_start < 0:
            raise ValueError(Errors.E194.format(text=text, words=tokens))
        if word_start > text_pos:
            text_words.append(text[text_pos:word_start])
            text_spaces.append(False)
            text_pos = word_start
        text_words.append(word)
        text_spaces.append(False)
        text_pos += len(word)
        if text_pos < len(text) and text[text_pos] == " ":
            text_spaces[-1] = True
            text_pos += 1
    if text_pos < len(text):
        text_words.append(text[text_pos:])
        text_spaces.append(False)
    return text_words, text_spaces


# --- sentencizer ---------------------------------------------------------------------------------


@Language.factory("govreport_sentencizer", default_config={"punct_chars": ["。", "；", "！", "？", "\n"]})
def make_sentencizer(nlp: Language, name: str, punct_chars: list[str]) -> Callable[[Doc], Doc]:
    ends = frozenset(punct_chars)

    def sentencize(doc: Doc) -> Doc:
        # All starts written in one array: setting token.is_sent_start one token at a time makes spaCy
        # re-derive the sentence bounds each time, which is quadratic in the text.
        if not len(doc):
            return doc
        flags = numpy.empty((len(doc), 1), dtype="int64")
        previous = ""
        for i, token in enumerate(doc):
            flags[i, 0] = 1 if i == 0 or previous[-1:] in ends else -1
            previous = token.text
        doc.from_array([SENT_START], cast(Ints2d, flags.astype("uint64")))
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
        starts = [q.start for q in quantities]
        ordered = all(a <= b for a, b in pairwise(starts))  # as found: by offset
        claims: list[RawClaim] = []
        for sent in doc.sents:
            if ordered:  # the sentence's quantities by bisection, not a pass over all of them per sentence
                inside = quantities[bisect_left(starts, sent.start_char) : bisect_left(starts, sent.end_char)]
            else:
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
    local = [
        replace(q, start=q.start - base, end=q.end - base, unit_end=q.unit_end - base) for q in quantities
    ]
    for i, q in enumerate(local):
        if not q.approx:
            next_start = local[i + 1].start if i + 1 < len(local) else len(text)
            clause = _clause(text, q, previous_end, next_start, patterns)
            claims.extend(_claim_for(text, q, clause, claims, patterns))
        previous_end = q.unit_end
    claims.extend(_negative_claims(text, patterns))
    return [_to_doc_offsets(c, base, base + len(text)) for c in claims]


def _to_doc_offsets(claim: RawClaim, base: int, sent_end: int) -> RawClaim:
    return replace(claim, start=claim.start + base, end=claim.end + base, sent_start=base, sent_end=sent_end)


@dataclass(frozen=True)
class _Clause:
    """What surrounds one quantity: the clause text before it (from the last delimiter or quantity; the
    wide one reaches back over 、 lists), the text after its unit, and the sentence up to it."""

    near: str
    wide: str
    after: str
    head: str


def _clause(text: str, q: Quantity, previous_end: int, next_start: int, patterns: ClaimPatterns) -> _Clause:
    def start(delimiters: re.Pattern[str]) -> int:
        found = previous_end
        for m in delimiters.finditer(text, previous_end, q.start):
            found = m.end()
        return found

    after = patterns.clause_delimiters.search(text, q.unit_end)
    end = min(after.start() if after else len(text), next_start)

    def strip(piece: str) -> str:
        return patterns.filler.sub("", piece.strip())

    return _Clause(
        near=strip(text[start(patterns.clause_delimiters) : q.start]),
        wide=strip(text[start(patterns.wide_clause_delimiters) : q.start]),
        after=text[q.unit_end : end],
        head=text[: q.start],
    )


def _claim_for(
    text: str, q: Quantity, clause: _Clause, earlier: list[RawClaim], patterns: ClaimPatterns
) -> list[RawClaim]:
    kind = patterns.unit_kind(q.unit)
    found = _continuation(clause.near, kind, earlier, patterns)
    metrics: tuple[str, ...] = (found,) if found else ()
    phrase = clause.near or clause.after
    if not metrics:
        matched = _match_metric(text, clause, kind, patterns)
        if matched is None:
            return []
        metrics, phrase = matched
    claims = []
    for metric in metrics:
        column = _column(clause.head, patterns) if metric.startswith("applications.") else None
        claims.append(
            RawClaim(metric, q.value, q.unit, q.start, q.unit_end, 0, 0, column=column, phrase=phrase)
        )
    return claims


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


def _context_holds(p: MetricPattern, sentence: str, clause: _Clause, patterns: ClaimPatterns) -> bool:
    if p.block_items and patterns.information_items.search(sentence):
        return False
    if p.context == "applications":
        return bool(patterns.applications_context.search(clause.head + clause.after))
    return True


def _match_metric(
    sentence: str, clause: _Clause, kind: str | None, patterns: ClaimPatterns
) -> tuple[tuple[str, ...], str] | None:
    """The metrics of the first pattern that binds the number: verb-and-noun phrases before it (the
    near clause, then the wide one), with their object after it where the pattern names one; then
    phrases after it. Returns the metrics and the clause words that named them."""
    candidates: list[tuple[MetricPattern, str]] = []
    for p in patterns.patterns:
        if p.prefix is not None:
            candidates.append((p, "prefix"))
    candidates += [(p, "suffix") for p in patterns.patterns if p.suffix is not None]
    for p, side in candidates:
        if p.units != kind or not _context_holds(p, sentence, clause, patterns):
            continue
        if side == "prefix":
            assert p.prefix is not None
            phrase = next((c for c in (clause.near, clause.wide) if p.prefix.search(c)), None)
            if phrase is None or (p.obj is not None and not p.obj.search(clause.after)):
                continue
            if p.obj is not None:
                phrase += clause.after
        else:
            assert p.suffix is not None
            if not p.suffix.search(clause.after):
                continue
            phrase = clause.after
        metrics = tuple(m for m in (_with_topic(x, clause.head, patterns) for x in (p.metric, *p.also)) if m)
        if metrics:
            return metrics, phrase
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
        stop = patterns.negation_stop.search(window, trigger.end() - trigger.start())
        window = window[: stop.start()] if stop else window
        for metric, regex in patterns.negation_metrics:
            cue = regex.search(window)
            if cue and not any(c.metric == metric for c in claims):
                end = trigger.start() + cue.end()
                claims.append(
                    RawClaim(metric, 0, None, trigger.start(), end, 0, 0, negative=True, phrase=window)
                )
    for metric, regex, unless in patterns.negative_sentences:
        for m in regex.finditer(text):
            if unless is not None and unless.search(m.group()):
                continue
            claims.append(
                RawClaim(metric, 0, None, m.start(), m.end(), 0, 0, negative=True, phrase=m.group())
            )
    return claims
