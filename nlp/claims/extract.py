"""Claims out of prose: normalise, run the pipeline, map what it found back to printed offsets."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from spacy.language import Language

from nlp.claims.pipeline import RawClaim
from nlp.claims.text import NormalisedText, line_of, normalise
from nlp.schema import Claim, Report, Section, SectionKey, Span, Table

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
    return [_to_claim(c, norm, text, offset=offset, first_line=first_line, section=section) for c in raw]


def _span(norm: NormalisedText, text: str, start: int, end: int, *, offset: int, first_line: int) -> Span:
    a, b = norm.original(start, end)
    return Span(
        start=offset + a,
        end=offset + b,
        line=line_of(text, a, first_line=first_line),
        end_line=line_of(text, max(a, b - 1), first_line=first_line),
    )


def _to_claim(
    raw: RawClaim,
    norm: NormalisedText,
    text: str,
    *,
    offset: int,
    first_line: int,
    section: SectionKey | None,
) -> Claim:
    sentence = norm.text[raw.sent_start : raw.sent_end].strip()
    sent_lead = len(norm.text[raw.sent_start : raw.sent_end]) - len(
        norm.text[raw.sent_start : raw.sent_end].lstrip()
    )
    return Claim(
        sentence=sentence,
        span=_span(norm, text, raw.start, raw.end, offset=offset, first_line=first_line),
        sentence_span=_span(
            norm, text, raw.sent_start + sent_lead, raw.sent_end, offset=offset, first_line=first_line
        ),
        metric=raw.metric,
        value=raw.value,
        unit=raw.unit,
        negative=raw.negative,
        section=section,
        column=raw.column,
        phrase=raw.phrase or None,
    )


def _table_lines(tables: Sequence[Table | None]) -> list[tuple[int, int]]:
    return [(t.span.line, t.span.end_line) for t in tables if t is not None and t.span is not None]


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

    text: str
    norm: NormalisedText
    offset: int
    first_line: int
    section: SectionKey | None


def _piece(section: Section, ranges: list[tuple[int, int]]) -> _Piece:
    offset, first_line = _body_start(section)
    skip = {
        i for i in range(section.text.count("\n") + 1) if any(lo <= first_line + i <= hi for lo, hi in ranges)
    }
    return _Piece(section.text, normalise(section.text, skip_lines=skip), offset, first_line, section.key)


def claims_from_report(nlp: Language, report: Report) -> list[Claim]:
    """The claims of every section body, in document order; table lines (by the parsed tables' spans)
    are skipped. The sections go through the pipeline as one batch."""
    tables = report.tables
    ranges = _table_lines([tables.active_disclosure, tables.applications, tables.review_litigation])
    pieces = [p for p in (_piece(s, ranges) for s in report.sections) if p.norm.text.strip()]
    claims: list[Claim] = []
    for p, doc in zip(pieces, nlp.pipe(p.norm.text for p in pieces), strict=True):
        raw: list[RawClaim] = doc._.claims or []
        for c in raw:
            claims.append(
                _to_claim(c, p.norm, p.text, offset=p.offset, first_line=p.first_line, section=p.section)
            )
    return claims
