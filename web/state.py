"""The search page's state, read from and written to GET parameters.

Every state of the page — query, filters, date range, sort, page — is a URL, so a result list
can be bookmarked, shared, printed and reached with the Back button. Parameters have the same
names as ``GET /api/search`` and go through the same :func:`search_api.search.build_query`, so
the page and the API cannot disagree. Unlike the API, the page never answers a malformed
parameter with an error: it ignores it and says so, because a citizen who edits a URL (or
follows an old link) should still get a page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from analyzers.chars import visible
from analyzers.choices import read_choice
from model.viewer import Viewer
from search_api.search import build_query
from search_index.fields import filter_choice, names_an_agency
from search_index.request import (
    MAX_FILTER_CHARS,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    SCRIPTS,
    SORTS,
    Query,
    is_filter_year,
)

PAGE_SIZE = 10
MAX_VALUES = 20  # per filter, as the API allows
LIST_FIELDS = ("category", "agency", "validity", "year")
CHOICES = {"category": "分类", "validity": "有效性"}  # the enumerated ones, as notes name them


_SPACES = re.compile(r"[\t\r\n\v\f]")


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    page: int = 1
    sort: str = "relevance"
    category: tuple[str, ...] = ()
    agency: tuple[str, ...] = ()
    validity: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    script: str = ""  # the reader's script (Query.script): hant from a kiosk's 繁體 key

    # -- reading -------------------------------------------------------------------------
    @classmethod
    def from_params(cls, params: QueryParams) -> tuple[SearchState, list[str]]:
        """The state in ``params`` and, in Chinese, what had to be ignored."""
        problems: list[str] = []
        # a control character is shown, never echoed raw into the page (QA pass 27a: %00 put
        # NUL bytes into the title, the box, the heading and every link's form; 27c: in the
        # filters, dates, sort and page too); the engine ignores what it becomes
        # (a tab or line break is a space, as the API reads it: QA pass 36b saw 已忽略 �)
        params = QueryParams(
            [(k, visible(_SPACES.sub(" ", v))) for k, v in params.multi_items()]
        )
        q = " ".join(params.get("q", "").split())
        if len(q) > MAX_QUERY_CHARS:
            q = q[:MAX_QUERY_CHARS]
            problems.append(f"检索词过长，只使用了前 {MAX_QUERY_CHARS} 个字符。")
        sort = params.get("sort", "relevance")
        if sort not in SORTS:
            problems.append(f"排序方式“{sort[:20]}”无效，已按相关度排序。")
            sort = "relevance"
        raw_page = params.get("page", "1").strip()[:20]
        try:
            page = int(raw_page)
        except ValueError:
            problems.append(f"页码“{raw_page}”不是数字，已显示第 1 页。")
            page = 1
        if page < 1:
            problems.append(f"页码“{raw_page}”无效，已显示第 1 页。")
            page = 1
        page = min(page, MAX_RESULT_WINDOW // PAGE_SIZE)  # past the last page: see views
        lists: dict[str, tuple[str, ...]] = {}
        for name in LIST_FIELDS:
            values = [v.strip() for v in params.getlist(name) if v.strip()]
            long = [v for v in values if len(v) > MAX_FILTER_CHARS]
            if long:
                problems.append(f"筛选条件“{long[0][:20]}…”过长，已忽略。")
                values = [v for v in values if len(v) <= MAX_FILTER_CHARS]
            if name == "year":
                bad = [
                    v for v in values
                    if not (v.isdigit() and len(v) in (1, 4) and is_filter_year(int(v)))
                ]  # fmt: skip
                if bad:
                    problems.append(f"年份“{bad[0][:20]}”无效（格式：2019），已忽略。")
                values = [v for v in values if v not in bad]
            if name == "agency":
                bad = [v for v in values if not names_an_agency(v)]
                if bad:
                    problems.append(f"发布机构“{bad[0][:20]}”无效，已忽略。")
                values = [v for v in values if v not in bad]
            if name in CHOICES:  # one of the catalogue's (the API answers 422 for others):
                # the code (valid) or a label as the chip shows it (有效), in either script
                read = [(v, filter_choice(name, v)) for v in values]
                bad = [v for v, found in read if found is None]
                if bad:
                    problems.append(f"{CHOICES[name]}“{bad[0][:20]}”无效，已忽略。")
                values = [found for _, found in read if found is not None]
            lists[name] = tuple(dict.fromkeys(values))[:MAX_VALUES]
        dates = {}
        for name, label in (("date_from", "起始日期"), ("date_to", "截止日期")):
            raw = params.get(name, "").strip()[:20]
            parsed = _date(raw) if raw else None
            if raw and parsed is None:
                problems.append(f"{label}“{raw}”不是有效日期（格式：2024-01-31），已忽略。")
            dates[name] = parsed.isoformat() if parsed else ""
        if dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
            dates["date_from"], dates["date_to"] = dates["date_to"], dates["date_from"]
            problems.append("起始日期晚于截止日期，已对调。")
        asked = [read_choice("disclosure", v) or v for v in params.getlist("disclosure")]
        if any(v.strip() and v != "public" for v in asked):
            # the pages show public documents to everyone: said, not silently dropped (QA pass
            # 14: the API refuses an anonymous disclosure=不予公开, the page showed the public
            # results as if filtered)
            problems.append("网页只检索主动公开的文件，“公开方式”筛选已忽略。")
        script = params.get("script", "").strip()
        if script not in SCRIPTS:  # (nothing to tell a reader: a page's own parameter)
            script = ""
        state = cls(  # type: ignore[arg-type]
            q=q, page=page, sort=sort, script=script, **lists, **dates
        )
        return state, problems

    # -- writing -------------------------------------------------------------------------
    def params(self) -> list[tuple[str, str]]:
        """Only what differs from the defaults, in a stable order (clean, shareable URLs)."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name in LIST_FIELDS:
            out.extend((name, v) for v in getattr(self, name))
        if self.date_from:
            out.append(("date_from", self.date_from))
        if self.date_to:
            out.append(("date_to", self.date_to))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.script:
            out.append(("script", self.script))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def query_string(self) -> str:
        return urlencode(self.params())

    def url(self, base: str) -> str:
        qs = self.query_string()
        return f"{base}?{qs}" if qs else base

    def change(self, **changes: object) -> SearchState:
        """A new state; anything but a page change goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def toggle(self, name: str, value: str) -> SearchState:
        current: tuple[str, ...] = getattr(self, name)
        if value in current:
            return self.change(**{name: tuple(v for v in current if v != value)})
        return self.change(**{name: (*current, value)})

    def without_filters(self) -> SearchState:
        return SearchState(q=self.q, sort=self.sort, script=self.script)

    # -- meaning -------------------------------------------------------------------------
    @property
    def has_filters(self) -> bool:
        return any(getattr(self, n) for n in LIST_FIELDS) or bool(self.date_from or self.date_to)

    @property
    def is_search(self) -> bool:
        """False on the start page (nothing typed, nothing chosen)."""
        return bool(self.q) or self.has_filters

    def to_query(self, viewer: Viewer, **extra: object) -> Query:
        """The same Query the API builds from the same parameters."""
        query = build_query(
            viewer,
            q=self.q,
            page=self.page,
            size=PAGE_SIZE,
            sort=self.sort,
            category=list(self.category),
            agency=list(self.agency),
            validity=list(self.validity),
            year=[int(y) for y in self.year],
            date_from=self.date_from or None,
            date_to=self.date_to or None,
            script=self.script,
        )
        return dataclasses.replace(query, **extra) if extra else query  # type: ignore[arg-type]


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


# the Chinese the browser asks for: its region or script subtag says which side's characters;
# Hong Kong's and Macau's read traditional and are neither side's (QA pass 48b)
_HK_TAGS = ("zh-hk", "zh-mo", "zh-hant-hk", "zh-hant-mo", "yue")
_HANT_TAGS = ("zh-tw", "zh-hant")
_HANS_TAGS = ("zh-cn", "zh-sg", "zh-my", "zh-hans")


def browser_script(accept_language: str) -> str:
    """The reader's script (``hans``/``hant``, :attr:`Query.script`) from the Chinese their
    browser asks for first in ``Accept-Language``; "" when it asks for none, or for a bare
    ``zh``. Why: a query whose characters are the same in both scripts (退休, 找工作, 火化) says
    nothing of its reader, and the phone and desktop pages, unlike the kiosk's 繁體 key, never
    said anything either, so Taiwan's many 退休 rules filled a mainland reader's first page
    (QA pass 44a). A ``script`` in the address still decides; the browser's is never written
    into links, so a shared link ranks for whoever opens it."""
    best, found = -1.0, ""
    for part in accept_language[:400].split(","):
        tag, _, params = part.strip().lower().partition(";")
        try:
            weight = float(params.strip().removeprefix("q=")) if params else 1.0
        except ValueError:
            continue
        script = ("hant-hk" if tag.startswith(_HK_TAGS) else
                  "hant" if tag.startswith(_HANT_TAGS) else
                  "hans" if tag.startswith(_HANS_TAGS) else "")  # fmt: skip
        if script and weight > best:
            best, found = weight, script
    return found if best > 0 else ""
