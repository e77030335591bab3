"""An access log for operators, without what citizens searched for.

QA pass 38c: an operator who saw 500s at the proxy had nothing on the server to look at. With
``GOVSEARCH_ACCESS_LOG`` (a file, or ``-`` for standard error; ``serve --access-log``) each
request is one line in the Common Log Format that log tools read, plus the milliseconds it
took::

    127.0.0.1 - - [06/Dec/2026:19:30:00 +0000] "GET /api/search?… HTTP/1.1" 200 5120 12.4

The query string is never written, only whether there was one (``?…``): a search's words with
the address that typed them are personal (the query log, an opt-in of its own, keeps searches
without addresses). A file is reopened when log rotation moves it (``WatchedFileHandler``), and
the workers of ``serve --workers N`` append to one file, a line per write.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import time
from pathlib import Path

from fastapi import FastAPI

from model.errors import ConfigError
from search_api.security import ASGIApp, Message, Receive, Scope, Send

LOGGER = "govsearch.access"


class AccessLog:
    def __init__(self, app: ASGIApp, logger: logging.Logger) -> None:
        self.app, self.logger = app, logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        answer = {"status": 0, "bytes": 0}

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body":
                answer["bytes"] += len(message.get("body", b""))
            await send(message)

        unanswered = 499  # the client went away before an answer (nginx's code for it)
        try:
            await self.app(scope, receive, counted)
        except BaseException:
            unanswered = 500  # what the server's outermost handler sends for it
            raise
        finally:
            status = answer["status"] or unanswered
            self.logger.info(line(scope, status, answer["bytes"], time.perf_counter() - start))


def line(scope: Scope, status: int, size: int, seconds: float) -> str:
    client = scope.get("client")
    host = client[0] if client else "-"
    path = scope.get("raw_path") or scope.get("path", "").encode()
    target = path.decode("latin-1").split("?", 1)[0] + ("?…" if scope.get("query_string") else "")
    when = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())
    version = scope.get("http_version", "1.1")
    return (f'{host} - - [{when}] "{scope.get("method", "-")} {target} HTTP/{version}" '
            f"{status} {size or '-'} {seconds * 1000:.1f}")  # fmt: skip


def _handler(where: str) -> logging.Handler:
    if where == "-":
        return logging.StreamHandler(sys.stderr)
    path = Path(where)
    try:
        return logging.handlers.WatchedFileHandler(path, encoding="utf-8")
    except OSError as exc:
        # (QA pass 51f: named only the variable to an operator who gave --access-log)
        raise ConfigError(f"cannot write the access log to {where} ({exc.strerror or exc}; "
                          "set by --access-log or GOVSEARCH_ACCESS_LOG)") from None  # fmt: skip


def install_access_log(app: FastAPI, where: str) -> None:
    """Log every request to ``where`` (a file, or ``-``); nothing when it is empty. Installed
    last, outermost, so a line's time and status are what the client got."""
    if not where:
        return
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # not into uvicorn's or the root logger's stream a second time
    handler = _handler(where)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for old in list(logger.handlers):  # an app built twice in one process (tests) logs once
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    app.add_middleware(AccessLog, logger=logger)
