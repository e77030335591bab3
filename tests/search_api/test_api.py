"""The JSON API over the bundled samples: shapes, limits, errors."""

from __future__ import annotations

import csv
import re

import pytest

from tests.search_api.conftest import SAMPLES

ERROR_KEYS = {"code", "message", "status", "data"}


def _catalog() -> list[dict[str, str]]:
    with open(SAMPLES / "catalog.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_search_shape_and_snippets(client):
    r = client.get("/api/search", params={"q": "政府信息公开", "size": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 1 and len(body["hits"]) <= 5
    assert set(body["facets"]) >= {"category", "agency", "year"}
    hit = body["hits"][0]
    for key in ("id", "path", "title", "snippet", "score", "category", "agency", "doc_number",
                "date", "validity"):
        assert key in hit
    assert "<mark>" in hit["snippet"] + hit["title_html"]
    assert not hit["path"].startswith("/")


def test_traditional_query_is_converted_and_says_so(client):
    r = client.get("/api/search", params={"q": "個人資料"}).json()
    assert r["understood"]["converted_script"] is True
    assert r["understood"]["normalized"] == "个人资料"


def test_documents_roundtrip_with_highlight(client):
    hit = client.get("/api/search", params={"q": "条例"}).json()["hits"][0]
    doc = client.get(f"/api/documents/{hit['id']}", params={"q": "条例"}).json()
    assert doc["id"] == hit["id"] and doc["text"]
    assert "<mark>" in doc["text_html"]


def test_error_shape_is_pinned(client):
    cases = [
        client.get("/api/search", params={"size": 1000}),
        client.get("/api/search", params={"q": "x" * 501}),
        client.get("/api/search", params={"date_from": "2020-02-30"}),
        client.get("/api/search", params={"sort": "random"}),
        client.get("/api/search", params={"validity": "bogus"}),  # was 0 results, no word why
        client.get("/api/documents/0123456789abcdef"),
        client.get("/api/no-such-route"),
    ]
    statuses = [r.status_code for r in cases]
    assert statuses == [422, 422, 422, 422, 422, 404, 404]
    assert {"valid", "expired", "repealed", "有效"} <= set(
        re.split(r"[\s|()/;:]+", cases[4].json()["error"]["message"])
    )  # the values it takes
    for r in cases:
        err = r.json()["error"]
        assert set(err) == ERROR_KEYS and err["status"] == r.status_code and err["message"]


def test_filter_values_mean_what_they_mean_on_the_page(client):
    """QA pass 8: validity=有效 worked on the page and was a 422 here; disclosure=bogus gave a
    200 with nothing found; year=0 found the undated documents here and was "invalid" on the
    page; page=10001&size=1 was a 422 and page=5001&size=2 a 400, for one limit."""
    search = lambda **p: client.get("/api/search", params=p)  # noqa: E731
    valid = search(validity="valid").json()["total"]
    assert search(validity="有效").json()["total"] == valid > 0
    assert search(disclosure="bogus").status_code == 422
    assert search(disclosure="主动公开").status_code == 200
    undated = search(year=0, size=100).json()
    assert undated["total"] > 0 and all(not h["date"] for h in undated["hits"])
    page = client.get("/?year=0")
    assert page.status_code == 200 and "年份：无日期" in page.text and "无效" not in page.text
    assert f"共找到 <strong>{undated['total']}</strong>" in page.text.replace(",", "")
    for bad in (5, 999, 10000):
        r = search(year=bad)
        assert r.status_code == 422 and "year" in r.json()["error"]["message"]
    assert search(page=10001, size=1).status_code == search(page=5001, size=2).status_code == 400


def test_an_unknown_category_is_a_422_as_an_unknown_validity_is(client, samples_data):
    """QA pass 13: category=bogus answered 200 with nothing found (search and the timeliness
    report) where validity=bogus is a 422; year=20190 was told "less than or equal to 0; …"."""
    search = lambda **p: client.get("/api/search", params=p)  # noqa: E731
    for params in ({"category": "bogus"}, {"validity": "bogus"},
                   {"category": ["政策法规", "政策"]}):  # fmt: skip
        r = search(q="条例", **params)
        assert r.status_code == 422, (params, r.text)
        err = r.json()["error"]
        assert err["code"] == "invalid_parameters"
        assert next(iter(params)) in err["message"], err
    assert "政策法规" in search(category="bogus").json()["error"]["message"]  # the values
    assert search(q="条例", category="政策法规").json()["total"] > 0
    for bad in (20190, 5, 10000):
        err = search(year=bad).json()["error"]
        assert err["message"] == (
            "invalid request parameters: year.0: a year is four digits (1000–9999), or 0 for "
            f"the documents with no date; got {bad}"
        ), err
    from search_api.keys import KeyStore

    _, key = KeyStore(samples_data).create("category")
    staff = {"Authorization": f"Bearer {key}"}
    r = client.get("/api/reports/timeliness?category=bogus", headers=staff)
    assert r.status_code == 422 and "category" in r.json()["error"]["message"], r.text
    assert client.get("/api/reports/timeliness?category=其他", headers=staff).status_code == 200
    # the pages: a note on the search page, the report form says so (a 400 with the form)
    page = client.get("/", params={"q": "条例", "category": "bogus"})
    assert page.status_code == 200 and "分类“bogus”无效，已忽略" in page.text
    assert "共找到" in page.text and _total(page.text) == search(q="条例").json()["total"]
    form = client.post("/reports/timeliness", data={"key": key, "category": "bogus"})
    assert form.status_code == 400 and "不是已有的分类" in form.text


def test_a_filter_value_in_traditional_script_is_that_value(client, samples_data):
    """QA pass 13: category=政策法規 (Traditional) was a 422 "unknown category"; the script is
    folded as the text is (OpenCC) before the lookup, for every enumerated filter, on the API,
    the search page and the report form. Unknown values stay refused."""
    search = lambda **p: client.get("/api/search", params=p)  # noqa: E731
    for typed, simplified in (
        ({"category": "政策法規"}, {"category": "政策法规"}),
        ({"category": "業務文件"}, {"category": "业务文件"}),
        ({"validity": "廢止"}, {"validity": "废止"}),
        ({"validity": "現行有效"}, {"validity": "valid"}),
        ({"disclosure": "主動公開"}, {"disclosure": "public"}),
        ({"disclosure": "主动公開"}, {"disclosure": "主动公开"}),  # the scripts mixed
    ):
        r = search(**typed)
        assert r.status_code == 200, (typed, r.text)
        expected = search(**simplified).json()
        assert r.json()["total"] == expected["total"] > 0, typed
        assert [h["id"] for h in r.json()["hits"]] == [h["id"] for h in expected["hits"]]
    for bad in ({"category": "政策"}, {"category": "政策法規X"}, {"validity": "廢"}):
        r = search(**bad)
        assert r.status_code == 422 and "unknown" in r.json()["error"]["message"], bad
    # the schema lists the Traditional forms beside the others
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    (listed,) = [a for a in params["category"]["schema"]["anyOf"] if a["type"] == "array"]
    assert "政策法規" in listed["items"]["pattern"] and "政策法规" in listed["items"]["pattern"]
    # the page reads it as the category, without a note
    page = client.get("/", params={"q": "条例", "category": "政策法規"})
    assert page.status_code == 200 and "无效" not in page.text
    assert _total(page.text) == search(q="条例", category="政策法规").json()["total"] > 0
    page = client.get("/", params={"q": "条例", "validity": "已廢止"})
    assert "无效" not in page.text
    assert _total(page.text) == search(q="条例", validity="repealed").json()["total"]
    # the timeliness report (API and form) too
    from search_api.keys import KeyStore

    _, key = KeyStore(samples_data).create("traditional")
    staff = {"Authorization": f"Bearer {key}"}
    report = lambda c: client.get(  # noqa: E731
        "/api/reports/timeliness", params={"category": c}, headers=staff
    )
    assert report("政策法規").status_code == 200
    assert report("政策法規").json() == report("政策法规").json()
    form = client.post("/reports/timeliness", data={"key": key, "category": "政策法規"})
    assert form.status_code == 200, form.text


def _total(page: str) -> int:
    import re

    return int(re.search(r"共找到\s*(?:<[^>]+>)?\s*([\d,]+)", page).group(1).replace(",", ""))


def test_dates_are_written_yyyy_mm_dd(client):
    """A number is not a date: pydantic read 1546300800 as Unix time (2019-01-01, silently)."""
    for value in ("20190101", "1546300800", "2019/01/01"):
        r = client.get("/api/search", params={"date_from": value})
        assert r.status_code == 422 and "YYYY-MM-DD" in r.json()["error"]["message"], value
    assert client.get("/api/search", params={"date_from": "2019-01-01"}).status_code == 200
    # an empty box of a form (date_from=&date_to=) is no date, as an empty agency= is no filter
    everything = client.get("/api/search", params={"q": "条例"}).json()["total"]
    r = client.get("/api/search?q=条例&date_from=&date_to=%20")
    assert r.status_code == 200 and r.json()["total"] == everything


def test_hidden_document_is_exactly_like_a_missing_one(client):
    hidden = [row for row in _catalog() if row.get("disclosure") not in ("", "public")]
    assert hidden
    found = client.get("/api/search", params={"q": hidden[0]["title"], "size": 100}).json()
    assert all(h["disclosure"] == "public" for h in found["hits"])
    missing = client.get("/api/documents/0123456789abcdef")
    assert missing.status_code == 404


def test_a_bar_is_or_with_or_without_spaces(client):
    """养老|失业 was one more word to match (QA pass 5); it is 养老 OR 失业, as with spaces."""

    def total(q: str) -> int:
        return client.get("/api/search", params={"q": q}).json()["total"]

    either = total("养老 OR 失业")
    assert either > max(total("养老"), total("失业"))
    assert total("养老|失业") == total("养老 | 失业") == total("养老｜失业") == either


def test_filter_values_are_bounded(client):
    """A 60,000-character agency= held a server for seconds while q is capped at 500 (QA pass
    5): a filter value is at most 200 characters, a 422 on the API, a note on the page."""
    r = client.get("/api/search", params={"q": "条例", "agency": "x" * 201})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_parameters"
    r = client.get("/api/search", params={"q": "条例", "category": "类" * 201})
    assert r.status_code == 422
    assert client.get("/api/search", params={"q": "条例", "agency": "x" * 200}).status_code == 200
    page = client.get("/", params={"q": "条例", "agency": "x" * 60_000})
    assert page.status_code == 200 and "过长，已忽略" in page.text


def test_paging_limits(client):
    assert client.get("/api/search", params={"page": 200, "size": 100}).status_code == 400
    assert client.get("/api/search", params={"page": 2, "size": 3}).status_code == 200


def test_health_stats_suggest(client):
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["backend"]["backend"] == "embedded"
    stats = client.get("/api/stats").json()
    public = sum(1 for row in _catalog() if row.get("disclosure", "public") in ("", "public"))
    assert stats["documents"] >= public
    sug = client.get("/api/suggest", params={"q": "中华人民"}).json()
    assert sug["q"] == "中华人民" and isinstance(sug["suggestions"], list)


def test_ready_says_when_a_started_server_has_read_ahead(client):
    """QA pass 47b: /api/health said ok 4.6 s after a restart and the first search then took
    3.1 s: a load balancer had no signal for "warmed". /api/ready is 503 ``starting`` while
    the server reads its query-side data ahead, 200 once it is done."""
    import time

    from search_index import citizen_words

    for _ in range(600):  # the client's app started reading ahead when it was made
        r = client.get("/api/ready")
        if r.status_code == 200:
            break
        assert r.json()["status"] == "starting", r.text
        time.sleep(0.1)
    assert r.status_code == 200 and r.json()["status"] == "ok", r.text
    citizen_words._warmed.clear()  # as while a start's reading is under way
    try:
        r = client.get("/api/ready")
        assert r.status_code == 503 and r.json()["status"] == "starting", r.text
        assert client.get("/api/health").status_code == 200  # up all the same
    finally:
        citizen_words._warmed.set()


def test_pinyin_input_method_words(client):
    """``/api/pinyin``: the kiosk's input method (words of public documents for letters)."""
    r = client.get("/api/pinyin", params={"q": "zhengfu"})
    assert r.status_code == 200
    body = r.json()
    assert body["q"] == "zhengfu" and body["words"][0] == "政府"
    assert "人民政府" in client.get("/api/pinyin", params={"q": "rmzf"}).json()["words"]
    assert client.get("/api/pinyin", params={"q": "政府"}).json()["words"] == []
    assert client.get("/api/pinyin", params={"q": "zhengfu", "limit": 2}).json()["words"]
    assert len(client.get("/api/pinyin", params={"q": "z", "limit": 3}).json()["words"]) == 3
    for bad in ({"q": "a" * 61}, {"q": "zf", "limit": 0}, {"q": "zf", "limit": 31}):
        assert client.get("/api/pinyin", params=bad).status_code in (400, 422), bad
    searched = client.get("/api/search", params={"q": "zhengfu tiaoli"}).json()
    assert searched["understood"]["pinyin_words"]["zhengfu"][0] == "政府"
    # words typed apart that spell one word of the documents are that word (QA pass 36a)
    joined = client.get("/api/search", params={"q": "zhengfu xinxi"}).json()
    assert joined["understood"]["pinyin_words"]["zhengfu'xinxi"][0] == "政府信息"


def test_filters_by_category_and_date(client):
    r = client.get(
        "/api/search",
        params={"category": "政策法规", "date_from": "2010-01-01", "date_to": "2019-12-31"},
    ).json()
    assert r["total"] > 0
    for h in r["hits"]:
        assert h["category"] == "政策法规" and "2010-01-01" <= h["date"] <= "2019-12-31"


def test_the_spec_describes_what_is_sent(client):
    """QA pass 8: every response carried did_you_mean, which the schema lacked, and a 422 was
    documented as FastAPI's {detail: [...]} while the body is the one error shape."""
    spec = client.get("/openapi.json").json()
    assert "did_you_mean" in spec["components"]["schemas"]["SearchResponse"]["properties"]
    ref = {"$ref": "#/components/schemas/ErrorResponse"}
    unprocessable = [
        op["responses"]["422"] for item in spec["paths"].values() for op in item.values()
        if "422" in op.get("responses", {})
    ]  # fmt: skip
    assert unprocessable and all(
        r["content"]["application/json"]["schema"] == ref for r in unprocessable
    )
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    r = client.get("/api/documents/" + "a" * 65)
    assert r.status_code == 422 and set(r.json()) == {"error"}
    # every status a route answers is declared (QA pass 38b: 422 and 401 on health, stats and
    # life events, 415 on PATCH, 429 on a document, were not)
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if path.startswith("/api/"):
                assert {"401", "422"} <= set(op["responses"]), (method, path)
            if "requestBody" in op:
                assert {"400", "413", "415"} <= set(op["responses"]), (method, path)
    assert "429" in spec["paths"]["/api/documents/{doc_id}"]["get"]["responses"]
    for url, status in (("/api/health?foo=1", 422), ("/api/stats?foo=1", 422),
                        ("/api/life-events?foo=1", 422)):  # fmt: skip
        assert client.get(url).status_code == status, url
    assert client.get("/api/health", headers={"Authorization": "Bearer gs_bad"}).status_code == 401


def test_an_index_removed_under_a_running_server_is_503_not_500(samples_data, tmp_path):
    """QA pass 9: with the index folder deleted under it, /api/health answered 500 ("internal
    error") where a monitor expects 503 "unavailable"; searches too."""
    import shutil

    from fastapi.testclient import TestClient

    from govsearch.app import create_app
    from model.settings import Settings

    data = tmp_path / "data"
    shutil.copytree(samples_data, data)
    with TestClient(create_app(Settings(data_dir=data)), raise_server_exceptions=False) as c:
        assert c.get("/api/health").status_code == 200
        shutil.rmtree(data / "index")
        health = c.get("/api/health")
        assert health.status_code == 503 and health.json()["status"] == "unavailable"
        search = c.get("/api/search", params={"q": "政府"})
        assert search.status_code == 503
        assert search.json()["error"]["code"] == "backend_unavailable"


@pytest.mark.parametrize("name", ["category", "agency", "validity", "year", "disclosure"])
def test_an_empty_filter_is_no_filter(client, name):
    """QA pass 13: ``validity=`` (an HTML form's empty select) was a 422; an empty value, or
    one of spaces, is no filter, on the API and the search page alike, beside a real value of
    another filter too."""
    everything = client.get("/api/search", params={"q": "条例"}).json()
    for value in ("", " ", "\u3000"):
        r = client.get("/api/search", params={"q": "条例", name: value})
        assert r.status_code == 200, (value, r.text)
        assert r.json()["total"] == everything["total"] > 0
    some = {"q": "条例", "category": "政策法规"}
    narrowed = client.get("/api/search", params=some).json()["total"]
    both = client.get("/api/search", params=[*some.items(), (name, "")])
    assert both.status_code == 200 and both.json()["total"] == narrowed < everything["total"]
    page = client.get("/", params={"q": "条例", name: ""})
    assert page.status_code == 200 and "无效" not in page.text
    assert _total(page.text) == everything["total"]


def test_a_form_with_every_filter_empty_searches_everything(client):
    """The search page's form and a hand-made one send every filter, empty when not chosen."""
    empty = "&".join(f"{n}=" for n in ("category", "agency", "validity", "year", "disclosure",
                                       "date_from", "date_to"))  # fmt: skip
    everything = client.get("/api/search?q=条例").json()["total"]
    r = client.get(f"/api/search?q=条例&{empty}")
    assert r.status_code == 200 and r.json()["total"] == everything
    page = client.get(f"/?q=条例&{empty}")
    assert "无效" not in page.text and _total(page.text) == everything
    # and the numbers: an empty page= or size= is the default (QA pass 38b: a 422)
    r = client.get(f"/api/search?q=条例&{empty}&page=&size=&sort=")
    assert r.status_code == 200 and (r.json()["page"], r.json()["size"]) == (1, 10)
    assert client.get("/?q=条例&page=&size=").status_code == 200


def test_an_agency_of_only_punctuation_is_refused_not_ignored(client):
    """QA pass 10: agency=、 (or a lone bracket, a dash) filtered nothing and answered every
    document, where a validity no document holds is refused."""
    for value in ("、", "（", "——", " 、 "):
        res = client.get("/api/search", params={"q": "", "agency": value})
        assert res.status_code == 422, res.text  # the schema says what an agency is
        assert res.json()["error"]["code"] == "invalid_parameters"
    # an empty agency= is no filter, not one naming nothing (QA pass 13; an HTML form's box)
    assert client.get("/api/search", params={"agency": "國務院"}).status_code == 200


def test_a_parameter_the_route_does_not_take_is_refused_not_ignored(client):
    """QA pass 15: ``catgory=政策法规`` (a typo) searched every category and ``format=csv`` on
    search answered JSON: a parameter the route does not read was dropped without a word. It
    is a 422 naming it and what the route takes; left empty it asks for nothing (a form's box);
    the pages, which a link from elsewhere may reach with tracking parameters, still ignore it."""
    r = client.get("/api/search", params={"q": "条例", "catgory": "政策法规"})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "invalid_parameters"
    assert err["data"]["problems"][0]["field"] == "catgory"
    assert "unknown parameter; /api/search takes " in err["message"]
    assert "category" in err["message"]
    assert client.get("/api/suggest", params={"q": "社", "format": "csv"}).status_code == 422
    assert client.get("/api/health", params={"verbose": "1"}).status_code == 422
    everything = client.get("/api/search", params={"q": "条例"}).json()["total"]
    blank = client.get("/api/search", params={"q": "条例", "catgory": ""})
    assert blank.status_code == 200 and blank.json()["total"] == everything
    page = client.get("/", params={"q": "条例", "utm_source": "weixin"})
    assert page.status_code == 200 and _total(page.text) == everything


def test_a_parameter_given_two_values_or_bytes_no_utf8_are_refused_not_guessed(client):
    """QA pass 22: ``size=3&size=5`` and ``q=养老&q=医疗`` answered for the last value without a
    word, and ``q=%E5%85%BB%FF`` searched 养 and a replacement character; each is a 422 naming
    what was wrong. A parameter that takes several values (category) and a repeat of the same
    value are read as before."""
    for query, field in (("q=养老&size=3&size=5", "size"), ("q=养老&q=医疗", "q"),
                         ("q=养老&sort=date_desc&sort=date_asc", "sort"),
                         ("q=%E5%85%BB%FF", "query string"), ("q=%FF%FE", "query string")):
        r = client.get("/api/search?" + query)
        assert r.status_code == 422, (query, r.text)
        err = r.json()["error"]
        assert err["code"] == "invalid_parameters"
        assert err["data"]["problems"][0]["field"] == field, (query, err)
    r = client.get("/api/documents/abc%FF")
    assert r.status_code == 422 and "UTF-8" in r.json()["error"]["message"]
    # named as the path's, not the query's (QA pass 36b)
    assert r.json()["error"]["data"]["problems"][0]["field"] == "URL path", r.text
    once = client.get("/api/search", params={"q": "条例"}).json()["total"]
    assert client.get("/api/search?q=条例&q=条例").json()["total"] == once
    both = client.get("/api/search?q=条例&category=政策法规&category=业务文件")
    assert both.status_code == 200
    # an empty one is another value too: the last one read, q=养老&q= listed every document
    # and searched nothing (QA pass 36b)
    for query in ("q=养老&q=", "q=条例&sort=date_desc&sort=", "q=条例&size=&size=3"):
        assert client.get("/api/search?" + query).status_code == 422, query


def test_an_empty_sort_is_the_default_order(client):
    """QA pass 14: ``sort=`` (a form's empty select) was a 422; it is relevance, as an empty
    filter is no filter."""
    default = client.get("/api/search", params={"q": "条例"}).json()
    for value in ("", " "):
        r = client.get("/api/search", params={"q": "条例", "sort": value})
        assert r.status_code == 200, r.text
        assert [h["id"] for h in r.json()["hits"]] == [h["id"] for h in default["hits"]]
    assert client.get("/api/search", params={"q": "条例", "sort": "newest"}).status_code == 422


def test_head_is_answered_where_get_is_and_a_405_says_what_is_allowed(client):
    """QA pass 17: ``HEAD /api/health`` (an uptime monitor's probe) was a 405 while the pages
    answered HEAD, and the 405 carried no ``Allow`` header. HEAD is the GET's status and headers
    without the body; a 405 says which methods the route takes."""
    plain = {"Accept-Encoding": "identity"}  # compressed, took_ms's digits move more bytes
    for url in ("/api/health", "/api/search?q=条例", "/api/documents/" + "0" * 16):
        got, head = client.get(url, headers=plain), client.head(url, headers=plain)
        assert head.status_code == got.status_code and head.content == b"", url
        # the length the GET sends (a search's took_ms may differ by a digit)
        assert abs(int(head.headers["content-length"]) - len(got.content)) < 8, url
        assert head.headers["content-type"] == got.headers["content-type"], url
        # ... and its encoding, to a client that takes gzip
        zipped = client.get(url), client.head(url)
        assert zipped[0].headers.get("content-encoding") == zipped[1].headers.get(
            "content-encoding"
        ), url
    wrong = client.put("/api/search")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, HEAD"
    assert wrong.json()["error"]["code"] == "method_not_allowed"
    assert client.delete("/api/health").headers["allow"] == "GET, HEAD"
    # every route at the address, not the first the router met (QA pass 38b: PUT on a
    # document said GET, HEAD, where PATCH and DELETE are routes of their own)
    for method, url, allow in (("PUT", "/api/documents/" + "0" * 16, "GET, HEAD, PATCH, DELETE"),
                               ("POST", "/api/documents/" + "0" * 16, "GET, HEAD, PATCH, DELETE"),
                               ("PUT", "/api/reports/queries", "GET, HEAD, DELETE")):  # fmt: skip
        r = client.request(method, url)
        assert r.status_code == 405 and r.headers["allow"] == allow, (method, url, r.headers)
        assert r.json()["error"]["message"] == (
            f"{method} is not allowed here; this address takes {allow}")


def test_a_trailing_slash_is_said_on_the_api_and_dropped_on_a_page(client):
    """QA pass 38b: /api/documents/ was a 307 to /api/documents, a POST-only route (405), and
    /api/search/ one to the search. An API address is what it is: a 404 naming the address
    without the slash. A page's is the page (a 301 keeping the query)."""
    for url, bare in (("/api/search/?q=条例", "/api/search"),
                      ("/api/documents/" + "0" * 16 + "/", "/api/documents/" + "0" * 16)):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 404 and r.json()["error"]["message"] == (
            f"no such address; without the trailing slash: {bare}"), url
    # ... and what that address takes where it is not this method (QA pass 42b: GET
    # /api/documents/ was sent to /api/documents, which takes POST only)
    r = client.get("/api/documents/", follow_redirects=False)
    assert r.status_code == 404 and r.json()["error"]["message"] == (
        "no such address; /api/documents, without the trailing slash, takes POST")
    r = client.get("/reports/?year=2019", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/reports?year=2019"
    assert client.get("/kiosk/", follow_redirects=False).headers["location"] == "/kiosk"


def test_the_api_is_same_origin_as_the_readme_says(client):
    """README (HTTP API): no CORS headers, a preflight is a 405, no cache validators (QA pass
    22 asked; the answer is documented and held here)."""
    r = client.get("/api/search", params={"q": "条例"}, headers={"Origin": "https://app.example"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
    assert "etag" not in r.headers and "last-modified" not in r.headers
    pre = client.options("/api/search", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "GET"})  # fmt: skip
    assert pre.status_code == 405 and "access-control-allow-origin" not in pre.headers


def test_a_repealed_hit_says_repealed_and_keeps_the_catalogues_word():
    """QA passes 33a and 33b: validity=repealed listed hits whose ``validity`` said "valid"
    (the catalogue's), while the pages said 已废止."""
    from search_index.request import Repeal, with_repeal

    repeal = Repeal(id="r", title="民法典", date="2020-05-28", statement="同时废止")
    assert with_repeal({"validity": "valid"}, repeal) == {
        "validity": "repealed", "catalogue_validity": "valid"
    }
    kept = {"validity": "valid", "catalogue_validity": ""}
    assert with_repeal({"validity": "valid"}, None) == kept
    assert with_repeal({"validity": "repealed"}, repeal)["catalogue_validity"] == ""
    # a validity nothing stated is no word of the catalogue's to keep (QA pass 48d)
    assert with_repeal({"validity": "valid", "validity_stated": False}, repeal) == {
        "validity": "repealed", "catalogue_validity": "", "validity_stated": True}



def test_answers_are_gzipped_for_clients_that_accept_it(client):
    """QA pass 38b: 26 KB of JSON for 20 hits went uncompressed whatever the client accepted.
    ``Content-Length`` is the size sent; the client decodes the body it read."""
    params = {"q": "政务公开", "size": 20}
    plain = client.get("/api/search", params=params, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    packed = client.get("/api/search", params=params, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["vary"]
    assert "Authorization" in packed.headers["vary"]  # the security headers' Vary is kept
    assert packed.json()["hits"] == plain.json()["hits"]  # took_ms aside
    assert int(packed.headers["content-length"]) < len(plain.content) / 2


def test_a_chosen_facet_keeps_its_other_values_counted(client):
    """QA pass 38b: with category=年度报告 the category facet listed 年度报告 alone, so a second
    value (the page's links add one; a field's values are ORed) took a search to see. A facet
    is counted with every filter but its own; the other facets are counted with all."""
    search = lambda **p: client.get("/api/search", params={"q": "政务公开", **p}).json()  # noqa: E731
    counts = lambda body, f: {v["value"]: v["count"] for v in body["facets"][f]}  # noqa: E731
    every = search()
    categories = counts(every, "category")
    assert len(categories) >= 2
    chosen = max(categories, key=categories.get)
    one = search(category=chosen)
    assert one["total"] == categories[chosen] < every["total"]
    assert counts(one, "category") == categories  # its siblings, as if nothing were chosen
    assert sum(counts(one, "year").values()) <= one["total"] < sum(counts(every, "year").values())
    # two facets chosen: each counted under the other's filter, never its own
    year = next(y for y, _ in counts(one, "year").items())
    both = search(category=chosen, year=year)
    assert counts(both, "category") == counts(search(year=year), "category")
    assert counts(both, "year") == counts(one, "year")
    # the values ORed: a second category adds its results, as its count said
    other = next(c for c in categories if c != chosen)
    assert search(category=[chosen, other])["total"] == categories[chosen] + categories[other]


def test_a_searchs_results_export_as_a_spreadsheet_in_their_order(client):
    """QA pass 42b: a researcher building a list of documents across years and agencies had
    no way to take it away (the only CSVs were the staff reports). The export is the search's
    own results, in their order, every page of them up to its limit, for the same viewer."""
    params = {"q": "", "sort": "date_desc"}  # every public document: more than a page
    pages = [client.get("/api/search", params={**params, "size": 100, "page": p}).json()
             for p in (1, 2)]  # fmt: skip
    total = pages[0]["total"]
    assert total > 100  # so that the export reads a second page
    ids = [h["id"] for page in pages for h in page["hits"]]
    r = client.get("/api/export", params={**params, "limit": 150, "page": 7, "size": 3})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="govsearch-export.csv"' in r.headers["content-disposition"]
    head = "\ufeff编号,标题,文号,发布机构,分类,成文日期,发布日期,有效性,索引号,链接"
    assert r.text.startswith(head)
    rows = list(csv.reader(r.text.lstrip("\ufeff").splitlines()))[1:]
    assert [row[0] for row in rows] == ids[:150]  # page and size are not read
    assert all(row[9].endswith("/documents/" + row[0]) for row in rows)
    assert {row[7] for row in rows} <= {"有效", "已失效", "已废止", "未注明", ""}
    whole = client.get("/api/export", params={**params, "format": "json"}).json()
    assert whole["total"] == total and whole["exported"] == min(total, 1000)
    over = client.get("/api/export", params={"q": "条例", "limit": 1001})
    assert over.status_code == 403 and "staff key" in over.json()["error"]["message"]
    assert (r.headers["x-total-count"], r.headers["x-exported-count"]) == (str(total), "150")
    # the viewer's documents only: a level but public is for staff, as on the search
    hidden = client.get("/api/export", params={"q": "条例", "disclosure": "不予公开"})
    assert hidden.status_code == 403


def test_an_export_says_repealed_where_search_does(tmp_path):
    """QA pass 45b: a rule a later document repeals, catalogued 有效, was 有效 in the export
    (66 of 146 rows of validity=repealed) where search, the filter and the document say
    已废止."""
    from fastapi.testclient import TestClient

    from govsearch.app import create_app
    from model.settings import Settings
    from pipeline.run import run_ingest
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from tests.corpus import REPEAL_LAWS, catalogued_laws

    folder, catalog = catalogued_laws(tmp_path, REPEAL_LAWS)
    data = tmp_path / "data"
    index = SearchIndex(EmbeddedIndex(data))
    assert not run_ingest(index, [folder], catalog=catalog, workers=1, lexicon_dir=data).failed
    index.close()
    with TestClient(create_app(Settings(data_dir=data))) as c:
        found = c.get("/api/search", params={"q": "契税", "validity": "repealed"}).json()
        listed = c.get("/api/export", params={"q": "契税", "validity": "repealed",
                                              "format": "json"}).json()  # fmt: skip
        table = c.get("/api/export", params={"q": "契税", "validity": "repealed"}).text
        page = c.get(f"/documents/{found['hits'][0]['id']}").text
    assert "本文已废止" in page and "目录中的有效性未随之更改" not in page  # no catalogue said one
    hit = found["hits"][0]
    # the catalogue has no 有效性 column: no word of its own to keep (QA pass 48d: "valid",
    # the value a text nothing describes is filed under), and the repeal states it
    assert (hit["validity"], hit["catalogue_validity"], hit["validity_stated"]) == (
        "repealed", "", True)
    assert [(r["id"], r["validity"]) for r in listed["documents"]] == [(hit["id"], "repealed")]
    assert "已废止" in table and ",有效," not in table


def test_a_staff_export_says_each_rows_disclosure(client, samples_data):
    """QA pass 45a: with a key the export held drafts and withheld documents among the public
    ones, and no column told them apart. A staff export has 公开方式; the public's has not."""
    from search_api.keys import KeyStore

    _, key = KeyStore(samples_data).create("export")
    staff = {"Authorization": f"Bearer {key}"}
    params = {"q": "", "sort": "date_desc", "format": "json"}
    levels = {"主动公开", "依申请公开", "不予公开", "草稿"}
    found = client.get("/api/export", params=params, headers=staff).json()["documents"]
    held = [r for r in found if r["disclosure"] != "public"]
    assert held and {r["disclosure"] for r in found} > {"public"}
    table = client.get("/api/export", params={**params, "format": "csv"}, headers=staff).text
    rows = list(csv.reader(table.lstrip("\ufeff").splitlines()))
    assert rows[0][-2:] == ["公开方式", "链接"]
    assert {r[-2] for r in rows[1:]} <= levels and len({r[-2] for r in rows[1:]}) > 1
    public = client.get("/api/export", params=params).json()["documents"]
    assert public and all("disclosure" not in r for r in public)
    # staff may list more than the public's 1,000 (QA pass 45a: the catalogue's 4,978 政策法规
    # could not be listed at once); the samples hold fewer, so every one is listed
    whole = client.get("/api/export", params={**params, "limit": 5000}, headers=staff)
    assert whole.status_code == 200 and whole.json()["exported"] == whole.json()["total"]
    assert client.get("/api/export", params={**params, "limit": 10001}, headers=staff
                      ).status_code == 422  # fmt: skip


def test_an_id_in_capitals_is_the_id(client):
    """QA pass 42b: a document's id upper-cased (a link passed through a tool that does so)
    was a 404."""
    hit = client.get("/api/search", params={"q": "条例", "size": 1}).json()["hits"][0]
    doc = client.get(f"/api/documents/{hit['id'].upper()}")
    assert doc.status_code == 200 and doc.json()["id"] == hit["id"]
    assert client.get("/api/documents/" + "G" * 16).status_code == 404


def test_a_searchs_newest_results_are_an_atom_feed(client):
    """QA pass 42b: no way to follow a topic's new documents. The feed is the search's newest
    results (newest first whatever ``sort`` says), each entry the document's title, address,
    issuer and date, its text escaped."""
    import xml.etree.ElementTree as ET

    newest = client.get("/api/search", params={"q": "条例", "sort": "date_desc", "size": 20})
    r = client.get("/api/feed", params={"q": "条例", "sort": "relevance", "page": 3})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(r.content)
    assert feed.tag == f"{atom}feed" and "条例" in feed.findtext(f"{atom}title")
    entries = feed.findall(f"{atom}entry")
    hits = newest.json()["hits"]
    assert [e.findtext(f"{atom}id").rsplit("/", 1)[1] for e in entries] == [h["id"] for h in hits]
    first, hit = entries[0], hits[0]
    assert first.findtext(f"{atom}title") == hit["title"]
    assert first.findtext(f"{atom}updated") == f"{hit['date']}T00:00:00Z"
    assert first.find(f"{atom}link").get("href").endswith(f"/documents/{hit['id']}")
    assert "<mark>" not in (first.findtext(f"{atom}summary") or "")
    assert feed.findtext(f"{atom}updated") == f"{hit['date']}T00:00:00Z"
    # a filtered feed's title says its filters (QA pass 45a: one agency's was 全部文件)
    agency = hit["agency"]
    narrowed = ET.fromstring(client.get("/api/feed", params={"agency": agency}).content)
    assert narrowed.findtext(f"{atom}title") == f"govsearch：全部文件（发布机构：{agency}）（最新）"


def test_exports_and_feeds_link_to_the_public_address_not_the_hosts(samples_data):
    """QA pass 44c: the links an export or a feed carries away were built from the request's
    Host header (Host: evil.example → http://evil.example/documents/…). With
    GOVSEARCH_PUBLIC_URL they start with the address readers reach, whatever Host says; a
    value that is no such address stops the start."""
    import xml.etree.ElementTree as ET

    from fastapi.testclient import TestClient

    from govsearch.app import create_app
    from model.errors import ConfigError
    from model.settings import Settings

    public = "https://zwgk.example.gov.cn/search/"
    env = {"GOVSEARCH_DATA_DIR": str(samples_data), "GOVSEARCH_PUBLIC_URL": public[:-1]}
    app = create_app(Settings.from_env(env))
    evil = {"Host": "evil.example"}
    with TestClient(app) as c:
        rows = c.get("/api/export", params={"q": "条例", "format": "json", "limit": 3},
                     headers=evil).json()["documents"]  # fmt: skip
        feed = ET.fromstring(c.get("/api/feed", params={"q": "条例"}, headers=evil).content)
    assert rows and all(r["url"].startswith(public + "documents/") for r in rows)
    atom = "{http://www.w3.org/2005/Atom}"
    links = [e.get("href") for e in feed.iter(f"{atom}link")]
    assert links and all(h.startswith(public) for h in links), links
    assert feed.findtext(f"{atom}id").startswith(public + "api/feed?q=")
    for bad in ("zwgk.example.gov.cn", "ftp://x/", "https://u:p@x/", "https://x/?a=1"):
        with pytest.raises(ConfigError, match="GOVSEARCH_PUBLIC_URL"):
            Settings.from_env({"GOVSEARCH_PUBLIC_URL": bad})
    # unset, the request's own address, as before
    with TestClient(create_app(Settings(data_dir=samples_data))) as c:
        row = c.get("/api/export", params={"q": "条例", "format": "json", "limit": 1}).json()
    assert row["documents"][0]["url"].startswith("http://testserver/documents/")


def test_a_portals_page_on_another_origin_may_read_the_api(samples_data):
    """QA pass 45b: a portal's search box on its own host could not call the API from a
    browser (no CORS setting). GOVSEARCH_CORS_ORIGINS names the origins whose pages may: GET
    and HEAD, a staff key as a header, the export's counts readable; other origins, and every
    origin without the setting, get no CORS header, so the browser keeps their pages out."""
    from fastapi.testclient import TestClient

    from govsearch.app import create_app
    from model.errors import ConfigError
    from model.settings import Settings

    portal = "https://portal.example.gov.cn"
    env = {"GOVSEARCH_DATA_DIR": str(samples_data), "GOVSEARCH_CORS_ORIGINS": f" {portal}/ ,"}
    with TestClient(create_app(Settings.from_env(env))) as c:
        r = c.get("/api/search", params={"q": "条例"}, headers={"Origin": portal})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == portal
        r = c.get("/api/export", params={"q": "条例", "limit": 2}, headers={"Origin": portal})
        exposed = r.headers["access-control-expose-headers"]
        assert "X-Total-Count" in exposed and "X-Exported-Count" in exposed
        other = c.get("/api/search", params={"q": "条例"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        pre = c.options("/api/search", headers={
            "Origin": portal, "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        })  # fmt: skip
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == portal
        assert "authorization" in pre.headers["access-control-allow-headers"].lower()
        post = c.options("/api/documents", headers={
            "Origin": portal, "Access-Control-Request-Method": "POST",
        })  # fmt: skip
        assert post.status_code == 400  # no uploads from another origin's page
    with TestClient(create_app(Settings(data_dir=samples_data))) as c:
        r = c.get("/api/search", params={"q": "条例"}, headers={"Origin": portal})
        assert "access-control-allow-origin" not in r.headers
    # ... nor a wildcard inside a name, a port past 65535 or a line break, which no browser's
    # origin matches: the server started and refused the portal meant (QA pass 47a)
    for bad in ("portal.example.gov.cn", "https://portal.example.gov.cn/search", "ftp://x",
                "https://*.example.gov.cn", "https://a.gov.cn:99999", "https://a.gov.cn\r\nx",
                "https://a_b.gov.cn", "https://a.gov.cn,*"):  # fmt: skip
        with pytest.raises(ConfigError, match="GOVSEARCH_CORS_ORIGINS"):
            Settings.from_env({"GOVSEARCH_CORS_ORIGINS": bad})
    kept = Settings.from_env({"GOVSEARCH_CORS_ORIGINS": "https://[::1]:8443,http://127.0.0.1:3000"})
    assert kept.cors_origins == ("https://[::1]:8443", "http://127.0.0.1:3000")
    # as a browser sends an origin: lower case, no default port (QA pass 47c: these matched none)
    loud = Settings.from_env({"GOVSEARCH_CORS_ORIGINS": "HTTPS://Portal.Example.GOV.cn:443"})
    assert loud.cors_origins == ("https://portal.example.gov.cn",)


def test_an_old_id_is_sent_to_the_documents_address_now(tmp_path):
    """QA pass 42b: a folder renamed changed every id, and links cited in articles died. A GET
    of any address naming the old id (the API, the page, the original, the kiosk's page) is
    sent to the same address with the id now; a method that changes something is not sent on
    (a DELETE must never land on another id): 404, code ``moved``, naming the id."""
    import os
    import shutil

    from fastapi.testclient import TestClient

    from govsearch.app import create_app
    from model.settings import Settings
    from pipeline.run import run_ingest
    from search_api.keys import KeyStore
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex

    folder = tmp_path / "archive_2024"
    folder.mkdir()
    shutil.copy(SAMPLES / "files" / "txt" / "城市公共交通条例.txt", folder / "a.txt")
    data = tmp_path / "data"
    index = SearchIndex(EmbeddedIndex(data))
    run_ingest(index, [folder], workers=1)
    (old,) = index.fingerprints()
    os.rename(folder, tmp_path / "archive")
    run_ingest(index, [tmp_path / "archive"], workers=1)
    (new,) = index.fingerprints()
    index.close()
    _, key = KeyStore(data).create("moves")
    with TestClient(create_app(Settings(data_dir=data)), follow_redirects=False) as c:
        for old_path, new_path in (
            (f"/api/documents/{old}?q=公交", f"/api/documents/{new}?q=公交"),
            (f"/documents/{old.upper()}", f"/documents/{new}"),
            (f"/documents/{old}/original", f"/documents/{new}/original"),
            (f"/kiosk/documents/{old}", f"/kiosk/documents/{new}"),
        ):
            for method in (c.get, c.head):
                got = method(old_path)
                assert got.status_code == 302, (old_path, got.status_code)
                assert got.headers["location"] == new_path.replace("公交", "%E5%85%AC%E4%BA%A4")
        assert c.get(f"/api/documents/{new}").json()["id"] == new
        gone = c.delete(f"/api/documents/{old}", headers={"Authorization": f"Bearer {key}"})
        assert gone.status_code == 404
        assert gone.json()["error"]["code"] == "moved"
        assert gone.json()["error"]["data"] == {"id": old, "moved_to": new}
        assert c.get(f"/api/documents/{new}").status_code == 200  # nothing was deleted
        assert c.get("/api/documents/" + "0" * 16).status_code == 404
        # a folder's document deleted comes back at the folder's next ingest: the answer says
        # so, and how to keep it out (QA pass 45a: nothing warned)
        done = c.delete(f"/api/documents/{new}", headers={"Authorization": f"Bearer {key}"})
        assert done.status_code == 200 and done.json()["deleted"]
        assert "next ingest" in done.json()["warning"] and "不予公开" in done.json()["warning"]


def test_a_date_whose_day_is_made_up_says_so(client):
    """QA pass 42b: a report dated only by the year of its title was sent as 2015-01-01 by the
    search and document API, with nothing to tell an export it is not a day; the pages showed
    2015年. ``year_only`` says it on every hit and document."""
    hits = client.get("/api/search", params={"q": "政府工作报告", "size": 50}).json()["hits"]
    assert all(isinstance(h["year_only"], bool) for h in hits)
    made_up = [h for h in hits if h["year_only"]]
    assert made_up, [(h["title"], h["date"]) for h in hits]
    doc = client.get(f"/api/documents/{made_up[0]['id']}").json()
    assert doc["year_only"] is True and doc["date"][5:] in ("01-01", "12-31")
    page = client.get(f"/documents/{made_up[0]['id']}").text
    assert f"{doc['date'][:4]}年" in page
    laws = client.get("/api/search", params={"q": "条例"}).json()["hits"]
    assert any(not h["year_only"] for h in laws)
    # ... and an export writes the year alone as its 成文日期 (ISO 8601's reduced precision)
    exported = client.get("/api/export", params={"q": made_up[0]["title"], "format": "json"})
    row = next(r for r in exported.json()["documents"] if r["id"] == made_up[0]["id"])
    assert row["written_date"] == doc["date"][:4], row


def test_an_empty_limit_is_the_default_as_an_empty_page_is(client):
    """QA pass 45b: README's limit= examples were a 422 left empty (a form's empty box), where
    an empty page= or size= on search is the default."""
    for path, params in (
        ("/api/pinyin", {"q": "zhengwu"}), ("/api/suggest", {"q": "政务"}),
        ("/api/export", {"q": "条例", "format": "json"}),
    ):  # fmt: skip
        blank = client.get(path, params={**params, "limit": ""})
        assert blank.status_code == 200, (path, blank.text)
        assert blank.json() == client.get(path, params=params).json()


def test_an_exports_date_not_stated_is_null_as_in_search(client):
    """QA pass 45b: export JSON wrote publish_date "" where search writes null."""
    rows = client.get("/api/export", params={"q": "", "format": "json"}).json()["documents"]
    assert any(r["publish_date"] is None for r in rows)
    assert "" not in {r["publish_date"] for r in rows} | {r["written_date"] for r in rows}


def test_a_page_past_the_results_says_how_many_there_are(client):
    """QA pass 50b: page=500 answered 200 with no hits and nothing more, where the page shows
    the last one and says so. The answer says how many pages the results fill."""
    first = client.get("/api/search", params={"q": "条例", "size": 5}).json()
    assert first["pages"] == -(-first["total"] // 5) > 1
    past = client.get("/api/search", params={"q": "条例", "size": 5, "page": 500}).json()
    assert past["hits"] == [] and past["pages"] == first["pages"] < past["page"]
    assert client.get("/api/search", params={"q": "", "size": 1}).json()["pages"] <= 10_000


def test_the_last_page_said_is_one_paging_reaches():
    """QA pass 51c: with a size that does not divide 10,000 (15), the answer said 667 pages
    of 20,000 results, and page 667 was refused with a 400."""
    from search_index.request import MAX_RESULT_WINDOW, SearchResult, last_page

    assert SearchResult(total=20_000, hits=(), size=15).pages == 666 == last_page(20_000, 15)
    assert 666 * 15 <= MAX_RESULT_WINDOW < 667 * 15
    assert last_page(31, 10) == 4 and last_page(0, 10) == 0 and last_page(10_000, 10) == 1000
