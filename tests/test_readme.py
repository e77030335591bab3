"""Every command and URL of README.md, run as a newcomer would run it, against the samples.

A fresh clone, ``govsearch ingest samples --catalog samples/catalog.csv --prune`` and
``govsearch serve`` (what ``.ci/demo`` does) into ``govsearch-data`` of a scratch folder; then
each fenced shell command is run by bash exactly as written (``govsearch`` being this checkout's
CLI, the port this test's), each query of the "Query syntax" table, each endpoint of "HTTP API",
each page of "Web pages" and each example the pages themselves suggest (the search box hint, the
tips, the zero-result advice) is tried, and what the text promises is checked.

A command the README gains without a check here fails :func:`test_every_fenced_command_is_run`:
it must either get a check or be listed in ``NOT_RUN`` with the reason and the test that covers
it. (Issue 11: the README's curl got ``400``, its 文号 example found nothing.)
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
SAMPLES = REPO / "samples"
DOCNO = "国办发〔2019〕6号"  # samples: govcn_002 (TXT) and its HTML rendering

# Commands of the README not run here, each with why and where it is covered instead.
NOT_RUN: dict[str, str] = {
    "bash .ci/demo": "runs `ingest samples … --prune` and `serve` on port 8000: the fixture "
    "below runs the same two commands (test_demo_runs_what_the_fixture_runs)",
    "bash .ci/test": "is this test suite",
    "export GOVSEARCH_": "Elasticsearch settings for a real cluster: tests/search_index/"
    "test_elastic.py runs the backend on the node .ci/elasticsearch.sh starts",
    "govsearch ingest /archive": "an archive that is an example: ingest is run by the fixture",
    "govsearch serve --host 0.0.0.0": "serve is run by the fixture (on 127.0.0.1)",
    "govsearch keys revoke 3f9a1c2b7d4e": "an example id: tests/security/test_admin.py revokes "
    "real keys",
    "python3 -m pytest tests/search_index/test_cluster.py": ".ci/test runs it on the 3-node "
    "cluster that `.ci/es-cluster.sh start 3` starts",
    "bash .ci/es-cluster.sh node-kill": "tests/search_index/test_cluster.py kills and restarts "
    "a node with these commands; .ci/test stops the cluster",
    "for folder in /archive/": "archive folders that are an example (a four-line loop): "
    "ingest into Elasticsearch is run by tests/search_index/test_elastic.py",
    'govsearch ingest "$folder"': "the loop's body (see above)",
    '--report "report-': "the loop's body (see above)",
    "done": "the loop's end (see above)",
}


# -- the README's parts ------------------------------------------------------------------------
def fenced_commands() -> list[tuple[str, str]]:
    """``(command, comment)`` of every line of every ```bash / ```sh block."""
    out = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            command, _, comment = line.partition("  #")
            out.append((command.strip(), comment.strip(" #")))
    return out


def section(title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, flags=re.S | re.M)
    assert m, f"README has no section {title!r}"
    return m.group(1)


def table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-:| ]+\|$", line):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([c.strip() for c in cells])
    return rows[1:]  # without the header


def codes(cell: str) -> list[str]:
    return [c.replace("\\|", "|") for c in re.findall(r"`([^`]+)`", cell)]


# -- a server over the samples, set up as the README says -------------------------------------
@dataclass(frozen=True)
class Served:
    folder: Path  # the newcomer's working folder, holding govsearch-data
    port: int
    env: dict[str, str]

    def get(self, path: str, params: dict | None = None) -> tuple[int, dict]:
        url = urllib.parse.quote(path, safe="/?&=%")  # as a browser sends it
        url += "?" + urllib.parse.urlencode(params, doseq=True) if params else ""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", url)
        res = conn.getresponse()
        body = res.read().decode()
        conn.close()
        return res.status, (json.loads(body) if body.startswith(("{", "[")) else {"html": body})

    def search(self, q: str, **params: object) -> dict:
        status, body = self.get("/api/search", {"q": q, "size": 20, **params})
        assert status == 200, (q, body)
        return body

    def text(self, doc_id: str) -> str:
        status, body = self.get(f"/api/documents/{doc_id}")
        assert status == 200, body
        return body["text"]

    def bash(self, command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = command.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}")
        proc = subprocess.run(
            ["bash", "-c", command], cwd=self.folder, env=self.env, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip
        if check:
            assert proc.returncode == 0, (command, proc.stdout[-2000:], proc.stderr[-2000:])
        return proc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("newcomer")
    bin_dir = folder / "bin"  # `govsearch` is this checkout's CLI, as `pip install -e .` makes it
    bin_dir.mkdir()
    (bin_dir / "govsearch").write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -m govsearch.cli "$@"\n', encoding="utf-8"
    )
    (bin_dir / "govsearch").chmod(0o755)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GOVSEARCH_")},
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
    }
    ingest = subprocess.run(
        ["govsearch", "--data-dir", "govsearch-data", "ingest", str(SAMPLES), "--catalog",
         str(SAMPLES / "catalog.csv"), "--prune", "--quiet"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert "README.md" not in ingest.stdout, ingest.stdout  # issue 11, item 10: not "skipped"
    embed = subprocess.run(
        ["govsearch", "--data-dir", "govsearch-data", "embed"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert embed.returncode == 0 and "documents have vectors" in embed.stdout, embed.stderr
    port = _free_port()
    server = subprocess.Popen(
        ["govsearch", "--data-dir", "govsearch-data", "serve", "--port", str(port)],
        cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not start: {server.stdout.read()}") from None
                time.sleep(0.3)
        yield Served(folder, port, env)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()


# -- fenced commands ---------------------------------------------------------------------------
def _check_curl_search(served: Served, command: str, comment: str) -> None:
    if not shutil.which("curl"):
        if os.environ.get("CI"):
            pytest.fail("curl is missing (.ci/install installs it)")
        pytest.skip("curl is not installed")
    out = served.bash(command).stdout
    assert "\\u" not in out  # readable: 政务公开, not \u653f\u52a1…
    body = json.loads(out)
    assert body["total"] > 0 and len(body["hits"]) == 3
    assert "政务公开" in out or "政务" in out


def _check_search(served: Served, command: str, comment: str) -> None:
    out = served.bash(command).stdout
    m = re.match(r"(\d+) results", out)
    assert m and int(m.group(1)) > 0, out
    if "Traditional documents" in comment:  # a Simplified query finds Traditional documents
        first = out.splitlines()[1]
        assert "個人資料保護" in first, out
    if "文号" in comment:
        assert DOCNO in comment and DOCNO in out.splitlines()[2], out
        assert int(m.group(1)) == 1, out  # its TXT and HTML copies are one result
    if "by meaning" in comment:  # the semantic leg: the words alone find nothing
        assert "道路交通安全违法行为记分管理办法" in out.splitlines()[1], out
        served.bash("mv govsearch-data/vectors govsearch-data/vectors.off")
        try:
            words_only = served.bash(command).stdout
        finally:
            served.bash("mv govsearch-data/vectors.off govsearch-data/vectors")
        assert words_only.startswith("0 results"), words_only


def _check_keys(served: Served, command: str, comment: str) -> None:
    out = served.bash(command).stdout
    if " create " in command:
        assert "created key" in out and re.search(r"^gs_\S+$", out, re.M), out
    else:
        assert "Zhang Wei" in out and "active" in out, out


def _check_reindex(served: Served, command: str, comment: str) -> None:
    proc = served.bash(command, check=False)  # the embedded index says how it is rebuilt
    assert proc.returncode == 2 and "govsearch ingest" in proc.stderr, proc.stderr


def _check_report(served: Served, command: str, comment: str) -> None:
    served.bash(command)
    target = served.folder / command.rsplit(">", 1)[1].strip()
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines and "相隔工作日" in lines[0], lines[:2]  # a CSV with its Chinese header


def _check_gaps(served: Served, command: str, comment: str) -> None:
    served.bash(command)
    target = served.folder / command.rsplit(">", 1)[1].strip()
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows and all(r["文号"] == "" and r["说明"] == "缺文号" for r in rows), rows[:2]


def _check_report_curl(served: Served, command: str, comment: str) -> None:
    out = served.bash("govsearch --data-dir govsearch-data keys create readme").stdout
    key = re.search(r"^gs_\S+$", out, re.M).group(0)
    body = json.loads(served.bash(f"KEY={key}; {command}").stdout)
    if "/gaps?" in command:  # what the comment shows: the samples' 200 files, two fields
        assert body["covered"] == 200 and body["fields"] == ["agency", "written_date"], body
        assert set(body["counts"]) == {"agency", "written_date"}
        assert body["rows"] and all(r["lacks"] for r in body["rows"])
        return
    for part in ("documents", "missing", "uncountable", "by_agency"):  # what the comment shows
        assert part in body, (part, sorted(body))


REPORT_CURL = "curl -s -H \"Authorization: Bearer $KEY\" 'http://127.0.0.1:8000/api/reports"
CHECKS: dict[str, Callable[[Served, str, str], None]] = {
    "govsearch report timeliness": _check_report,
    "govsearch report gaps": _check_gaps,
    REPORT_CURL: _check_report_curl,
    "curl -s 'http://127.0.0.1:8000/api/search": _check_curl_search,
    "govsearch --data-dir govsearch-data search": _check_search,
    "govsearch keys create": _check_keys,
    "govsearch keys list": _check_keys,
    "govsearch reindex": _check_reindex,
}


def _kind(command: str) -> tuple[str, Callable | None]:
    for prefix, check in CHECKS.items():
        if command.startswith(prefix):
            return prefix, check
    for prefix in NOT_RUN:
        if command.startswith(prefix):
            return prefix, None
    raise AssertionError(f"README command without a test: {command!r} (add it to CHECKS)")


def test_every_fenced_command_is_run(served: Served) -> None:
    found = fenced_commands()
    assert len(found) >= 8
    kinds = {_kind(c)[0] for c, _ in found}  # every command is either checked or NOT_RUN
    assert "govsearch --data-dir govsearch-data search" in kinds
    for command, comment in found:
        _, check = _kind(command)
        if check is not None:
            check(served, command, comment)


def test_demo_runs_what_the_fixture_runs() -> None:
    demo = (REPO / ".ci" / "demo").read_text(encoding="utf-8")
    assert "ingest samples --catalog samples/catalog.csv --prune" in demo
    assert "govsearch.cli embed" in demo
    assert re.search(r"govsearch\.cli serve --host", demo)
    assert "fonts-noto-cjk" in demo  # issue 11, item 9: no boxes for characters


def test_command_line_synopsis_matches_the_cli() -> None:
    from govsearch.cli import main

    block = re.search(r"## Command line\n\n```\n(.*?)```", README, flags=re.S).group(1)
    for line in block.splitlines():
        words = line.split("]", 1)[1].split()
        for part in re.split(r"\s\|\s", " ".join(words)):
            sub = part.split()
            cmd = main.commands[sub[0]]
            if sub[0] in ("keys", "shared"):
                cmd = cmd.commands[sub[1]]
            options = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
            for option in re.findall(r"--[a-z-]+", part):
                assert option in options, (line, option)


# -- query syntax ------------------------------------------------------------------------------
def _hits(served: Served, q: str) -> list[dict]:
    body = served.search(q)
    assert body["total"] > 0, f"README example {q!r} finds nothing in samples/"
    return body["hits"]


def _compact(s: str) -> str:
    return re.sub(r"[\W_]+", "", s)


def test_query_syntax_table(served: Served) -> None:
    rows = table_rows(section("Query syntax"))
    assert len(rows) >= 8
    seen = 0
    for typed_cell, meaning in rows:
        examples = codes(typed_cell)
        first = examples[0]
        if "pinyin" in meaning:  # every pinyin example finds something in the samples
            for ex in examples:
                _hits(served, ex)
                seen += 1
            continue
        for ex in examples:
            # a bare alias (`文号:`) means the first example with that prefix, a bare
            # operator (`|`) the first example with it
            q = ex + first.split(":", 1)[1] if ex.endswith(":") else ex
            q = first.replace(" OR ", f" {ex} ") if ex == "|" else q
            hits = _hits(served, q)
            seen += 1
            if "exact phrase" in meaning:
                phrase = _compact(q.strip('"“”「」'))
                assert all(phrase in _compact(served.text(h["id"])) for h in hits), q
            elif "exclude" in meaning:
                word = _compact(q.lstrip("-"))
                assert all(word not in _compact(served.text(h["id"])) for h in hits), q
            elif "either" in meaning:
                assert served.search(q)["total"] == served.search(first)["total"], q
            elif "title only" in meaning:
                word = q.replace("：", ":").split(":", 1)[1].strip()
                assert all(word in h["title"] for h in hits), q
            elif "文号" in meaning:
                assert hits[0]["doc_number"] == DOCNO and len(hits) == 1, (q, hits[:2])
            elif "agency" in meaning:
                assert all("国务院" in h["agency"] for h in hits), q
            elif "plain text" in meaning:
                ignored = served.search(q)["understood"]["ignored"]
                assert "怎样" in ignored, ignored
    assert seen >= 12


def test_docno_variants_match_each_other(served: Served) -> None:
    m = re.search(r"文号 variants match each other:\n(.*?)\.\s", section("Query syntax"), re.S)
    variants = [v.strip() for v in m.group(1).replace("\n", " ").split(" = ")]
    assert len(variants) == 10 and variants[0] == DOCNO  # typed with spaces, 年, 〖〗
    for v in variants:
        hits = _hits(served, v)
        assert [h["doc_number"] for h in hits] == [DOCNO], v


def test_docno_typed_loosely(served: Served) -> None:
    loose = r"still meets 国办发〔2019〕6号: (.*?); (.*?) stay text\."
    m = re.search(loose, section("Query syntax"), re.S)
    listed = re.sub(r"\s*\(.*?\)", "", m.group(1).replace("\n", " "))
    forms = [v.strip() for v in listed.split(" = ")]
    assert len(forms) == 6 and forms[0] == "国办发〔2019〕6", forms
    for v in forms:
        body = served.search(v)
        assert [h["doc_number"] for h in _hits(served, v)] == [DOCNO], v
        assert body["understood"]["doc_numbers"] == ["国办发2019-6"], v
    texts = re.split(r",| and ", m.group(2).replace("\n", " "))
    assert len(texts) == 3
    for q in texts:
        assert served.search(q.strip())["understood"]["doc_numbers"] == [], q


def test_docno_typed_with_its_agencys_name(served: Served) -> None:
    m = re.search(r"typed with its agency's name, (\S+) or (\S+), is read under the\nprefixes of"
                  r" that agency's own 文号 \((\S+), (\S+)\)", section("Query syntax"))  # fmt: skip
    typed, prefixes = m.group(1, 2), m.group(3, 4)
    for q in typed:
        body = served.search(q)
        assert [h["doc_number"] for h in _hits(served, q)][:1] == [DOCNO], q
        assert [k for k in body["understood"]["doc_numbers"] if k[:3] in prefixes] == [
            f"{p}2019-6" for p in prefixes
        ], body["understood"]


def test_synonym_examples(served: Served) -> None:
    pairs = re.findall(r"([\u4e00-\u9fff]+) → ([\u4e00-\u9fff]+)", section("Query syntax"))
    assert len(pairs) >= 2
    for short, official in pairs:
        body = served.search(short)
        assert body["total"] > 0, short
        assert official in body["understood"]["synonyms"].get(short, []), body["understood"]


# -- HTTP API ----------------------------------------------------------------------------------
def test_http_api_table(served: Served) -> None:
    rows = {codes(r[0])[0]: r[1] for r in table_rows(section("HTTP API").split("Errors")[0])}
    search = next(e for e in rows if e.startswith("GET /api/search"))
    status, body = served.get("/api/search", {"q": "条例", "category": "政策法规", "size": 5})
    assert status == 200
    assert rows[search].startswith("`{total, took_ms, page, size, hits: [{id, path, title,")
    for key in ("total", "took_ms", "page", "size", "hits", "facets", "understood"):
        assert key in body, key
    for key in ("id", "path", "title", "title_html", "snippet", "score", "category", "agency",
                "doc_number", "date", "validity", "copies"):  # fmt: skip
        assert key in body["hits"][0], key
    assert set(body["facets"]) == {"category", "agency", "year", "validity"}
    assert all(h["category"] == "政策法规" for h in body["hits"])

    exported = next(e for e in rows if e.startswith("GET /api/export"))
    assert "its first `limit`" in rows[exported]
    status, listed = served.get("/api/export", {"q": "条例", "category": "政策法规",
                                                "format": "json", "limit": 5})  # fmt: skip
    assert status == 200 and listed["total"] == body["total"] and listed["exported"] == 5
    assert [d["id"] for d in listed["documents"]] == [h["id"] for h in body["hits"]]
    assert listed["documents"][0]["url"].endswith(f"/documents/{body['hits'][0]['id']}")
    assert any(e.startswith("GET /api/feed") for e in rows)
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
    conn.request("GET", "/api/feed?" + urllib.parse.urlencode({"q": "条例"}))
    res = conn.getresponse()
    assert res.status == 200 and b"<feed" in res.read()
    assert res.getheader("Content-Type", "").startswith("application/atom+xml")
    conn.close()

    doc_id = body["hits"][0]["id"]
    status, doc = served.get(f"/api/documents/{doc_id}", {"q": "条例"})
    assert status == 200 and "<mark>" in doc["text_html"] and doc["text"]
    status, sug = served.get("/api/suggest", {"q": "失业"})
    assert status == 200 and any("失业" in s for s in json.dumps(sug, ensure_ascii=False).split())
    status, health = served.get("/api/health")
    status2, stats = served.get("/api/stats")
    assert status == status2 == 200
    assert health["status"] == "ok" and stats["documents"] > 0
    assert "documents" not in health["backend"]  # counts are for staff (README "Security")
    assert "`GET /api/ready`" in section("HTTP API")
    for _ in range(600):  # 503 "starting" while the server reads ahead, then as health says
        status, ready = served.get("/api/ready")
        if status == 200:
            break
        assert ready["status"] == "starting", ready
        time.sleep(0.1)
    assert status == 200 and ready["status"] == "ok", ready

    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
    draft = (SAMPLES / "docs/govcn_policy/govcn_002.txt").read_text(encoding="utf-8")
    conn.request("POST", "/api/duplicates", json.dumps({"text": draft}),
                 {"Content-Type": "application/json"})  # fmt: skip
    res = conn.getresponse()
    dup = json.loads(res.read())
    assert res.status == 200, dup
    conn.close()
    assert "POST /api/duplicates" in rows


def test_error_examples(served: Served) -> None:
    text = section("HTTP API").split("Errors", 1)[1]
    assert "`422 invalid_parameters`" in text and "`400 bad_request`" in text
    for params in ({"date_from": "2019-13-01"}, {"size": "500"}, {"page": "abc"},
                   {"sort": "bogus"}, {"catgory": "政策法规"}):  # fmt: skip
        status, body = served.get("/api/search", {"q": "条例", **params})
        assert (status, body["error"]["code"]) == (422, "invalid_parameters"), params
    for params in ({"date_from": "2020-01-01", "date_to": "2019-01-01"},
                   {"page": "1001", "size": "10"}):  # fmt: skip
        status, body = served.get("/api/search", {"q": "条例", **params})
        assert (status, body["error"]["code"]) == (400, "bad_request"), params
    status, body = served.get("/api/documents/" + "0" * 16)
    assert (status, body["error"]["code"]) == (404, "not_found")


# -- web pages and the examples they suggest ---------------------------------------------------
def test_web_pages_table(served: Served) -> None:
    rows = [codes(r[0])[0] for r in table_rows(section("Web pages").split("Every state")[0])]
    doc_id = served.search("条例")["hits"][0]["id"]
    for page in rows:
        path = page.replace("{id}", doc_id).replace("?q=", "?q=条例")
        status, body = served.get(path)
        assert status == 200 and "<html" in body["html"], page
    example = re.search(r"a URL \(`(/\?[^`]+)`\)", section("Web pages")).group(1)
    status, body = served.get(example)
    assert status == 200 and 'aria-current="page"' in body["html"]
    assert re.search(r'<li class="result" id="r-[0-9a-f]{16}">', body["html"]), (
        "page 2 of the example is empty")


def test_life_events_section(served: Served) -> None:
    text = section("Web pages").split("### Life events", 1)[1]
    shown = re.search(r"\((查文件里的说法：[^)]+份文件)\)", text.replace("\n", "")).group(1)
    _, page = served.get("/events/death")
    assert shown in page["html"], shown  # the words and the count the README shows
    events, questions = map(int, re.search(r"\((\d+) events, (\d+) questions\)", text).groups())
    status, listed = served.get("/api/life-events")
    assert status == 200 and len(listed["events"]) == events
    assert sum(len(e["questions"]) for e in listed["events"]) == questions
    status, one = served.get("/api/life-events/retirement")
    assert status == 200 and one["questions"] and all("total" in q for q in one["questions"])
    rows = {codes(r[0])[0] for r in table_rows(section("HTTP API").split("Errors")[0])}
    assert "GET /api/life-events" in rows


def _kbd(html: str) -> list[str]:
    import html as html_lib

    return [html_lib.unescape(k) for k in re.findall(r"<kbd>(.*?)</kbd>", html)]


def test_examples_on_the_pages_find_something(served: Served) -> None:
    _, start = served.get("/")
    _, zero = served.get("/", {"q": '"绿化条例琥珀湾区"'})
    examples = _kbd(start["html"]) + _kbd(zero["html"])
    assert DOCNO in examples and "标题:养老" in examples and len(examples) >= 10
    for q in examples:
        _hits(served, q)


def test_raw_utf8_request_line(served: Served) -> None:
    """People paste Chinese into curl: the bytes arrive unencoded, split over reads, on a
    kept-alive connection; each request is answered as if it had been percent-encoded."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=60) as sock:
        for q in ("政务公开", DOCNO):
            line = f"GET /api/search?q={q}&size=1 HTTP/1.1\r\n".encode()
            sock.sendall(line[:20])  # cut inside a character
            time.sleep(0.05)
            sock.sendall(line[20:] + b"Host: x\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(65536)
            header, _, body = head.partition(b"\r\n\r\n")
            assert header.startswith(b"HTTP/1.1 200"), header
            length = int(re.search(rb"content-length: (\d+)", header, re.I).group(1))
            while len(body) < length:
                body += sock.recv(65536)
            assert json.loads(body)["total"] > 0
