"""How ``govsearch serve`` runs uvicorn: an HTTP/1.1 protocol that accepts raw UTF-8 in the
request line.

People paste Chinese into curl (``curl 'http://…/api/search?q=政务公开'``), and curl sends those
bytes unencoded. RFC 9112 allows only ASCII in a request target, so both of uvicorn's parsers
(h11 and httptools/llhttp, measured) answer ``400 Invalid HTTP request received.``. Browsers
percent-encode before sending; this protocol does the same for every other client: bytes ≥ 0x80
in a request line are percent-encoded before h11 reads it, which is exactly what the client
should have sent, so the app sees ``q=政务公开``. Headers and bodies pass untouched.

It also closes a connection whose request's headers have not all arrived within
:data:`HEADER_SECONDS` of its opening or of the last answer. uvicorn times a connection out
only between requests (keep-alive, and only until the next request's first byte), so one that
opened and never finished its headers stayed open for good: a single client holding
20,000 such connections used up the server's file descriptors, and searches timed out until it
let go (QA pass 44b, slowloris). A client needs far less than this to send its headers; a
reverse proxy in front (README, "Deploying") should still limit connections per client.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

_HIGH = re.compile(rb"[\x80-\xff]")
HEADER_SECONDS = 20.0  # from connect to the end of the first request's headers


def escape_request_line(line: bytes) -> bytes:
    """``GET /s?q=政 HTTP/1.1`` → ``GET /s?q=%E6%94%BF HTTP/1.1`` (ASCII is left alone)."""
    return _HIGH.sub(lambda m: b"%%%02X" % m[0][0], line)


class Utf8TargetH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, percent-encoding non-ASCII bytes of each request line.

    A request line starts whenever h11 waits for a new request with nothing buffered, and ends
    at the first line feed; it may arrive split over several reads. (A request pipelined
    behind another one in the same read is left as sent: clients that pipeline encode URLs.)
    """

    _in_request_line = False
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._stop_header_timer()
        self._header_timer = self.loop.call_later(HEADER_SECONDS, self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        """No request's headers since the connection opened or the last answer went: they are
        still coming, or never will."""
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        # the next request's headers are timed too: uvicorn's keep-alive timer stops at the
        # first byte of them (QA pass 44c: one quick request, then a second one's headers
        # dripped for minutes, and the descriptors ran out as before)
        if not self.transport.is_closing():
            self._arm_header_timer()
        super().on_response_complete()  # (which may read a pipelined request at once)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not None and self.cycle is not before:  # a request's headers are in
            self._stop_header_timer()

    def data_received(self, data: bytes) -> None:
        if (
            not self._in_request_line
            and self.conn.their_state is h11.IDLE
            and not self.conn.trailing_data[0]
        ):
            self._in_request_line = True
        if self._in_request_line:
            end = data.find(b"\n")
            if end < 0:
                data = escape_request_line(data)
            else:
                data = escape_request_line(data[:end]) + data[end:]
                self._in_request_line = False
        super().data_received(data)


# What uvicorn says of the server's life at INFO, kept when its other INFO lines are not (the
# start banner is govsearch's own, and every request is the access log's): QA pass 47b found a
# worker killed and replaced, and a SIGTERM shutdown, without a line in the log.
_LIFECYCLE = re.compile(
    r"Child process \[\d+\] died|Terminated child process|Received SIG|Shutting down"
    r"|Started server process|Finished server process|Maximum request limit"
)


class LifecycleOnly(logging.Filter):
    """Warnings and errors, and uvicorn's lines on processes starting, dying and stopping."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or bool(_LIFECYCLE.search(record.getMessage()))


def log_config() -> dict[str, Any]:
    """uvicorn's own logging set-up, its server messages through :class:`LifecycleOnly`."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"lifecycle": {"()": LifecycleOnly}}
    config["handlers"]["default"]["filters"] = ["lifecycle"]
    return config
