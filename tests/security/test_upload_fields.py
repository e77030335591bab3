"""The upload form reads its fields as the catalogue CSV reads its columns (QA pass 13).

``POST /api/documents`` published a sample as public when its level was sent under a misspelt
field (``disclosre``), under the catalogue's own column name (公开方式), or twice with
different values (the last one won). Now a field is accepted under its name, label or aliases
(``model.fields``), and an unknown field or one given twice with different values is a 422
that stores nothing. Real sample files, the real app, a real embedded index.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from model.fields import CATALOG_FIELDS
from model.settings import Settings
from model.viewer import STAFF
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from tests.security.conftest import Served, serve

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE = SAMPLES / "files" / "txt" / "城市公共交通条例.txt"
QUERY = "城市公共交通"
ERROR_KEYS = {"code", "message", "status", "data"}


@pytest.fixture
def served(tmp_path: Path) -> Served:
    settings = Settings(data_dir=tmp_path / "data", max_upload_bytes=2_000_000)
    s = serve(settings, SearchIndex(EmbeddedIndex(settings.data_dir)))
    yield s
    s.client.close()


def _upload(s: Served, fields: list[tuple[str, str]]):
    """Multipart with the sample as ``file`` and ``fields`` in order (repeats kept)."""
    files = [("file", (SAMPLE.name, SAMPLE.read_bytes(), "text/plain"))]
    files += [(name, (None, value)) for name, value in fields]
    return s.client.post("/api/documents", files=files, headers=s.staff)


def _nothing_stored(s: Served) -> None:
    uploads = Path(s.settings.data_dir).resolve() / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert s.index.count(STAFF) == 0
    assert s.client.get("/api/search", params={"q": QUERY}).json()["total"] == 0


def _refused(s: Served, fields: list[tuple[str, str]], *said: str) -> dict:
    r = _upload(s, fields)
    assert r.status_code == 422, r.text  # as every route says a field it cannot read (38b)
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["code"] == "invalid_parameters"
    assert [p["field"] for p in body["error"]["data"]["problems"]], body
    for text in said:
        assert text in body["error"]["message"], body
    _nothing_stored(s)
    return body["error"]


@pytest.mark.parametrize(
    "fields",
    [
        [("公开方式", "不予公开")],  # the catalogue's own column name (the field's label)
        [("公开属性", "不予公开")],  # an alias catalogues use
        [("Disclosure", "not_public")],  # the name in another letter case, as the CSV reads it
        [("disclosure", "不予公开"), ("disclosure", "不予公開")],  # twice, the same level
        [("disclosure", "不予公开"), ("公开方式", "not_public")],  # two names, the same level
        [("disclosure", "不予公开"), ("disclosure", " ")],  # an empty value states nothing
    ],
)
def test_the_level_under_any_of_its_catalogue_names_is_applied(served, fields):
    r = _upload(served, fields)
    assert r.status_code == 201, r.text
    (doc,) = r.json()["documents"]
    assert served.index.get(doc["id"], STAFF).disclosure == "not_public"
    assert served.client.get(f"/api/documents/{doc['id']}").status_code == 404
    assert served.client.get("/api/search", params={"q": QUERY}).json()["total"] == 0


def test_other_fields_by_label_and_alias(served):
    r = _upload(served, [("标题", "城市公共交通条例（上传）"), ("發布機構", "某市人民政府"),
                         ("分类", "政策法规"), ("有效性", "已废止"), ("发布日期", "2019年3月1日")])
    assert r.status_code == 201, r.text
    (doc,) = r.json()["documents"]
    got = served.index.get(doc["id"], STAFF)
    assert (got.title, got.agency, got.category, got.validity, got.date) == (
        "城市公共交通条例（上传）", "某市人民政府", "政策法规", "repealed", "2019-03-01",
    )  # fmt: skip


def test_fields_named_as_a_catalogue_header_may_name_them(served):
    """QA pass 48a: the form read a field's name with ``strip().lower()``, a catalogue's header
    in either script, full-width forms folded and a closing note dropped: Taiwan staff sending
    發文字號 or 主題詞, and a form copying a header's 文号（必填）, were refused (422)."""
    r = _upload(served, [("ＴＩＴＬＥ", "城市公共交通条例（上传）"),
                         ("發文字號", "某府发〔2019〕3号"), ("主題詞", "交通"),
                         ("發文機關（全称）", "某市人民政府"),
                         ("文号（必填）", "某府发〔2019〕3号")])  # fmt: skip
    assert r.status_code == 201, r.text
    (doc,) = r.json()["documents"]
    got = served.index.get(doc["id"], STAFF)
    assert (got.title, got.doc_number, got.keywords, got.agency) == (
        "城市公共交通条例（上传）", "某府发〔2019〕3号", ("交通",), "某市人民政府",
    )  # fmt: skip


@pytest.mark.parametrize("name", ["disclosre", "公开方试", "level", "path", "script"])
def test_an_unknown_field_is_refused_and_named(served, name):
    err = _refused(served, [(name, "不予公开")], repr(name), "disclosure/公开方式")
    assert err["data"]["field"] == name
    assert "file" in err["data"]["accepted"]
    assert {f.name for f in CATALOG_FIELDS} <= {
        a.split("/")[0] for a in err["data"]["accepted"]
    }


def test_a_field_too_long_names_the_limit(served):
    """QA pass 26a: a 5,000-character title was "too long or contains NUL": which, and how
    long may it be?"""
    err = _refused(served, [("title", "标" * 5000)],
                   "title is 5,000 characters, more than the 2,000 a form field may hold")
    assert err["data"]["field"] == "title"
    _refused(served, [("title", "a\x00b")], "title contains a NUL character")


@pytest.mark.parametrize("name, value", [("disclosure", ""), ("disclosure", " "), ("公开方式", "")])
def test_an_empty_level_is_refused(served, name, value):
    """QA pass 24a: disclosure= (a script's unset $LEVEL) published the upload at the default
    level; the CLI and /api/ingest refuse an empty level."""
    err = _refused(served, [(name, value)], f"{name} is empty: nothing was stored")
    assert err["data"]["field"] == name


@pytest.mark.parametrize("query", ["disclosure=", "disclosure=%20", "level="])
def test_an_empty_level_in_the_url_is_refused_too(served, query):
    """QA pass 24c: ``POST /api/documents?disclosure=`` (the script's unset $LEVEL put in the
    URL) was ignored and the upload published at the default level. The route reads no query
    parameter; on a POST an empty one is refused as a filled one is."""
    files = [("file", (SAMPLE.name, SAMPLE.read_bytes(), "text/plain"))]
    r = served.client.post(f"/api/documents?{query}", files=files, headers=served.staff)
    assert r.status_code == 422, r.text
    assert "unknown parameter" in r.text and query.split("=")[0] in r.text
    _nothing_stored(served)
    # a GET form still sends its empty boxes unread
    assert served.client.get("/api/search?q=a&catgory=").status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        [("disclosure", "不予公开"), ("disclosure", "public")],  # the last one won
        [("disclosure", "public"), ("disclosure", "不予公开")],
        [("disclosure", "public"), ("公开方式", "不予公开")],  # under two of its names
        [("公开属性", "依申请公开"), ("公开方式", "主动公开")],
    ],
)
def test_a_level_given_twice_differently_is_refused(served, fields):
    err = _refused(served, fields, "disclosure is given more than once with different values")
    assert err["data"]["field"] == "disclosure"


def test_other_fields_given_twice_differently_are_refused(served):
    _refused(served, [("publish_date", "2019-03-01"), ("date", "2020-01-01")], "publish_date")
    _refused(served, [("title", "甲"), ("标题", "乙")], "title")
    _refused(served, [("category", "政策法规"), ("category", "其他")], "category")


def test_text_under_file_or_a_file_under_a_field_is_refused(served):
    files = [("file", (SAMPLE.name, SAMPLE.read_bytes(), "text/plain")), ("file", (None, "x"))]
    r = served.client.post("/api/documents", files=files, headers=served.staff)
    assert r.status_code == 422 and "file part" in r.json()["error"]["message"], r.text
    files = [("file", (SAMPLE.name, SAMPLE.read_bytes(), "text/plain")),
             ("disclosure", ("level.txt", b"not_public", "text/plain"))]  # fmt: skip
    r = served.client.post("/api/documents", files=files, headers=served.staff)
    assert r.status_code == 422 and "not a file" in r.json()["error"]["message"], r.text
    _nothing_stored(served)


def test_the_schema_lists_every_name_and_no_other(served):
    spec = served.client.get("/openapi.json").json()
    body = spec["paths"]["/api/documents"]["post"]["requestBody"]["content"]
    schema = body["multipart/form-data"]["schema"]
    assert schema["additionalProperties"] is False
    names = {"file", "disclosure", "公开方式", "公开属性", "标题", "date"}
    assert names <= set(schema["properties"])
    assert "不予公开" in schema["properties"]["公开方式"]["enum"]


@pytest.mark.parametrize(
    "fields",
    [
        [("title", "不予公开")],  # QA pass 13: published at the default level, public
        [("标题", "不予公開")],  # a label, the level in Traditional script
        [("keywords", "草稿")],
        [("agency", "依申请公开")],
        [("doc_number", "not_public")],
        [("title", "不予公开"), ("disclosure", "不予公开")],  # the catalogue holds this row too
    ],
)
def test_a_level_written_in_another_field_is_refused(served, fields):
    """The catalogue CSV holds back a row that names a restricted level outside its level
    column; the upload form, by the same rule (``ingest.catalog.misplaced_level``), refuses it
    rather than publishing the file at the default level."""
    key, value = fields[0]
    err = _refused(served, fields, repr(key), "belongs in the disclosure field")
    assert err["data"]["field"] == key
    assert err["data"]["level"] in ("not_public", "draft", "on_request")


def test_public_written_in_another_field_restricts_nothing(served):
    """As in the catalogue, ``public`` elsewhere is no level nobody applied: the form's own
    level (or the default) is the document's."""
    r = _upload(served, [("title", "主动公开"), ("disclosure", "依申请公开")])
    assert r.status_code == 201, r.text
    (doc,) = r.json()["documents"]
    assert served.index.get(doc["id"], STAFF).disclosure == "on_request"


def test_the_catalogue_and_the_form_share_one_rule(tmp_path):
    """The CSV importer holds back the row the form refuses (one function decides both)."""
    from ingest.catalog import load_catalog, misplaced_level

    csv = tmp_path / "catalog.csv"
    csv.write_text("path,title,disclosure\na.txt,不予公开,\nb.txt,主动公开,\n", encoding="utf-8")
    entries = load_catalog(csv).entries
    assert entries["a.txt"].held and not entries["b.txt"].held
    # and the level is no title: the document keeps the one its text gives (QA pass 14)
    assert "title" not in entries["a.txt"].values
    assert misplaced_level("title", "不予公开") == "not_public"
    assert misplaced_level("title", "主动公开") is None
    assert misplaced_level("disclosure", "不予公开") is None


@pytest.mark.parametrize("value", [
    "内部,草稿", "草稿；内部", "交通, 不予公开", "交通;依申请公开",
    # QA pass 15: items written apart otherwise, and a level marked up
    "内部、草稿", "草稿 内部", "草稿\n内部", "不予公开\u3000内部", "草稿/内部", "草稿|内部",
    "[草稿]", "不予公开。", "ｄｒａｆｔ",
])  # fmt: skip
def test_a_level_as_one_item_of_a_list_field_is_refused(served, value):
    """QA pass 14: ``keywords=草稿`` was refused but ``keywords=内部,草稿`` published the file
    as public. A list field's items are read one by one (as the catalogue splits them), and an
    item that is a restricted level is such a level, as the whole cell would be."""
    err = _refused(served, [("keywords", value)], "'keywords'", "belongs in the disclosure field")
    assert err["data"]["level"] in ("draft", "not_public", "on_request")


def test_a_level_word_inside_free_text_or_a_list_item_is_no_level(served, tmp_path):
    """Only a cell or an item that *is* a level is one: a title, or a keyword, that holds 草稿
    among other words is text (the form takes it, the catalogue keeps the row)."""
    from ingest.catalog import load_catalog, misplaced_level

    fields = [("title", "关于草稿管理, 不予公开事项的通知"), ("keywords", "草稿管理,交通")]
    r = _upload(served, fields)
    assert r.status_code == 201, r.text
    assert misplaced_level("keywords", "草稿管理，主动公开") is None
    assert misplaced_level("keywords", "内部，草稿") == "draft"
    csv = tmp_path / "catalog.csv"
    csv.write_text('path,title,keywords\na.txt,甲,"内部,草稿"\nb.txt,乙,"草稿管理,交通"\n'
                   "c.txt,丙,草稿；内部\nd.txt,丁,内部、草稿\n"
                   'e.txt,戊,"草稿\n内部"\n', encoding="utf-8")  # fmt: skip
    entries = load_catalog(csv).entries
    assert entries["a.txt"].held and entries["c.txt"].held and not entries["b.txt"].held
    assert entries["d.txt"].held and entries["e.txt"].held  # QA pass 15: 、 and a line break


def test_a_choice_in_traditional_script_is_read_as_its_simplified_self(served, tmp_path):
    """QA pass 14: ``category=政策法規`` was a 400 "unknown category" on upload while search
    and the reports read it as 政策法规. The form and the catalogue CSV fold the script as the
    filters do (one function, ``analyzers.choices.read_choice``); an unknown value is still
    refused."""
    from ingest.catalog import load_catalog

    r = _upload(served, [("category", "政策法規"), ("分類", "政策法规"), ("validity", "已廢止")])
    assert r.status_code == 201, r.text
    (doc,) = r.json()["documents"]
    got = served.index.get(doc["id"], STAFF)
    assert (got.category, got.validity) == ("政策法规", "repealed")
    _refused_form = _upload(served, [("category", "政策法規X")])
    assert _refused_form.status_code == 422 and "unknown category" in _refused_form.text
    csv = tmp_path / "catalog.csv"
    csv.write_text("path,分類,有效性\na.txt,業務文件,現行有效\nb.txt,工作動態,已廢止\n",
                   encoding="utf-8")  # fmt: skip
    cat = load_catalog(csv)
    assert cat.errors == ()
    assert cat.entries["a.txt"].values["category"] == "业务文件"
    assert cat.entries["b.txt"].values == {"category": "工作动态", "validity": "repealed"}


def test_a_level_behind_a_zero_width_space_is_refused(served):
    """QA pass 15: ``title=草稿`` followed by U+200B was published at the default level."""
    _refused(served, [("title", "草稿\u200b")], "'title'", "belongs in the disclosure field")


def test_a_field_in_gbk_bytes_is_refused_not_stored_as_latin1(served):
    """QA pass 15: Starlette reads a form value that is not UTF-8 as Latin-1, so keywords sent
    as the GBK bytes of 内部,草稿 were stored as ÄÚ²¿,²Ý¸å and published as public, the level
    unseen. Such a value is a 422 that says what its bytes read as; nothing is stored."""
    files = [("file", (SAMPLE.name, SAMPLE.read_bytes(), "text/plain"))]
    files += [("keywords", (None, "内部,草稿".encode("gbk")))]
    r = served.client.post("/api/documents", files=files, headers=served.staff)
    assert r.status_code == 422, r.text
    message = r.json()["error"]["message"]
    assert "not UTF-8" in message and "内部,草稿" in message
    _nothing_stored(served)
    ok = _upload(served, [("agency", "Müller & Café")])  # Latin letters typed as UTF-8: taken
    assert ok.status_code == 201, ok.text


def _multipart(name: str, data: bytes, boundary: str = "b0undary") -> bytes:
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n")  # fmt: skip
    return head.encode() + data + b"\r\n"


def _post_raw(s: Served, path: str, body: bytes, boundary: str = "b0undary", staff: bool = True):
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    if staff:
        headers.update(s.staff)
    return s.client.post(path, content=body, headers=headers)


def test_a_body_cut_short_is_said_so_not_no_file(served):
    """QA pass 36b: an upload interrupted inside its file part was told "no file" (the parser
    drops the unfinished part), which sends a person looking for a wrong field name."""
    cut = _multipart(SAMPLE.name, SAMPLE.read_bytes())[:-40]
    r = _post_raw(served, "/api/documents", cut)
    assert r.status_code == 400, r.text
    message = r.json()["error"]["message"]
    assert "cut short" in message and "no file" not in message
    _nothing_stored(served)
    r = _post_raw(served, "/api/duplicates", cut)
    assert r.status_code == 400 and "cut short" in r.json()["error"]["message"], r.text
    # the same parts ended properly are stored: the cut is what was refused
    whole = _multipart(SAMPLE.name, SAMPLE.read_bytes()) + b"--b0undary--\r\n"
    assert _post_raw(served, "/api/documents", whole).status_code == 201
    # and a body with no part at all is still "no file", not "cut short"
    r = _post_raw(served, "/api/documents", b"")
    assert r.status_code == 400 and "no file" in r.json()["error"]["message"], r.text


def test_a_file_name_over_the_parsers_header_limit_is_named_as_the_cause(served):
    """QA pass 36b: a ~2,000-character file name made the batch "Invalid multipart data."; the
    parser refuses part headers over 4,224 bytes, so the answer says that and what to do."""
    body = (_multipart("好.txt", SAMPLE.read_bytes()) + _multipart("长" * 2000 + ".txt", b"x")
            + b"--b0undary--\r\n")  # fmt: skip
    r = _post_raw(served, "/api/documents", body)
    assert r.status_code == 400, r.text
    message = r.json()["error"]["message"]
    assert "4,224 bytes" in message and "file name" in message, message
    _nothing_stored(served)
    page = _post_raw(served, "/duplicates", body, staff=False)
    assert page.status_code == 400 and "文件名过长" in page.text
    page = _post_raw(served, "/duplicates", _multipart("a.txt", b"abc")[:-5], staff=False)
    assert page.status_code == 400 and "上传没有传完" in page.text
