"""GET /api/export?what=cells|findings|passages|reports|search&format=csv|jsonl: the index as a tidy file,
streamed (the same columns as `govreport export`). Takes the report filters (province, city, county,
level, year, body, flag); `rule` and `severity` narrow the findings export; what=search streams every hit
of the search that `q` and the filters of GET /api/search (section, kind, topic, report_id) name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import Field

from search_api.catalog import FindingFilters
from search_api.deps import BackendDep, SettingsDep
from search_api.display import display_source
from search_api.exporting import (
    COLUMNS,
    ExportFormat,
    ExportWhat,
    Record,
    SearchTerms,
    export_lines,
    export_records,
    search_query,
    search_records,
)
from search_api.models import ErrorBody

__all__ = ["ExportParams", "router"]

router = APIRouter(tags=["export"])

_MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


class ExportParams(FindingFilters, SearchTerms):
    """The report filters for every export (rule and severity narrow findings); what=search adds the
    text and passage filters of GET /api/search and streams every hit of that search."""

    what: ExportWhat = Field(default="reports", description="cells, findings, passages, reports or search.")
    format: ExportFormat = Field(default="csv", description="csv or jsonl.")


def _shown(records: Iterator[Record]) -> Iterator[Record]:
    """Records whose `source` names the file as the API shows it (never the server's absolute path)."""
    for record in records:
        source = record.get("source")
        yield {**record, "source": display_source(source)} if isinstance(source, str) else record


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/csv": {}, "application/x-ndjson": {}},
            "description": "One line per record; columns: "
            + "; ".join(f"{what}: {', '.join(columns)}" for what, columns in COLUMNS.items()),
        },
        400: {"model": ErrorBody},
        422: {"model": ErrorBody},
        503: {"model": ErrorBody},
    },
)
def export(
    params: Annotated[ExportParams, Query()], backend: BackendDep, settings: SettingsDep
) -> StreamingResponse:
    """Every cell, finding, passage or report of the reports passing the filters, as CSV or JSON Lines."""
    cap = settings.page_size_cap
    if params.what == "search":  # the first page is asked for now: a bad query is a 400, not a cut stream
        found = search_records(backend, search_query(params, params), page_size=cap)
    else:
        found = export_records(backend, params.what, params, page_size=cap)
    records = _shown(found)
    filename = f"govreport-{params.what}.{params.format}"
    return StreamingResponse(
        export_lines(records, params.what, params.format),
        media_type=_MEDIA[params.format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
