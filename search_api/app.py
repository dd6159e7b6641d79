"""The FastAPI application: JSON API under /api, the search page at /.

`create_app()` is the only constructor; it wires routers, the backend pool and the error handlers.
Every error leaves as `{"error": {"code", "message", "parameter"}}`: GovReportError codes map to
400/404/503, request validation to 422 naming the parameter, and anything unexpected to a 500 that
carries no internals (user input must never reach that branch; the fuzz tests hold us to it).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nlp.errors import ErrorCode, GovReportError
from nlp.settings import Settings
from search_api.deps import BackendPool
from search_api.pages import AssetFiles, assemble_pages
from search_api.routers import (
    charts,
    check,
    compare,
    export,
    facets,
    findings,
    health,
    reports,
    search,
    stats,
)

__all__ = ["STATUS_OF", "create_app", "error_payload", "static_dir"]

log = logging.getLogger(__name__)

STATUS_OF: dict[ErrorCode, int] = {
    ErrorCode.QUERY_INVALID: 400,
    ErrorCode.QUERY_TOO_LONG: 400,
    ErrorCode.PAGE_TOKEN_INVALID: 400,
    ErrorCode.REPORT_NOT_FOUND: 404,
    ErrorCode.BACKEND_UNAVAILABLE: 503,
    ErrorCode.INDEX_NOT_FOUND: 503,
    # an uploaded file (POST /api/check) that cannot be read
    ErrorCode.READ_TOO_LARGE: 413,
    ErrorCode.READ_UNSUPPORTED: 415,
    ErrorCode.READ_EMPTY: 422,
    ErrorCode.READ_BINARY: 422,
    ErrorCode.READ_ENCODING: 422,
    ErrorCode.READ_OCR_NEEDED: 422,
    ErrorCode.READ_ENCRYPTED: 422,
    ErrorCode.READ_CORRUPT: 422,
    ErrorCode.READ_NOT_A_REPORT: 422,
    ErrorCode.READ_TIMEOUT: 422,
    ErrorCode.READ_NOT_FOUND: 422,
}
# The indexer names the query text "text"; over HTTP it is the `q` parameter.
_PARAMETER_ALIASES = {"text": "q"}
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
_MAX_ECHO = 60  # characters of a rejected value quoted back in a validation message


def static_dir() -> Path:
    return Path(str(files("search_api") / "static"))


def error_payload(code: str, message: str, parameter: str | None = None) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "parameter": parameter}}


# --- error handlers --------------------------------------------------------------------------------


async def _on_govreport_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GovReportError)
    status = STATUS_OF.get(exc.code, 500)
    parameter = _PARAMETER_ALIASES.get(exc.parameter or "", exc.parameter)
    return JSONResponse(error_payload(exc.code.value, exc.message, parameter), status_code=status)


def _describe_validation(error: dict[str, object]) -> tuple[str | None, str]:
    """(parameter name, message) of one pydantic error; `loc` is ("query", name, index...)."""
    raw_loc = error.get("loc", ())
    parts = raw_loc if isinstance(raw_loc, tuple | list) else ()
    loc = [str(part) for part in parts if not isinstance(part, int)]
    parameter = loc[1] if len(loc) > 1 and loc[0] in ("query", "path") else (loc[-1] if loc else None)
    value = repr(error.get("input"))
    shown = value if len(value) <= _MAX_ECHO else value[:_MAX_ECHO] + "…"
    return parameter, f"{parameter}: {error.get('msg', 'invalid value')} (got {shown})"


async def _on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    parameter, message = _describe_validation(errors[0]) if errors else (None, "invalid request")
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    body = error_payload(
        ErrorCode.QUERY_INVALID.value, message, _PARAMETER_ALIASES.get(parameter or "", parameter)
    )
    return JSONResponse(body, status_code=422)


async def _on_http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    body = error_payload(f"http_{exc.status_code}", str(exc.detail))
    return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error answering %s %s", request.method, request.url.path, exc_info=exc)
    body = error_payload("internal_error", "the server failed to answer this request")
    return JSONResponse(body, status_code=500)


# --- the app ---------------------------------------------------------------------------------------


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.backends.close_all()


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _page(path: str, html: bytes) -> Callable[[], Response]:
    def serve() -> Response:
        return Response(html, media_type="text/html; charset=utf-8")

    name = path.strip("/").split("/")[0] or "index"
    serve.__name__ = f"page_{name}"
    return serve


def create_app(*, settings: Settings | None = None) -> FastAPI:
    """The app. Without `settings` each request uses `nlp.settings.get_settings()` (or a test's
    override of `search_api.deps.get_settings`)."""
    app = FastAPI(
        title="govreport",
        summary="Search 政府信息公开工作年度报告 passages by text, region, year, section, topic and flag.",
        version="0.1.0",
        lifespan=_lifespan,
        # Swagger UI and ReDoc load their scripts from a CDN; the server must work offline, so /docs
        # is our own page (static/docs.html in the shell, + docs.js) rendering /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.backends = BackendPool()
    app.add_exception_handler(GovReportError, _on_govreport_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
    app.middleware("http")(_security_headers)
    routers = (search, reports, findings, compare, check, export, facets, stats, health, charts)
    for module in routers:
        app.include_router(module.router, prefix="/api")
    # the pages (search_api.pages), assembled once here; /report/{id} answers the same page for every id
    for path, html in assemble_pages(static_dir()).items():
        app.api_route(path, methods=["GET", "HEAD"], include_in_schema=False)(_page(path, html))
    app.mount("/static", AssetFiles(directory=static_dir()), name="static")
    return app
