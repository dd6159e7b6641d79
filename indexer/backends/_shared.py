"""What the backends share: hits from stored passage documents and the number of buckets a facet
shows (all three); page offsets and facet ordering (the embedded ones, SQLite and tantivy).

The embedded backends page by offset: the opaque token carries the position after the last hit served.
The token's MAC proves we issued it, but the position is still checked, so a leaked key cannot push an
absurd number into an engine.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

from indexer.documents import PassageDoc
from indexer.query import FacetBucket, Hit
from indexer.tokens import highlight
from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Region
from nlp.settings import Settings

__all__ = [
    "FACET_LIMIT",
    "MAX_OFFSET",
    "TOKEN_KEY_FILE",
    "hit_from_doc",
    "load_or_create_key",
    "missing_index_error",
    "page_offset",
    "token_key_of",
    "top_buckets",
]

TOKEN_KEY_FILE = "page-token.key"

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


def load_or_create_key(directory: Path) -> bytes:
    """The page-token key kept in `directory`, created (32 random bytes, owner-only) on first use. Two
    processes creating it at once agree: the file appears whole or not at all (a hard link of a
    finished temporary file), and the loser reads the winner's."""
    path = directory / TOKEN_KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) >= 16:
            return key
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise GovReportError(
            ErrorCode.BACKEND_UNAVAILABLE, f"cannot read the page-token key: {exc}", source=str(path)
        ) from exc
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f".{TOKEN_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won: use its key
        finally:
            temporary.unlink()
        return path.read_bytes()
    except OSError as exc:
        raise GovReportError(
            ErrorCode.BACKEND_UNAVAILABLE, f"cannot create the page-token key: {exc}", source=str(path)
        ) from exc


def token_key_of(settings: Settings) -> bytes | None:
    """The key the settings give (GOVREPORT_TOKEN_KEY), or None: the backend keeps one in the data dir."""
    if settings.token_key is None:
        return None
    key = settings.token_key.get_secret_value().encode("utf-8")
    if len(key) < 16:
        raise GovReportError(
            ErrorCode.CONFIG_INVALID,
            "the page-token key must be at least 16 characters",
            parameter="token_key",
        )
    return key


def missing_index_error(path: Path, *, what: str) -> GovReportError:
    """BACKEND_UNAVAILABLE when something that is not a folder stands where the data dir should be,
    else INDEX_NOT_FOUND naming the folder (a read never creates an index)."""
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        message = f"{existing} is not a directory"
        return GovReportError(ErrorCode.BACKEND_UNAVAILABLE, message, source=str(path))
    return GovReportError(
        ErrorCode.INDEX_NOT_FOUND, f"no {what} here: run govreport ingest first", source=str(path)
    )
