"""Canaries: unique strings placed only in non-public documents never reach an anonymous caller.

Three hidden documents are ingested from real files the three ways a disclosure level is set:
a folder name (``not_public/``), the catalog (``依申请公开``) and the ingest option
(``--disclosure draft``). Each carries invented words, a phrase, an ASCII token, a 文号 and an
agency that occur nowhere else, and each is built on a real corpus text so that it *would* show
up in searches, similar-document lists and duplicate checks if the disclosure filter slipped.

Every way the API and the web pages can be asked is tried anonymously and must not return a
single canary string (nor a canary id); the same requests with a staff key must find them, so
the test cannot pass by searching for nothing. Runs on the embedded backend and on
Elasticsearch (``GOVSEARCH_ES_URL``; skipped without it locally, a failure in CI).
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from analyzers.chars import strip_skippable
from analyzers.normalize import normalize
from model.ids import document_id
from model.settings import Settings
from model.viewer import STAFF
from pipeline.run import run_ingest
from search_index.request import Query
from tests.corpus import CORPUS, manifest, require_corpus, sample_paths
from tests.security.conftest import Served, open_backend_index, serve


@dataclass(frozen=True)
class Canary:
    name: str
    disclosure: str
    title: str
    doc_number: str
    agency: str
    paragraph: str
    base_path: str  # the corpus text it is built on
    doc_id: str = ""


SECRET_WORDS = ("鹦鹉螺砚台", "青铜麒麟七号", "翡翠蜻蜓", "白银凤凰", "琥珀獾子", "zqxcanary7731")


def _canaries(public_paths: list[str], spare_paths: list[str]) -> list[Canary]:
    p1 = manifest()[public_paths[0]]
    return [
        # Built on a public document, titled like it: its "similar documents" would show it.
        Canary(
            "c1",
            "not_public",
            "鹦鹉螺砚台" + p1["title"],
            "鹦秘〔2031〕977号",
            "鹦鹉螺砚台管理委员会",
            "本通知涉及鹦鹉螺砚台特别行动，联络口令为青铜麒麟七号。",
            public_paths[0],
        ),
        # Built on a text that is not public anywhere: a duplicate check of it would find it.
        Canary(
            "c2",
            "on_request",
            "翡翠蜻蜓档案目录管理办法",
            "翡蜻发〔2032〕88号",
            "翡翠蜻蜓办公室",
            "翡翠蜻蜓项目预算为九千九百万元，口令白银凤凰三号。",
            spare_paths[0],
        ),
        Canary(
            "c3",
            "draft",
            "琥珀獾子草案征求意见稿",
            "琥草〔2033〕5号",
            "琥珀獾子起草小组",
            "琥珀獾子草案 zqxcanary7731 尚未定稿，琥珀獾子小组另行通知。",
            spare_paths[1],
        ),
    ]


def _secrets(canaries: list[Canary]) -> list[str]:
    out = list(SECRET_WORDS)
    for c in canaries:
        out += [c.title[:9], c.doc_number, c.agency, c.doc_id, c.paragraph[:12]]
    return [s for s in dict.fromkeys(out) if s]


def _folded(text: str) -> str:
    """Normalised, without punctuation or spaces: how an echoed query may be shown."""
    return strip_skippable(normalize(text)).lower()


@dataclass
class World:
    served: Served
    canaries: list[Canary]
    public_ids: dict[str, str]  # corpus path → id
    secrets: list[str]

    def leaks(self, text: str, asked: str = "") -> list[str]:
        """Secrets in ``text``, except those the caller typed (a query is echoed back)."""
        typed = _folded(asked)
        return [s for s in self.secrets if s.lower() in text.lower() and _folded(s) not in typed]


def _write_catalog(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="module", params=["embedded", "elasticsearch"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    require_corpus()
    kind = str(request.param)
    root = tmp_path_factory.mktemp(f"canary-{kind}")
    public_paths = sample_paths(30, seed=3)
    spare = [p for p in sample_paths(60, seed=5) if p not in public_paths][:2]
    canaries = _canaries(public_paths, spare)
    public_texts = {p: (CORPUS / p).read_text(encoding="utf-8") for p in public_paths}
    for word in SECRET_WORDS:  # the canaries must really be unique
        assert not any(word in t for t in public_texts.values()), word

    archive = root / "archive"
    drafts = root / "drafts"
    for p in public_paths:
        target = archive / "public" / Path(p).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / p, target)
    places = {
        "c1": archive / "not_public" / "c1.txt",
        "c2": archive / "misc" / "c2.txt",
        "c3": drafts / "c3.txt",
    }
    for c in canaries:
        base = (CORPUS / c.base_path).read_text(encoding="utf-8")
        places[c.name].parent.mkdir(parents=True, exist_ok=True)
        places[c.name].write_text(base + "\n" + c.paragraph + "\n", encoding="utf-8")
    _write_catalog(
        archive / "catalog.csv",
        [
            {
                "path": "not_public/c1.txt",
                "title": canaries[0].title,
                "doc_number": canaries[0].doc_number,
                "agency": canaries[0].agency,
                "disclosure": "",
            },
            {
                "path": "misc/c2.txt",
                "title": canaries[1].title,
                "doc_number": canaries[1].doc_number,
                "agency": canaries[1].agency,
                "disclosure": "依申请公开",
            },
        ],
    )
    _write_catalog(
        drafts / "catalog.csv",
        [
            {
                "path": "c3.txt",
                "title": canaries[2].title,
                "doc_number": canaries[2].doc_number,
                "agency": canaries[2].agency,
            }
        ],
    )

    gen = open_backend_index(kind, root / "data", "canary")
    index = next(gen)
    try:
        r1 = run_ingest(index, [archive], catalog=archive / "catalog.csv", workers=1)
        r2 = run_ingest(
            index, [drafts], catalog=drafts / "catalog.csv", default_disclosure="draft", workers=1
        )
        assert not r1.failed and not r2.failed, (r1.summary(), r2.summary())
        ids = {
            "c1": document_id(archive.resolve(), "not_public/c1.txt"),
            "c2": document_id(archive.resolve(), "misc/c2.txt"),
            "c3": document_id(drafts.resolve(), "c3.txt"),
        }
        canaries = [Canary(**{**c.__dict__, "doc_id": ids[c.name]}) for c in canaries]
        for c in canaries:  # the three ways of setting a disclosure level all worked
            assert index.get(c.doc_id, STAFF).disclosure == c.disclosure, c
        public_ids = {
            p: document_id(archive.resolve(), f"public/{Path(p).name}") for p in public_paths
        }
        settings = Settings(data_dir=root / "data")
        served = serve(settings, index)
        yield World(served, canaries, public_ids, _secrets(canaries))
        served.client.close()
    finally:
        gen.close()


SEARCHES: list[dict[str, object]] = [
    {"q": "鹦鹉螺砚台"},
    {"q": "鸚鵡螺硯台"},  # Traditional script
    {"q": "青铜麒麟七号"},
    {"q": '"青铜麒麟七号"'},
    {"q": "翡翠蜻蜓"},
    {"q": '"翡翠蜻蜓项目预算"'},
    {"q": "title:翡翠蜻蜓"},
    {"q": "标题:琥珀獾子"},
    {"q": "琥珀獾子 OR 白银凤凰"},
    {"q": "zqxcanary7731"},
    {"q": "鹦秘〔2031〕977号"},
    {"q": "docno:翡蜻发〔2032〕88号"},
    {"q": "琥草[2033]5号"},
    {"q": "agency:翡翠蜻蜓办公室"},
    {"q": "feicuiqingting"},  # pinyin of a canary title (kiosks without an IME)
    {"q": "hupohuanzi"},
    {"q": "yingwuluoyantai"},
    {"q": "fcqtda"},  # initials
    {"q": "翡翠蜻蜓", "disclosure": "on_request"},
    {"q": "琥珀獾子", "disclosure": ["draft", "public"]},
    {"q": "鹦鹉螺砚台", "disclosure": "not_public", "sort": "date_desc"},
    {"q": "", "agency": "翡翠蜻蜓办公室"},
    {"q": "", "agency": "琥珀獾子起草小组", "disclosure": "draft"},
]


def _ids(body: dict) -> set[str]:
    return {h["id"] for h in body.get("hits", [])}


def test_searches_never_show_canaries(world: World) -> None:
    c = world.served.client
    canary_ids = {x.doc_id for x in world.canaries}
    for params in SEARCHES:
        staff = c.get("/api/search", params=params, headers=world.served.staff)
        assert staff.status_code == 200, (params, staff.text)
        assert _ids(staff.json()) & canary_ids, f"staff should find a canary with {params}"
        anon = c.get("/api/search", params=params)
        asked = str(params["q"])
        levels = params.get("disclosure", [])
        if set([levels] if isinstance(levels, str) else levels) - {"public"}:
            # a hidden level asked for anonymously is refused (QA pass 13), telling nothing
            assert anon.status_code == 403, (params, anon.text)
            assert not world.leaks(anon.text, asked), (params, world.leaks(anon.text, asked))
            continue
        assert anon.status_code == 200, (params, anon.text)
        body = anon.json()
        assert not world.leaks(anon.text, asked), (params, world.leaks(anon.text, asked))
        results = {k: v for k, v in body.items() if k != "understood"}
        assert not world.leaks(json.dumps(results, ensure_ascii=False)), params
        assert all(h["disclosure"] == "public" for h in body["hits"])
        if body["total"] <= len(body["hits"]):  # a total is never inflated by hidden ones
            assert body["total"] == len(body["hits"])


def test_totals_facets_and_stats_count_public_documents_only(world: World) -> None:
    c = world.served.client
    n_public = len(world.public_ids)
    anon = c.get("/api/search", params={"q": "", "size": 100}).json()
    assert anon["total"] == n_public
    assert not world.leaks(json.dumps(anon["facets"], ensure_ascii=False))
    staff = c.get("/api/search", params={"q": "", "size": 100}, headers=world.served.staff).json()
    assert staff["total"] == n_public + len(world.canaries)
    assert world.leaks(json.dumps(staff["facets"], ensure_ascii=False))  # the test has teeth
    stats = c.get("/api/stats")
    assert stats.json()["documents"] == n_public and not world.leaks(stats.text)
    assert "disclosure" not in stats.json()["facets"]
    # The text shared by c1 and its public twin: anonymous sees the twin alone.
    twin = next(iter(world.public_ids))
    phrase = (CORPUS / twin).read_text(encoding="utf-8").strip().splitlines()[0][:12]
    anon = c.get("/api/search", params={"q": f'"{phrase}"', "size": 50}).json()
    assert world.canaries[0].doc_id not in _ids(anon)


def test_suggestions_never_show_canaries(world: World) -> None:
    c = world.served.client
    staff_found = 0
    for typed in (
        "鹦鹉",
        "鹦鹉螺",
        "翡翠蜻",
        "琥珀獾",
        "琥珀獾子草",
        "feicui",
        "hupo",
        "yingwu",
        "fcqt",
        "zqxcan",
    ):
        anon = c.get("/api/suggest", params={"q": typed})
        assert anon.status_code == 200, anon.text
        assert not world.leaks(json.dumps(anon.json()["suggestions"], ensure_ascii=False), typed)
        staff = c.get("/api/suggest", params={"q": typed}, headers=world.served.staff)
        staff_found += bool(world.leaks(staff.text))
    assert staff_found >= 5  # suggestions do reach the canary titles for staff


def test_hidden_document_is_exactly_a_missing_one(world: World) -> None:
    c = world.served.client
    missing = hashlib.sha1(b"no such document").hexdigest()[:16]
    gone = c.get(f"/api/documents/{missing}")
    for x in world.canaries:
        assert c.get(f"/api/documents/{x.doc_id}", headers=world.served.staff).status_code == 200
        for params in ({}, {"q": "翡翠蜻蜓"}):
            r = c.get(f"/api/documents/{x.doc_id}", params=params)
            assert r.status_code == 404 == gone.status_code
            assert r.headers["content-type"] == gone.headers["content-type"]
            assert r.text.replace(x.doc_id, missing) == gone.text
            assert not world.leaks(r.text.replace(x.doc_id, ""))
    # ... and costs what a missing one does: its text is never read for an anonymous caller
    # (QA pass 34b: a hidden 5.7 MB text made its 404 take 17 ms, an unknown id's 2 ms)
    backend = world.served.index.backend
    reads: list[tuple[tuple[str, ...], bool]] = []
    fetch = backend.fetch

    def counted(ids: list[str], *, texts: bool = True) -> dict:
        reads.append((tuple(ids), texts))
        return fetch(ids, texts=texts)

    backend.fetch = counted
    try:
        for x in world.canaries:
            assert c.get(f"/api/documents/{x.doc_id}").status_code == 404
            assert c.get(f"/documents/{x.doc_id}").status_code == 404
    finally:
        del backend.fetch
    # not even its metadata: Elasticsearch reads the whole _source for that (the review)
    assert not [ids for ids, _ in reads if set(ids) & {x.doc_id for x in world.canaries}], reads
    # A public document highlighted with canary words shows nothing of them.
    pid = next(iter(world.public_ids.values()))
    r = c.get(f"/api/documents/{pid}", params={"q": "鹦鹉螺砚台 翡翠蜻蜓"})
    assert r.status_code == 200 and not world.leaks(r.text, "鹦鹉螺砚台 翡翠蜻蜓")


def _has_route(world: World, path: str) -> bool:
    return path in world.served.app.openapi()["paths"]


def test_duplicate_check_never_shows_canaries(world: World) -> None:
    if not _has_route(world, "/api/duplicates"):
        pytest.skip("no /api/duplicates in this build")
    c = world.served.client
    c2 = world.canaries[1]
    for canary in world.canaries:
        # The canary's text without its canary paragraph: a near copy of a hidden document.
        text = (CORPUS / canary.base_path).read_text(encoding="utf-8")
        anon = c.post("/api/duplicates", json={"text": text})
        assert anon.status_code == 200, anon.text
        assert not world.leaks(anon.text), (canary.name, world.leaks(anon.text))
    text = (CORPUS / c2.base_path).read_text(encoding="utf-8")
    staff = c.post("/api/duplicates", json={"text": text}, headers=world.served.staff)
    assert c2.doc_id in staff.text  # staff do see it: the check reaches hidden documents


def test_web_pages_never_show_canaries(world: World) -> None:
    c = world.served.client
    if c.get("/").status_code == 404:
        pytest.skip("no web pages in this build")
    pages = ["/", "/kiosk"]
    for params in SEARCHES[:18]:
        for page in pages:
            r = c.get(page, params={"q": params["q"]})
            assert r.status_code in (200, 400), (page, params, r.status_code)
            leaked = world.leaks(r.text, str(params["q"]))
            assert not leaked, (page, params, leaked)
    staff_page = c.get("/", params={"q": "翡翠蜻蜓"}, headers=world.served.staff)
    assert world.leaks(staff_page.text)  # the pages do show them to staff
    for x in world.canaries:
        for path in (
            f"/documents/{x.doc_id}",
            f"/kiosk/documents/{x.doc_id}",
            f"/documents/{x.doc_id}/original",
        ):
            r = c.get(path)
            assert r.status_code == 404 and not world.leaks(r.text.replace(x.doc_id, "")), path
    # The public twin of c1: its "similar documents" would list c1 if visibility slipped.
    twin_id = world.public_ids[world.canaries[0].base_path]
    anon = c.get(f"/documents/{twin_id}", params={"q": "鹦鹉螺砚台"})
    assert anon.status_code == 200
    assert not world.leaks(anon.text, "鹦鹉螺砚台"), world.leaks(anon.text, "鹦鹉螺砚台")
    staff = c.get(f"/documents/{twin_id}", headers=world.served.staff)
    assert world.canaries[0].doc_id in staff.text  # listed as similar for staff


def test_index_layer_agrees(world: World) -> None:
    """The same rule below HTTP (CLI, web and API all go through SearchIndex)."""
    index = world.served.index
    for word in SECRET_WORDS:
        assert index.search(Query(q=word)).total == 0, word
        assert index.search(Query(q=word, viewer=STAFF)).total >= 1, word
