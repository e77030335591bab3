"""How ``govsearch serve`` runs uvicorn: an HTTP/1.1 protocol that accepts raw UTF-8 in the
request line.

People paste Chinese into curl (``curl 'http://…/api/search?q=政务公开'``), and curl sends those
bytes unencoded. RFC 9112 allows only ASCII in a request target, so both of uvicorn's parsers
(h11 and httptools/llhttp, measured) answer ``400 Invalid HTTP request received.``. Browsers
percent-encode before sending; this protocol does the same for every other client: bytes ≥ 0x80
in a request line are percent-encoded before h11 reads it, which is exactly what the client
should have sent, so the app sees ``q=政务公开``. Headers and bodies pass untouched.
"""

from __future__ import annotations

import re

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

_HIGH = re.compile(rb"[\x80-\xff]")


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
