"""What a search asks and what it answers, independent of the backend.

`SearchQuery` is what callers build (CLI, HTTP); `check_query` validates it against the settings'
limits and parses its text into terms, "quoted phrases" and -exclusions, raising `GovReportError`
with the offending parameter's name. Page tokens are opaque to callers: each one is bound to the query
that produced it and carries a MAC, so a forged or foreign token is refused, never passed to a backend.
The MAC key is the backend's (settings.token_key, or a random key kept in the data dir), never a constant.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import unicodedata
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Region

__all__ = [
    "FACET_NAMES",
    "MAX_FILTER_VALUES",
    "MAX_TERMS",
    "CheckedQuery",
    "FacetBucket",
    "FacetName",
    "Hit",
    "SearchFilters",
    "SearchQuery",
    "SearchResult",
    "SortOrder",
    "TextQuery",
    "check_query",
    "decode_page_token",
    "encode_page_token",
    "parse_text",
]

SortOrder = Literal["relevance", "year", "region"]
FacetName = Literal["province", "city", "county", "level", "year", "section", "kind", "topic", "flag", "body"]
FACET_NAMES: tuple[str, ...] = get_args(FacetName)
MAX_TERMS = 32
MAX_FILTER_VALUES = 50
_MAX_FILTER_CHARS = 200
_MAX_TOKEN_CHARS = 2048
# Characters that are query syntax in FTS5 or Lucene. We do not offer that syntax, so rather than
# guess what the user meant we say so.
_OPERATOR_CHARS = frozenset("*()^:{}[]\\~+|&<>=!")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchFilters(_Model):
    """Exact-value filters: values of one field are OR-ed, fields are AND-ed."""

    year: list[int] = Field(default_factory=list)
    province: list[str] = Field(default_factory=list)
    city: list[str] = Field(default_factory=list)
    county: list[str] = Field(default_factory=list)
    level: list[str] = Field(default_factory=list)
    section: list[str] = Field(default_factory=list)
    kind: list[str] = Field(default_factory=list)
    topic: list[str] = Field(default_factory=list)
    flag: list[str] = Field(default_factory=list)
    body: list[str] = Field(default_factory=list)  # issuing body
    report_id: list[str] = Field(default_factory=list)

    def active(self) -> dict[str, list[str] | list[int]]:
        """The filters that hold at least one value, by field name."""
        return {name: values for name, values in self.model_dump().items() if values}


class SearchQuery(_Model):
    """A passage search. `text` supports words, "quoted phrases" and -exclusions (also -"phrases")."""

    text: str = ""
    filters: SearchFilters = Field(default_factory=SearchFilters)
    facets: list[FacetName] = Field(default_factory=list)
    sort: SortOrder = "relevance"
    page_size: int = 10  # checked against settings.page_size_cap by check_query
    page_token: str | None = None


class TextQuery(_Model):
    terms: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)  # words or phrases that must not occur

    @property
    def positive(self) -> list[str]:
        return [*self.terms, *self.phrases]

    @property
    def is_empty(self) -> bool:
        return not (self.terms or self.phrases or self.excluded)


class CheckedQuery(_Model):
    """A query that passed every check: what backends build their requests from."""

    query: SearchQuery
    text: TextQuery
    after: list[str | int | float] = Field(default_factory=list)  # from the page token; [] = first page
    token_key: bytes = Field(exclude=True, repr=False)  # signs the next page's token


class FacetBucket(_Model):
    value: str | int
    count: int


class Hit(_Model):
    passage_id: str
    report_id: str
    source: str
    issuing_body: str | None = None
    region: Region = Field(default_factory=Region)
    level: str = "unknown"
    year: int | None = None
    section: str | None = None
    kind: str = "other"
    topics: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    text: str
    highlight: str  # the original text, HTML-escaped, matches wrapped in <mark>…</mark>
    score: float | None = None


class SearchResult(_Model):
    total: int
    hits: list[Hit] = Field(default_factory=list)
    facets: dict[str, list[FacetBucket]] = Field(default_factory=dict)
    next_page_token: str | None = None


# --- text ------------------------------------------------------------------------------------------


def _invalid(message: str, parameter: str = "text") -> GovReportError:
    return GovReportError(ErrorCode.QUERY_INVALID, message, parameter=parameter)


def _reject_control_chars(value: str, *, parameter: str) -> None:
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") and char not in "\t\n\r":
            raise _invalid(f"control character U+{ord(char):04X} is not allowed", parameter)


def _check_piece(piece: str, *, quoted: bool) -> str:
    if not quoted and (bad := sorted(set(piece) & _OPERATOR_CHARS)):
        raise _invalid(
            f'unsupported query syntax {"".join(bad)!r} in {piece!r}: use words, "phrases" and -exclusions'
        )
    if not any(char.isalnum() for char in piece):
        raise _invalid(f"{piece!r} has no letter, digit or CJK character to search for")
    return piece


def _split_pieces(text: str) -> list[tuple[str, bool, bool]]:
    """(piece, quoted, excluded) in order; raises on an unbalanced quote."""
    pieces: list[tuple[str, bool, bool]] = []
    for match in re.finditer(r'(-?)"([^"]*)"|(\S+)', text):
        negated, phrase, word = match.group(1) == "-", match.group(2), match.group(3)
        if word is not None:
            if '"' in word:
                raise _invalid('unbalanced quote ": close every "phrase"')
            negated, word = word.startswith("-") and len(word) > 1, word
            pieces.append((word[1:] if negated else word, False, negated))
        elif phrase.strip():
            pieces.append((" ".join(phrase.split()), True, negated))
    return pieces


def parse_text(text: str) -> TextQuery:
    """Words, "quoted phrases" and -exclusions of a query string. Pure; raises QUERY_INVALID."""
    _reject_control_chars(text, parameter="text")
    if text.count('"') % 2:
        raise _invalid('unbalanced quote ": close every "phrase"')
    parsed = TextQuery()
    for piece, quoted, excluded in _split_pieces(text):
        checked = _check_piece(piece, quoted=quoted)
        target = parsed.excluded if excluded else parsed.phrases if quoted else parsed.terms
        if checked not in target:
            target.append(checked)
    if len(parsed.terms) + len(parsed.phrases) + len(parsed.excluded) > MAX_TERMS:
        raise _invalid(f"too many terms (at most {MAX_TERMS})")
    return parsed


# --- page tokens -----------------------------------------------------------------------------------


def _fingerprint(query: SearchQuery) -> str:
    body = query.model_dump(exclude={"page_token"})
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


def _mac(payload: bytes, key: bytes) -> str:
    if len(key) < 16:
        raise ValueError("a page-token key must be at least 16 bytes")
    return hmac.new(key, payload, hashlib.sha256).hexdigest()[:24]


def encode_page_token(query: SearchQuery, *, after: list[str | int | float], key: bytes) -> str:
    """An opaque token for the page after the one whose last sort key is `after`, signed with `key`."""
    payload = json.dumps({"v": 1, "q": _fingerprint(query), "a": after}, separators=(",", ":"))
    raw = payload.encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") + "." + _mac(raw, key)


def _token_error(message: str) -> GovReportError:
    return GovReportError(ErrorCode.PAGE_TOKEN_INVALID, message, parameter="page_token")


def _token_payload(token: str, key: bytes) -> dict[str, object]:
    body, _, mac = token.partition(".")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _token_error("the next-page token is not valid base64") from exc
    if not hmac.compare_digest(_mac(raw, key), mac):
        raise _token_error("the next-page token was not issued by this server")
    try:
        data = json.loads(raw)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise _token_error("the next-page token is malformed") from exc
    if not isinstance(data, dict):
        raise _token_error("the next-page token is malformed")
    return data


def decode_page_token(token: str, query: SearchQuery, *, key: bytes) -> list[str | int | float]:
    """The sort key after which the next page starts; refuses tokens of other queries or forged ones."""
    if len(token) > _MAX_TOKEN_CHARS or not token.isascii():
        raise _token_error("the next-page token is not one this server issued")
    data = _token_payload(token, key)
    if data.get("v") != 1 or data.get("q") != _fingerprint(query):
        raise _token_error("the next-page token belongs to a different query")
    after = data.get("a")
    if not isinstance(after, list) or not all(isinstance(v, str | int | float) for v in after):
        raise _token_error("the next-page token is malformed")
    return after


# --- the whole query -------------------------------------------------------------------------------


def _check_filters(filters: SearchFilters) -> None:
    for name, values in filters.active().items():
        if len(values) > MAX_FILTER_VALUES:
            raise _invalid(f"at most {MAX_FILTER_VALUES} values per filter", name)
        for value in values:
            if isinstance(value, str):
                _reject_control_chars(value, parameter=name)
                if not value.strip() or len(value) > _MAX_FILTER_CHARS:
                    raise _invalid(f"filter value must be 1–{_MAX_FILTER_CHARS} characters", name)
            elif not 1900 <= value <= 2200:
                raise _invalid(f"year {value} is out of range", name)


def _check_page_size(page_size: int, *, cap: int) -> None:
    if not 1 <= page_size <= cap:
        raise _invalid(f"page size must be between 1 and {cap}, got {page_size}", "page_size")


def check_query(query: SearchQuery, *, max_chars: int, page_size_cap: int, token_key: bytes) -> CheckedQuery:
    """Validate every parameter and parse the text; the only gate between users and backends."""
    if len(query.text) > max_chars:
        raise GovReportError(
            ErrorCode.QUERY_TOO_LONG,
            f"query has {len(query.text)} characters, at most {max_chars}",
            parameter="text",
        )
    _check_page_size(query.page_size, cap=page_size_cap)
    _check_filters(query.filters)
    text = parse_text(query.text)
    if not text.positive and not query.filters.active():
        if text.excluded:
            raise _invalid("a query of exclusions alone matches everything: add a word or a filter")
        raise _invalid("empty query: give some text or at least one filter")
    after = decode_page_token(query.page_token, query, key=token_key) if query.page_token else []
    return CheckedQuery(query=query, text=text, after=after, token_key=token_key)
