"""The web pages: server-rendered HTML over the same :class:`SearchIndex` calls as the API.

Pages work without JavaScript (every state is a GET URL, every control a link or a form);
``web/static/*.js`` only enhance them (suggestions, the kiosk keyboard and idle reset), and
there is no inline script or style, so a Content-Security-Policy without ``'unsafe-inline'``
holds. Nothing is loaded from another site: reading rooms are offline.

Routes: ``/`` (search), ``/documents/{id}`` (+ ``/original``), ``/events/{id}`` (a life
event's questions), and the kiosk layout under
``/kiosk`` — or everywhere when ``settings.kiosk`` is set (``GOVSEARCH_KIOSK=1``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import inspect
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi import Path as P
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException as StarletteHTTPException

from analyzers.chars import visible
from model.document import StoredDocument, as_year, shown_date
from model.errors import (
    BackendUnavailable,
    BadRequest,
    GovSearchError,
    Moved,
    NotFound,
    TooManyRequests,
)
from model.fields import value_label
from model.ids import readable_path
from model.viewer import Viewer
from reports.gaps import gap_label
from search_api.deps import IndexDep, ViewerDep
from search_api.errors import moved_response, status_of
from search_api.export import EXPORT_MAX
from search_api.limits import LONG_PAGE_SIZE, LONG_QUERY_CHARS, long_search_slot
from search_api.security import is_api_path
from search_index import life_events
from search_index.highlight import Marking, highlight_all
from search_index.index import MAX_PINYIN_CHARS, SearchIndex
from search_index.request import MAX_QUERY_CHARS, READERS, Hit
from search_index.suggest import MAX_TYPED
from web import reflow, structure, views
from web.originals import original_file, size_label, text_media_type
from web.scans import MAX_PAGES_LISTED, page_count, page_png
from web.state import SearchState, browser_script

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
# Traditional titles, snippets and texts on a zh-CN page are marked as what they are
templates.env.filters["hant"] = views.written_in_traditional
templates.env.filters["format_name"] = views.format_name
templates.env.filters["taiwan"] = views.taiwan_region
templates.env.filters["shown_date"] = shown_date
templates.env.filters["disclosure_label"] = functools.partial(value_label, "disclosure")
templates.env.filters["gap_label"] = gap_label
templates.env.globals.update(
    sort_labels=views.SORT_LABELS, validity=views.VALIDITY, disclosure=views.DISCLOSURE,
    results_title=views.results_title,
)
# A running server keeps the pages it started with: compiled once, never re-read. An install
# upgraded in place under a running server (new templates on disk, the old code in memory)
# answered every page 500 (QA pass 26a: a template asked for a filter the old code lacked).
templates.env.auto_reload = False
templates.env.cache = {}  # unbounded: the few templates there are, all kept
for _name in templates.env.list_templates():
    templates.env.get_template(_name)

KIOSK_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}
DocId = Annotated[str, P(max_length=64)]
EventId = Annotated[str, P(max_length=32)]


@dataclass(frozen=True)
class Layout:
    """Where the pages of one layout live, and whether it is the kiosk one."""

    kiosk: bool
    search: str  # the search page (also the kiosk's start page)
    documents: str  # prefix of document pages
    root: str = ""  # the app's root_path behind a proxy

    @property
    def events(self) -> str:
        """Prefix of the life-event pages (``/events``, ``/kiosk/events``)."""
        return f"{self.search.rstrip('/')}/events"

    def doc_url(self, doc_id: str, q: str = "", back: str = "", lt: str = "") -> str:
        params = [(k, v) for k, v in (("q", q), ("back", back), ("lt", lt)) if v]
        url = f"{self.documents}/{doc_id}"
        return f"{url}?{urlencode(params)}" if params else url


def staff_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A page of the staff tools (duplicate check, reports). A reading-room terminal has none,
    so there it is a 404; and it is never cached, since it shows what a staff key unlocked."""
    if request.app.state.settings.kiosk:
        return not_found_page(request)
    root = request.scope.get("root_path", "").rstrip("/")
    ctx = {
        "layout": Layout(False, f"{root}/", f"{root}/documents", root),
        "kiosk": False,
        "root": root,
        **context,
    }
    return templates.TemplateResponse(
        request, template, ctx, status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )  # fmt: skip


def _root(request: Request) -> str:
    """The app's root_path behind a proxy; inside the ``/static`` mount, the app's own, not the
    mount's (Starlette keeps the app's in ``app_root_path``)."""
    scope = request.scope
    return str(scope.get("app_root_path", scope.get("root_path", ""))).rstrip("/")


def _layout(request: Request, kiosk_path: bool) -> Layout:
    root = _root(request)
    settings = request.app.state.settings
    if kiosk_path:
        return Layout(True, f"{root}/kiosk", f"{root}/kiosk/documents", root)
    return Layout(bool(settings.kiosk), f"{root}/", f"{root}/documents", root)


def _render(
    request: Request, layout: Layout, name: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    settings = request.app.state.settings
    ctx = {
        "layout": layout,
        "kiosk": layout.kiosk,
        "root": layout.root,
        "idle_seconds": max(3, int(settings.kiosk_idle_seconds)),
        # the longest text /api/suggest and /api/pinyin take (the scripts ask for no more)
        "suggest_max": MAX_TYPED,
        "pinyin_max": MAX_PINYIN_CHARS,
        **context,
    }
    # a page ranks for the script the browser's Accept-Language asks for (browser_script): a
    # cache keeps one answer per language, never a mainland reader's for a Taiwan one's
    headers = {**(KIOSK_HEADERS if layout.kiosk else {}), "Vary": "Accept-Language"}
    return templates.TemplateResponse(request, name, ctx, status_code=status, headers=headers)


# what a page says of a failure the API words for machines
PAGE_MESSAGES = {
    "unauthorized": "这个请求带的密钥无效、已吊销或格式不对。工作人员请检查 Authorization 或 "
    "X-API-Key 请求头；公众查询不需要密钥，去掉它即可。",
    "backend_unavailable": "检索服务暂时不可用，请稍后再试。",
    "too_many_requests": f"服务器正忙于很多费时的检索（检索词超过 {LONG_QUERY_CHARS} 个字，"
    f"每页超过 {LONG_PAGE_SIZE} 条，或含两个以上小数、百分数、引号里的单个字），请几秒钟后再试；"
    "其他检索不必等待。",
}


SERVER_ERROR = "服务器出错，已记入日志。请稍后再试。"
# the page of last resort, when the templates themselves fail
PLAIN_ERROR = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>出错了</title></head><body style=\"font: 18px/1.6 sans-serif; margin: 2rem\">"
    '<h1>出错了</h1><p>{message}</p><p><a href="{home}">回到检索首页</a></p></body></html>'
)


def _error(
    request: Request,
    layout: Layout,
    status: int,
    message: str,
    state: SearchState | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page saying what went wrong; with ``state``, its search box keeps what was typed (QA
    pass 31c: a kiosk patron refused a long search lost the words typed)."""
    titles = {404: "找不到该页面或文件", 503: "检索服务暂时不可用", 400: "请求有误",
              401: "密钥无效", 403: "无权查看", 413: "内容过大", 429: "请求过多，请稍后再试"}
    ctx = {"title": titles.get(status, "出错了"), "message": message, "state": state}
    page = _render(request, layout, "error.html", ctx, status)
    page.headers.update(headers or {})
    return page


# -- search ------------------------------------------------------------------------------
def search_page(
    request: Request, index: SearchIndex, viewer: Viewer, layout: Layout
) -> Response:
    state, problems = SearchState.from_params(request.query_params)
    base = layout.search
    # the box of an event question's results shows the question, and the form sends it back
    # with ``ask``: unchanged, it is that question's search again; edited, a search of its own
    ask = life_events.question(request.app.state.life_events, request.query_params.get("ask", ""))
    if ask is not None and " ".join(state.q.split()) == ask.text:
        return RedirectResponse(state.change(q=ask.q).url(base), status_code=303)
    typed = life_events.typed_question(request.app.state.life_events, state.q)
    if ask is None and typed is not None and typed.q != state.q:
        # typed in traditional characters, its search is read as a traditional reader's
        # (QA pass 41b: 家人去世，喪葬費怎麼領 was an ordinary search of 220 results)
        typed_hant = life_events.script_of(state.q) == "hant"  # (simplified: the question's own)
        script = state.script or ("hant" if typed_hant else "")
        return RedirectResponse(state.change(q=typed.q, page=1, script=script).url(base),
                                status_code=303)  # fmt: skip
    ctx: dict[str, Any] = {
        "state": state,
        "problems": problems,
        "title": state.q or "检索",
        "start_page": not state.is_search,
        "keyboard": True,
    }
    if not state.is_search:
        # counted as the links will find them: results, one per text (the empty search and
        # its facets), not files as /api/stats counts (README, "One document, one result")
        try:
            everything = index.search(state.to_query(viewer, size=1, snippet_chars=1))
        except BackendUnavailable:
            return _error(request, layout, 503, "索引暂时无法打开，请稍后再试。")
        categories = [(v.value, v.count) for v in everything.facets.get("category", ())]
        ctx.update(
            title="首页",
            documents=everything.total,
            events=request.app.state.life_events,
            categories=[
                (c, n, SearchState(category=(c,), sort="date_desc").url(base))
                for c, n in sorted(categories, key=lambda cn: -cn[1])
            ],
        )
        return _render(request, layout, "search.html", ctx)
    found = life_events.asked(request.app.state.life_events, state.q)
    if found is not None and not state.script:  # ranked as the question's readers read
        state = dataclasses.replace(state, script=life_events.reader_script(found[1]))
        ctx["state"] = state
    # ranked for the script the browser reads where the address names none (never written
    # into the page's links: a shared link ranks for whoever opens it)
    reader = state.script or browser_script(request.headers.get("accept-language", ""))
    try:
        query = dataclasses.replace(state, script=reader).to_query(viewer)
        result = index.search(query)
        last = result.pages
        if result.total and state.page > last:  # ?page=5000 of 9: show the last page, say so
            problems.append(f"只有 {last} 页结果，已显示最后一页。")
            state = state.change(page=last)
            ctx.update(state=state, problems=problems)
            query = dataclasses.replace(state, script=reader).to_query(viewer)
            result = index.search(query)
    except BadRequest as exc:
        ctx["problems"] = [*problems, exc.message]
        return _render(request, layout, "search.html", ctx, 400)
    except BackendUnavailable:
        return _error(request, layout, 503, "检索服务暂时不可用，请稍后再试。")
    if state.q.strip() and views.nothing_searchable(result.understood):
        # ？？ or --- is no search: say so, or the whole catalogue looks like its answer
        problems.append(f"“{state.q.strip()}”里没有可检索的文字（标点、符号和单独的 OR、"
                        "减号不参与检索），下面列出的是全部文件。")  # fmt: skip
        ctx["problems"] = problems
    elif views.only_function_words(result.understood):
        problems.append(f"“{state.q.strip()}”只有虚词和问句用语（{'、'.join(result.understood.words)}），"
                        "下面的结果只是碰巧含有这些字，多半不是您要找的：请写出要办的事，"
                        "例如“低保怎么申请”“身份证丢了怎么补办”。")  # fmt: skip
        ctx["problems"] = problems
    back = state.query_string()
    token = request.app.state.reports.searched(query, result) or ""  # the opt-in query log
    asked = _asked(request, layout, state.q, found)
    if asked:
        ctx["asked"] = asked
    elif (event := life_events.named(request.app.state.life_events, state.q,
                                     result.understood.words)) is not None:
        hant = "?script=hant" if state.script == "hant" else ""  # the kiosk's 繁體 key
        ctx["event"] = (event.name, f"{layout.events}/{event.id}{hant}", event.summary)
    ctx.update(
        result=result,
        # each copy of a text is a link too (QA pass 22b: its path was plain text)
        hits=[(h, layout.doc_url(h.doc.id, state.q, back, token),
               [(c, layout.doc_url(c.id, state.q, back, token)) for c in h.copies],
               layout.doc_url(h.repealed_by.id, state.q, back) if h.repealed_by else "")
              for h in result.hits],  # fmt: skip
        which=views.which_files(result.hits, kiosk=layout.kiosk),
        facets=views.facets(result, state, base),
        active=views.active_filters(state, base),
        understood=views.understood_items(result.understood, state.q),
        understood_brief=views.understood_brief(result.understood, state.q),
        pages=views.pagination(result.total, state, base),
        prev_url=views.page_url(state, base, result.total, -1),
        next_url=views.page_url(state, base, result.total, +1),
        sorts=[(k, v, state.change(sort=k).url(base)) for k, v in views.SORT_LABELS.items()],
        # the list to keep, in a spreadsheet (QA pass 42b); a reading room's screen keeps none
        export_url=("" if layout.kiosk
                    else state.change(page=1).url(f"{layout.root}/api/export")),
        export_max=EXPORT_MAX,
        # newest first whatever the page's order: what a feed reader polls for
        feed_url=("" if layout.kiosk
                  else state.change(page=1, sort="relevance").url(f"{layout.root}/api/feed")),
        took=views.took(result.took_ms),
        alternatives=(views.alternatives(index, state, viewer, base, result.understood.words,
                                         doc_numbers=result.understood.doc_numbers)
            if result.total == 0 else []),
        missing_numbers=(views.written_numbers(result.understood.doc_numbers)
                         if result.total == 0 else []),
        clear_url=state.without_filters().url(base),
        did_you_mean_url=(state.change(q=result.did_you_mean, page=1).url(base)
                          if result.did_you_mean else ""),
    )
    return _render(request, layout, "search.html", ctx)


# -- life events -------------------------------------------------------------------------
def event_page(
    request: Request, index: SearchIndex, viewer: Viewer, layout: Layout, event_id: str
) -> HTMLResponse:
    """One life event: its questions that find something for this viewer, each a link to its
    search with the count it finds; the other events beside it."""
    events = request.app.state.life_events
    # a reader of traditional characters (the kiosk's 繁體 key, a link carrying script=hant):
    # the questions' searches ranked for that reader, and their links say so
    script = request.query_params.get("script", "")
    script = script if script in READERS else ""
    reader = script or browser_script(request.headers.get("accept-language", ""))
    try:
        event = life_events.find(events, event_id)
        answered = [a for a in life_events.answered(index, event, viewer, script=reader)
                    if a.total]  # fmt: skip
    except NotFound:
        return _error(request, layout, 404, "没有这个事项。请回到首页，从“按人生事项查找”进入。")
    except BackendUnavailable:
        return _error(request, layout, 503, "检索服务暂时不可用，请稍后再试。")
    ctx = {
        "title": event.name,
        "event": event,
        "questions": [
            (a.question.text, views.query_words(a.question.q), a.total,
             SearchState(q=a.question.q, script=script).url(layout.search),
             [(t.title or "（无标题）", _event_date(t), layout.doc_url(t.id, a.question.q),
               t.validity, value_label("validity", t.validity)) for t in a.top])
            for a in answered
        ],
        "events": events,
        "keyboard": True,
    }
    return _render(request, layout, "event.html", ctx)


def _event_date(top: life_events.Top) -> str:
    """What follows a listed document's title: its date, and for one without a title its
    format, as the results page says it (QA pass 40b: an untitled scan was listed by its file
    name, blurred_faded_scan.pdf, at a kiosk)."""
    date = as_year(top.date) if top.year_only else top.date
    if top.title:
        return date
    return f"{views.format_name(top.format)}，{date or '无日期'}"


# -- documents ---------------------------------------------------------------------------
def _back_state(raw: str) -> SearchState | None:
    """The results page a document was opened from, rebuilt from its own parameters only
    (never a URL taken from the request, so the link cannot lead anywhere else)."""
    if not raw:
        return None
    state, _ = SearchState.from_params(QueryParams(parse_qsl(raw[:2000])))
    return state


def _asked(
    request: Request, layout: Layout, q: str, found: tuple | None = None
) -> tuple[str, str, str, str] | None:
    """(question, event, event page, question id) when ``q`` is an event question's search
    (``found``: :func:`life_events.asked` of it, when the caller looked already): the pages show
    the question, not its ``"…" OR "…"`` (QA pass 22: the box and a document's match note
    showed the syntax to citizens)."""
    found = found or life_events.asked(request.app.state.life_events, q)
    if found is None:
        return None
    event, question = found
    return (question.text, event.name, f"{layout.events}/{event.id}",
            life_events.question_id(event, question))  # fmt: skip


def document_page(
    request: Request, index: SearchIndex, viewer: Viewer, layout: Layout, doc_id: str
) -> Response:
    try:
        doc = index.get(doc_id, viewer)
    except Moved as exc:
        return moved_response(request, exc)
    except NotFound:
        return _error(request, layout, 404, "没有这份文件，或它不向公众公开。")
    except BackendUnavailable:
        return _error(request, layout, 503, "检索服务暂时不可用，请稍后再试。")
    try:
        with request.app.state.large_text_gate.slot(len(doc.text), viewer.staff):
            return _document_page(request, index, viewer, layout, doc)
    except TooManyRequests as exc:
        return _error(request, layout, 429, "服务器正忙于显示其他很长的文件，请几秒钟后再试。",
                      headers={"Retry-After": str(exc.data.get("retry_after", 5))})


def _document_page(
    request: Request, index: SearchIndex, viewer: Viewer, layout: Layout, doc: StoredDocument
):
    request.app.state.reports.opened(request.query_params.get("lt"), viewer)
    q = visible(" ".join(request.query_params.get("q", "").split()))[:MAX_QUERY_CHARS]
    came_back = _back_state(request.query_params.get("back", ""))
    back_state = came_back or (SearchState(q=q) if q else None)
    asked = _asked(request, layout, q)
    back = back_state.query_string() if back_state else ""
    marking = index.highlight_plan(q, doc.title) if q else Marking()
    marked = views.mark_anchors(
        highlight_all(doc.text, marking.terms, doc.normalized, marking),
        marking.groups, marking.answer, marking.rarity, marking.terms, doc.title,
    )
    shown_html, shown_text = reflow.reflowed(marked.html, doc.text)  # a page's lines joined
    settings = request.app.state.settings
    original = None if layout.kiosk else original_file(settings.originals_dir, doc)
    versions = index.versions_of(doc, viewer)
    copies = index.copies_of_document(doc, viewer)
    listed = {v.id for v in versions} | {c.id for c in copies}
    similar = [h for h in views.similar(index, doc, viewer) if h.doc.id not in listed]
    repealed = index.repeal_of(doc)
    # a part of a code filed in parts says which it is, where another part the page lists
    # shares its title (QA pass 50d: six parts of 民法典 were six pages titled alike)
    namesakes = {h.doc.title for h in similar} | {v.title for v in versions}
    part = views.part_name(doc.title, doc.text) if doc.title in namesakes else ""
    ctx = {
        "state": back_state,  # the header's search box continues the search it came from
        "title": f"{doc.title}（{part}）" if part else doc.title or "无标题文件",
        "part": part,
        "doc": doc,
        "q": q,
        "rows": views.meta_rows(doc, viewer.staff, repealed=repealed is not None),
        "text_html": structure.headed(shown_html),
        "print_pages": views.printed_pages(shown_text),
        "print_confirm": views.PRINT_CONFIRM_PAGES,
        "matches": marked.count,
        "best_match": marked.best,
        # back to the result opened, not to the top of its page (QA pass 38a: a phone reader
        # at the 7th result of page 2 came back to the page's top)
        "back_url": back_state.url(layout.search) + f"#r-{doc.id}" if back_state else None,
        "similar": [(h, layout.doc_url(h.doc.id, q, back)) for h in similar],
        # five parts of 民法典 listed alike (QA pass 33a): each says which it is, as results do
        "similar_which": views.which_files(
            [Hit(doc=doc, score=0.0, snippet="", title_html=""), *similar], kiosk=layout.kiosk
        ),
        "versions": [(v, layout.doc_url(v.id, q, back)) for v in versions],
        "newer": [v for v in versions if v.date > doc.date],
        "repealed": repealed,
        "repeal_url": layout.doc_url(repealed.id, q, back) if repealed else "",
        "copies": [(c, layout.doc_url(c.id, q, back)) for c in copies],
        "original": (
            {
                "url": f"{layout.documents}/{doc.id}/original",
                "name": readable_path(original.name),
                "size": size_label(original.stat().st_size),
                "kind": views.FORMATS.get(original.suffix.lower().lstrip("."), "原文"),
            }
            if original
            else None
        ),
        "asked": asked,
        # opened from a life event's page (no results page in between): back to that page
        # (QA pass 32b: 返回检索结果 led to the question's results, which the patron never saw)
        "back_event": (asked[1], asked[2]) if asked and came_back is None else None,
        "printed": dt.date.today().isoformat(),
        "ocr_notice": views.ocr_notice(doc, OCR_NOTICE),
        "ocr_missing": views.ocr_missing(doc),
        "scan_pages": (
            [f"{layout.documents}/{doc.id}/scan/{n}"
             for n in range(1, min(page_count(original), MAX_PAGES_LISTED) + 1)]
            if original and viewer.staff and doc.text_source == "ocr"
            else []
        ),
    }
    return _render(request, layout, "document.html", ctx)


OCR_NOTICE = "本文由扫描件识别，可能有误"


def scan_page(
    request: Request, index: SearchIndex, viewer: Viewer, doc_id: str, number: int
) -> Response:
    """A page of a scanned original as an image: staff only (see ``web.scans``)."""
    layout = _layout(request, False)
    if not viewer.staff:
        return _error(request, layout, 404, "没有这份文件的扫描页。")
    try:
        doc = index.get(doc_id, viewer)
    except Moved as exc:
        return moved_response(request, exc)
    except NotFound:
        return _error(request, layout, 404, "没有这份文件，或它不向公众公开。")
    path = original_file(request.app.state.settings.originals_dir, doc)
    png = page_png(path, number) if path is not None and doc.text_source == "ocr" else None
    if png is None:
        return _error(request, layout, 404, "这份文件没有这一扫描页。")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private"})


def original_download(
    request: Request, index: SearchIndex, viewer: Viewer, doc_id: str
) -> Response:
    layout = _layout(request, False)
    try:
        doc = index.get(doc_id, viewer)
    except Moved as exc:
        return moved_response(request, exc)
    except NotFound:
        return _error(request, layout, 404, "没有这份文件，或它不向公众公开。")
    path = original_file(request.app.state.settings.originals_dir, doc)
    if path is None:
        return _error(request, layout, 404, "这份文件没有可下载的原件。")
    name = views.download_name(readable_path(path.name), doc.title)
    answer = FileResponse(path, media_type=text_media_type(path), stat_result=os.stat(path))
    # an ASCII name beside the UTF-8 one, for clients that read only filename= (QA pass 38b)
    answer.headers["content-disposition"] = (
        f'attachment; filename="{doc.id}{path.suffix.lower()}"; '
        f"filename*=utf-8''{quote(name, safe='')}"
    )
    etag = answer.headers.get("etag")
    # compared weakly, as RFC 9110 has If-None-Match compare: W/"x" names the copy "x" does,
    # and * any copy (QA pass 45b: both were a 200 and the whole file again)
    sent = request.headers.get("if-none-match", "").split(",")
    held = {t.strip().removeprefix("W/") for t in sent}
    if etag and (etag.removeprefix("W/") in held or "*" in held):
        # the copy the client holds is this one (QA pass 38b: a 200 and the whole file again)
        kept = ("etag", "last-modified", "cache-control", "vary")
        return Response(status_code=304, headers={k: v for k, v in answer.headers.items()
                                                  if k in kept})  # fmt: skip
    return answer


# -- wiring ------------------------------------------------------------------------------
router = APIRouter(include_in_schema=False)
# HEAD as well as GET on every page (link checkers, monitoring, ``curl -I``): FastAPI adds
# HEAD to no route by itself, so ``HEAD /kiosk`` was a 405.
_PAGE_METHODS = ["GET", "HEAD"]


@router.api_route(
    "/",
    methods=_PAGE_METHODS,
    response_class=HTMLResponse,
    dependencies=[Depends(long_search_slot)],
)
def home(request: Request, index: IndexDep, viewer: ViewerDep) -> Response:
    return search_page(request, index, viewer, _layout(request, False))


@router.api_route("/search", methods=_PAGE_METHODS)
def search_alias(request: Request) -> Response:
    """``/search?q=…``, the address people guess (and other sites' search pages use), is the
    search page's, ``/?q=…`` (QA pass 33a: a 404 page); permanently, with every parameter."""
    query = request.url.query
    return RedirectResponse(f"{_root(request)}/" + (f"?{query}" if query else ""), 301)


@router.api_route("/documents/{doc_id}", methods=_PAGE_METHODS, response_class=HTMLResponse)
def document(request: Request, index: IndexDep, viewer: ViewerDep, doc_id: DocId) -> Response:
    return document_page(request, index, viewer, _layout(request, False), doc_id)


@router.api_route("/documents/{doc_id}/original", methods=_PAGE_METHODS)
def original(request: Request, index: IndexDep, viewer: ViewerDep, doc_id: DocId) -> Response:
    if request.app.state.settings.kiosk:  # a download would stay on the terminal's disk for
        return not_found_page(request)  # the next patron; no kiosk page offers it (QA 37b)
    return original_download(request, index, viewer, doc_id)


@router.get("/documents/{doc_id}/scan/{number}")
def scan(request: Request, index: IndexDep, viewer: ViewerDep, doc_id: DocId,
         number: int) -> Response:
    return scan_page(request, index, viewer, doc_id, number)


@router.api_route("/events/{event_id}", methods=_PAGE_METHODS, response_class=HTMLResponse)
def event(request: Request, index: IndexDep, viewer: ViewerDep, event_id: EventId) -> Response:
    return event_page(request, index, viewer, _layout(request, False), event_id)


@router.api_route("/kiosk/events/{event_id}", methods=_PAGE_METHODS, response_class=HTMLResponse)
def kiosk_event(
    request: Request, index: IndexDep, viewer: ViewerDep, event_id: EventId
) -> Response:
    return event_page(request, index, viewer, _layout(request, True), event_id)


@router.api_route(
    "/kiosk",
    methods=_PAGE_METHODS,
    response_class=HTMLResponse,
    dependencies=[Depends(long_search_slot)],
)
def kiosk_home(request: Request, index: IndexDep, viewer: ViewerDep) -> Response:
    return search_page(request, index, viewer, _layout(request, True))


@router.api_route(
    "/kiosk/documents/{doc_id}", methods=_PAGE_METHODS, response_class=HTMLResponse
)
def kiosk_document(request: Request, index: IndexDep, viewer: ViewerDep, doc_id: DocId) -> Response:
    return document_page(request, index, viewer, _layout(request, True), doc_id)


def _app_path(request: Request) -> str:
    """The request's path inside the app (without a proxy's root_path)."""
    path, root = str(request.scope.get("path", "")), _root(request)
    return path[len(root) :] if root and path.startswith(root + "/") else path


def _is_api(request: Request) -> bool:
    return is_api_path(_app_path(request))


def not_found_page(request: Request) -> HTMLResponse:
    """An unknown address outside the API: a page for people, with the way back to the start
    (the kiosk's start page under ``/kiosk``), not the API's JSON."""
    path = _app_path(request)
    layout = _layout(request, path == "/kiosk" or path.startswith("/kiosk/"))
    return _error(request, layout, 404, "没有这个页面。请检查网址，或回到检索首页重新查找。")


def install_web(app: FastAPI) -> None:
    """Add the pages and ``/static`` to the app (called by ``create_app``), and an HTML 404 page
    for unknown or malformed addresses outside ``/api`` (API paths keep the API's JSON error)."""
    from web.duplicates import router as duplicates_router
    from web.reports import router as reports_router

    app.include_router(router)
    app.include_router(duplicates_router)
    app.include_router(reports_router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    api_handler = app.exception_handlers.get(StarletteHTTPException)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404 and not _is_api(request):
            path = _app_path(request)
            # never an address a browser reads as another host's: //evil.example/ (or
            # /%2fevil.example/) led to Location //evil.example (QA pass 40a: open redirect)
            offsite = path.startswith(("//", "/\\"))
            if (path != "/" and path.endswith("/") and not offsite
                    and request.method in ("GET", "HEAD")):
                query = request.url.query  # /documents/…/ as a person types it: the page
                bare = _root(request) + path.rstrip("/") + (f"?{query}" if query else "")
                return RedirectResponse(bare, 301)
            return not_found_page(request)
        if api_handler is None:
            raise exc
        answer = api_handler(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(StarletteHTTPException, http_error)
    validation_handler = app.exception_handlers.get(RequestValidationError)

    async def invalid_address(request: Request, exc: Exception) -> Response:
        # a page's parameters are parts of its address (an id too long, a scan page that is
        # not a number): for people that address does not exist; the API keeps its 422
        if not _is_api(request) or validation_handler is None:
            return not_found_page(request)
        answer = validation_handler(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(RequestValidationError, invalid_address)
    api_error = app.exception_handlers.get(GovSearchError)

    async def page_error(request: Request, exc: Exception) -> Response:
        # a page's failure is shown as a page (QA pass 15: a wrong key sent to / or /kiosk was
        # answered with the API's JSON 401); the API keeps its JSON shape
        if _is_api(request) or not isinstance(exc, GovSearchError):
            if api_error is None:
                raise exc
            answer = api_error(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        status = status_of(exc)
        path = _app_path(request)
        layout = _layout(request, path == "/kiosk" or path.startswith("/kiosk/"))
        message = PAGE_MESSAGES.get(exc.code, exc.message if status < 500 else SERVER_ERROR)
        if exc.code != "too_many_requests":
            return _error(request, layout, status, message)
        # the long-search gate: when to come back (as the API's header says), and the words
        # typed kept in the box (QA pass 31c)
        wait = str(int(exc.data.get("retry_after", 2) or 2))
        state, _ = SearchState.from_params(request.query_params)
        return _error(request, layout, status, message, state, {"Retry-After": wait})

    app.add_exception_handler(GovSearchError, page_error)
    unexpected_api = app.exception_handlers.get(Exception)

    async def unexpected(request: Request, exc: Exception) -> Response:
        # a failure of a page is a page in Chinese with the way back (QA pass 26b: a phone
        # showed the API's English JSON in small print); the API keeps its JSON shape
        if _is_api(request) and unexpected_api is not None:
            answer = unexpected_api(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        log.exception("unexpected error on a page")
        path = _app_path(request)
        kiosk = path == "/kiosk" or path.startswith("/kiosk/")
        try:
            return _error(request, _layout(request, kiosk), 500, SERVER_ERROR)
        except Exception:  # noqa: BLE001 - the pages themselves fail: a page without them
            home = _root(request) + ("/kiosk" if kiosk else "/")
            return HTMLResponse(PLAIN_ERROR.format(message=SERVER_ERROR, home=home), 500)

    app.add_exception_handler(Exception, unexpected)
