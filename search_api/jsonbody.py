"""JSON request bodies must hold text that is Unicode: a lone surrogate is a 422, at one place.

Python's ``json`` reads ``"\\ud800"`` (and the bytes ``ED A0 80``) as a lone surrogate, a code
point that is no character and that no encoder writes: ``POST /api/duplicates`` with
``{"text": "关于养老保险的通知\\ud800"}`` ran the whole check and then failed to write its answer,
a 500 (QA pass 13), while ``POST /api/ingest`` answered a 422 because pydantic refused the
string. So every JSON body is read here first, for every route and any to come, and one that
holds a lone surrogate — in a value or a key, at any depth — is answered ``422
invalid_parameters`` in the one error shape, naming where it is, before any route runs. A body
that is not JSON at all is passed on as it came: each route says what it expected.

Query strings and forms need no such check: Starlette decodes their percent-escapes as UTF-8
with replacement characters (``q=%ED%A0%80`` reads ``���``), never as surrogates.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI

from search_api.errors import error_json
from search_api.security import ASGIApp, Message, Receive, Scope, Send


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            ctype = value.decode("latin-1").split(";")[0].strip().lower()
            return ctype == "application/json" or (
                ctype.startswith("application/") and ctype.endswith("+json")
            )
    return False


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def lone_surrogate_at(value: Any) -> str | None:
    """Where in a parsed JSON value a string (or key) holds a lone surrogate ("text",
    "paths.0", "body" for the value itself), or None when every string is Unicode."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return path or "body"
        elif isinstance(item, dict):
            for key, inner in item.items():
                where = f"{path}.{key}" if path else str(key)
                if not _encodable(key):
                    return path or "body"
                stack.append((where, inner))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), x) for i, x in enumerate(item))
    return None


class JsonTextMiddleware:
    """Refuses a JSON body holding a lone surrogate with a 422 before the app sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:  # the size limit is the security middleware's, around this one
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        where = _surrogate_in(body)
        if where is not None:
            problem = (
                "holds a lone surrogate (such as \\ud800), which is no character: "
                "send the text as valid Unicode"
            )
            response = error_json(
                422,
                "invalid_parameters",
                f"invalid request parameters: {where}: {problem}",
                problems=[{"field": where, "problem": problem}],
            )
            await response(scope, receive, send)
            return
        await self.app(scope, _replay([body], None, receive), send)


# A surrogate escape (\\ud800-\\udfff) or a surrogate's UTF-8 bytes (ED A0-BF): only a body
# holding one is parsed here. Clients that escape all non-ASCII (Python's json.dumps) send
# \\u4e2d for every Chinese character, which is no reason to parse the body twice.
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _surrogate_in(body: bytes) -> str | None:
    if _MAYBE_SURROGATE.search(body) is None:
        return None  # no surrogate escape and no encoded surrogate: nothing to parse for
    try:
        return lone_surrogate_at(json.loads(body))
    except (ValueError, RecursionError):
        return None  # not JSON (or nested too deeply): the route says what it expected


def _replay(bodies: list[bytes], first: Message | None, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read already (or the message that ended it), then
    whatever the client sends next (a disconnect)."""
    pending: list[Message] = [
        {"type": "http.request", "body": b, "more_body": False} for b in bodies
    ]
    if first is not None:
        pending.append(first)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


def install_json_check(app: FastAPI) -> None:
    """Wrap the app in :class:`JsonTextMiddleware`; call before ``install_security`` so that the
    body it reads is counted against the size limit."""
    app.add_middleware(JsonTextMiddleware)
