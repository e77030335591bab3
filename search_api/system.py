"""``GET /api/health`` and ``GET /api/stats``."""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from model.errors import GovSearchError
from search_api.deps import IndexDep, SettingsDep, ViewerDep
from search_api.models import ErrorResponse, HealthResponse, StatsResponse
from search_index import citizen_words

router = APIRouter(prefix="/api", tags=["system"])


@router.get("/health", response_model=HealthResponse, response_model_exclude_unset=True,
            responses={503: {"model": HealthResponse}})  # fmt: skip
def health(
    index: IndexDep, viewer: ViewerDep, settings: SettingsDep
) -> dict[str, Any] | JSONResponse:
    """Up or down. Anonymous callers learn only that (and the backend's kind): the count of
    all documents would tell them how many are hidden, and paths and cluster URLs are the
    deployment's business. Staff see everything the backend reports."""
    try:
        state = index.backend.health()
        up = state.get("status") in ("ok", "green", "yellow")
        if "documents" in state and up:  # what the caller may see, as /api/stats counts it
            state["documents"] = index.count(viewer)
    except GovSearchError as exc:
        detail = {"error": exc.message} if viewer.staff else {"error": "backend unavailable"}
        return JSONResponse({"status": "unavailable", "backend": detail}, 503)
    if not viewer.staff:
        state = {"backend": state.get("backend", ""), "status": state.get("status", "")}
    body: dict[str, Any] = {"status": "ok" if up else "unavailable", "backend": state}
    if viewer.staff:  # the deployment's business, as the counts are
        body["writable"] = os.access(settings.data_dir, os.W_OK)
    return body if up else JSONResponse(body, 503)


@router.get("/ready", response_model=HealthResponse, response_model_exclude_unset=True,
            responses={503: {"model": HealthResponse}})  # fmt: skip
def ready(
    index: IndexDep, viewer: ViewerDep, settings: SettingsDep
) -> dict[str, Any] | JSONResponse:
    """Whether a load balancer may send searches here: up (as ``/api/health``) and done with
    its start-up reading (the synonym groups, the model, the pinyin lexicon), which made a
    restarted server's first search take 3 s while health already said ok (QA pass 47b).
    ``503`` with ``status: "starting"`` until then."""
    answer = health(index, viewer, settings)
    if isinstance(answer, JSONResponse):  # down
        return answer
    # (peek starts the lexicon's build in a thread if nothing has yet)
    if index.lexicon.peek() is not None and citizen_words.warmed():
        return answer
    return JSONResponse({**answer, "status": "starting"}, 503)


@router.get("/stats", response_model=StatsResponse, responses={503: {"model": ErrorResponse}})
def stats(index: IndexDep, viewer: ViewerDep) -> dict:
    return index.stats(viewer)
