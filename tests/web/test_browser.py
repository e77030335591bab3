"""The pages in a real browser: Debian's Chromium driven by Playwright, against the real app
served by uvicorn on 127.0.0.1 over a real index of corpus documents.

Covers searching and opening a document, a facet filter and Back, a Traditional query, a 文号
query, suggestions by keyboard, kiosk pinyin typed on the on-screen keyboard, the kiosk idle
reset (the previous patron's query, pages and storage really gone), printing on A4, pages
without JavaScript, no console errors anywhere (under a strict Content-Security-Policy), and
axe-core accessibility checks with zero serious or critical violations. Screenshots of every
page go to ``tests/artifacts/screenshots/`` (desktop 1280, phone 390, kiosk).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from analyzers.normalize import normalize
from search_api.keys import KeyStore
from search_index.request import Query
from tests.web.conftest import WebCorpus

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = REPO / "tests" / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # the browser's own strings (date fields, file pickers) in Chinese
]
IDLE_SECONDS = 8  # kiosk idle timeout for these tests (the countdown shows for the last 4)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
KIOSK = {"width": 1280, "height": 1024}


# -- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(make_app) -> Iterator[str]:
    """The real app on a free port of 127.0.0.1, in a background thread."""
    import uvicorn

    app = make_app(kiosk_idle_seconds=IDLE_SECONDS)
    app.state.index.search(Query(q="条例 zfxx"))  # load the dictionaries, as a running server has

    @app.middleware("http")
    async def strict_csp(request, call_next):  # pages must work without 'unsafe-inline'
        response = await call_next(request)
        response.headers.setdefault("content-security-policy", CSP)
        return response

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(15)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium; .ci/install does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable[..., Any]]:
    """New pages in fresh contexts; every console error or page error fails the test."""
    contexts: list[Any] = []
    errors: list[str] = []
    allowed: list[re.Pattern[str]] = []

    def make(viewport: dict[str, int] = DESKTOP, allow: tuple[str, ...] = (), **options: Any):
        ctx = browser.new_context(
            viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **options
        )
        contexts.append(ctx)
        allowed.extend(re.compile(a) for a in allow)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda m: (
                errors.append(f"console {m.type}: {m.text} @ {page.url}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: errors.append(f"page error: {e} @ {page.url}"))
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    unexpected = [e for e in errors if not any(a.search(e) for a in allowed)]
    assert unexpected == [], unexpected


def shot(page: Any, name: str, full: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path


def search(page: Any, text: str) -> None:
    page.fill("#q", text)
    with page.expect_navigation():
        page.press("#q", "Enter")


def total(page: Any) -> int:
    return int(page.locator(".summary strong").inner_text().replace(",", ""))


def axe_check(page: Any, what: str) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA rules) in the page; returns the serious/critical ones."""
    if not AXE.exists():
        pytest.skip("axe-core missing: npm install --prefix .ci axe-core@4 (.ci/install does)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # DevTools evaluation: CSP does not apply
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    bad = [
        {
            "page": what,
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    return bad


# -- citizens ------------------------------------------------------------------------------------
def test_search_and_open_a_document(open_page, server):
    page = open_page()
    page.goto(server + "/")
    shot(page, "desktop-home")
    search(page, "政府信息公开条例")
    assert total(page) > 0
    first = page.locator(".result__title a").first
    title = first.inner_text()
    assert "政府信息公开" in title
    assert page.locator(".result mark").count() > 0
    shot(page, "desktop-results")
    shot(page, "desktop-results-top", full=False)
    with page.expect_navigation():
        first.click()
    assert page.locator("h1.document__title").inner_text() == title
    assert page.locator(".document__text mark").count() > 0
    assert page.locator("table.meta th").all_inner_texts()[:3] == ["索引号", "文号", "发布机构"]
    assert page.locator("[data-print]").is_visible()  # app.js shows the print button
    shot(page, "desktop-document")
    back = page.locator(".doc-nav__back")
    with page.expect_navigation():
        back.click()
    assert page.locator(".result__title a").first.inner_text() == title


def test_back_to_the_results_is_back_to_the_result_opened(open_page, server):
    """QA pass 38a: on a phone, 返回检索结果 from the 7th result of page 2 led to the top of
    page 2 (the browser's Back kept the place; the page's own button, the one a phone shows,
    did not)."""
    page = open_page(viewport={"width": 360, "height": 740})
    page.goto(server + "/?q=条例&page=2")
    opened = page.locator(".result__title a").nth(6)
    doc_id = page.locator(".result").nth(6).get_attribute("id")
    assert doc_id and doc_id.startswith("r-")
    with page.expect_navigation():
        opened.click()
    with page.expect_navigation():
        page.locator(".doc-nav__back").click()
    assert page.evaluate("location.hash") == f"#{doc_id}"
    assert "page=2" in page.url
    top = page.evaluate(f"document.getElementById('{doc_id}').getBoundingClientRect().top")
    assert -2 <= top < 740, top  # at the top of the screen (subpixel scroll)


def test_a_document_is_shared_without_the_search_it_was_opened_from(open_page, server):
    """QA pass 38a: a link shared from a document's address bar carried the sender's search
    (?q=家暴&back=…). The page names its own address (canonical), and its share button gives
    that address: the phone's share sheet, or here (no share sheet) the clipboard."""
    page = open_page(viewport={"width": 360, "height": 740},
                     permissions=["clipboard-read", "clipboard-write"])  # fmt: skip
    page.add_init_script("delete Navigator.prototype.share")
    page.goto(server + "/?q=政府信息公开条例")
    with page.expect_navigation():
        page.locator(".result__title a").first.click()
    assert "q=" in page.url
    bare = page.url.split("?", 1)[0]
    assert page.locator('link[rel="canonical"]').get_attribute("href") == bare.removeprefix(server)
    share = page.locator("[data-share]")
    assert share.is_visible()
    share.click()
    page.wait_for_function("document.querySelector('[data-share]').textContent.includes('已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == bare


def test_document_prints_on_a4(open_page, server, web_corpus: WebCorpus, tmp_path):
    import pypdfium2

    page = open_page()
    page.goto(f"{server}/documents/{web_corpus.docno_doc.id}?q=国务院")
    assert not page.locator(".document__printed").is_visible()  # on paper only
    page.emulate_media(media="print")
    shot(page, "desktop-document-print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("[data-print]").is_visible()
    pdf = tmp_path / "doc.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        width, height = doc[0].get_size()
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, (width, height)  # A4 in pt
        text = doc[0].get_textpage().get_text_range()
        assert web_corpus.docno_doc.meta.title[:8] in text.replace("\r", "").replace("\n", "")
        assert "检索词" not in text and "返回检索结果" not in text and "打印" not in text
        # ... and at its end, where it is from and which document (QA pass 32b)
        last = doc[len(doc) - 1].get_textpage().get_text_range().replace("\r", "").replace("\n", "")
        assert f"出自政府信息公开检索 · 文件编号 {web_corpus.docno_doc.id}" in last, last[-200:]
    finally:
        doc.close()


def test_a_long_document_says_its_pages_and_asks_a_second_tap(
    open_page, server, web_corpus: WebCorpus, tmp_path
):
    """QA pass 40b: 打印 sent the 140 pages of 人民检察院刑事诉讼规则 at one tap, with no word
    of how many. The button says about how many A4 pages (the estimate within a third of what
    prints), and over ten asks a second tap."""
    import pypdfium2

    from web.views import PRINT_CONFIRM_PAGES, printed_pages

    public = [d for d in web_corpus.documents if d.meta.disclosure == "public" and d.meta.title]
    long = max(public, key=lambda d: len(d.text))
    pages = printed_pages(long.text)
    assert pages > PRINT_CONFIRM_PAGES, pages
    page = open_page()
    page.goto(f"{server}/documents/{long.id}")
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed++; }; }")
    button = page.locator("[data-print]")
    assert button.inner_text() == f"打印（约 {pages} 页）"
    button.click()
    assert page.evaluate("window.__printed") == 0 and "再点一次" in button.inner_text()
    # ... and a screen reader hears it: a button's new name is not reliably said (QA pass 41a)
    page.wait_for_function("() => document.querySelector('[data-said]')?.textContent"
                           ".includes('再点一次')")  # fmt: skip
    button.click()
    assert page.evaluate("window.__printed") == 1
    assert button.inner_text() == f"打印（约 {pages} 页）"
    for where in ("/documents", "/kiosk/documents"):  # the kiosk's print is its own
        page.goto(f"{server}{where}/{long.id}")
        page.emulate_media(media="print")
        pdf = tmp_path / "long.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        printed = len(pypdfium2.PdfDocument(str(pdf)))
        assert abs(printed - pages) <= max(2, printed / 3), (where, printed, pages)


FIRST_MATCH = [
    pytest.param("/kiosk/documents", {"width": 1024, "height": 768}, id="kiosk-1024x768"),
    pytest.param("/kiosk/documents", {"width": 1280, "height": 800}, id="kiosk-1280x800"),
    pytest.param("/kiosk/documents", {"width": 768, "height": 1024}, id="kiosk-768x1024"),
    pytest.param("/kiosk/documents", {"width": 1080, "height": 1920}, id="kiosk-portrait"),
    pytest.param("/documents", DESKTOP, id="desktop"),
    pytest.param("/documents", PHONE, id="phone"),
]


@pytest.mark.parametrize(("path", "viewport"), FIRST_MATCH)
def test_jump_to_the_first_match_shows_it_below_the_sticky_bar(
    open_page, server, web_corpus: WebCorpus, path, viewport
):
    """QA pass 23a: 跳到第一处 scrolled <mark id="match-1"> to y=0-35, under the kiosk's 87 px
    sticky bar (返回检索结果 / 新的检索 / 打印). The mark is now below the bar, and on screen; the
    desktop's bar does not stick, and there the mark is not glued to the window's top edge."""
    kiosk = path.startswith("/kiosk")
    page = open_page(viewport, has_touch=kiosk)
    page.goto(f"{server}{path}/{web_corpus.docno_doc.id}?q=国务院")
    link = page.locator('a[href="#match-1"]')
    link.tap() if kiosk else link.click()
    page.wait_for_function("() => scrollY > 0")
    where = page.evaluate(
        """() => ({mark: document.getElementById('match-1').getBoundingClientRect().toJSON(),
                   bar: document.querySelector('.doc-nav').getBoundingClientRect().toJSON(),
                   sticky: getComputedStyle(document.querySelector('.doc-nav')).position,
                   height: innerHeight})"""
    )
    shot(page, f"first-match-{'kiosk' if kiosk else 'desktop'}-{viewport['width']}", full=False)
    assert where["sticky"] == ("sticky" if kiosk else "static"), where
    if kiosk:
        assert where["bar"]["top"] == 0, where  # the bar is stuck at the top, over the text
    assert where["mark"]["top"] >= max(where["bar"]["bottom"], 0) + 8, where
    if not kiosk:  # lines of room above: the article's number (QA pass 44a: 第十七条 cut off)
        assert where["mark"]["top"] >= 64, where
    assert where["mark"]["bottom"] <= where["height"], where
    # focus follows (QA pass 23e: it stayed on the link, under the bar)
    assert page.evaluate("() => document.activeElement.id") == "match-1"


def test_a_link_focused_under_the_match_bar_is_scrolled_clear_of_it(
    open_page, server, web_corpus: WebCorpus
):
    """QA pass 50d: on the kiosk, 跳到第一处 took the focus wholly under the sticky match bar,
    inside the window, so the browser scrolled nothing and its focus ring was hidden."""
    url = f"{server}/kiosk/documents/{web_corpus.docno_doc.id}?q=国务院"
    page = open_page({"width": 1024, "height": 768})
    page.goto(url)
    jump, bar = page.locator(".document__jump").first, page.locator(".match-nav")
    # a window whose foot, where the bar is held, covers the link
    height = int(jump.bounding_box()["y"] + jump.bounding_box()["height"] / 2
                 + bar.bounding_box()["height"] / 2)  # fmt: skip
    page.set_viewport_size({"width": 1024, "height": height})
    page.goto(url)
    under = page.evaluate(
        """() => { const b = document.querySelector('.document__jump').getBoundingClientRect();
                   const at = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
                   return at !== null && at.closest('.match-nav') !== null; }"""
    )
    assert under  # the case: the link is in the window, under the bar
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('document__jump')"):
            break
    else:
        pytest.fail("Tab never reached 跳到第一处")
    seen = page.evaluate(
        """() => { const e = document.activeElement, b = e.getBoundingClientRect();
                   const at = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
                   return e === at || e.contains(at); }"""
    )
    assert seen


@pytest.mark.parametrize("path", ["/documents", "/kiosk/documents"])
def test_the_match_bar_steps_through_the_marks(open_page, server, web_corpus: WebCorpus, path):
    """QA pass 26b: on a phone a long law's page linked only to its first of 33 matches. A bar
    held at the screen's foot steps to the next and the previous, wrapping, and says where."""
    kiosk = path.startswith("/kiosk")
    page = open_page(PHONE if not kiosk else {"width": 1024, "height": 768}, has_touch=True)
    page.goto(f"{server}{path}/{web_corpus.docno_doc.id}?q=国务院")
    marks = page.locator(".document__text mark").count()
    assert marks >= 3, marks
    bar = page.locator(".match-nav")
    counter = bar.locator("[data-match-where]")
    assert bar.is_visible() and counter.inner_text() == f"共 {marks} 处"  # not 第 0 / N (26c)
    step = bar.locator("[data-match-step='1']")
    for n in (1, 2):
        step.tap()
        assert counter.inner_text() == f"第 {n} / {marks} 处"
        where = page.evaluate(
            """() => { const now = document.querySelector('mark.is-current');
                       return {mark: now.getBoundingClientRect().toJSON(),
                               bar: document.querySelector('.match-nav')
                                    .getBoundingClientRect().toJSON(),
                               all: [...document.querySelectorAll('.document__text mark')]
                                    .indexOf(now),
                               focused: document.activeElement
                                        .getAttribute('data-match-step'),
                               said: document.querySelector('[data-match-said]')
                                     .textContent}; }"""
        )
        # focus stays on the button, so Enter steps again (QA pass 27a); the live region
        # reads the match in its sentence
        assert where["all"] == n - 1 and where["focused"] == "1", where
        assert where["said"].startswith(f"第 {n} / {marks} 处：") and "国务院" in where["said"]
        assert 0 <= where["mark"]["top"] and where["mark"]["bottom"] <= where["bar"]["top"], where
    page.keyboard.press("Enter")  # the button keeps focus: a key steps on
    assert counter.inner_text() == f"第 3 / {marks} 处"
    for _ in range(3):
        bar.locator("[data-match-step='-1']").tap()  # the third: before the first, the last
    assert counter.inner_text() == f"第 {marks} / {marks} 处"
    page.reload()
    bar.locator("[data-match-step='-1']").tap()  # from none, 上一处 is the last (26c: skipped)
    assert counter.inner_text() == f"第 {marks} / {marks} 处"
    shot(page, f"match-bar-{'kiosk' if kiosk else 'phone'}", full=False)


def test_facet_filter_and_back(open_page, server):
    page = open_page()
    page.goto(server + "/?q=条例")
    before = total(page)
    link = page.locator("#facet-category ~ ul .facet__link").first
    count = int(link.locator(".facet__count").inner_text())
    with page.expect_navigation():
        link.click()
    assert "category=" in page.url
    assert total(page) == count
    assert page.locator(".chip").count() == 1
    page.go_back()
    page.wait_for_load_state()
    assert "category=" not in page.url and total(page) == before
    page.go_forward()
    page.wait_for_load_state()
    assert "category=" in page.url and total(page) == count


def test_back_shows_the_date_boxes_the_results_have(open_page, server):
    """QA pass 4: after a date range was applied, Back showed the unfiltered results with the
    dates still in the boxes."""
    page = open_page()
    page.goto(server + "/?q=条例")
    before = total(page)
    page.fill("#date_from", "2018-01-01")
    page.fill("#date_to", "2019-12-31")
    with page.expect_navigation():
        page.click("form.date-range button[type=submit]")
    assert "date_from=2018-01-01" in page.url and total(page) < before
    page.go_back()
    page.wait_for_load_state()
    assert "date_from" not in page.url and total(page) == before
    assert page.input_value("#date_from") == "" and page.input_value("#date_to") == ""
    page.go_forward()
    page.wait_for_load_state()
    assert page.input_value("#date_from") == "2018-01-01"


def test_traditional_query(open_page, server):
    page = open_page()
    page.goto(server + "/")
    search(page, "個人資料保護")
    understood = page.locator(".understood").inner_text()
    assert "已按简体检索" in understood and "个人资料保护" in understood
    assert "台湾地区文件略靠前" in understood  # typed in traditional: Taiwan's first
    count = total(page)
    search(page, "个人资料保护")
    assert "大陆文件略靠前" in page.locator(".understood").inner_text()
    assert count and total(page) == count  # the same documents, in another order


def test_traditional_text_is_set_in_a_traditional_font(open_page, server):
    """QA pass 32b: titles and texts marked zh-Hant were set in Noto Sans CJK SC, whose glyphs
    follow the mainland's forms; they take the TC fonts first (serif for the text)."""
    page = open_page()
    page.goto(server + "/?q=個人資料保護")
    title = page.locator('.result__title[lang="zh-Hant"]').first
    family = title.evaluate("e => getComputedStyle(e).fontFamily")
    assert family.startswith('"Noto Sans CJK TC"'), family
    plain = page.locator(".result__title:not([lang])")
    if plain.count():
        assert plain.first.evaluate("e => getComputedStyle(e).fontFamily").startswith(
            '"Noto Sans CJK SC"'
        )
    title.locator("a").click()
    text = page.locator('.document__text[lang="zh-Hant"]')
    assert text.evaluate("e => getComputedStyle(e).fontFamily").startswith('"Noto Serif CJK TC"')


def test_doc_number_query(open_page, server, web_corpus: WebCorpus):
    number = web_corpus.docno_doc.meta.doc_number
    m = re.fullmatch(r"(.+?)〔(\d{4})〕(\d+)号", number)
    assert m
    page = open_page()
    page.goto(server + "/")
    search(page, f"{m.group(1)}({m.group(2)}){m.group(3)}号")
    href = page.locator(".result__title a").first.get_attribute("href")
    assert href and href.startswith(f"/documents/{web_corpus.docno_doc.id}")
    assert "识别到文号" in page.locator(".understood").inner_text()


def test_suggestions_by_keyboard(open_page, server):
    page = open_page()
    page.goto(server + "/")
    page.locator("#q").press_sequentially("zfxx", delay=40)
    options = page.locator("#q-suggestions [role=option]")
    options.first.wait_for()
    assert page.locator("#q").get_attribute("aria-expanded") == "true"
    # said, as the list opens (QA pass 41a: it opened in silence)
    page.wait_for_function("() => /有 \\d+ 条建议/.test("
                           "document.querySelector('[data-said]')?.textContent || '')")  # fmt: skip
    shot(page, "desktop-suggestions", full=False)
    # initials: the words they stand for first, then the titles (QA pass 49d); a title chosen
    # with the arrow keys
    texts = options.all_inner_texts()
    at = next(i for i, t in enumerate(texts) if "政府信息公开" in t and len(t) > 8)
    for _ in range(at + 1):
        page.keyboard.press("ArrowDown")
    active = page.locator("#q").get_attribute("aria-activedescendant")
    chosen = page.locator(f"#{active}").inner_text()
    assert chosen == texts[at] and texts[0] == "政府信息", texts
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#q").input_value() == chosen
    assert page.locator(".result__title a").first.inner_text() == chosen


def test_pages_work_without_javascript(open_page, server):
    page = open_page(java_script_enabled=False)
    page.goto(server + "/")
    search(page, "条例")
    assert total(page) > 0
    with page.expect_navigation():
        page.locator("#facet-year ~ ul .facet__link").first.click()
    assert "year=" in page.url
    page.fill("#date_from", "2015-01-01")
    with page.expect_navigation():
        page.click(".date-range button")
    assert "date_from=2015-01-01" in page.url and "year=" in page.url and "q=" in page.url


def test_phone_layout(open_page, server, web_corpus: WebCorpus):
    page = open_page(PHONE)
    page.goto(server + "/")
    shot(page, "phone-home", full=False)
    search(page, "失业保险")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-results", full=False)
    page.goto(f"{server}/documents/{web_corpus.docno_doc.id}?q=国务院")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-document", full=False)


def test_links_tapped_outside_running_text_are_44_px_high_on_a_phone(open_page, server):
    """QA pass 50d: on a phone the export and feed links were 21 px high, a life event's link
    25, the report list's and the duplicate page's 24: an older hand with a tremor misses."""
    page = open_page(PHONE, is_mobile=True, has_touch=True)
    measured = {}
    for path, where in (("/?q=退休", ".keep__link, .asked__event"), ("/reports", ".report-list a"),
                        ("/duplicates", ".dup-lead a")):  # fmt: skip
        page.goto(server + path)
        links = page.locator(where)
        assert links.count() >= 1, path
        for i in range(links.count()):
            measured[f"{path} {links.nth(i).inner_text()}"] = links.nth(i).bounding_box()["height"]
    named = {"/?q=退休 退休养老", "/reports 公开时限", "/duplicates 工作人员报表"}
    assert named <= set(measured), measured
    assert any(k.startswith("/?q=退休 导出表格") for k in measured), measured
    assert all(height >= 44 for height in measured.values()), measured


def test_on_a_phone_the_first_result_is_on_the_first_screen(open_page, server):
    """QA pass 22: "检索词的理解" and the sort bar pushed the first result to y=580 of 844, its
    snippet below the screen. On a phone the reading is folded to its heading (a tap opens it);
    on a desktop it stays open."""
    page = open_page(PHONE, is_mobile=True, has_touch=True)
    page.goto(server + "/?q=房东不退押金怎么办")
    details = page.locator("details.understood")
    assert details.count() == 1 and not details.evaluate("d => d.open")
    # folded, its heading still says which other wordings were searched (QA pass 24b)
    brief = page.locator(".understood__brief")
    assert brief.is_visible() and "房东 → " in brief.inner_text(), brief.inner_text()
    snippet = page.locator(".result__snippet").first.bounding_box()
    assert snippet and snippet["y"] + snippet["height"] <= PHONE["height"], snippet
    page.locator("details.understood summary").tap()
    assert details.evaluate("d => d.open") and not brief.is_visible()  # the list says it all
    wide = open_page()
    wide.goto(server + "/?q=房东不退押金怎么办")
    assert wide.locator("details.understood").evaluate("d => d.open")


def test_phone_touch_targets_outside_text(open_page, server, web_corpus):
    """QA pass 22: the footer's links were 20 px high on every page, the life-event trail's
    首页 21 px and each question's first documents 22 px (WCAG 2.5.8: 24 px). QA pass 28b:
    the links a thumb taps alone are 44 px (WCAG 2.5.5, as the result titles are): the
    footer's (24 px), the document's jumps to its matches (24 px), the folded "检索词的理解"
    (26 px)."""
    page = open_page(PHONE, is_mobile=True, has_touch=True)
    document = f"/documents/{web_corpus.docno_doc.id}?q=国务院"
    small = {}
    for url, selector, least in (
        ("/?q=条例", ".site-footer a", 44), ("/events/death", ".site-footer a", 44),
        ("/events/death", ".event__trail a", 44), ("/events/death", ".event__docs a", 44),
        (document, ".document__jump", 44), ("/?q=条例", "details.understood summary", 44),
    ):  # fmt: skip
        page.goto(server + url)
        links = page.locator(selector)
        assert links.count() > 0, (url, selector)
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            if not box or box["height"] < least or box["width"] < 24:
                small[f"{url} {selector} {i}"] = box
    assert not small, small


def test_phone_with_large_text_needs_no_sideways_scrolling(open_page, server, web_corpus):
    """QA pass 7: a phone set to large text (32 px, 200 %) scrolled sideways on the start page
    (life-event tiles), the results (the search box and button would not wrap), the duplicate
    check and the kiosk: rem-sized minimums grew past the screen. WCAG 1.4.4 and 1.4.10."""
    wide = {}
    # ... and at 320 px (QA pass 41a: the kiosk's sort links and the document id ran past it)
    for viewport in (PHONE, {"width": 320, "height": 640}):
        page = open_page(viewport, is_mobile=True, has_touch=True)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        for url in ("/", "/?q=条例", f"/documents/{web_corpus.docno_doc.id}?q=国务院",
                    "/duplicates", "/events/death", "/kiosk", "/kiosk?q=条例",
                    f"/kiosk/documents/{web_corpus.docno_doc.id}"):  # fmt: skip
            page.goto(server + url)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > viewport["width"]:
                wide[f"{viewport['width']} {url}"] = width
    assert not wide, wide


@pytest.mark.parametrize(("viewport", "font", "stuck"), [
    ({"width": 360, "height": 740}, 32, True),  # a phone set to large text
    ({"width": 320, "height": 256}, 16, False),  # a 1280 x 1024 terminal zoomed to 400 %
])  # fmt: skip
def test_the_match_bar_leaves_the_text_room_when_the_screen_is_short(
    open_page, server, web_corpus, viewport, font, stuck
):
    """QA pass 41a: with large text the bar's buttons and count stacked, 41 % of a phone's
    screen (66 % of a terminal zoomed 400 %), two lines of the law left to read. One row now,
    and the shortest screens keep it at the text's end."""
    page = open_page(viewport, has_touch=True)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": font, "fixed": font}})
    page.goto(f"{server}/documents/{web_corpus.docno_doc.id}?q=国务院")
    bar = page.locator(".match-nav")
    assert bar.is_visible()
    where = page.evaluate(
        """() => { const bar = document.querySelector('.match-nav');
                   const steps = [...bar.querySelectorAll('[data-match-step]')]
                                 .map(b => b.getBoundingClientRect().toJSON());
                   return {bar: bar.getBoundingClientRect().toJSON(), steps,
                           position: getComputedStyle(bar).position}; }"""
    )
    assert where["position"] == ("sticky" if stuck else "static"), where
    first, last = where["steps"]
    assert first["top"] == last["top"] and first["height"] >= 44, where  # one row
    if stuck:
        assert where["bar"]["height"] <= 0.2 * viewport["height"], where


def test_keyboard_navigation_and_visible_focus(open_page, server):
    page = open_page()
    page.goto(server + "/?q=条例")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    for _ in range(6):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"""
        )
        assert style[1] != "none" and float(style[2].rstrip("px")) >= 2, style


# -- reading-room kiosk ----------------------------------------------------------------------------
def type_on_screen(page: Any, text: str) -> None:
    for ch in text:
        if ch == " ":
            page.click(".key[data-action=space]")
        else:
            page.click(f'.key[data-key="{ch}"]')


def _wait_for_letters(page: Any, letters: str) -> None:
    """Until the candidate bar shows words for ``letters`` (its words and letters are shown
    together, from one answer)."""
    page.wait_for_function(
        """(want) => document.getElementById("ime-letters").textContent === want
                     && document.querySelectorAll("#ime-words .ime__word").length > 0""",
        arg=letters,
    )


def test_kiosk_pinyin_on_the_on_screen_keyboard(open_page, server):
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    keys = page.locator(".keyboard button")
    assert keys.count() >= 40
    for box in (keys.nth(i).bounding_box() for i in range(keys.count())):
        assert box and box["width"] >= 44 and box["height"] >= 44
    type_on_screen(page, "zhengfu xinxi")
    assert page.locator("#q").input_value() == "zhengfu xinxi"
    page.locator("#q-suggestions [role=option]").first.wait_for()
    shot(page, "kiosk-start", full=False)
    page.click(".key[data-action=backspace]")
    assert page.locator("#q").input_value() == "zhengfu xinx"
    page.click(".key[data-action=clear]")
    type_on_screen(page, "zfxxgk")
    with page.expect_navigation():
        page.click(".key--search")
    titles = page.locator(".result__title a").all_inner_texts()
    assert titles and all("政府信息公开" in normalize(t) for t in titles[:3]), titles
    assert "中华人民共和国政府信息公开条例" in [normalize(t) for t in titles[:3]]
    assert "拼音" in page.locator(".understood").inner_text()
    shot(page, "kiosk-results", full=False)
    # every link on the page stays in the kiosk
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert all(h.startswith(server + "/kiosk") for h in hrefs), hrefs


def test_kiosk_keys_pressed_from_a_keyboard_keep_the_focus(open_page, server):
    """QA pass 41a: each on-screen key, pressed with Enter or a switch, sent the focus back to
    the box: 25 Tabs to the next letter, 150 presses for shebao. A key keeps it now; a word
    chosen the same way leaves it on 搜索; a tap still types at the box's caret."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    for ch in "shebao":
        key = page.locator(f'.key[data-key="{ch}"]')
        key.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.getAttribute('data-key')") == ch
    assert page.locator("#q").input_value() == "shebao"
    page.locator(".key[data-action=space]").focus()
    page.keyboard.press(" ")
    assert page.evaluate("() => document.activeElement.getAttribute('data-action')") == "space"
    page.locator(".key[data-action=backspace]").focus()
    page.keyboard.press("Enter")
    assert page.locator("#q").input_value() == "shebao"
    _wait_for_letters(page, "shebao")
    word = page.locator("#ime-words .ime__word").first
    chosen = word.inner_text()
    word.focus()
    page.keyboard.press("Enter")
    assert page.locator("#q").input_value() == chosen
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.click('.key[data-key="a"]')  # a tap: the caret in the box, as before
    assert page.evaluate("() => document.activeElement.id") == "q"


def _result_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        ".result__title a", "els => els.map(e => new URL(e.href).pathname.split('/').pop())"
    )


@pytest.mark.parametrize(
    ("typed", "chinese"),
    [
        ("zhengwu gongkai", "政务 公开"),
        ("zwgk", "政务公开"),
        ("dibao", "低保"),
        ("shbx", "社会保险"),
    ],
)
def test_kiosk_pinyin_examples_find_what_chinese_finds(open_page, server, typed, chinese):
    """The kiosk page's own examples, typed on its keyboard, find the documents the same words
    in Chinese find (titles and bodies)."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk?q=" + chinese)
    want = _result_ids(page)
    assert want, chinese
    page.goto(server + "/kiosk")
    type_on_screen(page, typed)
    with page.expect_navigation():
        page.click(".key--search")
    got = _result_ids(page)
    assert got and want[0] in got[:3], (typed, got, want)
    assert "拼音" in page.locator(".understood").inner_text()


def test_kiosk_input_method_types_chinese(open_page, server):
    """Pinyin on the on-screen keyboard shows candidate words of the index; a tap puts the
    word in place of the letters, so a Chinese query is typed without a system IME."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    type_on_screen(page, "shebao")
    # the bar is redrawn for each letter's answer: a word of "sheba" detached under the test
    # (CI run 160), so wait for the answer to all six letters
    _wait_for_letters(page, "shebao")
    first = page.locator("#ime-words .ime__word").first
    words = page.locator("#ime-words .ime__word").all_inner_texts()
    assert "社保" in words, words
    box = first.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44
    shot(page, "kiosk-ime", full=False)
    page.locator("#ime-words .ime__word", has_text=re.compile("^社保$")).click()
    assert page.locator("#q").input_value() == "社保"
    page.locator("#ime-words .ime__word").first.wait_for(state="detached")
    # the words of letters no longer typed wait, greyed, for the new ones: a tap on zwg's
    # 政务公开 after zwgk was typed had left 政务公开k (a race this test met on a loaded machine)
    held: list[Any] = []
    page.route(re.compile(r"/api/pinyin\?.*q=zwgk"), lambda route: held.append(route))
    type_on_screen(page, " zwg")
    _wait_for_letters(page, "zwg")
    assert page.locator("#ime-words .ime__word:enabled").count() > 0
    type_on_screen(page, "k")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    assert held and page.locator("#ime-words .ime__word").count() > 0
    assert page.locator("#ime-words .ime__word:enabled").count() == 0
    held[0].continue_()
    page.unroute(re.compile(r"/api/pinyin\?.*q=zwgk"))
    page.locator("#ime-words .ime__word", has_text=re.compile("^政务公开$")).click()
    assert page.locator("#q").input_value() == "社保 政务公开"
    # initials of a word, then a half-typed syllable: candidates still come
    page.click(".key[data-action=clear]")
    type_on_screen(page, "chongq")
    page.locator("#ime-words .ime__word", has_text=re.compile("^重庆")).first.click()
    assert page.locator("#q").input_value().startswith("重庆")
    with page.expect_navigation():
        page.click(".key--search")
    titles = page.locator(".result__title a").all_inner_texts()
    assert titles and "重庆" in normalize(" ".join(titles[:3])), titles


@pytest.mark.parametrize("typed", ["guofa", "shenfenzheng", "gjj"])
def test_kiosk_candidates_never_push_the_keys_off_the_screen(open_page, server, typed):
    """QA pass 27c: at 1024×768 a second row of candidates (guofa, shenfenzheng, gjj) put the
    keyboard's last row (清空, 繁體, 空格, 搜索) below the screen. The candidates keep one row
    and slide sideways; the page itself never scrolls sideways."""
    page = open_page({"width": 1024, "height": 768}, has_touch=True)
    page.goto(server + "/kiosk")
    search = page.locator(".key--search")
    before = search.bounding_box()
    type_on_screen(page, typed)
    _wait_for_letters(page, typed)  # not a shorter stretch's words, redrawn under the count
    assert page.locator("#ime-words .ime__word").count() >= 2
    after = search.bounding_box()
    assert after is not None and after["y"] + after["height"] <= 768, after
    assert before is not None and abs(after["y"] - before["y"]) < 1, (before, after)
    row = page.locator("#ime-words").bounding_box()
    assert row is not None and row["height"] < 90, row  # one row of 64 px keys
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 1024, wide
    shot(page, f"kiosk-candidates-{typed}", full=False)


def test_kiosk_syllables_typed_apart_stay_one_composition(open_page, server):
    """QA pass 15: on the kiosk, x i [space] a n offered the words of an alone, while search
    and /api/pinyin read xi an as 西安 (the space ends a syllable, as an apostrophe does): the
    bar asks for the whole stretch of letters and spaces before the caret."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    type_on_screen(page, "zhengwu gk")
    # the bar shows the answer for the letters typed so far, one key at a time: wait for the
    # answer to the whole stretch (an earlier key's may still be on show on a busy machine)
    _wait_for_letters(page, "zhengwu gk")
    asked = page.request.get(server + "/api/pinyin", params={"q": "zhengwu gk", "limit": "8"})
    words = page.locator("#ime-words .ime__word").all_inner_texts()
    assert words == asked.json()["words"], words


def test_kiosk_input_method_keeps_the_letters_a_word_does_not_stand_for(open_page, server):
    """shebaozhengfu is no one word: the candidates are 社保's, and a tap on 社保 left only 社保,
    the patron's zhengfu silently gone (QA pass 6). It stays, and its candidates come next."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    type_on_screen(page, "shebaozhengfu")
    page.locator("#ime-words .ime__word", has_text=re.compile("^社保$")).click()
    assert page.locator("#q").input_value() == "社保zhengfu"
    page.locator("#ime-words .ime__word", has_text=re.compile("^政府$")).click()
    assert page.locator("#q").input_value() == "社保政府"


# a question typed in pinyin without a choice: 71 letters, past /api/pinyin's 60 and
# /api/suggest's 50
LONG_PINYIN = "fangdongbutuiyajinzenmebanwoyaoqusuonalitoushuqingjiaoyixiaxiexieshebao"


def test_kiosk_input_method_keeps_its_candidates_past_60_letters(open_page, server):
    """QA pass 23a: past 60 letters the candidate bar went empty and the console logged errors:
    the bar asked /api/pinyin (and the box asked /api/suggest) for all the letters, and both
    answer 422 past their limits. The bar asks for the head of the letters, what the API
    reads (the candidates stand for the first of them, and a tap replaces those); the box asks
    for no suggestions past its limit. No request fails, so the console stays clean."""
    page = open_page(KIOSK)
    asked: list[tuple[str, int, str]] = []
    page.on(
        "response",
        lambda r: asked.append((urlparse(r.url).path, r.status, parse_qs(urlparse(r.url).query)
                                .get("q", [""])[0])) if "/api/" in r.url else None,
    )  # fmt: skip
    page.goto(server + "/kiosk")
    assert len(LONG_PINYIN) > 60
    type_on_screen(page, LONG_PINYIN)
    assert page.locator("#q").input_value() == LONG_PINYIN
    _wait_for_letters(page, LONG_PINYIN)
    words = page.locator("#ime-words .ime__word").all_inner_texts()
    assert "房东" in words, words
    page.wait_for_load_state("networkidle")
    assert [a for a in asked if a[1] >= 400] == [], [a for a in asked if a[1] >= 400]
    pinyin = [q for path, _, q in asked if path == "/api/pinyin"]
    assert pinyin and max(map(len, pinyin)) == 60, pinyin  # asked right up to the limit
    assert all(LONG_PINYIN.startswith(q) for q in pinyin), pinyin
    assert all(len(q) <= 50 for path, _, q in asked if path == "/api/suggest"), asked
    # a tap puts the word in place of the letters it stands for; the rest stays to be chosen
    page.locator("#ime-words .ime__word", has_text=re.compile("^房东$")).click()
    assert page.locator("#q").input_value() == "房东" + LONG_PINYIN.removeprefix("fangdong")
    _wait_for_letters(page, LONG_PINYIN.removeprefix("fangdong"))


def test_kiosk_offers_traditional_candidates_to_who_asks(open_page, server):
    """QA pass 23a: a visitor from Taiwan typing pinyin was offered 身分证-style simplified
    words only, and the search then preferred the mainland's documents. The 繁體 key offers
    the words in traditional characters for this patron (until the idle reset clears the
    session), and the search, typed in traditional, prefers Taiwan's."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    key = page.locator('#keyboard [data-action="script"]')
    assert key.get_attribute("aria-pressed") == "false"
    key.click()
    assert key.get_attribute("aria-pressed") == "true"
    type_on_screen(page, "gerenziliao")
    _wait_for_letters(page, "gerenziliao")
    words = page.locator("#ime-words .ime__word").all_inner_texts()
    assert "個人資料" in words and "个人资料" not in words, words
    page.locator("#ime-words .ime__word", has_text=re.compile("^個人資料$")).click()
    assert page.locator("#q").input_value() == "個人資料"
    with page.expect_navigation():
        page.click(".key--search")
    assert "台湾地区文件略靠前" in page.locator(".understood").inner_text()
    # letters searched as they are, no word picked: ranked for the same reader (QA pass 32b)
    page.goto(server + "/kiosk")
    type_on_screen(page, "tuixiu")
    with page.expect_navigation():
        page.click(".key--search")
    assert "script=hant" in page.url
    assert "台湾地区文件略靠前" in page.locator(".understood").inner_text()
    page.goto(server + "/kiosk")  # the same patron: still traditional
    assert page.locator('#keyboard [data-action="script"]').get_attribute("aria-pressed") == "true"
    # ... and the life events' questions are ranked for that reader (QA pass 41b)
    events = page.eval_on_selector_all('a[href*="/events/"]', "els => els.map(e => e.href)")
    assert events and all("script=hant" in h for h in events), events
    page.goto(events[0])
    asks = page.eval_on_selector_all('a[href*="q="]', "els => els.map(e => e.href)")
    asks = [h for h in asks if "/documents/" not in h]
    assert asks and all("script=hant" in h for h in asks), asks
    page.evaluate("() => sessionStorage.clear()")  # what the idle reset does
    page.goto(server + "/kiosk")
    assert page.locator('#keyboard [data-action="script"]').get_attribute("aria-pressed") == "false"


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 200}, {"width": 512, "height": 384}])
def test_the_idle_dialog_fits_a_zoomed_screen(open_page, server, viewport):
    """QA pass 23e: at 400 % (a 1280×800 kiosk is 320×200 CSS px) both buttons of the idle
    warning were below a fixed overlay that nothing scrolled, and a patron could not keep the
    session. The box fits the screen and scrolls inside itself; each button can be brought
    into view and tapped."""
    page = open_page(viewport, has_touch=True)
    page.goto(server + "/kiosk?q=zwgk")  # a patron's results: the start page is never reset
    warning = page.locator("#idle-warning")
    warning.wait_for(state="visible", timeout=(IDLE_SECONDS + 2) * 1000)
    box = page.locator(".idle-warning__box").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    for button in ("#idle-reset", "#idle-extend"):
        page.locator(button).scroll_into_view_if_needed()
        b = page.locator(button).bounding_box()
        assert 0 <= b["y"] and b["y"] + b["height"] <= viewport["height"], (button, b)
        assert 0 <= b["x"] and b["x"] + b["width"] <= viewport["width"], (button, b)
    page.locator("#idle-extend").tap()
    assert warning.is_hidden()


def test_a_copys_path_wraps_on_a_narrow_screen(open_page, server, web_corpus: WebCorpus):
    """QA pass 23e: the document page listed a copy by its path, one unbreakable token, and the
    page scrolled sideways at 320 CSS px (400 % zoom)."""
    law = next(d for d in web_corpus.documents if d.path.endswith("lrb_02404.txt"))
    page = open_page({"width": 320, "height": 700})
    page.goto(f"{server}/documents/{law.id}")
    assert "lrb_02680" in page.locator("#versions-title ~ ul").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320


def open_a_document_as_a_patron(page: Any) -> None:
    """From the kiosk's start page: zfxxgk typed on the screen's keys, searched, the first
    result opened."""
    type_on_screen(page, "zfxxgk")
    with page.expect_navigation():
        page.click(".key--search")
    with page.expect_navigation():
        page.locator(".result__title a").first.click()
    assert "/kiosk/documents/" in page.url


def test_kiosk_idle_reset_clears_the_previous_patron(open_page, server):
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    start_length = page.evaluate("() => history.length")
    page.evaluate(
        "() => { localStorage.setItem('patron', 'a'); sessionStorage.setItem('patron', 'a'); }"
    )
    open_a_document_as_a_patron(page)
    doc_url = page.url
    # navigation replaced entries instead of adding them
    assert page.evaluate("() => history.length") == start_length

    warning = page.locator("#idle-warning")
    warning.wait_for(state="visible", timeout=(IDLE_SECONDS + 2) * 1000)
    assert int(page.locator("#idle-count").inner_text()) <= IDLE_SECONDS // 2
    shot(page, "kiosk-idle-warning", full=False)
    # a modal dialog: Tab stays on its two buttons (it went on to the page behind: QA pass 7)
    focused = "() => document.activeElement && document.activeElement.id"
    assert page.evaluate(focused) == "idle-extend"
    seen = []
    for key in ("Tab", "Tab", "Tab", "Shift+Tab"):
        page.keyboard.press(key)
        seen.append(page.evaluate(focused))
    assert seen == ["idle-reset", "idle-extend", "idle-reset", "idle-extend"], seen
    assert warning.is_visible()
    page.click("#idle-extend")
    assert warning.is_hidden() and page.url == doc_url

    page.wait_for_url(re.compile(r"/kiosk$"), timeout=(IDLE_SECONDS + 4) * 1000)
    page.wait_for_load_state()
    assert page.locator("#q").input_value() == ""
    assert page.locator(".result").count() == 0
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    assert "zfxxgk" not in page.content()
    # Back cannot bring the previous patron's pages back
    page.go_back()
    page.wait_for_load_state()
    assert re.search(r"/kiosk$", page.url), page.url
    assert "zfxxgk" not in page.content() and page.locator(".result").count() == 0
    assert "documents" not in page.evaluate("() => location.href")


def test_kiosk_forward_never_reaches_the_previous_patrons_page(open_page, server):
    """QA pass 25b: a patron pressed Back from a document to the start page and walked away;
    the start page counted as untouched, so no reset ran, and the next patron's Forward opened
    the document, its query marked. Back onto the start page drops Forward's page, and what
    the patron left there (繁體, a closed keyboard) is cleared by the idle reset."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    open_a_document_as_a_patron(page)
    page.go_back()
    page.wait_for_load_state()
    assert re.search(r"/kiosk$", page.url), page.url
    page.go_forward()
    page.wait_for_load_state()
    assert "documents" not in page.url and "zfxxgk" not in page.content(), page.url
    # left on the start page with something of theirs: cleared after the idle time
    page.evaluate("() => sessionStorage.setItem('govsearch.script', 'hant')")
    page.wait_for_function("() => sessionStorage.length === 0",
                           timeout=(IDLE_SECONDS + 6) * 1000)  # fmt: skip


def test_kiosk_says_when_the_server_cannot_be_reached(open_page, server):
    """QA pass 25b: with the server unreachable the candidates just disappeared, nothing said."""
    page = open_page(KIOSK, allow=("Failed to load resource: net::ERR_FAILED",))
    page.goto(server + "/kiosk")
    page.route(re.compile(r".*/api/.*"), lambda route: route.abort())
    type_on_screen(page, "zf")
    page.wait_for_function(
        "() => (document.getElementById('ime-words') || {}).textContent.includes('无法连接')"
    )


def test_kiosk_reset_hides_the_page_when_the_server_does_not_answer(open_page, server):
    """QA pass 25b: with the server hung, the idle reset could not leave the page: the previous
    patron's document stayed on screen behind a countdown frozen at 1. The page is hidden
    before the start page is asked for."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk?q=zfxxgk")
    with page.expect_navigation():
        page.locator(".result__title a").first.click()
    page.route(re.compile(r".*/kiosk$"), lambda route: None)  # never answered
    hidden = """() => document.body.classList.contains('kiosk--resetting')
        && getComputedStyle(document.querySelector('main')).visibility === 'hidden'
        && !document.getElementById('kiosk-resetting').hidden"""
    page.wait_for_function(hidden, timeout=(IDLE_SECONDS + 6) * 1000)


def test_kiosk_never_leaves_for_a_server_that_does_not_answer(open_page, server):
    """QA pass 40b: with the server restarting, a tap on a result ended on the browser's own
    error page (English, no idle reset), which the browser reloaded as the patron's document
    once the server was back. A move is made only when the server answers; meanwhile the page
    says so and asks again; the idle reset hides the page and takes the query out of the
    address."""
    page = open_page(KIOSK, allow=("ERR_CONNECTION_REFUSED",))  # the probes while it is away
    page.goto(server + "/kiosk?q=zfxxgk")
    here = page.url
    gone = re.compile(r"^http://127\.0\.0\.1:\d+/(?!static/).*")
    page.route(gone, lambda route: route.abort("connectionrefused"))
    page.locator(".result__title a").first.click()
    page.locator("#kiosk-offline").wait_for(state="visible")
    assert "暂时无法连接服务器" in page.locator("#kiosk-offline").inner_text()
    assert page.url == here  # still the page, no error page
    page.unroute(gone)
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]{16}"), timeout=10_000)  # the tap, made
    page.route(gone, lambda route: route.abort("connectionrefused"))
    page.wait_for_function(
        """() => document.body.classList.contains('kiosk--resetting')
            && location.pathname === '/kiosk' && !location.search""",
        timeout=(IDLE_SECONDS + 6) * 1000,
    )
    assert page.url.startswith("http://127.0.0.1")  # no error page: the browser stayed
    page.unroute(gone)
    page.wait_for_function(
        "() => !document.body.classList.contains('kiosk--resetting') && !location.search",
        timeout=15_000,
    )
    assert page.locator("#q").input_value() == ""


def test_kiosk_text_is_not_selected_copied_or_long_pressed(open_page, server):
    """QA pass 40b: a long press offered the browser's menu (open in a new tab, search the web
    for the words held) and page text could be copied to a clipboard the next patron pastes
    from. The query box keeps its own selection."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk?q=zfxxgk")
    cancelled = """(sel) => {
        const e = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});
        return !document.querySelector(sel).dispatchEvent(e); }"""
    assert page.evaluate(cancelled, ".result__title a")
    assert not page.evaluate(cancelled, "#q")
    style = "(sel) => getComputedStyle(document.querySelector(sel)).userSelect"
    assert page.evaluate(style, ".result__title a") == "none"
    assert page.evaluate(style, "#q") == "text"


# -- staff ---------------------------------------------------------------------------------------
def test_duplicate_check_page(open_page, server, web_corpus: WebCorpus):
    page = open_page()
    page.goto(server + "/duplicates")
    page.fill("#dup-text", web_corpus.docno_doc.text.replace("2019", "2024"))
    with page.expect_navigation():
        page.click(".dup-form button[type=submit]")
    shot(page, "desktop-duplicates")
    assert page.locator(".dup-candidate").count() >= 1
    page.click(".dup-diff summary")
    number = web_corpus.docno_doc.meta.doc_number.replace("2019", "2024")
    assert number in page.locator(".dup-ops").first.inner_text()


def test_a_file_over_the_limit_is_refused_before_the_pasted_text_is_lost(
    open_page, server, web_corpus: WebCorpus, tmp_path
):
    """The server refuses an oversized body unread, so the page checks the size first (QA 35c:
    a 21 MB file sent with a pasted draft came back as an error page with the box emptied)."""
    page = open_page()
    page.goto(server + "/duplicates")
    limit = int(page.get_attribute("#dup-file", "data-max-bytes"))
    big = tmp_path / "scan.pdf"
    with big.open("wb") as f:
        f.truncate(limit + 1)
    draft = web_corpus.docno_doc.text.replace("2019", "2024")
    page.fill("#dup-text", draft)
    page.set_input_files("#dup-file", str(big))
    message = page.eval_on_selector("#dup-file", "e => e.validationMessage")
    assert "文件过大" in message and "粘贴的正文仍在框中" in message
    page.click(".dup-form button[type=submit]")
    page.wait_for_timeout(300)
    assert page.url == server + "/duplicates"  # nothing sent
    assert page.input_value("#dup-text") == draft
    page.set_input_files("#dup-file", [])  # the way the message gives
    with page.expect_navigation():
        page.click(".dup-form button[type=submit]")
    assert page.locator(".dup-candidate").count() >= 1


# -- accessibility -------------------------------------------------------------------------------
def test_accessibility(open_page, server, web_corpus: WebCorpus):
    doc = web_corpus.docno_doc.id
    # a law: its chapters and articles are headings (QA pass 41a)
    law = next(d.id for d in web_corpus.documents if d.path.endswith("lrb_02404.txt"))
    pages = [
        ("law", f"/documents/{law}?q=居民身份证", DESKTOP),
        ("home", "/", DESKTOP),
        ("results", "/?q=政府信息公开", DESKTOP),
        ("filtered", "/?q=条例&category=政策法规&year=2019&sort=date_desc", DESKTOP),
        ("zero", '/?q="绿化条例琥珀湾区"', DESKTOP),
        ("document", f"/documents/{doc}?q=国务院", DESKTOP),
        ("not found", "/documents/0123456789abcdef", DESKTOP),
        ("duplicates", "/duplicates", DESKTOP),
        ("phone results", "/?q=政府信息公开", PHONE),
        ("phone document", f"/documents/{doc}?q=国务院", PHONE),
        ("kiosk", "/kiosk", KIOSK),
        ("kiosk results", "/kiosk?q=zfxxgk", KIOSK),
        ("kiosk document", f"/kiosk/documents/{doc}?q=国务院", KIOSK),
        ("life event", "/events/retirement", DESKTOP),
        ("phone life event", "/events/death", PHONE),
        ("kiosk life event", "/kiosk/events/work", KIOSK),
        ("life-event question", '/?q="丧葬补助金" "基本养老保险"', PHONE),
        ("kiosk life-event question", '/kiosk?q="丧葬补助金" "基本养老保险"', KIOSK),
    ]
    problems: list[dict[str, Any]] = []
    for what, url, viewport in pages:
        page = open_page(viewport, allow=(r"status of 404",))
        page.goto(server + url)
        problems += axe_check(page, what)
        page.context.close()
    # open states: suggestions and the kiosk idle warning
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    type_on_screen(page, "zfxx")
    page.locator("#q-suggestions [role=option]").first.wait_for()
    problems += axe_check(page, "kiosk suggestions")
    page.locator("#idle-warning").wait_for(state="visible", timeout=(IDLE_SECONDS + 2) * 1000)
    problems += axe_check(page, "kiosk idle warning")
    assert problems == []


def test_reports_pages(open_page, server, web_corpus: WebCorpus):
    """The staff report pages, forms and filled-in reports: usable and accessible (issue 15)."""
    _, key = KeyStore(web_corpus.data_dir).create("browser reports")
    page = open_page(DESKTOP)
    page.goto(server + "/reports")
    problems = axe_check(page, "reports")
    for kind, year in (("timeliness", "2019"), ("annual", "2019"), ("gaps", "2019"),
                       ("queries", "")):  # fmt: skip
        page.goto(server + f"/reports/{kind}")
        problems += axe_check(page, f"{kind} form")
        if year:
            page.fill("#r-year", year)
        page.fill("#r-key", key)
        with page.expect_navigation():
            page.click(".report-form__buttons button[value=html]")
        assert page.locator("section.report").count() == 1, kind
        if kind != "queries":  # the query log is off here: the page says so instead
            assert page.locator(".report-table").count() >= 1, kind
        shot(page, f"desktop-report-{kind}")
        problems += axe_check(page, f"{kind} report")
        # the key is asked again to export the report shown, and the page says so (QA pass
        # 49a: the export buttons did nothing but the browser's bubble)
        assert "请重新输入密钥" in page.locator("#r-key-hint").inner_text(), kind
        page.fill("#r-key", key)
        with page.expect_download() as got:
            page.click(".report-form__buttons button[value=csv]")
        assert got.value.suggested_filename.endswith(".csv"), kind
    assert problems == []


def test_the_annual_reports_months_keep_their_numbers_whole_at_320_px(
    open_page, server, web_corpus: WebCorpus
):
    """QA pass 50d: at 320 CSS px (400 % zoom) the twelve months' table drew 33 as 3 above 3
    and the page scrolled sideways. It scrolls in its own box, each number on one line."""
    _, key = KeyStore(web_corpus.data_dir).create("browser reports 320")
    page = open_page({"width": 320, "height": 640})
    page.goto(server + "/reports/annual")
    page.fill("#r-year", "2019")
    page.fill("#r-key", key)
    with page.expect_navigation():
        page.click(".report-form__buttons button[value=html]")
    tall = page.evaluate(
        """() => [...document.querySelectorAll('.report-table--months :is(th, td)')]
                 .filter(c => c.getBoundingClientRect().height > 2.2 * parseFloat(
                     getComputedStyle(c).lineHeight || '20')).length"""
    )
    assert tall == 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    box = page.locator(".table-scroll")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"


def test_kiosk_keyboard_stops_at_the_boxs_length(open_page, server):
    """QA pass 46b: the on-screen keyboard went on typing past the box's maxlength (600 taps,
    600 characters in a box of 500); a keyboard's keys stop there, and delete still works."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    assert page.locator("#q").get_attribute("maxlength") == "500"
    page.locator("#q").fill("a" * 498)
    type_on_screen(page, "bcd e")
    assert page.locator("#q").input_value() == "a" * 498 + "bc"
    page.click(".key[data-action=backspace]")
    type_on_screen(page, "x")
    assert page.locator("#q").input_value() == "a" * 498 + "bx"


def test_kiosk_keyboard_types_u_umlaut(open_page, server):
    """QA pass 14: the kiosk's keyboard had no ü, so 绿 (lü) and 女 (nü) could be typed only as
    lv and nv, which a patron does not know. Its ü key types ü; the candidate bar and the search
    read it as an input method reads v."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk")
    type_on_screen(page, "lüshi")
    assert page.locator("#q").input_value() == "lüshi"
    _wait_for_letters(page, "lüshi")
    words = page.locator("#ime-words .ime__word").all_inner_texts()
    assert words == page.request.get(server + "/api/pinyin", params={"q": "lvshi"}).json()[
        "words"
    ][: len(words)], words
    assert "律师" in words, words


def test_kiosk_offers_no_date_field_but_the_year_facet(open_page, server):
    """QA pass 18: a tap on a date field of the kiosk opened nothing, and the digits then tapped
    on the on-screen keyboard went into the query box; QA pass 32b: the browser's calendar it
    then opened was in English with days of 25 px. The kiosk narrows by year, with its facet's
    touch-sized links; a date range in its address still filters, and can be taken off."""
    page = open_page(KIOSK)
    page.goto(server + "/kiosk?q=条例")
    assert page.locator("input[type=date]").count() == 0
    assert page.locator(".facet a[href*='year=']").count() > 0
    page.goto(server + "/kiosk?q=条例&date_from=2020-01-01")
    assert page.locator("input[type=date]").count() == 0
    remove = page.locator(".chip__remove")
    assert remove.count() == 1 and "date_from" not in (remove.get_attribute("href") or "")
