"""The user query language, parsed leniently.

Syntax: plain words; ``"exact phrase"`` (also “…” 「…」 『…』); ``-word`` / ``-"phrase"`` to
exclude; ``A OR B`` (also ``|``) for alternatives; field scopes ``title:`` (标题:), ``docno:``
(文号:), ``agency:`` (机构: / 发布机构:). Anything malformed — an unclosed quote, a lone ``-``
or ``OR``, an unknown ``field:`` — is read as plain text, never an error: a citizen's stray
quote must not cost them their results.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from analyzers.chars import is_han
from analyzers.docno import find_in_query
from analyzers.normalize import normalize_with_offsets

FIELD_ALIASES: dict[str, str] = {
    "title": "title",
    "标题": "title",
    "標題": "title",
    "docno": "docno",
    "文号": "docno",
    "文號": "docno",
    "agency": "agency",
    "机构": "agency",
    "機構": "agency",
    "发布机构": "agency",
    "發布機構": "agency",
    # as Taiwan's catalogues label them (QA pass 41b: 發文字號:, 字號:, 機關: were words)
    "发文字号": "docno",
    "發文字號": "docno",
    "字号": "docno",
    "字號": "docno",
    "发文机关": "agency",
    "發文機關": "agency",
    "机关": "agency",
    "機關": "agency",
}

# how a field scope is written back into a query shown to people (any alias above parses)
FIELD_PREFIX = {"title": "标题", "docno": "文号", "agency": "机构"}

_QUOTES = {"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "＂": '"', "″": '"'}
# 「」 and 『』 hold a 文号's year where a Taiwan or Hong Kong keyboard offers no 〔〕
# (国发「2018」41号): a year alone between them, followed by the number and 号, is that
# bracket, never a phrase of four digits (QA pass 27b: it was, and matched every document
# citing 2018)
_YEAR_IN_QUOTES = re.compile(r"[「『]\s*([0-9０-９]{4}\s*年?)\s*[」』](?=\s*[0-9０-９]+\s*[号號])")


@dataclass(frozen=True)
class Atom:
    text: str
    phrase: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Clause:
    """One or more alternatives (``A OR B``); ``negated`` excludes what it matches."""

    alternatives: tuple[Atom, ...]
    negated: bool = False

    def text(self) -> str:
        """The clause written back in the query syntax (``-"短语"``, ``标题:条例``, ``A OR B``)."""
        atoms = []
        for a in self.alternatives:
            text = f'"{a.text}"' if a.phrase else a.text
            atoms.append(f"{FIELD_PREFIX.get(a.field, a.field)}:{text}" if a.field else text)
        return ("-" if self.negated else "") + " OR ".join(atoms)


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]
    # field scopes typed with nothing to scope (``title:`` at the end): shown as ignored, never
    # searched as the word ``title`` (QA: it was, and matched nothing)
    ignored: tuple[str, ...] = ()

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)


# a web address pasted with a question (a WeChat share: 关于…的规定 https://mp.weixin.qq.com/s/…):
# with a scheme (any: weixin://…) or www., to the next space or Chinese punctuation (a path a
# browser shows decoded holds Chinese: QA pass 49c); without either, a host under a common
# top-level domain: of three labels or more (mp.weixin.qq.com, www.gov.cn), with a path, or of
# two in lower case under a domain people type (12306.cn, baidu.com) — a product's name is no
# address (QA pass 51c: ASP.NET 开发规范 and socket.io 教程 lost their first word)
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
_TLD = r"(?:com|cn|net|org|gov|edu|info|io|me|hk|tw|mo)"
_LINK = re.compile(
    r"(?<![A-Za-z0-9+.\-])(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s，。；：！？、“”‘’《》（）【】]*"
    rf"|(?<![A-Za-z0-9.@\-])(?:(?:[a-z0-9\-]+\.){{2,}}{_TLD}|[a-z0-9\-]+\.{_TLD}(?=/)"
    r"|(?-i:[a-z0-9\-]+\.(?:com|cn|org|gov|edu|hk|tw|mo)))"
    rf"(?![A-Za-z0-9])(?:/{_URL_CHARS}*)?",
    re.IGNORECASE,
)


# after a Chinese character, what says the link's path goes on: a slash, or a mark of a query
# string or a file's name followed by more of it (养老保险/index.htm, 养老?id=1); a question mark
# or a full stop ending the question glued there is no path (QA pass 51c: 养老保险怎么交? took
# the whole link as the search)
_PATH_GOES_ON = re.compile(r"/|[?=&#.][A-Za-z0-9]")


# a host's characters typed full width (letters, digits, ．／－) as the half-width they stand
# for, one for one; never the punctuation Chinese writes full width (，：？ end a link)
_HALF_WIDTH = {
    code: code - 0xFEE0
    for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B),
                 0xFF0D, 0xFF0E, 0xFF0F)
}  # fmt: skip


def is_link(text: str) -> bool:
    """Whether ``text`` is one web address as :func:`without_links` finds them."""
    return _LINK.fullmatch(text) is not None


def without_links(q: str) -> tuple[str, tuple[str, ...]]:
    """``q`` without the web addresses pasted into it beside Chinese, and those addresses: no
    text holds one, and its pieces (https, mp.weixin.qq.com, s, the article's id) were words a
    document had to hold (QA pass 49b: a shared article's title with its link found nothing,
    37 documents without it). An address typed alone is searched as typed; one with the
    question glued after it (https://…/s/AbC关于养老保险的规定) ends where its Chinese begins,
    whatever else is typed (QA pass 50c: the question was taken for the link's path, and the
    link's pieces found nothing; QA pass 51c: beside more Chinese, it was dropped with it)."""
    typed, q = q, q.translate(_HALF_WIDTH)  # (QA pass 52b: ｗｗｗ．ｇｏｖ．ｃｎ on a phone)
    links = tuple(m.group() for m in _LINK.finditer(q))
    if not links:
        return typed, ()
    rest = _LINK.sub(lambda m: f" {m.group()[_glued_at(m.group()):]} ", q)
    if not any(map(is_han, rest)):
        return typed, ()  # an address typed alone: as typed
    return rest, tuple(link[: _glued_at(link)] for link in links)


def _glued_at(link: str) -> int:
    """Where the question glued after ``link`` begins: its first Chinese character, unless
    the path goes on after it (/zhengce/养老保险/index.htm, a path a browser shows decoded, is
    the link's, as is a query string's value, ?id=养老); ``len(link)`` where nothing is glued."""
    at = next((i for i, ch in enumerate(link) if is_han(ch)), len(link))
    if _PATH_GOES_ON.search(link, at) or link[at - 1 : at] == "=":
        return len(link)
    return at


def _prepare(q: str) -> str:
    q = _YEAR_IN_QUOTES.sub(r"〔\1〕", q)
    q = "".join(_QUOTES.get(ch, ch) for ch in q)
    q = unicodedata.normalize("NFKC", q)
    # Control characters are never meaningful in a query; treat them as spaces.
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in q)


def _docno_spans(q: str) -> list[tuple[int, int]]:
    """Spans of ``q`` holding a 文号 written with spaces inside (国办发 [2019] 6号, 國辦發 〔2019〕
    6 號): each is one word, or the number would be searched as three unrelated words."""
    if not (any(ch.isspace() for ch in q) and any(ch.isdigit() for ch in q)):
        return []  # most queries: no number with spaces in it
    norm, offsets = normalize_with_offsets(q)
    out: list[tuple[int, int]] = []
    for s, e, _ in find_in_query(norm):
        if offsets is not None:
            s, e = offsets[s], offsets[e - 1] + 1
        if any(ch.isspace() for ch in q[s:e]):
            out.append((s, e))
    return out


_BARS = "|｜"  # OR between two words, with or without spaces (also full width)


def _lex(q: str) -> list[tuple[str, str]]:
    """Split into ("word"|"phrase"|"or", text) items; a minus/field prefix stays on the item."""
    items: list[tuple[str, str]] = []
    docnos = _docno_spans(q)
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch.isspace():
            i += 1
            continue
        if ch in _BARS:  # 刺猬|鸸鹋 is an OR as 刺猬 | 鸸鹋 is (it was one more word)
            items.append(("or", "|"))
            i += 1
            continue
        start = i
        # prefix: optional '-' and optional 'field:'
        j = i
        if q[j] == "-" and j + 1 < n and not q[j + 1].isspace():
            j += 1
            while j + 1 < n and q[j] == "-" and not q[j + 1].isspace():
                j += 1  # --"国务院" excludes as -"国务院" does (QA pass 22b: it required it)
        k = q.find(":", j)
        scope = ""
        if k > j and q[j:k].lower() in FIELD_ALIASES:
            after = k + 1
            while after < n and q[after].isspace():  # 标题： 条例 scopes 条例 as 标题:条例 does
                after += 1
            if after < n and q[after] not in _BARS:
                scope, start = q[start : k + 1], after
                j = after
        if j < n and q[j] == '"':
            close = q.find('"', j + 1)
            if close != -1:
                items.append(("phrase", scope + q[start : close + 1]))
                i = close + 1
                continue
            # unclosed quote: read the rest of this chunk as a word without the quote
        end = j
        while (
            end < n
            and not q[end].isspace()
            and not (end > j and q[end] == '"')
            and q[end] not in _BARS
        ):
            end += 1
            if end < n and q[end].isspace():  # a 文号 with spaces goes on to its end
                end = max([end] + [e for s, e in docnos if start <= s < end < e])
        word = q[start:end]
        kind = "word"
        if not scope and word in ("OR", "|"):
            kind = "or"
        elif not scope and word in _OPERATORS:
            kind = _OPERATORS[word]
        items.append((kind, scope + word))
        i = end
    return items


# Other search engines' operators, in capitals as they write them (QA pass 42b: 养老 NOT 废止
# searched NOT and 废止 as words and listed exactly the documents writing 废止): NOT excludes
# what follows as - does, AND is what words typed together already mean
_OPERATORS = {"NOT": "not", "AND": "and"}


def _bare_scope(raw: str) -> bool:
    """``title:`` or ``-标题:`` with nothing after it."""
    name = raw.removeprefix("-")
    return name.endswith(":") and name[:-1].lower() in FIELD_ALIASES


def _atom(kind: str, raw: str) -> tuple[Atom, bool] | None:
    negated = False
    if raw.startswith("-") and len(raw) > 1 and raw.strip("-"):
        negated, raw = True, raw.lstrip("-")
    field = None
    k = raw.find(":")
    # TITLE: as title: (the page showed title:条例 as understood and searched the word TITLE)
    if k > 0 and raw[:k].lower() in FIELD_ALIASES and len(raw) > k + 1:
        field, raw = FIELD_ALIASES[raw[:k].lower()], raw[k + 1 :]
    phrase = kind == "phrase" and raw.startswith('"') and raw.endswith('"') and len(raw) >= 2
    text = raw[1:-1] if phrase else raw.replace('"', " ")
    if not text.strip():
        return None
    return Atom(text=text.strip(), phrase=phrase, field=field), negated


def parse(q: str) -> ParsedQuery:
    """Parse a user query; never raises."""
    items = _lex(_prepare(q or ""))
    clauses: list[Clause] = []
    pending_or = pending_not = False
    ignored: list[str] = []
    for kind, raw in items:
        if kind == "or":
            pending_or = bool(clauses) and not clauses[-1].negated
            continue
        if kind in ("not", "and"):
            pending_not = kind == "not"
            pending_or = False
            continue
        if _bare_scope(raw):
            ignored.append(raw)
            continue
        parsed = _atom(kind, raw)
        if parsed is None:
            continue
        atom, negated = parsed
        negated = negated or pending_not
        pending_not = False
        if pending_or and not negated:
            last = clauses.pop()
            clauses.append(Clause(last.alternatives + (atom,), negated=False))
        else:
            clauses.append(Clause((atom,), negated=negated))
        pending_or = False
    if pending_not:
        ignored.append("NOT")  # nothing after it to exclude
    return ParsedQuery(tuple(clauses), tuple(ignored))
