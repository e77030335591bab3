"""Security headers and a request-body limit on every response, as one pure ASGI middleware.

Why a middleware and not per-route code: a header forgotten on one route (an error page, a
static file, a 404 from the router) is exactly the page an attacker frames or sniffs, so the
headers are added at the one place every response passes through (but a 500, which Starlette
answers from outside every middleware: :func:`install_error_headers` adds them there).

* ``Content-Security-Policy`` allows scripts, styles and images from this origin only and no
  inline script at all: even if some document text ever escaped the HTML escaping, the browser
  would refuse to run it. The web pages are written for it (no inline scripts or handlers), and
  the API reference at ``/docs`` is server-rendered HTML instead of Swagger UI from a CDN.
* ``X-Content-Type-Options: nosniff`` stops a browser from running a served text as script;
  ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'`` stop click-jacking of kiosks;
  ``Referrer-Policy: no-referrer`` keeps a patron's query (it is in the URL) from leaking to
  other sites.
* Every answer depends on who asks (staff see non-public documents), so responses say
  ``Vary: Authorization, X-API-Key``, and an answer to a request that carries credentials is
  ``Cache-Control: no-store``: a shared cache must never hand a staff answer to the public;
  an anonymous answer that says nothing else is ``no-cache`` (asked for again before reuse, so a
  document withdrawn leaves caches too), and ``no-store`` on a reading-room terminal (a patron's
  suggestions are not kept on its disk for the next); static files keep their validators.
* A 401 names the scheme (``WWW-Authenticate: Bearer``).
* Request bodies larger than ``settings.max_upload_bytes`` (plus a little multipart framing)
  are refused with 413 in the one JSON error shape: by ``Content-Length`` when the body is
  first asked for, before anything of it is read (a 401 for a staff route comes first), and by
  counting when the body is streamed without one, so an upload can never fill the disk or the
  memory of the server.
"""

from __future__ import annotations

import html
import inspect
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request, Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)
# Multipart framing (boundaries, part headers, small metadata fields) on top of the file bytes.
BODY_OVERHEAD = 64 * 1024
DEFAULT_MAX_BODY = 20 * 1024 * 1024


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a streamed body passes the limit."""


def _settings(scope: Scope) -> object:
    """The app's settings, as the middleware sees the app (None before it has any)."""
    return getattr(getattr(scope.get("app"), "state", None), "settings", None)


def _kiosk(scope: Scope) -> bool:
    """Whether the app serves a reading-room terminal (``settings.kiosk``)."""
    return bool(getattr(_settings(scope), "kiosk", False))


def _has_credentials(scope: Scope) -> bool:
    for name, _ in scope.get("headers", ()):
        if name in (b"authorization", b"x-api-key"):
            return True
    return False


def _error_body(limit: int) -> bytes:
    # the setting's own value, as configured (QA pass 20: the limit with the framing allowance
    # added, 21037056, matched no setting anyone made)
    message = (
        f"request body is larger than GOVSEARCH_MAX_UPLOAD_BYTES ({limit - BODY_OVERHEAD} "
        f"bytes) plus {BODY_OVERHEAD} bytes of form framing"
    )
    body = {"error": {"code": "payload_too_large", "message": message, "status": 413,
                      "data": {"limit": limit}}}  # fmt: skip
    return json.dumps(body).encode("utf-8")


API_PATHS = ("/api", "/openapi.json")  # answered in the API's JSON error shape; the rest are pages


def is_api_path(path: str) -> bool:
    """Whether ``path`` (inside the app, without a proxy's root_path) is the API's; slashes
    doubled at its start are one (QA pass 45b: //api/search, a client's base URL ending in /,
    was answered with the HTML 404 page)."""
    path = "/" + path.lstrip("/")
    return any(path == p or path.startswith(p + "/") for p in API_PATHS)


def _own_path(scope: Scope) -> str:
    """A request's path, a proxy's root_path taken off."""
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", "")).rstrip("/")
    if root and path.startswith(root + "/"):
        path = path[len(root) :]
    return path


def is_api_request(scope: Scope) -> bool:
    """:func:`is_api_path` of a request's path, a proxy's root_path taken off."""
    return is_api_path(_own_path(scope))


def _is_page(scope: Scope) -> bool:
    """Whether the request is for a page (the duplicate check's and the reports' forms), not
    the API: a person who posts a file too large is shown a page, not JSON (QA pass 16)."""
    return not is_api_request(scope)


def _page_body(scope: Scope, limit: int) -> bytes:
    # written here, not by the web's templates: the body is refused before any route runs
    back = html.escape(str(scope.get("root_path", "")).rstrip("/") + str(scope.get("path", "/")))
    mb = max(1, (limit - BODY_OVERHEAD) // 1024 // 1024)
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>内容过大</title></head><body><main><h1>内容过大</h1>"
        f"<p>上传的内容过大：最多 {mb} MB。没有保存任何内容。</p>"
        f'<p><a href="{back}">返回重新选择文件</a></p></main></body></html>'
    ).encode()


def declared_length(scope: Scope) -> int:
    """The request's ``Content-Length`` (0 when none or unreadable)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


class SecurityMiddleware:
    """Adds the security headers to every HTTP response and enforces the body size limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @staticmethod
    def limit(scope: Scope) -> int:
        upload = int(getattr(_settings(scope), "max_upload_bytes", DEFAULT_MAX_BODY))
        return upload + BODY_OVERHEAD

    @staticmethod
    def _headers(scope: Scope, message: Message, static: bool = False) -> None:
        """``static``: a static file's answer, decided before the app ran (a mount rewrites
        the scope's root_path as it routes)."""
        headers: list[tuple[bytes, bytes]] = list(message.get("headers", ()))
        present = {name.lower() for name, _ in headers}
        for name, value in SECURITY_HEADERS:
            if name.encode() not in present:
                headers.append((name.encode(), value.encode()))
        vary = [v for n, v in headers if n.lower() == b"vary"]
        headers = [(n, v) for n, v in headers if n.lower() != b"vary"]
        merged = ", ".join([v.decode("latin-1") for v in vary] + ["Authorization, X-API-Key"])
        headers.append((b"vary", merged.encode("latin-1")))
        if _has_credentials(scope) or (_kiosk(scope) and not static):
            # ... and on a reading-room terminal nothing a patron asked is kept on its disk for
            # the next (QA pass 37b: the suggestions' and pinyin's answers were no-cache)
            headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
            headers.append((b"cache-control", b"no-store"))
        elif b"cache-control" not in present and not static:
            # anonymous answers are asked for again before reuse: a document withdrawn is gone
            # from a browser's or a proxy's copy too (QA pass 34b: no Cache-Control at all)
            headers.append((b"cache-control", b"no-cache"))
        if message.get("status") == 401 and b"www-authenticate" not in present:
            headers.append((b"www-authenticate", b'Bearer realm="govsearch"'))
        message["headers"] = headers

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        page = _is_page(scope)
        body = _page_body(scope, limit) if page else _error_body(limit)
        start: Message = {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8" if page else b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
        self._headers(scope, start)
        await send(start)
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = declared_length(scope)
        static = _own_path(scope).startswith("/static/")
        state = {"received": 0, "too_large": False, "started": False}

        async def limited_receive() -> Message:
            if declared > limit:
                # refused when the body is first asked for, nothing of it read: a route that
                # answers before reading (the staff gate's 401 to a caller without a key: QA
                # pass 27b got 413, which told an anonymous caller the limit) answers first
                raise BodyTooLarge()
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["too_large"] = True
                    raise BodyTooLarge()
            return message

        async def secured_send(message: Message) -> None:
            if state["too_large"]:
                # Whatever the app made of the interrupted body (a 400 from the form parser),
                # the caller is told the real reason once, below.
                return
            if message["type"] == "http.response.start":
                state["started"] = True
                self._headers(scope, message, static)
            await send(message)

        try:
            await self.app(scope, limited_receive, secured_send)
        except BodyTooLarge:
            state["too_large"] = True
        if state["too_large"] and not state["started"]:
            await self._refuse(scope, send, limit)


def install_security(app: FastAPI) -> None:
    """Wrap the app in :class:`SecurityMiddleware` (called once by ``create_app``)."""
    app.add_middleware(SecurityMiddleware)


def install_error_headers(app: FastAPI) -> None:
    """The security headers on a 500's answer too: Starlette answers an unexpected error from
    outside every middleware, where :class:`SecurityMiddleware` never sees it (QA pass 51b: a
    500 carried none of them). Called once every handler is installed: it wraps the last."""
    handler = app.exception_handlers.get(Exception)
    if handler is None:
        return

    async def secured(request: Request, exc: Exception) -> Response:
        answer = handler(request, exc)
        response: Response = await answer if inspect.isawaitable(answer) else answer
        start: Message = {"status": response.status_code, "headers": response.raw_headers}
        SecurityMiddleware._headers(request.scope, start)  # as every other answer gets them
        response.raw_headers[:] = start["headers"]  # (in place: response.headers reads it)
        response.headers["cache-control"] = "no-store"  # (an error is never kept)
        return response

    app.add_exception_handler(Exception, secured)


# what a page of another origin may send and read: searches and documents by GET (a staff
# key too, as a header), and the export's counts
CORS_METHODS = ("GET", "HEAD")
CORS_HEADERS = ("Authorization", "X-API-Key")
CORS_EXPOSED = ("X-Total-Count", "X-Exported-Count")


def install_cors(app: FastAPI, origins: tuple[str, ...]) -> None:
    """Let the pages of ``origins`` (``Settings.cors_origins``) read the API's answers from a
    browser: Starlette's CORS middleware, GET and HEAD only, never with cookies (the API
    keeps none; a staff key is a header the page sends). No origins: no CORS headers, as
    before, so a browser keeps other sites' pages from reading the answers."""
    if not origins:
        return
    from starlette.middleware.cors import CORSMiddleware

    app.add_middleware(
        CORSMiddleware, allow_origins=list(origins), allow_methods=list(CORS_METHODS),
        allow_headers=list(CORS_HEADERS), expose_headers=list(CORS_EXPOSED), max_age=600,
    )  # fmt: skip
