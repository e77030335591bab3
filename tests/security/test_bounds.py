"""Issue 10, part B: anonymous input that cannot hurt the server.

Each test names the issue item it pins. Hostile files are generated (tests/security/files.py)
and go through the real extractors, the real bounded runner, the real app and real indexes.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import io
import pickle
import resource
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzers.spreadsheet import safe_cell as csv_cell
from govsearch.app import create_app
from ingest import bounded
from ingest.errors import ExtractionError, ExtractionTimeout, UnsafeFile
from ingest.formats import docx as docx_format
from ingest.formats import html as html_format
from ingest.formats import registry
from model.errors import TooManyRequests
from model.settings import Settings
from model.viewer import ANONYMOUS
from search_api.keys_elastic import open_keys
from search_api.limits import LONG_QUERY_CHARS, HeavyGate
from search_index.planner import MAX_COSTLY_ATOMS, MAX_QUERY_WORDS, MAX_SINGLE_CHAR_ATOMS, plan
from search_index.request import Query
from search_index.tree import Bool, Node, Regex
from tests.search_index.dup_support import BACKENDS, backend, documents, load
from tests.security import files as F

from .conftest import TestClient

# -- item 2: parsing bounded at the root and by the runner ------------------------------------


def _seconds(fn, *args) -> float:
    start = time.perf_counter()
    try:
        fn(*args)
    except UnsafeFile:
        pass  # refused before parsing: also bounded
    return time.perf_counter() - start


def _growth(make, small: int) -> float:
    """How much longer 4× the input takes (≈4 when linear, ≈16 when quadratic); the best of
    three runs each, so a busy machine does not decide."""
    a = min(_seconds(html_format.extract, make(small), "x.html") for _ in range(3))
    b = min(_seconds(html_format.extract, make(4 * small), "x.html") for _ in range(3))
    return b / max(a, 1e-3)


@pytest.mark.parametrize("unit", ["<table><tr><td>索引号</td><td>发文字号", "<strong>字"])
def test_hostile_html_is_parsed_in_linear_time(unit: str) -> None:
    growth = _growth(lambda n: F.html_page(unit * n), 700)  # 4× stays under the open-element cap
    assert growth < 11, f"4× the nesting took {growth:.1f}× as long (quadratic)"


def test_repeal_clauses_are_read_in_linear_time() -> None:
    """The review of the thirty-second session: a text without 。；, flattened from HTML, made
    the repeal reader (run on every public document in the ingest's main process) rescan from
    every character: 0.8 s at 10k characters, 51 s at 80k."""
    from analyzers.repeals import repealed_titles

    def cost(n: int) -> float:
        text = "《甲办法》" * (n // 5) + "同时废止" + "废止" * (n // 20)
        return min(_seconds(repealed_titles, text) for _ in range(3))

    growth = cost(80_000) / max(cost(20_000), 1e-3)
    assert growth < 11, f"4× the text took {growth:.1f}× as long (quadratic)"


def test_page_edges_of_long_dash_runs_are_read_in_linear_time() -> None:
    """QA pass 51b: a 1 KB PDF whose page edges held lines of 10,000 dashes stalled the server
    for 13 s, in its own process: the page-number pattern, anchored at a line's end, tried
    every start in the run. A dashed page number is looked for within a mark's reach."""
    from ingest.formats.pages import strip_running_lines

    def cost(n: int) -> float:
        line = "x" + "-" * n + "y"
        pages = ["\n".join([line, line, "正文", line, line])] * 2
        return min(_seconds(strip_running_lines, pages) for _ in range(3))

    growth = cost(16_000) / max(cost(4_000), 1e-3)
    assert growth < 11, f"4× the dashes took {growth:.1f}× as long (quadratic)"
    # a dashed page number is still one
    assert strip_running_lines(["正文甲\n- 1 -", "正文乙\n- 2 -", "正文丙\n- 3 -"]) == [
        "正文甲", "正文乙", "正文丙"]  # fmt: skip


def test_a_long_passage_of_a_draft_is_compared_in_linear_time() -> None:
    """QA pass 51b: a public table passage repeated with a few digits changed (30,000
    characters, no sentence end) held the server's one anonymous duplicate check for 14 s, 40 s
    at 50,000: difflib ran on the whole passage. Past a length the facts each side holds and
    the other lacks are named instead, a 文号 changed among them."""
    from duplicates.textdiff import passage_changes

    def rows(n: int, year: int = 2019) -> str:
        cells = (f"{i} | 国办发〔{year if i == 5 else 2019}〕{i}号 | 0 0 0 1 0" for i in range(n))
        return " | ".join(cells)

    def cost(n: int) -> float:
        return min(_seconds(passage_changes, rows(n, 2020), rows(n)) for _ in range(3))

    growth = cost(3200) / max(cost(800), 1e-3)
    assert growth < 11, f"4× the passage took {growth:.1f}× as long (quadratic)"
    changes = passage_changes(rows(3200, 2020), rows(3200))
    assert [(c.kind, c.draft, c.existing) for c in changes] == [
        ("docno", "国办发〔2020〕5号", "国办发〔2019〕5号")]  # fmt: skip


def test_a_long_lines_marks_are_placed_in_linear_time() -> None:
    """QA pass 51b: a public text of one 480,000-character line took the document page 9 s
    (the API 0.2 s): for each of its 79,000 marks the line was read back to its start, to ask
    whether the mark heads it."""
    from search_index.highlight import heads_an_article

    unit = "<mark>养老</mark>保险金额"

    def every_mark(text: str) -> None:
        for at in range(0, len(text), len(unit)):
            heads_an_article(text, at, at + 13)

    def cost(n: int) -> float:
        return min(_seconds(every_mark, unit * n) for _ in range(3))

    growth = cost(80_000) / max(cost(20_000), 1e-3)
    assert growth < 11, f"4× the marks took {growth:.1f}× as long (quadratic)"


def test_nested_tables_still_yield_metadata_of_a_real_table() -> None:
    page = F.html_page(
        "<table><tr><td><table><tr><td>索引号</td><td>000014349/2019-00012</td></tr>"
        "<tr><td>发文字号</td><td>国办发〔2019〕5号</td></tr></table></td></tr></table>"
        "<p>正文内容在这里，足够长的正文文字。</p>"
    )
    ex = html_format.extract(page, "x.html")
    assert ex.properties["发文字号"] == "国办发〔2019〕5号"
    assert "索引号" not in ex.text and "正文内容" in ex.text


def test_docx_of_many_tiny_paragraphs_is_fast() -> None:
    data = F.make_docx_paragraphs(4000)
    took = _seconds(docx_format.extract, data, "x.docx")
    assert took < 12, f"4,000 paragraphs took {took:.1f} s (style looked up per paragraph)"
    assert docx_format.extract(data, "x.docx").text.count("\n") == 3999


def test_docx_whose_zip_directory_lies_is_refused_without_inflating() -> None:
    data = F.make_docx_lying_zip(inflated_mb=192)
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert sum(i.file_size for i in infos) < 2**20  # the directory check alone passes
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(UnsafeFile, match="zip bomb"):
        docx_format.extract(data, "lie.docx")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 64, f"peak memory grew by {grown_mb:.0f} MB"


def test_a_docx_too_large_to_read_is_refused_at_a_limit_not_called_damaged(monkeypatch) -> None:
    """QA pass 51b: a DOCX whose XML inflates to 154 MB opened, then ran out of the parser's
    memory while its paragraphs were read; lxml said "unknown error" and the file was called
    damaged (limit_hit false). Reading it, as opening it, a large XML's failure is the limit.
    (The memory fault is made here: a real one takes 30 s and 18 MB of test data.)"""
    data = F.make_docx("标题", ["正文一段。"])

    def out_of_memory(doc):
        raise RuntimeError("unknown error")

    monkeypatch.setattr(docx_format, "_read", out_of_memory)
    with pytest.raises(ExtractionError, match="damaged DOCX") as small:
        docx_format.extract(data, "x.docx")
    assert not isinstance(small.value, UnsafeFile)
    monkeypatch.setattr(docx_format, "LARGE_XML_BYTES", 10)
    with pytest.raises(UnsafeFile, match="too large to parse within the memory limit"):
        docx_format.extract(data, "x.docx")


def _allocate(mb: int) -> int:
    return len(bytearray(mb * 2**20))


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def test_bounded_runner_has_a_memory_and_a_time_limit() -> None:
    lim = bounded.Limits(timeout=20, memory_mb=256)
    assert bounded.run_bounded(_allocate, (16,), lim) == 16 * 2**20
    with pytest.raises(UnsafeFile, match="256 MB memory limit"):
        bounded.run_bounded(_allocate, (1024,), lim)
    assert bounded.run_bounded(_allocate, (1,), lim) == 2**20  # a fresh child after a kill
    start = time.monotonic()  # the idle child is reused: this times the limit, not a start
    with pytest.raises(ExtractionTimeout, match="time limit"):
        bounded.run_bounded(_sleep, (30.0,), bounded.Limits(timeout=0.5, memory_mb=256))
    assert time.monotonic() - start < 10
    assert bounded.run_bounded(_allocate, (1,), lim) == 2**20  # and again after a time-out


def _refuse(reason: str) -> None:
    raise ExtractionError(f"refused ({reason})", reason=reason, named="pdf")


def test_an_error_keeps_its_reason_code_across_the_bounded_child_and_a_pickle() -> None:
    """The duplicate page says a file's fault in Chinese by the error's reason code (QA pass
    50c: it read the English message, the file's name and all); the code must survive the
    child an extractor runs in, and the pickle that brings an ingest worker's failure back."""
    with pytest.raises(ExtractionError) as caught:
        bounded.run_bounded(_refuse, ("encrypted",), bounded.Limits(timeout=20, memory_mb=256))
    assert caught.value.reason == "encrypted" and caught.value.data == {"named": "pdf"}
    assert str(caught.value) == "refused (encrypted)"
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is ExtractionError
    assert (again.reason, again.data) == ("encrypted", {"named": "pdf"})


def _slow_extract(data: bytes, filename: str):
    time.sleep(30)


def test_every_format_goes_through_the_bounded_runner() -> None:
    """Any registered format (not only PDF) is killed at the common time limit."""
    before = bounded.limits()
    bounded.configure(timeout=0.5)
    registry.register(registry.Format(name="slowfmt", extensions=("slow",), extract=_slow_extract))
    try:
        with pytest.raises(ExtractionTimeout, match="SLOWFMT parsing exceeded"):
            registry.extract(b"anything", "x.slow")
    finally:
        registry.unregister("slowfmt")
        bounded.configure(timeout=before.timeout or 0, memory_mb=before.memory_mb or 0)


def test_only_text_proven_linear_skips_the_bounded_child(monkeypatch) -> None:
    """A UTF-8 Chinese TXT of at most 1 MB is decoded in the process (the child's pickle round
    trip cost as much as the decoding: issue 13); any text that needs the encoding detector or
    the mojibake repair, or is larger, still goes to the child, and the result is the same."""
    from ingest.formats import txt

    children: list[str] = []
    real = bounded.run_bounded

    def counted(func, args, lim=None, *, what="parsing"):
        children.append(what)
        return real(func, args, lim, what=what)

    monkeypatch.setattr(bounded, "run_bounded", counted)
    chinese = "第一条 为了规范政府信息公开工作，制定本条例。\r\n" * 20
    for data in (chinese.encode("utf-8"), b"\xef\xbb\xbf" + chinese.encode("utf-8")):
        name, got = registry.extract(data, "a.txt")
        assert name == "txt" and not children
        assert got == real(txt.extract, (data, "a.txt"))  # what the child gives
    slow = [chinese.encode("gb18030"),  # the encoding detector's
            "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e. ".encode() * 20,  # no Han: the repair looks
            chinese.encode("utf-8") * (txt.QUICK_BYTES // len(chinese.encode()) + 1)]  # fmt: skip
    for data in slow:
        children.clear()
        registry.extract(data, "a.txt")
        assert children == ["TXT parsing"], data[:20]
    children.clear()
    with pytest.raises(ExtractionError, match="binary"):  # refused in the process as in the child
        registry.extract("政府信息\x00公开".encode(), "a.txt")
    assert not children


@pytest.mark.parametrize("unit", ["<p", '<p "', "<div a='", "<script", "<style a='"])
def test_tags_never_closed_are_counted_in_linear_time(unit: str) -> None:
    """The depth count's pattern scanned to the page's end from every < of a tag never closed
    (64,000 "<p" took 167 s, before any parser: the thirty-fourth session's review; 64,000
    "<script", a raw-text element's tag, 27 s: QA pass 51b)."""

    def took(n: int) -> float:
        return min(_seconds(html_format.nesting_depth, unit * n) for _ in range(3))

    growth = took(8000) / max(took(2000), 1e-3)
    assert growth < 11, f"4× the tags took {growth:.1f}× as long (quadratic)"
    assert _seconds(html_format.nesting_depth, unit * 64_000) < 5


def test_deeply_nested_html_is_refused_before_parsing() -> None:
    """The parser's own scope checks are quadratic in nesting depth (16,000 nested <div>:
    seconds in lexbor), so depth is capped before parsing; just under the cap stays quick."""
    for unit in ("<div>字", '<div class="nav">字', "<nav>字"):
        start = time.perf_counter()
        with pytest.raises(UnsafeFile, match="elements open inside each other"):
            html_format.extract(F.html_page(unit * 16000), "deep.html")
        assert time.perf_counter() - start < 5
        assert _seconds(html_format.extract, F.html_page(unit * 2900), "x.html") < 15
    # QA pass 24a: nested and closed again took 16 s for 100,000 (the depth reached counts)
    closed = "<html><body>" + "<div>" * 100_000 + "深层" + "</div>" * 100_000 + "</body></html>"
    with pytest.raises(UnsafeFile, match="100,000 elements open inside each other"):
        html_format.extract(closed.encode(), "deep.html")
    # end tags that close nothing open, or sit in a comment, a script or an attribute's value,
    # close nothing (QA pass 24c: each passed the count and took the parser 14–27 s)
    for unit in ("<div></x>", "<div><!--</div>-->", '<div title="</div>">',
                 "<div><script>'</div>'</script>"):  # fmt: skip
        start = time.perf_counter()
        with pytest.raises(UnsafeFile, match="elements open inside each other"):
            html_format.extract(F.html_page(unit * 50_000), "deep.html")
        assert time.perf_counter() - start < 5, unit
    # elements side by side, and those whose end tag HTML infers, nest nothing
    assert html_format.nesting_depth("<div><p>a<p>b<br><img></div>" * 5000) == 1
    assert html_format.nesting_depth("</div></div><div><span>a</span></div>") == 2


def test_an_element_with_thousands_of_attributes_is_refused_before_parsing() -> None:
    """QA pass 36b: a 4.8 MB page of 300,000 attributes on one element held its extraction to
    the 30 s limit (lexbor compares each attribute with those before it). Over 1,000 on one
    element, the page is refused as unsafe at once; just under, it is read; attributes in a
    comment or a script are no element's."""
    many = " ".join(f'a{i}="v{i}"' for i in range(300_000))
    start = time.perf_counter()
    with pytest.raises(UnsafeFile, match="300,000 attributes"):
        html_format.extract(F.html_page(f"<div {many}>政府信息公开</div>"), "many.html")
    assert time.perf_counter() - start < 10
    under = " ".join(f'a{i}="v{i}"' for i in range(html_format.MAX_ATTRIBUTES))
    got = html_format.extract(F.html_page(f"<div {under}>政府信息公开</div>"), "ok.html")
    assert "政府信息公开" in got.text
    hidden = f"<!--<div {many}>--><script>var s='<div {many}>';</script><p>政府信息公开</p>"
    assert html_format.most_attributes(hidden) == 0


_BOMB_IN_A_FRESH_PROCESS = """
import sys, time
from ingest import bounded
from ingest.errors import IngestError
from ingest.formats import registry
data = open(sys.argv[1], "rb").read()
bounded.configure(memory_mb=256)
start = time.monotonic()
try:
    _, ex = registry.extract(data, "bomb.pdf")
    outcome = "parsed" if "bomb" in ex.text else "no bomb text"
except IngestError as exc:
    outcome = str(exc)
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would report the forking parent's peak
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(peak, time.monotonic() - start, outcome, sep="\\t")
"""


def test_pdf_whose_stream_inflates_to_512_mb_stays_under_the_memory_limit(tmp_path: Path) -> None:
    """Run in a fresh interpreter, so its peak RSS is this file's alone (the test session's
    own high-water mark says nothing about one extraction)."""
    data = F.make_pdf_stream_bomb(inflated_mb=512)
    assert len(data) < 2_000_000
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(data)
    proc = subprocess.run(
        [sys.executable, "-c", _BOMB_IN_A_FRESH_PROCESS, str(bomb)],
        capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    peak_kb, seconds, outcome = proc.stdout.strip().splitlines()[-1].split("\t", 2)
    assert outcome == "parsed" or any(
        w in outcome.lower() for w in ("limit", "damaged", "no text")
    ), outcome  # parsed within 256 MB is fine too
    assert float(seconds) < 120
    assert int(peak_kb) < 512 * 1024, peak_kb  # the parent never held the 512 MB it inflates to


# -- the app: items 2 (uploads), 4, 11 and the limits -----------------------------------------
@pytest.fixture
def app_client(tmp_path: Path):
    def make(**overrides: object):
        settings = Settings(data_dir=tmp_path / "data", **overrides)  # type: ignore[arg-type]
        _, key = open_keys(settings).create("bounds")
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        return client, {"Authorization": f"Bearer {key}"}

    return make


def test_hostile_uploads_are_a_clear_4xx(app_client) -> None:
    client, _ = app_client()
    lie = F.make_docx_lying_zip(inflated_mb=64)
    r = client.post("/api/duplicates", files={"file": ("lie.docx", lie)})
    assert r.status_code == 422 and "zip bomb" in r.json()["error"]["message"]
    r = client.post("/api/duplicates", files={"file": ("t.html", F.html_page(F.NESTED_STRONG))})
    assert r.status_code in (200, 422), r.text


def test_a_long_token_with_a_point_is_searched_not_a_500(app_client) -> None:
    """QA pass 51b: a1.5 with 480 letters after it made a regex the index refuses (over its
    1,000 states), and every search, page, export and feed of it a 500."""
    client, _ = app_client()
    for q in ("a1.5" + "b" * 480, "1." + "9" * 481):
        for url in ("/api/search", "/", "/api/export"):
            r = client.get(url, params={"q": q})
            assert r.status_code == 200, (url, r.status_code, r.text[:200])


def test_item11_deeply_nested_json_is_a_400(app_client) -> None:
    client, _ = app_client()
    r = client.post(
        "/api/duplicates",
        content=b'{"text":' + b"[" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    # a route whose body FastAPI reads: its own "error parsing the body" was http_error, with
    # no reason (QA pass 36b)
    client, staff = app_client(ingest_roots=(Path("/nonexistent"),))
    json_type = {**staff, "Content-Type": "application/json"}
    deep = b'{"paths":' + b"[" * 5000 + b"]" * 5000 + b"}"
    for body in (deep, b'{"paths":[' + b"9" * 5000 + b"]}"):
        r = client.post("/api/ingest", content=body, headers=json_type)
        err = r.json()["error"]
        assert r.status_code == 400 and err["code"] == "bad_request", r.text
        assert "nested too deeply" in err["message"]


def test_item4_anonymous_health_tells_up_or_down_only(app_client) -> None:
    client, staff = app_client()
    anon = client.get("/api/health").json()
    assert anon == {"status": "ok", "backend": {"backend": "embedded", "status": "ok"}}
    full = client.get("/api/health", headers=staff).json()
    assert "documents" in full["backend"] and "path" in full["backend"]


def test_rate_limit_answers_429_with_retry_after(app_client) -> None:
    client, staff = app_client(rate_limit="2/minute")
    body = {"text": "本市将继续推进老旧小区改造，计划改造小区一百个。"}
    assert [client.post("/api/duplicates", json=body).status_code for _ in range(2)] == [200, 200]
    r = client.post("/api/duplicates", json=body)
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_requests"
    assert int(r.headers["Retry-After"]) in range(1, 61)  # seconds: at most the window
    page = client.post("/duplicates", data={"text": body["text"]})
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "工作人员填写密钥" in page.text and "too many" not in page.text  # Chinese, a way past
    assert client.post("/api/duplicates", json=body, headers=staff).status_code == 200


def test_heavy_gate_queues_then_refuses() -> None:
    async def scenario() -> list[str]:
        gate = HeavyGate(concurrency=1, queue=1, retry_after=7)
        out: list[str] = []
        release = asyncio.Event()

        async def hold(name: str) -> None:
            async with gate.slot():
                out.append(name)
                await release.wait()

        first = asyncio.create_task(hold("first"))
        await asyncio.sleep(0)
        second = asyncio.create_task(hold("second"))  # queued
        await asyncio.sleep(0)
        try:
            async with gate.slot():
                out.append("third")
        except TooManyRequests as exc:
            out.append(f"429 retry {exc.data['retry_after']}")
        release.set()
        await asyncio.gather(first, second)
        return out

    assert asyncio.run(scenario()) == ["first", "429 retry 7", "second"]


def test_one_client_holds_one_place_at_the_gate() -> None:
    """QA pass 30b: five crafted PDFs of 60 s of parsing each, sent at once from one address,
    filled the anonymous gate (1 running, 4 waiting) and every other duplicate check was a 429
    for five minutes. One address holds one place; others still queue for theirs."""

    async def scenario() -> list[str]:
        gate = HeavyGate(concurrency=1, queue=4, retry_after=5, per_client=1)
        out: list[str] = []
        release = asyncio.Event()

        async def hold(client: str) -> None:
            async with gate.slot(client):
                out.append(f"{client} in")
                await release.wait()

        first = asyncio.create_task(hold("10.0.0.9"))
        await asyncio.sleep(0)
        for _ in range(2):
            try:
                async with gate.slot("10.0.0.9"):
                    out.append("10.0.0.9 in again")
            except TooManyRequests as exc:
                out.append("10.0.0.9 429" + (" (own)" if "this address" in str(exc) else ""))
        other = asyncio.create_task(hold("192.168.1.20"))  # queued behind the first
        await asyncio.sleep(0)
        out.append(f"admitted {gate.admitted}")
        release.set()
        await asyncio.gather(first, other)
        async with gate.slot("10.0.0.9"):  # answered: its place is free again
            out.append("10.0.0.9 again")
        return out

    assert asyncio.run(scenario()) == [
        "10.0.0.9 in", "10.0.0.9 429 (own)", "10.0.0.9 429 (own)", "admitted 2",
        "192.168.1.20 in", "10.0.0.9 again",
    ]  # fmt: skip


# -- item 6: quoted single characters ---------------------------------------------------------
def _count(node: Node, kind: type) -> int:
    n = int(isinstance(node, kind))
    if isinstance(node, Bool):
        for part in (*node.must, *node.should, *node.must_not):
            n += _count(part, kind)
    return n


def test_quoted_decimals_and_percents_are_capped() -> None:
    """QA pass 40a: each quoted decimal or percent is a substring scan (eleven took 0.6 s on
    the corpus index, eight percents 8–28 s on a loaded machine); the first four are kept, the
    rest said ignored, and one decimal in words (加班费1.5倍) is never counted."""
    from search_index.planner import MAX_NUMBER_ATOMS

    eleven = " ".join(f'"{i}.{i}"' for i in range(1, 12))
    _, understood = plan(Query(q=eleven))
    assert len(understood.ignored) == 11 - MAX_NUMBER_ATOMS
    assert understood.ignored[0] == f"{MAX_NUMBER_ATOMS + 1}.{MAX_NUMBER_ATOMS + 1}"
    _, understood = plan(Query(q=" ".join(f'"{i}%"' for i in range(10, 18))))
    assert len(understood.ignored) == 8 - MAX_NUMBER_ATOMS
    _, understood = plan(Query(q='加班费1.5倍怎么算 "2.5"'))
    assert "2.5" not in understood.ignored and "1.5" not in understood.ignored


def test_item6_quoted_single_characters_are_capped() -> None:
    chars = "政府信息公开条例规定行政机关应当主动公开本机关的下列政府信息"
    q = " ".join(f'"{c}"' for c in (chars * 5)[:125])
    p, understood = plan(Query(q=q))
    assert _count(p.query, Regex) <= 2 * MAX_SINGLE_CHAR_ATOMS
    distinct = len(dict.fromkeys((chars * 5)[:125]))
    assert len(understood.ignored) == distinct - MAX_SINGLE_CHAR_ATOMS
    many = " ".join(f'"{a}{b}"' for a, b in zip(chars, chars[1:], strict=False))
    _, understood = plan(Query(q=many))
    assert len(understood.phrases) == MAX_COSTLY_ATOMS
    few, _ = plan(Query(q='"政" "府"'))
    assert _count(few.query, Regex) == 4  # body and title for each: small queries unchanged


def test_a_query_plans_at_most_its_first_words() -> None:
    """QA pass 30b: 250 common characters typed apart were 206 words planned, expanded and
    highlighted: 1.1 s a search (3.7 s with 100 snippets), and twelve clients sending them made
    every search slow. The first MAX_QUERY_WORDS words are searched, the rest said ignored."""
    text = (
        "养老医疗工伤失业生育住房教育交通环境税收土地户籍婚姻收养继承合同物权侵权劳动社会"
        "公安法院检察财政审计统计民政司法海关消防卫生体育文化旅游农业林业水利能源气象"
    )
    words = [text[i : i + 2] for i in range(0, len(text), 2)]
    q = " ".join(words * 3)
    _, understood = plan(Query(q=q))
    assert len(understood.words) <= MAX_QUERY_WORDS
    assert len(understood.ignored) >= len(set(words)) - MAX_QUERY_WORDS > 0
    # nor around it: alternatives, articles and amounts count as words (QA pass 30c: 100
    # alternatives, 120 articles, 64 amounts were all planned, and the slowdown was back)
    for many in (
        " OR ".join(words * 2),
        "".join(f"第{i}条" for i in range(1, 121)),
        " ".join(f"{i}年" for i in range(2, 66)),
    ):
        _, understood = plan(Query(q=many))
        assert len(understood.words) <= MAX_QUERY_WORDS, many[:20]
        assert understood.ignored, many[:20]
    question = "为了规范政府信息公开工作，保障公民依法获取政府信息，提高政府工作的透明度"
    _, understood = plan(Query(q=question))
    assert not understood.ignored or set(understood.ignored) <= {"为了", "的"}  # all its words


# -- item 8: scores and hidden documents ------------------------------------------------------
@pytest.mark.parametrize("kind", BACKENDS)
def test_item8_hidden_documents_change_scores_not_hits(kind: str, tmp_path: Path) -> None:
    """BM25 statistics (document frequency, average length) are computed by tantivy and
    Elasticsearch over every document in the index, hidden ones included, so the same
    anonymous query scores differently when hidden documents are added. Hits, totals and
    facets do not change (the visibility filter). The README says what a deployment should do:
    keep non-public documents in a separate data folder / index prefix. This test measures the
    leak so the README stays true."""
    docs = documents()
    public = [d for d in docs if d.meta.disclosure == "public"]
    extra = [
        dataclasses.replace(d, id=d.id + "h", meta=dataclasses.replace(d.meta, disclosure="draft"))
        for d in public[:20]
    ]
    from search_index.index import SearchIndex

    queries = ["政府信息公开", "就业", "条例", "国务院 通知"]
    results = []
    for extra_docs in ([], extra):
        with backend(kind, tmp_path) as b:
            load(b, public + extra_docs)
            index = SearchIndex(b)
            # every hit, not a page: a changed score may move a hit across a page's edge
            results.append(
                [index.search(Query(q=q, viewer=ANONYMOUS, size=len(public))) for q in queries]
            )
    differ = 0
    for alone, mixed in zip(*results, strict=True):
        assert alone.total == mixed.total
        assert _results(alone) == _results(mixed)
        differ += sum(a.score != b.score for a, b in zip(alone.hits, mixed.hits, strict=True))
    assert differ > 0  # the leak exists: README "Security" documents it


def _results(result) -> set[frozenset[str]]:
    """Each hit with its copies: which copy of a text leads its result is a tie of scores."""
    return {frozenset({h.doc.id, *(c.id for c in h.copies)}) for h in result.hits}


# -- item 9: CSV formula injection ------------------------------------------------------------
def test_item9_csv_cells_never_start_a_formula() -> None:
    assert csv_cell('=HYPERLINK("http://x/?"&A1,"点我")') == '\'=HYPERLINK("http://x/?"&A1,"点我")'
    for bad in ("+1+1", "-1+1", "@SUM(A1)", "\t=1", "＝1"):
        assert str(csv_cell(bad)).startswith("'")
    assert csv_cell("国务院关于印发…的通知") == "国务院关于印发…的通知"
    assert csv_cell(0.93) == 0.93


@pytest.mark.parametrize("kind", BACKENDS)
def test_item4_health_on_both_backends(kind: str, tmp_path: Path) -> None:
    from tests.security.conftest import open_backend_index, serve

    gen = open_backend_index(kind, tmp_path / "idx", "health")
    index = next(gen)
    try:
        served = serve(Settings(data_dir=tmp_path / "data", backend=kind), index)
        anon = served.client.get("/api/health").json()
        assert set(anon["backend"]) == {"backend", "status"}, anon
        assert "127.0.0.1" not in str(anon) and str(tmp_path) not in str(anon)
        full = served.client.get("/api/health", headers=served.staff).json()
        assert "documents" in full["backend"]
    finally:
        gen.close()


def test_strangers_checks_never_fill_the_gate_staff_wait_at() -> None:
    """QA pass 24a: six anonymous duplicate checks of a slow page filled the one slot and its
    queue, and a staff upload with a valid key got 429 for minutes. Staff wait at their own."""
    from types import SimpleNamespace

    from fastapi import FastAPI

    from model.settings import Settings
    from search_api.limits import heavy_gate, install_limits

    app = FastAPI()
    install_limits(app, Settings(heavy_concurrency=1, heavy_queue=0))
    request = SimpleNamespace(app=app)

    async def scenario() -> list[str]:
        out: list[str] = []
        release = asyncio.Event()

        async def stranger() -> None:
            async with heavy_gate(request, staff=False).slot():
                await release.wait()

        busy = asyncio.create_task(stranger())
        await asyncio.sleep(0)
        for staff in (False, True):
            try:
                async with heavy_gate(request, staff=staff).slot():
                    out.append("staff in" if staff else "stranger in")
            except TooManyRequests:
                out.append("staff 429" if staff else "stranger 429")
        release.set()
        await busy
        return out

    assert asyncio.run(scenario()) == ["stranger 429", "staff in"]


# -- searches whose cost the caller chooses -----------------------------------------------------
@contextlib.contextmanager
def _place_held(gate: HeavyGate, client: str) -> Iterator[None]:
    """``client`` holds a place at ``gate`` (a long search of theirs running) for the block."""
    entered, release = threading.Event(), threading.Event()

    async def hold() -> None:
        async with gate.slot(client):
            entered.set()
            await asyncio.to_thread(release.wait)

    thread = threading.Thread(target=asyncio.run, args=(hold(),))
    thread.start()
    try:
        assert entered.wait(5)
        yield
    finally:
        release.set()
        thread.join(5)


def test_long_searches_wait_at_a_gate_short_ones_never(app_client) -> None:
    """QA pass 30b: twelve addresses sending 250 characters typed apart, 100 results a page,
    made ``税`` take 4.2 s and the home page 5.6 s. A long search (a query over 64
    characters, a page over 20) holds a place at a small gate, one per address; short searches
    and staff never wait there."""
    client, staff = app_client(long_search_concurrency=2, long_search_queue=0)
    gate = client.app.state.long_search_gate
    long_q = {"q": " ".join("税法规定条例办法" * 9)}  # 143 characters
    assert len(long_q["q"]) > LONG_QUERY_CHARS
    assert client.get("/api/search", params=long_q).status_code == 200  # nothing held: runs
    with _place_held(gate, "testclient"):  # while this address has a long search running
        r = client.get("/api/search", params=long_q)
        assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_requests"
        assert "this address" in r.json()["error"]["message"] and r.headers["Retry-After"]
        for size in ("100", "+100", " 100", "100.0", "1_00"):  # each is 100 to the endpoint
            big_page = client.get("/api/search", params={"q": "税", "size": size})
            assert big_page.status_code == 429, size
        assert client.get("/api/search", params={"q": "税", "size": 20}).status_code == 200
        assert client.get("/api/search", params={"q": "老板拖欠工资怎么办"}).status_code == 200
        assert client.get("/api/search", params=long_q, headers=staff).status_code == 200
        page = client.get("/", params=long_q)
        assert page.status_code == 429 and "请几秒钟后再试" in page.text
        assert page.headers["Retry-After"] and long_q["q"] in html.unescape(page.text)  # kept
        assert client.get("/kiosk", params=long_q).status_code == 429
        assert client.get("/", params={"q": "税"}).status_code == 200
    with _place_held(gate, "10.0.0.9"), _place_held(gate, "10.0.0.10"):  # others fill the gate
        r = client.get("/api/search", params=long_q)
        assert r.status_code == 429 and "busy with 2 long searches" in r.json()["error"]["message"]
    assert client.get("/api/search", params=long_q).status_code == 200  # answered: free again
    assert gate.admitted == 0


def test_short_searches_that_cost_as_much_as_long_ones_wait_at_the_gate(app_client) -> None:
    """QA pass 34b: eleven quoted decimals in 64 characters cost 1.2 s a search; ten at once
    from one address made ``养老保险`` wait 10 s, and none was refused. A decimal, a percent or
    quoted single characters, two or more, make a search costly at any length: one per
    address runs. One is a citizen's question, never gated (the review: 加班费1.5倍怎么算 was
    refused behind a shared address)."""
    client, _ = app_client(long_search_concurrency=2, long_search_queue=0)
    gate = client.app.state.long_search_gate
    with _place_held(gate, "testclient"):
        for q in ('"1.5" "2.5" "3.5"', '"1.5%" "2.5%"', "利率3.5 增长５％", '"的" "了"',
                  "『的』 『了』", '" 的 " " 了 "', "＂的＂ ＂了＂"):  # fmt: skip
            r = client.get("/api/search", params={"q": q})
            assert r.status_code == 429 and r.headers["Retry-After"], q
        for q in ("老板拖欠工资怎么办", "国办发〔2019〕6号", "2019年 养老", '"养老保险"',
                  "加班费1.5倍怎么算", "个税税率3%", "公积金贷款利率3.1%", "2024.1.1起施行的规定"):
            assert client.get("/api/search", params={"q": q}).status_code == 200, q
        page = client.get("/", params={"q": '"1.5" "2.5"'})
        assert page.status_code == 429 and "小数、百分数" in page.text
    r = client.get("/api/search", params={"q": '"1.5" "2.5" "3.5"'})
    assert r.status_code == 200 and gate.admitted == 0  # alone, it runs at once


def test_anonymous_views_of_very_long_documents_take_turns(app_client, monkeypatch) -> None:
    """QA pass 36b: a view of a 1.99M-character upload, its query's words marked throughout,
    took 2.7 s and sent 7 MB, and 12 at once made a plain search take 8.7 s. Anonymous views
    of a document over LARGE_TEXT_CHARS take turns (a short wait, then a 429 with
    Retry-After, on the page in Chinese); other documents and staff never wait."""
    from search_api import limits

    monkeypatch.setattr(limits, "LARGE_TEXT_WAIT", 0.2)
    client, staff = app_client()
    long_text = "关于大文件显示的通知\n" + "本条例所称的规定适用于全体公民。\n" * 40_000
    assert len(long_text) > limits.LARGE_TEXT_CHARS
    short_text = "关于小文件显示的通知\n本规定适用于全体公民。\n"
    ids = {}
    for name, text in (("long.txt", long_text), ("short.txt", short_text)):
        r = client.post("/api/documents", headers=staff, data={"disclosure": "public"},
                        files={"file": (name, text.encode())})  # fmt: skip
        assert r.status_code == 201, r.text
        ids[name] = r.json()["documents"][0]["id"]
    big, small = ids["long.txt"], ids["short.txt"]
    assert client.get(f"/api/documents/{big}", params={"q": "条例"}).status_code == 200
    gate = client.app.state.large_text_gate
    for _ in range(client.app.state.settings.long_search_concurrency):
        assert gate._places.acquire(timeout=1)  # noqa: SLF001 - other readers' views
    r = client.get(f"/api/documents/{big}", params={"q": "条例"})
    assert r.status_code == 429 and r.headers["Retry-After"], r.text
    page = client.get(f"/documents/{big}", params={"q": "条例"})
    assert page.status_code == 429 and "很长的文件" in page.text
    assert client.get(f"/documents/{small}", params={"q": "规定"}).status_code == 200
    assert client.get(f"/api/documents/{big}", headers=staff).status_code == 200


def test_the_long_document_gate_keeps_a_short_queue() -> None:
    """Each view waiting at the gate holds one of the server's threads: past the queue a view
    is refused at once, never left waiting."""
    from search_api.limits import LARGE_TEXT_CHARS, LargeTextGate

    gate = LargeTextGate(concurrency=1, queue=0)
    long = LARGE_TEXT_CHARS + 1
    with gate.slot(long, staff=False):
        start = time.monotonic()
        with pytest.raises(TooManyRequests), gate.slot(long, staff=False):
            pass
        assert time.monotonic() - start < 1.0  # at once, not after the wait
        with gate.slot(long, staff=True), gate.slot(100, staff=False):
            pass  # staff and ordinary documents never wait
    with gate.slot(long, staff=False):  # the place was given back
        pass
