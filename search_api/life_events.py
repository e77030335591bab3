"""``GET /api/life-events`` and ``GET /api/life-events/{id}``: the life-event way in
(:mod:`search_index.life_events`) for other front ends, with the same counts the pages show."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi import Path as P
from fastapi import Query as Q

from search_api.deps import IndexDep, LifeEventsDep, ViewerDep
from search_api.models import ErrorResponse, LifeEventModel, LifeEventsResponse
from search_index import life_events

router = APIRouter(prefix="/api", tags=["life events"])


@router.get("/life-events", response_model=LifeEventsResponse, response_model_exclude_none=True)
def list_events(events: LifeEventsDep) -> dict:
    """Every life event with its questions (no counts: that would be a search per question)."""
    return {
        "events": [
            {
                "id": e.id,
                "name": e.name,
                "summary": e.summary,
                "questions": [{"text": q.text, "q": q.q} for q in e.questions],
            }
            for e in events
        ]
    }


@router.get(
    "/life-events/{event_id}",
    response_model=LifeEventModel,
    responses={404: {"model": ErrorResponse}},
)
def one_event(
    index: IndexDep,
    viewer: ViewerDep,
    events: LifeEventsDep,
    event_id: Annotated[str, P(max_length=32)],
    script: Annotated[
        Literal["", "hans", "hant", "hant-hk"],
        Q(description="the script the reader reads, as on /api/search: hant ranks Taiwan's "
                      "documents a little ahead, hant-hk neither side's (default: as each "
                      "question is written)"),
    ] = "",
) -> dict:
    """One event; each question with ``total``, the results its search gives the caller."""
    event = life_events.find(events, event_id)
    return {
        "id": event.id,
        "name": event.name,
        "summary": event.summary,
        "questions": [
            {
                "text": a.question.text,
                "q": a.question.q,
                "total": a.total,
                "top": [t._asdict() for t in a.top],
            }
            for a in life_events.answered(index, event, viewer, script=script)
        ],
    }
