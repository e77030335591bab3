"""The repeals the documents state themselves: 《中华人民共和国契税暂行条例》同时废止.

A catalogue's 有效性 is written when a document is published and rarely changed after: the
corpus's 契税暂行条例 is catalogued 有效 though 契税法 第十六条 repeals it, and so are the
interpretations of 婚姻法, which 民法典 第一千二百六十条 repeals (QA passes 30a and 31b: citizens
were shown them first, marked in force). The texts that replace a rule say so in a closing
article: the titles in ``《》`` of a clause ending in 同时废止 (563 of the corpus's documents),
即行废止 or 一并废止. A clause that repeals an article only (《…》第三条同时废止) repeals no
title. :func:`applied_title` reads the law an interpretation applies (最高人民法院关于适用
《中华人民共和国婚姻法》若干问题的解释), which falls with it.

Written by hand: no library reads Chinese legal citations; the patterns are the drafting
conventions of closing clauses and interpretations' titles, narrow on purpose.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass

from analyzers.normalize import normalize

# the words that say a repeal; the clause is what stands before them back to 。；; or a line end
_VERB = re.compile(r"(同时|同時|即行|一并|一併|同日)(废止|廢止)")
_CLAUSE_END = "。；;\n"
# the titles a repeal names: a run of 《…》 (each with its bracketed 文号, if any) joined by 、
# 和 及 与, right before the verb; a title before that run describes them (根据《关于修改〈X〉的
# 决定》修正的《Y》, 依据《行政许可法》制定的《Y》) and is not repealed
_NAMED = re.compile(
    r"(?:《[^《》]{2,80}》\s*(?:[（(][^（）()]{0,60}[）)])?\s*(?:[、，,和及与]\s*)?)+$"
)
_TITLE = re.compile(r"《([^《》]{2,80})》(?!\s*第[一二三四五六七八九十百千零〇0-9]+[条款项章节])")
_ARTICLE = re.compile(r"(?m)^[ \t\u3000]*(第[一二三四五六七八九十百千零〇]+[条條])")
# the day the repealing text takes effect, said just before (本条例自2024年5月1日起施行。)
_EFFECTIVE = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起\s*施行")
EFFECTIVE_BEFORE = 300  # characters before the clause where its text's effective day is read
PREFIX_CHARS = 60  # of the words before the first title kept in a statement (issuer, date)


@dataclass(frozen=True)
class Repealed:
    """A title a text says it repeals: as cited, the statement (the article and the clause as
    it concerns this title), and the day the repealing text takes effect where the clause's
    article says it ("" otherwise; a text the catalogue leaves undated is still dated so)."""

    title: str
    statement: str
    effective: str = ""


def repealed_titles(text: str) -> list[Repealed]:
    """Each title ``text`` says it repeals, in text order. The statement reads
    ``第十六条 1997年7月7日国务院发布的《中华人民共和国契税暂行条例》同时废止``; with other titles
    beside it, ``第一千二百六十条 《中华人民共和国婚姻法》等同时废止`` (what the clause says of
    the others, their 文号 among it, is left out: it would be read as this title's)."""
    out: list[Repealed] = []
    seen: set[str] = set()
    if "废止" not in text and "廢止" not in text:
        return out
    for m in _VERB.finditer(text):
        # back to the clause's start: one rfind per repeal, never a scan from every character
        # (a text without 。；, flattened from HTML, took a lazy pattern 51 s at 80k characters)
        start = max(text.rfind(c, 0, m.start()) for c in _CLAUSE_END) + 1
        clause = text[start : m.start()].strip()
        named = _NAMED.search(clause)
        if named is None:
            continue
        titles = [t.strip() for t in dict.fromkeys(_TITLE.findall(named.group()))]
        if not titles:
            continue
        first = start + text[start : m.start()].index("《", named.start())
        heads = list(_ARTICLE.finditer(text, max(0, start - 2000), first))
        article = heads[-1].group(1) if heads else ""
        before = clause[: named.start()]
        before = before.removeprefix(article).strip()[-PREFIX_CHARS:]  # who issued it, when
        article = f"{article} " if article else ""
        verb = m.group(1) + m.group(2)  # 同时废止
        others = "等" if len(titles) > 1 else ""
        days = list(_EFFECTIVE.finditer(text, max(0, start - EFFECTIVE_BEFORE), m.end()))
        effective = ""
        if days:
            y, mo, d = (int(g) for g in days[-1].groups())
            with contextlib.suppress(ValueError):
                effective = dt.date(y, mo, d).isoformat()
        for t in titles:
            if t not in seen:
                seen.add(t)
                out.append(Repealed(t, f"{article}{before}《{t}》{others}{verb}", effective))
    return out


def short_title(title: str) -> str:
    """A law's title as people cite it: no 中华人民共和国 prefix, no trailing （…）."""
    t = re.sub(r"[（(][^（）()]*[）)]$", "", title)
    return t.removeprefix("中华人民共和国")


_EDITION = re.compile(r"[（(][^（）()]*(?:\d|修正|修订|修改)[^（）()]*[）)]$")


def title_key(title: str) -> str:
    """What a cited title and a document's title are compared by: normalised (script, width),
    without spaces, the state's name or an edition's note (（2019修正）): 《中华人民共和国契税暂行
    条例》 and a document titled 中華人民共和國契稅暫行條例（2019修正） meet. Other notes stay:
    民事诉讼法 repeals 《中华人民共和国民事诉讼法（试行）》, not itself. Brackets go: a title
    cited inside another's is written 〈〉 there (《北京市实施〈中华人民共和国种子法〉办法》)."""
    t = _EDITION.sub("", re.sub(r"[\s《》〈〉<>]+", "", normalize(title)))
    return t.removeprefix("中华人民共和国")


_APPLIES = re.compile(r"关于适用《([^《》]{2,80})》")


def applied_title(title: str) -> str:
    """The law an interpretation's title says it applies (最高人民法院关于适用《中华人民共和国
    婚姻法》若干问题的解释 → 中华人民共和国婚姻法), or ""."""
    m = _APPLIES.search(title)
    return m.group(1).strip() if m else ""
