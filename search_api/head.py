"""``HEAD`` on the API's ``GET`` routes: the ``GET`` answer's status and headers, no body.

HTTP asks every server that answers ``GET`` on a resource to answer ``HEAD`` the same way, and
uptime monitors probe with it: ``HEAD /api/health`` was a 405 (QA pass 17) while the pages,
whose routes list ``HEAD`` themselves, answered 200. A route of the API is written once, for
``GET``; this middleware runs a ``HEAD`` request for ``/api/…`` as that ``GET`` and sends its
status and headers (``Content-Length`` included, as the ``GET`` would send it) without the body.
A route with no ``GET`` answers ``405`` with its ``Allow`` header, as any other method does.
"""

from __future__ import annotations

from fastapi import FastAPI

from search_api.security import ASGIApp, Message, Receive, Scope, Send, is_api_request


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD" or not is_api_request(scope):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the rest of the body comes; only its end is sent, empty
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def install_head(app: FastAPI) -> None:
    """Wrap the app in :class:`HeadAsGet` (called once by ``create_app``, outermost)."""
    app.add_middleware(HeadAsGet)
