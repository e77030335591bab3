"""Pinyin keys, so titles can be found without a Chinese input method.

Reading-room kiosks have no IME: a patron types ``zhengwu gongkai``, ``zhengwugongkai`` or the
initials ``zwgk`` for 政务公开. At index time the title and the key terms of a document are cut
into words (jieba search mode, so the parts of a long word count too) and every run of whole
words (up to :data:`MAX_RUN_CHARS` characters) becomes one token of its joined full pinyin and
one of its initials: 政务 → ``zhengwu`` ``zw``, 政务公开 → ``zhengwugongkai`` ``zwgk``, and so on.
A typed string, spaces removed, is then a *prefix* of a run token exactly when the text holds
those words in order from a word boundary (the last one perhaps half typed) — so any number of
words, with or without spaces, is one ``Prefix`` query — and a string typed to a word's end is
an exact token that BM25 ranks.

Key terms (the catalog's 主题词 and the most frequent words of the body) are indexed the same way
with a ``_`` mark, so they find documents but rank below titles.

Readings come from pypinyin's phrase dictionary over the whole text (银行 → yinhang,
行政 → xingzheng); ü is written ``v`` (绿 → lv), as on every pinyin keyboard.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS
from pypinyin.converter import DefaultConverter
from pypinyin.core import Pinyin
from pypinyin.seg import mmseg

from analyzers import native
from analyzers.chars import is_han
from analyzers.lexicon import stopwords
from analyzers.pinyin_lexicon import split_run, typed_as_pinyin
from analyzers.segment import index_words_with_offsets

MAX_RUN_CHARS = 24  # a run token covers at most this many characters (most titles are shorter)
KEY_TERMS_FROM_BODY = 5  # the most frequent content words of the body also get pinyin keys
MAX_QUERY_LETTERS = 60
KEY_MARK = "_"  # prefix of tokens that come from key terms rather than the title

log = logging.getLogger(__name__)

_PINYIN_QUERY = re.compile(r"[a-z]+(?:[ '][a-z]+)*")


def _no_reading(chunk: str) -> list[str]:
    return [""] * len(chunk)


@lru_cache(maxsize=200_000)
def _word_readings(word: str, strict: bool) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(x)
        for x in DefaultConverter().convert(word, Style.NORMAL, False, _no_reading, strict=strict)
    )


class _CachedConverter(DefaultConverter):
    """pypinyin's converter with its result cached per segmented word.

    pypinyin cuts a text into phrases first and converts each phrase on its own (a pure
    function of the phrase), and that conversion, in Python, was most of ~0.4 ms per title:
    the largest analysis cost of a short document. The words of titles repeat (条例, 管理,
    办法…), so the readings are the same as uncached, computed once.
    """

    def convert(self, words, style, heteronym, errors, strict, **kwargs):  # type: ignore[no-untyped-def]
        if style != Style.NORMAL or heteronym or errors is not _no_reading or kwargs:
            return super().convert(words, style, heteronym, errors, strict, **kwargs)
        return [list(x) for x in _word_readings(words, strict)]


_PINYIN = Pinyin(_CachedConverter())

# pypinyin's own test of a Han character (``^(?:[…])+$``), as runs of Han and of other
# characters: the chunks its ``simpleseg._seg`` makes with a regex test per character
_HAN_CLASS = RE_HANS.pattern[len("^(?:") : -len(")+$")]
_HAN_RUNS = (
    re.compile(f"{_HAN_CLASS}+|[^{_HAN_CLASS[1:]}+")
    if RE_HANS.pattern.startswith("^(?:[") and RE_HANS.pattern.endswith("])+$")
    else None
)


def _lazy_pinyin(text: str) -> list[str]:
    """``_PINYIN.lazy_pinyin(text, style=Style.NORMAL, errors=_no_reading)``, the same list.

    pypinyin cuts a text into runs of Han and other characters (a Python loop with a regex
    test per character), cuts each Han run into phrases (mmseg) and reads each phrase; every
    step is a pure function of its run, so the runs are found with one regex and each run's
    readings are cached (titles repeat runs: 人民政府关于, 管理办法). Measured (issue 13):
    pypinyin's steps around the cached phrase readings were most of a title's pinyin keys.
    """
    if _HAN_RUNS is None or not text:
        return _PINYIN.lazy_pinyin(text, style=Style.NORMAL, errors=_no_reading)
    out: list[str] = []
    for run in _HAN_RUNS.findall(text):
        out.extend(_run_readings(run))
    return out


@lru_cache(maxsize=100_000)
def _run_readings(run: str) -> tuple[str, ...]:
    """The readings of one run of :func:`_lazy_pinyin`, as ``simpleseg.seg`` and
    ``Pinyin.pinyin`` make them: a Han run cut into phrases, each phrase read on its own."""
    phrases = mmseg.seg.cut(run) if PHRASES_DICT and RE_HANS.match(run) else (run,)
    return tuple(x for phrase in phrases for item in _word_readings(phrase, True) for x in item)


def _plain_syllable(x: str) -> str:
    return x if x.isalpha() and x.isascii() else ""


@lru_cache(maxsize=100_000)
def char_syllables(text: str) -> tuple[str, ...]:
    """One toneless syllable per character of ``text`` ("" for non-Han characters).

    pypinyin reads the whole text with its phrase dictionary (银行 → yin hang, 重庆 → chong qing)
    and returns exactly one item per character when non-Han runs are padded like this. Cached:
    key terms (the frequent words of bodies) repeat from document to document.
    """
    out = _lazy_pinyin(text)
    if len(out) != len(text):  # never seen on the corpus; fall back to character by character
        out = [lazy_pinyin(c, style=Style.NORMAL)[0] if is_han(c) else "" for c in text]
    return tuple(_plain_syllable(x) for x in out)


def _readings_table() -> (
    tuple[list[tuple[int, int]], list[tuple[str, str]], list[tuple[str, list[str]]]] | None
):
    """pypinyin's data as :func:`char_syllables` reads it, for the compiled path: the code
    point ranges of pypinyin's Han class (the runs of :func:`_lazy_pinyin`), every character's
    syllable and every phrase's (what ``_word_readings`` gives for it, filtered as
    :func:`char_syllables` filters: "" where there is none) — the phrases are also what
    ``mmseg`` matches prefixes of. The readings go through pypinyin's own converter
    (``convert_style``, once per distinct reading: ~0.1 s, not the ~4 s of ``_word_readings``
    on 89,000 entries). None if pypinyin's data is not of the shape this expects."""
    if _HAN_RUNS is None:
        return None
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]

    parsed = list(parser.parse(_HAN_CLASS))
    if len(parsed) != 1 or parsed[0][0] is not sre.IN:
        return None
    han: list[tuple[int, int]] = []
    for kind, value in parsed[0][1]:
        if kind is sre.LITERAL:
            han.append((value, value + 1))
        elif kind is sre.RANGE:
            han.append((value[0], value[1] + 1))
        else:
            return None
    convert = DefaultConverter().convert_style
    plain: dict[str, str] = {}

    def syllable(ch: str, reading: str) -> str:
        if reading not in plain:  # ``or ""``: ``_remove_dup_and_empty``
            plain[reading] = _plain_syllable(convert(ch, reading, Style.NORMAL, True) or "")
        return plain[reading]

    chars = [(chr(cp), syllable(chr(cp), raw.split(",")[0])) for cp, raw in PINYIN_DICT.items()]
    phrases: list[tuple[str, list[str]]] = []
    for phrase, readings in PHRASES_DICT.items():
        if len(readings) != len(phrase) or not all(readings):
            return None
        syls = [syllable(ch, r[0]) for ch, r in zip(phrase, readings, strict=True)]
        phrases.append((phrase, syls))
    return han, chars, phrases


@lru_cache(maxsize=1)
def native_pinyin() -> object | None:
    """The compiled :func:`text_tokens` (``govsearch_native.PinyinKeys``) with pypinyin's
    readings (:func:`_readings_table`), built on first use; None without the extension."""
    ext = native.EXTENSION
    if ext is None:
        return None
    table = _readings_table()
    if table is None:
        log.info("pinyin keys on the Python path: pypinyin's data is not of the expected shape")
        return None
    return ext.PinyinKeys(*table, MAX_RUN_CHARS)


def _words(text: str) -> list[tuple[int, int]]:
    """Word spans: jieba's search mode, so a long word also yields its parts
    (中华人民共和国政府 → 中华人民共和国, 政府 …) and typing can start at any of them."""
    return [(s, e) for _, s, e in index_words_with_offsets(text)]


def _join(syl: tuple[str, ...]) -> tuple[str, str]:
    kept = [x for x in syl if x]
    return "".join(kept), "".join(x[0] for x in kept)


def text_tokens(text: str) -> list[str]:
    """Index tokens of one normalised text: the joined full pinyin and initials of every run of
    whole words (up to :data:`MAX_RUN_CHARS` characters), single words included.

    Every run is its own token so that typing a whole run (zfxxgk for 政府信息公开) is an exact
    term BM25 can rank (shorter titles first), not only a prefix; a half-typed last word is
    still a prefix of some run.

    In compiled code when the extension is installed (:func:`native_pinyin`): the same list
    as :func:`text_tokens_python`, which stays the definition and the fallback.
    """
    keys = native_pinyin() if native.active() is not None else None
    if keys is not None:
        try:
            out = keys.text_tokens(text, _words(text))
        except UnicodeEncodeError:  # a lone surrogate has no UTF-8: the Python path
            out = None
        if out is not None:
            return out  # type: ignore[no-any-return]
    return text_tokens_python(text)


def text_tokens_python(text: str) -> list[str]:
    """:func:`text_tokens` in Python: the reference of the compiled path."""
    syl = char_syllables(text)
    spans = _words(text)
    ends = sorted({e for _, e in spans})
    out: list[str] = []
    for start in sorted({s for s, _ in spans}):
        if not syl[start]:
            continue
        full = initials = ""
        pos = start
        # the ends after ``start`` found by bisection, and the run kept as two growing strings
        # rather than lists joined again at every end (issue 13: ~13% of this function)
        for end in ends[bisect_right(ends, start) :]:
            if end - start > MAX_RUN_CHARS:
                break
            for x in syl[pos:end]:  # extend the run by the next word (built up once)
                if x:
                    full += x
                    initials += x[0]
            pos = end
            out.append(full)
            if len(initials) > 1:
                out.append(initials)
    return list(dict.fromkeys(out))


def key_terms(body_words: Iterable[str], n: int = KEY_TERMS_FROM_BODY) -> list[str]:
    """Up to ``n`` of the most frequent Han content words (two characters or more) of a body."""
    stop = stopwords()
    out: list[str] = []
    counts = Counter(body_words)  # counting every word runs in C; filtering after is cheap
    for w, _ in _most_common(counts, n * 10):
        if len(w) >= 2 and w not in stop and is_han(w[0]):
            out.append(w)
            if len(out) == n:
                break
    return out


def _most_common(counts: Counter[str], k: int) -> list[tuple[str, int]]:
    """``counts.most_common(k)``, the same list in the same order (count descending, ties in
    first-seen order), without ``heapq.nlargest``'s Python loop over every distinct word of a
    body: the k-th largest count is found by a sort of the counts in C, and only the words
    counted at least that often are ranked (issue 13: ~0.05 ms of ~0.26 per document)."""
    if len(counts) > k:
        floor = sorted(counts.values(), reverse=True)[k - 1]
        ranked = [(w, c) for w, c in counts.items() if c >= floor]
    else:
        ranked = list(counts.items())
    ranked.sort(key=itemgetter(1), reverse=True)  # stable: ties keep first-seen order
    return ranked[:k]


def document_tokens(title: str, terms: Iterable[str]) -> str:
    """The ``pinyin`` field of a document: its title's tokens, then its key terms' tokens.

    Key-term tokens carry the :data:`KEY_MARK` prefix so a query can rank a title match above
    a key-term match (and a homophone in the body, 伤害 for 上海, below a title that says 上海).
    """
    keys = native_pinyin() if native.active() is not None else None
    if keys is not None:
        try:
            joined = keys.text_tokens_joined(title, _words(title))
        except UnicodeEncodeError:
            joined = None
        if joined is not None:
            # the title's tokens are distinct already, and none starts with KEY_MARK as every
            # key-term token does: only the key terms' tokens are left to deduplicate
            marked = " ".join(dict.fromkeys(t for term in terms for t in _term_tokens(term)))
            return f"{joined} {marked}" if joined and marked else joined or marked
    tokens = text_tokens(title)
    for term in terms:
        tokens.extend(_term_tokens(term))
    return " ".join(dict.fromkeys(tokens))


@lru_cache(maxsize=100_000)
def _term_tokens(term: str) -> tuple[str, ...]:
    """The marked tokens of one key term. Cached: key terms are the frequent words of bodies
    and repeat from document to document (measured: pinyin keys were the largest analysis
    cost per document, ~0.7 ms, most of it the same few thousand terms cut again)."""
    return tuple(KEY_MARK + t for t in text_tokens(term))


def letters_only(q: str) -> bool:
    """Whether ``q`` is only ASCII letters (and spaces/apostrophes), as a kiosk types."""
    typed = " ".join(q.split()).lower()
    return bool(typed) and len(typed) <= MAX_QUERY_LETTERS and bool(_PINYIN_QUERY.fullmatch(typed))


def as_pinyin_query(q: str) -> tuple[str, ...] | None:
    """The typed syllable groups if ``q`` is only ASCII letters (and spaces/apostrophes), each
    run typed the way pinyin is (:func:`~analyzers.pinyin_lexicon.typed_as_pinyin`: not
    ``script``)."""
    if not letters_only(q):
        return None
    typed = " ".join(q.split()).lower()
    if not all(typed_as_pinyin(*split_run(run)) for run in typed.split(" ")):
        return None
    return tuple(t for t in re.split(r"[ ']", typed) if t)


def match_rank(title: str, typed: tuple[str, ...]) -> int:
    """0: the (normalised) title's pinyin starts with what was typed; 1: a word in it does;
    2: neither (the document matched by a key term)."""
    joined = "".join(typed)
    full, initials = _join(char_syllables(title))
    if full.startswith(joined) or initials.startswith(joined):
        return 0
    if any(t.startswith(joined) for t in text_tokens(title)):
        return 1
    return 2


def matches_in(text: str, typed: tuple[str, ...]) -> list[str]:
    """The parts of ``text`` that the typed letters stand for (to highlight them).

    A part starts at a word and is the shortest run of characters whose joined pinyin or
    initials equal what was typed, or start with it (the last syllable half typed).
    """
    joined = "".join(typed)
    if not joined or not text:
        return []
    syl = char_syllables(text)
    found: list[str] = []
    for start in sorted({s for s, _ in _words(text)}):
        if not syl[start]:
            continue
        full = initials = ""
        for end in range(start, min(len(text), start + MAX_RUN_CHARS)):
            if syl[end]:
                full += syl[end]
                initials += syl[end][0]
            if full.startswith(joined) or initials == joined:
                found.append(text[start : end + 1])
                break
            if not (joined.startswith(full) or joined.startswith(initials)):
                break
    return list(dict.fromkeys(found))
