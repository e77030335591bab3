"""The kiosk's layout in a real browser, driven by touch (``has_touch``, ``page.tap``), as the
reading room's touch screens are.

* After a search the results are what the patron sees: the on-screen keyboard is closed on a
  results page (it is open on the start page), so the count and the first result are on
  screen without scrolling on the terminals' screens, and one big button beside the box brings
  the keyboard back to refine the query.
* Zoomed to 200 % (WCAG 1.4.4: the 1024 × 768 screen is then 512 × 384 CSS px) and at 320 CSS
  px (1.4.10 reflow) no page scrolls sideways, and every key stays a touch target of 44 px.

Uses the server, browser and page fixtures of ``test_browser.py``; screenshots go to
``tests/artifacts/screenshots/`` as there.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web import test_browser as browser_tests
from tests.web.conftest import WebCorpus
from tests.web.test_browser import axe_check, shot

pytestmark = pytest.mark.browser

# the fixtures of test_browser.py, by name: Chromium, the app served by uvicorn, fresh pages
browser = browser_tests.browser
server = browser_tests.server
open_page = browser_tests.open_page

TERMINALS = [(1024, 768), (768, 1024), (1280, 800), (1920, 1080)]
TARGET = 44  # px, WCAG 2.5.5; the kiosk's keys are 56-64 px where the screen has room


def tap_keys(page: Any, text: str) -> None:
    for ch in text:
        page.tap(".key[data-action=space]" if ch == " " else f'.key[data-key="{ch}"]')


def keyboard_state(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const k = document.getElementById('keyboard');
                   const t = document.getElementById('keyboard-toggle');
                   return {open: !!k && !k.hidden && k.getBoundingClientRect().height > 0,
                           expanded: t && t.getAttribute('aria-expanded'),
                           toggle: t && !t.hidden ? t.getBoundingClientRect().toJSON() : null}; }"""
    )


def on_screen(page: Any) -> dict[str, float]:
    """Where the result count and the first result are, in CSS px of the viewport."""
    return page.evaluate(
        """() => { const box = s => document.querySelector(s).getBoundingClientRect();
                   return {height: innerHeight, scrollY: scrollY,
                           count: box('.summary').bottom, first: box('.result').top,
                           title: box('.result__title').bottom}; }"""
    )


@pytest.mark.parametrize(("width", "height"), TERMINALS, ids=[f"{w}x{h}" for w, h in TERMINALS])
def test_kiosk_results_are_on_screen_after_a_search(open_page, server, width, height):
    page = open_page({"width": width, "height": height}, has_touch=True)
    page.goto(server + "/kiosk")
    assert keyboard_state(page)["open"]  # the start page keeps the keyboard open
    page.tap("#q")
    tap_keys(page, "shebao")
    assert page.locator("#q").input_value() == "shebao"
    with page.expect_navigation():
        page.tap(".key--search")
    where = on_screen(page)
    shot(page, f"kiosk-after-search-{width}x{height}", full=False)
    assert where["scrollY"] == 0, where
    assert where["count"] <= where["height"], where  # the result count, unscrolled
    assert where["first"] < where["height"] and where["title"] <= where["height"], where
    state = keyboard_state(page)
    assert not state["open"] and state["expanded"] == "false", state
    box = state["toggle"]  # and the way back to the keyboard is in sight, big
    assert box and box["bottom"] <= height and box["width"] >= 56 and box["height"] >= 56, box


START_SCREENS = [(1024, 768), (1280, 800), (1080, 1920)]
KEY = 56  # px, the kiosk's smallest key (the README promises 56-64 px targets)
KEYBOARD_ON_SCREEN = """() => { const box = e => e.getBoundingClientRect();
    const rows = [...document.querySelectorAll('#keyboard .keyboard__row')];
    return {height: innerHeight, scrollY: scrollY, box: box(document.getElementById('q')).toJSON(),
            last: box(rows[rows.length - 1]).toJSON(), zrow: box(rows[rows.length - 2]).toJSON(),
            keys: [...document.querySelectorAll('#keyboard button')].map(b => box(b).height)}; }"""


@pytest.mark.parametrize(
    ("width", "height"), START_SCREENS, ids=[f"{w}x{h}" for w, h in START_SCREENS]
)
def test_kiosk_start_page_shows_the_whole_keyboard(open_page, server, width, height):
    """QA pass 23a: at 1280x800 and 1024x768 the rows z x c v b n m u and 清空/空格/搜索 were at
    y=820-959, below the fold; a patron had to discover scrolling before typing. The start page
    is compact on a short screen, so every key is on the first screen, unscrolled (an idle reset
    starts only on a scrolled or typed-in start page), and still at least 56 px high."""
    page = open_page({"width": width, "height": height}, has_touch=True)
    page.goto(server + "/kiosk")
    assert keyboard_state(page)["open"]
    where = page.evaluate(KEYBOARD_ON_SCREEN)
    shot(page, f"kiosk-start-{width}x{height}", full=False)
    assert where["scrollY"] == 0, where
    assert where["box"]["top"] >= 0 and where["box"]["bottom"] <= height, where
    assert where["zrow"]["top"] >= 0 and where["zrow"]["bottom"] <= height, where
    assert where["last"]["top"] >= 0 and where["last"]["bottom"] <= height, where
    assert min(where["keys"]) >= KEY, where["keys"]
    # typing a letter (candidates showing above the keys) moves nothing below the fold
    page.tap("#q")
    tap_keys(page, "zwgk")
    page.locator("#ime-words .ime__word").first.wait_for()
    where = page.evaluate(KEYBOARD_ON_SCREEN)
    assert where["scrollY"] == 0 and where["last"]["bottom"] <= height, where


def test_a_zoomed_landscape_screen_still_shows_the_whole_keyboard(open_page, server):
    """QA pass 46b: a 1920x1080 terminal at 200 % (960x540 CSS px) showed the box and two rows
    of keys; 搜索, 退格 and 清空 needed scrolling. A screen that short keeps every key on it,
    each still at least 44 px (WCAG 2.5.5)."""
    page = open_page({"width": 960, "height": 540}, has_touch=True, device_scale_factor=2)
    page.goto(server + "/kiosk")
    assert keyboard_state(page)["open"]
    where = page.evaluate(KEYBOARD_ON_SCREEN)
    shot(page, "kiosk-start-960x540-zoomed", full=False)
    assert where["scrollY"] == 0, where
    assert where["box"]["top"] >= 0 and where["last"]["bottom"] <= 540, where
    assert min(where["keys"]) >= TARGET, where["keys"]


def test_kiosk_keyboard_comes_back_with_one_tap(open_page, server):
    page = open_page({"width": 1024, "height": 768}, has_touch=True)
    page.goto(server + "/kiosk?q=shebao")
    assert not keyboard_state(page)["open"]
    assert page.locator("#ime-words .ime__word").count() == 0  # no candidates behind it
    page.tap("#keyboard-toggle")
    state = keyboard_state(page)
    assert state["open"] and state["expanded"] == "true", state
    assert page.locator("#keyboard-toggle").inner_text().strip().endswith("收起键盘")
    keys = page.locator("#keyboard button")
    for box in (keys.nth(i).bounding_box() for i in range(keys.count())):
        assert box and box["width"] >= TARGET and box["height"] >= TARGET, box
        assert box["y"] + box["height"] <= 768, box  # the whole keyboard on screen
    # refine the query: the candidates are the query's letters, a tap types the word
    page.locator("#ime-words .ime__word", has_text=re.compile("^社保$")).tap()
    assert page.locator("#q").input_value() == "社保"
    tap_keys(page, " zwgk")
    assert page.locator("#q").input_value() == "社保 zwgk"
    shot(page, "kiosk-results-keyboard-open", full=False)
    with page.expect_navigation():
        page.tap(".key--search")
    assert "q=%E7%A4%BE%E4%BF%9D+zwgk" in page.url
    assert page.locator(".result").count() > 0 and not keyboard_state(page)["open"]
    # open and close again; a tap on the box opens it too
    page.tap("#keyboard-toggle")
    assert keyboard_state(page)["open"]
    page.tap("#keyboard-toggle")
    state = keyboard_state(page)
    assert not state["open"] and state["expanded"] == "false", state
    assert page.locator("#keyboard-toggle").inner_text().strip().endswith("打开键盘")
    page.tap("#q")
    assert keyboard_state(page)["open"]
    if browser_tests.AXE.exists():  # test_accessibility says so when it is missing
        assert axe_check(page, "kiosk results, keyboard reopened") == []


SMALL_KEYS = """(min) => [...document.querySelectorAll('#keyboard button, #keyboard-toggle')]
    .map(b => [b.textContent.trim(), b.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && (r.width < min || r.height < min))
    .map(([text, r]) => `${text} ${r.width}x${r.height}`)"""
ZOOMED = [
    pytest.param({"width": 512, "height": 384}, {"device_scale_factor": 2}, id="200%"),
    pytest.param(
        {"width": 512, "height": 384},
        {"device_scale_factor": 2, "is_mobile": True},
        id="200%-mobile",
    ),
    pytest.param({"width": 320, "height": 256}, {}, id="320px"),
]


@pytest.mark.parametrize(("viewport", "options"), ZOOMED)
def test_kiosk_reflows_when_zoomed(open_page, server, web_corpus: WebCorpus, viewport, options):
    """No sideways scrolling on the start page (keyboard and candidates showing), a results
    page (keyboard closed and open) and a document page; the keys stay 44 px targets."""
    width = viewport["width"]
    page = open_page(viewport, has_touch=True, **options)
    name = f"kiosk-{width}px{'-mobile' if options.get('is_mobile') else ''}"
    widths: dict[str, int] = {}

    def measure(what: str) -> None:
        # against the viewport asked for: on a mobile browser innerWidth grows with the content
        widths[what] = page.evaluate("() => document.documentElement.scrollWidth")
        small = page.evaluate(SMALL_KEYS, TARGET)
        assert small == [], (what, small)

    page.goto(server + "/kiosk")
    measure("start")
    assert widths["start"] <= width, (width, widths)  # or keys would be out of reach
    tap_keys(page, "shebao")
    page.locator("#ime-words .ime__word").first.wait_for()
    measure("start, candidates")
    shot(page, f"{name}-start")
    page.goto(server + "/kiosk?q=shebao")
    measure("results")
    shot(page, f"{name}-results", full=False)
    page.tap("#keyboard-toggle")
    page.locator("#ime-words .ime__word").first.wait_for()
    measure("results, keyboard open")
    page.goto(f"{server}/kiosk/documents/{web_corpus.docno_doc.id}?q=国务院")
    measure("document")
    shot(page, f"{name}-document", full=False)
    assert all(w <= width for w in widths.values()), (width, widths)


@pytest.mark.parametrize(
    "url", ["/kiosk/events/death", "/kiosk/events/work", "/kiosk",
            '/kiosk?q="丧葬补助金" "基本养老保险"'],
)  # fmt: skip
def test_every_link_of_the_life_event_way_in_is_a_finger_s_size(open_page, server, url):
    """The documents under each question were 30 px, 首页 29 px, the hint's link 28 px (QA pass
    6): on a kiosk every link of these pages is at least TARGET px high."""
    page = open_page({"width": 1024, "height": 768}, has_touch=True)
    page.goto(server + url)
    if "q=" in url:  # a question's results page: its way back to the event is there
        assert page.locator(".asked a").count() == 1
    small = page.evaluate(
        """(min) => [...document.querySelectorAll(
                 '.event a, .search-form__hint a, .browse a, .asked a, .summary a')]
             .map(a => [a.textContent.trim().slice(0, 20), a.getBoundingClientRect().height])
             .filter(([, h]) => h > 0 && h < min)""",
        TARGET,
    )
    assert small == [], small


def test_a_results_copies_are_a_fingers_size(open_page, server):
    """QA pass 25b: 同一正文另有 1 份：TXT was a 35 × 30 px link on the kiosk."""
    page = open_page({"width": 1024, "height": 768}, has_touch=True)
    page.goto(server + '/kiosk?q="居民身份证"')
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.result__copies a')]"
        ".map(a => [a.getBoundingClientRect().width, a.getBoundingClientRect().height])"
    )
    assert boxes and all(w >= TARGET and h >= TARGET for w, h in boxes), boxes


# each line's box: a link wrapped over two lines is two small targets, not one tall one
HEIGHTS = """(sels) => sels.map(s => [s, Math.min(...[...document.querySelector(s).getClientRects()]
                                                .map(r => r.height))])"""
FOLD_AND_JUMP = [  # the kiosk's smallest target; WCAG 2.5.8's on the desktop
    pytest.param("/kiosk", 56, (1280, 800), id="kiosk-1280x800"),
    pytest.param("/kiosk", 56, (1024, 768), id="kiosk-1024x768"),
    pytest.param("", 24, (1280, 800), id="desktop"),
]


@pytest.mark.parametrize(("prefix", "least", "screen"), FOLD_AND_JUMP)
def test_the_reading_s_fold_and_the_jump_to_the_first_match_are_a_finger_s_size(
    open_page, server, web_corpus: WebCorpus, prefix, least, screen
):
    """QA pass 23a: on the kiosk the heading that folds "检索词的理解" was 36 px high and
    跳到第一处 34 px, below the 56 px every other kiosk target has."""
    kiosk = bool(prefix)
    page = open_page({"width": screen[0], "height": screen[1]}, has_touch=kiosk)
    page.goto(f"{server}{prefix}/?q=shebao" if not kiosk else f"{server}/kiosk?q=shebao")
    heights = page.evaluate(HEIGHTS, [".understood__title"])
    page.goto(f"{server}{prefix}/documents/{web_corpus.docno_doc.id}?q=国务院")
    heights += page.evaluate(HEIGHTS, ['a[href="#match-1"]'])
    assert all(h >= least for _, h in heights), heights
    # the fold still folds with a tap on its heading
    page.goto(f"{server}{prefix}/?q=shebao" if not kiosk else f"{server}/kiosk?q=shebao")
    assert page.locator("details.understood").get_attribute("open") is not None
    summary = page.locator(".understood__title")
    summary.tap() if kiosk else summary.click()
    assert page.locator("details.understood").get_attribute("open") is None
