"""GET /api/search: passages matching words, "phrases", -exclusions and exact-value filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from indexer.query import SearchResult
from search_api.deps import BackendDep
from search_api.display import display_source
from search_api.models import ErrorBody, SearchParams

__all__ = ["router"]

router = APIRouter(tags=["search"])


@router.get(
    "/search",
    response_model=SearchResult,
    responses={400: {"model": ErrorBody}, 422: {"model": ErrorBody}, 503: {"model": ErrorBody}},
)
def search_passages(params: Annotated[SearchParams, Query()], backend: BackendDep) -> SearchResult:
    """Hits (highlighted), requested facet counts and an opaque `next_page_token`. Filters of one
    name are OR-ed, different names AND-ed. The backend checks every value (GovReportError → 400).
    Each hit names its file relative to the server's folder (or by its name), never by its absolute path."""
    result = backend.search(params.to_query())
    hits = [hit.model_copy(update={"source": display_source(hit.source)}) for hit in result.hits]
    return result.model_copy(update={"hits": hits})
