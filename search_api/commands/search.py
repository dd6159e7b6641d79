"""`govreport search QUERY [--year ..] [--province ..] [--facet NAME]... [--format text|json]`."""

from __future__ import annotations

import html
import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nlp.errors import ErrorCode, GovReportError
from search_api.commands.common import BackendName
from search_api.commands.ingest import settings_for

if TYPE_CHECKING:  # indexer.query builds the schema's models: imported when a search runs, not by --help
    from indexer.query import SearchFilters, SearchResult

__all__ = ["register", "render_text"]

# indexer.query.FACET_NAMES, spelled out for the option's help text (tests/test_coldstart.py keeps the two
# equal) so that `govreport --help` need not import the query models.
_FACET_NAMES = ("province", "city", "county", "level", "year", "section", "kind", "topic", "flag", "body")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class Sort(StrEnum):
    relevance = "relevance"
    year = "year"
    region = "region"


_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _terminal_highlight(marked: str, *, color: bool) -> str:
    on, off = ("\x1b[1;33m", "\x1b[0m") if color else ("【", "】")
    return html.unescape(_MARK.sub(lambda m: on + m.group(1) + off, marked))


def render_text(result: SearchResult, *, color: bool = False) -> str:
    """Hits as readable blocks, then facet counts, then the next-page token."""
    out = [f"{result.total} passages"]
    for hit in result.hits:
        region = " ".join(p for p in (hit.region.province, hit.region.city, hit.region.county) if p)
        parts = (hit.issuing_body, region, hit.year, hit.section, hit.kind)
        head = " · ".join(str(p) if p else "?" for p in parts)
        out += ["", head, f"  {hit.source}", "  " + _terminal_highlight(hit.highlight, color=color)]
    for name, buckets in result.facets.items():
        out += ["", f"{name}: " + ", ".join(f"{b.value} ({b.count})" for b in buckets)]
    if result.next_page_token:
        out += ["", f"next page: --page-token {result.next_page_token}"]
    return "\n".join(out)


def _filters(**values: list[str] | list[int] | None) -> SearchFilters:
    from indexer.query import SearchFilters

    return SearchFilters.model_validate({k: v for k, v in values.items() if v})


Values = list[str] | None


def _facets(facet: list[str] | None) -> list[str]:
    from indexer.query import FACET_NAMES

    unknown = [f for f in facet or [] if f not in FACET_NAMES]
    if unknown:
        message = f"unknown facet {unknown[0]!r} (one of {', '.join(FACET_NAMES)})"
        raise GovReportError(ErrorCode.QUERY_INVALID, message, parameter="facet")
    return list(facet or [])


def search_command(
    query: Annotated[str, typer.Argument(help='Words, "quoted phrases" and -exclusions.')],
    year: Annotated[list[int] | None, typer.Option(help="Report year (repeatable).")] = None,
    province: Annotated[Values, typer.Option(help="Province (repeatable).")] = None,
    city: Annotated[Values, typer.Option(help="City (repeatable).")] = None,
    county: Annotated[Values, typer.Option(help="County or district (repeatable).")] = None,
    level: Annotated[Values, typer.Option(help="province, city, county, district…")] = None,
    section: Annotated[Values, typer.Option(help="Section key, e.g. problems_improvements.")] = None,
    kind: Annotated[Values, typer.Option(help="problem, improvement or other.")] = None,
    topic: Annotated[Values, typer.Option(help="Topic from configs/topics.yaml.")] = None,
    flag: Annotated[Values, typer.Option(help="has_error, has_warning, a rule id…")] = None,
    body: Annotated[Values, typer.Option(help="Issuing body.")] = None,
    facet: Annotated[Values, typer.Option(help=f"Facet to count: {', '.join(_FACET_NAMES)}.")] = None,
    sort: Annotated[Sort, typer.Option(help="relevance, year or region.")] = Sort.relevance,
    page_size: Annotated[int, typer.Option(help="Hits per page.")] = 10,
    page_token: Annotated[str | None, typer.Option(help="Token printed by the previous page.")] = None,
    backend: Annotated[BackendName | None, typer.Option(help="Search backend.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where the embedded database lives.")] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text or json.")
    ] = OutputFormat.text,
) -> None:
    """Search the indexed passages."""
    from indexer.backends import open_backend
    from indexer.query import SearchQuery

    settings = settings_for(backend=backend, data_dir=data_dir)
    filters = _filters(
        year=year, province=province, city=city, county=county, level=level,
        section=section, kind=kind, topic=topic, flag=flag, body=body,
    )  # fmt: skip
    try:
        request = SearchQuery.model_validate(
            {"text": query, "filters": filters, "facets": _facets(facet), "sort": sort.value,
             "page_size": page_size, "page_token": page_token}
        )  # fmt: skip
        search_backend = open_backend(settings, create=False)  # a read never creates an index
        try:
            result = search_backend.search(request)
        finally:
            search_backend.close()
    except GovReportError as exc:
        print(exc.describe(), file=sys.stderr)
        raise typer.Exit(code=2) from exc
    if output_format is OutputFormat.json:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(render_text(result, color=sys.stdout.isatty()))


def register(app: typer.Typer) -> None:
    app.command("search")(search_command)
