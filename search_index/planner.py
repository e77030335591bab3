"""From a parsed user query to a :class:`~search_index.plan.Plan`.

Ranking rules a citizen expects, encoded as query structure (not as engine tricks, so both
backends rank alike):

* plain text is cut into words like the documents; stop/question words are dropped; a word
  matches as a jieba word or, for recall, as a bigram phrase (农业 inside 中国农业发展银行);
* at least about half of the content words must match (minimum-should-match), so one
  unmatched word never empties the results; documents with every word get an extra clause;
* an exact title, a 文号, the whole query as a phrase, and the words close together score
  extra;
* abbreviations expand to official wording from the shipped synonym file;
* a run of letters is also read as pinyin: the words of the index it stands for (see
  :mod:`search_index.lexicon`), searched like those words typed in Chinese, where it is typed
  as pinyin is and is not a Latin word of the documents (see ``_Builder.add_letters``).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from analyzers.chars import REPLACEMENT, is_han, strip_skippable
from analyzers.docno import (
    STATE,
    find_in_query,
    key_text,
    without_head_group,
)
from analyzers.index_no import dashed_codes, whole_code, without_labels
from analyzers.index_no import find_in_query as index_nos_in_query
from analyzers.lexicon import find_synonyms, stopwords, stopwords_before_a_word, synonyms
from analyzers.normalize import _fold, normalize
from analyzers.numerals import (
    WHOLE_AGE,
    amounts_in_query,
    article_in_digits,
    articles_in_query,
    cited_title,
    joined_articles,
    number_of,
    one_numeral,
    years_in_query,
)
from analyzers.pinyin import as_pinyin_query
from analyzers.pinyin_lexicon import (
    MIN_SHARE,
    PinyinLexicon,
    Slot,
    dotted_u_as_v,
    split_run,
    syllables,
    typed_as_pinyin,
    whole_syllables,
)
from analyzers.segment import index_words, query_words, word_bounds
from search_index import citizen_words
from search_index.boosters import (
    everyone_booster,
    level_boosters,
    named_on_side,
    script_booster,
    script_preference,
    validity_booster,
)
from search_index.nodes import (
    DOCNO_BOOST,
    agency_filter_keys,
    agency_nodes,
    agency_targets,
    any_of,
    docno_keys,
    docno_node,
    docno_prefix_node,
    expansion_node,
    index_no_nodes,
    latin_word_node,
    names_a_docno,
    other_wording_node,
    phrase_node,
    pinyin_node,
    substring,
    terms_of,
    word_node,
    word_or_synonym,
    written_char,
    written_node,
    yearless_docno_node,
)
from search_index.request import NEUTRAL_READERS, Query, Understanding
from search_index.syntax import FIELD_PREFIX, Atom, Clause, ParsedQuery, parse, without_links
from search_index.tree import (
    Bool,
    Constant,
    MatchAll,
    Node,
    Plan,
    Range,
    Term,
)
from search_index.visibility import terms, visibility_filter

TITLE_EXACT_BOOST = 40.0
# a title typed whole scores the same for every document of that title: as a scored term its
# IDF fell with the number of versions (中华人民共和国会计法 has two, Taiwan's 會計法 one), so a
# law with versions lost to the other side's namesake by more than the script typed gives
# (QA pass 50b: 会计法 and 监察法 typed in simplified put Taiwan's first). 40 × the IDF of a
# title one document holds at the corpus's size (ln 4,300).
TITLE_EXACT_SCORE = 335.0


def title_named(title: str) -> Node:
    """The documents titled ``title`` exactly, each with the same bonus."""
    return Constant(Term("title_exact", title), TITLE_EXACT_SCORE)

YEAR_TYPED_BOOST = 2.0  # a document of the year typed: a bonus, never a match
# ... of the year 今年 or 去年 says: a constant, as the mainland's bonus is, which a word's score
# does not outweigh among documents alike (a Term's 2.0 moved none of 2025's up: QA pass 52a)
YEAR_FROM_NOW_SCORE = 20.0


def _today() -> dt.date:
    """The day a query is read on (今年 is its year)."""
    return dt.date.today()
_DOCUMENT_ID = re.compile(r"[0-9a-f]{16}")  # model.ids.document_id's form
ALL_WORDS_BOOST = 2.0
WHOLE_PHRASE_BOOST = 3.0  # a scanned page found by a phrase from it: bench/README.md "OCR"
TITLE_PHRASE_BOOST = 3.0
PINYIN_LITERAL_BOOST = 4.0  # letters found as written outrank what they stand for
PINYIN_HOMOPHONE_BOOST = 0.2  # the least weight of a rarer word the same letters stand for
PINYIN_KNOWN_BOOST = 0.1  # titles' pinyin beside letters read as a known abbreviation
PINYIN_ABBREVIATION_HOMOPHONE_BOOST = 0.05  # ... and the homophones of that abbreviation
MAX_INITIAL_WORDS = 4  # initials of more words read as nothing (plausible_reading)

# a run of letters standing alone (not part of an e-mail address, a URL or PM2.5)
_LETTERS = re.compile(r"(?<![0-9a-z.@_/:-])[a-z]+(?:'[a-z]+)*(?![0-9a-z.@_/:-])")
# a 文号 with its brackets typed as spaces and no 号 (国办发 2019 6), or its prefix in pinyin at
# a kiosk without Chinese (guobanfa 2019 6: QA pass 18)
# (the issuer typed against its year: a kiosk's candidate 国办发 tapped, then 2019 6 typed, QA
# pass 27c; the year and the serial joined by a dash as the key prints them, 国办发2019-6)
_UNMARKED_DOCNO = re.compile(
    r"(?<![0-9a-z])([a-z]+|[\u4e00-\u9fff]+)\s*((?:19|20)\d\d)(?:\s+|\s*[-－—]\s*)(\d{1,6})"
    r"\s*(?:号|hao)?(?![0-9a-z.号])",
    re.IGNORECASE,  # GUOBANFA 2018 123 as guobanfa (QA pass 23c)
)
# ... and in letters as a kiosk patron types it whole (QA pass 23a: guobanfa2018123 and
# guobanfa 2018nian 123hao found nothing): the year's four digits, then the serial, with the
# pinyin of 年, 第 and 号 allowed between
_NUMBER_HAO = re.compile(r"(?<![0-9a-z])([0-9]{1,6})\s*hao(?![a-z])", re.IGNORECASE)
_SPELLED_YEARLESS_DOCNO = re.compile(
    r"(?<![0-9a-z])([a-z]+?)\s*(?:di)?\s*0*([1-9][0-9]{0,4})\s*(?:hao|号)(?![0-9a-z])",
    re.IGNORECASE,
)
_BARE_SPELLED_YEARLESS_DOCNO = re.compile(
    r"^\s*([a-z]+?)\s*(?:di)?\s*0*([1-9][0-9]{0,4})\s*$", re.IGNORECASE
)
_UNMARKED_PINYIN_DOCNO = re.compile(
    r"(?<![0-9a-z])([a-z]+?)\s*((?:19|20)\d\d)\s*(?:nian)?\s*(?:di)?\s*(\d{1,6})\s*(?:hao)?"
    r"(?![0-9a-z.])",
    re.IGNORECASE,
)
# an order in letters (guowuyuanling 735, gonganbuling di 69 hao: QA pass 23a, the order
# seventh): the letters must read as an organ's order (国务院令, 公安部 + 令)
_UNMARKED_PINYIN_ORDER = re.compile(
    r"(?<![0-9a-z])([a-z]+?)\s*(?:di)?\s*(\d{1,6})\s*(?:hao)?(?![0-9a-z.])", re.IGNORECASE
)
_ORGAN_END = tuple("部院局委署府会厅办行席")

# Quoted, fielded and excluded atoms each become a required phrase or regex clause; a quoted
# single character is a regex over the bigram dictionary (~10 ms at 20k documents). 125 of them
# cost 1–2 s of CPU per query, so a query keeps the first of each and the rest are ignored (and
# shown as ignored): nobody types more to find a document.
MAX_QUERY_ECHO = 100  # characters of a query said back as ignored
MAX_COSTLY_ATOMS = 12
MAX_SINGLE_CHAR_ATOMS = 4
# ... and a quoted decimal or percent (1.5, 30%) is a substring scan of its own, 0.1–0.5 s each
# (QA pass 40a: eight quoted percents took 8–28 s on a loaded machine, and three clients sending
# them raised everyone's p90 to 1.6 s): the first four are kept
MAX_NUMBER_ATOMS = 4
_NUMBER_ATOM = re.compile(r"\d+(?:\.\d+)?%|\d+\.\d+")
# ... and at most this many words: 250 characters typed apart were 206 words, 1.1 s of search
# (3.7 s with 100 snippets), and twelve clients sending them slowed everyone's search to
# seconds (QA pass 30b); a question holds a dozen words, a pasted paragraph of 500 characters 24
MAX_QUERY_WORDS = 32


Mentions = Callable[[str], int]  # how many documents hold a text (the index counts)


MAX_CONTEXT_COUNTS = 12  # phrase counts for the wordings of words typed in a compound
MAX_MENTION_COUNTS = 16  # phrase counts one query may ask the index for (a query of many
# abbreviation-like spans must not become hundreds of searches); past it a title counts 0


def _budgeted(mentions: Mentions, budget: int = MAX_MENTION_COUNTS) -> Mentions:
    left = [budget]

    def count(text: str) -> int:
        if left[0] <= 0:
            return 0
        left[0] -= 1
        return mentions(text)

    return count


def min_should_match(n: int) -> int:
    """About half the words (rounded up); with two words, either one."""
    return max(1, math.ceil(n / 2)) if n > 1 else n


_YEAR_WORD = re.compile(r"(?:19|20)\d\d")
# a year said by when it is (今年养老金涨了多少: 今年 was a stop word, and the 2012 report came
# first, QA pass 52a): its documents first, as a year typed, and the year before it as much
# (an archive's newest documents, before this year's are in; in January, "this year's"
# decisions are often last year's)
_YEARS_FROM_NOW = {"今年": 0, "本年": 0, "本年度": 0, "今年度": 0, "去年": -1, "上一年": -1}
PERSONAL_DIGITS = 7  # a run this long is a phone, ID or account number, no text's number
_DIGIT_RUN = re.compile(r"\d+")


def _loose_number(word: str) -> bool:
    """A run of digits that is no year (2019 counts as a year does)."""
    return word.isascii() and word.isdigit() and not _YEAR_WORD.fullmatch(word)


def personal_numbers(typed: str) -> frozenset[str]:
    """The digit runs of a query that look personal — one of several (a phone number typed in
    groups) or one of PERSONAL_DIGITS or more — read from the whole query, whose words are
    added clause by clause. Such a word scores and never decides whether a document matches,
    as a single character: 张三 138 1234 5678 低保 made three of five words digits no text
    holds, and found nothing where 低保 alone finds hundreds (QA pass 39a). One short number
    still counts (12345热线: the hotline); a 文号's number is read as a 文号 before this."""
    numbers = [w for w in _DIGIT_RUN.findall(typed) if _loose_number(w)]
    return frozenset(w for w in numbers if len(numbers) >= 2 or len(w) >= PERSONAL_DIGITS)


def _symbols_only(word: str) -> bool:
    """A token of symbols (～ + = < > $ ℃): ignored beside words like a stop word, searched
    when it is all a query holds. QA pass 11: 养老～ was 养老 OR ～, and 358 of its 717
    results were documents with a date range and no 养老. 注音 letters and tone marks count as
    symbols: they are an input method's letters not yet made a character (QA pass 41b: 健保ㄎㄚˇ
    required ㄎ, ㄚ and ˇ, and found nothing). So do marks left alone: an emoji's variation
    selector (✔️ is ✔ and U+FE0F), an accent typed apart (QA pass 49b: 医保报销✔️ had to hold
    U+FE0F as a word, and found 27 documents of 266)."""
    return all(unicodedata.category(c)[0] in "SM" or c in _ZHUYIN for c in word)


def _marks_only(word: str) -> bool:
    """A token of combining marks alone (U+FE0F of ✔️): nothing anyone sees."""
    return all(unicodedata.category(c)[0] == "M" for c in word)


# Bopomofo, its extension, and the tone marks ˊ ˇ ˋ ˙ a Zhuyin keyboard types
_ZHUYIN = frozenset(
    [chr(c) for c in range(0x3105, 0x3130)] + [chr(c) for c in range(0x31A0, 0x31C0)]
    + ["\u02ca", "\u02c7", "\u02cb", "\u02d9"]
)


def asked_side(typed: str, reader: str = "") -> str:
    """``"taiwan"`` when the query names 台湾 or is typed in traditional characters (as
    :func:`~search_index.boosters.script_preference` reads the reader), else ``""``: the side
    in whose documents another wording of a typed word counts more (:func:`on_side`)."""
    if not citizen_words.METHODS.side_wordings:
        return ""
    if citizen_words.TAIWAN in normalize(typed):
        return "taiwan"
    return "taiwan" if script_preference(typed, [], reader) == "taiwan" else ""


def citizen_word_node(
    word: str, other_wordings: bool = True, mentions: Mentions | None = None,
    out_of_context: frozenset[str] = frozenset(), public: Callable[[str], bool] | None = None,
    side: str = "",
) -> tuple[Node | None, tuple[tuple[str, str], ...]]:
    """A content word or any of its other wordings (none without ``other_wordings``; a place
    still counts its region); returns the node and the wordings used. With ``mentions``, a
    short form's long form (mined) is used only where public documents write it
    (:func:`_publicly_written`). ``out_of_context``: wordings left out, as the word's part of a
    compound says (:meth:`_Builder._out_of_context`). ``public``: whether public documents use
    a word, for the wordings gated by the corpus's counts (:meth:`_Builder._public_word`).
    ``side``: the side of the strait the query asks about (:func:`asked_side`), in whose
    documents the other wordings count more (:func:`on_side`)."""
    node = word_node(word)
    if node is None:
        return None, ()
    place = citizen_words.region(word)
    if place is not None:  # 台湾: documents issued there say 内政部, never 台湾
        region_boost, w = citizen_words.place_weights()
        text = node if w == 1.0 else Bool(must=(node,), boost=w)
        return any_of(text, Term("region", place, region_boost)), ((place, "region"),)
    if citizen_words.is_question_word(word) or not other_wordings:
        return node, ()  # 几天 asks how long, it names no topic: no 段时间 beside it
    others = citizen_words.expansions(word)
    if mentions is not None:
        others = tuple((o, s) for o, s in others if s != "mined" or _publicly_written(o, mentions))
    if out_of_context:
        others = tuple((o, s) for o, s in others if o not in out_of_context)
    if public is not None:
        others = tuple(
            (o, s) for o, s in others
            if s in ("mined", "region") or o == citizen_words.standard_form(word) or public(o)
        )  # fmt: skip
    if not others:
        return node, ()
    weights = {"learned": citizen_words.LEARNED_WEIGHT, "general": citizen_words.GENERAL_WEIGHT}
    # a two-character wording of the thesaurus or the vectors is matched as a word only: as a
    # substring it met the ends of two words (QA pass 33a: 开车 → 驾车 in 准驾车型)
    loose = LOOSE_SOURCES
    return any_of(node, *(
        on_side(other_wording_node(o, weights.get(s), whole=s in loose and len(o) == 2), side)
        for o, s in others
    )), others  # fmt: skip


def on_side(wording: Node | None, side: str) -> Node | None:
    """Another wording of a typed word, counted ``SIDE_WORDING_BOOST`` times in the documents
    of the side the query asks about (``side``, :func:`asked_side`)."""
    if wording is None or side != "taiwan" or citizen_words.SIDE_WORDING_BOOST <= 1:
        return wording
    there = Bool(
        must=(wording,), filter=(Term("region", citizen_words.TAIWAN),),
        boost=citizen_words.SIDE_WORDING_BOOST - 1,
    )  # fmt: skip
    return Bool(should=(wording, there), min_should=1)


# wordings of a word read alone, by its meaning in general (a thesaurus, word vectors)
LOOSE_SOURCES = ("thesaurus", "general", "learned")


def _loose_wordings(word: str) -> list[str]:
    return [o for o, s in citizen_words.expansions(word) if s in LOOSE_SOURCES]


def _publicly_written(text: str, mentions: Mentions) -> bool:
    """Whether public documents write ``text`` (``mentions`` counts what anonymous readers may
    see): a short form mined from a document later made 不予公开 stays in the lexicon file, and
    was still offered with its long form (QA pass 24a)."""
    return mentions(text) > 0


def _with_synonyms(word: str) -> tuple[str, ...]:
    """A word read from letters and what the synonym file makes it stand for (社保: 社会保险,
    社会保障), as the "all words" bonus counts them when the word is typed (QA pass 14:
    shebao 缴费 left 社会保险法 out of that bonus, and ranked it below documents writing 社保)."""
    return (word, *synonyms().get(word, ()))


def _twins(word: str) -> tuple[str, ...]:
    return citizen_words.cross_strait_twins(word) if citizen_words.METHODS.twins else ()


def most_mentioned(titles: tuple[str, ...], mentions: Mentions | None) -> tuple[str, ...]:
    """The titles an abbreviation most likely means: the most mentioned in the documents, and
    any other mentioned at least half as often (消法 → 消费者权益保护法, not also 消防设备人员法;
    道交法 → 道路交通安全法, in 83 documents, before 道路交通安全基本法, in 1). Without counts,
    the first two (highest level, most documents)."""
    if mentions is None or len(titles) < 2 or not citizen_words.METHODS.mentions:
        return titles[:2]
    counts = {t: mentions(t) for t in titles}
    ranked = sorted(titles, key=lambda t: -counts[t])  # stable: level order breaks ties
    top = counts[ranked[0]]
    return tuple(t for t in ranked[:2] if counts[t] * 2 >= top)


def _abbreviation_spans(
    norm: str, mentions: Mentions | None = None, known: Callable[[str], bool] | None = None
) -> list[tuple[int, int, str, object]]:
    """Shipped/staff synonym spans and mined short-form spans; the longer wins an overlap.

    With ``known`` (whether public documents hold a word), a span may also cut across a
    word of the segmenter's that no public document holds: that word is the segmenter's
    guess, not the typist's (多少天年假 was cut 天年 / 假 and found nothing; 乜嘢係强积金 was
    系强 / 积金, with no 强积金 in it)."""
    # every start's span, not the first taken left to right: the words decide below
    cands = [(s, e, "syn", (a, t)) for s, e, a, t in find_synonyms(norm, overlapping=True)]
    for s, e, a, t in citizen_words.find_mined(norm, overlapping=True):
        written = tuple(x for x in t if mentions is None or _publicly_written(x, mentions))
        if written:
            cands.append((s, e, "mined", (a, written, "mined")))
    cands += [
        (s, e, "mined", (a, most_mentioned(t, mentions), "title"))
        for s, e, a, t in citizen_words.find_titles(norm)
    ]
    cut = None if known is None else asked_apart(norm, known)
    cands += [
        (s, e, "mined", (a, t, "abbreviation"))
        for s, e, a, t in citizen_words.find_word_abbreviations(norm, cut)
    ]
    if citizen_words.METHODS.word_bounds:
        # a span may lie inside one of jieba's words (工资 in 拖欠工资) or cover whole words
        # (市人大常委会), never cut across a boundary: 汽车牌照税 holds no 车牌
        starts, ends = word_bounds(norm)
        cuts = starts | ends
        if known is not None:
            cuts |= {i for s, e in _guessed_words(norm, known) for i in range(s + 1, e)}
        cands = [
            c
            for c in cands
            if (c[0] in cuts and c[1] in cuts) or not any(c[0] < b < c[1] for b in cuts)
        ]
        # ... and letters only as a word of their own: hk of hkqy (a kiosk's initials of
        # 户口迁移) is no 香港 (QA pass 28c)
        cands = [
            c for c in cands
            if not norm[c[0] : c[1]].isascii() or (c[0] in starts and c[1] in ends)
        ]  # fmt: skip
        # ... nor inside a word that holds one of the span's wordings: 低收 => 低收入户 of
        # 低收入户 cut it 低收 / 入户, and 入户 (registering a household) was searched too (QA
        # pass 41b: 1,239 results)
        spelt = [(s, e, norm[s:e]) for s, e in _word_spans(norm)]
        cands = [
            c for c in cands
            if not any(s <= c[0] and c[1] <= e and e - s > c[1] - c[0]
                       and any(x and x in w for x in _wordings(c)) for s, e, w in spelt)
        ]  # fmt: skip
    places = _place_spans(norm)
    if places:  # nor across a place's name (QA pass 22: 南市 => 台南市 out of 台南市垃圾 left
        # 台 alone and found 济南市's rules)
        cands = [c for c in cands if not any(_crosses(c[0], c[1], i, e) for i, e in places)]
    kept: list[tuple[int, int, str, object]] = []
    for c in sorted(cands, key=lambda c: (c[0] - c[1], c[0], c[2] != "syn")):
        if not any(c[0] < k[1] and k[0] < c[1] for k in kept):
            kept.append(c)
    return kept


def _word_spans(norm: str) -> list[tuple[int, int]]:
    """Where the segmenter's words of the query are."""
    out, pos = [], 0
    for w in query_words(norm):
        at = norm.find(w, pos)
        if at >= 0:
            out.append((at, at + len(w)))
            pos = at + len(w)
    return out


def _wordings(candidate: tuple[int, int, str, object]) -> tuple[str, ...]:
    """The other wordings an abbreviation span stands for (a synonym's or a mined form's)."""
    payload = candidate[3]
    wordings = payload[1] if isinstance(payload, tuple) and len(payload) > 1 else ()
    return tuple(wordings) if isinstance(wordings, (tuple, list)) else (str(wordings),)


def _guessed_words(norm: str, known: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Where the query's words of two or more Han characters that no public document holds
    are: their edges do not bind a synonym's span."""
    return [
        (s, e) for s, e in _word_spans(norm)
        if e - s > 1 and all(is_han(ch) for ch in norm[s:e]) and not known(norm[s:e])
    ]  # fmt: skip


def _crosses(s: int, t: int, i: int, e: int) -> bool:
    """Whether the span [s, t) cuts across [i, e): it starts inside and ends after it, or
    the other way round."""
    return s < i < t < e or i < s < e < t


def _place_spans(text: str) -> list[tuple[int, int]]:
    """Where the places the documents apply to are named in ``text``."""
    if not citizen_words.METHODS.region:
        return []
    out = []
    for name in citizen_words.regions_longest_first():
        at = text.find(name)
        while at >= 0:
            out.append((at, at + len(name)))
            at = text.find(name, at + 1)
    return out


def place_words(chunk: str, known: Callable[[str], bool] | None = None) -> list[str]:
    """:func:`query_words`, except that a place the documents apply to is never cut across: a
    word that starts inside its name and ends after it, or the other way round, is cut at the
    name (QA pass 9: 东营养狗 was 东 营养 狗, and found Taiwan's nutrition act). A word that
    holds the whole name (上海市) is left as it is. With ``known``, the words are also cut
    apart where a question's asking words end (:func:`asked_apart`)."""
    words = asked_apart(chunk, known)
    places = citizen_words.regions_known() if citizen_words.METHODS.region else frozenset()
    if not places:
        return words
    spans, pos = [], 0
    for w in words:
        at = chunk.find(w, pos)
        spans.append((at, at + len(w)))
        pos = at + len(w)
    for name in citizen_words.regions_longest_first():
        i = chunk.find(name)
        if i < 0:
            continue
        e = i + len(name)
        if any(_crosses(s, t, i, e) for s, t in spans):
            return [*asked_apart(chunk[:i], known), name, *place_words(chunk[e:], known)]
    return words


def asked_apart(chunk: str, known: Callable[[str], bool] | None = None) -> list[str]:
    """:func:`query_words`, except that a word no public document holds (``known``), glued
    across an edge of the question's asking words, is cut at that edge: 多少天年假 was cut
    多少 / 天年 / 假 and found nothing; it is 多少天 / 年假. A word the documents hold is the
    typist's (几个月 stays whole), and without ``known`` nothing is cut."""
    words = query_words(chunk)
    if known is None:
        return words
    for s, e in _guessed_words(chunk, known):
        for m in citizen_words.ASKS.finditer(chunk):
            edge = next((x for x in (m.start(), m.end()) if s < x < e), None)
            if edge is not None:
                return [*asked_apart(chunk[:edge], known), *asked_apart(chunk[edge:], known)]
    return words


def pinyin_likelier(lexicon: PinyinLexicon, cut: list[Slot], written: int) -> bool:
    """Whether letters the documents write as a word (in ``written`` documents) are read as
    the pinyin ``cut`` too.

    Any short run of letters is the initials of some Chinese words, and English is full of
    runs that read as syllables (data: 大 + 他), so letters that the documents themselves use
    as a word mean that word: pdf is not 配电房, wto not a 3-word abbreviation. Two readings
    are likelier than the word, and are searched beside it (it still ranks first):

    * whole syllables standing for words of two characters or more: a Chinese name written in
      Latin letters (tainan 台南, taiwan 台湾), which a kiosk patron types for the Chinese;
    * the initials of one word in :data:`MIN_SHARE`'s inverse (50×) more documents than the
      Latin word, as a homophone that rare is noise beside the top one (js for 技术, in
      2,813 documents, though five write JS: the initials of 157 of the 1,000 most used
      words, jc, cs …, are Latin words in a few documents of the corpus, and 153 are still
      read). Initials of several words are not: two short words' initials are in any English
      (apec: 安排 + 二次, html).
    """
    if not any(slot.initials for slot in cut):
        return all(len(slot.words[0]) > 1 for slot in cut)
    return len(cut) == 1 and written < MIN_SHARE * lexicon.counts[cut[0].words[0]]


def plausible_reading(cut: list[Slot], han_typed: bool) -> bool:
    """Whether letters could have been typed as pinyin for ``cut`` at all.

    Any letters read as something (QA pass 22: wage was 挖 + 个; xyzqwe beside Chinese the
    initials of 需要, 政区, 无讹; 104 a's 安安 52 times, each a page of nonsense). Initials are a
    kiosk's shortcut for a query typed in letters alone: not beside characters someone typed
    in Chinese, and of at most :data:`MAX_INITIAL_WORDS` words. Spelled syllables must name a
    word of the index: two or more read as lone characters (wa + ge) name none.
    """
    initials = sum(slot.initials and not (han_typed and half_typed(slot)) for slot in cut)
    if initials and (han_typed or initials > MAX_INITIAL_WORDS):
        return False
    # a vowel standing for a syllable inside a word's initials (the a of 平安 in pa, the o of
    # 配偶 in po), among other words' initials: English spelled out (passport: 平安 + 十三 +
    # 配偶 + 软体; lost: 莲藕 + 身体, QA pass 49b), where a kiosk's initials put a vowel first
    # if at all (et of 儿童 in etbh, aq of 安全 in aqscgl: QA pass 49c found those unread)
    if len(cut) > 1 and any(
        slot.initials and not half_typed(slot) and _VOWELS.intersection(slot.key[1:])
        for slot in cut
    ):
        return False
    return len(cut) == 1 or any(len(slot.words[0]) > 1 for slot in cut)


_VOWELS = frozenset("aeiouv")


def half_typed(slot: Slot) -> bool:
    """Whether a slot's letters are a word with its last syllable half typed: whole syllables,
    then that syllable's initial (``sheb`` of 社保, ``gongjij`` of 公积金, ``shenq`` of 申请),
    as a phone's input method leaves them when search is pressed mid-word. Beside Chinese
    these are pinyin where initials alone are not (QA pass 49b: sheb怎么交 found nothing,
    though sheb alone is 社保)."""
    key = slot.key.replace("'", "")
    return (
        slot.initials and len(key) >= HALF_TYPED_MIN and len(slot.words[0]) > 1
        and whole_syllables(key[:-1])
    )  # fmt: skip


HALF_TYPED_MIN = 4  # letters: ok, app (a + pp) and the like stay letters


SURE_INITIALS = 4  # the initials of one word this long, and of no other, spell it out
LONE_READINGS = 6  # characters of each syllable tried by _lone_characters_word
RARE_JOINED = 5  # documents: syllables typed apart read as a rarer word may be apart


def _lone_characters_word(cut: list[Slot]) -> str:
    """The word two or three syllables read as lone characters spell, where the search reads
    that word typed in Chinese though no document holds it: a synonym's key, a short form
    mined, or a word the documents write longer (年假 for 年休假; QA pass 32b: nianjia at a
    kiosk found 3 news items of 新春年假, where 年假 typed finds 职工带薪年休假条例 first).
    Of several, the first a synonym or short form spells (the syllables' likelier characters
    first), else the one whose long form most documents hold; "" if none."""
    if not 2 <= len(cut) <= 3 or any(s.initials or len(s.words[0]) != 1 for s in cut):
        return ""
    vocabulary = citizen_words.vocabulary()
    best, best_rank = "", (0, 0)
    for chars in itertools.product(*(s.words[:LONE_READINGS] for s in cut)):
        text = "".join(chars)
        whole = [
            t for s, e, _, t in (*find_synonyms(text), *citizen_words.find_mined(text))
            if s == 0 and e == len(text)
        ]  # fmt: skip
        rank = (2, 0) if whole else (1, max(
            (vocabulary.get(w, 0) for w in citizen_words.word_abbreviation(text)), default=0
        ))  # fmt: skip
        if rank > best_rank and (whole or rank[1] > 0):
            best, best_rank = text, rank
    return best


# the lists an alternative of ``A OR B`` adds to what the whole query says it read
_SAID_OF_ALTERNATIVES = (
    "highlight", "highlight_single", "words", "phrases", "as_written", "written_only",
    "not_pinyin", "fields", "docnos", "index_nos", "synonyms", "expanded", "ignored", "readings",
)


class _Builder:
    def __init__(
        self,
        lexicon: PinyinLexicon | None = None,
        mentions: Mentions | None = None,
        han_typed: bool = False,
    ) -> None:
        self.lexicon = lexicon
        self.mentions = mentions
        self.han_typed = han_typed  # the query holds Chinese characters: see plausible_reading
        self.readings: list[tuple[str, tuple[str, ...]]] = []  # letters → words searched
        self.as_written: list[str] = []  # letters the documents write as a word: searched so
        self.written_only: list[str] = []  # ... and not read as pinyin (pdf)
        self.not_pinyin: list[str] = []  # letters no pinyin is typed as (script)
        self.syllable_ends = False  # letters read with an apostrophe's syllable end (xi'an)
        self.asks_mainland = False  # 内地 typed as Hong Kong's word for the mainland
        self.mainland_named = False  # ... or Taiwan's, 大陆, typed with other words
        self.asking = False  # the query is a question (吗, 多少, 有没有 …)
        self.asked_for = False  # a word it asks to be paid was read (赔偿: scores only)
        self.side = ""  # the side of the strait the query asks about (asked_side)
        self.personal: frozenset[str] = frozenset()  # digit runs that look personal (plan)
        self.reading_of: dict[str, str] = {}  # letters → the most likely Chinese they spell
        # runs of letters read as function words only, decided when the whole query is read
        self.pending_stops: list[tuple[str, str, list[Slot]]] = []
        self.pending_text: list[str] = []  # clauses of stop words only, before any content
        # every run of letters typed is a synonym key (hk, hong kong, mpf): each means its
        # word (_read_as_meant); beside other letters (hk dengji) they are pinyin like them
        self.letters_meant = False
        # other letters of the query are pinyin (letters_typed_as_pinyin): these are too
        self.pinyin_typed = False
        self.meant: list[str] = []  # the letters so read
        self.settling = False
        self.abbreviated: list[bool] = []  # per word read: an abbreviation citizens type?
        self.pool: list[Node] = []  # content-word clauses counted for min-should-match
        self.common: list[Node] = []  # widely used content words: scored, never required
        # the same words as plain terms only, for the "all words present" bonus: re-running
        # the full clauses (bigram phrases included) doubled the cost of common-word queries
        self.pool_terms: list[Node] = []
        self.weak: list[Node] = []  # single-character words: score only
        self.required: list[Node] = []
        self.k = 0  # how many of the pool's clauses a document must match
        self.excluded: list[Node] = []
        self.boosters: list[Node] = []
        self.highlight: list[str] = []
        # an other wording marked → the typed word it stands for: a passage holding 工资 and
        # its 劳动报酬 holds one word asked for, not two (QA pass 28b: 拖欠工资's snippet)
        self.groups: dict[str, str] = {}
        # one-character words (算 of 怎么算): matched only as a word of their own, so marking
        # every occurrence marks them inside other words (决算, 预算); marked only when the
        # query has nothing else to mark
        self.highlight_single: list[str] = []
        self.words: list[str] = []
        self.ignored: list[str] = []
        self.phrases: list[str] = []
        self.excluded_text: list[str] = []
        self.synonyms: list[tuple[str, tuple[str, ...]]] = []
        self.expanded: list[tuple[str, str, str]] = []  # (word, other wording, source)
        self.docnos: list[str] = []
        self.index_nos: list[str] = []  # 索引号 typed (analyzers.index_no)
        self.fields: list[tuple[str, str]] = []

    def add_text(self, norm: str) -> None:
        """Plain text: 文号, abbreviations, then jieba words."""
        spans: list[tuple[int, int, str, Any]] = [
            (s, e, "docno", norm[s:e]) for s, e, _ in find_in_query(norm)
        ]
        for s, e, payload in _yearless_docnos(norm):
            if not any(s < de and ds < e for ds, de, _, _ in spans):
                spans.append((s, e, "yearless", payload))
        for s, e, key in index_nos_in_query(norm):
            if not any(s < de and ds < e for ds, de, _, _ in spans):
                spans.append((s, e, "index_no", key))
        for s, e, heading in articles_in_query(norm):
            if not any(s < de and ds < e for ds, de, _, _ in spans):
                spans.append((s, e, "article", heading))
        for s, e, year in years_in_query(norm):
            if not any(s < de and ds < e for ds, de, _, _ in spans):
                spans.append((s, e, "year", year))
        for s, e, wordings in amounts_in_query(norm):
            if not any(s < de and ds < e for ds, de, _, _ in spans):
                spans.append((s, e, "amount", wordings))
        known = None if self.lexicon is None else self.lexicon.holds
        for s, e, kind, payload in _abbreviation_spans(norm, self.mentions, known):
            if not any(s < de and ds < e for ds, de, _, _ in spans):
                spans.append((s, e, kind, payload))
        spans.sort(key=lambda sp: sp[0])
        rest: list[str] = []
        pos = 0
        taken: set[str] = set()
        for s, e, kind, payload in spans:
            rest.append(norm[pos:s])
            pos = e
            tail = _DOCNO_TAIL.match(norm, e) if kind in ("docno", "yearless") else None
            if tail is not None and not any(e <= ds < tail.end() for ds, _, _, _ in spans):
                pos = tail.end()  # the kind of document the number names: the number says it
                self.ignored.append(tail.group(1))
            if norm[s:e] in taken:  # typed twice, one word asked for (QA pass 33a: a question
                continue  # pasted twice asked 房东 twice, and half its words had to match)
            taken.add(norm[s:e])
            if len(self.words) >= MAX_QUERY_WORDS:  # 文号, articles and amounts count too
                self.ignored.append(norm[s:e])  # (QA pass 30c: 120 articles were 120 words)
                continue
            if kind == "docno":
                keys = docno_keys(without_head_group(payload))
                node = docno_node(payload, keys)
                # 国办发第128号 is read as an order's number; the index's 国办发 numbers are
                # yearly: any year's 128 (QA pass 28b)
                prefixes = citizen_words.known_docno_prefixes()
                parts = (k.split("#", 1) for k in keys if "#" in k)
                node = any_of(node, *(yearless_docno_node(p, n) for p, n in parts if p in prefixes))
                if node is not None:
                    self.pool.append(node)
                    self.pool_terms.append(node)
                    self.docnos.extend(keys)
                    self.highlight.append(payload)
                    self.highlight.extend(key_text(k) for k in keys[1:])
            elif kind == "yearless":
                prefix, number = payload  # type: ignore[misc]
                typed = norm[s:e]
                node = any_of(yearless_docno_node(prefix, number), written_node(typed))
                if node is not None:
                    self.pool.append(node)
                    self.pool_terms.append(node)
                    self.words.append(typed)
                    self.highlight.append(typed)
            elif kind == "index_no":
                # the catalogue's number as one exact key, or its text where a text prints it
                node = any_of(*index_no_nodes(payload), phrase_node(payload, None))
                if node is not None:
                    self.pool.append(node)
                    self.pool_terms.append(node)
                    self.index_nos.append(payload)
                    self.highlight.append(payload)
            elif kind == "article":  # 第47条 as typed, as laws print it (第四十七条), and as
                typed = norm[s:e]  # Taiwan's do, in digits (第 47 條, 第 15-1 條)
                wordings = tuple(
                    w for w in dict.fromkeys((str(payload), article_in_digits(str(payload))))
                    if w and w != typed
                )  # fmt: skip
                node = any_of(written_node(typed), *(other_wording_node(w, 1.0) for w in wordings))
                if node is not None:
                    self.pool.append(node)
                    self.pool_terms.append(node)
                    self.words.append(typed)
                    self.highlight.append(typed)
                    if wordings:
                        self.expanded.extend((typed, w, "numeral") for w in wordings)
                        self.highlight.extend(wordings)
                        self._group(typed, wordings)
            elif kind == "year":  # 二〇二三年 as typed (old texts print it so), or 2023
                typed, year = norm[s:e], str(payload)
                node = any_of(written_node(typed), word_node(year))
                if node is not None:
                    self.pool.append(node)
                    self.pool_terms.append(node)
                    self.words.append(typed)
                    self.expanded.append((typed, year, "numeral"))
                    self.highlight.extend([typed, year])
                    self._group(typed, (year,))
                    if citizen_words.METHODS.year_typed:  # its documents first, as for 2023
                        self.weak.append(Term("year", year, YEAR_TYPED_BOOST))
            elif kind == "amount":  # 15年 as typed, or as laws print it: 十五年
                typed = norm[s:e]
                # as written, and the number a word of its own: 15年 is not inside 2015年
                digits = number_of(typed)
                literal = written_node(typed)
                if literal is not None and digits.isascii():  # (双倍 is a word of its own)
                    literal = Bool(must=(literal,), filter=(terms_of(digits),))
                # (in digits, or an age stated whole, a wording is written as it is, never the
                # end of a longer number: 10周岁, 满八周岁; QA pass 51c)
                alone = one_numeral(typed)
                whole = {w for w in payload if number_of(w).isascii() or WHOLE_AGE.fullmatch(w)}
                wordings = [
                    _words_node(w, citizen_words.EXPANSION_WEIGHT)
                    if alone and w not in whole else other_wording_node(w)
                    for w in payload
                ]
                node = any_of(literal, *wordings)
                if node is not None:
                    self.pool.append(node)
                    self.pool_terms.append(node)
                    self.words.append(typed)
                    self.expanded.extend((typed, w, "numeral") for w in payload)
                    # (an age of one numeral, matched as a word, is marked as stated whole only:
                    # marks find substrings, and 八周岁 stands in every 十八周岁, QA pass 51e)
                    marked = [w for w in payload if not (alone and w.endswith("岁")) or w in whole]
                    self.highlight.extend([typed, *marked])
                    self._group(typed, payload)
            elif kind == "mined":
                abbr, targets, source = payload  # type: ignore[misc]
                node = any_of(
                    word_node(abbr), *(on_side(other_wording_node(t), self.side) for t in targets)
                )
                if node is not None:
                    self.pool.append(node)
                    self.pool_terms.append(terms_of(abbr, *targets))
                    self.words.append(abbr)
                    self.expanded.extend((abbr, t, source) for t in targets)
                    self.highlight.extend([abbr, *targets])
                    self._group(abbr, targets)
            else:
                abbr, targets = payload  # type: ignore[misc]
                if abbr.isascii() and self.letters_meant:  # (hk: 香港; QA pass 48b)
                    self._read_as_meant(abbr, targets[0])
                    continue
                if abbr.isascii() and abbr.isalpha() and self.pinyin_typed and self.lexicon:
                    # beside pinyin, letters are a kiosk's initials, as its candidate bar reads
                    # them (QA pass 49d: hk dengji searched 香港 登记, the bar offers 户口)
                    self.add_letters(abbr)
                    continue
                # the synonym file's rule, and the other side's wording of the word it names
                # (身份证 => 居民身份证, and Taiwan's 身分证)
                twins = [t for t in _twins(abbr) if t not in targets]
                node = any_of(
                    word_node(abbr),
                    *(on_side(expansion_node(t), self.side) for t in targets),
                    *(on_side(other_wording_node(t), self.side) for t in twins),
                )
                if node is not None:
                    self.pool.append(node)
                    self.pool_terms.append(terms_of(abbr, *targets, *twins))
                    self.words.append(abbr)
                    self.synonyms.append((abbr, tuple(targets)))
                    self.expanded.extend((abbr, t, "cross_strait") for t in twins)
                    self.highlight.extend([abbr, *targets, *twins])
                    self._group(abbr, (*targets, *twins))
        rest.append(norm[pos:])
        if self.lexicon is not None:
            rest = [self._take_letters(chunk) for chunk in rest]
        stop, before_a_word = stopwords(), stopwords_before_a_word()
        known = None if self.lexicon is None else self.lexicon.holds
        cut = [place_words(chunk, known) for chunk in rest]
        words = [w for ws in cut for w in ws]
        stops = [
            _symbols_only(w) or (w in stop and (w not in before_a_word or i < len(ws) - 1))
            for ws in cut for i, w in enumerate(ws)
        ]  # fmt: skip
        content = [w for w, s in zip(words, stops, strict=True) if not s]
        stopped = [w for w, s in zip(words, stops, strict=True) if s]
        if not content and not (self.pool or self.asked_for) and words:
            if not self.settling:
                # only stop words so far (點解 of 點解 要交社保: it was searched, as the first
                # clause, QA pass 48b): left out if a later clause has words of its own, else
                # searched, as a query of only such words is (settle_stops)
                self.pending_text.append(norm)
                return
            # (what earlier clauses left out stays said; a character that could not be read,
            # U+FFFD, as the page shows a NUL typed, is never searched: QA pass 49b L2, the page
            # found 0 where the API, reading the NUL, listed every document)
            content = [w for w in words if w.strip(REPLACEMENT)]
            stopped = [w for w in words if not w.strip(REPLACEMENT)]
        if citizen_words.METHODS.year_typed:
            for w in dict.fromkeys(words):
                if w in _YEARS_FROM_NOW:
                    self._year_from_now(w)
            # ... read as the year it means, never a word a document must hold (QA pass 52b:
            # 去年低保标准 listed 2004's report first, which says 去年)
            content = [w for w in content if w not in _YEARS_FROM_NOW]
        # (a mark alone, an emoji's variation selector, shows as nothing: never said, QA 49c)
        self.ignored.extend(
            w for w in stopped if not _marks_only(w) and not (
                citizen_words.METHODS.year_typed and w in _YEARS_FROM_NOW)
        )  # fmt: skip
        # a word no public document writes whole is the words it is made of, as if typed apart
        content = [p for w in dict.fromkeys(content) for p in (self._apart(w) or [w])]
        content = list(dict.fromkeys(content))
        room = max(0, MAX_QUERY_WORDS - len(self.words))
        self.ignored.extend(w for w in content[room:] if w not in self.words)
        dropped = self._out_of_context(cut, stops)
        for w in content[:room]:
            node, others = self._word_node(w, out_of_context=dropped.get(w, frozenset()))
            if node is None:
                continue
            self.words.append(w)
            (self.highlight_single if len(w) == 1 and is_han(w) else self.highlight).append(w)
            wordings = [o for o, src in others if src != "region"]
            self.highlight.extend(wordings)
            self._group(w, wordings)
            self.expanded.extend((w, o, src) for o, src in others)
            if citizen_words.METHODS.year_typed and _YEAR_WORD.fullmatch(w):
                # a year typed with other words asks for that year's documents first (QA pass
                # 40b: 1954年政府工作报告 put the 1956 report, which cites 1954 often, first):
                # a bonus only, never a match (as one, a blind judge graded 0 six documents
                # of the year typed that held none of the other words' topic)
                self.weak.append(Term("year", w, YEAR_TYPED_BOOST))
            # (Taiwan's 大陆 read in the whole query: 大陸 配偶 typed apart is Taiwan's word for
            # mainland spouses, QA pass 51e; asking for the mainland's rules, it only scores, as
            # 内地 does: Taiwan's laws write it throughout, 大陸地區, QA pass 51d)
            mainland = self.mainland_named if w == "大陆" else (
                citizen_words.asks_for_mainland(w, norm)
            )
            self.asks_mainland |= mainland
            asked_for = self.asking and w in citizen_words.ASKED_FOR
            self.asked_for |= asked_for  # (a word of the query's own: 赔偿 多少, QA pass 51e)
            single = (len(w) == 1 and is_han(w)) or citizen_words.is_question_word(w) or mainland
            single = single or asked_for
            single = single or w in self.personal
            common = not single and citizen_words.is_common(w)
            (self.weak if single else self.common if common else self.pool).append(node)
            if not single:
                places = [Term("region", o) for o, src in others if src == "region"]
                self.pool_terms.append(any_of(terms_of(w, *wordings), *places) or terms_of(w))

    def _word_node(
        self, word: str, other_wordings: bool = True, out_of_context: frozenset[str] = frozenset()
    ) -> tuple[Node | None, tuple[tuple[str, str], ...]]:
        """:func:`citizen_word_node` under this query's gates, typed in Chinese or read from
        letters alike: a mined long form only where public documents write it, another
        wording only where the public lexicon holds it (the letters' path had neither)."""
        return citizen_word_node(word, other_wordings, self.mentions, out_of_context,
                                 self._public_word, self.side)

    def _public_word(self, word: str) -> bool:
        """Whether public documents use ``word`` now, as the pinyin lexicon counts them (built
        from the index under the anonymous filter, again after every write). The corpus's
        vocabulary file, which gates the thesaurus and the other wordings, is only ever added
        to: a word of documents later withdrawn (不予公开) kept its count, and anonymous
        searches were still shown it as a wording (QA pass 40a: 羊桃 → 猕猴桃, written only in
        hidden documents). Without a lexicon (none built yet) the file's gate alone decides."""
        return self.lexicon is None or not len(self.lexicon) or self.lexicon.holds(word)

    def _out_of_context(
        self, cut: list[list[str]], stops: list[bool]
    ) -> dict[str, frozenset[str]]:
        """The looser wordings (:data:`LOOSE_SOURCES`) of a word typed beside another, in a
        compound public documents write whole, that no document writes in its place (QA pass
        39a: 口袋公园, cut 口袋 + 公园, also searched 袋子, and no text says 袋子公园; 加装电梯
        keeps 安装, for 安装电梯 is written). A word read alone has a meaning the compound may
        not (a pocket park is no bag). Counted on a budget of its own; past it, kept."""
        out: dict[str, set[str]] = {}
        if self.mentions is None or not citizen_words.METHODS.compounds:
            return {}
        mentions, left = self.mentions, [MAX_CONTEXT_COUNTS]

        def written(text: str) -> bool:
            left[0] -= 1
            return left[0] < 0 or mentions(text) > 0

        flags = iter(stops)
        for ws in cut:
            stopped = [next(flags) for _ in ws]
            for i in range(len(ws) - 1):
                a, b = ws[i], ws[i + 1]
                if stopped[i] or stopped[i + 1] or min(len(a), len(b)) < 2:
                    continue
                if not all(is_han(c) for c in a + b):
                    continue
                loose_a, loose_b = _loose_wordings(a), _loose_wordings(b)
                if not (loose_a or loose_b) or not written(a + b):
                    continue
                for o in loose_a:
                    if not written(o + b):
                        out.setdefault(a, set()).add(o)
                for o in loose_b:
                    if not written(a + o):
                        out.setdefault(b, set()).add(o)
        return {w: frozenset(os) for w, os in out.items()}

    def _group(self, word: str, wordings: Iterable[str]) -> None:
        for o in wordings:
            if o != word:
                self.groups.setdefault(o, word)

    def _year_from_now(self, word: str) -> None:
        """今年, 去年: that year's documents and the year before's first, a bonus only
        (:data:`_YEARS_FROM_NOW`), and said as the year it means."""
        year = _today().year + _YEARS_FROM_NOW[word]
        self.weak.append(Constant(Term("year", str(year)), YEAR_FROM_NOW_SCORE))
        self.weak.append(Constant(Term("year", str(year - 1)), YEAR_FROM_NOW_SCORE))
        self.expanded.append((word, f"{year}年", "year"))

    def _apart(self, word: str) -> list[str]:
        """The words a long word is made of, where no public document writes it whole: 赡养父母
        as 赡养 + 父母, 老年痴呆 as 老年 + 痴呆 (QA pass 27a: each found nothing,
        and the zero-result page had nothing to offer), searched as if typed apart (QA pass
        27c: all of them required, 老年痴呆 still found nothing; 孝顺父母 found 2, 孝顺 父母
        252). The segmenter keeps a dictionary word whole, and the documents write 赡养 and 父母
        apart (赡养老人, 赡养义务人 … 父母). [] for a word written whole, a short one, or one
        whose every character the segmenter's search mode does not find in a word of two or
        more (男朋友: 男 + 朋友)."""
        if len(word) < 3 or self.mentions is None or not all(is_han(c) for c in word):
            return []
        pieces = _pieces(word)
        if not pieces or sum(map(len, pieces)) < len(word) or self.mentions(word) > 0:
            # a character no word holds is never left out unsaid (QA pass 27c: 男朋友 searched
            # 朋友, 外祖母 外祖): such a word stays whole
            return []
        return pieces

    def _take_letters(self, chunk: str) -> str:
        """Plan the runs of letters in ``chunk``; return the rest."""
        out: list[str] = []
        pos = 0
        for m in _LETTERS.finditer(chunk):
            self.add_letters(m.group())
            out.append(chunk[pos : m.start()])
            out.append(" ")
            pos = m.end()
        out.append(chunk[pos:])
        return "".join(out)

    def add_letters(self, run: str) -> None:
        """Letters typed without an IME (``zhengwu``, ``zwgk``, ``xi'an``): the words of the
        index they stand for, searched like those words typed in Chinese, or the letters as a
        whole word (never inside one: ``zwgk`` does not match ``hzzwgk@…``).

        A run that reads as several words (``zhengwugongkai`` with no word 政务公开 in the
        index) needs them all, like one Chinese word; each word is any of its homophones, the
        less frequent ones scoring less. Letters the documents write as a word are that word,
        and pinyin only where :func:`pinyin_likelier` says so; letters that read as no word
        of the index are searched as a word only (script: not inside prescription).
        """
        assert self.lexicon is not None
        literal, breaks = split_run(run)
        meant = synonyms().get(literal)
        if meant and literal.isascii() and self.letters_meant:  # (hong kong: 宏控, QA pass 48b)
            self._read_as_meant(run, meant[0])
            return
        parts = [literal[a:b] for a, b in itertools.pairwise((0, *breaks, len(literal)))]
        if self.letters_meant and all(p in ENGLISH_FUNCTION_WORDS for p in parts):
            # (my visa: 49c; can you, joined as syllables typed apart are: QA pass 51e)
            self.ignored.append(run)
            return
        cut = self.lexicon.read(literal, breaks)
        written = self.lexicon.written(literal)
        # whole syllables typed after others read as pinyin are pinyin too (QA pass 26c:
        # sangzangfei zenme ling searched ling, a Latin word of a few documents, and found 0)
        syllables = bool(cut) and bool(self.readings) and not any(s.initials for s in cut)
        if (
            cut and written and not syllables and not self.pinyin_typed
            and not pinyin_likelier(self.lexicon, cut, written)
        ):  # fmt: skip
            cut = None
        if cut and breaks and self._function_word_first(literal, breaks, cut):
            for a, b in itertools.pairwise((0, *breaks, len(literal))):
                self.add_letters(literal[a:b])
            return
        if cut and not plausible_reading(cut, self.han_typed):
            word = _lone_characters_word(cut)
            if word:  # nianjia: 年 + 假, which the search reads as 年假 (年休假)
                self.add_text(word)
                self.readings.append((run, (word,)))
                self.reading_of[run] = word
                return
            cut = None
        if cut and not self._written_together(cut):
            cut = None
        if cut and not written and self._read_as_typed(run, cut):
            return
        if not cut or not self._add_reading(run, literal, cut):
            if written:  # pdf, wto, app: the documents' own word
                self.as_written.append(literal)
                self.written_only.append(literal)
            elif not typed_as_pinyin(literal, breaks):
                self.not_pinyin.append(run)
            # beside Chinese, a foreign word no public document writes decides no match (QA
            # pass 50a: a spoken "ok" was one of the words 我想在app上面申报个税可以吗ok
            # required, and it found nothing)
            unwritten = self.han_typed and not written  # (nor when sorted by date, QA 50e)
            (self.weak if unwritten else self.pool).append(latin_word_node(literal))
            self.pool_terms.append(terms_of(literal))
            self.words.append(literal)
            self.highlight.append(literal)
            return
        if written:  # tainan: the documents' word too, marked where they write it
            self.as_written.append(literal)
            self.highlight.append(literal)
        if breaks and cut != self.lexicon.read(literal):
            # the pinyin of titles is joined: xi'an would be 县 (xian) there; where the
            # syllable ends change nothing (zheng wu gong kai), the titles' pinyin is searched
            self.syllable_ends = True

    def _read_as_meant(self, letters: str, meant: str) -> None:
        """Letters the synonym file names (hk, hong kong, mpf): its first wording, searched as
        if typed, never the letters' pinyin (QA pass 48b: hk was read as the initials of 航空,
        hong kong as 宏控, mpf as 毛坯房); a document writing the letters as a word (ppp) ranks
        a little ahead, as their wording typed does not require them."""
        self.add_text(meant)
        if all(len(w) == 1 for w in query_words(meant)) and _written_name(meant, self.mentions):
            # a name the segmenter cuts into characters (台中: 台 / 中) means the documents
            # writing it, as typed in Chinese (QA pass 48d: taichung found 4,281 documents
            # holding 台 or 中, 台中 typed finds 49)
            self.required.append(written_node(meant) or MatchAll())
        self.readings.append((letters, (meant,)))
        self.reading_of[letters] = meant
        self.meant.append(letters)
        word = letters.replace("'", "")
        if word.isalpha():  # (one word: id card is none the documents write)
            self.weak.append(latin_word_node(word))
            self.highlight.append(word)

    def _function_word_first(self, literal: str, breaks: tuple[int, ...], cut: list[Slot]) -> bool:
        """Whether syllables typed apart, read as one rare word, are a function word and the
        rest: ``fangdong bu tui yajin`` read bu'tui as 补退 (one document) and found 2
        results, where 房东不退押金 typed finds 119 (QA pass 32b). A word of at least
        :data:`RARE_JOINED` documents is the typist's (bu zhu: 补助)."""
        assert self.lexicon is not None
        if len(cut) != 1 or cut[0].initials:
            return False
        if self.lexicon.counts.get(cut[0].words[0], 0) >= RARE_JOINED:
            return False
        first = self.lexicon.read(literal[: breaks[0]])
        return bool(first) and len(first) == 1 and first[0].words[0] in stopwords()

    def settle_stops(self) -> None:
        """Runs read as function words only, and clauses of stop words only: left out (and
        said) where the query has words of its own, else searched, as a query of only such
        words is."""
        pending, self.pending_stops = self.pending_stops, []
        texts, self.pending_text = self.pending_text, []
        content = self.pool or self.weak or self.common or self.required
        self.settling = True
        for norm in texts:  # left out where words came after them, else searched
            self.add_text(norm)
        for run, literal, cut in pending:
            if content:
                self.ignored.extend(slot.words[0] for slot in cut)
                self.words.append(literal)
                self.readings.append((run, tuple(slot.words[0] for slot in cut)))
                self.reading_of[run] = "".join(slot.words[0] for slot in cut)
            else:
                self._add_reading(run, literal, cut)
        self.settling = False

    def _read_as_typed(self, run: str, cut: list[Slot]) -> bool:
        """Plan the Chinese ``cut`` spells as if it had been typed, where typing it would have
        found a synonym or short form other than one of its words (户口 => 户籍 inside 户口迁移):
        hukouqianyi searched the one word 户口迁移 and found 13 documents, 户口迁移 typed finds
        720 with 户口登记条例 first (QA pass 27c, a reading-room terminal). Only where each
        stretch of letters is one word, spelled out: homophones and initials are guesses that
        the reading's own plan (:meth:`_add_reading`) weighs — but the initials of one long
        word that nothing else abbreviates are that word spelled out (QA pass 49d: hkqy found
        the 14 documents writing 户口迁移, hukouqianyi 721, 户口登记条例 first)."""
        assert self.lexicon is not None
        sure = len(cut) == 1 and len(cut[0].words[0]) >= SURE_INITIALS
        if any(
            (slot.initials and not sure) or len(self.lexicon.searched(slot.words)) != 1
            for slot in cut
        ):
            return False
        top = [slot.words[0] for slot in cut]
        text = "".join(top)
        words, at = set(), 0
        for w in top:
            words.add((at, at + len(w)))
            at += len(w)
        # a span that is one of the words is the reading's own (shebao: 社保 => 社会保险)
        spans = _abbreviation_spans(text, self.mentions)
        if all((s, e) in words for s, e, _, _ in spans):
            return False
        self.add_text(text)
        self.readings.append((run, (text,)))  # shown as what the letters spell
        self.reading_of[run] = text
        return True

    def _written_together(self, cut: list[Slot]) -> bool:
        """Whether the words a run is read as, whole syllables then initials, are written side
        by side somewhere (zhengwugk: 政务公开). English reads as syllables then initials too
        (QA pass 22c: minimum as 迷你 + the initials of 牧民), never as words that stand
        together. Initials alone (gjjtq) are a kiosk's shortcut, each a guess among several
        words, and stay read; so does every reading without the index's counts."""
        initials = [slot.initials for slot in cut]
        if all(initials) or not any(initials) or self.mentions is None:
            return True
        tops = [slot.words[:2] for slot in cut[:MAX_INITIAL_WORDS]]
        return any(self.mentions("".join(words)) for words in itertools.product(*tops))

    def _add_reading(self, run: str, literal: str, cut: list[Slot]) -> bool:
        """Plan ``cut``, the words ``literal`` stands for (with the letters as a word, first);
        False if none of its words can be searched."""
        assert self.lexicon is not None
        slots: list[Node] = []
        top: list[str] = []
        searched: list[str] = []
        stop = stopwords()
        if not self.settling and all(not t.initials and t.words[0] in stop for t in cut):
            # function words only, read before any other word (zenme ling sangzangfei): left
            # out if a word follows, searched if none does, as typed in Chinese (settle_stops)
            self.pending_stops.append((run, literal, cut))
            return True
        if not self.settling and (len(cut) > 1 or self.pool or self.readings):
            # a function word read from the letters is left out, as when typed in Chinese
            # (QA pass 26c: shebaoduanjiaolezenmeban required 了 and 怎么办: one result)
            # (whole syllables only: an initial is a guess, g of zfxxg is 公, not 个)
            dropped = [slot for slot in cut if not slot.initials and slot.words[0] in stop]
            # (never all of them: a run of function words only waits for settle_stops)
            self.ignored.extend(slot.words[0] for slot in dropped)
            cut = [slot for slot in cut if slot not in dropped]
        for slot in cut:
            words = self.lexicon.searched(slot.words)
            # an abbreviation citizens type (低保, 医保, 社保: the synonym file) is the reading,
            # its homophones count only a little: dibao read 地保 (75 documents, which search
            # mode cuts out of 湿地保护) before 低保 (30) and listed wetland laws first, yibao
            # 易爆 before 医保 (QA pass 8). The kiosk's candidate bar puts it first by the same
            # rule (PinyinLexicon.abbreviation)
            known = self.lexicon.abbreviation(slot.words)
            self.abbreviated.append(known is not None)
            if known is not None:
                words = [known, *(w for w in words if w != known)]  # the others still searched
            counts = [self.lexicon.counts[w] for w in words]
            # a rarer homophone scores less, yet a rare word's weight shows through
            alts = [
                word_or_synonym(
                    w,
                    PINYIN_ABBREVIATION_HOMOPHONE_BOOST if known and i
                    else max(PINYIN_HOMOPHONE_BOOST, math.sqrt(min(1.0, n / counts[0]))),
                )
                for i, (w, n) in enumerate(zip(words, counts, strict=True))
            ]  # fmt: skip
            if not synonyms().get(words[0]):  # the likeliest reading, with its other wordings
                # as when typed (tiaoli: 条例, 规定); not where the letters spell several words:
                # the other words are the readings, and a neighbour of one of them is a guess
                # on a guess (xi'an: 西岸's neighbour 沿岸 ranked a title writing neither 西岸
                # nor 西安 first, QA pass 14)
                alts[0], others = self._word_node(words[0], other_wordings=len(words) == 1)
                self.expanded.extend((words[0], o, src) for o, src in others)
            if words[0] in citizen_words.known_docno_prefixes():
                # a 文号 prefix (the lexicon holds public ones): guofa lists 国发's documents
                # first, not 中华人民共和国发票管理办法 (QA pass 26c)
                alts.append(docno_prefix_node(words[0], DOCNO_BOOST))
            node = any_of(*alts)
            if node is None:
                return False
            slots.append(node)
            top.append(words[0])
            searched += words
        # the letters as a word of their own (an abbreviation, an address) rank first
        as_written = Bool(
            should=terms_of(literal).should, min_should=1, boost=PINYIN_LITERAL_BOOST
        )
        # initials name one word's characters each (zfxxgk: 政府信息公开)
        spelled = not any(slot.initials for slot in cut)
        # a syllable read as a lone character is no word of its own (fang of fangdongyajin
        # where the index has no 房东: 方 + 东亚 + 今, either of which would do, found anything)
        # ... unless two words at least are read around it: then it is one character among
        # words, as typed in Chinese (fangdongtuiyajin: 房东 + 退 + 押金 found nothing where
        # 房东退押金 finds 53, QA pass 18), which only scores
        separate = sum(len(w) > 1 for w in top) > 1
        if separate and spelled and len(query_words("".join(top))) > 1:
            # several words, as the same Chinese typed would be (房东押金: 房东 + 押金, either
            # of two): fangdongyajin needed them all and found nothing where 房东押金 found 53
            # (QA pass 8); a run that is one Chinese word (政务公开) still needs all of it
            first = True
            for slot, w in zip(slots, top, strict=True):
                if len(w) == 1 or citizen_words.is_question_word(w):  # as when typed
                    self.weak.append(slot)
                elif first:  # the letters as a word of their own go with the first word
                    self.pool.append(Bool(should=(as_written, slot), min_should=1))
                    self.pool_terms.append(terms_of(literal, *_with_synonyms(w)))
                    first = False
                else:
                    self.pool.append(slot)
                    self.pool_terms.append(terms_of(*_with_synonyms(w)))
        elif len(top) == 1 and len(top[0]) == 1 and spelled and (self.pool or self.weak):
            # a syllable typed alone after other words, read as one character: it only scores,
            # as that character typed in Chinese does (ban of ... zenme ban: 办, 班, 伴 …)
            self.weak.append(slots[0])
        else:
            reading = slots[0] if len(slots) == 1 else Bool(must=tuple(slots))
            self.pool.append(Bool(should=(as_written, reading), min_should=1))
            # initials are a guess among many words (fy: 府院, 费用, 法院): their reading's
            # synonyms would lift what it names (总统府) over what the letters meant
            words = (t for w in top for t in _with_synonyms(w)) if spelled else iter(top)
            self.pool_terms.append(terms_of(literal, *words))
        self.words.append(literal)
        self.highlight.extend(searched)
        for w in searched:  # a word read from the letters expands like one typed: say so, mark it
            targets = synonyms().get(w)
            if targets:
                self.synonyms.append((w, tuple(targets)))
                self.highlight.extend(targets)
                self._group(w, targets)
        # each word once: a run of one chunk typed over (qqqqqq) read 请求 … three times (QA
        # pass 46b: the understanding listed the same words again and again)
        self.readings.append((run, tuple(dict.fromkeys(searched))))
        self.reading_of[run] = "".join(top)
        return True

    def add_atom(self, atom: Atom, negated: bool) -> None:
        norm = normalize(atom.text)
        if negated:
            node = phrase_node(norm, atom.field)
            if node is not None and atom.field == "agency" and not atom.phrase:
                # -机构:卫福部 excludes 卫生福利部's documents, as 机构:卫福部 finds them (QA pass
                # 22b: it excluded the text 卫福部, which none writes, and kept all seven)
                node = any_of(node, *agency_nodes(agency_targets(norm)))
            if node is not None:
                self.excluded.append(node)
                # said with its field: -标题:条例 excludes titles holding 条例, not every text
                # (QA pass 42b: the page said 已排除 条例)
                field = FIELD_PREFIX.get(atom.field or "", "")
                self.excluded_text.append(f"{field}:{norm}" if field else norm)
            return
        if atom.field:
            self.fields.append((atom.field, norm))
        if atom.field == "docno" and not names_a_docno(norm):
            # 文号:〔〕号 found every document holding 号 (QA pass 7): no number and no issuer
            self.ignored.append(f"文号:{atom.text}")
            return
        if atom.phrase or atom.field in ("docno", "agency"):
            keys: tuple[str, ...] = ()
            if atom.field == "docno":  # its keys once: for the node and for the understanding
                keys = docno_keys(norm)
                node = docno_node(norm, keys)
            else:
                node = phrase_node(norm, atom.field)
            code = whole_code(norm) if atom.phrase and not atom.field else ""
            if code:  # "000014349/2019-00006": the number the catalogue gives it, or its text
                node = any_of(*index_no_nodes(code), node)
                self.index_nos.append(code)
            targets: tuple[str, ...] = ()
            if atom.field == "agency" and not atom.phrase:
                targets = agency_targets(norm)
            if node is not None and targets:
                # 机构:卫福部 is 卫生福利部, as 卫福部 typed alone expands (QA pass 8: 0 results)
                node = any_of(node, *agency_nodes(targets))
                self.synonyms.append((norm, targets))
            if node is not None:
                self.required.append(node)
                self.highlight.append(norm)
                if atom.phrase:
                    self.phrases.append(norm)
                if atom.field == "docno":
                    self.docnos.extend(keys)
                    self.highlight.extend(key_text(k) for k in keys[1:])
            return
        if atom.field == "title":
            words = query_words(norm)
            for w in words:
                if w not in stopwords():
                    node = word_node(w, title_only=True)
                    if len(words) == 1 and len(w) == 1 and is_han(w):
                        # title:税 alone means the titles that write it, as title:"税" does and
                        # 税 alone does in any field (QA pass 13: 4 titles against 92); a
                        # regex over the title bigrams only, small beside the bodies'
                        node = any_of(node, substring("title_bi", w))
                    if node is not None:
                        self.required.append(node)
                        self.highlight.append(w)
            return
        self.add_text(norm)

    def add_alternatives(self, atoms: tuple[Atom, ...]) -> None:
        alts: list[Node] = []
        for atom in atoms:
            sub = _Builder(self.lexicon, self.mentions, self.han_typed)
            sub.personal = self.personal
            sub.side = self.side
            sub.add_atom(atom, negated=False)
            node = sub.combined()
            if node is not None:
                alts.append(node)
            # what each alternative was read as, said as for a query of one (QA pass 22b:
            # title:条例 OR title:办法 lost its fields, and the page said nothing was searched)
            for name in _SAID_OF_ALTERNATIVES:
                getattr(self, name).extend(getattr(sub, name))
        if alts:
            self.required.append(Bool(should=tuple(alts), min_should=1))

    def combined(self, all_words: bool = False, at_most: int = 0) -> Node | None:
        """The query node; ``all_words``: every content word (or another wording of it) must
        match, as when the results are sorted by date, where nothing ranks the documents
        holding only some of the words after those holding all of them; ``at_most``: of the
        words, no more than this many (a search that found nothing, again with fewer; -1:
        none, the words only rank beside what the query requires besides them)."""
        if self.common and (all_words or not self.pool):  # they count after all
            self.pool, self.common = self.pool + self.common, []
        must: list[Node] = list(self.required)
        if self.pool and at_most < 0 and must and not all_words:
            # (the weak words too: a year's bonus, one character, an unwritten foreign word
            # would otherwise become the match, QA pass 51c)
            self.common = self.common + self.pool + self.weak
            self.pool, self.weak, self.k = [], [], 0
        if self.pool:
            k = len(self.pool) if all_words else min_should_match(len(self.pool))
            self.k = k = min(k, at_most) if at_most > 0 and not all_words else k
            must.append(
                self.pool[0] if len(self.pool) == 1 else Bool(should=tuple(self.pool), min_should=k)
            )
        elif self.weak:
            must.append(Bool(should=tuple(self.weak), min_should=1))
        if not must:
            return None
        should = list(self.boosters)
        should.extend(self.common)
        if self.pool and self.weak:
            should.extend(self.weak)
        if len(self.pool_terms) > 1 and self.k < len(self.pool):
            should.append(Bool(must=tuple(self.pool_terms), boost=ALL_WORDS_BOOST))
        return Bool(must=tuple(must), should=tuple(should)) if len(must) > 1 or should else must[0]


def _pieces(word: str) -> list[str]:
    """The words of two characters or more the segmenter's search mode finds in ``word``,
    left to right, the longest at each place (赡养父母: 赡养, 父母; 办后事: 后事); [] where it
    finds none but the word itself."""
    inside = [t for t in index_words(word) if t != word and len(t) > 1]
    pieces: list[str] = []
    pos = 0
    while pos < len(word):
        here = [t for t in inside if word.startswith(t, pos)]
        step = max(here, key=len) if here else word[pos]
        if len(step) > 1:
            pieces.append(step)
        pos += len(step)
    return pieces


def _words_node(word: str, boost: float) -> Node:
    """``word`` as the segmenter's word in body or title, never as a substring."""
    return Bool(should=terms_of(word).should, min_should=1, boost=boost)


def _costly(atom: Atom, negated: bool) -> bool:
    return negated or atom.phrase or atom.field is not None


def joined_syllables(
    clauses: tuple[Clause, ...], lexicon: PinyinLexicon | None = None
) -> tuple[Clause, ...]:
    """Pinyin typed a syllable at a time (``zheng wu gong kai``) as the one run it spells
    (``zheng'wu'gong'kai``): read apart, each syllable stood for any character of that sound
    (政, 物, 公 …) and ranked 民法物權編 above 政务公开. The spaces stay syllable ends, as
    apostrophes: ``xi an`` is 西安, never 县 (xian), as ``xi'an`` is (QA).

    With the ``lexicon``, words of whole syllables typed apart (``zhengwu gongkai``) are one
    run too where the lexicon reads the run as one word, as ``zhengwugongkai`` is 政务公开 (QA
    pass 36a: 1,974 results against 76, where the kiosk's tip calls the two the same). Runs
    it reads as several words stay apart, each searched as the word typed in Chinese with a
    space between (a function word among them left out: QA pass 26c)."""
    singles = _joined_single_syllables(clauses)
    if lexicon is None:
        return singles
    out: list[Clause] = []
    for clause in singles:
        last = out[-1] if out else None
        if last is not None and _plain_syllables(last) and _plain_syllables(clause):
            run = f"{last.alternatives[0].text}'{clause.alternatives[0].text}"
            slots = lexicon.read(*split_run(run.lower()))
            if slots is not None and len(slots) == 1:
                out[-1] = Clause((Atom(run),))
                continue
        out.append(clause)
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _letter_keys(keys: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The synonym file's keys of letters (``keys``, longest first) as whole words, compiled
    once per rule set."""
    return tuple(re.compile(rf"(?<![a-z]){re.escape(k)}(?![a-z])") for k in keys)


def _written_name(text: str, mentions: Mentions | None) -> bool:
    """Whether ``text`` is a short name of two or three Han characters the documents write,
    which a search means where the segmenter cuts it into characters (前海, 台中)."""
    return (
        2 <= len(text) <= 3 and all(map(is_han, text))
        and mentions is not None and mentions(text) > 0
    )  # fmt: skip


def letters_typed_as_pinyin(text: str, lexicon: PinyinLexicon | None) -> bool:
    """Whether the query types pinyin: a run of whole syllables reading as a word of two
    characters or more of the index, which no document writes and no synonym key names
    (dengji of hk dengji).
    Then other letters beside it are pinyin too, initials included, as the kiosk's candidate
    bar reads them (QA pass 49d: hk dengji searched 香港 登记, where the bar offers 户口)."""
    if lexicon is None:
        return False
    rules = synonyms()
    return any(
        whole_syllables(run) and not lexicon.written(run) and run not in rules
        and any(len(slot.words[0]) > 1 for slot in lexicon.read(run) or ())
        for run in _LETTERS.findall(normalize(text))
    )  # fmt: skip


# English words that name no subject, said around an English key (QA pass 49c: my visa read
# my as the initials of 没有, 贸易, 每月 and found 2,265 documents; how to apply visa required
# how and to, and found one)
ENGLISH_FUNCTION_WORDS = frozenset(
    "a an the my your our his her their its i me we you it to of for in on at by with from "
    "and or how what where when which who can could do does is are was be need want apply get "
    "find about please".split()
)


def letters_all_named(text: str) -> bool:
    """Whether the query types letters and every run of them is a synonym key (hk, hong
    kong, id card) or English said around one (my, how to): the keys then mean their word,
    never their pinyin (QA pass 48b), and the English around them nothing. Beside other
    letters they are typed as pinyin like them: a kiosk's ``hk dengji`` is 户口登记, as its
    candidate bar offers, not 香港."""
    typed = normalize(text)
    if not _LETTERS.search(typed):
        return False
    keys = sorted((k for k in synonyms() if k.isascii()), key=len, reverse=True)
    rest = typed
    for key in _letter_keys(tuple(keys)):
        rest = key.sub(" ", rest)
    return rest != typed and all(w in ENGLISH_FUNCTION_WORDS for w in _LETTERS.findall(rest))


def joined_names(clauses: tuple[Clause, ...]) -> tuple[Clause, ...]:
    """Words of letters the synonym file names together (``id card``: 身份证) as one clause,
    where each word was a clause of its own and read apart (QA pass 48b: id and card were
    searched as two words, card as 草案's initials)."""
    out: list[Clause] = []
    for clause in clauses:
        last = out[-1] if out else None
        if last is not None and _plain_letters(last) and _plain_letters(clause):
            joined = f"{last.alternatives[0].text} {clause.alternatives[0].text}"
            if normalize(joined) in synonyms():
                out[-1] = Clause((Atom(joined),))
                continue
        out.append(clause)
    return tuple(out)


def _plain_letters(clause: Clause) -> bool:
    """A clause of one plain atom (no field, quotes or minus) that is letters only."""
    atom = clause.alternatives[0]
    return (
        len(clause.alternatives) == 1
        and not (clause.negated or atom.phrase or atom.field)
        and atom.text.isascii() and atom.text.isalpha()
    )


def _plain_syllables(clause: Clause) -> bool:
    """A clause of one plain atom (no field, quotes or minus) that is whole syllables."""
    atom = clause.alternatives[0]
    return (
        len(clause.alternatives) == 1
        and not (clause.negated or atom.phrase or atom.field)
        and whole_syllables(atom.text.lower())
    )


def _joined_single_syllables(clauses: tuple[Clause, ...]) -> tuple[Clause, ...]:
    return _joined_runs(clauses, lambda text: text.lower() in syllables(), "'")


def joined_characters(clauses: tuple[Clause, ...]) -> tuple[Clause, ...]:
    """Chinese typed a character at a time (``户 口 迁 移``, a phone's handwriting pad adds a
    space after each) as the word they spell: read apart, each character was a word of its
    own, and 户口登记条例 came nowhere (QA pass 49b), where pinyin typed so is joined
    (:func:`joined_syllables`)."""
    return _joined_runs(clauses, lambda text: len(text) == 1 and is_han(text), "")


def _joined_runs(
    clauses: tuple[Clause, ...], fits: Callable[[str], bool], sep: str
) -> tuple[Clause, ...]:
    """Runs of two or more plain one-atom clauses whose text ``fits``, each joined by ``sep``
    into one clause."""
    out: list[Clause] = []
    run: list[Clause] = []

    def flush() -> None:
        if len(run) > 1:
            out.append(Clause((Atom(sep.join(c.alternatives[0].text for c in run)),)))
        else:
            out.extend(run)
        run.clear()

    for clause in clauses:
        atom = clause.alternatives[0]
        if (
            len(clause.alternatives) == 1
            and not (clause.negated or atom.phrase or atom.field)
            and fits(atom.text)
        ):
            run.append(clause)
            continue
        flush()
        out.append(clause)
    flush()
    return tuple(out)


def bounded_clauses(parsed: ParsedQuery) -> tuple[list[Clause], list[str]]:
    """The clauses worth running (duplicates dropped, costly atoms capped) and the texts of
    those left out, so the user sees they were ignored."""
    kept: list[Clause] = []
    ignored: list[str] = []
    seen: set[Clause] = set()
    costly = singles = numbers = parts = 0
    for clause in parsed.clauses:
        if clause in seen:
            continue
        seen.add(clause)
        # a OR b OR … counts each alternative (QA pass 30c: 100 of them were 100 words)
        room = MAX_QUERY_WORDS - parts
        if room <= 0:
            ignored.extend(a.text for a in clause.alternatives)
            continue
        if len(clause.alternatives) > room:
            ignored.extend(a.text for a in clause.alternatives[room:])
            clause = Clause(clause.alternatives[:room], clause.negated)
        parts += len(clause.alternatives)
        atoms = [a for a in clause.alternatives if _costly(a, clause.negated)]
        n_single = sum(len(strip_skippable(normalize(a.text))) == 1 for a in atoms)
        n_number = sum(bool(_NUMBER_ATOM.fullmatch(normalize(a.text).strip())) for a in atoms)
        if atoms and (
            costly + len(atoms) > MAX_COSTLY_ATOMS or singles + n_single > MAX_SINGLE_CHAR_ATOMS
            or numbers + n_number > MAX_NUMBER_ATOMS
        ):
            ignored.extend(a.text for a in clause.alternatives)
            continue
        costly += len(atoms)
        singles += n_single
        numbers += n_number
        kept.append(clause)
    return kept, ignored


# what people type after a 文号 to say what it numbers (国办发〔2018〕127号文件, 国发〔2019〕5号
# 意见): searched, the word any document holds made the number one match among thousands (QA
# pass 36a: 2,594 results, a Tainan news item second); left out, and said so, as 文 is
_DOCNO_TAIL = re.compile(
    r"\s*(文件|文|通知|意见|决定|规定|办法|批复|函|公告|通告|令|附件)(?![\u4e00-\u9fff])"
)


# a 文号 typed without its year (国发5号, 国办发128号文: as news reports cite them), after a
# prefix of the index's own 文号
_YEARLESS_DOCNO = re.compile(r"([\u4e00-\u9fff]{2,12}?)第?0*([1-9][0-9]{0,4})\s*号")


# ... and typed with a space before the number (国办发 128号), joined by unmarked_docnos
_SPACED_YEARLESS_DOCNO = re.compile(r"([\u4e00-\u9fff]{2,12})\s+第?0*([1-9][0-9]{0,4})\s*[号號]")


def _ending_prefix(run: str, known: frozenset[str]) -> str:
    """The longest of the index's 文号 prefixes that the Han ``run`` ends with ("" if none):
    关于国办发 → 国办发."""
    return next((run[i:] for i in range(len(run)) if run[i:] in known), "")


def _yearless_docnos(norm: str) -> list[tuple[int, int, tuple[str, str]]]:
    """Spans of ``norm`` holding a yearly 文号 typed without its year, with (prefix, number):
    the prefix one the index's documents carry with a year (国发〔2019〕5号), so that the
    number's documents of any year come first (QA pass 28b: 国发5号 listed a Taiwan budget
    rule first, and 国发〔2019〕5号 in none of the first 100). Numbers read whole (国令第5号,
    国发〔2019〕5号) are :func:`~analyzers.docno.find_in_query`'s, whose spans the caller keeps
    first."""
    if not any(ch.isdigit() for ch in norm):
        return []
    known = citizen_words.known_docno_prefixes()
    out: list[tuple[int, int, tuple[str, str]]] = []
    for m in _YEARLESS_DOCNO.finditer(norm) if known else ():
        run = m.group(1)
        prefix = _ending_prefix(run, known)
        if prefix:
            out.append((m.start(1) + len(run) - len(prefix), m.end(), (prefix, m.group(2))))
    return out


def unmarked_docnos(text: str, lexicon: PinyinLexicon | None) -> str:
    """``text`` with each 文号 typed without brackets or 号 (国办发 2019 6), or with its prefix in
    pinyin (guobanfa 2019 6, at a kiosk without Chinese: QA pass 18), written out
    (国办发〔2019〕6号), so that it is read as one. Only a prefix of the index's own 文号
    (国办发 of 国务院办公厅's documents) is taken for one: 印发 2019 6 and yinfa 2019 6 stay
    words, which as a 文号 would find nothing."""
    if not any(ch.isdigit() for ch in text):
        return text
    known = citizen_words.known_docno_prefixes()
    if not known:
        return text

    def written(m: re.Match[str]) -> str:
        issuer = m.group(1)
        if is_han(issuer[0]):  # the longest prefix the Han run ends with; the rest stays
            prefix = _ending_prefix(issuer, known)
            before = issuer[: len(issuer) - len(prefix)]
        else:
            prefix, before = _spelled_prefix(issuer, lexicon, known), ""
        if not prefix:
            return m.group(0)
        return f"{before}{' ' if before else ''}{prefix}〔{m.group(2)}〕{m.group(3)}号"

    def spelled(m: re.Match[str]) -> str:
        prefix = _spelled_prefix(m.group(1), lexicon, known)
        if not prefix:
            return m.group(0)
        return f" {prefix}〔{m.group(2)}〕{m.group(3)}号 "

    def spelled_yearless(m: re.Match[str]) -> str:
        prefix = _spelled_prefix(m.group(1), lexicon, known)
        return f" {prefix}{m.group(2)}号 " if prefix else m.group(0)

    def joined(m: re.Match[str]) -> str:
        issuer = m.group(1)
        return f"{issuer}{m.group(2)}号" if _ending_prefix(issuer, known) else m.group(0)

    text = _UNMARKED_DOCNO.sub(written, text)
    # ... and its number without the year, typed after a space (国办发 128号: QA pass 28c), as
    # one word, which _yearless_docnos reads
    text = _SPACED_YEARLESS_DOCNO.sub(joined, text)
    if lexicon is not None:
        text = _UNMARKED_PINYIN_DOCNO.sub(spelled, text)
        # guobanfa 128hao (QA pass 32b: 128hao was a Latin word, 国办发〔2018〕128号 36th)
        text = _SPELLED_YEARLESS_DOCNO.sub(spelled_yearless, text)
        # ... and without the hao when that is all the query holds (gbf 128, guofa 5: QA pass
        # 40b, as a newspaper cites 国办发128)
        text = _BARE_SPELLED_YEARLESS_DOCNO.sub(spelled_yearless, text)
    return _NUMBER_HAO.sub(r"\1号", text)  # 128hao alone: 128号, as typed in Chinese


def _spelled_prefix(letters: str, lexicon: PinyinLexicon | None, known: frozenset[str]) -> str:
    """The index's 文号 prefix ``letters`` spell, as one word (guobanfa: 国办发) or as the
    words a longer one is read as (guobanfamingdian: 国办发 + 明电), or ""."""
    cut = lexicon.read(letters.lower()) if lexicon is not None else None
    if not cut or len(cut) > 3:
        return ""
    for words in itertools.product(*(slot.words[:4] for slot in cut)):
        if "".join(words) in known:
            return "".join(words)
    return ""


def unmarked_orders(text: str, lexicon: PinyinLexicon | None) -> str:
    """``text`` with an order typed in letters (guowuyuanling 735, zhuxiling di 3 hao,
    gonganbuling 69) written out (国务院令第735号): read apart, 735 was a number among the
    pinyin of the organ's name, and 国务院令's other wordings (主席令) outranked the order itself
    (QA pass 23a). Only letters that read as one organ's order, as the index's words spell it."""
    if lexicon is None or not any(ch.isdigit() for ch in text):
        return text

    def spelled(m: re.Match[str]) -> str:
        cut = lexicon.read(m.group(1).lower())
        if not cut or len(cut) > 2:
            return m.group(0)
        first = cut[0].words[0] if cut[0].words else ""
        if len(cut) == 1 and len(first) >= 3 and first.endswith("令") and first[-2] in _ORGAN_END:
            issuer = first
        elif len(cut) == 2 and "令" in cut[1].words and first.endswith(_ORGAN_END):
            issuer = first + "令"
        else:
            return m.group(0)
        return f" {issuer}第{m.group(2)}号 "

    return _UNMARKED_PINYIN_ORDER.sub(spelled, text)


def _without_edge_stops(text: str, *, at_end: bool = False) -> str:
    """``text`` without the stop words it opens with (``at_end``: ends with): 帮我查一下劳动合同
    法第47条 cites 劳动合同法 as 劳动合同法第47条 does (QA pass 50a: spoken, the 实施条例 ranked
    above the law), and 嗯 劳动合同法 and 劳动合同法吗 name the title 劳动合同法 does (QA pass
    50e)."""
    stop = stopwords()
    words = query_words(text)
    for word in reversed(words) if at_end else words:
        if word not in stop or not (text.endswith(word) if at_end else text.startswith(word)):
            break
        text = text[: -len(word)] if at_end else text[len(word) :]
    return text


def without_format_chars(text: str) -> str:
    """``text`` without its invisible format characters (zero-width spaces and joiners, bidi
    marks, soft hyphens, a BOM): pasted inside a word they split it, and 婚姻\u200f登记 found
    every document holding either word where 婚姻登记 finds 33 (QA pass 18). The documents'
    phrases ignore them already (:func:`analyzers.chars.strip_skippable`)."""
    if text.isprintable():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def plan(
    query: Query,
    lexicon: PinyinLexicon | None = None,
    mentions: Mentions | None = None,
    repealed: frozenset[str] = frozenset(),
    words_required: int = 0,
) -> tuple[Plan, Understanding]:
    """Build the plan for a :class:`Query` (text, filters, viewer); with the index's
    ``lexicon``, letters are also read as pinyin of its words (kiosks without an IME); with
    ``mentions`` (how many documents hold a text), a title abbreviation means the titles the
    documents mention most; ``repealed`` are the ids of documents a later one repeals, whose
    有效性 a validity filter reads as 已废止 (:func:`_validity`); ``words_required``: at most
    this many of the words must match (0: about half of them, :func:`min_should_match`)."""
    typed_q, links = without_links(query.q)
    typed_q = dotted_u_as_v(without_format_chars(typed_q))  # nü, lu: as nv, lv
    typed_q = joined_articles(typed_q)  # 第 17 條 (QA pass 50b)
    typed_q = unmarked_orders(unmarked_docnos(typed_q, lexicon), lexicon)
    typed_q = dashed_codes(without_labels(typed_q))  # 000014349 2019 00006 at a kiosk
    typed_q, version_words = citizen_words.without_version_words(typed_q)
    parsed = parse(typed_q[:2000])
    clauses, dropped = bounded_clauses(
        ParsedQuery(joined_syllables(joined_characters(joined_names(parsed.clauses)), lexicon))
    )
    dropped = [*links, *version_words, *parsed.ignored, *dropped]
    han_typed = any(is_han(c) for c in typed_q[:2000])
    b = _Builder(lexicon, _budgeted(mentions) if mentions else None, han_typed)
    b.letters_meant = letters_all_named(typed_q[:2000])
    whole = normalize(typed_q[:2000])
    b.mainland_named = whole.strip() != "大陆" and citizen_words.asks_for_mainland("大陆", whole)
    b.asking = bool(citizen_words.ASKS.search(whole)) or "有没有" in whole
    b.pinyin_typed = letters_typed_as_pinyin(typed_q[:2000], lexicon)
    b.personal = personal_numbers(typed_q[:2000])
    b.side = asked_side(query.q, query.script)
    plain_parts: list[str] = []
    prefers = ""
    for clause in clauses:
        if len(clause.alternatives) > 1:
            b.add_alternatives(clause.alternatives)
            continue
        atom = clause.alternatives[0]
        b.add_atom(atom, clause.negated)
        if not clause.negated and not atom.field and not atom.phrase:
            plain_parts.append(normalize(atom.text))
    b.settle_stops()

    plain = " ".join(plain_parts)
    compact = strip_skippable(plain)
    if len(clauses) == 1 and len(compact) == 1 and is_han(compact) and b.weak and not b.pool:
        # one character is the whole query (税): it means the documents that write it, as a
        # quoted one does, not only those where jieba cut it alone (QA pass 10: 90 results
        # against 1,180). Those rank first; the regex it costs is paid once, not per word.
        b.weak.append(written_char(compact))
    elif (
        len(clauses) == 1 and b.weak and not b.pool and not b.expanded and not b.synonyms
        and _written_name(compact, b.mentions)
    ):
        # a name the segmenter cuts into single characters (前海: 前 / 海), which documents
        # write as typed: it means them, not every text holding 前 or 海 (QA pass 48b: 3,047
        # results, a Taiwan ocean-day speech first, for the 3 documents naming 前海)
        b.required.append(written_node(compact) or MatchAll())
    # a title and one of its articles (劳动合同法第四十七条, 民法典1077条): the title is the
    # document asked for (QA pass 30a: the 实施条例, which cites 劳动合同法第四十七条, ranked
    # above the law)
    opened = _without_edge_stops(compact)
    cited = cited_title(opened)
    named = dict(b.synonyms).get(cited, ()) if cited else ()  # 劳基法第17条: 劳动基准法
    titles: list[str] = []
    bare = _without_edge_stops(opened, at_end=True)
    for title in dict.fromkeys((compact, bare if len(bare) >= 2 else "", cited, *named)):
        if not title:
            continue
        titles.append(title)
        if not title.startswith(STATE):
            # a national law is cited without the state's name (劳动合同法 for 中华人民共和国劳动
            # 合同法): QA pass 9 found its 实施条例 ranked above it, the longer title holding
            # the words too, and the law its title query names second
            titles.append(STATE + title)
    b.boosters.extend(title_named(t) for t in titles)
    if len(b.pool) + len(b.weak) > 1 and len(compact) >= 2:
        b.boosters.append(substring("body_bi", compact, WHOLE_PHRASE_BOOST) or MatchAll())
        b.boosters.append(substring("title_bi", compact, TITLE_PHRASE_BOOST) or MatchAll())
    # what ranks the rule first among the documents that match (never a filter): the level
    # for words; validity and the script typed for words and quoted phrases alike (a life
    # event's "产假" ranked a Taiwan agency's staff rules above the mainland's law: QA pass 6).
    # The level bonus stays off for phrases: on the life events' blind grades it put national
    # laws that name 医疗保险 in passing above the rules that answer (bench/README.md).
    if b.pool or b.weak:
        b.boosters.extend(level_boosters())
    if b.pool or b.weak or b.phrases:
        b.boosters.extend(validity_booster(normalize(query.q)))
        regions = [o for _, o, src in b.expanded if src == "region"]
        # a 文号 says whose document it is; the script it was typed in does not (QA pass 9:
        # 國辦發〔2019〕6號 was told "Taiwan's documents a little ahead")
        # ... and the reader's script where the typed text says none (QA pass 32b: a patron who
        # set the kiosk's 繁體 key and typed tuixiu was ranked for the mainland; 遇到家暴怎么办,
        # a simplified life event's "家庭暴力", put Taiwan's act first)
        prefers = "" if b.docnos else script_preference(query.q, regions, query.script)
        if not b.docnos and b.asks_mainland:
            prefers = "mainland"  # 內地最低工資: the mainland's rules, typed in traditional
        if (not prefers and not han_typed and b.readings and not b.meant and not regions
                and not b.docnos and query.script not in NEUTRAL_READERS):  # fmt: skip
            # letters read as Hanyu Pinyin, the mainland's spelling, whose candidates the kiosk
            # offers in simplified characters: ranked as the picked word would be (QA pass
            # 23a: fuxujin listed five Taiwan 撫卹 laws first, 抚恤金 the mainland's)
            prefers = "mainland"
        words = None
        if b.pool_terms and citizen_words.METHODS.script_words:
            words = b.pool_terms[0] if len(b.pool_terms) == 1 else Bool(
                should=tuple(b.pool_terms), min_should=1
            )
        b.boosters.extend(script_booster(prefers, words))
        # (not for a query in Taiwan's terms, or on Taiwan's side: its benefits are a group's
        # own, 軍人保險條例 and 公務人員留職停薪辦法 answer 育婴留职停薪津贴)
        taiwans = prefers == "taiwan" or any(
            src in ("cross_strait", "region") for _, _, src in b.expanded)
        if (b.pool or b.weak) and not taiwans:
            b.boosters.extend(everyone_booster(normalize(query.q)))
        if titles:
            titled = Bool(should=tuple(Term("title_exact", t) for t in titles), min_should=1)
            b.boosters.extend(named_on_side(prefers, titled))

    if b.readings:  # the Chinese the letters most likely stand for, ranked like typed words
        # the whole query so read, its Chinese kept in place: shebao 缴费 ranks as 社保 缴费
        # does (QA pass 14: the phrase bonus went to 社保 alone, and put the documents writing
        # 社保 in passing above 社会保险法)
        reading = strip_skippable(
            _LETTERS.sub(lambda m: b.reading_of.get(m.group(), m.group()), plain)
        )
        if len(reading) >= 2:
            b.boosters.append(title_named(reading))
        # the whole reading as a phrase only where typed Chinese gets it, for several words: on
        # one word it put the documents writing 社保 above those writing 社会保险 (QA pass 8:
        # shebao ranked 社会保险法 fifth, 社保 typed ranks it first)
        if len(reading) >= 2 and len(b.pool) + len(b.weak) > 1:
            b.boosters.append(substring("body_bi", reading, WHOLE_PHRASE_BOOST) or MatchAll())
            b.boosters.append(substring("title_bi", reading, TITLE_PHRASE_BOOST) or MatchAll())

    # sorted by date, nothing ranks a document holding some of the words below those holding
    # all of them: the list holds the latter only (QA pass 17: 住房公积金 newest first was
    # budgets naming 住房, 18 of the first 50 holding 公积金)
    loose_k = min_should_match(len(b.pool) or len(b.common))  # what relevance requires
    node = b.combined(all_words=query.sort != "relevance", at_most=words_required)
    if node is None:
        node = MatchAll()
    # letters only, read from what the parser kept: a lone OR is syntax left dangling, not
    # the letters "or" (QA pass 18b: it answered every document as if searched as pinyin)
    typed = as_pinyin_query(typed_q) if clauses else None
    if b.written_only or b.not_pinyin or b.syllable_ends or b.meant:  # pdf, script, xi'an, hk
        typed = None
    if typed:  # letters only: the words as written, or pinyin of titles and key terms
        title_pinyin = pinyin_node(typed)
        if b.abbreviated and all(b.abbreviated):
            # letters that spell an abbreviation citizens type (dibao: 低保) mean it: the
            # titles' pinyin, which also holds every word search mode cuts out of a longer one
            # (湿地保护 → 地保: di'bao), ranked 10 wetland laws above 低保's rules (QA pass 23a)
            title_pinyin = Bool(should=(title_pinyin,), min_should=1, boost=PINYIN_KNOWN_BOOST)
        node = Bool(should=(node, title_pinyin), min_should=1)
    own_id = _DOCUMENT_ID.fullmatch(query.q.strip().lower())
    if own_id:  # a document's 文件编号, as its page and printout show it (QA pass 40b: a
        # reading-room patron told to ask staff for the original had nothing to give them)
        node = any_of(Term("id", own_id.group(), TITLE_EXACT_BOOST), node)
    if b.excluded:
        node = Bool(must=(node,), must_not=tuple(b.excluded))

    chosen = facet_filters(query, repealed)
    filters = _filters(query, chosen)
    folded = _fold(query.q)
    understood = Understanding(
        normalized=normalize(query.q),
        converted_script=normalize(query.q) != folded,
        words=tuple(b.words),
        ignored=tuple(b.ignored) + tuple(dropped) or _nothing_read(query.q, b),
        phrases=tuple(b.phrases),
        excluded=tuple(b.excluded_text),
        synonyms=tuple(b.synonyms),
        expansions=tuple(b.expanded),
        doc_numbers=tuple(b.docnos),
        index_numbers=tuple(b.index_nos),
        fields=tuple(b.fields),
        min_should_match=b.k if b.pool else 0,
        all_words=bool(b.pool) and b.k > loose_k,
        pinyin=typed or (),
        pinyin_words=tuple(b.readings),
        as_written=tuple(dict.fromkeys(b.as_written)),
        not_pinyin=tuple(dict.fromkeys(b.not_pinyin)),
        # a bonus orders nothing sorted by date: not said there (QA pass 22b)
        prefers=prefers if query.sort == "relevance" else "",
    )
    highlight = tuple(dict.fromkeys(h for h in b.highlight if strip_skippable(h)))
    highlight = highlight or tuple(dict.fromkeys(b.highlight_single))
    groups = tuple((t, g) for t, g in b.groups.items() if t in highlight)
    plan = Plan(query=node, filters=filters, highlight=highlight, groups=groups,
                facet_filters=chosen)
    return plan, understood


def _nothing_read(typed: str, b: _Builder) -> tuple[str, ...]:
    """A query in which nothing was read (``-``, ``OR``, ``""``, ``)))(((``) is said to be
    ignored, whole: the API answered every document with nothing in ``understood`` to tell a
    client why (QA pass 22b; the pages said so already)."""
    shown = " ".join(typed.split())
    read = (b.words or b.phrases or b.excluded_text or b.fields or b.docnos or b.index_nos
            or b.readings
            or b.pool or b.required or b.weak or b.common)  # fmt: skip
    return () if read or not shown else (shown[:MAX_QUERY_ECHO],)


def _validity(wanted: tuple[str, ...], repealed: frozenset[str]) -> Node | None:
    """The validity filter, where a document a later one repeals is 已废止 whatever its
    catalogue says (QA pass 31c: 有效 listed 契税暂行条例, which 契税法 repeals)."""
    stored = terms("validity", wanted)
    if stored is None or not repealed:
        return stored
    marked = terms("id", tuple(sorted(repealed)))
    assert marked is not None
    return any_of(
        Bool(must=(stored,), must_not=(marked,)), marked if "repealed" in wanted else None
    )


def facet_filters(
    query: Query, repealed: frozenset[str] = frozenset()
) -> tuple[tuple[str, Node], ...]:
    """The filters of the values chosen in each facet, by facet field."""
    chosen: tuple[tuple[str, Node | None], ...] = (
        ("category", terms("category", query.categories)),
        # a short name is the agency it stands for, as 机构: reads it (QA pass 22b:
        # agency=卫福部 found nothing, 机构:卫福部 62 documents)
        ("agency", terms("agency_key", agency_filter_keys(query.agencies))),
        ("validity", _validity(query.validity, repealed)),
        ("year", terms("year", query.years)),
    )
    return tuple((f, n) for f, n in chosen if n is not None)


def _filters(query: Query, chosen: tuple[tuple[str, Node], ...]) -> tuple[Node, ...]:
    out: list[Node] = [n for _, n in chosen]
    out.extend(visibility_filter(query.viewer, query.disclosure))
    if query.date_from or query.date_to:
        lo = int(query.date_from.strftime("%Y%m%d")) if query.date_from else None
        hi = int(query.date_to.strftime("%Y%m%d")) if query.date_to else None
        out.append(Range("date", lo, hi))
    return tuple(out)


def similar_query(title: str, keywords: tuple[str, ...] = ()) -> str:
    """Content words of a title plus its key terms: a search for documents like that one."""
    words = [w for w in query_words(normalize(title)) if w not in stopwords() and len(w) > 1]
    words += [normalize(k) for k in keywords]
    cleaned = [re.sub(r"[\"“”:：()（）|\-]", "", w) for w in dict.fromkeys(words)]
    return " ".join(w for w in cleaned if w)[:200]
