"""GET /api/health: 200 when the backend answers, 503 (BACKEND_UNAVAILABLE) when it does not."""

from __future__ import annotations

from fastapi import APIRouter

from search_api.deps import BackendDep
from search_api.models import ErrorBody, HealthResponse

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse, responses={503: {"model": ErrorBody}})
def health(backend: BackendDep) -> HealthResponse:
    stats = backend.stats()
    return HealthResponse(status="ok", backend=stats.backend, reports=stats.reports, passages=stats.passages)
