"""GET /api/export?what=cells|findings|passages|reports|search&format=csv|jsonl|parquet: the index as a tidy
file, streamed (the same columns as `govreport export`). Takes the report filters (province, city, county,
level, year, body, flag); `rule` and `severity` narrow the findings export; what=search streams every hit
of the search that `q` and the filters of GET /api/search (section, kind, topic, report_id) name.

Parquet has its footer at the end, so the file is written first — to a SpooledTemporaryFile, in memory up
to a few MB and on disk past that, row group by row group — and then streamed in chunks. An error while it
is written is therefore a JSON error with its status, never a cut file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import Field

from search_api.catalog import FindingFilters
from search_api.deps import BackendDep, SettingsDep
from search_api.display import display_source
from search_api.exporting import (
    COLUMNS,
    PARQUET_MEDIA_TYPE,
    ExportFormat,
    ExportWhat,
    Record,
    SearchTerms,
    export_lines,
    export_records,
    write_parquet,
)
from search_api.models import ErrorBody

__all__ = ["ExportParams", "router"]

router = APIRouter(tags=["export"])

_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "parquet": PARQUET_MEDIA_TYPE,
}
_SPOOL_BYTES = 8 * 1024 * 1024  # a Parquet export past this goes to a temporary file on disk
_CHUNK_BYTES = 256 * 1024


class ExportParams(FindingFilters, SearchTerms):
    """The report filters for every export (rule and severity narrow findings); what=search adds the
    text and passage filters of GET /api/search and streams every hit of that search."""

    what: ExportWhat = Field(default="reports", description="cells, findings, passages, reports or search.")
    format: ExportFormat = Field(default="csv", description="csv, jsonl or parquet.")


def _shown(records: Iterator[Record]) -> Iterator[Record]:
    """Records whose `source` names the file as the API shows it (never the server's absolute path)."""
    for record in records:
        source = record.get("source")
        yield {**record, "source": display_source(source)} if isinstance(source, str) else record


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    """The spooled file from its start, chunk by chunk; closed (its disk copy gone) at the end."""
    try:
        spool.seek(0)
        while chunk := spool.read(_CHUNK_BYTES):
            yield chunk
    finally:
        spool.close()


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/csv": {}, "application/x-ndjson": {}, PARQUET_MEDIA_TYPE: {}},
            "description": "One line (CSV, JSON Lines) or row (Parquet) per record; columns: "
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
    """Every cell, finding, passage or report of the reports passing the filters, as CSV, JSON Lines or
    Parquet."""
    # the report list or the first page of hits is read now: a bad query is a 400, not a cut stream
    found = export_records(backend, params.what, params, page_size=settings.page_size_cap, terms=params)
    records = _shown(found)
    filename = f"govreport-{params.what}.{params.format}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if params.format == "parquet":
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - closed by _chunks
        try:
            write_parquet(records, params.what, spool)
            size = spool.tell()
        except BaseException:
            spool.close()
            raise
        return StreamingResponse(
            _chunks(spool),
            media_type=PARQUET_MEDIA_TYPE,
            headers={**disposition, "Content-Length": str(size)},
        )
    return StreamingResponse(
        export_lines(records, params.what, params.format),
        media_type=_MEDIA[params.format],
        headers=disposition,
    )
