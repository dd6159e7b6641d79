"""The API fuzzed from its own OpenAPI schema (issue 11, hardening): for every operation the schema lists,
Hypothesis draws each declared parameter — values of the declared type, hostile text and values of the
wrong type — against both embedded engines. Never a 500, every refusal a catalogue code, and never an
engine's own query-syntax error leaking through (FTS5, SQL, tantivy)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.backends import open_backend
from nlp.errors import ErrorCode
from nlp.settings import Settings
from search_api.app import create_app

KNOWN_CODES = {code.value for code in ErrorCode}
_ENGINE_LEAKS = re.compile(r"fts5|syntax error|sqlite|tantivy|OperationalError|ValueError|Traceback", re.I)
_HOSTILE = st.sampled_from(
    ['"', '""', "*", "(", ")", ":", "^", "~", "NEAR(a b)", "a OR b", "-", "--", "\\", "'", "%", "\x00",
     "公开*", "words:公开", "AND", "NOT 公开", "{", "[", "]", "}", "<script>", "ǅ", "\u200b", "ᅟ", "𠀀", " "]
)  # fmt: skip
_TEXT = st.one_of(st.text(max_size=40), _HOSTILE, st.lists(_HOSTILE, max_size=6).map(" ".join))
_ANY = st.one_of(_TEXT, st.integers(min_value=-(10**20), max_value=10**20).map(str), st.just(""))


def _value(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value for a parameter: of its declared type most of the time, anything some of the time."""
    kind = schema.get("type")
    if "enum" in schema:
        typed: st.SearchStrategy[Any] = st.sampled_from(schema["enum"])
    elif kind == "integer":
        typed = st.integers(min_value=-(10**6), max_value=10**6).map(str)
    elif kind == "array":
        return st.lists(_value(schema.get("items", {})), max_size=3)
    elif "anyOf" in schema:
        return st.one_of(*(_value(s) for s in schema["anyOf"] if s.get("type") != "null"))
    else:
        typed = _TEXT
    return st.one_of(typed, _ANY)


def _operations(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (path, op.get("parameters", []))
        for path, ops in sorted(spec["paths"].items())
        for method, op in ops.items()
        if method == "get"
    ]


@pytest.fixture(scope="module", params=["sqlite", "tantivy"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from tests.test_hardening_index import _bundles

    data_dir = tmp_path_factory.mktemp(f"fuzz_{request.param}")
    settings_ = Settings(data_dir=data_dir, backend=request.param)
    backend = open_backend(settings_)
    backend.index(_bundles(6))  # type: ignore[arg-type]
    backend.close()
    with TestClient(create_app(settings=settings_), raise_server_exceptions=False) as test_client:
        yield test_client


def _check(response: Any) -> None:
    assert response.status_code != 500, response.text
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        if response.status_code >= 400:
            assert body["error"]["code"] in KNOWN_CODES | {"http_404", "http_405"}, body
            assert not _ENGINE_LEAKS.search(body["error"]["message"]), body


@st.composite
def _requests(draw: st.DrawFn, spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    path, parameters = draw(st.sampled_from(_operations(spec)))
    query: dict[str, Any] = {}
    for parameter in parameters:
        if parameter["in"] == "path":
            value = draw(_value(parameter.get("schema", {})))
            path = path.replace("{" + parameter["name"] + "}", quote(str(value), safe="") or "x")
        elif draw(st.booleans()):
            query[parameter["name"]] = draw(_value(parameter.get("schema", {})))
    return path, query


SPEC = create_app().openapi()


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=_requests(SPEC))
def test_api_openapi_every_operation_never_500(
    client: TestClient, request: tuple[str, dict[str, Any]]
) -> None:
    path, query = request
    _check(client.get(path, params=query))


def test_api_openapi_schema_lists_the_operations() -> None:
    assert {path for path, _ in _operations(SPEC)} >= {
        "/api/search",
        "/api/reports/{report_id}",
        "/api/health",
    }
