"""What the backends share: hits from stored passage documents and the number of buckets a facet
shows (all three); page offsets and facet ordering (the embedded ones, SQLite and tantivy).

The embedded backends page by offset: the opaque token carries the position after the last hit served.
The token's MAC proves we issued it, but the position is still checked, so a leaked key cannot push an
absurd number into an engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from indexer.documents import PassageDoc
from indexer.query import FacetBucket, Hit
from indexer.tokens import highlight
from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Region

__all__ = ["FACET_LIMIT", "MAX_OFFSET", "hit_from_doc", "page_offset", "top_buckets"]

FACET_LIMIT = 20
# Deeper than any person pages; small enough for every engine's integer types.
MAX_OFFSET = 1_000_000


def page_offset(after: Sequence[str | int | float]) -> int:
    """The offset a page token's sort key names; PAGE_TOKEN_INVALID unless 0 <= offset <= MAX_OFFSET."""
    if not after:
        return 0
    offset = after[0]
    # bool is an int subclass; a token never carries one
    if len(after) != 1 or not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise GovReportError(
            ErrorCode.PAGE_TOKEN_INVALID, "the next-page token is malformed", parameter="page_token"
        )
    if offset > MAX_OFFSET:
        raise GovReportError(
            ErrorCode.PAGE_TOKEN_INVALID,
            f"the next-page token points beyond result {MAX_OFFSET:,}",
            parameter="page_token",
        )
    return offset


def top_buckets(counts: Iterable[tuple[str | int, int]], *, limit: int = FACET_LIMIT) -> list[FacetBucket]:
    """Facet buckets most frequent first, ties by value, at most `limit` of them."""
    ordered = sorted(counts, key=lambda pair: (-pair[1], str(pair[0])))
    return [FacetBucket(value=value, count=count) for value, count in ordered[:limit]]


def hit_from_doc(
    doc: PassageDoc, *, needles: Sequence[str], score: float | None, marked: str | None = None
) -> Hit:
    """A search hit from the stored passage document, its text highlighted with the query's terms
    (`marked`: the engine's own highlight, used as it is when the engine made one)."""
    return Hit(
        passage_id=doc.passage_id,
        report_id=doc.report_id,
        source=doc.source,
        issuing_body=doc.issuing_body,
        region=Region(province=doc.province, city=doc.city, county=doc.county),
        level=doc.level,
        year=doc.year,
        section=doc.section,
        kind=doc.kind,
        topics=doc.topics,
        flags=doc.flags,
        text=doc.text,
        highlight=marked if marked is not None else highlight(doc.text, needles),
        score=score,
    )
