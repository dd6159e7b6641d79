"""Query parsing, checks and page tokens (pure functions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.query import (
    SearchQuery,
    TextQuery,
    check_query,
    decode_page_token,
    encode_page_token,
    parse_text,
)
from nlp.errors import ErrorCode, GovReportError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("政策解读", TextQuery(terms=["政策解读"])),
        ("  政策解读   复议 ", TextQuery(terms=["政策解读", "复议"])),
        ('"行政 复议"', TextQuery(phrases=["行政 复议"])),
        ('政策 -培训 -"网站 建设"', TextQuery(terms=["政策"], excluded=["培训", "网站 建设"])),
        ("政策 政策", TextQuery(terms=["政策"])),
        ("a-b", TextQuery(terms=["a-b"])),
        ('""', TextQuery()),
        ("AND OR NOT", TextQuery(terms=["AND", "OR", "NOT"])),  # plain words: we offer no operators
    ],
)
def test_indexer_parse_text(text: str, expected: TextQuery) -> None:
    assert parse_text(text) == expected


@pytest.mark.parametrize("text", ['"open', "NEAR(a", "a*", "x:y", "^", "-", "。", "a\x1b[31m"])
def test_indexer_parse_text_refuses_syntax(text: str) -> None:
    with pytest.raises(GovReportError) as caught:
        parse_text(text)
    assert caught.value.code is ErrorCode.QUERY_INVALID and caught.value.parameter == "text"


KEY = b"k" * 32  # a test key; real keys come from settings.token_key or the data dir


def test_indexer_check_query_too_long() -> None:
    with pytest.raises(GovReportError) as caught:
        check_query(SearchQuery(text="字" * 11), max_chars=10, page_size_cap=5, token_key=KEY)
    assert caught.value.code is ErrorCode.QUERY_TOO_LONG


def test_indexer_check_query_allows_filters_without_text() -> None:
    checked = check_query(
        SearchQuery.model_validate({"filters": {"province": ["河南省"]}}),
        max_chars=10,
        page_size_cap=10,
        token_key=KEY,
    )
    assert checked.text.is_empty and checked.after == []


@given(st.text(max_size=80))
def test_indexer_parse_text_only_ever_raises_query_invalid(text: str) -> None:
    try:
        parsed = parse_text(text)
    except GovReportError as exc:
        assert exc.code is ErrorCode.QUERY_INVALID
        return
    for piece in [*parsed.terms, *parsed.phrases, *parsed.excluded]:
        assert piece and '"' not in piece and any(c.isalnum() for c in piece)


@given(
    st.lists(st.one_of(st.integers(), st.text(max_size=20), st.floats(allow_nan=False)), max_size=4),
    st.text(max_size=20),
)
def test_indexer_page_token_round_trips(after: list[object], text: str) -> None:
    query = SearchQuery(text=text)
    token = encode_page_token(query, after=after, key=KEY)  # type: ignore[arg-type]
    assert decode_page_token(token, query, key=KEY) == after


@given(st.text(max_size=200))
def test_indexer_forged_page_tokens_are_refused(token: str) -> None:
    with pytest.raises(GovReportError) as caught:
        decode_page_token(token, SearchQuery(text="x"), key=KEY)
    assert caught.value.code is ErrorCode.PAGE_TOKEN_INVALID


def test_indexer_tampered_page_token_is_refused() -> None:
    query = SearchQuery(text="复议")
    token = encode_page_token(query, after=[10], key=KEY)
    body, mac = token.split(".")
    forged = encode_page_token(query, after=[99], key=KEY).split(".")[0] + "." + mac
    with pytest.raises(GovReportError):
        decode_page_token(forged, query, key=KEY)
    assert body
