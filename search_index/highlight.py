"""Snippets and highlights computed from the *original* text.

Matching happens on the normalised text (so a Simplified query marks Traditional characters and
full-width digits); every span is mapped back through the offset map of
:func:`analyzers.normalize_with_offsets`, and the HTML is escaped before ``<mark>`` is added,
so offsets stay right and no document text can inject markup.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from analyzers.chars import is_han, is_skippable, skippable_chars, strip_skippable
from analyzers.docno import canonical
from analyzers.normalize import normalize, normalize_with_offsets
from search_index.answers import asks_measure, compiled


def _docno_pattern(key: str) -> str:
    if "#" in key:
        issuer, serial = key.split("#", 1)
        number = r"\W{0,2}第?\W{0,2}0*" + re.escape(serial) + r"\W{0,2}号"
        if issuer.endswith("令") and len(issuer) > 2:  # 国务院第431号令 is order 国务院令#431
            head = re.escape(issuer[:-1])
            joint = head + r"、[\u4e00-\u9fff、]{2,40}令"  # 国务院、中央军事委员会令第759号
            return f"{re.escape(issuer)}{number}|{head}{number}令|{joint}{number}"
        return re.escape(issuer) + number
    head, serial = key.rsplit("-", 1)
    issuer, year = head[:-4], head[-4:]
    return (
        re.escape(issuer)
        + r"\W{0,2}"
        + year
        + r"\W{0,2}年?\W{0,2}第?0*"
        + re.escape(serial)
        + r"\W{0,2}号"
    )


# a point between digits, 3.5, and the hyphen of Taiwan's added article 第 15-1 條 (QA pass 50b:
# compacted to 第151条, the passage holding it was never looked for where it is written); no
# other hyphen (QA pass 51c: 索引号 000014349-2019-00006 went unmarked in a text writing
# 000014349/2019-00006)
_DECIMAL = re.compile(r"\d\.\d|第\d+-\d+[条條]")


def _with_points(text: str) -> str:
    """``text`` as compacted (:func:`strip_skippable`) but for its points and hyphens: 3.5% and
    3 . 5 read 3.5, the 35 of 6,435 reads 35, 第 15-1 條 reads 第15-1条."""
    return "".join(ch for ch in text if ch in ".-" or not is_skippable(ch))


@lru_cache(maxsize=512)
def _prepared(
    terms: tuple[str, ...],
) -> tuple[tuple[str, ...], dict[str, str], re.Pattern[str] | None]:
    """Compact terms, the written form a compact term must also have, and the 文号 regex.

    Compacting drops a decimal point with the other punctuation, so ``3.5`` would mark the
    ``35`` of ``6,435``; search matched ``3.5`` only where the point is written, so a term
    holding one marks only a span that reads the same with its points kept
    (:func:`_with_points`), unless another term compacts alike without one (``35``).
    """
    plain: list[str] = []
    exact: dict[str, str] = {}
    loose: set[str] = set()
    docnos: list[str] = []
    for t in terms:
        norm = normalize(t)
        key = canonical(norm)
        if key:
            docnos.append(_docno_pattern(key))
        compact = strip_skippable(norm)
        if compact:
            plain.append(compact)
            if _DECIMAL.search(norm):
                exact[compact] = _with_points(norm)
            else:
                loose.add(compact)
    for compact in loose:
        exact.pop(compact, None)
    plain = sorted(set(plain), key=len, reverse=True)
    pattern = re.compile("|".join(f"(?:{p})" for p in docnos)) if docnos else None
    return tuple(plain), exact, pattern


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


@lru_cache(maxsize=1)
def _skip_table() -> np.ndarray:
    """Whether each code point is skipped (whitespace, punctuation, controls)."""
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in skippable_chars()]] = True
    return table


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _whole_word(text: str, a: int, b: int) -> bool:
    """``text[a:b]`` is not part of a longer run of Latin letters and digits (``z`` inside
    ``organization`` or ``hzzwgk@126.com`` is no match: the search matched neither)."""
    return (a == 0 or not _latin(text[a - 1])) and (b == len(text) or not _latin(text[b]))


def find_spans(
    text: str,
    terms: tuple[str, ...],
    limit: int | None = None,
    normalized: str | None = None,
    window: tuple[int, int] | None = None,
    answer: str = "",
) -> list[tuple[int, int]]:
    """Spans of the original ``text`` that match any term (after normalisation), and what
    answers the question asked (``answer``: a pattern of :mod:`search_index.answers`).

    Terms are matched with ``str.find`` on the text with whitespace and punctuation removed
    (so a match may span a line wrap, as phrase search does), then mapped back.
    ``normalized`` is the aligned normalised text if the caller has it; ``window`` limits the
    scan to ``text[lo:hi]`` (a snippet of a 300 KB law needs only the region of its first match).
    """
    plain, exact, docno_re = _prepared(tuple(terms))
    answer_re = compiled(answer)
    if (not plain and docno_re is None and answer_re is None) or not text:
        return []
    lo, hi = window or (0, len(text))
    if normalized is not None and len(normalized) == len(text):
        norm, offsets = normalized[lo:hi], None
    else:
        norm, offsets = normalize_with_offsets(text[lo:hi])
    # Compact text and its position map with numpy (a per-character Python loop here was a
    # fifth of a search's time at 100k documents).
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32)
    keep = np.flatnonzero(~_skip_table()[codes])
    compact = codes[keep].tobytes().decode("utf-32-le")
    found: list[tuple[int, int]] = []
    for term in plain:
        # pdf, zwgk, a lone digit: a whole word, as searched (QA pass 27b: the 1 of 第1条 was
        # marked inside 09100125210; a lone character is searched as a word only, while two
        # digits or more are also found inside a longer number, as bigrams)
        letters = term.isascii() and (term.isalpha() or (term.isdigit() and len(term) == 1))
        start = compact.find(term)
        while start != -1:
            a, b = int(keep[start]), int(keep[start + len(term) - 1]) + 1
            written = exact.get(term)  # 3.5 is not the 35 of 6,435
            as_written = written is None or _with_points(norm[a:b]) == written
            if as_written and (not letters or _whole_word(norm, a, b)):
                found.append((a, b))
            if limit and len(found) >= limit * 4:
                break
            start = compact.find(term, start + len(term))
    if docno_re is not None:
        found.extend((m.start(), m.end()) for m in docno_re.finditer(norm) if m.end() > m.start())
    if answer_re is not None:
        found.extend((m.start(), m.end()) for m in answer_re.finditer(norm) if m.end() > m.start())
    spans = _merge(found)
    if limit:
        spans = spans[:limit]
    if offsets is None:
        return [(lo + s, lo + e) for s, e in spans]
    return [(lo + offsets[s], lo + offsets[e - 1] + 1) for s, e in spans]


# occurrences of one term a snippet is placed by: a term written more often (a law's subject in
# its every article) is looked for beside the others' instead
MAX_OCCURRENCES = 64


@dataclass(frozen=True)
class Marking:
    """What a page marks for a query, and how its richest passage is found: the terms, each
    other wording's typed word, what answers a question of measure, each typed word's weight."""

    terms: tuple[str, ...] = ()
    groups: Mapping[str, str] = field(default_factory=dict)
    answer: str = ""
    rarity: Mapping[str, float] = field(default_factory=dict)


ANSWER = "\0answer"  # the key every answer's span is counted under


def words_in(key: str, asked: Iterable[str], groups: Mapping[str, str]) -> frozenset[str]:
    """The words asked for (each other wording as its typed word, ``groups``) that a span's
    compact text ``key`` shows: two written together are one span (试用期最长, 年休假5天), and
    a passage is as rich as the words it shows, not as its spans (the snippet, the document
    page's marks and its jump count alike)."""
    return frozenset(groups.get(n, n) for n in asked if n and n in key)

TITLE_HELD = 0.5  # what a word the title already shows counts for in choosing a passage


def title_held(title: str) -> str:
    """The title as the words asked for are compared with it."""
    return strip_skippable(normalize(title)) if title else ""


def _worth(word: str, held: str) -> float:
    """What showing ``word`` tells beside the title ``held`` (:data:`TITLE_HELD` if it holds it)."""
    return TITLE_HELD if held and word in held else 1.0


def _weights(
    group: list[str], needles: list[str], held: str, rarity: Mapping[str, float]
) -> dict[str, float]:
    """Each word asked for, by how much a passage showing it tells: a word the title holds
    (``held``: the title normalised, :func:`title_held`) counts :data:`TITLE_HELD`, since the
    title shown above the snippet says it already (QA pass 30a: 劳动合同法第四十七条 showed the
    law's heading, which holds 劳动合同法, and not its 第四十七条); by its ``rarity``
    (:func:`told`)."""
    out: dict[str, float] = {}
    for needle, g in zip(needles, group, strict=True):
        out[g] = min(out.get(g, 1.0), _worth(needle, held))  # one of its wordings shown is shown
    least = _least(rarity)
    return {g: w * least if w < 1.0 else rarity.get(g, 1.0) for g, w in out.items()}


def _least(rarity: Mapping[str, float]) -> float:
    """The weight of the most used word asked for (1 without weights)."""
    return min((r for g, r in rarity.items() if g != ANSWER), default=1.0)


def told(word: str, held: str, rarity: Mapping[str, float]) -> float:
    """What showing ``word`` tells: its rarity, or :data:`TITLE_HELD` of the most used
    word's if the title holds it, however rare it is: the rare title word (工伤保险 of
    工伤保险条例第十四条) is in every article of the law, and its 第十四条 is what was asked."""
    return TITLE_HELD * _least(rarity) if held and word in held else rarity.get(word, 1.0)


def passage_told(
    window: Iterable[str], opening: Iterable[str], held: str, rarity: Mapping[str, float],
    heading: bool,
) -> float:
    """What a passage tells: each word asked for its ``window`` of marks shows (:func:`told`),
    and, where its ``opening`` mark heads an article (``heading``), the article asked for, at
    its own heading, :data:`HEADING_TOLD` times its opening word's worth more. One reckoning
    for the snippet and the page's jump to the best passage (web.views.mark_anchors), which
    had each written it out, and drifted."""
    said = sum(told(k, held, rarity) for k in window)
    if heading:
        said += HEADING_TOLD * max(told(k, held, rarity) for k in opening)
    return said


def rarities(rarity: Mapping[str, float] | None, answer: str) -> Mapping[str, float]:
    """``rarity`` (each typed word's weight, :meth:`SearchIndex._rarity`) with the answer's:
    what a question of measure asks for tells as much as its rarest word, where it stands
    beside that word (:func:`decisive`)."""
    if not answer:
        return rarity or {}
    return {**(rarity or {}), ANSWER: max((rarity or {}).values(), default=1.0)}


ANSWER_REACH = 80  # characters: an answer this far from the word asked about answers it


def decisive(rarity: Mapping[str, float] | None, held: str | None = None) -> frozenset[str] | None:
    """The typed word a question is about: the rarest (``None``: any word asked for, when
    there are no weights). A number of days is an answer only beside it: 产假有多少天 in a
    police regulation marked 连续超过15天 (absence), far from its 产假, and 试用期最长多久 showed
    a 最长…十五日 of pay periods in place of the passage of 试用期 (the thirty-fourth session's
    blind judging of snippets). The rarest of those the text ``held`` (normalised) holds, where
    it holds any: a word it never writes has no answer beside it (QA pass 51a: 经济补偿金怎么算
    showed 劳动合同法's 第二十三条, which writes 经济补偿 as 第四十七条 does, never 经济补偿金)."""
    words = {g: r for g, r in (rarity or {}).items() if g != ANSWER}
    if held is not None:
        words = {g: r for g, r in words.items() if _written(g, held)} or words
    # 产假几天 cut 产假 / 几天: the asking word, in no text, weighed rarest, and no answer
    # was beside it (QA pass 38a: 98天 unmarked, where 产假多少天, cut 多少 / 天, marked it)
    asked = {g: r for g, r in words.items() if not asks_measure(g)}
    words = asked or words
    if not words:
        return None
    top = max(words.values())
    return frozenset(g for g, r in words.items() if r == top)


def _written(word: str, text: str) -> bool:
    """Whether ``text`` (normalised) writes ``word``, spaces between its characters or not
    (QA pass 51e: Taiwan prints 第 84-1 條, the word asked 第84-1条, and the article asked for
    lost its snippet to the law's history)."""
    return word in text or re.search(r"\s*".join(map(re.escape, word)), text) is not None


_SENTENCE_END = re.compile(r"[。！？!?\n]")


def _beside(
    answers: list[tuple[int, int]],
    spans: list[tuple[int, int]],
    words: list[frozenset[str]],
    about: frozenset[str] | None,
    text: str,
) -> list[tuple[int, int]]:
    """The ``answers`` within :data:`ANSWER_REACH` of a span of a word ``about`` (any, if
    ``None``) in the same sentence of ``text`` (QA pass 41b: 產假有幾天 marked the 三日 of the
    生理假 sentence before 產假's). ``spans`` are merged, so sorted by start they end in order
    too: the spans starting before an answer's reach ends are looked at from the nearest back,
    found by bisection (comparing each answer with each word took a second on a long text: the
    thirty-fourth session's review)."""
    near = sorted(s for s, w in zip(spans, words, strict=True) if about is None or w & about)
    starts = [s for s, _ in near]
    kept = []
    for a, b in answers:
        i = bisect.bisect_right(starts, b + ANSWER_REACH)
        while i and near[i - 1][1] >= a - ANSWER_REACH:
            s, e = near[i - 1]
            gap = text[e:a] if e <= a else text[b:s] if s >= b else ""
            if not _SENTENCE_END.search(gap):
                kept.append((a, b))
                break
            i -= 1
    return kept


def _region(
    text: str, normalized: str | None, terms: tuple[str, ...], size: int,
    mapped: tuple[str, list[int] | None] | None = None,
    groups: Mapping[str, str] | None = None,
    held: str = "",
    answer: str = "",
    rarity: Mapping[str, float] | None = None,
) -> tuple[int, int]:
    """Where the snippet should be looked for: around the occurrence of a term with the most
    distinct terms within ``size`` characters either side (the earliest of equals).

    The earliest occurrence of any term was taken before: a law's first article names its
    subject (工伤), so 工伤怎么认定 showed 第一条 and not 第十四条, which says 应当认定为工伤
    (QA pass 24b: 9 of 27 answering hits showed the answering sentence). Without an aligned
    normalised copy (Elasticsearch stores none; NFKC may change the length) the text is
    normalised here, never guessed at: looking only at the first 3,200 characters left 5% of
    Elasticsearch snippets unmarked (28% for quoted phrases) where the embedded backend, which
    keeps the copy, marked a match further in. What answers a question of measure
    (``answer``) counts as a word asked for: of two passages of 试用期, the one of 六个月.
    """
    n = len(text)
    offsets: list[int] | None = None
    if normalized is None or len(normalized) != n:  # ``mapped``: the caller normalised it
        normalized, offsets = mapped or normalize_with_offsets(text)
    plain, exact, docno_re = _prepared(tuple(terms))
    needles = [exact.get(t, t) for t in plain]
    group = [groups.get(t, t) if groups else t for t in plain]  # the typed word each stands for
    anchors: list[int] = []  # every occurrence of the terms seen whole; the first of the rest
    firsts: list[int] = []
    headings: dict[int, str] = {}  # an article asked for, where its own heading opens a line
    spaced = [_spaced(needle) for needle in needles]
    for needle, apart, g in zip(needles, spaced, group, strict=True):
        seen: list[int] = []
        if apart is not None:
            found = apart.finditer(normalized)
            seen = [m.start() for m in itertools.islice(found, MAX_OCCURRENCES)]
            more = next(found, None) is not None
        else:
            pos = normalized.find(needle)
            while pos != -1 and len(seen) < MAX_OCCURRENCES:
                seen.append(pos)
                pos = normalized.find(needle, pos + 1)
            more = pos != -1
        firsts.extend(seen[:1])
        if not more:
            anchors.extend(seen)
        if _ARTICLE_HEADING.fullmatch(needle):
            for at in seen:
                m = apart.match(normalized, at) if apart is not None else None
                if _heads_line(normalized, at, m.end() if m else at + len(needle)):
                    headings[at] = g
    if docno_re is not None:  # a 文号 printed otherwise than typed (公安部第69号令 for 令第69号)
        m = docno_re.search(normalized)
        if m is not None:
            anchors.append(m.start())
            firsts.append(m.start())
    if not firsts:
        return (0, min(n, 40 * size))
    about = decisive(rarity, normalized)
    rarity = rarities(rarity, answer)
    weight = _weights(group, needles, held, rarity)
    answer_re = compiled(answer)
    beside = [n for n, g in zip(needles, group, strict=True) if about is None or g in about]
    best, best_count, last = min(firsts), 0.0, -size
    for at in sorted(set(anchors or firsts)):
        if at - last < size // 4:  # its neighbour's window, nearly
            continue
        last = at
        lo, hi = max(0, at - size), at + size
        shown = {
            g for needle, apart, g in zip(needles, spaced, group, strict=True)
            if (normalized.find(needle, lo, hi + len(needle)) != -1 if apart is None
                else apart.search(normalized, lo, hi + 2 * len(needle)) is not None)
        }  # fmt: skip
        count = sum(weight[g] for g in shown)
        if answer_re is not None and _answered(normalized, lo, hi, answer_re, beside):
            count += rarity[ANSWER]
        if at in headings:  # the article itself, not a mention of it in another (QA pass
            count += HEADING_TOLD * weight[headings[at]]  # 41b: 勞基法第17條 showed 第14條's)
        if count > best_count:
            best, best_count = at, count
    if offsets is not None:
        best = offsets[best]
    return (max(0, best - size), min(n, best + 6 * size))


_ASCII_THEN_HAN = re.compile(r"(?<=[0-9a-z])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[0-9a-z])")


@lru_cache(maxsize=256)
def _spaced(needle: str) -> re.Pattern[str] | None:
    """``needle`` with spaces allowed where digits or letters meet Chinese (None where they do
    not): Taiwan's laws print 第 38 條 and 100 年, which the matches (over the text without
    spaces) mark but a passage looked for as written never met (QA pass 34a: 勞基法第38條特休
    showed 第三十九條's mention of 第三十八條, not the article)."""
    parts = _ASCII_THEN_HAN.split(needle)
    if len(parts) == 1:
        return None
    return re.compile("[ \t\u3000]*".join(re.escape(p) for p in parts))


# an article's number as a needle (第十七条, 第17条), and what its heading adds to a passage that
# opens there, twice the number's own worth: the article asked for is the answer, however many
# words asked for the passage of another article mentioning it holds (Taiwan's laws print 第 17
# 條 alone on a line, and 第14條's mention of 第十七條 came first; 工伤保险条例第十四条 showed
# 第十六条's 本条例第十四条, beside 工伤保险 and 条例, which the title shows anyway)
# (第 15-1 條: an article Taiwan adds after 第 15 條, QA pass 50b; a needle keeps its hyphen,
# which a review took for dropped, and the article lost its snippet: QA pass 51e)
_ARTICLE_HEADING = re.compile(
    r"第[0-9一二三四五六七八九十百千零〇两]+(?:-[0-9]+)?条(?:之[0-9一二三四五六七八九十]+)?"
)
HEADING_TOLD = 2.0


def _heads_line(text: str, start: int, end: int) -> bool:
    """Whether the article number at ``text[start:end]`` is its line's heading: only spaces
    before it on its line, and a space or the line's end after it (第十七條規定於本條… opening
    a line is a mention). Read back over the spaces only, never the line: a page marks every
    match of a long line (QA pass 51b: 79,000 marks on one line of 480,000 characters, 9 s)."""
    before = start
    while before > 0 and text[before - 1] in " \t\u3000":
        before -= 1
    return (before == 0 or text[before - 1] == "\n") and (
        end >= len(text) or text[end] in " \t\u3000\r\n"
    )


def _is_article(written: str) -> bool:
    """Whether a match is an article's number (第 17 條): asked only of a match that heads its
    line, not of every span a snippet weighs."""
    return written.startswith("第") and bool(
        _ARTICLE_HEADING.fullmatch(strip_skippable(normalize(written)))
    )


def heads_an_article(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a match, in the text or a mark of its HTML) is an article's
    number at its own heading: the article asked for, not a mention of it in another."""
    return _heads_line(text, start, end) and _is_article(re.sub(r"<[^>]*>", "", text[start:end]))


def _answered(
    normalized: str, lo: int, hi: int, answer_re: re.Pattern[str], beside: list[str]
) -> bool:
    """Whether ``normalized[lo:hi]`` holds an answer within :data:`ANSWER_REACH` of one of the
    words ``beside`` (the region is chosen as the snippet is: an answer anywhere in a window
    of 320 characters put 产假's early passage, with an unrelated 15天, ahead of 98天产假)."""
    for m in answer_re.finditer(normalized, lo, hi):
        start, end = max(0, m.start() - ANSWER_REACH), m.end() + ANSWER_REACH
        if any(normalized.find(n, max(0, start - len(n)), end + len(n)) != -1 for n in beside):
            return True
    return False


def render(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """Escape ``text[start:end]`` and wrap the spans in ``<mark>``."""
    end = len(text) if end is None else end
    out: list[str] = []
    pos = start
    for s, e in spans:
        if e <= pos or s >= end:
            continue
        s, e = max(s, pos), min(e, end)
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def snippet(
    text: str, terms: tuple[str, ...], size: int = 160, normalized: str | None = None,
    groups: Mapping[str, str] | None = None, title: str = "", answer: str = "",
    rarity: Mapping[str, float] | None = None,
) -> str:
    """The window of about ``size`` characters holding the most distinct matched terms, each
    other wording of a word counted as that word (``groups``: 工资 and its 劳动报酬 are one word
    asked for; QA pass 28b: 拖欠工资 showed a passage of 工资 and 劳动报酬, not the one of
    拖欠 and 劳动报酬).

    Every backend gets the same snippet: without ``normalized`` the text is normalised once
    here (an aligned copy is then reused for the region, the spans and their keys). A word
    the document's ``title`` holds counts less than one it does not (:func:`_weights`); what
    answers a question of measure (``answer``, :mod:`search_index.answers`) is marked and
    counts as one word asked for, whatever number it says; each word counts by its
    ``rarity`` (a word no weight is given counts 1).
    """
    mapped = None
    if normalized is None or len(normalized) != len(text):
        mapped = normalize_with_offsets(text)  # once per hit: long texts cost milliseconds
        if mapped[1] is None:
            normalized = mapped[0]
    held = title_held(title)
    region = _region(text, normalized, terms, size, mapped, groups, held, answer, rarity)
    about = decisive(rarity, mapped[0] if mapped is not None else normalized)
    rarity = rarities(rarity, answer)
    spans = find_spans(text, terms, limit=200, normalized=normalized, window=region)
    if not spans:
        body = text.strip()
        cut = body[:size]
        return _one_line(html.escape(_unwrapped(cut, 0, len(cut)))) + (
            "…" if len(body) > size else ""
        )
    if normalized is not None and len(normalized) == len(text):
        keys = [strip_skippable(normalized[a:b]) for a, b in spans]
    else:
        keys = [strip_skippable(normalize(text[a:b])) for a, b in spans]
    # the words asked for each span shows: two written together are one span (试用期最长)
    plain = _prepared(tuple(terms))[0]
    groups = groups or {}
    words = [words_in(k, plain, groups) or frozenset({groups.get(k, k)}) for k in keys]
    # six months or three: one answer shown, never a word of its own per number
    answers = find_spans(text, (), limit=200, normalized=normalized, window=region, answer=answer)
    answers = _beside(answers, spans, words, about, text)
    if answers:
        shown = sorted(
            [*zip(spans, words, strict=True), *((a, frozenset({ANSWER})) for a in answers)]
        )
        spans, words = [s for s, _ in shown], [w for _, w in shown]
    best_start, best_score = spans[0][0], -1.0
    # the window counted is the one shown: it opens a quarter of the size before its first
    # match (QA pass 28c: 工资支付暂行规定's snippet counted a 拖欠 it then cut off)
    reach = size - size // 4
    for i, (s, _) in enumerate(spans):
        window = frozenset().union(
            *(words[j] for j in range(i, min(i + 12, len(spans))) if spans[j][1] <= s + reach)
        )
        # (the article asked for, at its own heading, as the region was chosen)
        said = passage_told(window, words[i], held, rarity, heads_an_article(text, s, spans[i][1]))
        # of equals, the passage opening on a word the title does not show: an article's
        # heading, not the end of the one before it
        opens = max(_worth(k, held) for k in words[i]) == 1.0
        score = said * 100 + opens * 10 - i * 0.01
        if score > best_score:
            best_start, best_score = s, score
    lo = max(0, best_start - size // 4)
    nl = text.rfind("\n", lo, best_start)
    if nl != -1:
        lo = nl + 1
    hi = min(len(text), lo + size)
    lo, hi = _whole_runs(text, lo, hi, best_start)
    merged = _merge(spans)
    lo, hi = _whole_marks(merged, lo, hi)
    inner = _one_line(render(_unwrapped(text, lo, hi), merged, lo, hi))
    return ("…" if lo > 0 else "") + inner + ("…" if hi < len(text) else "")


# a printed line's end inside a sentence: a Han character before it and after it, the line
# before long enough to be a printed line, not a heading (第一章 总则); joined with nothing
_WRAP_LINE = 12
# ... nor a line starting a part (第二条, 一、, （一）), nor the text's first line (its title)
_NUMERAL = "一二三四五六七八九十百零〇"
_HEADS = re.compile(f"第[{_NUMERAL}\\d]+[编章节条款]|[{_NUMERAL}]+、|（[{_NUMERAL}]+）")
_WRAP_MARK = "\ue000"  # a wrap's newline while the snippet is rendered (one character, as it)


def _unwrapped(text: str, lo: int, hi: int) -> str:
    """``text`` with each line end of ``lo:hi`` that wraps a sentence replaced by
    :data:`_WRAP_MARK` (same length: the spans' offsets hold)."""
    out = None
    at = text.find("\n", lo, hi)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        if (
            0 < at < len(text) - 1
            and is_han(text[at - 1])
            and is_han(text[at + 1])
            and start > 0
            and len(text[start:at].strip()) >= _WRAP_LINE
            and not _HEADS.match(text, at + 1)
        ):
            out = out if out is not None else list(text)
            out[at] = _WRAP_MARK
        at = text.find("\n", at + 1, hi)
    return text if out is None else "".join(out)


def _one_line(html_text: str) -> str:
    """A snippet's HTML on one line: a sentence's line wrap (:func:`_unwrapped`) joined with
    nothing (QA pass 46b: a scan's 舞龙舞狮 表演 and 剪纸 艺术 read with stray spaces); any
    other run of white space, one space."""
    return " ".join(html_text.split()).replace(_WRAP_MARK, "")


def _whole_marks(spans: list[tuple[int, int]], lo: int, hi: int) -> tuple[int, int]:
    """``lo:hi`` widened so that neither edge cuts a match: a snippet opened inside 居民身份证
    and showed a lone <mark>证</mark> (QA pass 38a; 医保's 医疗保障 as <mark>保</mark>)."""
    for a, b in spans:
        if a < lo < b:
            lo = a
        if a < hi < b:
            hi = b
    return lo, hi


# a run a snippet's edge must not cut: a number (472, 1075300071), a Latin word, a telephone
# (06)2991111 — letters and digits, and the marks inside numbers when a letter or digit follows
_RUN_CHAR = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]")
_INSIDE_RUN = "-.,/:()（）．，"
MAX_RUN = 24  # a longer run (a hash, a URL) is cut as before


def _in_run(text: str, i: int) -> bool:
    """Whether ``text[i]`` belongs to a run of letters and digits."""
    if not 0 <= i < len(text):
        return False
    ch = text[i]
    if _RUN_CHAR.match(ch):
        return True
    return ch in _INSIDE_RUN and i + 1 < len(text) and _RUN_CHAR.match(text[i + 1]) is not None


def _whole_runs(text: str, lo: int, hi: int, first: int) -> tuple[int, int]:
    """``lo:hi`` widened so that neither edge cuts a number or a Latin word (QA pass 17: a
    snippet ended "吸引4" where the text says 吸引472億元, and "或洽(0" inside a telephone),
    each edge by at most :data:`MAX_RUN` characters; a longer run is cut as it was. The start
    never moves past ``first``, the first match shown."""
    if 0 < lo and _in_run(text, lo - 1) and _in_run(text, lo):
        start = lo
        while start > 0 and lo - start < MAX_RUN and _in_run(text, start - 1):
            start -= 1
        if start == 0 or not _in_run(text, start - 1):
            lo = start
    if hi < len(text) and _in_run(text, hi - 1) and _in_run(text, hi):
        end = hi
        while end < len(text) and end - hi < MAX_RUN and _in_run(text, end):
            end += 1
        if end == len(text) or not _in_run(text, end):
            hi = end
    return min(lo, first), hi


def highlight_all(
    text: str, terms: tuple[str, ...], normalized: str | None = None, marking: Marking | None = None
) -> str:
    """The whole text escaped, every match marked (for the document page), and what answers a
    question of measure beside the word it is about (``marking``: the query's
    :class:`Marking`)."""
    spans = find_spans(text, terms, normalized=normalized)
    if marking is None or not marking.answer or not spans:
        return render(text, spans)
    held = normalized
    if held is None or len(held) != len(text):  # normalised once, for the answers too
        held, offsets = normalize_with_offsets(text)
        normalized = held if offsets is None else normalized
    answers = find_spans(text, (), normalized=normalized, answer=marking.answer)
    about = decisive(marking.rarity, held)
    plain = _prepared(tuple(terms))[0]
    keys = (strip_skippable(normalize(text[a:b])) for a, b in spans)
    words = [words_in(key, plain, marking.groups) for key in keys]
    return render(text, _merge([*spans, *_beside(answers, spans, words, about, text)]))
