"""What the templates show, computed from a :class:`SearchResult` and the page state.

Templates stay simple (loops and blocks); the decisions — Chinese labels, which facet link
adds or removes a filter, the pagination window, how the query was understood, what to
suggest when nothing matched — live here, where they are unit-tested.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from analyzers import docno
from analyzers.chars import is_han, strip_skippable
from analyzers.hierarchy import regions
from analyzers.lexicon import stopwords
from analyzers.normalize import in_traditional, normalize, normalize_with_offsets, other_script
from model import fields
from model.document import StoredDocument, as_year, shown_date, written_in_title_year
from model.errors import GovSearchError
from model.viewer import Viewer
from search_index import answers, citizen_words
from search_index.highlight import (
    ANSWER,
    heads_an_article,
    passage_told,
    title_held,
    words_in,
)
from search_index.highlight import rarities as highlight_rarities
from search_index.index import SearchIndex
from search_index.planner import similar_query
from search_index.request import (
    UNDATED_YEAR,
    Hit,
    SearchResult,
    Understanding,
    last_page,
)
from search_index.syntax import Clause, is_link, parse
from web.state import PAGE_SIZE, SearchState

# Facets in the order the page shows them; titles and value labels come from the field table.
FACET_TITLES = {name: fields.label(name) for name in ("category", "agency", "year", "validity")}
VALIDITY = fields.VALUE_LABELS["validity"]
DISCLOSURE = fields.VALUE_LABELS["disclosure"]
SORT_LABELS = {"relevance": "相关度", "date_desc": "日期（新→旧）", "date_asc": "日期（旧→新）"}
FORMATS = {"pdf": "PDF", "docx": "Word", "doc": "Word", "html": "网页", "txt": "文本"}
# a document's format where two results share a title: a patron knows 扫描图像, not IMAGE
# (QA pass 25b: "（无标题）（IMAGE，无日期）"); an original file is named by FORMATS
FORMAT_NAMES = {**FORMATS, "image": "扫描图像", "tif": "扫描图像", "tiff": "扫描图像",
                "png": "图片", "jpg": "图片", "jpeg": "图片"}  # fmt: skip
FACETS_SHOWN = 8  # per facet before "更多"


def format_name(fmt: str) -> str:
    """A stored format as the pages name it (pdf → PDF, image → 扫描图像)."""
    return FORMAT_NAMES.get(fmt.lower(), fmt.upper())


def label(field: str, value: str) -> str:
    """How a filter value is shown (validity codes in Chinese; the rest as stored)."""
    if field == "year":
        return "无日期" if value == str(UNDATED_YEAR) else f"{value}年"
    return fields.value_label(field, value)


# -- facets ------------------------------------------------------------------------------
@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int | None
    selected: bool
    url: str


@dataclass(frozen=True)
class Facet:
    field: str
    title: str
    links: tuple[FacetLink, ...]
    more: tuple[FacetLink, ...]


def facets(result: SearchResult, state: SearchState, base: str) -> list[Facet]:
    """Each facet's values as links that add the filter (or remove it, if chosen).

    A chosen value stays listed even when no result has it any more, so it can be removed.
    """
    out: list[Facet] = []
    for field, title in FACET_TITLES.items():
        chosen: tuple[str, ...] = getattr(state, field)
        values = [(v.value, v.count) for v in result.facets.get(field, ())]
        if field == "year":
            values.sort(key=lambda vc: vc[0], reverse=True)
        seen = {v for v, _ in values}
        values = [(v, None) for v in chosen if v not in seen] + values  # type: ignore[misc]
        links = [
            FacetLink(label(field, v), c, v in chosen, state.toggle(field, v).url(base))
            for v, c in values
        ]
        if not links:
            continue
        selected_first = sorted(links, key=lambda link: not link.selected)
        cut = max(FACETS_SHOWN, sum(link.selected for link in links))
        out.append(Facet(field, title, tuple(selected_first[:cut]), tuple(selected_first[cut:])))
    return out


@dataclass(frozen=True)
class ActiveFilter:
    text: str
    remove_url: str


def results_title(state: SearchState, asked: str = "", total: int | None = None) -> str:
    """A results page's title: what was searched, its filters as the chips say them, how many
    were found, the page. A screen reader reads the title first on every page load (QA pass
    41a: the count was only in the page, and 年份：无日期 read 浏览文件（0）, "none found")."""
    if not state.is_search:
        return "首页"
    what = f"{asked or state.q} - 检索结果" if (asked or state.q) else "浏览文件"
    what += "".join(f"（{label(f, v)}）" for f in FACET_TITLES for v in getattr(state, f))
    if total is not None:
        what += f"，共 {total:,} 份" if total else "，没有找到文件"
    return what + (f" - 第 {state.page} 页" if state.page > 1 else "")


def active_filters(state: SearchState, base: str) -> list[ActiveFilter]:
    out = [
        ActiveFilter(f"{FACET_TITLES[f]}：{label(f, v)}", state.toggle(f, v).url(base))
        for f in FACET_TITLES
        for v in getattr(state, f)
    ]
    if state.date_from or state.date_to:
        span = f"{state.date_from or '不限'} 至 {state.date_to or '不限'}"
        out.append(ActiveFilter(f"日期：{span}", state.change(date_from="", date_to="").url(base)))
    return out


# -- pagination --------------------------------------------------------------------------
@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis
    url: str = ""
    current: bool = False


def pagination(total: int, state: SearchState, base: str) -> list[PageLink]:
    last = last_page(total, PAGE_SIZE)
    if last <= 1:
        return []
    wanted = {1, last, *range(max(1, state.page - 2), min(last, state.page + 2) + 1)}
    out: list[PageLink] = []
    prev = 0
    for n in sorted(wanted):
        if n - prev > 1:
            out.append(PageLink(None))
        out.append(PageLink(n, state.change(page=n).url(base), n == state.page))
        prev = n
    return out


def page_url(state: SearchState, base: str, total: int, step: int) -> str | None:
    """The previous (-1) or next (+1) page, if there is one."""
    last = last_page(total, PAGE_SIZE)
    n = state.page + step
    return state.change(page=n).url(base) if 1 <= n <= last else None


# -- the query as understood ---------------------------------------------------------------
def docno_label(key: str) -> str:
    """A 文号 key (国办发2019-5, 国务院令#86) written the standard way."""
    if "#" in key:
        issuer, serial = key.split("#", 1)
        return f"{issuer}第{serial}号"
    m = re.fullmatch(r"(.+?)(\d{4})-(\d+)", key)
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else key


PREFERS = {
    "mainland": ("排序", "按简体输入，大陆文件略靠前"),
    "taiwan": ("排序", "按繁体输入，台湾地区文件略靠前"),
}
READER_PREFERS = {
    "mainland": ("排序", "按您使用的简体中文，大陆文件略靠前"),
    "taiwan": ("排序", "按您使用的繁体中文，台湾地区文件略靠前"),
}


def understood_items(u: Understanding, q: str) -> list[tuple[str, str]]:
    """(what, detail) lines telling the user how the query was read."""
    items: list[tuple[str, str]] = []
    if u.converted_script:
        items.append(("已按简体检索", u.normalized))
    named = next((w for w in sorted(citizen_words.MAINLAND_WORDS) if w in u.normalized
                  and citizen_words.asks_for_mainland(w, u.normalized)), "")  # fmt: skip
    if u.prefers == "mainland" and u.pinyin_words and not any(is_han(c) for c in q):
        items.append(("排序", "按拼音输入，大陆文件略靠前"))
    elif u.prefers == "mainland" and named:  # (QA pass 51d: it said 按您使用的简体中文)
        items.append(("排序", f"检索词说到“{named}”，大陆文件略靠前"))
    elif u.prefers:
        script = {"mainland": "simplified", "taiwan": "traditional"}[u.prefers]
        if citizen_words.typed_script(q) == script:
            items.append(PREFERS[u.prefers])
        else:  # the characters typed are both sides': the reader's script decided (the
            # browser's language, the kiosk's 繁體 key; QA pass 44c: it said 按繁体输入)
            items.append(READER_PREFERS[u.prefers])
    if len(u.words) > 1 and not u.pinyin:
        # the words the text was cut into, which the lines below count and expand (QA pass 19:
        # 公基金怎么取 was searched as 公、基金、取, and nothing on the page said so)
        words = as_typed(u.words, q) if u.converted_script else u.words
        items.append(("检索词", "、".join(words)))
    if u.pinyin_words:
        items.append((
            "拼音按词检索（标题和正文）",
            "；".join(f"{k} → {'、'.join(ws)}" for k, ws in u.pinyin_words),
        ))
    elif u.pinyin:
        items.append(("也按拼音或首字母检索标题和主题词", " ".join(u.pinyin)))
    # letters searched as a word, and why: the page must not let pdf look like pinyin
    read = {"".join(k.split("'")) for k, _ in u.pinyin_words}
    only = [w for w in u.as_written if w not in read]
    if only:
        items.append(("字母按文件中的外文词检索，不作拼音", "、".join(only)))
    if len(only) < len(u.as_written):
        too = [w for w in u.as_written if w in read]
        items.append(("也按文件中的外文词检索，原词排在前面", "、".join(too)))
    if u.not_pinyin:
        items.append(("字母拼不成拼音，按原词检索", "、".join(u.not_pinyin)))
    if u.doc_numbers:
        items.append(("识别到文号", "、".join(docno_label(k) for k in u.doc_numbers)))
    if u.index_numbers:
        items.append(("识别到索引号", "、".join(u.index_numbers)))
    # the reader's own words as typed, the documents' words as the index holds them (QA pass
    # 52b: 检索词 read 內地、結婚 and the lines below 结婚 → 婚姻, 已忽略常用词 怎么 for 怎麼)
    own = (lambda ws: as_typed(ws, q)) if u.converted_script else list
    for abbr, targets in u.synonyms:
        items.append(("同义扩展", f"{own([abbr])[0]} → {'、'.join(targets)}"))
    sources = {
        "mined": "文件自述简称", "title": "法规简称", "thesaurus": "同义词",
        "cross_strait": "两岸用语", "region": "该地区的文件", "general": "近义词",
        "learned": "文件中的近义词", "abbreviation": "简写所指的词",
        "numeral": "汉字数字", "year": "该年的文件（排在前面）",
    }  # fmt: skip
    for word, other, source in u.expansions:
        # a place searched as its own region reads "也查该地区的文件：台湾", not "台湾 → 台湾"
        typed = own([word])[0]
        shown = typed if other == word else f"{typed} → {other}"
        items.append((f"也查{sources.get(source, source)}", shown))
    if u.phrases:
        items.append(("精确短语", "、".join(f"“{p}”" for p in u.phrases)))
    if u.excluded:
        items.append(("已排除", "、".join(u.excluded)))
    for field, text in u.fields:
        name = {"title": "标题", "docno": "文号", "agency": "发布机构"}.get(field, field)
        items.append((f"限定{name}", text))
    # what was left out, by why (QA pass 12: `标题:` with nothing after it and 文号:〔〕号 were
    # listed as ignored common words)
    stop = stopwords()
    ignored = list(dict.fromkeys(u.ignored))
    versions = citizen_words.is_version_words
    for label, keep in (
        ("查找旧版本（按法规名称检索，旧版不排在新版之后）", versions),
        ("已忽略常用词", lambda t: t in stop),
        ("已忽略网址", is_link),  # (QA pass 49c: said as a field scope with nothing after it)
        ("已忽略无内容的限定", lambda t: ":" in t and not is_link(t)),
        ("已忽略", lambda t: t not in stop and ":" not in t and not versions(t) and not is_link(t)),
    ):
        shown = own([t for t in ignored if keep(t)])
        if shown:
            items.append((label, "、".join(shown)))
    if u.partial_left_out:
        items.append(("匹配方式", "按日期排序时只列出包含全部检索词的文件；只包含部分词"
                      "或意思相近的文件，按相关度排序时列在后面"))
    elif u.fewer_than and not u.min_should_match:
        items.append(("匹配方式", f"没有文件包含其中 {u.fewer_than} 个词：下面是含有其余检索条件"
                      "（引号中的短语、文号或限定）的文件，包含这些词越多的排在越前面"))
    elif u.fewer_than:
        items.append(("匹配方式", f"没有文件包含其中 {u.fewer_than} 个词，下面是至少包含 "
                      f"{u.min_should_match} 个词的文件，包含越多的排在越前面"))
    elif len(u.words) > 1 and u.min_should_match and u.min_should_match < len(u.words):
        items.append(("匹配方式", f"至少包含 {u.min_should_match} 个词，全部包含的排在前面"))
    if u.semantic:
        items.append(("也按语义检索", "意思相近、用词不同的文件也列出（排在字面匹配之后或之间）"))
    return items


def as_typed(words: Sequence[str], q: str) -> list[str]:
    """Each of ``words`` (read from ``q`` normalised: simplified, lower case) as ``q`` writes
    it, where it is found there in order; else as read. A reader who typed 回鄉證點樣申請 is
    told the words 回鄉證、申請, not 回乡证、申请 (QA pass 51d: the line above says the search
    ran in simplified; the words are the reader's own). The words may come in another order
    than typed (a word's first place in ``q`` is taken)."""
    norm, offsets = normalize_with_offsets(q)
    out: list[str] = []
    for w in words:
        start = norm.find(w)
        if start < 0:
            out.append(w)
            continue
        end = start + len(w)
        if offsets is None:
            out.append(q[start:end])
        else:
            out.append(q[offsets[start] : offsets[end - 1] + 1])
    return out


BRIEF_EXPANSIONS = 2  # the other wordings named on the folded heading; the rest counted


def understood_brief(u: Understanding, q: str = "") -> str:
    """The other wordings searched, in a few words, for the heading of the folded reading on
    a phone (QA pass 24b: folded, it hid 押金 → 保证金 and 退款 → 付款, and the results read
    as if the words typed had found them): "房东 → 出租人、退押金 → 返还押金 等 3 项"."""
    own = (lambda w: as_typed([w], q)[0]) if u.converted_script and q else (lambda w: w)
    shown = [f"{own(a)} → {'、'.join(t)}" for a, t in u.synonyms]
    shown += [f"{own(w)} → {o}" for w, o, _ in u.expansions if o != w]
    if not shown:
        return ""
    brief = "；".join(shown[:BRIEF_EXPANSIONS])
    return f"也查 {brief}" + (f" 等 {len(shown)} 项" if len(shown) > BRIEF_EXPANSIONS else "")


def nothing_searchable(u: Understanding) -> bool:
    """Whether a typed query held nothing to search for (punctuation, a lone ``-`` or ``OR``,
    which the planner lists as ignored, whole); a field scope with nothing after it (``标题:``)
    is said on its own line instead."""
    read = (u.words or u.phrases or u.excluded or u.fields or u.doc_numbers or u.index_numbers
            or u.pinyin)
    return not read and not any(":" in t for t in u.ignored)


def only_function_words(u: Understanding) -> bool:
    """Whether a query's words are all stop or question words (的了吗, 请问, 我想问一下怎么办):
    searched, as nothing else was typed, but what they find is chance (QA pass 49b: the page
    listed speeches and old 政府工作报告 as if they answered)."""
    read = u.phrases or u.excluded or u.fields or u.doc_numbers or u.index_numbers or u.pinyin
    stop = stopwords()
    return bool(u.words) and not read and all(w in stop for w in u.words)


def query_words(q: str) -> str:
    """A query's words for reading (``"丧葬补助金" OR "丧葬费"`` → 丧葬补助金、丧葬费)."""
    return "、".join(a.text for c in parse(q).clauses if not c.negated for a in c.alternatives)


# -- zero results ------------------------------------------------------------------------
@dataclass(frozen=True)
class Alternative:
    text: str
    url: str
    total: int


def _free_words(q: str, words: tuple[str, ...]) -> tuple[list[str], Callable[[str], str]]:
    """The ``words`` typed as plain text (not in a phrase, an exclusion, a field or an OR) that
    can be left out — none when nothing else would be searched for — and a function writing
    ``q`` without one of them: its phrases, exclusions, fields and ORs stay, so "fewer words"
    never silently drops them."""

    def plain_clause(c: Clause) -> bool:
        a = c.alternatives[0]
        return not c.negated and len(c.alternatives) == 1 and not a.phrase and a.field is None

    clauses = parse(q).clauses
    texts = [normalize(c.alternatives[0].text) for c in clauses if plain_clause(c)]
    plain = [w for w in dict.fromkeys(words) if any(w in t for t in texts)]
    if len(plain) == 1 and not any(not c.negated and not plain_clause(c) for c in clauses):
        plain = []

    def without(word: str) -> str:
        parts: list[str] = []
        placed = False
        for c in clauses:
            if not plain_clause(c):
                parts.append(c.text())
            elif not placed:  # the remaining words where the plain text began
                parts.extend(w for w in plain if w != word)
                placed = True
        return " ".join(parts)

    return plain, without


def alternatives(
    index: SearchIndex,
    state: SearchState,
    viewer: Viewer,
    base: str,
    words: tuple[str, ...] = (),
    limit: int = 5,
    doc_numbers: tuple[str, ...] = (),  # the keys the query was read as
) -> list[Alternative]:
    """Changed searches that do find something, each with its count (zero-result page).

    ``words`` are the query's words as the engine understood them (never re-segmented here).
    "Fewer words" drops one plain word and keeps the query's phrases, exclusions and fields.
    A query read as a 文号 is not cut into fewer words: 国办发 / 2019 / 5号 alone find documents
    that have nothing to do with the 文号 asked for; it is offered its issuer's other numbers
    of that year, then all of them (QA pass 26b: 国发2020 10号, not in the collection, was told
    only to type the number alone, which it was).
    """
    candidates: list[tuple[str, SearchState]] = []
    for key in doc_numbers[:1]:
        parts = docno.yearly_parts(key)
        if parts is not None:
            issuer, year, _ = parts
            issued = state.change(q=f"文号:{issuer}", year=(year,))
            candidates.append((f"{issuer}〔{year}〕的其他文件（{year}年发布）", issued))
            candidates.append((f"{issuer}的全部文件", state.change(q=f"文号:{issuer}")))
        elif "#" in key:  # an order: 国务院令#9999
            issuer = key.split("#", 1)[0]
            candidates.append((f"{issuer}的全部文件", state.change(q=f"文号:{issuer}")))
    if state.sort != "relevance" and state.q:  # by date, every word was required
        candidates.append(("按相关度排序（也列出只包含部分检索词或意思相近的文件）",
                           state.change(sort="relevance")))  # fmt: skip
    if state.has_filters:
        candidates.append(("去掉全部筛选条件", state.without_filters()))
    if state.q:
        converted = other_script(state.q)
        if converted != state.q:
            candidates.append((f"换用另一种字体：{converted}", state.change(q=converted)))
        plain, rebuild = _free_words(state.q, words)
        if plain and not doc_numbers:
            for w in plain[:4]:
                rest = rebuild(w)
                candidates.append((f"少用一个词：去掉“{w}”，检索“{rest}”", state.change(q=rest)))
            if state.has_filters:  # the label says the filters go too (QA pass 8: it did not)
                candidates.append(
                    (f"只检索“{words[0]}”，不限筛选条件", SearchState(q=words[0], sort=state.sort))
                )
        scoped = parse(state.q).clauses
        if any(a.field for c in scoped for a in c.alternatives):  # 标题:押金 → 押金 in full text
            unscoped = " ".join(
                Clause(tuple(replace(a, field=None) for a in c.alternatives), c.negated).text()
                for c in scoped
            )
            candidates.append((f"不限字段（标题、文号、机构），检索“{unscoped}”",
                               state.change(q=unscoped)))  # fmt: skip
        if '"' in state.q or "“" in state.q:
            plain = re.sub(r"[\"“”]", " ", state.q)
            candidates.append(("不用引号（不要求完全一致）", state.change(q=plain)))
    out: list[Alternative] = []
    for text, alt in candidates:
        try:
            total = index.search(alt.to_query(viewer, size=1, facets=False)).total
        except GovSearchError:
            continue
        if total:
            out.append(Alternative(text, alt.url(base), total))
        if len(out) >= limit:
            break
    return out


def written_numbers(keys: Iterable[str]) -> list[str]:
    """文号 keys as documents print them (国发2020-10 → 国发〔2020〕10号)."""
    return [docno.key_text(k) for k in keys]


# A4 in print.css, as QA pass 40b's printouts measure it (社会保险法 on 16 pages, 人民检察院刑事
# 诉讼规则 on 140; estimated 14 and 131): a line holds about 44 characters, a page about 25
# lines, and each paragraph (an article, a line of the text) starts a line
PRINTED_LINE_CHARS = 44
PRINTED_PAGE_LINES = 25
PRINT_CONFIRM_PAGES = 10  # more asks a second tap (a kiosk's browser prints with no dialog)


def printed_pages(text: str) -> int:
    """About how many A4 pages a document's text prints on (QA pass 40b: 打印 sent the 140
    pages of 人民检察院刑事诉讼规则 with no word of it)."""
    lines = sum(-(-len(line.strip()) // PRINTED_LINE_CHARS) for line in text.splitlines())
    return max(1, round(lines / PRINTED_PAGE_LINES))


def which_files(hits: Sequence[Hit], kiosk: bool = False) -> dict[str, str]:
    """What tells apart results of one page that share a title (a law as text PDF, as scan, as
    another version), by document id: their links then say which each is, or a screen
    reader's list of links reads the same name three times (QA pass 7). Results without a title
    always say it: two untitled scans read "（无标题）" alike (QA pass 18). Format and date
    first, as a citizen tells versions apart (QA pass 26b: 军人抚恤优待条例（文本，lawrefbook/…）);
    the file's path only where those are alike too, and never at a kiosk."""
    titles = Counter(h.doc.title for h in hits)
    shared = [h for h in hits if titles[h.doc.title] > 1 or not h.doc.title]
    said = Counter((h.doc.title, h.doc.format, h.doc.date) for h in shared)
    formats: dict[str, set[str]] = {}
    for h in shared:
        formats.setdefault(h.doc.title, set()).add(h.doc.format)
    out = {}
    for h in shared:
        d = h.doc
        # the format only where it tells them apart: two versions of a law as text were
        # "（文本，2001-06-20）", a word that means nothing to a citizen (QA pass 38a)
        parts = [shown_date(d) or "无日期"]
        if len(formats[d.title]) > 1 or not d.title:
            parts.insert(0, format_name(d.format))
        if said[(d.title, d.format, d.date)] > 1:
            # a code filed in parts (中华人民共和国民法典 as 总则, 合同编 …): the part's name
            part = part_name(d.title, d.text)
            if part:
                parts.insert(0, part)
            elif not kiosk:
                parts.append(d.path)
        out[d.id] = "，".join(parts)
    return out


_PART = re.compile(
    r"第[一二三四五六七八九十百]+[编篇卷]\s*\S{1,10}|\S{0,10}(?:编|篇|卷|总则|分则|附则|部分)"
)


def part_name(title: str, text: str) -> str:
    """The name of the part of a code a text is, from its first line after the title (合同编,
    第三编 合同), or ""."""
    lines = [ln.strip() for ln in text[:400].splitlines() if ln.strip()]
    if lines and lines[0].replace(" ", "") == title.replace(" ", ""):
        lines = lines[1:]
    first = lines[0] if lines else ""
    return first if len(first) <= 16 and _PART.fullmatch(first) else ""


# -- documents ---------------------------------------------------------------------------
def written_in_traditional(*texts: object) -> bool:
    """For templates (``{% if d.title | hant(snippet) %} lang="zh-Hant"``): whether these
    texts, together, are written in Traditional script."""
    joined = "".join(str(t) for t in texts if t)
    return bool(joined) and in_traditional(joined)


def taiwan_region(doc: StoredDocument) -> bool:
    """For templates: whether ``doc`` is one of Taiwan's (its agency, or its head written in
    Traditional script), as the index files it (``analyzers.hierarchy.regions``). Its agency
    never says so (總統, 勞動部, 內政部), so a mainland reader took Taiwan's 退休 rules for their
    own (QA pass 44a): the result and the page say 台湾地区."""
    head = doc.text[:3000] if doc.text else doc.title
    return citizen_words.TAIWAN in regions(doc.agency, head)


_PAGE = re.compile(r"page (\d+)")


def ocr_notice(doc: StoredDocument, notice: str) -> str:
    """The recognised-text notice, naming the pages when only some were scans (a PDF with one
    scanned page appended is text but for that page: QA pass 7)."""
    if doc.text_source != "ocr":
        return ""
    first = re.match(r"\d+", doc.ocr_pages or "")
    if first and int(first.group()) > 1:  # "4", "10-12": pages after text pages
        return f"本文第 {doc.ocr_pages} 页{notice.removeprefix('本文')}"
    return notice


def ocr_missing(doc: StoredDocument) -> str:
    """The scan's pages that could not be read, said to every reader: the text lacks them (a
    text PDF's scanned page read with OCR off, too: its text source is the text layer)."""
    pages = _PAGE.findall(doc.ocr_failed or "")
    if not pages:
        return ""
    return f"扫描件第 {'、'.join(pages)} 页未能识别，本文不含其内容；需要时请查阅原件。"


def meta_rows(
    doc: StoredDocument, staff: bool = False, repealed: bool = False
) -> list[tuple[str, str]]:
    """The catalogue table of the document page, from the field table: every shown catalogue
    field under its label; "未注明" where the source does not say. ``repealed``: a later
    document repeals it, so its 有效性 reads 已废止 with the catalogue's word beside (QA pass
    38a: the table said 有效 and the notice under it 本文已废止, and a phone shows the table
    first)."""
    missing = fields.UNSTATED
    rows = []
    for f in fields.CATALOG_FIELDS:
        if not f.shown or f.name == "title" or (f.staff_only and not staff):
            continue
        value = getattr(doc, f.name)
        if f.kind == "list":
            if value:
                rows.append((f.label, "、".join(value)))
            continue
        # no 发布日期 from another date: the 成文日期 beside it says when the text was signed,
        # and a publication date shown where the source gives none was taken for one (QA pass
        # 22b: 国办发〔2019〕6号, signed 2019-01-22, was published 2019-02-14)
        shown = fields.value_label(f.name, value) if value else missing
        if f.name == "written_date" and value and written_in_title_year(doc):
            shown = f"{as_year(value)}（标题所示年份，日期未注明）"
        if f.name == "validity" and repealed and value != "repealed":
            said = "" if doc.validity_assumed else f"（目录中为“{shown}”）"  # none, if assumed
            shown = f"{fields.value_label(f.name, 'repealed')}{said}"
        elif f.name == "validity" and value == "valid" and doc.validity_assumed:
            shown = f"{missing}（未见废止或失效的记载）"
        rows.append((f.label, shown))
        if f.name == "agency" and taiwan_region(doc):  # (QA pass 44a)
            rows.append(("适用地区", "台湾地区"))
    return rows


def similar(index: SearchIndex, doc: StoredDocument, viewer: Viewer) -> list[Hit]:
    """Up to five other visible documents found by :func:`similar_query`."""
    q = similar_query(doc.title, doc.keywords)
    if not q:
        return []
    query = SearchState(q=q).to_query(viewer, size=6, facets=False, snippet_chars=90)
    try:
        hits = index.search(query).hits
    except GovSearchError:
        return []
    # a hit standing for this document's own text (its copy shown as the group) is no other
    return [
        h for h in hits if h.doc.id != doc.id and doc.id not in {c.id for c in h.copies}
    ][:5]


_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
PASSAGE_CHARS = 300  # the reach of one passage of the text, for the one with most words met


@dataclass(frozen=True)
class Marked:
    """A document's text with its matches marked: how many, and which one starts the passage
    holding most of the different words searched for (0-based; None where that is the
    first, or no passage holds two)."""

    html: str
    count: int
    best: int | None = None


def mark_anchors(
    html_text: str, groups: Mapping[str, str] | None = None, answer: str = "",
    rarity: Mapping[str, float] | None = None, terms: Iterable[str] = (), title: str = "",
) -> Marked:
    """Give the first ``<mark>`` the id ``match-1`` (a "jump to the first match" link), and
    the one that starts the richest passage ``match-best``: the first match of a long law is
    often a word of its first article, far from what was asked (QA pass 26b: 33 marks, the
    jump landed on 第二条). ``groups``: each other wording's typed word, so that a passage is
    as rich as the words asked for it holds (QA pass 28b: 拖欠工资 jumped to 工资 beside its
    劳动报酬, not to 拖欠 beside 劳动报酬). What answers a question of measure (``answer``: 六个月,
    三天) counts as one word, whatever its number; each word asked for counts by its
    ``rarity``, as in the snippet (a word given none counts 1), a word the document's
    ``title`` holds less, and an article asked for, at its own heading, more (QA pass 50b:
    劳动合同法第三十九条 offered only the first of 460 marks, the law's title, where 劳动 and
    合同法 stand; the article was the 86th)."""
    marks = list(_MARK.finditer(html_text))
    if not marks:
        return Marked(html_text, 0)
    groups = groups or {}
    answer_re = answers.compiled(answer)
    asked = {*groups, *groups.values(), *(w for w in rarity or {} if w != ANSWER)}
    asked |= {strip_skippable(normalize(t).lower()) for t in terms}  # one word asked: no weights
    words = [_mark_words(m.group(1), groups, asked, answer_re) for m in marks]
    rarity = highlight_rarities(rarity, answer)
    held = title_held(title)
    best, most = None, 0.0
    window: Counter[str] = Counter()  # the words of marks i … j-1, a sliding window
    j = 0
    for i, m in enumerate(marks):
        while j < len(marks) and marks[j].start() - m.start() < PASSAGE_CHARS:
            window.update(words[j])
            j += 1
        heading = bool(words[i]) and heads_an_article(html_text, m.start(), m.end())
        said = passage_told(window, words[i], held, rarity, heading)
        if (len(window) > 1 or heading) and said > most:
            best, most = i, said
        window.subtract(words[i])
        window = +window  # (the words no mark of the window holds any more, dropped)
    if best == 0:
        best = None
    out, last = [], 0
    for i, m in enumerate(marks):
        ids = ' id="match-1"' if i == 0 else ""
        ids = ' id="match-best"' if i == best else ids
        # focusable, so a jump moves focus there too: it stayed on the link, hidden under the
        # kiosk's sticky bar, and the next Tab skipped the text (QA pass 23e)
        attrs = f'{ids} tabindex="-1"' if ids else ""
        out.append(html_text[last : m.start()] + f"<mark{attrs}>{m.group(1)}</mark>")
        last = m.end()
    out.append(html_text[last:])
    return Marked("".join(out), len(marks), best)


def _mark_words(
    marked: str, groups: Mapping[str, str], asked: set[str], answer_re: re.Pattern[str] | None
) -> frozenset[str]:
    """The words asked for a mark shows, as the snippet counts them: a mark may hold two, or a
    word and its answer, written together (年休假5天 is 年休假 and an answer, the review's
    finding: read as one unknown word, the page's jump missed the passage the snippet showed)."""
    text = strip_skippable(normalize(marked).lower())
    held = words_in(text, asked, groups)
    if answer_re is not None and answer_re.search(text):
        held |= {ANSWER}
    return held or frozenset({groups.get(text, text)})


def took(ms: float) -> str:
    return f"{ms:.1f}" if ms < 10 else f"{ms:.0f}"


_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def download_name(name: str, title: str) -> str:
    """The name an original file is saved under: its own where it says something in Chinese (a
    GBK name on disk is decoded, by the caller), else the document's title with the file's
    extension (QA pass 27a: 社会保险法 was saved as lrb_02535.txt), without the characters no
    file system takes, at most 80 characters."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    # a slash of a date (111/7/5) is a dash, the rest that no file system takes is left out
    title = re.sub(r"[\\/]", "-", " ".join(title.split()))
    title = _UNSAFE_IN_NAMES.sub("", title)[:80].strip(" .")
    if not title or any(is_han(c) for c in stem):
        return name
    return f"{title}.{ext}" if ext else title
