"""GET /api/findings: every stored lint finding, filtered by rule, severity, region, level, year and
issuing body, with counts by rule and severity (and by each report facet), paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from indexer.query import FacetBucket
from search_api.catalog import check_page, matching_findings
from search_api.deps import BackendDep, SettingsDep
from search_api.display import without_paths
from search_api.models import ErrorBody, FindingList, FindingListParams

__all__ = ["router"]

router = APIRouter(tags=["findings"])


@router.get(
    "/findings",
    response_model=FindingList,
    responses={400: {"model": ErrorBody}, 422: {"model": ErrorBody}, 503: {"model": ErrorBody}},
)
def list_findings(
    params: Annotated[FindingListParams, Query()], backend: BackendDep, settings: SettingsDep
) -> FindingList:
    """Findings with their report's metadata, cells and evidence, in region order."""
    check_page(params.page, params.page_size, cap=settings.page_size_cap)
    found, facets = matching_findings(backend, params)
    start = (params.page - 1) * params.page_size
    return FindingList(
        total=len(found),
        page=params.page,
        page_size=params.page_size,
        findings=[without_paths(f, [f.source]) for f in found[start : start + params.page_size]],
        facets={name: [FacetBucket.model_validate(b) for b in buckets] for name, buckets in facets.items()},
    )
