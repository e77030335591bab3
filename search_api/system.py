"""``GET /api/health`` and ``GET /api/stats``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from model.errors import GovSearchError
from search_api.deps import IndexDep, ViewerDep
from search_api.models import ErrorResponse, HealthResponse, StatsResponse

router = APIRouter(prefix="/api", tags=["system"])


@router.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
def health(index: IndexDep, viewer: ViewerDep):
    try:
        state = index.backend.health()
        if "documents" in state:  # what the caller may see, as /api/stats counts it
            state["documents"] = index.count(viewer)
    except GovSearchError as exc:
        return JSONResponse({"status": "unavailable", "backend": {"error": exc.message}}, 503)
    ok = state.get("status") in ("ok", "green", "yellow")
    body = {"status": "ok" if ok else "unavailable", "backend": state}
    return body if ok else JSONResponse(body, 503)


@router.get("/stats", response_model=StatsResponse, responses={503: {"model": ErrorResponse}})
def stats(index: IndexDep, viewer: ViewerDep) -> dict:
    return index.stats(viewer)
