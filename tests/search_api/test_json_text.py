"""A JSON body holding a lone surrogate is a clear 422 on every endpoint, never a 500 (QA pass
13: ``POST /api/duplicates`` ran the check and then failed to write its answer).

The real app over the ingested samples; the drafts are a sample's own text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search_api.jsonbody import lone_surrogate_at
from search_api.keys import KeyStore

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
DRAFT = (SAMPLES / "docs" / "govcn_policy" / "govcn_002.txt").read_text(encoding="utf-8")[:600]
ERROR_KEYS = {"code", "message", "status", "data"}
TEXT = json.dumps(DRAFT)  # the draft as a JSON string, escaped


def _with(rest: str) -> str:
    """A body ``{"text": <the draft>, <rest>}`` (``rest`` written as JSON text)."""
    return '{"text": ' + TEXT + (", " + rest if rest else "") + "}"


def _post(client, path: str, body: str | bytes, headers: dict | None = None):
    headers = {"Content-Type": "application/json", **(headers or {})}
    return client.post(path, content=body, headers=headers)


def _refused(r, field: str) -> None:
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert set(err) == ERROR_KEYS and err["code"] == "invalid_parameters"
    assert err["status"] == 422
    assert f"{field}: holds a lone surrogate" in err["message"], err
    assert err["data"]["problems"][0]["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (json.dumps({"text": DRAFT + "\ud800"}), "text"),  # the QA report's body
        (_with('"title": "关于\\ud800"'), "title"),
        (_with('"doc_number": "\\udfff号"'), "doc_number"),
        (_with('"\\ud800": 1'), "body"),  # in a key
        ('{"text": ["\\udc00"]}', "text.0"),
        ('"\\ud800"', "body"),
    ],
)
def test_lone_surrogate_in_a_duplicate_check_is_a_422(client, body, field):
    _refused(_post(client, "/api/duplicates", body), field)


def test_a_surrogate_sent_as_bytes_is_refused_too(client):
    body = json.dumps({"text": DRAFT}, ensure_ascii=False)
    raw = body.encode("utf-8").replace(b'"}', b'\xed\xa0\x80"}')  # ED A0 80: U+D800 encoded
    _refused(_post(client, "/api/duplicates", raw), "text")


def test_a_surrogate_pair_is_a_character_and_the_check_runs(client):
    body = json.dumps({"text": "😀" + DRAFT})  # escaped as \ud83d\ude00: one character
    assert "\\ud83d\\ude00" in body
    r = _post(client, "/api/duplicates", body)
    assert r.status_code == 200, r.text
    assert r.json()["candidates"], "the sample's own text finds the sample"


def test_not_json_is_still_the_route_s_own_answer(client):
    r = _post(client, "/api/duplicates", '{"text": "\\ud800')  # unterminated: not JSON
    assert r.status_code == 400 and "not valid JSON" in r.json()["error"]["message"], r.text


def test_staff_json_endpoints_refuse_it_the_same_way(client, samples_data):
    _, key = KeyStore(samples_data).create("json-text")
    staff = {"Authorization": f"Bearer {key}"}
    _refused(_post(client, "/api/ingest", '{"paths": ["a\\ud800"]}', staff), "paths.0")
    body = '{"paths": ["a"], "disclosure": "\\udbff"}'
    _refused(_post(client, "/api/ingest", body, staff), "disclosure")


@pytest.mark.parametrize(
    "path",
    [
        "/api/search?q=%ED%A0%80",
        "/api/search?q=%E6%9D%A1%E4%BE%8B&agency=%ED%A0%80",
        "/api/suggest?q=%ED%A0%80",
        "/api/pinyin?q=%ED%A0%80",
        "/api/documents/%ED%A0%80",
        "/?q=%ED%A0%80",
        "/documents/%ED%A0%80",
    ],
)
def test_a_surrogate_in_a_query_string_or_path_is_no_500(client, path):
    r = client.get(path)
    assert r.status_code in (200, 404, 422), r.text


def test_where_a_surrogate_is():
    assert lone_surrogate_at({"a": [1, {"b": "x\ud800"}]}) == "a.1.b"
    assert lone_surrogate_at({"a": "😀", "b": ["ok"]}) is None


BAD_KEYS = [{"X-API-Key": "gs_nope"}, {"Authorization": "Bearer gs_nope"},
            {"Authorization": "Token x"}, {"X-API-Key": ""}]  # fmt: skip


@pytest.mark.parametrize("headers", BAD_KEYS)
@pytest.mark.parametrize(
    "body",
    ['{"paths":["\\ud800"]}', '{"text": "\\ud800"}', '{"text": ', json.dumps({"text": DRAFT})],
)
def test_a_wrong_key_is_a_401_before_the_body_on_an_anonymous_route(client, headers, body):
    """QA pass 14: ``POST /api/duplicates`` (anonymous callers allowed) with a wrong key and a
    lone surrogate in the body was a 422, with a valid body a 401. A key that is there but does
    not pass is a 401 whatever the body, as on the staff routes; without a key the route runs
    for the public."""
    r = _post(client, "/api/duplicates", body, headers)
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "unauthorized"
    assert r.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ["/api/search?q=%E6%9D%A1%E4%BE%8B", "/api/pinyin?q=zhengce",
                                  "/api/life-events", "/api/health"])  # fmt: skip
def test_a_wrong_key_is_a_401_on_every_api_route(client, path):
    assert client.get(path).status_code == 200
    r = client.get(path, headers={"X-API-Key": "gs_nope"})
    assert r.status_code == 401, (path, r.text)


def test_without_a_key_or_with_a_valid_one_the_body_is_checked(client, samples_data):
    _refused(_post(client, "/api/duplicates", '{"text": "\\ud800"}'), "text")
    _, key = KeyStore(samples_data).create("json-text-dup")
    staff = {"X-API-Key": key}
    _refused(_post(client, "/api/duplicates", '{"text": "\\ud800"}', staff), "text")
    assert _post(client, "/api/duplicates", json.dumps({"text": DRAFT}), staff).status_code == 200
