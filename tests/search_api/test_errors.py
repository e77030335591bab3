"""The one error shape for failures no route catches: a recursion too deep is the client's
only where it happened while parsing JSON the client sent."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

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
