"""``govsearch serve``'s HTTP protocol on a real socket: uvicorn with
:class:`govsearch.http_server.Utf8TargetH11Protocol`, on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI

from govsearch import http_server


@pytest.fixture
def port(monkeypatch) -> Iterator[int]:
    monkeypatch.setattr(http_server, "HEADER_SECONDS", 1.0)
    app = FastAPI()

    @app.get("/ping")
    def ping(q: str = "") -> dict[str, str]:
        return {"q": q}

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free, log_level="warning",
                                           http=http_server.Utf8TargetH11Protocol))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield free
    server.should_exit = True
    thread.join(timeout=10)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False


def test_headers_that_never_end_are_cut_off(port: int) -> None:
    """QA pass 44b (slowloris): a connection that never finished its first request's headers
    stayed open for good (400 s and counting), and 20,000 of them from one client used up the
    server's file descriptors. It is closed after ``HEADER_SECONDS`` (1 s here); a client that
    sends its request in time is answered, and then kept alive as before."""
    slow = socket.create_connection(("127.0.0.1", port))
    slow.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n")  # no blank line: headers never end
    prompt = socket.create_connection(("127.0.0.1", port))
    time.sleep(0.5)
    prompt.sendall("GET /ping?q=政务 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    prompt.settimeout(5)
    answer = prompt.recv(4096)
    assert answer.startswith(b"HTTP/1.1 200") and "政务".encode() in answer
    assert _closed_within(slow, 5), "the slow connection was left open"
    # the prompt one is answered again after the header time: its timer was stopped
    time.sleep(1.2)
    prompt.sendall(b"GET /ping?q=again HTTP/1.1\r\nHost: x\r\n\r\n")
    assert prompt.recv(4096).startswith(b"HTTP/1.1 200")
    slow.close()
    prompt.close()
