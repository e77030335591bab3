"""The three reports through the API, the CLI and the pages, over real indexes of the
hand-counted fixtures on both backends, and over the bundled samples."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzers.spreadsheet import safe_cell
from govsearch.cli import main
from model.errors import BadRequest
from model.settings import Settings
from pipeline.run import run_ingest
from reports.annual import annual
from reports.csvexport import column_label as H
from reports.entry import CatalogEntry
from reports.timeliness import ReportFilter, timeliness
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.prepare import prepare
from search_index.request import Query
from tests.reports.fixtures import ANNUAL, APART, TIMELINESS
from tests.reports.stack import as_document, client_for, fill, hex_id
from tests.search_index.elastic_support import cluster_url, drop, unique_prefix

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _cli_env(settings: Settings) -> dict[str, str]:
    """The environment that points the command line at the backend of ``settings``."""
    return {
        "GOVSEARCH_BACKEND": settings.backend,
        "GOVSEARCH_ES_URL": ",".join(settings.es_urls),
        "GOVSEARCH_ES_INDEX_PREFIX": settings.es_index_prefix,
    }


def _embedded(tmp: Path) -> SearchIndex:
    return SearchIndex(EmbeddedIndex(tmp))


@pytest.fixture(
    scope="module",
    params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)],
)
def stack(request, tmp_path_factory):
    """(client, key, settings) over the fixtures, with the query log on."""
    data = tmp_path_factory.mktemp(f"reports-{request.param}")
    made: list[str] = []
    if request.param == "embedded":
        index = _embedded(data)
        settings = Settings(data_dir=data, query_log=True)
    else:
        from search_index.elastic import ElasticsearchIndex

        url = cluster_url()
        prefix = unique_prefix("reports")
        made.append(prefix)
        index = SearchIndex(ElasticsearchIndex([url], index_prefix=prefix))
        settings = Settings(
            data_dir=data,
            backend="elasticsearch",
            es_urls=(url,),
            es_index_prefix=prefix,
            query_log=True,
        )
    fill(index)
    client, key = client_for(index, settings)
    with client:
        yield client, key, settings
    index.close()
    if made:
        drop(settings.es_urls[0], made)


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _ids(rows: list[dict]) -> set[str]:
    return {r["id"] for r in rows}


def test_reports_need_a_staff_key(stack) -> None:
    client, _, _ = stack
    for path in ("timeliness", "annual?year=2024", "queries"):
        r = client.get(f"/api/reports/{path}")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert client.get(f"/api/reports/{path}", headers=_auth("gs_wrong")).status_code == 401
    assert client.delete("/api/reports/queries").status_code == 401


def test_timeliness_numbers_are_the_hand_counted_ones(stack) -> None:
    client, key, _ = stack
    body = client.get("/api/reports/timeliness", headers=_auth(key)).json()
    days = {d["id"]: (d["working_days"], d["late"]) for d in body["documents"]}
    assert days == {
        hex_id("a"): (8, False),
        hex_id("b"): (21, True),
        hex_id("c"): (20, False),
        hex_id("d"): (1, False),
        hex_id("k"): (1, False),
    }
    own = {hex_id(e.id) for e in TIMELINESS}  # the annual fixtures have no written dates
    assert {m["id"]: m["lacks"] for m in body["missing"] if m["id"] in own} == {
        hex_id("e"): "written_date",
        hex_id("f"): "publish_date",
        hex_id("g"): "written_date,publish_date",
    }
    assert _ids(body["uncountable"]) >= {hex_id("h"), hex_id("i")}
    jia = next(a for a in body["by_agency"] if a["agency"] == "甲局")
    assert (jia["count"], jia["late"], jia["median_working_days"]) == (4, 1, 14.0)
    assert next(d for d in body["documents"] if d["id"] == hex_id("b"))["path"] == "docs/b.txt"
    # the same as the pure function over the same entries
    expected = timeliness(
        [CatalogEntry(**{**e.__dict__, "id": hex_id(e.id)}) for e in TIMELINESS + ANNUAL]
    ).to_dict()
    assert body["by_agency"] == expected["by_agency"]


def test_timeliness_filters_and_csv(stack) -> None:
    client, key, _ = stack
    r = client.get("/api/reports/timeliness?agency=乙局&year=2024", headers=_auth(key))
    assert _ids(r.json()["documents"]) == {hex_id("d")}
    r = client.get("/api/reports/timeliness?category=业务文件&format=csv", headers=_auth(key))
    assert (
        r.headers["content-type"].startswith("text/csv")
        and "attachment" in r.headers["content-disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    k = next(x for x in rows if x[H("id")] == hex_id("k"))
    assert k[H("working_days")] == "1"  # Fri 11 Oct 2019 → the working Saturday
    assert 'filename="timeliness.csv"' in r.headers["content-disposition"]
    # a period's file is named after it, on the API and the pages (QA pass 20: always
    # timeliness.csv)
    r = client.get("/api/reports/timeliness?year=2019&format=csv", headers=_auth(key))
    assert 'filename="timeliness-2019.csv"' in r.headers["content-disposition"]
    page = client.post("/reports/timeliness", data={"key": key, "year": "2019", "format": "csv"})
    assert 'filename="timeliness-2019.csv"' in page.headers["content-disposition"]
    page = client.post("/reports/annual", data={"key": key, "year": "2024", "format": "json"})
    assert 'filename="annual-2024.json"' in page.headers["content-disposition"]


def test_annual_numbers_are_the_hand_counted_ones(stack) -> None:
    client, key, _ = stack
    body = client.get("/api/reports/annual?year=2024", headers=_auth(key)).json()
    # the timeliness fixtures add b c d e (2024 publication) and f (2024 written) of 其他;
    # i (published 2024-01-02, 其他) too; the annual fixture's six
    expected = annual(
        [CatalogEntry(**{**e.__dict__, "id": hex_id(e.id)}) for e in TIMELINESS + ANNUAL], 2024
    ).to_dict()
    assert body == expected
    cats = {r["category"]: r for r in body["by_category"]}
    assert (cats["政策法规"]["changed"], cats["业务文件"]["new"], cats["工作动态"]["new"]) == (
        2,
        2,
        2,
    )
    only = client.get("/api/reports/annual?year=2024&agency=乙局", headers=_auth(key)).json()
    # 乙局's 废止 and 失效 items: no document repeals them, so no year of repeal (QA 37a)
    assert only["status"]["repealed"] == 0 and only["repealed_undated"] == 2
    assert client.get("/api/reports/annual", headers=_auth(key)).status_code == 422
    # the year's message says what a year is (QA pass 14: year= was told "unable to parse
    # string as an integer"); an empty one on the timeliness report is every year
    for year, said in (("", "name the report's year"), ("20x4", "a year is four digits")):
        bad = client.get(f"/api/reports/annual?year={year}", headers=_auth(key))
        assert bad.status_code == 422 and said in bad.json()["error"]["message"], bad.text
    every = client.get("/api/reports/timeliness", headers=_auth(key)).json()
    assert client.get("/api/reports/timeliness?year=", headers=_auth(key)).json() == every
    # an agency naming nothing is refused as search refuses it, not an all-zero report
    # (QA pass 11: the command line refused --agency 、, the API answered 0 items)
    for url in ("/api/reports/annual?year=2024&agency=、", "/api/reports/timeliness?agency=、"):
        refused = client.get(url, headers=_auth(key))
        assert refused.status_code == 422, (url, refused.text)
        assert refused.json()["error"]["code"], refused.json()
    # an empty one (a form's empty box) is no filter, as in search (QA pass 13)
    for url in ("/api/reports/annual?year=2024", "/api/reports/timeliness"):
        whole = client.get(url, headers=_auth(key))
        for blank in ("agency=", "agency=%20", "category="):
            sep = "&" if "?" in url else "?"
            got = client.get(f"{url}{sep}{blank}", headers=_auth(key))
            assert got.status_code == 200 and got.json() == whole.json(), (url, blank)
    # the staff pages' form too (it answered a report of 0 items), and the layer below all
    # three front ends
    for kind, form in (("annual", {"year": "2024", "agency": "、"}),
                       ("timeliness", {"agency": " 、 "})):  # fmt: skip
        page = client.post(f"/reports/{kind}", data={"key": key, **form})
        assert page.status_code == 400, (kind, page.text[:300])
        assert "不是机构名称" in page.text
    reports = client.app.state.reports
    with pytest.raises(BadRequest, match="names no agency"):
        reports.annual(2024, "、")
    with pytest.raises(BadRequest, match="names no agency"):
        reports.timeliness(ReportFilter(agencies=("、",)))


def test_query_log_end_to_end(stack) -> None:
    client, key, _ = stack
    client.delete("/api/reports/queries?all=true", headers=_auth(key))
    found = client.get("/api/search?q=养老保险").json()
    token = found["log_token"]
    assert found["total"] > 0 and token
    client.get("/api/search?q=养老保险")  # searched again, not opened
    client.get(f"/api/documents/{found['hits'][0]['id']}?lt={token}")
    nothing = client.get("/api/search?q=火星移民局").json()
    assert nothing["total"] == 0
    unopened = client.get("/api/search?q=报表测试").json()
    assert unopened["total"] > 0
    staff = client.get("/api/search?q=工作人员自己的检索", headers=_auth(key)).json()
    assert "log_token" not in staff  # staff searches are not logged
    body = client.get("/api/reports/queries?weeks=1", headers=_auth(key)).json()
    week = body["weeks"][0]
    top = {q["query"]: q for q in week["top"]}
    assert set(top) == {"养老保险", "火星移民局", "报表测试"}
    assert (top["养老保险"]["searches"], top["养老保险"]["opened"]) == (2, 1)
    assert [q["query"] for q in week["zero_results"]] == ["火星移民局"]
    assert [q["query"] for q in week["unopened"]] == ["报表测试"]
    assert "分词" in top["火星移民局"]["understood"]
    r = client.delete("/api/reports/queries?all=true", headers=_auth(key))
    assert r.json() == {"deleted": 4}
    assert client.get("/api/reports/queries", headers=_auth(key)).json()["weeks"] == []


def test_asking_anonymously_for_hidden_levels_is_refused_and_not_logged(stack) -> None:
    """QA pass 13: an anonymous ``disclosure=on_request`` (or not_public) found 0 with a 200,
    and the query report counted it as a citizen's search that found nothing. It is a 403
    saying such documents are for staff, logged as nothing; with a key it finds them."""
    client, key, _ = stack
    client.delete("/api/reports/queries?all=true", headers=_auth(key))
    for levels in (["on_request"], ["不予公开"], ["不予公開"], ["public", "draft"]):
        r = client.get("/api/search", params={"q": "养老保险", "disclosure": levels})
        assert r.status_code == 403, (levels, r.text)
        err = r.json()["error"]
        assert err["code"] == "forbidden" and err["data"]["field"] == "disclosure"
        assert "visible to staff only" in err["message"], err
        assert err["data"]["levels"] and "public" not in err["data"]["levels"]
    # what an anonymous caller may see is still filtered for, and logged
    public = client.get("/api/search", params={"q": "养老保险", "disclosure": "主动公开"})
    assert public.status_code == 200 and public.json()["log_token"]
    client.app.state.reports.querylog.flush()
    week = client.get("/api/reports/queries?weeks=1", headers=_auth(key)).json()["weeks"][0]
    assert [q["searches"] for q in week["top"]] == [1]  # the public search only
    assert week["zero_results"] == []
    staff = client.get(
        "/api/search", params={"q": "养老保险", "disclosure": "on_request"}, headers=_auth(key)
    )
    assert staff.status_code == 200 and staff.json()["total"] >= 1, staff.text
    assert {h["id"] for h in staff.json()["hits"]} >= {hex_id("j")}
    client.delete("/api/reports/queries?all=true", headers=_auth(key))


def test_deleting_the_whole_log_is_asked_for_apart(stack) -> None:
    """QA pass 13: the form's date was empty by default ("留空则全部删除") and a date of one
    space deleted the whole log. A blank date without the separate confirmation (all) is a 400
    that deletes nothing — API, page and command alike; with it, the log goes."""
    client, key, settings = stack
    client.delete("/api/reports/queries?all=true", headers=_auth(key))
    for q in ("养老保险", "火星移民局"):
        assert client.get("/api/search", params={"q": q}).json()["log_token"]
    client.app.state.reports.querylog.flush()

    def logged() -> int:
        body = client.get("/api/reports/queries?weeks=1", headers=_auth(key)).json()
        return sum(q["searches"] for w in body["weeks"] for q in w["top"])

    assert logged() == 2
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    for query in ("", "?before=%20", "?before=", "?all=false", f"?before={tomorrow}&all=true"):
        r = client.delete(f"/api/reports/queries{query}", headers=_auth(key))
        assert r.status_code == 400, (query, r.text)
        assert r.json()["error"]["code"] == "bad_request"
        assert "nothing was deleted" in r.json()["error"]["message"], query
    assert logged() == 2
    page = client.post("/reports/queries", data={"key": key, "weeks": "1"}).text
    assert 'name="all"' in page and "删除全部记录" in page and "留空则全部删除" not in page
    for form in ({"before": " "}, {"before": ""}, {}, {"before": tomorrow, "all": "1"}):
        r = client.post("/reports/queries/delete", data={"key": key, **form})
        assert r.status_code == 400 and "未删除任何记录" in r.text, form
    assert logged() == 2
    args = ["--data-dir", str(settings.data_dir), "report", "queries"]
    for extra in (["--delete"], ["--all"], ["--delete", "--all", "--before", tomorrow]):
        out = CliRunner().invoke(main, [*args, *extra], env=_env(settings))
        assert out.exit_code == 2, (extra, out.output)
    assert logged() == 2
    r = client.delete(f"/api/reports/queries?before={tomorrow}", headers=_auth(key))
    assert r.json() == {"deleted": 2}
    # a staff change like any other, by the API and by the form (QA pass 34b: no line)
    r = client.post("/reports/queries/delete", data={"key": key, "all": "1"})
    assert r.status_code == 200 and "已删除 0 条" in r.text
    lines = (settings.data_dir / "audit.log").read_text(encoding="utf-8").splitlines()
    said = [json.loads(line) for line in lines[-2:]]
    assert [(a["action"], a["before"], a["all"], a["deleted"]) for a in said] == [
        ("delete_query_log", tomorrow, False, 2), ("delete_query_log", None, True, 0)
    ]  # fmt: skip
    assert all(a["key_id"] and key not in json.dumps(a) for a in said)
    assert client.app.state.reports.querylog is not None
    with pytest.raises(BadRequest, match="nothing was deleted"):
        client.app.state.reports.clear_queries(None)


def test_timeliness_refuses_a_period_that_ends_before_it_starts(stack) -> None:
    client, key, settings = stack
    dates = "date_from=2020-01-01&date_to=2019-01-01"
    r = client.get(f"/api/reports/timeliness?{dates}", headers=_auth(key))
    search = client.get(f"/api/search?q=养老保险&{dates}")
    assert r.status_code == search.status_code == 400
    assert (
        r.json()
        == search.json()
        == {
            "error": {
                "code": "bad_request",
                "message": "date_from is after date_to",
                "status": 400,
                "data": {},
            }
        }
    )
    same_day = client.get("/api/reports/timeliness?date_from=2024-06-03&date_to=2024-06-03",
                          headers=_auth(key))  # fmt: skip
    assert same_day.status_code == 200 and _ids(same_day.json()["documents"]) == {hex_id("d")}
    page = client.post(
        "/reports/timeliness",
        data={"key": key, "date_from": "2020-01-01", "date_to": "2019-01-01"},
    )
    assert page.status_code == 400
    assert "起始日期（2020-01-01）晚于截止日期（2019-01-01）" in page.text
    env = _cli_env(settings)
    args = ["--data-dir", str(settings.data_dir), "report", "timeliness"]
    out = CliRunner().invoke(main, [*args, "--from", "2020-01-01", "--to", "2019-01-01"], env=env)
    assert out.exit_code == 2 and "date_from is after date_to" in out.output


def _env(settings: Settings, **extra: str | None) -> dict[str, str | None]:
    return {
        "GOVSEARCH_BACKEND": settings.backend,
        "GOVSEARCH_ES_URL": ",".join(settings.es_urls),
        "GOVSEARCH_ES_INDEX_PREFIX": settings.es_index_prefix,
        **extra,
    }


def test_timeliness_keeps_lacking_a_date_apart_from_uncountable(stack) -> None:
    # 丙局: h (1999, before the calendar) and i (published before written) have both dates:
    # none lacks a date, two cannot be counted — in the API, the CLI and the page alike
    client, key, settings = stack
    body = client.get("/api/reports/timeliness?agency=丙局", headers=_auth(key)).json()
    assert (len(body["missing"]), len(body["uncountable"])) == (0, 2)
    assert [(a["agency"], a["missing"], a["uncountable"]) for a in body["by_agency"]] == [
        ("丙局", 0, 2)
    ]
    csv_text = client.get("/api/reports/timeliness?agency=丙局&format=csv", headers=_auth(key)).text
    notes = [r[H("note")] for r in csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))]
    assert len(notes) == 2 and not any(n.startswith("缺") for n in notes)
    args = ["--data-dir", str(settings.data_dir), "report", "timeliness", "--agency", "丙局"]
    out = CliRunner().invoke(main, [*args, "--format", "json"], env=_env(settings))
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["by_agency"] == body["by_agency"]
    out = CliRunner().invoke(main, args, env=_env(settings))
    assert "0 lack a date; 2 cannot be counted" in out.output
    header, row = out.output.splitlines()[1:3]
    assert header.split() == ["agency", "count", "late", "median", "missing", "uncountable"]
    assert row.split() == ["丙局", "0", "0", "0", "2"]  # no median: an empty cell
    page = client.post("/reports/timeliness", data={"key": key, "agency": "丙局"}).text
    assert (
        '<th scope="col" class="num">缺少日期</th><th scope="col" class="num">无法计算</th>' in page
    )
    assert '<td class="num">—</td><td class="num">0</td><td class="num">2</td></tr>' in page


def test_cli_timeliness_per_agency_as_in_its_heading(tmp_path) -> None:
    # the QA catalogue: one agency, one document lacking a date, two that cannot be counted
    index = _embedded(tmp_path)
    assert all(r.ok for r in index.write(prepare(as_document(e), "t") for e in APART))
    index.close()
    env = _env(Settings(data_dir=tmp_path))
    args = ["--data-dir", str(tmp_path), "report", "timeliness"]
    for extra, lacking, uncountable in (([], 1, 2), (["--year", "2025"], 1, 1)):
        out = CliRunner().invoke(main, [*args, *extra], env=env)
        assert out.exit_code == 0, out.output
        assert f"{lacking} lack a date; {uncountable} cannot be counted" in out.output
        row = ["丁局", "0", "0", str(lacking), str(uncountable)]  # no median: an empty cell
        assert out.output.splitlines()[2].split() == row
        out = CliRunner().invoke(main, [*args, *extra, "--format", "json"], env=env)
        row = json.loads(out.output)["by_agency"][0]
        assert (row["missing"], row["uncountable"]) == (lacking, uncountable)


PERSONAL = {
    "身份证 11010519491231002X": ("11010519491231002", "1231002x", "1231002X"),
    "我的电话13812345678": ("13812345678",),
    "邮箱 zhang.san@example.com 投诉": ("zhang", "example", "@"),
    "电话 138 1234 5678": ("138", "1234", "5678"),
    "138-1234-5678": ("138", "1234", "5678"),
    "+86 138 1234 5678": ("86", "138", "1234", "5678"),
    "010-12345678": ("010", "12345678"),
    # excluded and fielded: the "understood as" line says them, masked
    "-li.si@example.org 养老保险": ("li", "si", "example", "org", "@"),
    'title:13712345678 -"137 1234 5678"': ("13712345678", "137", "1234", "5678"),
    "agency:0755-87654321 -11010519491231003X": ("0755", "87654321", "1231003x"),
}


_QUERY_COLUMNS = (
    "week", "list", "query", "searches", "zero_results", "opened", "understood",
    "filtered_zero_results", "zero_result_filters", "variants",
)  # fmt: skip


def _query_rows(client, key) -> tuple[list[dict], list[dict]]:
    """Every query row of the report, as JSON and as CSV (all lists, every column)."""
    body = client.get("/api/reports/queries?weeks=1&top=200", headers=_auth(key)).json()
    rows = [
        q
        for w in body["weeks"]
        for name in ("top", "zero_results", "unopened", "filtered_out")
        for q in w[name]
    ]
    r = client.get("/api/reports/queries?weeks=1&top=200&format=csv", headers=_auth(key))
    return rows, [
        {k: r[H(k)] for k in _QUERY_COLUMNS}
        for r in csv.DictReader(io.StringIO(r.text.lstrip("\ufeff")))
    ]


def test_query_log_stores_nothing_personal(stack) -> None:
    client, key, settings = stack
    client.delete("/api/reports/queries?all=true", headers=_auth(key))
    for q in PERSONAL:
        assert client.get("/api/search", params={"q": q}).status_code == 200
    client.get("/api/search", params={"q": "养老保险", "agency": "13912345678"})
    for q in ("国办发〔2019〕6号", "国务院令第735号 2019年"):
        client.get("/api/search", params={"q": q})
    rows, csv_rows = _query_rows(client, key)
    # the CSV writes a query starting with - (an exclusion) as '- (no spreadsheet formula)
    assert {safe_cell(r["query"]) for r in rows} == {r["query"] for r in csv_rows}
    # each search is a row or a row's variant: 电话 ### #### #### and 我的电话########### read
    # as one need (电话 and a number: the reading's pieces tell no length, QA pass 26c)
    forms = {r["query"] for r in rows} | {v for r in rows for v in r["variants"]}
    assert len(forms) == len(PERSONAL) + 3, sorted(forms)
    cells = [
        str(v)
        for r in (*rows, *csv_rows)
        for k, v in r.items()
        if k not in ("week", "searches", "zero_results", "opened", "filtered_zero_results")
    ]
    text = "\n".join(cells)
    for q, pieces in PERSONAL.items():
        for piece in pieces:
            assert not re.search(rf"(?<![0-9a-z]){re.escape(piece)}", text, re.I), (q, piece)
    assert "13912345678" not in text
    assert not re.search(r"\d{7,}", text)
    # the engine's reading of the ID (lower-cased, one word) and of the phone (three words)
    by_query = {r["query"]: r for r in rows}
    assert "身份证 ##################" in by_query
    phone = next(r for r in rows if "电话 ### #### ####" in (r["query"], *r["variants"]))
    assert "电话 / ###" in phone["understood"]
    # 文号 and years stay readable
    assert "国办发〔2019〕6号" in by_query
    assert "国务院令第735号 2019年" in by_query
    assert "2019" in by_query["国务院令第735号 2019年"]["understood"]
    if settings.backend == "embedded":  # and what is on disk, column by column
        db = sqlite3.connect(settings.data_dir / "querylog.sqlite")
        try:
            stored = "\n".join(
                "|".join(map(str, row))
                for row in db.execute("SELECT query, understood, filters FROM searches")
            )
        finally:
            db.close()
        assert "##" in stored and not re.search(r"\d{7,}|@|zhang|1234", stored)
    client.delete("/api/reports/queries?all=true", headers=_auth(key))


def test_query_log_does_not_blame_words_for_filters(stack) -> None:
    client, key, settings = stack
    client.delete("/api/reports/queries?all=true", headers=_auth(key))
    filtered = {"q": "养老保险", "category": "工作动态", "year": "1999"}
    assert client.get("/api/search", params=filtered).json()["total"] == 0
    assert client.get("/api/search", params={"q": "养老保险"}).json()["total"] > 0
    assert client.get("/api/search", params={"q": "报表测试", "year": "1998"}).json()["total"] == 0
    assert client.get("/api/search", params={"q": "火星移民局"}).json()["total"] == 0
    client.get("/?q=火星移民局&year=1999")  # the web pages log the same way
    body = client.get("/api/reports/queries?weeks=1", headers=_auth(key)).json()
    week = body["weeks"][0]
    top = {q["query"]: q for q in week["top"]}
    assert (top["养老保险"]["zero_results"], top["养老保险"]["filtered_zero_results"]) == (0, 1)
    assert top["养老保险"]["zero_result_filters"] == [
        {"filters": "category=工作动态; year=1999", "searches": 1}
    ]
    assert (top["火星移民局"]["zero_results"], top["火星移民局"]["filtered_zero_results"]) == (1, 1)
    assert [q["query"] for q in week["zero_results"]] == ["火星移民局"]  # the words found nothing
    assert [q["query"] for q in week["filtered_out"]] == ["报表测试"]  # only the filters did
    assert week["filtered_out"][0]["zero_result_filters"] == [
        {"filters": "year=1998", "searches": 1}
    ]
    _, csv_rows = _query_rows(client, key)
    row = next(r for r in csv_rows if r["list"] == "检索最多" and r["query"] == "养老保险")
    assert (row["zero_results"], row["filtered_zero_results"]) == ("0", "1")
    assert row["zero_result_filters"] == "category=工作动态; year=1999"
    shown = client.post("/reports/queries", data={"key": key, "weeks": "1"}).text
    assert "只在加了筛选条件时没有结果" in shown and "category=工作动态; year=1999（1 次）" in shown
    env = {
        "GOVSEARCH_BACKEND": settings.backend,
        "GOVSEARCH_ES_URL": ",".join(settings.es_urls),
        "GOVSEARCH_ES_INDEX_PREFIX": settings.es_index_prefix,
        "GOVSEARCH_QUERY_LOG": "1",
    }
    args = ["--data-dir", str(settings.data_dir), "report", "queries", "--weeks", "1"]
    out = CliRunner().invoke(main, args, env=env)
    assert out.exit_code == 0, out.output
    assert "zero results only with filters set" in out.output and "year=1998 (1×)" in out.output
    client.delete("/api/reports/queries?all=true", headers=_auth(key))


def test_query_log_says_how_fields_and_exclusions_were_read(stack) -> None:
    client, key, settings = stack
    client.delete("/api/reports/queries?all=true", headers=_auth(key))
    found = client.get("/api/search", params={"q": "title:条例 -废止"}).json()
    assert found["understood"]["excluded"] == ["废止"]
    assert found["understood"]["fields"] == [{"field": "title", "text": "条例"}]
    results = client.get("/", params={"q": "title:条例 -废止"}).text  # the results page
    assert "已排除" in results and "限定标题" in results
    body = client.get("/api/reports/queries?weeks=1", headers=_auth(key)).json()
    row = body["weeks"][0]["top"][0]
    assert (row["query"], row["searches"]) == ("title:条例 -废止", 2)
    assert row["understood"] == "已排除：废止；限定标题：条例"
    r = client.get("/api/reports/queries?weeks=1&format=csv", headers=_auth(key))
    csv_row = next(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert csv_row[H("understood")] == "已排除：废止；限定标题：条例"
    page = client.post("/reports/queries", data={"key": key, "weeks": "1"}).text
    assert "<td>已排除：废止；限定标题：条例</td>" in page
    args = ["--data-dir", str(settings.data_dir), "report", "queries", "--weeks", "1"]
    out = CliRunner().invoke(main, args, env=_env(settings))
    assert "已排除：废止；限定标题：条例" in out.output
    client.delete("/api/reports/queries?all=true", headers=_auth(key))


def test_pages(stack) -> None:
    client, key, _ = stack
    assert 'href="/reports"' in client.get("/duplicates").text
    assert 'href="/reports/annual"' in client.get("/reports").text
    page = client.post("/reports/annual", data={"year": "2024", "key": key, "format": "html"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "<svg" in page.text and "<script" not in page.text.split("<svg")[1].split("</svg>")[0]
    assert key not in page.text
    assert "本年修改件数" in page.text
    # a year that is no number is said in the form's words (QA pass 45a: "year 应为整数")
    bad = client.post("/reports/annual", data={"year": "abcd", "key": key, "format": "html"})
    assert bad.status_code == 400 and "年份应为整数" in bad.text and "year 应为" not in bad.text
    # the form starts from its address (a shared link), escaped; a value that is no year is
    # left out (QA pass 12: /reports/annual?year=2019 showed last year)
    shared = client.get("/reports/annual?year=2019&agency=<b>乙局</b>").text
    assert 'name="year" min="1900" max="2100" value="2019"' in shared
    assert "&lt;b&gt;乙局&lt;/b&gt;" in shared and "<b>乙局" not in shared
    # ... and says why only the form shows: the key (QA pass 39a); a bare form does not
    note = "报告需要工作人员密钥，填写密钥后点“查看”即可显示"
    assert note in shared and note not in client.get("/reports/annual").text
    odd = client.get("/reports/annual?year=abc").text
    assert f'value="{dt.date.today().year - 1}"' in odd
    assert 'value="2024"' in client.get("/reports/timeliness?year=2024").text
    late = client.post("/reports/timeliness", data={"key": key})
    assert late.text.count('class="is-late"') == 1
    assert client.post("/reports/timeliness", data={"key": "gs_wrong"}).status_code == 401
    assert client.post("/reports/timeliness", data={}).status_code == 401
    csv_page = client.post("/reports/timeliness", data={"key": key, "format": "csv"})
    assert csv_page.headers["content-type"].startswith("text/csv")
    # results carry the log token; opening one marks it opened
    client.delete("/api/reports/queries?all=true", headers=_auth(key))
    results = client.get("/?q=养老保险").text
    link = results.split('class="result__title"')[1].split('href="')[1].split('"')[0]
    assert "lt=" in link
    assert client.get(link.replace("&amp;", "&")).status_code == 200
    shown = client.post("/reports/queries", data={"key": key, "weeks": "1"}).text
    assert "养老保险" in shown and "检索最多" in shown
    gone = client.post("/reports/queries/delete", data={"key": key, "all": "1"})
    assert "已删除 1 条" in gone.text


def test_cli(stack) -> None:
    _, _, settings = stack
    env = _cli_env(settings)
    run = CliRunner().invoke
    args = ["--data-dir", str(settings.data_dir), "report"]
    out = run(main, [*args, "timeliness", "--format", "json", "--year", "2024"], env=env)
    assert out.exit_code == 0, out.output
    assert _ids(json.loads(out.output)["documents"]) == {hex_id(x) for x in "bcd"}
    out = run(main, [*args, "annual", "--year", "2024", "--format", "csv"], env=env)
    assert out.exit_code == 0 and "合计" in out.output
    out = run(main, [*args, "annual", "--year", "2024"], env=env)
    assert "现行有效" in out.output and "新制发" in out.output
    out = run(main, [*args, "timeliness"], env=env)
    assert "1 late" in out.output
    assert run(main, [*args, "annual"], env=env).exit_code == 2  # --year is required


def test_cli_reads_the_log_the_server_records_without_the_variable(stack) -> None:
    # the server records (GOVSEARCH_QUERY_LOG=1); a staff shell without the variable reports
    # and deletes what it recorded — in querylog.sqlite or in the cluster's index alike
    client, key, settings = stack
    client.delete("/api/reports/queries?all=true", headers=_auth(key))
    for q in ("养老保险", "养老保险", "火星移民局"):
        assert client.get("/api/search", params={"q": q}).json()["log_token"]
    client.app.state.reports.querylog.flush()
    env = _env(settings, GOVSEARCH_QUERY_LOG=None)
    args = ["--data-dir", str(settings.data_dir), "report", "queries", "--weeks", "1"]
    out = CliRunner().invoke(main, [*args, "--format", "json"], env=env)
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert len(body["weeks"]) == 1, body
    top = {q["query"]: q["searches"] for q in body["weeks"][0]["top"]}
    assert top == {"养老保险": 2, "火星移民局": 1}
    assert (body["recorded"], body["recording"]) == (True, None)  # a command records nothing
    assert (
        body["weeks"]
        == client.get("/api/reports/queries?weeks=1", headers=_auth(key)).json()["weeks"]
    )  # the API's numbers
    for off in (None, "0"):
        out = CliRunner().invoke(main, args, env=_env(settings, GOVSEARCH_QUERY_LOG=off))
        assert out.exit_code == 0 and "(3 searches)" in out.output and "火星移民局" in out.output
        assert "GOVSEARCH_QUERY_LOG" not in out.output  # nothing said about this shell's setting
    out = CliRunner().invoke(main, [*args, "--format", "csv"], env=env)
    assert "养老保险" in out.output
    out = CliRunner().invoke(main, [*args[:4], "--delete", "--all"], env=env)
    assert out.exit_code == 0 and "deleted 3 logged searches" in out.output
    assert client.get("/api/reports/queries", headers=_auth(key)).json()["weeks"] == []
    out = CliRunner().invoke(main, args, env=env)
    assert "no searches recorded in these weeks" in out.output


def test_cli_says_when_no_search_was_ever_recorded(tmp_path) -> None:
    index = _embedded(tmp_path)
    assert all(r.ok for r in index.write(prepare(as_document(e), "t") for e in APART))
    index.close()
    args = ["--data-dir", str(tmp_path), "report", "queries"]
    for on in (None, "1"):  # a command never makes the log, whatever its environment
        env = _env(Settings(data_dir=tmp_path), GOVSEARCH_QUERY_LOG=on)
        out = CliRunner().invoke(main, args, env=env)
        assert out.exit_code == 0, out.output
        assert "no search has ever been recorded here" in out.output
        body = json.loads(CliRunner().invoke(main, [*args, "--format", "json"], env=env).output)
        assert (body["recorded"], body["recording"], body["weeks"]) == (False, None, [])
        out = CliRunner().invoke(main, [*args, "--delete", "--all"], env=env)
        assert out.exit_code == 0 and "nothing to delete" in out.output
        assert not (tmp_path / "querylog.sqlite").exists()


def test_a_server_with_the_log_off_reports_what_was_recorded(tmp_path) -> None:
    from reports.querylog import LoggedSearch, new_token
    from reports.querylog_sqlite import SqliteQueryLog

    index = _embedded(tmp_path)
    fill(index)
    log = SqliteQueryLog(tmp_path / "querylog.sqlite")
    today = dt.date.today()
    log.record_search(LoggedSearch(new_token(), today, "养老保险", 19, "分词：养老 / 保险"))
    log.flush()
    log.close()
    client, key = client_for(index, Settings(data_dir=tmp_path, query_log=False))
    with client:
        assert "log_token" not in client.get("/api/search?q=火星移民局").json()  # not recorded
        body = client.get("/api/reports/queries?weeks=1", headers=_auth(key)).json()
        assert (body["recorded"], body["recording"]) == (True, False)
        assert [q["query"] for q in body["weeks"][0]["top"]] == ["养老保险"]
        page = client.post("/reports/queries", data={"key": key, "weeks": "1"}).text
        assert "检索日志现已停止记录" in page and "养老保险" in page
    index.close()


@pytest.mark.slow
def test_the_samples(tmp_path) -> None:
    index = SearchIndex(EmbeddedIndex(tmp_path))
    report = run_ingest(index, [SAMPLES], catalog=SAMPLES / "catalog.csv", workers=2)
    assert not report.failed
    client, key = client_for(index, Settings(data_dir=tmp_path))
    with client:
        # every text search shows, once (QA pass 16: each file of a text was measured)
        public = index.search(Query(q="", size=1)).total
        assert public < index.count()  # the samples file some texts twice
        t = client.get("/api/reports/timeliness", headers=_auth(key)).json()
        assert len(t["documents"]) + len(t["missing"]) + len(t["uncountable"]) == public
        assert len(t["documents"]) > 100 and any(d["late"] for d in t["documents"])
        # (year 0 counts the undated documents: no year to report on)
        years = [int(k) for k in index.stats()["facets"]["year"] if int(k)]
        for y in years:
            a = client.get(f"/api/reports/annual?year={y}", headers=_auth(key)).json()
            assert sum(m["count"] for m in a["by_month"]) == a["total"]
        # the form's suggestions: each issuer of a joint issue, not the joint name (QA pass 16)
        form = client.post("/reports/annual", data={"key": key, "year": "2023"}).text
        offered = re.findall(r'<option value="([^"]+)">', form.split('id="r-agencies"')[1])
        assert "最高人民检察院" in offered and "最高人民法院" in offered
        assert not any("、" in a for a in offered), offered
        q = client.get("/api/reports/queries", headers=_auth(key)).json()
        assert (q["recorded"], q["recording"]) == (False, False)  # the log is opt-in
        page = client.post("/reports/queries", data={"key": key}).text
        assert "尚未记录过任何检索" in page and "GOVSEARCH_QUERY_LOG=1" in page
    index.close()


def test_a_year_no_report_is_made_for_is_refused_everywhere_alike(stack) -> None:
    """QA pass 16: ``year=0`` on the annual report's page was a 500 and ``report annual --year
    0`` a traceback, where the API answered 422; one range (reports.years) for all three."""
    client, key, settings = stack
    for year in ("0", "-5", "10000", "1899", "2101"):
        for kind in ("annual", "timeliness"):
            page = client.post(f"/reports/{kind}", data={"year": year, "key": key})
            assert page.status_code == 400, (kind, year)
            assert "年度应为 1900–2100 之间的四位数年份" in page.text
            assert 'name="year" min="1900" max="2100"' in page.text  # the form, again
            api = client.get(f"/api/reports/{kind}?year={year}", headers=_auth(key))
            assert api.status_code == 422, (kind, year)
    for year in ("1900", "2100"):  # the range's ends are years
        assert client.post("/reports/annual", data={"year": year, "key": key}).status_code == 200
    assert 'value="2150"' not in client.get("/reports/annual?year=2150").text
    env = _cli_env(settings)
    args = ["--data-dir", str(settings.data_dir), "report"]
    for kind in ("annual", "timeliness"):
        out = CliRunner().invoke(main, [*args, kind, "--year", "0"], env=env)
        assert out.exit_code == 2, out.output
        assert "1900<=x<=2100" in out.output and "Traceback" not in out.output
    for bad in (lambda: annual(ANNUAL, 0), lambda: ReportFilter(year=10000)):
        with pytest.raises(BadRequest, match="1900–2100"):
            bad()


def test_an_agency_no_document_has_is_said_with_the_nearest_ones(stack) -> None:
    """QA 23b: ``report annual --year 2024 --agency 青松县人民政府办公`` (室 left off) answered a
    table of zeros, which reads as "nothing was published". An agency no document has is
    refused with the agencies nearest it, in the API, the pages and the command alike; one that
    has documents, none in the year, is answered (its zeros are the report)."""
    client, key, settings = stack
    for path in ("annual?year=2024&agency=甲局办公室", "timeliness?agency=乙局&agency=甲局办公室"):
        r = client.get(f"/api/reports/{path}", headers=_auth(key))
        assert r.status_code == 422, path
        error = r.json()["error"]
        assert (error["code"], error["status"]) == ("unprocessable_content", 422)
        assert (error["data"]["agency"], error["data"]["did_you_mean"]) == ("甲局办公室", ["甲局"])
        assert error["data"]["unknown_agencies"] == {"甲局办公室": ["甲局"]}
        assert "did you mean 甲局?" in error["message"]
    far = client.get("/api/reports/annual?year=2024&agency=火星移民局", headers=_auth(key))
    assert far.status_code == 422 and far.json()["error"]["data"]["did_you_mean"] == []
    # known agencies, however written: no error, even with nothing in the period
    quiet = client.get("/api/reports/annual?year=2030&agency=丙局", headers=_auth(key))
    assert quiet.status_code == 200 and quiet.json()["total"] == 0
    assert client.get("/api/reports/timeliness?agency=甲局 ", headers=_auth(key)).status_code == 200
    page = client.post("/reports/annual", data={"year": "2024", "agency": "甲局办公室", "key": key})
    assert page.status_code == 400
    assert "没有发布机构为「甲局办公室」的文件：是否要找「甲局」？" in page.text
    env = _cli_env(settings)
    args = ["--data-dir", str(settings.data_dir), "report"]
    for kind in (["annual", "--year", "2024"], ["timeliness"]):
        out = CliRunner().invoke(main, [*args, *kind, "--agency", "甲局办公室"], env=env)
        assert out.exit_code == 2, out.output
        said = "no document of this index is of agency '甲局办公室' (did you mean 甲局?)"
        assert said in out.output


def test_every_table_of_a_report_page_has_a_name(stack) -> None:
    """QA pass 37a: the timeliness page's tables had no caption or name (the annual report's
    had), so a screen reader moving by table heard only "table"."""
    client, key, _ = stack
    for kind, data in (("timeliness", {}), ("annual", {"year": "2024"})):
        page = client.post(f"/reports/{kind}", data={"key": key, **data})
        assert page.status_code == 200, page.text
        tables = re.findall(r"<table[^>]*>\s*(?:<caption)?", page.text)
        assert tables, kind
        for t in tables:
            assert "aria-labelledby=" in t or t.rstrip().endswith("<caption"), (kind, t)
        for name in re.findall(r'<table[^>]*aria-labelledby="([^"]+)"', page.text):
            assert f'id="{name}"' in page.text, (kind, name)


def test_query_log_lists_searches_whose_best_result_lacks_a_word(stack) -> None:
    """QA pass 45a: the "found nothing" list almost never listed a real miss: a search lets a
    word or two out, so 青松县养犬管理规定 "found" other places' rules. A search whose best
    result holds only some of its words is listed apart (结果只含部分检索词); one whose best
    result holds them all, or another wording of each it searched, is not."""
    client, key, settings = stack
    client.delete("/api/reports/queries?all=true", headers=_auth(key))
    part = client.get("/api/search", params={"q": "养老保险 报表测试 火星移民"}).json()
    assert part["total"] > 0
    whole = client.get("/api/search", params={"q": "养老保险"}).json()
    assert whole["total"] > 0
    client.get("/?q=养老保险 报表测试 火星移民")  # the pages log the same way
    body = client.get("/api/reports/queries?weeks=1", headers=_auth(key)).json()
    week = body["weeks"][0]
    top = {q["query"]: q for q in week["top"]}
    assert [q["query"] for q in week["found_part"]] == ["养老保险 报表测试 火星移民"]
    assert top["养老保险 报表测试 火星移民"]["partial"] == 2 and top["养老保险"]["partial"] == 0
    _, csv_rows = _query_rows(client, key)
    assert any(r["list"] == "结果只含部分检索词（可能未找到）" for r in csv_rows)
    shown = client.post("/reports/queries", data={"key": key, "weeks": "1"}).text
    assert "结果只含部分检索词" in shown
    args = ["--data-dir", str(settings.data_dir), "report", "queries", "--weeks", "1"]
    out = CliRunner().invoke(main, args, env={**_cli_env(settings), "GOVSEARCH_QUERY_LOG": "1"})
    assert out.exit_code == 0 and "none holding every word" in out.output


def test_a_draft_in_the_timeliness_page_is_not_linked_to_the_public_page(stack) -> None:
    """QA pass 45a: the page listed 未发布的草稿 linked to /documents/{id}, a 404 for the staff
    who made the report (a browser sends no key there). A document the public cannot open is
    named with its level and the API address a key reads it at."""
    client, key, _ = stack
    r = client.post(
        "/api/documents", headers=_auth(key),
        files=[("file", ("draft.txt", "关于报表草稿链接的通知\n正文。".encode(), "text/plain"))],
        data={"disclosure": "草稿", "title": "报表草稿链接测试", "written_date": "2024-03-01"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    doc_id = r.json()["documents"][0]["id"]
    try:
        page = client.post("/reports/timeliness", data={"key": key}).text
        row = page.split("报表草稿链接测试")
        assert len(row) == 2 and f'/documents/{doc_id}"' not in page
        assert "未公开（草稿）" in row[1][:200] and f"GET /api/documents/{doc_id}" in row[1][:300]
        assert 'href="/documents/' in page  # public documents keep their links
    finally:
        client.delete(f"/api/documents/{doc_id}", headers=_auth(key))


def test_catalogue_gaps_list_each_file_lacking_a_field(stack) -> None:
    """QA pass 45a, F7: the reports counted what lacked an agency or a date under （未注明）,
    and no list said which files they were, so the office could not fix its catalogue. Counted
    by hand from the fixtures: every one lacks a 索引号; the timeliness ones (but k) are filed
    under 其他; a file with no date at all is in every period."""
    client, key, settings = stack
    assert client.get("/api/reports/gaps").status_code == 401
    no_written = {"e", "g", "p0", "p1", "p2", "p3", "p4", "p6", "p7", "p8", "p9"}
    body = client.get("/api/reports/gaps?lacks=written_date", headers=_auth(key)).json()
    assert _ids(body["rows"]) == {hex_id(x) for x in no_written}
    assert body["counts"] == {"written_date": len(no_written)}
    assert body["covered"] == len(TIMELINESS) + len(ANNUAL)
    in_2024 = no_written - {"p0", "p6"}  # p8 and g have no date: in every period
    r = client.get("/api/reports/gaps?lacks=written_date&year=2024", headers=_auth(key))
    assert _ids(r.json()["rows"]) == {hex_id(x) for x in in_2024}
    every = client.get("/api/reports/gaps?lacks=", headers=_auth(key)).json()  # blank: any
    assert every["counts"]["index_no"] == every["covered"] == len(every["rows"])
    assert every["counts"]["category"] == len(TIMELINESS) - 1  # k is 业务文件
    assert client.get("/api/reports/gaps?lacks=bogus", headers=_auth(key)).status_code == 422
    # a file uploaded without an agency is the one the agency column lists, until fixed
    up = client.post(
        "/api/documents", headers=_auth(key),
        files=[("file", ("gap.txt", "关于目录缺项的通知\n正文。".encode(), "text/plain"))],
        data={"title": "目录缺项测试", "publish_date": "2024-03-01"},
    )  # fmt: skip
    assert up.status_code == 201, up.text
    doc_id = up.json()["documents"][0]["id"]
    try:
        rows = client.get("/api/reports/gaps?lacks=agency", headers=_auth(key)).json()["rows"]
        assert [(r["id"], r["lacks"]) for r in rows] == [(doc_id, ["agency"])]
        fixed = client.patch(f"/api/documents/{doc_id}", headers=_auth(key),
                             json={"agency": "甲局"})  # fmt: skip
        assert fixed.status_code == 200, fixed.text
        rows = client.get("/api/reports/gaps?lacks=agency", headers=_auth(key)).json()["rows"]
        assert rows == []
    finally:
        client.delete(f"/api/documents/{doc_id}", headers=_auth(key))
    # the CSV, headed in Chinese and named after its period
    r = client.get("/api/reports/gaps?lacks=written_date&year=2024&format=csv",
                   headers=_auth(key))  # fmt: skip
    assert 'filename="gaps-2024.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert {x[H("id")] for x in rows} == {hex_id(x) for x in in_2024}
    assert {x[H("note")] for x in rows} == {"缺成文日期"}
    # the page: a form, its rows, its counts; a field it does not know is said in Chinese
    assert 'href="/reports/gaps"' in client.get("/reports").text
    page = client.post("/reports/gaps", data={"key": key, "lacks": "written_date"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert f"其中 <strong>{len(no_written)}</strong> 个缺少成文日期" in page.text
    assert page.text.count(f'href="/documents/{hex_id("p8")}"') == 1
    assert "文件j" not in page.text  # it has both dates
    bad = client.post("/reports/gaps", data={"key": key, "lacks": "bogus"})
    assert bad.status_code == 400 and "不是目录的字段" in bad.text
    # the command line
    args = ["--data-dir", str(settings.data_dir), "report", "gaps"]
    out = CliRunner().invoke(main, [*args, "--lacks", "written_date", "--year", "2024",
                                    "--format", "json"], env=_cli_env(settings))  # fmt: skip
    assert out.exit_code == 0, out.output
    assert _ids(json.loads(out.output)["rows"]) == {hex_id(x) for x in in_2024}
    out = CliRunner().invoke(main, [*args[:-1], "annual", "--year", "2024", "--lacks", "agency"],
                             env=_cli_env(settings))  # fmt: skip
    assert out.exit_code == 2 and "--lacks goes with the gaps report" in out.output
