"""The one error shape for failures no route catches: a recursion too deep is the client's
only where it happened while parsing JSON the client sent."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from starlette.requests import ClientDisconnect

from search_api.errors import install_error_handlers


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/parse")
    def parse() -> dict:
        return {"n": len(json.loads("[" * 200_000 + "]" * 200_000))}

    def ours(n: int) -> int:
        return ours(n + 1)

    @app.get("/ours")
    def recurse() -> dict:
        return {"n": ours(0)}

    return app


def test_deep_json_is_the_clients_400_and_our_own_recursion_a_logged_500(caplog):
    client = TestClient(_app(), raise_server_exceptions=False)
    r = client.get("/parse")
    assert r.status_code == 400, r.text
    assert r.json()["error"] == {"code": "bad_request", "status": 400, "data": {},
                                 "message": "the request body is nested too deeply"}  # fmt: skip
    r = client.get("/ours")
    assert r.status_code == 500, r.text
    assert r.json()["error"]["code"] == "internal_error"
    assert "nested" not in r.text
    assert any("recursion too deep" in rec.getMessage() for rec in caplog.records)


def test_a_client_gone_mid_body_is_no_logged_error(caplog):
    """QA pass 44c: a client dropping a slow upload was logged as "unexpected error" with a
    60-line traceback, twice: noise that hides real failures. It is an informational line.
    (The disconnect is raised where a real one arises, reading the body: Starlette raises
    ``ClientDisconnect`` when the server says the client left.)"""
    import logging

    app = _app()

    @app.post("/gone")
    async def gone(request: Request) -> dict:
        raise ClientDisconnect()

    client = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.INFO, logger="govsearch.api"):
        r = client.post("/gone", content=b"x")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    assert not any(rec.levelno >= logging.ERROR for rec in caplog.records)
    assert any("client disconnected" in rec.getMessage() for rec in caplog.records)
