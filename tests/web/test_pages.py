"""The web pages without a browser: every state is a URL, pages work without JavaScript, hostile
text is escaped, kiosk pages stay on the site and are never cached, originals are served safely.

All requests go to the real app over a real index of corpus documents (tests/web/conftest.py).
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from starlette.datastructures import QueryParams

from analyzers.normalize import normalize
from model.document import StoredDocument
from tests.web.conftest import CANARY, HOSTILE_TEXT, HOSTILE_TITLE, TestClient
from web.originals import original_file
from web.state import SearchState
from web.views import docno_label, pagination


class Page(HTMLParser):
    """The parts of a page the tests look at: links, scripts, forms, attributes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline_scripts = 0
        self.style_attrs = 0
        self.handler_attrs: list[str] = []
        self.ids: list[str] = []
        self.labels_for: set[str] = set()
        self.inputs: list[dict[str, str | None]] = []
        self.html_lang: str | None = None
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"] or "")
        if tag == "script":
            self.scripts.append(a)
            self._in_script = "src" not in a
        if "style" in a:
            self.style_attrs += 1
        self.handler_attrs += [k for k in a if k.startswith("on")]
        if "id" in a:
            self.ids.append(a["id"] or "")
        if tag == "label" and a.get("for"):
            self.labels_for.add(a["for"] or "")
        if tag in ("input", "textarea", "select"):
            self.inputs.append(a)

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def page(client: TestClient, url: str, status: int = 200) -> tuple[str, Page]:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return r.text, Page(r.text)


def result_ids(html_text: str) -> list[str]:
    return re.findall(
        r'<h2 class="result__title"[^>]*><a href="/documents/([0-9a-f]{16})', html_text
    )


def assert_no_inline_code(p: Page) -> None:
    """A CSP without 'unsafe-inline' holds: no inline script, handler or style attribute."""
    assert p.inline_scripts == 0
    assert p.handler_attrs == []
    assert p.style_attrs == 0
    for s in p.scripts:
        assert (s.get("src") or "").startswith("/static/")


def assert_accessible_basics(p: Page) -> None:
    assert p.html_lang == "zh-CN"
    assert len(p.ids) == len(set(p.ids)), "duplicate ids"
    for i in p.inputs:
        if i.get("type") in ("hidden", "submit"):
            continue
        assert i.get("id") in p.labels_for or i.get("aria-label"), i


URLS = [
    "/",
    "/?q=政府信息公开",
    "/?q=個人資料保護",
    "/?q=zfxxgk",
    "/?q=条例&category=政策法规&sort=date_desc&page=2",
    "/?q=琥珀湾区不存在的词语组合&category=工作动态",
    "/kiosk",
    "/kiosk?q=zfxxgk",
    "/duplicates",
]


@pytest.mark.parametrize("url", URLS)
def test_pages_render_without_javascript(client, url):
    text, p = page(client, url)
    assert_no_inline_code(p)
    assert_accessible_basics(p)
    assert "/static/style.css" in text
    assert not re.search(r'(?:src|href)="(?:https?:)?//', text), "nothing from another site"
    assert '<form class="search-form' in text or "/duplicates" in url


def test_search_state_is_the_url_and_matches_the_api(client, web_corpus):
    url = "/?q=条例&category=政策法规&sort=date_desc&page=2&date_from=2000-01-01"
    text, p = page(client, url)
    state, problems = SearchState.from_params(QueryParams(urlsplit(url).query))
    assert not problems
    # the page shows exactly what the API answers for the same parameters
    api = client.get("/api/search" + url[1:] + "&size=10").json()
    assert result_ids(text) == [h["id"] for h in api["hits"]]
    assert f"{api['total']:,}" in text
    # every control is a link or a GET form that keeps the rest of the state
    facet_links = [link for link in p.links if "year=" in link]
    assert facet_links and all("category=" in link and "q=" in link for link in facet_links)
    assert all("page=" not in link for link in facet_links), "a new filter starts at page 1"
    assert any("page=3" in link for link in p.links)  # next page
    assert any("page" not in link and "sort=date_desc" in link for link in p.links)  # page 1
    assert 'name="category" value="政策法规"' in text  # the query box keeps the filter
    assert 'aria-current="true"' in text and "日期（新→旧）" in text


def test_state_round_trip():
    state = SearchState(
        q="政务 公开", page=3, sort="date_asc", category=("政策法规",), year=("2020",)
    )
    again, problems = SearchState.from_params(QueryParams(urlsplit(state.url("/")).query))
    assert again == state and not problems
    assert SearchState().url("/") == "/"


def test_facet_link_filters_and_removes(client):
    text, p = page(client, "/?q=条例")
    link = next(link for link in p.links if "category=" in link)
    category = dict(parse_qsl(urlsplit(link).query))["category"]
    count = int(
        re.search(re.escape(category) + r'</span> <span class="facet__count">(\d+)', text).group(1)
    )
    filtered, fp = page(client, link)
    assert f"共找到 <strong>{count:,}</strong>" in filtered
    assert "已选筛选条件" in filtered
    remove = next(x for x in fp.links if "category=" not in x and "q=" in x and "page" not in x)
    back, _ = page(client, remove)
    assert "已选筛选条件" not in back


def test_traditional_query_is_converted_and_said(client):
    """Traditional is searched as simplified: the same documents match. The script typed
    only orders them (the typed side's documents a little higher), and the page says so."""
    trad, _ = page(client, "/?q=個人資料保護")
    simp, _ = page(client, "/?q=个人资料保护")
    assert "已按简体检索" in trad and "个人资料保护" in trad
    assert "台湾地区文件略靠前" in trad and "大陆文件略靠前" in simp
    # ... and the words it was cut into as the reader wrote them (QA pass 51d: 个人资料、保护)
    assert "個人資料、保護" in trad and "个人资料、保护" in simp
    # ... in every line that names them (QA pass 52b: 已忽略常用词 怎么 for 怎麼, 结婚 → 婚姻)
    asked, _ = page(client, "/?q=資遣費怎麼算")
    assert "資遣費 → 经济补偿" in asked and "怎麼" in asked and "资遣费 →" not in asked
    # pinyin is the mainland's spelling, its candidates simplified (QA pass 23a)
    letters, _ = page(client, "/?q=gerenziliao")
    assert "按拼音输入，大陆文件略靠前" in letters
    found = {
        q: client.get("/api/search", params={"q": q, "size": 100}).json()
        for q in ("個人資料保護", "个人资料保护")
    }
    trad_api, simp_api = found["個人資料保護"], found["个人资料保护"]
    assert trad_api["total"] == simp_api["total"] and 0 < trad_api["total"] <= 100
    assert {h["id"] for h in trad_api["hits"]} == {h["id"] for h in simp_api["hits"]}
    assert trad_api["understood"]["prefers"] == "taiwan"
    assert simp_api["understood"]["prefers"] == "mainland"
    assert result_ids(trad) and result_ids(simp)


def test_docno_query_finds_the_document_first(client, web_corpus):
    number = normalize(web_corpus.docno_doc.meta.doc_number)
    m = re.fullmatch(r"(.+?)〔(\d{4})〕(\d+)号", number)
    assert m
    variant = f"{m.group(1)}[{m.group(2)}]{m.group(3)}号"
    text, _ = page(client, "/?q=" + variant)
    assert result_ids(text)[0] == web_corpus.docno_doc.id
    assert "识别到文号" in text and number in text


def test_an_index_number_is_said_to_be_read_as_one(client):
    """A 索引号 is one key, not the numbers 000014349 and 2019 (QA pass 23b): the page says so."""
    text, _ = page(client, "/?q=索引号：000014349/2019-00006")
    assert "识别到索引号" in text and "000014349/2019-00006" in text


def test_pinyin_query_is_understood(client):
    text, _ = page(client, "/?q=zfxxgk")
    assert "拼音按词检索（标题和正文）" in text and "zfxxgk →" in text
    ids = result_ids(text)
    assert ids
    titles = re.findall(r'<h2 class="result__title"[^>]*><a href="[^"]+">(.*?)</a>', text)
    marked = re.search(r"<mark>(.*?)</mark>", titles[0])  # the words the letters stand for
    assert marked and normalize(marked.group(1)) == "政府信息公开"


def test_letters_that_are_not_pinyin_are_said_so(client, web_corpus):
    """The page tells how letters were searched: http, which sample documents write, as that
    word (not as the initials it could be; a hostile test document writes <script> too);
    wifi, which no pinyin spells, as typed."""

    def items(url: str) -> dict[str, str]:
        text, _ = page(client, url)
        return dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", text))

    word = re.compile(r"(?<![A-Za-z])http(?![A-Za-z])")
    writes = [d for d in web_corpus.documents if word.search(d.text)]
    assert writes
    got = items("/?q=http")
    assert got.get("字母按文件中的外文词检索，不作拼音") == "http", got
    assert not any("拼音" in k and "不作拼音" not in k for k in got), got
    text, _ = page(client, "/?q=http")
    assert set(result_ids(text)) >= {d.id for d in writes[:1]}
    assert got == items("/?q=HTTP")
    assert items("/?q=script").get("字母按文件中的外文词检索，不作拼音") == "script"
    got = items("/?q=wifi")
    assert got.get("字母拼不成拼音，按原词检索") == "wifi", got
    assert "拼音按词检索（标题和正文）" not in got


def test_what_was_left_out_is_labelled_by_why(client):
    """QA pass 12: `标题:` with nothing after it and 文号:〔〕号 were "ignored common words"."""
    def items(url: str) -> dict[str, str]:
        text, _ = page(client, url)
        return dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", text))

    got = items("/?q=小微企业怎样申请担保贷款 标题:")
    assert "怎样" in got["已忽略常用词"] and "标题" not in got["已忽略常用词"], got
    assert got["已忽略无内容的限定"] == "标题:", got
    got = items("/?q=养老～")
    assert got.get("已忽略") == "~" and "已忽略常用词" not in got, got  # ～ folded
    # QA pass 19: the words a question was cut into are said, as the API's understood.words
    words = client.get("/api/search", params={"q": "公基金怎么取"}).json()["understood"]["words"]
    assert len(words) > 1 and items("/?q=公基金怎么取")["检索词"] == "、".join(words)


def test_zero_results_page_helps(client, web_corpus):
    text, _ = page(client, '/?q="失业保险条例居住证"')
    assert "没有找到符合条件的文件" in text
    assert re.search(r"不用引号（不要求完全一致）</a> <span[^>]*>（\d+ 份）", text)
    repealed = [d for d in web_corpus.documents if d.meta.validity == "repealed"]
    assert repealed and all("居住证" not in normalize(d.text) for d in repealed)
    text, _ = page(client, "/?q=居住证&validity=repealed")
    assert "没有找到符合条件的文件" in text
    assert re.search(r"去掉全部筛选条件</a> <span[^>]*>（\d+ 份）", text)
    assert "检查有没有错别字" in text
    # QA pass 4: where dropping the filters finds nothing either, no link says to try it
    text, _ = page(client, '/?q="火星基地宇航员"&validity=repealed')
    assert "没有找到符合条件的文件" in text and "去掉全部筛选条件" not in text
    assert "去掉筛选条件</a>后再试" not in text


def test_sorted_by_date_the_page_says_every_word_is_required(client):
    """QA pass 17: sorted by date, documents holding one of the words came first; they are
    left out now, and the page says so and leads back to the relevance order."""
    api = "/api/search?q=人民法院 审判"
    ranked = client.get(api).json()
    dated = client.get(api + "&sort=date_desc").json()
    assert 0 < dated["total"] < ranked["total"]
    assert dated["understood"]["partial_left_out"] and not ranked["understood"]["all_words"]
    text, _ = page(client, "/?q=人民法院 审判&sort=date_desc")
    assert "按日期排序时只列出包含全部检索词的文件" in text and "至少包含" not in text
    text, _ = page(client, "/?q=人民法院 火星基地&sort=date_desc")
    assert "没有找到符合条件的文件" in text
    said = "按相关度排序（也列出只包含部分检索词或意思相近的文件）"
    link = re.search(f'<a href="([^"]+)">{said}</a> ' + r"<span[^>]*>（(\d+) 份）", text)
    assert link, text
    params = dict(parse_qsl(urlsplit(link.group(1).replace("&amp;", "&")).query))
    assert "sort" not in params and params["q"] == "人民法院 火星基地"
    assert client.get("/api/search", params=params).json()["total"] == int(link.group(2))


def _fewer_words(text: str) -> list[tuple[str, int]]:
    """The "少用一个词" suggestions of a zero-result page: (query of the link, its count)."""
    out = []
    for href, n in re.findall(
        r'<a href="([^"]+)">少用一个词：[^<]*</a> <span[^>]*>（(\d+) 份）', text
    ):
        params = dict(parse_qsl(urlsplit(href.replace("&amp;", "&")).query))
        out.append((params["q"], int(n)))
    return out


def test_fewer_words_keeps_the_phrase_and_the_exclusions(client):
    """Dropping a word keeps what the query asked for besides words (QA report item 11)."""
    text, _ = page(client, '/?q="政府性融资担保" 火星基地 宇航员')
    assert "没有找到符合条件的文件" in text
    fewer = _fewer_words(text)
    assert fewer, text
    for q, n in fewer:
        assert '"政府性融资担保"' in q, q  # the phrase is still required
        assert client.get("/api/search", params={"q": q}).json()["total"] == n
    text, _ = page(client, "/?q=工伤 火星 宇航员 -条例")
    fewer = _fewer_words(text)
    assert fewer, text
    for q, n in fewer:
        assert q.endswith(" -条例") and "工伤" in q, q  # the exclusion is still there
        assert client.get("/api/search", params={"q": q}).json()["total"] == n
    # a phrase plus one word: leaving out the word still searches the phrase
    text, _ = page(client, '/?q="政府性融资担保" 火星')
    assert [q for q, _ in _fewer_words(text)] == ['"政府性融资担保"']


def test_a_long_query_searched_with_fewer_words_says_so(client):
    """QA pass 50a: a long spoken question found nothing, its 13 of 32 words required. Five
    words or more finding nothing are searched asking fewer, and the reading says how many."""
    text, _ = page(client, "/?q=国务院 办公厅 火星 宇航员 陨石 飞船")
    assert "没有文件包含其中 3 个词" in text and "没有找到符合条件的文件" not in text
    assert result_ids(text)


def test_traditional_text_the_page_shows_is_marked_as_such(client):
    """QA pass 50d: a traditional query echoed in the heading, and the traditional examples of
    the home page, were read as zh-CN by a screen reader."""
    text, _ = page(client, "/?q=個人資料")
    assert '“<span lang="zh-Hant">個人資料</span>”的检索结果' in text
    home, _ = page(client, "/")
    assert '<kbd lang="zh-Hant">國務院</kbd>' in home
    simplified, _ = page(client, "/?q=个人资料")
    assert "“个人资料”的检索结果" in simplified


def test_a_suggestion_that_drops_the_filters_says_so(client):
    """QA pass 8: 只检索“养犬” led to a search without the chosen category, unsaid."""
    text, _ = page(client, '/?q="火星基地宇航员" 条例&validity=repealed')
    assert "没有找到符合条件的文件" in text
    links = re.findall(r'<a href="([^"]+)">只检索“([^”]+)”([^<]*)</a>', text)
    assert links, text
    for href, _, said in links:
        assert "validity" not in href and "不限筛选条件" in said, (href, said)


def test_bad_parameters_never_break_the_page(client):
    text, _ = page(client, "/?q=条例&page=abc&sort=bogus&year=abc&date_from=2024-13-45")
    assert "不是有效日期" in text and "共找到" in text
    page(client, "/?q=条例&page=999999")
    page(client, "/?q=" + "长" * 600)
    text, _ = page(client, "/?q=条例&date_from=2020-01-01&date_to=2010-01-01")
    assert "已对调" in text


def test_hostile_titles_and_texts_are_escaped(client, web_corpus):
    text, _ = page(client, "/?q=网络安全")
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>加强</b>" not in text
    assert "&lt;script&gt;" in text
    for doc in web_corpus.hostile:
        body, p = page(client, f"/documents/{doc.id}?q=网络安全")
        assert "<script>alert" not in body and "<script>x" not in body
        assert "<img src=x" not in body and '"><script>' not in body
        assert_no_inline_code(p)
    body, _ = page(client, f"/documents/{web_corpus.hostile[0].id}")
    assert "&lt;script&gt;alert(" in body and "&lt;b&gt;加强&lt;/b&gt;" in body
    assert HOSTILE_TEXT.split()[0] in body and HOSTILE_TITLE not in body
    # suggestions are JSON (inserted with textContent by app.js)
    sug = client.get("/api/suggest", params={"q": "关于"}).json()
    assert isinstance(sug["suggestions"], list)


def test_document_page(client, web_corpus):
    doc = web_corpus.docno_doc
    text, p = page(client, f"/documents/{doc.id}?q=国务院&back=q%3D国务院%26category%3D政策法规")
    for label in ("索引号", "文号", "发布机构", "成文日期", "发布日期", "分类", "有效性"):
        assert f'<th scope="row">{label}</th>' in text
    # a date the source does not give is not taken from another (QA pass 22b)
    shown = re.search(r'<th scope="row">发布日期</th>\s*<td>([^<]*)</td>', text).group(1)
    assert shown == (str(doc.meta.publish_date) if doc.meta.publish_date else "未注明"), shown
    assert '<mark id="match-1" tabindex="-1">' in text and 'href="#match-1"' in text
    assert "/?q=%E5%9B%BD%E5%8A%A1%E9%99%A2&amp;category=" in text  # back to the same results
    similar = re.findall(r'<section class="similar".*?</section>', text, re.S)
    assert similar and doc.id not in similar[0]
    hidden_ids = {d.id for d in web_corpus.hidden}
    assert not hidden_ids & set(re.findall(r"/documents/([0-9a-f]{16})", text))
    assert (
        "data-print" in text
        and '<link rel="stylesheet" href="/static/print.css" media="print">' in text
    )


def test_document_page_names_a_newer_version_and_the_copies(client, web_corpus):
    """QA pass 22b: the 2018 上海市社会救助条例 said 有效 beside its 2024 revision with no
    word of it, and a page did not list the files holding its text."""
    by_path = {d.path: d for d in web_corpus.documents}
    old = by_path["docs/lawrefbook/difang_shanghai/lrb_00188.txt"]
    new = by_path["docs/lawrefbook/difang_shanghai/lrb_00189.txt"]
    text, _ = page(client, f"/documents/{old.id}")
    note = re.search(r'<p class="notice document__newer".*?</p>', text, re.S)
    assert note and "2024-12-31" in note.group(0) and f"/documents/{new.id}" in note.group(0)
    text, _ = page(client, f"/documents/{new.id}")
    assert "document__newer" not in text and f"/documents/{old.id}" in text  # 较早
    body = client.get(f"/api/documents/{old.id}").json()
    assert [v["id"] for v in body["versions"]] == [new.id] and body["copies"] == []

    a = by_path["docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt"]
    b = by_path["docs/lawrefbook/xingzhengfa/lrb_02680.txt"]  # the same text
    text, _ = page(client, f"/documents/{a.id}")
    listed = re.search(r'aria-labelledby="versions-title".*?</section>', text, re.S).group(0)
    assert f"/documents/{b.id}" in listed and b.path in listed
    assert [c["id"] for c in client.get(f"/api/documents/{a.id}").json()["copies"]] == [b.id]


def test_a_version_the_catalogue_names_no_issuer_of_names_the_newer(tmp_path: Path):
    """QA pass 42b: the corpus catalogue leaves the 2010 上海市科学技术进步条例's 发布机构
    empty, so the empty issuer read as another issuer and the old text had no note of the 2024
    revision nor any 其他版本. Ingested with its own catalogue rows, as `govsearch ingest
    --catalog` reads them, the old text's page and the API name the newer one."""
    import csv

    from govsearch.app import create_app
    from model.settings import Settings
    from pipeline.run import run_ingest
    from search_index import citizen_words
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from tests.corpus import CORPUS, manifest, require_corpus

    require_corpus()
    paths = [f"docs/lawrefbook/difang_shanghai/lrb_0019{n}.txt" for n in (3, 4)]
    columns = ("path", "title", "category", "agency", "doc_number", "date")
    with open(tmp_path / "catalog.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(columns)
        for p in paths:
            (tmp_path / p).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / p).write_bytes((CORPUS / p).read_bytes())
            out.writerow([manifest()[p][c] for c in columns])
    data = tmp_path / "data"
    index = SearchIndex(EmbeddedIndex(data / "index"))
    report = run_ingest(index, [tmp_path / "docs"], catalog=tmp_path / "catalog.csv", workers=1)
    assert len(report.ok) == 2 and not report.failed, report.summary()
    by_name = {Path(d.path).name: d for d in index.catalog()}
    old, new = by_name["lrb_00193.txt"], by_name["lrb_00194.txt"]
    assert (old.agency, old.date, new.date) == ("", "2010-09-17", "2024-05-10")
    try:
        client = TestClient(create_app(Settings(data_dir=data), index=index))
        text, _ = page(client, f"/documents/{old.id}")
        note = re.search(r'<p class="notice document__newer".*?</p>', text, re.S)
        assert note and "2024-05-10" in note.group(0) and f"/documents/{new.id}" in note.group(0)
        body = client.get(f"/api/documents/{old.id}").json()
        assert [v["id"] for v in body["versions"]] == [new.id]
    finally:
        citizen_words.load_lexicon(None)
        index.close()


def test_back_link_cannot_leave_the_site(client, web_corpus):
    doc = web_corpus.docno_doc
    text, p = page(client, f"/documents/{doc.id}?back=https://evil.example/%3Fq%3Dx")
    assert "evil.example" not in text


def test_hidden_and_missing_documents_are_404_pages(client, web_corpus):
    for d in web_corpus.hidden:
        text, _ = page(client, f"/documents/{d.id}", 404)
        assert CANARY not in text and d.meta.title not in text
        assert client.get(f"/documents/{d.id}/original").status_code == 404
    text, _ = page(client, "/documents/0123456789abcdef", 404)
    assert "返回检索首页" in text
    assert client.get("/documents/..%2F..%2Fetc").status_code == 404


def test_hidden_documents_never_appear(client, web_corpus):
    text, _ = page(client, "/?q=" + CANARY)
    assert CANARY not in re.sub(r'value="[^"]*"|“[^”]*”|<title>.*?</title>', "", text)
    # (public documents may hold fewer of its words: QA pass 50a's fewer-words search)
    assert not set(result_ids(text)) & {d.id for d in web_corpus.hidden}
    assert not result_ids(page(client, f'/?q="{CANARY}"')[0])


def test_staff_see_which_results_the_public_does_not(make_app, web_corpus):
    # QA pass 35b: a withdrawn document in a staff search looked like any public one
    from search_api.keys import KeyStore

    _, key = KeyStore(web_corpus.data_dir).create("web-staff")
    staff = TestClient(make_app())
    hidden = web_corpus.hidden[0]
    text = staff.get("/", params={"q": CANARY}, headers={"Authorization": f"Bearer {key}"}).text
    assert hidden.id in result_ids(text)
    label = {"not_public": "不予公开", "draft": "草稿", "on_request": "依申请公开"}
    badges = re.findall(r'class="badge badge--unpublished"[^>]*>([^<]+)<', text)
    assert label[hidden.meta.disclosure] in badges
    assert len(badges) == len(result_ids(text))  # every result is a hidden one here


def test_original_download(client, web_corpus):
    doc = web_corpus.original_doc
    if doc is None:
        pytest.skip("the corpus DOCX rendering is missing")
    text, _ = page(client, f"/documents/{doc.id}")
    assert f"/documents/{doc.id}/original" in text and "下载原文（Word" in text
    r = client.get(f"/documents/{doc.id}/original")
    assert r.status_code == 200
    assert r.content == (web_corpus.originals_dir / doc.path).read_bytes()
    assert r.headers["content-disposition"].startswith("attachment")
    # a DOCX is a zip already: sent as it is (and with its length) to a client that takes gzip
    assert "content-encoding" not in r.headers
    assert int(r.headers["content-length"]) == len(r.content)
    # an ASCII name for clients that read only filename=, and a copy held is not sent again
    # (QA pass 38b: no fallback; If-None-Match with the ETag sent was a 200 and the file)
    suffix = Path(doc.path).suffix.lower()
    assert f'filename="{doc.id}{suffix}"; filename*=utf-8' in r.headers["content-disposition"]
    again = client.get(f"/documents/{doc.id}/original",
                       headers={"If-None-Match": r.headers["etag"]})  # fmt: skip
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == r.headers["etag"]
    other = client.get(f"/documents/{doc.id}/original", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.content == r.content
    # compared weakly, and * is any copy (QA pass 45b: both were a 200 and the file)
    for held in (f'"other", W/{r.headers["etag"]}', "*"):
        weak = client.get(f"/documents/{doc.id}/original", headers={"If-None-Match": held})
        assert weak.status_code == 304, held
    # a document whose stored path tries to climb out of the folder
    climber = web_corpus.hostile[1]
    text, _ = page(client, f"/documents/{climber.id}")
    assert "/original" not in text
    assert client.get(f"/documents/{climber.id}/original").status_code == 404
    assert (
        client.get(f"/documents/{web_corpus.hostile[0].id}/original").status_code == 404
    )  # no file


def test_a_text_original_is_sent_in_its_own_charset(client, web_corpus):
    """QA pass 8: a GBK text, a Big5 text and a gb2312 page were sent as charset=utf-8."""
    docs = {Path(d.path).name: d for d in web_corpus.documents}
    for name, charset in (("txt_04_gbk.txt", "gb18030"), ("txt_09_big5.txt", "big5hkscs"),
                          ("城市公共交通条例.txt", "gb18030")):  # fmt: skip
        doc = docs[name]
        r = client.get(f"/documents/{doc.id}/original")
        assert r.status_code == 200, name
        assert r.headers["content-type"] == f"text/plain; charset={charset}", name
        assert r.content.decode(charset).strip(), name
    pages = [d for d in web_corpus.documents if d.path.endswith((".html", ".htm"))]
    for doc in pages:
        r = client.get(f"/documents/{doc.id}/original")
        kind, _, charset = r.headers["content-type"].partition("; charset=")
        assert kind == "text/html" and r.content.decode(charset), doc.path


def test_no_download_without_originals_dir(make_app, web_corpus):
    doc = web_corpus.original_doc
    if doc is None:
        pytest.skip("the corpus DOCX rendering is missing")
    c = TestClient(make_app(originals_dir=None))
    assert "/original" not in c.get(f"/documents/{doc.id}").text
    assert c.get(f"/documents/{doc.id}/original").status_code == 404


def _doc(path: str, content_hash: str = "") -> StoredDocument:
    return StoredDocument(
        id="a" * 16,
        path=path,
        source="s",
        title="t",
        text="",
        doc_number="",
        agency="",
        category="其他",
        date="",
        written_date="",
        publish_date="",
        index_no="",
        keywords=(),
        validity="valid",
        disclosure="public",
        format="txt",
        content_hash=content_hash,
        size=0,
    )


def test_original_file_refuses_paths_outside(tmp_path: Path):
    root = tmp_path / "originals"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    pdf = hashlib.sha256(b"%PDF").hexdigest()
    assert original_file(root, _doc("sub/a.pdf", pdf)) == (root / "sub" / "a.pdf").resolve()
    # the file at the path is not the one the document was made from (issue 10, item 3)
    assert original_file(root, _doc("sub/a.pdf", "0" * 64)) is None
    assert original_file(root, _doc("sub/a.pdf")) is None  # no hash: nothing to verify
    for bad in (
        "../secret.txt",
        "sub/../../secret.txt",
        "/etc/passwd",
        "link.txt",
        "C:\\Windows\\win.ini",
        "sub",
        "",
        "sub/missing.pdf",
        "a\x00b",
    ):
        assert original_file(root, _doc(bad, pdf)) is None, bad
    assert original_file(None, _doc("sub/a.pdf")) is None


KIOSK_URLS = ["/kiosk", "/kiosk?q=zfxxgk", "/kiosk?q=条例&category=政策法规"]


@pytest.mark.parametrize("url", KIOSK_URLS)
def test_kiosk_pages_stay_on_the_site_and_are_not_stored(client, url):
    r = client.get(url)
    assert r.status_code == 200
    assert "no-store" in r.headers["cache-control"]
    p = Page(r.text)
    assert_no_inline_code(p)
    assert 'id="keyboard"' in r.text and 'data-idle-seconds="' in r.text
    for link in p.links:
        assert link.startswith(("/kiosk", "#")), link


def test_kiosk_document_page(client, web_corpus):
    doc = web_corpus.original_doc or web_corpus.docno_doc
    r = client.get(f"/kiosk/documents/{doc.id}?q=国务院&back=q%3D国务院")
    assert r.status_code == 200 and "no-store" in r.headers["cache-control"]
    p = Page(r.text)
    assert all(link.startswith(("/kiosk", "#")) for link in p.links), p.links
    assert "/original" not in r.text and "下载原文" not in r.text
    assert "data-print" in r.text and "新的检索" in r.text
    r = client.get("/kiosk/documents/0123456789abcdef")
    assert r.status_code == 404 and "no-store" in r.headers["cache-control"]


def test_kiosk_mode_setting(kiosk_client, web_corpus):
    for url in ("/", "/?q=zfxxgk", f"/documents/{web_corpus.docno_doc.id}"):
        r = kiosk_client.get(url)
        assert r.status_code == 200 and "no-store" in r.headers["cache-control"]
        assert 'class="kiosk"' in r.text
        p = Page(r.text)
        assert all(not link.startswith(("http", "//")) and "/api" not in link for link in p.links)
        assert "/duplicates" not in r.text
    assert kiosk_client.get("/duplicates").status_code == 404


def test_a_results_title_names_its_filters_and_page(client):
    """QA pass 23e: page 2 and a category filter had the first page's title, so two tabs or
    history entries read alike to a screen reader."""
    title = re.compile(r"<title>(.*?)</title>")
    first = title.search(client.get("/?q=条例").text).group(1)
    second = title.search(client.get("/?q=条例&page=2").text).group(1)
    filtered = title.search(client.get("/?q=条例&category=政策法规").text).group(1)
    total = client.get("/api/search", params={"q": "条例"}).json()["total"]
    assert first == f"条例 - 检索结果，共 {total:,} 份 · 政府信息公开检索"
    assert second == f"条例 - 检索结果，共 {total:,} 份 - 第 2 页 · 政府信息公开检索"
    assert filtered.startswith("条例 - 检索结果（政策法规），共 ")


def test_a_results_title_says_what_was_found_in_words(client):
    """QA pass 41a: a screen reader hears the title first, and the count was not in it; the
    documents with no date (year=0) were titled 浏览文件（0）, "none", and a validity filter
    said its code (valid)."""
    title = re.compile(r"<title>(.*?) · ")
    nothing = title.search(client.get("/?q=瓜达尔卡纳尔岛战役").text).group(1)
    assert nothing == "瓜达尔卡纳尔岛战役 - 检索结果，没有找到文件"
    undated = title.search(client.get("/?year=0").text).group(1)
    assert undated.startswith("浏览文件（无日期），共 ") and "（0）" not in undated
    valid = title.search(client.get("/?q=条例&validity=valid").text).group(1)
    assert valid.startswith("条例 - 检索结果（有效），共 ")


def test_the_kiosk_shows_no_file_paths(client, kiosk_client, web_corpus):
    """QA pass 23a: a kiosk listed a result's copies by their paths in the archive's folders
    (同一正文另有 1 份：TXT lawrefbook/…), which tell a patron nothing; the desktop keeps them
    for staff."""
    law = next(d for d in web_corpus.documents if d.path.endswith("lrb_02404.txt"))
    for url in ('/?q="居民身份证"', f"/documents/{law.id}"):  # its copy: lrb_02680.txt
        desk, kiosk = client.get(url).text, kiosk_client.get(url).text
        assert "lawrefbook/" in desk, url
        assert "lawrefbook/" not in kiosk and "lrb_0" not in kiosk, url


def test_an_unknown_address_is_a_page_for_people(client, kiosk_client):
    """Outside /api an unknown URL is an HTML 404 page leading back to the start page; the
    API keeps its one JSON error shape (QA report item 13)."""
    for url in ("/no-such-page", "/documents", "/reports/no-such-report", "/static/nope.css"):
        text, p = page(client, url, 404)
        assert "找不到该页面或文件" in text and "/" in p.links, url
        assert_no_inline_code(p)
        assert_accessible_basics(p)
    text, p = page(client, "/kiosk/no-such-page", 404)
    assert "/kiosk" in p.links and all(link.startswith(("/kiosk", "#")) for link in p.links)
    assert "下方键盘" not in text  # it has no keyboard (QA pass 25b)
    assert "no-store" in client.get("/kiosk/no-such-page").headers["cache-control"]
    r = kiosk_client.get("/no-such-page")
    assert r.status_code == 404 and 'class="kiosk"' in r.text
    # //api/search: a client's base URL ending in / (QA pass 45b: the HTML page)
    for url in ("/api/no-such-route", "/api", "/openapi.json/x",
                "http://testserver//api/search?q=x"):  # fmt: skip
        r = client.get(url)
        assert r.status_code == 404 and r.headers["content-type"] == "application/json", url
        assert r.json()["error"]["code"] == "not_found"
    assert client.put("/api/search").json()["error"]["status"] == 405


def test_static_files(client):
    for name, kind in (
        ("style.css", "text/css"),
        ("print.css", "text/css"),
        ("kiosk.css", "text/css"),
        ("app.js", "javascript"),
        ("kiosk.js", "javascript"),
        ("favicon.svg", "image/svg"),
    ):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and kind in r.headers["content-type"], name
    assert client.get("/static/../pages.py").status_code == 404


def test_print_stylesheet_is_a4():
    css = (Path(__file__).resolve().parents[2] / "web" / "static" / "print.css").read_text()
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)


def test_suggest_api(client, web_corpus):
    body = client.get("/api/suggest", params={"q": "zfxx"}).json()
    assert body["q"] == "zfxx" and body["suggestions"]
    # initials: the words they stand for first, then titles (QA pass 49d: titles whose
    # initials begin so came before 公积金 for gjj)
    assert all("政府信息" in normalize(s) for s in body["suggestions"][:3])
    assert any("政府信息公开" in normalize(s) for s in body["suggestions"][:2])
    hidden_titles = {d.meta.title for d in web_corpus.hidden} - {
        d.meta.title for d in web_corpus.documents
    }
    for title in hidden_titles:
        got = client.get("/api/suggest", params={"q": title[:6]}).json()["suggestions"]
        assert title not in got


def test_pagination_window():
    state = SearchState(q="x", page=7)
    numbers = [p.number for p in pagination(200, state, "/")]
    assert numbers == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert pagination(5, SearchState(q="x"), "/") == []


def test_docno_label():
    assert docno_label("国办发2019-5") == "国办发〔2019〕5号"
    assert docno_label("国务院令#86") == "国务院令第86号"


def test_a_typo_is_offered_its_word_and_the_typed_words_are_searched(client, web_corpus):
    web_corpus.index.lexicon.wait()  # a running server builds it in the background
    page = client.get("/", params={"q": "营业执招"}).text
    m = re.search(r'您是不是要找：<a href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert m and m.group(2) == "营业执照", page[:2000]
    assert "“营业执招”的检索结果" in page  # what was typed is what was searched
    # ... and the line says whose results these are, where there are some (QA pass 38a)
    said = "下面是按您输入的“营业执招”检索的结果，可能不是您要找的。"
    found = client.get("/api/search", params={"q": "营业执招"}).json()["total"]
    assert (said in page) == (found > 0), (found, page[:2000])
    fixed = client.get(m.group(1).replace("&amp;", "&")).text
    assert "“营业执照”的检索结果" in fixed and "您是不是要找" not in fixed
    assert client.get("/api/search", params={"q": "营业执招"}).json()["did_you_mean"] == "营业执照"


def test_similar_documents_never_list_a_copy_of_the_same_text(tmp_path):
    """QA pass 4: the 相关文件 of a document listed its own byte-identical copy (another file
    of the same text), which search shows as one result with it."""
    import dataclasses
    import datetime as dt

    from model.viewer import ANONYMOUS
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from search_index.prepare import prepare
    from tests.search_index.contract import sample_document
    from web.views import similar

    law = "docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt"  # = xingzhengfa/lrb_02680
    a = sample_document(law, doc_id="e" * 16, date=dt.date(2011, 10, 29))
    b = dataclasses.replace(sample_document(law, doc_id="8" * 16, fmt="pdf"),
                            path="files/original/lrb_02404.pdf")  # fmt: skip
    other = sample_document("docs/lawrefbook/xingzhengfa/lrb_02680.txt", doc_id="5" * 16)
    other = dataclasses.replace(other, text=other.text.replace("居民身份证", "居民身份证件", 1))
    backend = EmbeddedIndex(tmp_path / "data")
    assert all(r.ok for r in backend.write(prepare(d, "samples") for d in (a, b, other)))
    index = SearchIndex(backend)
    try:
        for doc, copy in ((a, b), (b, a)):
            listed = [h.doc.id for h in similar(index, index.get(doc.id), ANONYMOUS)]
            assert other.id in listed and copy.id not in listed and doc.id not in listed
    finally:
        index.close()


def test_a_field_scope_that_finds_nothing_offers_the_words_anywhere(client: TestClient):
    """标题:押金 found nothing and the page offered nothing though 押金 finds documents (the
    start page's tip teaches 标题:养老; QA pass 6)."""
    anywhere = client.get("/api/search", params={"q": "失业保险金"}).json()["total"]
    titled = client.get("/api/search", params={"q": "标题:失业保险金"}).json()["total"]
    assert anywhere > 0 and titled == 0
    page = client.get("/", params={"q": "标题:失业保险金"}).text
    assert "不限字段" in page and f"（{anywhere} 份）" in page.replace(",", "")


@pytest.mark.parametrize("q", ["？？", "---", "。。。", "OR", "|"])
def test_query_of_punctuation_says_it_lists_everything(client: TestClient, q: str):
    """QA pass 18b: a lone OR was searched as the pinyin "or" beside every document."""
    r = client.get("/", params={"q": q})
    assert r.status_code == 200
    assert "没有可检索的文字" in r.text and "全部文件" in r.text
    assert client.get("/api/search", params={"q": q}).json()["understood"]["pinyin"] == []
    assert "没有可检索的文字" not in client.get("/", params={"q": "条例"}).text
    assert "没有可检索的文字" not in client.get("/", params={"q": "怎么办"}).text


def test_a_link_left_out_is_said_as_a_link(client: TestClient):
    """QA pass 49c: a WeChat link pasted beside the words was listed as 已忽略无内容的限定 (a
    field scope with nothing after it), its "https:" read as a scope."""
    page = client.get("/", params={"q": "条例 https://mp.weixin.qq.com/s/AbC"}).text
    assert "已忽略网址" in page and "无内容的限定" not in page


@pytest.mark.parametrize("q", ["的了吗", "请问", "我想问一下", "在哪里"])
def test_a_query_of_function_words_only_says_so(client: TestClient, q: str):
    """QA pass 49b: 我想问一下怎么办 listed speeches and old 政府工作报告 with nothing said,
    as if they answered; punctuation alone is told it lists everything. Searched still (the
    only words typed), the page says its results are chance and asks for the matter."""
    r = client.get("/", params={"q": q})
    assert r.status_code == 200 and "只有虚词和问句用语" in r.text and "要办的事" in r.text
    for fine in ("怎么办 低保", "条例"):
        assert "只有虚词和问句用语" not in client.get("/", params={"q": fine}).text
    # ... nor beside a phrase quoted, a field or a 文号 (QA pass 50c: never tried)
    for fine in ('请问 "国务院"', "请问 title:条例", "请问 国办发〔2019〕6号"):
        assert "只有虚词和问句用语" not in client.get("/", params={"q": fine}).text, fine


def test_traditional_text_is_marked_as_such(client):
    """QA pass 7: Taiwan's titles, snippets and texts sat under ``<html lang="zh-CN">`` with no
    mark of their own, so a screen reader read them as Simplified Chinese. They are marked
    ``zh-Hant``; the mainland's are not."""
    found = client.get("/api/search", params={"q": "个人资料保护", "size": 50}).json()["hits"]
    taiwan = next(h for h in found if h["path"].startswith("docs/mojlaw/"))
    mainland = next(h for h in found if h["path"].startswith("docs/lawrefbook/"))
    results, _ = page(client, "/?q=个人资料保护&size=50")
    blocks = {m.group(1): m.group(0) for m in re.finditer(
        r'<li class="result" id="r-[0-9a-f]{16}">.*?href="/documents/([0-9a-f]{16})[^"]*".*?</li>',
        results, re.S)}  # fmt: skip
    assert 'lang="zh-Hant"' in blocks[taiwan["id"]]
    assert 'lang="zh-Hant"' not in blocks[mainland["id"]]
    doc, _ = page(client, f"/documents/{taiwan['id']}")
    assert re.search(r'<h1 id="doc-title" class="document__title" lang="zh-Hant">', doc)
    assert '<div class="document__text" lang="zh-Hant">' in doc
    other, _ = page(client, f"/documents/{mainland['id']}")  # (the search box's example is)
    assert 'lang="zh-Hant"' not in other.replace('<kbd lang="zh-Hant">國務院</kbd>', "")


def test_results_sharing_a_title_say_which_file_each_is(tmp_path):
    """QA pass 7: /?q=条例 listed three results named 世界博览会标志保护条例 (a text PDF, a PDF
    with a scanned page, a scan): a screen reader's list of links read one name three times.
    Results of a page sharing a title also name their format and file; others do not."""
    import dataclasses as dc

    from govsearch.app import create_app
    from model.settings import Settings
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from search_index.prepare import prepare
    from tests.corpus import corpus_document, sample_paths

    base = [corpus_document(p) for p in sample_paths(5)]
    title = "世界博览会标志保护条例"
    same = [dc.replace(d, id=f"{i:016x}", path=f"扫描/{i}.{fmt}", format=fmt,
                       meta=dc.replace(d.meta, title=title, disclosure="public"))
            for i, (d, fmt) in enumerate(zip(base[:3], ("pdf", "png", "txt"), strict=True))]
    other = dc.replace(base[3], meta=dc.replace(base[3].meta, disclosure="public"))
    # QA pass 18: an untitled scan read "（无标题）" like any other untitled result
    untitled = dc.replace(base[4], id="e" * 16, path="扫描/无名.png", format="png",
                          meta=dc.replace(base[4].meta, title="", disclosure="public"))  # fmt: skip
    index = SearchIndex(EmbeddedIndex(tmp_path))
    docs = [*same, other, untitled]
    assert all(r.ok for r in index.write(prepare(d, "t") for d in docs))
    client = TestClient(create_app(Settings(data_dir=tmp_path), index=index))
    kinds = sorted({d.meta.category for d in docs})
    text = client.get("/", params=[("category", c) for c in kinds]).text  # all five listed
    names = re.findall(r'<h2 class="result__title"[^>]*><a href="[^"]+">(.*?)</a>', text, re.S)
    assert len(names) == 5, names
    which = [re.sub(r"<[^>]+>", "", n) for n in names if title in n]
    # the format as a patron names it (QA pass 25b: "（IMAGE，无日期）")
    # ... and its date, as a citizen tells versions apart (QA pass 26b: the path told nothing)
    shown = zip(same, ("PDF", "图片", "文本"), strict=True)
    assert sorted(which) == sorted(
        f"{title}（{name}，{d.meta.date or '无日期'}）" for d, name in shown
    )
    assert f"（无标题）（图片，{untitled.meta.date or '无日期'}）" in [
        re.sub(r"<[^>]+>", "", n) for n in names
    ]
    named = [n for n in names if "无标题" not in n]
    assert not [n for n in named if title not in n and "result__which" in n]
    index.close()


def test_an_agency_of_only_punctuation_is_said_and_ignored(client):
    """QA pass 10 (the API refuses it; a page says so and searches without it)."""
    page = client.get("/", params={"q": "政务公开", "agency": "、"})
    assert page.status_code == 200
    assert "发布机构“、”无效，已忽略。" in page.text
    # QA pass 18: an emoji names no agency either (the API's 422); it filtered everything out
    page = client.get("/", params={"q": "政务公开", "agency": "😀"})
    assert page.status_code == 200 and "发布机构“😀”无效，已忽略。" in page.text
    assert "没有找到符合条件的文件" not in page.text
    assert client.get("/api/search", params={"q": "政务公开", "agency": "😀"}).status_code == 422


def test_a_disclosure_filter_is_said_to_be_ignored(client):
    """QA pass 14: the API refuses an anonymous disclosure=不予公开 (403); the page, which
    shows public documents to everyone, ignored it without a word."""
    page = client.get("/", params={"q": "政务公开", "disclosure": "不予公开"})
    assert page.status_code == 200
    assert "“公开方式”筛选已忽略" in page.text
    plain = client.get("/", params={"q": "政务公开"})
    assert "“公开方式”筛选已忽略" not in plain.text
    for public in ("public", "主动公开"):  # what the page shows anyway: nothing to say
        asked = client.get("/", params={"q": "政务公开", "disclosure": public})
        assert "“公开方式”筛选已忽略" not in asked.text


def test_the_date_form_admits_the_oldest_documents(client):
    """QA pass 11: the inputs' min of 1949-01-01 made the browser refuse 1946–1948, and the
    corpus holds documents of 1934 (中華民國 bonds) and 1947 (its constitution)."""
    from tests.corpus import manifest

    oldest = min(m["date"] for m in manifest().values() if m.get("date"))
    page = client.get("/?q=宪法").text
    mins = re.findall(r'id="date_(?:from|to)"[^>]*\smin="([\d-]+)"', page)
    assert len(mins) == 2 and all(m <= oldest for m in mins), (mins, oldest)


def test_a_wrong_key_on_a_page_is_a_page_not_the_apis_json(client):
    """QA pass 15: a wrong key sent to ``/`` or ``/kiosk`` was answered with the API's JSON
    401. A page answers with a page (401, in Chinese, saying what to do, the kiosk's in the
    kiosk's layout); the API keeps its JSON shape."""
    wrong = {"Authorization": "Bearer gs_not_a_key"}
    # and the staff forms, which read no key (QA pass 24a: they answered 200)
    for url in ("/?q=条例", "/kiosk?q=条例", "/documents/" + "0" * 16, "/reports",
                "/reports/timeliness", "/duplicates"):  # fmt: skip
        page = client.get(url, headers=wrong)
        assert page.status_code == 401, (url, page.text[:200])
        assert page.headers["content-type"].startswith("text/html")
        assert "密钥无效" in page.text and "公众查询不需要密钥" in page.text
    assert 'class="kiosk"' in client.get("/kiosk", headers=wrong).text  # the kiosk's layout
    for url in ("/reports", "/reports/timeliness", "/duplicates"):  # HEAD, as GET (QA 24c)
        assert client.head(url).status_code == 200, url
    api = client.get("/api/search?q=条例", headers=wrong)
    assert api.status_code == 401 and api.json()["error"]["code"] == "unauthorized"


def test_a_publication_date_the_source_does_not_give_is_not_shown():
    """QA pass 22b: 国办发〔2019〕6号, signed 2019-01-22 and published 2019-02-14, showed
    发布日期 2019-01-22: the page took the signing date for the publication date."""
    import dataclasses as dc
    import datetime as dt

    from model.document import CatalogMeta, Document, from_stored, to_stored
    from web.views import meta_rows

    meta = CatalogMeta(title="关于某事的通知", written_date=dt.date(2019, 1, 22))
    doc = Document(id="a" * 16, path="a.txt", text="正文", meta=meta, format="txt")
    rows = dict(meta_rows(from_stored(to_stored(doc, "corpus"), doc.text)))
    assert rows["成文日期"] == "2019-01-22" and rows["发布日期"] == "未注明"
    published = dc.replace(doc, meta=dc.replace(meta, publish_date=dt.date(2019, 2, 14)))
    rows = dict(meta_rows(from_stored(to_stored(published, "corpus"), doc.text)))
    assert rows["发布日期"] == "2019-02-14"


def test_a_running_server_never_reads_its_templates_again(client, monkeypatch) -> None:
    """QA pass 26a: the install upgraded under a running server (new templates on disk, the old
    code in memory) answered every page 500: a template asked for a filter the old code lacked.
    The templates are compiled when the pages load, and not looked at again."""
    from web import pages

    def gone(*args, **kwargs):
        raise AssertionError("a template was read from disk while serving")

    assert not pages.templates.env.auto_reload  # a newer file on disk is not looked for
    monkeypatch.setattr(pages.templates.env.loader, "get_source", gone)
    for url in ("/", "/?q=公积金", "/kiosk", "/duplicates", "/events/death", "/nowhere"):
        page = client.get(url)
        assert page.status_code in (200, 404) and "<html" in page.text, url


def test_an_unexpected_failure_of_a_page_is_a_page_in_chinese(make_app, monkeypatch) -> None:
    """QA pass 26b: while the pages failed, a phone showed the API's English JSON error in small
    print. A page's failure is a page with the way back; the API keeps its JSON; and when the
    pages themselves cannot be drawn, a plain page still says it in Chinese."""
    from search_index.index import SearchIndex
    from tests.web.conftest import TestClient
    from web import pages

    def broken(*args, **kwargs):
        raise RuntimeError("a defect")

    monkeypatch.setattr(SearchIndex, "search", broken)
    client = TestClient(make_app(), raise_server_exceptions=False)
    for url, home in (("/?q=公积金", 'href="/"'), ("/kiosk?q=公积金", 'href="/kiosk"')):
        page = client.get(url)
        assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
        assert "服务器出错，已记入日志。请稍后再试。" in page.text and home in page.text, url
        assert "internal_error" not in page.text
    api = client.get("/api/search", params={"q": "公积金"})
    assert api.status_code == 500 and api.json()["error"]["code"] == "internal_error"
    # ... each with the security headers every answer carries (QA pass 51b: a 500 had none,
    # Starlette answering it from outside every middleware)
    for answer in (api, client.get("/?q=公积金")):
        assert answer.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "Authorization" in answer.headers["vary"]
        assert answer.headers["cache-control"] == "no-store"
    monkeypatch.setattr(pages, "_render", broken)
    page = client.get("/?q=公积金")
    assert page.status_code == 500 and '<html lang="zh-CN">' in page.text
    assert "服务器出错" in page.text and '<a href="/">回到检索首页</a>' in page.text


def test_a_number_not_in_the_collection_says_so_and_offers_its_issuers_others(client) -> None:
    """QA pass 26b: 国发2020 10号 (not in the collection) was told only "查文号时只输入文号本身",
    which it was. The page says the number is not in the collection and offers the issuer's
    other numbers of that year, then all of them."""
    page = client.get("/", params={"q": "国办发2019 99号"}).text
    assert "本库没有文号为 <strong>国办发〔2019〕99号</strong> 的文件" in page
    assert "查文号时只输入文号本身" not in page
    offered = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', page.split("alternatives", 1)[1])
    labels = [label for _, label in offered]
    assert labels[:2] == ["国办发〔2019〕的其他文件（2019年发布）", "国办发的全部文件"], labels
    found = client.get(offered[0][0].replace("&amp;", "&")).text
    assert "国办发〔2019〕6号" in found
    assert "查文号时只输入文号本身" in client.get("/", params={"q": "\"失业保险条例居住证\""}).text


def test_results_alike_in_format_and_date_are_told_apart_by_path_except_at_a_kiosk() -> None:
    from types import SimpleNamespace as NS

    from web.views import which_files

    def hit(i: str, title: str, fmt: str, date: str, text: str = "正文") -> NS:
        return NS(doc=NS(id=i, title=title, format=fmt, date=date, path=f"dir/{i}.{fmt}",
                         text=text, written_date="", dates_from_text=""))  # fmt: skip

    hits = [hit("a", "某条例", "txt", "2011-07-29"), hit("b", "某条例", "txt", "2011-07-29"),
            hit("c", "某条例", "pdf", "2024-08-05"), hit("d", "别的", "txt", "")]  # fmt: skip
    assert which_files(hits) == {"a": "文本，2011-07-29，dir/a.txt",
                                 "b": "文本，2011-07-29，dir/b.txt", "c": "PDF，2024-08-05"}
    assert which_files(hits, kiosk=True)["a"] == "文本，2011-07-29"
    # QA pass 26b: 民法典 filed in parts, each titled 中华人民共和国民法典: the part's name
    code = [hit(p, "中华人民共和国民法典", "txt", "", f"中华人民共和国民法典\n\n{name}\n\n2020年")
            for p, name in (("p", "合同编"), ("q", "总则"))]  # fmt: skip
    for kiosk in (False, True):
        assert which_files(code, kiosk=kiosk) == {"p": "合同编，无日期", "q": "总则，无日期"}
    # versions of one format are told apart by their dates alone (QA pass 38a: "（文本，
    # 2001-06-20）", a word that tells a citizen nothing)
    versions = [hit("v", "某条例", "txt", "2001-06-20"), hit("w", "某条例", "txt", "2023-07-20")]
    assert which_files(versions) == {"v": "2001-06-20", "w": "2023-07-20"}


def test_the_richest_passage_gets_its_own_jump() -> None:
    """QA pass 26b: the jump went to the first match, a word of 第二条, far from the passage
    that holds the words asked for together."""
    from web.views import PASSAGE_CHARS, mark_anchors

    gap = "。" * PASSAGE_CHARS
    html = (f"第二条 <mark>境外</mark>{gap}"
            "第三十条 <mark>医保</mark>，<mark>境外</mark>就医<mark>报销</mark>")  # fmt: skip
    marked = mark_anchors(html)
    assert marked.count == 4 and marked.best == 1
    assert '<mark id="match-1" tabindex="-1">境外</mark>' in marked.html
    assert '<mark id="match-best" tabindex="-1">医保</mark>' in marked.html
    assert marked.html.count("<mark>") == 2  # the others unchanged
    # one word only, or the richest passage the first: no second jump
    assert mark_anchors("<mark>a</mark> <mark>a</mark>").best is None
    assert mark_anchors(f"<mark>a</mark><mark>b</mark>{gap}<mark>a</mark>").best is None


def test_a_document_with_matches_has_the_bar_that_steps_through_them(client, web_corpus):
    page = client.get(f"/documents/{web_corpus.docno_doc.id}", params={"q": "国务院"}).text
    assert 'data-match-nav hidden' in page and "下一处" in page and "上一处" in page
    one = client.get(f"/documents/{web_corpus.docno_doc.id}", params={"q": "没有的词"}).text
    assert "data-match-nav" not in one


def test_an_empty_page_offers_no_filters_unless_some_are_set(client) -> None:
    """QA pass 26b: a page that found nothing showed an empty 日期范围 form to narrow it."""
    empty = client.get("/", params={"q": '"失业保险条例居住证"'}).text
    assert "没有找到符合条件的文件" in empty and 'id="filters"' not in empty
    filtered = client.get("/", params={"q": '"失业保险条例居住证"', "year": "1999"}).text
    assert 'id="filters"' in filtered  # the filters set can be seen and undone
    assert 'id="filters"' in client.get("/", params={"q": "条例"}).text


def test_the_kiosks_empty_page_gives_advice_its_keyboard_can_follow(kiosk_client) -> None:
    """QA pass 26c: the kiosk's empty page advised mixing scripts and typing 国办发〔2019〕6号,
    which its on-screen keyboard cannot type."""
    page = kiosk_client.get("/kiosk", params={"q": '"失业保险条例居住证"'}).text
    assert "没有找到符合条件的文件" in page and "用完整拼音输入" in page
    assert "简体、繁体可以混用" not in page and "国办发〔2019〕6号</kbd>" not in page


@pytest.mark.parametrize("path", ["/", "/kiosk"])
def test_a_control_character_typed_is_shown_never_echoed_raw(client, web_corpus, path):
    """QA pass 27a: ?q=%00 put NUL bytes into the title, the box, the heading and every
    link's hidden field. A control character is shown as U+FFFD (as in the query log) and
    the words beside it are searched as typed."""
    r = client.get(path, params={"q": "\x00国务院\x1b"})
    assert r.status_code == 200
    assert not any(ord(c) < 32 and c not in "\n\r\t" for c in r.text)
    box = next(i for i in Page(r.text).inputs if i.get("name") == "q" and i.get("id") == "q")
    assert box["value"] == "\ufffd国务院\ufffd"
    # ... nor in any other parameter, nor a noncharacter (QA pass 27c)
    for name in ("agency", "date_from", "date_to", "category", "validity", "year", "sort",
                 "page"):  # fmt: skip
        r = client.get(path, params={"q": "国务院", name: "\x00x\x1b\uffff"})
        assert r.status_code == 200, name
        assert not any(ord(c) < 32 and c not in "\n\r\t" for c in r.text), name
        assert "\uffff" not in r.text, name
    doc = web_corpus.docno_doc
    r = client.get(f"{path.rstrip('/')}/documents/{doc.id}", params={"q": "国务院\x00"})
    assert r.status_code == 200
    assert not any(ord(c) < 32 and c not in "\n\r\t" for c in r.text)


def test_a_control_character_alone_lists_what_the_api_lists(client):
    """QA pass 49b L2: ?q=%00 alone was searched as the U+FFFD it is shown as, and the page
    found 0 documents where the API, which ignores the NUL, listed them all. Both list every
    document and say the character was ignored."""
    api = client.get("/api/search", params={"q": "\x00"}).json()
    assert api["total"] > 0 and api["understood"]["words"] == []
    for q in ("\x00", "\ufffd"):
        text = client.get("/", params={"q": q}).text
        assert f"共找到 <strong>{api['total']:,}</strong>" in text, q
        assert "已忽略" in text, q


def test_an_original_is_saved_under_its_title_where_its_name_says_nothing(client, web_corpus):
    """QA pass 27a: 社会保险法 was saved as lrb_02535.txt. A file whose name holds no Chinese
    is saved under the document's title with its extension; one whose name does keeps it."""
    from urllib.parse import quote

    from web.views import download_name

    law = "中华人民共和国社会保险法"
    assert download_name("lrb_02535.txt", law) == f"{law}.txt"
    assert download_name("国务院办公厅关于印发.docx", law) == "国务院办公厅关于印发.docx"
    assert download_name("a.txt", 'a/b:c*"d"\x00') == "a-bcd.txt"
    assert download_name("a.txt", "111/7/5 会议") == "111-7-5 会议.txt"  # QA pass 27c
    assert download_name("a.txt", "") == "a.txt"
    doc = next(d for d in web_corpus.documents
               if d.path.startswith("docs/lawrefbook/") and d.meta.title)  # fmt: skip
    r = client.get(f"/documents/{doc.id}/original")
    assert r.status_code == 200, r.text
    want = quote(f"{doc.meta.title}.txt"[:84].replace("/", "-"))
    assert f"filename*=utf-8''{want}" in r.headers["content-disposition"], r.headers


def test_search_address_people_guess_leads_to_the_search_page(client):
    # QA pass 33a: /search?q=… was a 404 page; it is the search page's address, every
    # parameter kept
    r = client.get("/search?q=产假&sort=date_desc", follow_redirects=False)
    assert r.status_code == 301
    assert urlsplit(r.headers["location"]).path == "/"
    params = dict(parse_qsl(urlsplit(r.headers["location"]).query))
    assert params == {"q": "产假", "sort": "date_desc"}
    followed = client.get("/search?q=产假")
    assert followed.status_code == 200 and "产假" in followed.text
    assert client.get("/search", follow_redirects=False).headers["location"] == "/"


def test_related_parts_of_a_code_say_which_part_each_is(tmp_path):
    """QA pass 33a: a 民法典 part's 相关文件 listed five 中华人民共和国民法典 alike; each says its
    part (合同编 …), as the results list does."""
    from govsearch.app import create_app
    from model.settings import Settings
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from search_index.prepare import prepare
    from tests.corpus import corpus_document, require_corpus

    require_corpus()
    docs = [corpus_document(f"docs/lawrefbook/minfadian/lrb_0{n}.txt") for n in range(2478, 2486)]
    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    assert all(r.ok for r in index.backend.write(prepare(d, "corpus") for d in docs))
    try:
        client = TestClient(create_app(Settings(data_dir=tmp_path / "data"), index))
        page = client.get(f"/documents/{docs[0].id}").text
        related = page[page.index('id="similar-title"') :]
        related = related[: related.index("</section>")]
        names = re.findall(r'<span class="result__which">（([^）]+)）</span>', related)
        assert len(names) >= 2 and len(set(names)) == len(names), related[:600]
        assert any("编" in n for n in names), names
        # ... and the page itself says which part it is, in its title and heading (QA pass
        # 50d: six pages titled 中华人民共和国民法典 alike, to a screen reader and in the tabs)
        titles = set()
        for d in docs:
            own = client.get(f"/documents/{d.id}").text
            heading = re.search(r'<h1 id="doc-title"[^>]*>(.*?)</h1>', own, re.S).group(1)
            title = re.search(r"<title>(.*?)</title>", own, re.S).group(1)
            part = re.search(r'<span class="document__part">（([^）]+)）</span>', heading)
            if part:
                assert f"（{part.group(1)}）" in title, title
                titles.add(title)
        assert len(titles) >= 5, titles
    finally:
        index.close()


def test_a_terminal_answers_no_staff_route_and_keeps_nothing(kiosk_client, client, web_corpus):
    """QA pass 37b: with GOVSEARCH_KIOSK=1 the staff pages were 404, but a typed URL still
    reached the API reference, the duplicate check's API and the original files, and the
    suggestions' answers were no-cache, not no-store, on the shared terminal."""
    assert kiosk_client.get("/docs").status_code == 404
    docs = client.get("/docs")
    assert docs.status_code == 200  # a server for desks keeps it
    # a landmark, and every code block a tab stop (QA pass 41a: 13 scrolled past a keyboard)
    assert "<main>" in docs.text and "<pre>" not in docs.text and "<pre tabindex=0>" in docs.text
    # the site's icon (QA pass 45b: none), served where the page's relative link leads
    assert '<link rel=icon href="static/favicon.svg"' in docs.text
    assert client.get("/static/favicon.svg").status_code == 200
    # laid out for a phone, and an empty default said (QA pass 44a: 980 px wide, "default:")
    assert '<meta name=viewport content="width=device-width, initial-scale=1">' in docs.text
    assert "default: ;" not in docs.text and not re.search(r"default: </td>", docs.text)
    # ... and the schema listing every staff route (QA pass 40b: it was served at a kiosk)
    assert kiosk_client.get("/openapi.json").status_code == 404
    assert client.get("/openapi.json").status_code == 200
    text = web_corpus.documents[0].text
    assert client.post("/api/duplicates", json={"text": text}).status_code == 200
    r = kiosk_client.post("/api/duplicates", json={"text": text})
    assert r.status_code in (404, 405), r.text
    doc = web_corpus.original_doc
    assert doc is not None
    assert client.get(f"/documents/{doc.id}/original").status_code == 200
    assert kiosk_client.get(f"/documents/{doc.id}/original").status_code == 404
    for url in ("/api/export?q=条例", "/api/feed?q=条例"):  # downloads too (QA pass 46b)
        assert client.get(url).status_code == 200, url
        assert kiosk_client.get(url).status_code == 404, url
    for url in ("/api/suggest?q=条例", "/api/search?q=条例", "/kiosk"):
        r = kiosk_client.get(url)
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store", url
        assert client.get(url).headers["cache-control"] != "no-store" or url == "/kiosk"
    assert kiosk_client.get("/static/style.css").headers.get("cache-control") != "no-store"


def test_a_trailing_slash_never_leads_off_the_site(client, kiosk_client):
    """QA pass 40a: an address ending in / is a 301 to it without the slash, and
    /%2fevil.example/ was sent to Location //evil.example, which a browser reads as that host.
    Such an address is a 404 page; an ordinary one still loses its slash."""
    for c in (client, kiosk_client):
        for url in ("/%2fevil.example/", "/%2F%2Fevil.example%2Flogin/", "/%5Cevil.example/"):
            r = c.get(url, follow_redirects=False)
            location = r.headers.get("location", "")
            assert not location.startswith(("//", "/\\", "http")), (url, location)
            assert r.status_code in (301, 404), (url, r.status_code)
    r = client.get("/events/", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/events"


def test_a_documents_number_is_on_its_page_and_finds_it(client, kiosk_client, web_corpus):
    """QA pass 40b: a scan's page told the patron to ask for the original, and the only number
    that names it, 文件编号, was on the printout alone; typed into the box it found nothing."""
    doc = next(d for d in web_corpus.documents if d.meta.title and d.meta.disclosure == "public")
    for c, base in ((client, "/"), (kiosk_client, "/kiosk")):
        page_text = c.get(f"/documents/{doc.id}").text
        assert f'文件编号 <span class="document__id">{doc.id}</span>' in page_text
        found = c.get(base, params={"q": doc.id}).text
        assert f"/documents/{doc.id}" in found, base
    api = client.get("/api/search", params={"q": doc.id.upper()}).json()
    assert api["hits"][0]["id"] == doc.id
    hidden = web_corpus.hidden[0]
    assert client.get("/api/search", params={"q": hidden.id}).json()["total"] == 0


def test_a_validity_nothing_states_is_shown_as_not_stated(tmp_path):
    """QA pass 40b: every document was badged 有效, a 1953 rule and the 1954 work report too,
    though neither the catalogue (it had no 有效性 column) nor the text says so. Such a
    document is still searched and filtered as in force, and shown as 未注明; one whose
    catalogue states 有效 keeps its badge."""
    from govsearch.app import create_app
    from model.settings import Settings
    from pipeline.run import run_ingest
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex

    folder = tmp_path / "docs"
    folder.mkdir()
    body = "\n第一条 为了规范丧葬费的发放，制定本办法。\n第二条 本办法自发布之日起施行。\n"
    (folder / "unstated.txt").write_text("丧葬费发放办法" + body, encoding="utf-8")
    (folder / "stated.txt").write_text("丧葬补助发放办法" + body, encoding="utf-8")
    catalog = folder / "catalog.csv"
    catalog.write_text("path,标题,有效性\nstated.txt,丧葬补助发放办法,有效\n"
                       "unstated.txt,丧葬费发放办法,\n", encoding="utf-8")  # fmt: skip
    data = tmp_path / "data"
    index = SearchIndex(EmbeddedIndex(data))
    assert run_ingest(index, [folder], catalog=catalog, workers=1).ok
    index.close()
    with TestClient(create_app(Settings(data_dir=data))) as c:
        hits = {h["path"]: h for h in c.get("/api/search", params={"q": "丧葬"}).json()["hits"]}
        assert {h["validity"] for h in hits.values()} == {"valid"}  # filtered as in force
        assert c.get("/api/search", params={"q": "丧葬", "validity": "valid"}).json()["total"] == 2
        page = c.get("/", params={"q": "丧葬"}).text
        assert page.count('badge--valid">有效</span>') == 1
        unstated = next(h for p, h in hits.items() if p.endswith("unstated.txt"))
        doc_page = c.get(f"/documents/{unstated['id']}").text
        assert "未注明（未见废止或失效的记载）" in doc_page
        stated = next(h for p, h in hits.items() if p.endswith("/stated.txt") or p == "stated.txt")
        assert "未见废止或失效" not in c.get(f"/documents/{stated['id']}").text
        # ... and the API and the export say it as the page does (QA pass 48c: the export
        # wrote 有效 for every text saying nothing of it)
        assert (unstated["validity_stated"], stated["validity_stated"]) == (False, True)
        lines = c.get("/api/export", params={"q": "丧葬"}).text.lstrip("\ufeff").splitlines()
        cells = {row.split(",")[1]: row.split(",")[7] for row in lines[1:]}
        assert cells == {"丧葬费发放办法": "未注明", "丧葬补助发放办法": "有效"}, lines
        rows = c.get("/api/export", params={"q": "丧葬", "format": "json"}).json()["documents"]
        assert {r["title"]: r["validity_stated"] for r in rows} == {
            "丧葬费发放办法": False, "丧葬补助发放办法": True}


def test_traditional_metadata_is_marked_as_such(client, web_corpus):
    """QA pass 41a: titles, snippets and texts were marked zh-Hant, but a Taiwan result's
    发布机构 and 文号, the document's catalogue cells and the facet values were read as
    simplified Chinese by a screen reader."""
    from analyzers.normalize import in_traditional

    doc = next(d for d in web_corpus.documents
               if d.meta.agency and in_traditional(d.meta.agency) and d.meta.title)  # fmt: skip
    page = client.get("/", params={"q": doc.meta.title}).text
    assert f'<span lang="zh-Hant">{doc.meta.agency}</span>' in page
    shown = client.get(f"/documents/{doc.id}").text
    assert f'<td lang="zh-Hant">{doc.meta.agency}</td>' in shown


def test_the_results_page_links_its_export_and_the_kiosk_does_not(client):
    """QA pass 42b: the list a researcher built on the page could not be taken away. The
    page links the export of its own search (filters and order, from the first result); a
    reading room's shared screen keeps no files and has no such link."""
    page = client.get("/?q=条例&category=政策法规&sort=date_desc&page=2").text
    link = re.search(r'<a class="keep__link sort__export" href="([^"]+)" download>', page)
    assert link, page[:2000]
    url = html.unescape(link.group(1))
    assert url.startswith("/api/export?") and "page=" not in url
    exported = client.get(url)
    assert exported.status_code == 200 and exported.text.startswith("\ufeff编号,标题")
    kiosk = client.get("/kiosk?q=条例").text
    assert "sort__export" not in kiosk
    # ... and its feed, newest first, for a feed reader to find (link rel=alternate)
    feed = re.search(r'<link rel="alternate" type="application/atom\+xml" [^>]*href="([^"]+)"',
                     page)  # fmt: skip
    assert feed and html.unescape(feed.group(1)).startswith("/api/feed?q=")
    assert client.get(html.unescape(feed.group(1))).status_code == 200
    assert "application/atom+xml" not in kiosk


def test_a_query_the_same_in_both_scripts_ranks_for_the_browsers_chinese(client):
    """QA pass 44a: 退休, 找工作, 火化 are written alike on both sides, and the phone page never
    said which side its reader is on: Taiwan's rules filled a mainland reader's first page. The
    browser's ``Accept-Language`` says it; a ``script`` in the address still decides, and the
    browser's is never written into the page's links."""

    def first(headers: dict[str, str], extra: str = "") -> tuple[str, str]:
        page = client.get(f"/?q=法{extra}", headers=headers)
        assert page.status_code == 200
        titles = re.findall(r'<h2 class="result__title"[^>]*><a href="[^"]+">(.*?)</a>', page.text)
        return html.unescape(re.sub(r"<[^>]+>", "", titles[0])), page.text

    vary = client.get("/?q=法").headers["vary"]
    assert "accept-language" in vary.lower(), vary  # a cache keeps one answer per language
    mainland, text = first({"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert mainland.startswith("中华人民共和国"), mainland
    # ... and the page says whose script decided (QA pass 44c: it said 按繁体输入, typed)
    assert "按您使用的简体中文，大陆文件略靠前" in text and "按简体输入" not in text
    assert "script=" not in text
    taiwan, _ = first({"Accept-Language": "zh-TW,zh;q=0.9"})
    assert normalize(taiwan) != normalize(mainland) and not taiwan.startswith("中华"), taiwan
    assert first({"Accept-Language": "zh-TW"}, "&script=hans")[0] == mainland
    assert first({"Accept-Language": "en-US,en;q=0.9"})[0] == taiwan  # as before: no side
    # ... and where the query names the mainland, that decided (QA pass 51d: a zh-HK reader's
    # 內地 was told 按您使用的简体中文)
    for typed, word in (("內地 法", "内地"), ("大陸公司 法", "大陆")):
        said = client.get("/", params={"q": typed}, headers={"Accept-Language": "zh-HK"}).text
        assert f"检索词说到“{word}”，大陆文件略靠前" in said and "按您使用的" not in said, typed


def test_a_hong_kong_reader_is_neither_sides(client):
    """QA pass 48b: a zh-HK or zh-MO browser was taken for Taiwan's reader, and so was every
    query it typed in traditional characters: 產假 put Taiwan's rules first, with the note
    "按您使用的繁体中文，台湾地区文件略靠前". A Hong Kong or Macau reader reads traditional and
    gets neither side's bonus, whatever the script typed; the API's script=hant-hk says it."""
    for lang in ("zh-HK,zh;q=0.9", "zh-MO", "zh-Hant-HK"):
        page = client.get("/?q=條例", headers={"Accept-Language": lang}).text
        assert "台湾地区文件略靠前" not in page and "大陆文件略靠前" not in page, lang
    taiwan = client.get("/?q=條例", headers={"Accept-Language": "zh-TW"}).text
    assert "台湾地区文件略靠前" in taiwan
    for script, prefers in (("hant-hk", ""), ("hant", "taiwan"), ("", "taiwan")):
        body = client.get("/api/search", params={"q": "條例", "script": script}).json()
        assert body["understood"]["prefers"] == prefers, (script, body["understood"])


def test_taiwans_documents_say_so_in_results_and_on_their_page(client, web_corpus):
    """QA pass 44a: a Taiwan rule's agency never says where it applies (總統, 勞動部), and a
    mainland reader took Taiwan's 退休 rules for their own. A result and the document's page
    say 台湾地区; a mainland document says nothing of the kind."""
    page = client.get("/?q=法", headers={"Accept-Language": "zh-TW"}).text
    results = re.findall(r'<li class="result" .*?</li>', page, flags=re.S)
    assert results and "台湾地区" in results[0]
    taiwan = next(d for d in web_corpus.documents if d.path.startswith("docs/mojlaw/"))
    assert "<th scope=\"row\">适用地区</th><td>台湾地区</td>" in client.get(
        f"/documents/{taiwan.id}").text
    mainland = next(d for d in web_corpus.documents if d.path.startswith("docs/lawrefbook/"))
    assert "适用地区" not in client.get(f"/documents/{mainland.id}").text
    plain = client.get("/?q=法", headers={"Accept-Language": "zh-CN"}).text
    first = re.findall(r'<li class="result" .*?</li>', plain, flags=re.S)[0]
    assert "中华人民共和国" in first and "台湾地区" not in first


def test_a_mainland_text_set_in_traditional_is_not_marked_taiwans():
    """QA pass 44c: 国务院's 1954 政府工作报告, typeset in traditional characters, said 台湾地区:
    the index files a text of many traditional-only characters as Taiwan's. Its agency,
    written in simplified and naming no Taiwan organ, says otherwise; Taiwan's own agencies,
    written in traditional (勞動部), and a text with no agency are read from the text."""
    from tests.corpus import CORPUS, require_corpus
    from web.views import taiwan_region

    require_corpus()
    import dataclasses

    text = (CORPUS / "docs/gov_work_report/gwr_1954.txt").read_text(encoding="utf-8")
    doc = dataclasses.replace(_doc("docs/gov_work_report/gwr_1954.txt"), text=text)
    assert not taiwan_region(dataclasses.replace(doc, agency="国务院"))
    assert taiwan_region(dataclasses.replace(doc, agency="勞動部"))
    assert taiwan_region(dataclasses.replace(doc, agency=""))
