"""GET /api/stats: what the backend holds (reports, passages, reports per year)."""

from __future__ import annotations

from fastapi import APIRouter

from indexer.backends import BackendStats
from search_api.deps import BackendDep
from search_api.models import ErrorBody

__all__ = ["router"]

router = APIRouter(tags=["stats"])


@router.get("/stats", response_model=BackendStats, responses={503: {"model": ErrorBody}})
def backend_stats(backend: BackendDep) -> BackendStats:
    return backend.stats()
