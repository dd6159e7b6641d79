"""Claims out of prose: normalise, run the pipeline, map what it found back to printed offsets."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from spacy.language import Language

from nlp.claims.pipeline import RawClaim
from nlp.claims.text import NormalisedText, normalise
from nlp.lines import LineGeometry, table_line_ranges
from nlp.schema import Claim, Report, Section, SectionKey

__all__ = ["claims_from_report", "claims_from_text"]


def claims_from_text(
    nlp: Language,
    text: str,
    *,
    offset: int = 0,
    first_line: int = 1,
    section: SectionKey | None = None,
    skip_lines: Collection[int] = (),
) -> list[Claim]:
    """The claims of `text`; spans are `offset` + position in `text`, lines count from `first_line`."""
    norm = normalise(text, skip_lines=skip_lines)
    if not norm.text.strip():
        return []
    doc = nlp(norm.text)
    raw: list[RawClaim] = doc._.claims or []
    geometry = LineGeometry.of(text, first_line=first_line)
    return [_to_claim(c, norm, geometry, offset=offset, section=section) for c in raw]


def _to_claim(
    raw: RawClaim, norm: NormalisedText, geometry: LineGeometry, *, offset: int, section: SectionKey | None
) -> Claim:
    sentence = norm.text[raw.sent_start : raw.sent_end].strip()
    sent_lead = len(norm.text[raw.sent_start : raw.sent_end]) - len(
        norm.text[raw.sent_start : raw.sent_end].lstrip()
    )
    return Claim(
        sentence=sentence,
        span=geometry.span(*norm.original(raw.start, raw.end), base=offset),
        sentence_span=geometry.span(*norm.original(raw.sent_start + sent_lead, raw.sent_end), base=offset),
        metric=raw.metric,
        value=raw.value,
        unit=raw.unit,
        negative=raw.negative,
        section=section,
        column=raw.column,
        phrase=raw.phrase or None,
    )


def _body_start(section: Section) -> tuple[int, int]:
    """Offset and line where the section's body begins. The body is the last len(text) characters of
    the section's span (the heading and the space after it come first); its line is counted back from
    the span's last line, the line of its last character."""
    body = section.text
    start = max(section.span.start, section.span.end - len(body))
    return start, max(section.span.line, section.span.end_line - body[:-1].count("\n"))


@dataclass(frozen=True)
class _Piece:
    """One section body ready for the pipeline."""

    norm: NormalisedText
    geometry: LineGeometry
    offset: int
    section: SectionKey | None


def _piece(section: Section, ranges: list[tuple[int, int]]) -> _Piece:
    offset, first_line = _body_start(section)
    skip = {
        i for i in range(section.text.count("\n") + 1) if any(lo <= first_line + i <= hi for lo, hi in ranges)
    }
    norm = normalise(section.text, skip_lines=skip)
    return _Piece(norm, LineGeometry.of(section.text, first_line=first_line), offset, section.key)


def claims_from_report(nlp: Language, report: Report) -> list[Claim]:
    """The claims of every section body, in document order; table lines (by the parsed tables' spans)
    are skipped. The sections go through the pipeline as one batch."""
    ranges = table_line_ranges(report.tables)
    pieces = [p for p in (_piece(s, ranges) for s in report.sections) if p.norm.text.strip()]
    claims: list[Claim] = []
    for p, doc in zip(pieces, nlp.pipe(p.norm.text for p in pieces), strict=True):
        raw: list[RawClaim] = doc._.claims or []
        for c in raw:
            claims.append(_to_claim(c, p.norm, p.geometry, offset=p.offset, section=p.section))
    return claims
