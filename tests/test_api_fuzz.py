"""Hostile input never makes the server answer 500, and every refusal names its code and parameter."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.query import SearchResult, encode_page_token
from nlp.errors import ErrorCode
from nlp.settings import Settings
from search_api.app import create_app
from search_api.deps import get_settings

KNOWN_CODES = {code.value for code in ErrorCode}


@pytest.fixture(scope="module")
def client(seeded_data_dir: Path) -> Iterator[TestClient]:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(data_dir=seeded_data_dir, backend="sqlite")
    # raise_server_exceptions=False: a bug must show up as the 500 the user would get, which we assert on
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _check_answer(response_status: int, body: object) -> None:
    assert response_status != 500, body
    assert isinstance(body, dict)
    if response_status == 200:
        SearchResult.model_validate(body)
        return
    error = body["error"]
    assert error["code"] in KNOWN_CODES and error["message"]


def _forged_token(payload: object, mac: str = "0" * 24) -> str:
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + mac


# (query parameters, expected status, expected code, expected parameter)
HOSTILE: list[tuple[dict[str, object], int, str | None, str | None]] = [
    ({"q": '"'}, 400, "query_invalid", "q"),
    ({"q": '"""'}, 400, "query_invalid", "q"),
    ({"q": '""'}, 400, "query_invalid", "q"),
    ({"q": "'; DROP TABLE passages; --"}, 400, "query_invalid", "q"),
    ({"q": "公开'; DROP TABLE passages; --"}, 400, "query_invalid", "q"),
    ({"q": "公开'; DROP TABLE passages"}, 200, None, None),
    ({"q": "公开 OR 申请"}, 200, None, None),
    ({"q": "NEAR(公开 申请)"}, 400, "query_invalid", "q"),
    ({"q": "公开*"}, 400, "query_invalid", "q"),
    ({"q": "words:公开"}, 400, "query_invalid", "q"),
    ({"q": "^公开"}, 400, "query_invalid", "q"),
    ({"q": "{words chars}: 公开"}, 400, "query_invalid", "q"),
    ({"q": "-公开"}, 400, "query_invalid", "q"),
    ({"q": "- - -"}, 400, "query_invalid", "q"),
    ({"q": "公开\x00申请"}, 400, "query_invalid", "q"),
    ({"q": "\x1b[31m公开"}, 400, "query_invalid", "q"),
    ({"q": "公\u200b开"}, 400, "query_invalid", "q"),
    ({"q": "\u202e公开"}, 400, "query_invalid", "q"),
    ({"q": "x" * 60_000}, 400, "query_too_long", "q"),  # httpx caps a URL's query at 64 KiB
    ({"q": "公" * 501}, 400, "query_too_long", "q"),
    ({"q": "😀公开 𠮷"}, 200, None, None),
    ({"q": "😀 公开"}, 400, "query_invalid", "q"),
    ({"q": "ｇｏｖ　公开"}, 200, None, None),
    ({"q": "\u0301"}, 400, "query_invalid", "q"),
    ({"q": "<script>alert(1)</script>"}, 400, "query_invalid", "q"),
    ({"q": "a " * 40}, 200, None, None),
    ({"q": " ".join(f"词{i}" for i in range(40))}, 400, "query_invalid", "q"),
    ({"q": ["公开", "申请"]}, 200, None, None),
    ({"q": ""}, 400, "query_invalid", "q"),
    ({"q": "公开", "page_size": "abc"}, 422, "query_invalid", "page_size"),
    ({"q": "公开", "page_size": "0"}, 400, "query_invalid", "page_size"),
    ({"q": "公开", "page_size": "-1"}, 400, "query_invalid", "page_size"),
    ({"q": "公开", "page_size": str(10**12)}, 400, "query_invalid", "page_size"),
    ({"q": "公开", "page_size": "9" * 5000}, 422, "query_invalid", "page_size"),
    ({"q": "公开", "page_size": "1e3"}, 422, "query_invalid", "page_size"),
    ({"q": "公开", "page_size": ["5", "7"]}, 200, None, None),
    ({"q": "公开", "year": "foo"}, 422, "query_invalid", "year"),
    ({"q": "公开", "year": str(10**12)}, 400, "query_invalid", "year"),
    ({"q": "公开", "year": "-2021"}, 400, "query_invalid", "year"),
    ({"q": "公开", "year": ["2021"] * 60}, 400, "query_invalid", "year"),
    ({"q": "公开", "sort": "bogus"}, 422, "query_invalid", "sort"),
    ({"q": "公开", "sort": "year; DROP"}, 422, "query_invalid", "sort"),
    ({"q": "公开", "facet": "bogus"}, 422, "query_invalid", "facet"),
    ({"q": "公开", "facet": ["province"] * 100}, 200, None, None),
    ({"province": ""}, 400, "query_invalid", "province"),
    ({"province": " "}, 400, "query_invalid", "province"),
    ({"province": "河" * 300}, 400, "query_invalid", "province"),
    ({"province": "河南省\x00"}, 400, "query_invalid", "province"),
    ({"province": "' OR 1=1 --"}, 200, None, None),
    ({"body": '"; DELETE FROM reports'}, 200, None, None),
    ({"topic": "政策解读", "flag": "has_error"}, 200, None, None),
    ({"report_id": "../../etc/passwd"}, 200, None, None),
    ({"q": "公开", "page_token": ""}, 200, None, None),
    ({"q": "公开", "page_token": "garbage"}, 400, "page_token_invalid", "page_token"),
    ({"q": "公开", "page_token": "...."}, 400, "page_token_invalid", "page_token"),
    ({"q": "公开", "page_token": "令牌"}, 400, "page_token_invalid", "page_token"),
    ({"q": "公开", "page_token": "A" * 60_000}, 400, "page_token_invalid", "page_token"),
    ({"q": "公开", "page_token": "%%%.abc"}, 400, "page_token_invalid", "page_token"),
    (
        {"q": "公开", "page_token": _forged_token({"v": 1, "q": "x", "a": [5]})},
        400,
        "page_token_invalid",
        "page_token",
    ),
    ({"q": "公开", "page_token": _forged_token([1, 2, 3])}, 400, "page_token_invalid", "page_token"),
    ({"q": "公开", "unknown_param": "x", "_": "1699999999"}, 200, None, None),
]


@pytest.mark.parametrize(("params", "status", "code", "parameter"), HOSTILE)
def test_api_fuzz_hostile_parameters(
    client: TestClient, params: dict[str, object], status: int, code: str | None, parameter: str | None
) -> None:
    response = client.get("/api/search", params=params)  # type: ignore[arg-type]
    body = response.json()
    _check_answer(response.status_code, body)
    assert response.status_code == status, body
    if code is not None:
        assert body["error"]["code"] == code
        assert parameter is None or body["error"]["parameter"] == parameter


def _signed_token(after: list[str | int | float], *, key: bytes, **query: object) -> str:
    from indexer.query import SearchQuery

    return encode_page_token(SearchQuery(**query), after=after, key=key)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "after",
    [
        [-1],
        ["x"],
        [1.5],
        [10**30],
        [1, 2],
        [],
        [10**6],
    ],
    ids=["negative", "string", "float", "huge", "two", "empty", "past-end"],
)
def test_api_fuzz_validly_signed_odd_offsets(
    client: TestClient, seeded_data_dir: Path, after: list[str | int | float]
) -> None:
    # A token that passes the MAC (as if our key leaked) but carries an odd position is still no 500.
    from indexer.backends._shared import load_or_create_key

    token = _signed_token(after, key=load_or_create_key(seeded_data_dir), text="公开")
    response = client.get("/api/search", params={"q": "公开", "page_token": token})
    _check_answer(response.status_code, response.json())
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=%ff%fe",
        "/api/search?q=%ed%a0%80",
        "/api/search?q=%E5%85%AC%E5",
        "/api/search?q=%",
        "/api/search?q=%%32%30",
        "/api/search?q=a&&&=&q",
        "/api/search?year=&q=公开",
        "/api/search?page_size=&q=公开",
        "/api/search?facet=&q=公开",
        "/api/search?" + "&".join(f"p{i}=v" for i in range(2000)) + "&q=公开",
    ],
)
def test_api_fuzz_raw_query_strings(client: TestClient, url: str) -> None:
    response = client.get(url)
    _check_answer(response.status_code, response.json())


@pytest.mark.parametrize(
    "path", ["%00", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "a" * 5000, "😀", "%ff", "abc%0d%0aX-Injected: 1"]
)
def test_api_fuzz_report_ids(client: TestClient, path: str) -> None:
    response = client.get(f"/api/reports/{path}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] in ("report_not_found", "http_404")
    assert "X-Injected" not in response.headers


_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80)
_PIECES = st.lists(
    st.one_of(_TEXT, st.sampled_from(['"', "-", "公开", "政策解读", "*", "(", ")", ":", "OR", "NOT", " "])),
    max_size=8,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.one_of(_TEXT, _PIECES),
    province=st.lists(_TEXT, max_size=2),
    year=st.lists(st.one_of(st.integers(), _TEXT), max_size=2),
    page_size=st.one_of(st.none(), st.integers(), _TEXT),
    page_token=st.one_of(st.none(), _TEXT),
)
def test_api_fuzz_random_queries_never_500(
    client: TestClient,
    q: str,
    province: list[str],
    year: list[object],
    page_size: object,
    page_token: str | None,
) -> None:
    params: dict[str, object] = {"q": q, "province": province, "year": [str(y) for y in year]}
    if page_size is not None:
        params["page_size"] = str(page_size)
    if page_token is not None:
        params["page_token"] = page_token
    response = client.get("/api/search", params=params)  # type: ignore[arg-type]
    _check_answer(response.status_code, response.json())
    assert response.status_code in (200, 400, 422)
