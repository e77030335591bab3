"""Sets the deadline of :mod:`search_index.deadline` for the requests a reader waits for.

Pages and API reads (``GET``/``HEAD``) get ``REQUEST_TIMEOUTS`` times the cluster's per-call
timeout in all. Reports, which walk the whole catalogue, and every write (an upload, an
ingest: a deadline met after their documents went in would answer 503 for work that was done)
are left without one, bounded by each call's own timeout.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from search_index.deadline import within

REQUEST_TIMEOUTS = 3  # the per-call timeouts one read request may spend in all
UNBOUNDED = ("/api/reports", "/reports")  # whole-catalogue walks


class RequestTime:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") not in ("GET", "HEAD")
            or path.startswith(UNBOUNDED)
        ):
            await self.app(scope, receive, send)
            return
        with within(self.seconds):
            await self.app(scope, receive, send)


def install_request_time(app: FastAPI, per_call_seconds: float) -> None:
    app.add_middleware(RequestTime, seconds=REQUEST_TIMEOUTS * per_call_seconds)
