"""GET /api/compare: section-五 passages of a region, or of a set of bodies and years, as a body × topic
matrix with the passages of each cell, and the near-copies among them (copied from the same body's
earlier year, from a neighbour of the same year, or template language) with both passages, the score
and the shared text. No parameter: every body in the index. Every list is bounded by a parameter with
a maximum (max_reports, passages_per_cell, max_near_copies)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from search_api.comparing import compare_index
from search_api.deps import BackendDep
from search_api.models import CompareParams, CompareResponse, ErrorBody

__all__ = ["router"]

router = APIRouter(tags=["compare"])


@router.get(
    "/compare",
    response_model=CompareResponse,
    responses={400: {"model": ErrorBody}, 422: {"model": ErrorBody}, 503: {"model": ErrorBody}},
)
def compare(params: Annotated[CompareParams, Query()], backend: BackendDep) -> CompareResponse:
    """Who writes about what (bodies × topics) and which plans repeat another's, from the index."""
    return compare_index(backend, params)
