"""API routes check the key before anything reads the request's body.

A staff route declares its key check as a dependency (``search_api.deps.require_staff``), but
FastAPI solves dependencies only after it has parsed a JSON body, and the lone-surrogate check
(:mod:`search_api.jsonbody`) runs before the app at all: an anonymous ``POST /api/ingest`` with
a malformed body was answered ``422`` (QA pass 13), telling a caller without a key how the
endpoint validates what it is sent instead of that it needs a key. So this middleware finds the
route a request is for, as the router will, and when that route depends on ``require_staff``
runs the same two dependencies (:func:`get_viewer`, :func:`require_staff`) first: a missing,
malformed, wrong or revoked key is a ``401`` in the one error shape, whatever the body. An
authorised request goes on unchanged, through every check of the body as before.

Every other API route (one under ``/api/``, anonymous callers allowed) is gated the same way
for a request that carries a key header: a key that is there but wrong, revoked or malformed is
a ``401`` before the body is read (QA pass 14: ``POST /api/duplicates`` with a wrong key and a
lone surrogate in the body was a ``422``, with a valid body a ``401``; ``/api/pinyin``, which
never asks who calls, answered a wrong key with a ``200``). Without a key header such a route
runs for the public, as before.

Which routes are gated is read from the routes' own dependencies, so a staff route added later
is gated without being listed here; the routes are those of the routers ``create_app`` includes,
matched as the router matches them (FastAPI's own routing table is not public API, and its
shape changed across the versions this project accepts). Web forms that carry the key in the
body itself (the report and duplicate pages) cannot be gated before it is read and are not:
their routes do not depend on ``require_staff``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Match

from model.errors import GovSearchError
from search_api.deps import get_viewer, require_staff
from search_api.errors import govsearch_response
from search_api.security import (
    ASGIApp,
    Receive,
    Scope,
    SecurityMiddleware,
    Send,
    declared_length,
)


def _depends_on(dependant: Dependant, call: Callable[..., Any]) -> bool:
    stack = [dependant]
    while stack:
        item = stack.pop()
        if item.call is call:
            return True
        stack.extend(item.dependencies)
    return False


def needs_staff(route: BaseRoute) -> bool:
    """Whether ``route`` refuses callers without a staff key (it depends on ``require_staff``,
    by its router's dependencies or its own)."""
    return isinstance(route, APIRoute) and _depends_on(route.dependant, require_staff)


def is_api(route: BaseRoute) -> bool:
    """Whether ``route`` is one of the API's (under ``/api/``): the README's promise that a
    wrong key is a 401 is the API's, not the reference page's at ``/docs``."""
    return isinstance(route, APIRoute) and route.path.startswith("/api/")


class StaffGate:
    """Answers 401 before a route reads its body: for a staff route when the key does not
    pass, for any other API route when a key is sent and does not pass."""

    def __init__(self, app: ASGIApp, routers: Sequence[APIRouter] = ()) -> None:
        self.app = app
        self._routers = tuple(routers)
        self._routes: list[tuple[BaseRoute, bool]] | None = None  # built at the first request

    def _matched(self, scope: Scope) -> tuple[BaseRoute, bool] | None:
        """The route a request is for and whether it needs staff, or None (not one of ours)."""
        if self._routes is None:
            self._routes = [(r, needs_staff(r)) for rt in self._routers for r in rt.routes]
        for route, staff in self._routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:  # the first full match is the route the router will run
                return route, staff
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        matched = self._matched(scope) if scope["type"] == "http" else None
        if matched is not None and (matched[1] or is_api(matched[0])):
            try:
                request = Request(scope)
                # a key sent that does not pass: 401. Checked off the event loop: on
                # Elasticsearch it is a request to the cluster, and a hung cluster held every
                # request of the server behind it (QA pass 35a: three staff requests answered
                # at 10, 20 and 30 s, /api/health at 30 s)
                keyed = any(k in (b"authorization", b"x-api-key") for k, _ in scope["headers"])
                viewer = (
                    await run_in_threadpool(get_viewer, request) if keyed else get_viewer(request)
                )
                if matched[1]:
                    require_staff(viewer)
            except GovSearchError as exc:  # the key not passed: not staff
                await govsearch_response(exc, staff=False)(scope, receive, send)
                return
        if matched is not None and declared_length(scope) > SecurityMiddleware.limit(scope):
            # the key passed: a body declared over the limit is refused now, before the route
            # answers anything else (a 415 for its type); the security middleware refuses it
            # when it is first asked for, which is here (it reads nothing)
            await receive()
        await self.app(scope, receive, send)


def install_staff_gate(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    """Wrap the app in :class:`StaffGate` over ``routers``, the routers the app includes (in
    the order it includes them, without a prefix of its own: their routes are matched as they
    are). Call after ``install_json_check`` (so the key is checked before the body is) and
    before ``install_security`` (whose headers, such as ``WWW-Authenticate``, its 401 then
    carries)."""
    app.add_middleware(StaffGate, routers=routers)


SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "a staff API key"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
               "description": "the same key, in this header instead"},
}  # fmt: skip


def install_security_schema(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    """The staff key in ``/openapi.json``: the two headers it may come in as security schemes,
    required on the staff routes and optional on the other API routes (a key there shows what
    staff may see). QA pass 27b: the spec declared no scheme, so a client generated from it
    knew nothing of the key. Call after the routes are added."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = build()
        spec.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        required = [{"bearer": []}, {"apiKey": []}]
        for route in (r for rt in routers for r in rt.routes):  # as StaffGate matches them
            if not is_api(route) or not isinstance(route, APIRoute):
                continue
            item = spec.get("paths", {}).get(route.path, {})
            for method in route.methods or ():
                op = item.get(method.lower())
                if op is not None:
                    op["security"] = required if needs_staff(route) else [{}, *required]
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
