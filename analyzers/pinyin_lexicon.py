"""Pinyin → Chinese words, from the index's own vocabulary (kiosks without an IME).

Typed letters are turned into the Chinese words they can stand for, and those words are then
searched like words typed in Chinese: bodies are reached at no indexing cost (no pinyin of body
text is stored) and both backends match the same documents, because they are given the same
words. The same table serves the kiosk's own input method (candidate words for the letters
typed so far, most documents first).

A word is keyed by its joined full pinyin (政务公开 → ``zhengwugongkai``) and, for words of two
characters or more, by its initials (``zwgk``). Readings come from pypinyin's phrase dictionary
(重庆 → chongqing, 银行 → yinhang), longest phrase first, then each character's most common
reading; a one-character word is keyed by its most common reading and every other reading
the phrase dictionary uses it with (行 → xing, hang), so an IME offers it for either, never for
a reading only the character table lists (市 fu). Looked up directly in pypinyin's tables:
``lazy_pinyin`` costs ~300 µs a word, this ~5 µs, which is what lets the table be rebuilt from
a term dictionary in seconds.
"""

from __future__ import annotations

import bisect
import copy
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from analyzers import shapes
from analyzers.lexicon import stopwords, synonyms
from analyzers.normalize import variants_folded
from analyzers.segment import data_lines, is_dictionary_word

MAX_WORD_CHARS = 8  # longer "words" are rare run-ons of the segmenter; nobody types them
MAX_PHRASE = 6
SLOT_CANDIDATES = 4  # words searched for one stretch of letters (homophones), most documents first
MIN_SHARE = 0.02  # a homophone with under 2% of the top one's documents is noise for a search
MAX_LATIN_LETTERS = 30  # longer runs of Latin letters in documents are not typed at a kiosk

_LATIN_WORD = re.compile("[a-z]+")
_HAN_WORD = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U000323af]+")


@lru_cache(maxsize=4096)
def _toneless(syllable: str) -> str:
    from pypinyin.contrib.tone_convert import to_normal

    out = to_normal(syllable)  # ü is written v, as on every pinyin keyboard
    return out if out.isascii() and out.isalpha() else ""


@cache
def char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character, the most common first."""
    from pypinyin.pinyin_dict import pinyin_dict

    raw = pinyin_dict.get(ord(ch))
    if not raw:
        return ()
    return tuple(dict.fromkeys(r for r in (_toneless(x) for x in raw.split(",")) if r))


@cache
def _readings_in_use() -> Mapping[str, frozenset[str]]:
    """Per character, the readings pypinyin's phrase dictionary reads it with (行: xing, hang,
    heng), built once (~0.6 s)."""
    used: dict[str, set[str]] = {}
    for phrase, readings in _phrases().items():
        if len(readings) == len(phrase):
            for ch, r in zip(phrase, readings, strict=True):
                used.setdefault(ch, set()).add(_toneless(r[0]))
    return {ch: frozenset(rs) for ch, rs in used.items()}


def typed_readings(ch: str) -> tuple[str, ...]:
    """The readings a one-character word is offered for: its most common one, and those the
    phrases of the language use (行 hang as in 银行). The character table also lists readings
    nobody types for them (市 fu, 月 ru, 仅 nu), and an IME ranking by documents put 不 first
    for fu and 需 for nuo (QA pass 6)."""
    readings = char_readings(ch)
    if not readings:
        return ()
    used = _readings_in_use().get(ch, frozenset())
    return tuple(r for i, r in enumerate(readings) if i == 0 or r in used)


@cache
def syllables() -> frozenset[str]:
    """Every toneless syllable some character is read as (zheng, wu, lv …)."""
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(
        r for raw in pinyin_dict.values() for r in (_toneless(x) for x in raw.split(",")) if r
    )


@cache
def _syllable_starts() -> frozenset[str]:
    """Every proper start of two letters or more of a syllable that is no syllable itself
    (fe of fei, zhua of zhuang, not zhu)."""
    whole = syllables()
    return frozenset(
        x[:k] for x in whole for k in range(2, len(x)) if x[:k] not in whole
    )


def _half_syllable_at(letters: str, stops: Iterable[int] = ()) -> int | None:
    """Where a last syllable typed past its initial but not whole begins, after whole
    syllables (sangzangfe: 8), or None."""
    starts = _syllable_starts()
    n = len(letters)
    for k in range(max(0, n - 5), n - 1):
        if letters[k:] in starts and _typed_ways(letters[:k], [b for b in stops if b < k])[0]:
            return k
    return None


@cache
def initial_letters() -> frozenset[str]:
    """The letters a syllable can begin with: every letter but i, u and v."""
    return frozenset(s[0] for s in syllables())


def split_run(run: str) -> tuple[str, tuple[int, ...]]:
    """A run of letters typed with apostrophes (``xi'an``) as its letters and the offsets the
    apostrophes stood at, where a syllable ends (``("xian", (2,))``)."""
    groups = [g for g in run.split("'") if g]
    ends, at = [], 0
    for g in groups[:-1]:
        at += len(g)
        ends.append(at)
    return "".join(groups), tuple(ends)


_DOTTED_U = re.compile("([a-z])(?:ü|u:)")
_TONES = re.compile("[\u0300\u0301\u0304\u030c]")  # grave, acute, macron, caron
_SPACES = re.compile(r"\S+")


def dotted_u_as_v(text: str) -> str:
    """``text`` with ü typed as itself or as ``u:`` (``nü``, ``lu:``), and tone marks
    (``zhèngwù gōngkāi``, ``lǜ``: QA pass 15 found 0 results and 滥用) left off, written as pinyin
    keyboards and this lexicon write it: v after l and n (女 nv, 绿 lv), u after j, q, x, y
    (where pinyin writes no dots); ``nü`` was read as n + ü (内, 纳入) (QA pass 14). Only in
    a piece then typed as pinyin: a foreign name (Müller) stays as written."""

    def piece(m: re.Match[str]) -> str:
        typed = _without_tone_digits(m.group())
        # tone marks typed or pasted (zhèngwù, lǜ, a decomposed ü) fold away; the dots stay
        bare = unicodedata.normalize("NFC", _TONES.sub("", unicodedata.normalize("NFD", typed)))
        folded = _DOTTED_U.sub(lambda u: u[1] + ("v" if u[1] in "ln" else "u"), bare.lower())
        if folded == typed.lower():
            return typed
        return folded if typed_as_pinyin(*split_run(folded)) else typed

    return _SPACES.sub(piece, text)


_TONE_DIGITS = re.compile(r"(?:[a-zü]+[1-5]){2,}[a-zü]*", re.IGNORECASE)


def _without_tone_digits(typed: str) -> str:
    """Pinyin with tone numbers (``sang1zang4fei4``, ``hu4kou3``: as pinyin is taught, typed on
    the kiosk keyboard's digit row; QA pass 40b found 0 results where the input method read
    them) as its syllables apart, ``sang'zang'fei``: two numbered syllables at least, each a
    whole syllable, so ``a4``, ``mp3`` or ``g20`` stay as typed."""
    if not _TONE_DIGITS.fullmatch(typed):
        return typed
    parts = re.findall("[a-zü]+", typed, re.IGNORECASE)
    numbered = parts if typed[-1].isdigit() else parts[:-1]
    if not all(whole_syllables(p.lower().replace("ü", "v")) for p in numbered):
        return typed
    return "'".join(parts)


def typed_as_pinyin(letters: str, breaks: Iterable[int] = ()) -> bool:
    """Whether ``letters`` are typed the ways people type pinyin: whole syllables, initials,
    or whole syllables then initials (``zhengwu``, ``zwgk``, ``zhengwugk``; a last syllable
    half typed, ``gongjij``, is whole syllables then initials too). ``breaks`` are offsets a
    syllable may not run across (where an apostrophe was typed: ``xi'an``).

    Why: any string of letters can be cut into *some* keys of a large lexicon if initials and
    syllables may alternate, so English read as Chinese (``script``: the initials sc, the
    syllable ri, the initials pt; QA found 1,467 results, none about a script). A patron
    abbreviates at the end of what they type, never back and forth; and no syllable holds the
    letters of covid, iso or wifi (co, i…, wi).
    """
    full, abbreviated = _typed_ways(letters, breaks)
    return full or abbreviated


def whole_syllables(run: str) -> bool:
    """Whether a run of letters (apostrophes ending syllables) is whole syllables only
    (``zhengwu``, ``xi'an``; not ``zwgk``, ``gongjij``)."""
    return _typed_ways(*split_run(run))[0]


def _typed_ways(letters: str, breaks: Iterable[int] = ()) -> tuple[bool, bool]:
    """Whether ``letters`` are whole syllables, and whether whole syllables then initials."""
    n = len(letters)
    if not n or not letters.isascii() or not letters.isalpha():
        return False, False
    stops = set(breaks)
    whole, initials = syllables(), initial_letters()
    longest = max(map(len, whole))
    full = [False] * (n + 1)  # letters[:i] is whole syllables
    abbreviated = [False] * (n + 1)  # ... then initials, at least one
    full[0] = True
    for i in range(n):
        if full[i]:
            for j in range(i + 1, min(n, i + longest) + 1):
                if letters[i:j] in whole and not any(i < b < j for b in stops):
                    full[j] = True
        if (full[i] or abbreviated[i]) and letters[i] in initials:
            abbreviated[i + 1] = True
    return full[n], abbreviated[n]


@cache
def _phrases() -> Mapping[str, list[list[str]]]:
    from pypinyin.phrases_dict import phrases_dict

    return phrases_dict


@cache
def _typed_readings_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """``analyzers/data/pinyin_readings.txt``: the reading typed for a character in every word,
    and words' readings the phrase dictionary lacks or has otherwise than people type them."""
    chars: dict[str, str] = {}
    words: dict[str, tuple[str, ...]] = {}
    for line in data_lines("pinyin_readings.txt"):
        text, *reading = line.split()
        if len(text) == 1 and len(reading) == 1:
            chars[text] = reading[0]
        elif len(reading) == len(text):
            words[text] = tuple(reading)
    return chars, words


def word_syllables(word: str, as_typed: bool = True) -> tuple[str, ...] | None:
    """One toneless syllable per character of a Han word (None if it is not all Han), as people
    type it (``as_typed``: data/pinyin_readings.txt) or as the phrase dictionary reads it."""
    if not _HAN_WORD.fullmatch(word):
        return None
    phrases = _phrases()
    typed_chars, typed_words = _typed_readings_table() if as_typed else ({}, {})
    out: list[str] = []
    i = 0
    while i < len(word):
        for n in range(min(MAX_PHRASE, len(word) - i), 1, -1):
            typed = typed_words.get(word[i : i + n])
            if typed is not None:
                out.extend(typed)
                i += n
                break
            reading = phrases.get(word[i : i + n])
            if reading and len(reading) == n:
                out.extend(_toneless(r[0]) for r in reading)
                i += n
                break
        else:
            readings = char_readings(word[i])
            if not readings:
                return None
            out.append(readings[0])
            i += 1
    if typed_chars:
        out = [typed_chars.get(ch, r) for ch, r in zip(word, out, strict=True)]
    return tuple(out) if all(out) else None


SPAN_READINGS = 8  # readings of a typed span tried for homophones, its usual one first


def span_readings(span: str, limit: int = SPAN_READINGS) -> list[str]:
    """The letters a typed span may have been typed as: its usual reading first, then the
    other readings of its characters (长 is zhang in 赔长 but was typed as chang, for 赔偿: QA
    pass 19), at most ``limit``. A typo's wrong character was picked from an input method's
    list for the letters of the meant word, so any reading words give it may be the one
    typed."""
    usual = word_syllables(span)
    if usual is None:
        return []
    out = ["".join(usual)]
    # the readings words are read with (假: jia; not jie, xia, ge, which offered 年节 for 年假)
    used = _readings_in_use()
    options = [
        (syl, *sorted(used.get(ch, frozenset()) - {syl}))
        for ch, syl in zip(span, usual, strict=True)
    ]
    for combo in itertools.product(*options):
        if len(out) >= limit:
            break
        key = "".join(combo)
        if key not in out:
            out.append(key)
    return out


def word_keys(word: str) -> tuple[str, ...]:
    """The letters a word can be typed as: full pinyin, and initials for longer words.

    Not cached: a cache of every word's keys kept across rebuilds held 32 MB of a serving
    process at 100k documents to save 1.1 CPU s of a background rebuild (measured: first
    build 4.2 → 3.1 CPU s without it, rebuilds 2.0 → 3.1)."""
    if len(word) == 1:
        return _with_u(typed_readings(word)) if _HAN_WORD.fullmatch(word) else ()
    syl = word_syllables(word)
    if not syl:
        return ()
    # the dictionary's reading too, where people type another (献血: xianxue, and xianxie)
    read = word_syllables(word, as_typed=False) or syl
    full = dict.fromkeys(("".join(syl), "".join(read)))
    return (*_with_u(tuple(full)), "".join(s[0] for s in syl))


def _syllables_end_at(word: str, offsets: list[int]) -> bool:
    """Whether the full pinyin of ``word`` has a syllable end at each of ``offsets``."""
    syl = word_syllables(word) if len(word) > 1 else None
    if not syl:
        return False
    ends, at = set(), 0
    for s in syl:
        at += len(s)
        ends.add(at)
    return all(o in ends for o in offsets)


@lru_cache(maxsize=4096)
def _syllable_cuts(letters: str, limit: int = 8) -> tuple[tuple[str, ...], ...]:
    """The ways ``letters`` are whole syllables (xian: xian, xi + an), at most ``limit``."""
    if not letters:
        return ((),)
    whole = syllables()
    out: list[tuple[str, ...]] = []
    for k in range(min(len(letters), 6), 0, -1):
        head = letters[:k]
        if head in whole:
            out.extend((head, *rest) for rest in _syllable_cuts(letters[k:], limit))
            if len(out) >= limit:
                break
    return tuple(out[:limit])


MISHEARD_MIN_DOCS = 10
MISHEARD_TRIES = 64  # spellings tried per cut into syllables
_LIKE_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_LIKE_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def _slips(syllable: str) -> tuple[str, ...]:
    """``syllable`` and the syllables a southern speaker's slip makes of it or it of them."""
    out = [syllable]
    for hard, soft in _LIKE_INITIALS:
        if syllable.startswith(hard):
            out.append(soft + syllable[len(hard) :])
        elif syllable.startswith(soft):
            out.append(hard + syllable[len(soft) :])
    if syllable[0] in "nl":
        out.append(("l" if syllable[0] == "n" else "n") + syllable[1:])
    for hard, soft in _LIKE_FINALS:
        if syllable.endswith(hard):
            out.extend(o[: -len(hard)] + soft for o in list(out))
        elif syllable.endswith(soft):
            out.extend(o + "g" for o in list(out))
    whole = syllables()
    return tuple(dict.fromkeys(o for o in out if o in whole))


def _starts_with(word: str, syls: tuple[str, ...]) -> bool:
    """Whether ``word`` is read with ``syls`` first (ü typed v or u)."""
    own = word_syllables(word)
    if not own or len(own) <= len(syls):
        return False
    return all(t in (o, o.replace("v", "u")) for t, o in zip(syls, own, strict=False))


def _with_u(keys: tuple[str, ...]) -> tuple[str, ...]:
    """ü is typed v on pinyin keyboards, and u where there is no v habit (女工 as nugong, 绿化
    as luhua): both are keys (QA pass 6: nugong found no 女)."""
    return tuple(dict.fromkeys([*keys, *(k.replace("v", "u") for k in keys if "v" in k)]))


# a number written in words (第八十七, 一百): never what initials stand for (QA pass 32b: dbsq,
# 低保申请 at a kiosk, read as 第八十七 and found the laws' 87th articles)
_NUMERAL_WORD = re.compile(
    r"^第[零〇一二两三四五六七八九十百千]+[条章节款项号]?$|^[零〇一二两三四五六七八九十百千]+[条章节款项]$"
)  # (an article's number; 十四五, 千万, 一百 are words people mean)


class Slot(NamedTuple):
    """One stretch of typed letters read as words: the key, whether it is typed as initials,
    and the words of the index it can be, most documents first."""

    key: str
    initials: bool
    words: tuple[str, ...]


class PinyinLexicon:
    """Letters → words, built from ``(word, document count)`` pairs.

    Words made of Han characters are keyed by their pinyin; counts rank homophones (正午 below
    政务) and choose how a run of letters is cut into words. Words of Latin letters are kept
    apart with their counts (:meth:`written`): letters the documents write as a word (pdf,
    wto) are that word before they are pinyin.
    """

    FORMAT = 7  # a table kept on disk by another version of this class is built anew (3: Latin
    # words counted outside addresses, :func:`search_index.lexicon.build`; 4: an abbreviation
    # counted only as what it abbreviates; 5: public documents' 文号 prefixes; 6: those counted
    # by search, on Elasticsearch too; 7: readings as typed, data/pinyin_readings.txt)

    def __init__(self, counts: Iterable[tuple[str, int]]) -> None:
        self.format = self.FORMAT
        self.counts: dict[str, int] = {}
        self.latin: dict[str, int] = {}
        for word, n in counts:
            if _LATIN_WORD.fullmatch(word):
                if n > self.latin.get(word, 0) and len(word) <= MAX_LATIN_LETTERS:
                    self.latin[word] = n
            elif n > self.counts.get(word, 0) and len(word) <= MAX_WORD_CHARS:
                self.counts[word] = n
        by_key: dict[str, list[str]] = {}
        for word in list(self.counts):
            keys = word_keys(word)
            if not keys:
                del self.counts[word]
                continue
            for k in keys:
                if k in by_key:
                    by_key[k].append(word)
                else:
                    by_key[k] = [word]
        self._by_key = by_key  # each list is ranked when first looked up (most are never)
        self._ranked: set[str] = set()
        self._typed: dict[tuple[str, bool], tuple[str, ...]] = {}
        self._sorted_keys = sorted(by_key)
        self._longest = max(map(len, by_key), default=0)

    def without(self, words: Iterable[str]) -> PinyinLexicon:
        """A copy of the table without ``words``, the rest shared: a document withdrawn or
        deleted takes the words only it held out of the readings at once, not when the next
        build lands seconds (on Elasticsearch, up to a minute) later (QA pass 34b: anonymous
        searches read chuanshanjia as the withdrawn 穿山甲 for 3 s, and the candidates'
        letter count said a word spelled all twelve letters). Readers of this table in other
        threads are never disturbed: the copy is another object."""
        words = set(words)
        gone = {w for w in words if w in self.counts}
        latin = {w for w in words if w in self.latin}
        if not gone and not latin:
            return self
        out = copy.copy(self)
        out.latin = {w: n for w, n in self.latin.items() if w not in latin}
        out.counts = {w: n for w, n in self.counts.items() if w not in gone}
        by_key = dict(self._by_key)
        for word in gone:
            for k in word_keys(word):
                kept = [w for w in by_key.get(k, ()) if w not in gone]
                if kept:
                    by_key[k] = kept
                else:
                    by_key.pop(k, None)
        out._by_key = by_key
        # readers add to _ranked while this runs: copied in one call before it is walked (the
        # review: "set changed size during iteration" failed a committed withdrawal)
        ranked = set(self._ranked)
        out._ranked = {k for k in ranked if k in by_key and by_key[k] is self._by_key.get(k)}
        out._typed = {}
        out._sorted_keys = sorted(by_key)
        out._longest = max(map(len, by_key), default=0)
        return out

    def _entries(self, key: str) -> list[str]:
        ws = self._by_key.get(key)
        if ws is None:
            return []
        if key not in self._ranked:  # a sorted copy: readers in other threads never see a half
            counts = self.counts
            ws = sorted(ws, key=lambda w: (-counts[w], len(w), w))
            self._by_key[key] = ws
            self._ranked.add(key)
        return ws

    def _typed_so(self, key: str, initials: bool) -> tuple[str, ...]:
        """The words ``key`` types in full pinyin, or as initials (one letter a character: a
        full reading has more letters than characters, but for words of lone vowels)."""
        found = self._typed.get((key, initials))
        if found is None:
            found = tuple(
                w for w in self._entries(key)
                if (len(w) > 1 and len(w) == len(key)) == initials
                and not (initials and _NUMERAL_WORD.match(w))
            )  # fmt: skip
            self._typed[(key, initials)] = found
        return found

    def misheard(self, letters: str) -> tuple[str, str] | None:
        """The word (of at least :data:`MISHEARD_MIN_DOCS` documents; of the fewest syllables
        changed, then most documents) that ``letters`` spell with slips of southern speech
        undone (:func:`_slips`: sh/s, zh/z, ch/c, n/l, ang/an, eng/en, ing/in), and its
        letters; None if there is none.
        shangzang is 丧葬 (sangzang), lianling 年龄, sebao 社保 (QA pass 32b: a reading-room
        terminal's elderly patrons type so, and were told nothing)."""
        best: tuple[int, int, str, str] | None = None  # (-syllables changed, count, …)
        for cut in _syllable_cuts(letters):
            for combo in itertools.islice(itertools.product(*map(_slips, cut)), MISHEARD_TRIES):
                key = "".join(combo)
                if key == letters:
                    continue
                for word in self._typed_so(key, False)[:1]:
                    if len(word) < 2:  # a character: sui for shui is no slip, only a guess
                        continue
                    n = self.counts[word]
                    rank = (-sum(a != b for a, b in zip(cut, combo, strict=True)), n, key, word)
                    if n >= MISHEARD_MIN_DOCS and (best is None or rank > best):
                        best = rank
        return None if best is None else (best[2], best[3])

    def slipped(self, letters: str) -> tuple[str, str] | None:
        """The word (of at least :data:`MISHEARD_MIN_DOCS` documents, the most documents
        first) that ``letters`` spell with one key slipped on a tap keyboard undone — a letter
        left out, doubled or stray, two swapped, one for another — as whole syllables of two
        or more characters, and its letters; None if there is none. hukuo is 户口 (hukou),
        shebo 社保, tuixujin 退休金 (QA pass 40b: each found nothing, with no suggestion)."""
        if not 4 <= len(letters) <= 24 or not letters.isascii() or not letters.isalpha():
            return None
        alphabet = "abcdefghijklmnopqrstuvwxyz"
        n = len(letters)
        # a letter left out, doubled, stray or two swapped first; one for another only where
        # none of those spells a word (QA pass 49d: dibbao was offered 地表, a substitution,
        # over 低保, the doubled b undone; shegbao 申报 over 社保, its stray g left out)
        tiers: dict[str, int] = {}
        for key, tier in itertools.chain(
            ((letters[:i] + letters[i + 1 :], 0) for i in range(n)),
            ((letters[:i] + letters[i + 1] + letters[i] + letters[i + 2 :], 0)
             for i in range(n - 1)),
            ((letters[:i] + c + letters[i:], 0) for i in range(n + 1) for c in alphabet),
            ((letters[:i] + c + letters[i + 1 :], 1) for i in range(n) for c in alphabet),
        ):  # fmt: skip
            tiers[key] = min(tier, tiers.get(key, tier))
        tiers.pop(letters, None)
        best: tuple[int, int, str, str] | None = None  # (-tier, documents, key, word)
        for key, tier in tiers.items():
            if key not in self._by_key or not whole_syllables(key):
                continue
            for word in self._typed_so(key, False)[:1]:
                n_docs = self.counts[word]
                if len(word) >= 2 and n_docs >= MISHEARD_MIN_DOCS and (
                    best is None or (-tier, n_docs, key) > best[:3]
                ):
                    best = (-tier, n_docs, key, word)
        return None if best is None else (best[2], best[3])

    def holds(self, word: str) -> bool:
        """Whether the table holds ``word``: a word of public documents, or one the search
        reads typed in Chinese though no text writes it (the synonym file's short forms, the
        文号 prefixes)."""
        return word in self.counts

    def __len__(self) -> int:
        return len(self.counts)

    def written(self, letters: str) -> int:
        """How many documents write ``letters`` as a word of their own (pdf, wto, tainan)."""
        return self.latin.get(letters, 0)

    def words(self, key: str, limit: int = SLOT_CANDIDATES) -> list[str]:
        """Words typed exactly as ``key`` (full pinyin or initials), most documents first."""
        return self._entries(key)[:limit]

    def search_words(self, key: str) -> list[str]:
        """The words a search for ``key`` uses: the top few, without rare homophones."""
        return self.searched(self.words(key))

    def searched(self, words: Iterable[str]) -> list[str]:
        """Of words one stretch of letters can be (most documents first), those a search
        uses: the top few, without rare homophones."""
        found = list(words)[:SLOT_CANDIDATES]
        if not found:
            return []
        top = self.counts[found[0]]
        return [w for w in found if self.counts[w] >= top * MIN_SHARE]

    def abbreviation(self, words: Sequence[str]) -> str | None:
        """Of the words one stretch of letters spells (most documents first), the synonym
        file's abbreviation citizens type (低保, 医保, 社保), if it is no rare homophone (in
        :data:`MIN_SHARE` of the top word's documents): the word both search and the kiosk's
        candidate bar read the letters as first. Looked for among every word, not only the few
        most used: initials spell many words, and sb read 十八 (第十八条), 设备, 申报, 三百,
        never 社保 (QA); dibao read 地保 (cut out of 湿地保护) before 低保 (QA pass 8)."""
        if not words:
            return None
        floor = self.counts[words[0]] * MIN_SHARE
        return next((w for w in words if self.counts[w] >= floor and synonyms().get(w)), None)

    def segment(self, letters: str) -> list[str] | None:
        """The keys of :meth:`read` (``zhengwugongkai`` → ``["zhengwugongkai"]``)."""
        slots = self.read(letters)
        return [s.key for s in slots] if slots else None

    def read(self, letters: str, breaks: Iterable[int] = ()) -> list[Slot] | None:
        """Cut a run of letters into keys of known words, the way :func:`typed_as_pinyin`
        allows (whole syllables, then initials): fewest words first, then the most frequent
        (``zhengwugongkai`` → one word 政务公开 if the index has it, else 政务 + 公开). A key in
        full pinyin stands only for words spelled so, never for words it is the initials of
        (da is 大, not 档案), and a syllable never runs across one of ``breaks`` (``xi'an`` is
        西安, not 县). None if the letters cannot be read as words of the index.

        Letters that can be read no other way may end a word in its initials after whole
        syllables (``gongjij``: gong ji + j of 公积金, its last syllable half typed): a lone
        initial is never a word of its own, so this was read as nothing (QA). They are also
        read so where that takes fewer words than a reading that ends in initials of words of
        their own: ``yanglaoj`` is 养老金, not 养 + 立案 (la) + 瓯江 (oj), which found nothing
        (QA pass 40b: sangzangf, sangzangfe and yanglaoj found 0 while the input method
        offered 丧葬费 and 养老金)."""
        n = len(letters)
        if n == 0:
            return None
        stops = sorted(set(breaks))
        plain = self._read(letters, stops, False)
        if plain is not None and (len(plain) < 2 or not any(s.initials for s in plain)):
            return plain
        mixed = self._read(letters, stops, True)
        best = mixed if plain is None or (mixed is not None and len(mixed) < len(plain)) else plain
        if best is not None and len(best) < 2:
            return best
        # a last syllable typed past its initial but not whole (sangzangfe: fe of fei) is read
        # as that initial (QA pass 40b: 0 results)
        cut = _half_syllable_at(letters, stops)
        if cut is not None:
            shorter = self._read(letters[: cut + 1], stops, True)
            if shorter is not None and (best is None or len(shorter) < len(best)):
                return shorter
        return best

    def read_head(self, letters: str, breaks: Iterable[int] = ()) -> list[Slot] | None:
        """:meth:`read` of the longest start of ``letters`` that reads as words of the index (all
        of them if they read). An input method converts a sentence from its start: typed without
        a choice, ``fangdongbutuiyajinzenmebanwo…`` reads as nothing past ``wo`` (no word of the
        index), and the kiosk's candidate bar went empty instead of offering 房东 (QA pass 23a)."""
        if not letters:
            return None
        stops = sorted(set(breaks))
        plain = self._reach(letters, stops, False, head=True)
        if plain is not None and plain[0] == len(letters):
            return plain[1]  # all of them, as read() has them (the mixed pass costs more)
        mixed = self._reach(letters, stops, True, head=True)
        if plain is None or mixed is None:
            best = plain or mixed
        else:  # the reading of more letters; of as many, the one read() gives (whole syllables)
            best = mixed if mixed[0] > plain[0] else plain
        return best[1] if best else None

    def _read(self, letters: str, stops: list[int], mixed: bool) -> list[Slot] | None:
        """:meth:`read`, with words typed as syllables then initials if ``mixed``."""
        reached = self._reach(letters, stops, mixed)
        return reached[1] if reached else None

    def _reach(
        self, letters: str, stops: list[int], mixed: bool, head: bool = False
    ) -> tuple[int, list[Slot]] | None:
        """How many letters are read, and how: all of them, or with ``head`` the longest start
        of them that can be read."""
        n = len(letters)
        # best[(i, initials begun)] = (words, -sum of log counts, slots) for letters[:i]
        best: dict[tuple[int, bool], tuple[int, float, tuple[Slot, ...]]] = {
            (0, False): (0, 0.0, ())
        }
        for i in range(n):
            for begun in (False, True):
                here = best.get((i, begun))
                if here is None:
                    continue
                for j in range(i + 2, min(n, i + self._longest) + 1):  # a lone letter: never
                    key = letters[i:j]
                    if key not in self._by_key:
                        continue
                    inside = [b - i for b in stops if i < b < j]
                    for initials in (True,) if begun else (False, True):
                        ws = self._typed_so(key, initials)
                        if inside and not initials:
                            ws = tuple(w for w in ws if _syllables_end_at(w, inside))
                        if not ws:
                            continue
                        cand = (
                            here[0] + 1,
                            here[1] - math.log1p(self.counts[ws[0]]),
                            here[2] + (Slot(key, initials, ws),),
                        )
                        old = best.get((j, initials))
                        if old is None or cand[:2] < old[:2]:
                            best[(j, initials)] = cand
                if mixed and not begun:
                    for j, slot in self._mixed_words(letters, i, stops):
                        cand = (
                            here[0] + 1,
                            here[1] - math.log1p(self.counts[slot.words[0]]),
                            here[2] + (slot,),
                        )
                        old = best.get((j, True))
                        if old is None or cand[:2] < old[:2]:
                            best[(j, True)] = cand
        if head:
            n = max(i for i, _ in best)
            if n == 0:
                return None
        ends = [b for b in (best.get((n, False)), best.get((n, True))) if b is not None]
        return (n, list(min(ends, key=lambda b: b[:2])[2])) if ends else None

    def _mixed_words(self, letters: str, i: int, stops: list[int]) -> list[tuple[int, Slot]]:
        """Words typed from ``letters[i]`` as whole syllables then initials, one a character
        (公积金 as gongjij), with where each ends: the syllables (cut every way they can be,
        never across one of ``stops``) and the initials make the word's initials, and the
        syllables must be the word's own first ones."""
        out: list[tuple[int, Slot]] = []
        starts = initial_letters()
        for j in range(i + 3, min(len(letters), i + self._longest) + 1):
            stretch = letters[i:j]
            for cut in range(j - 1, i, -1):  # letters[cut:j] are initials, at least one
                if letters[cut] not in starts:
                    break
                if any(i < b < j for b in stops):
                    break
                for syls in _syllable_cuts(letters[i:cut]):
                    key = "".join(x[0] for x in syls) + letters[cut:j]
                    words = tuple(
                        w for w in self._typed_so(key, True) if _starts_with(w, syls)
                    )
                    if words:
                        out.append((j, Slot(stretch, True, words)))
        return out

    def candidates(self, typed: str, limit: int = 10) -> list[str]:
        """Input-method candidates for letters typed so far (see :meth:`candidates_for`)."""
        return self.candidates_for(typed, limit)[0]

    def candidates_for(self, typed: str, limit: int = 10) -> tuple[list[str], int]:
        """Input-method candidates for letters typed so far: words typed exactly so (full
        pinyin or initials), the synonym file's abbreviation first as search reads it
        (:meth:`abbreviation`), then words whose pinyin starts with them (the last syllable half
        typed), most documents first; failing both, the words the first stretch can be. With
        them, how many of the letters they stand for: all, or the first stretch only
        (fangdongyajin → 房东 for fangdong), so an input method replaces those letters only and
        keeps the rest for the next choice.

        An apostrophe or a space between letters ends a syllable, as in search (:meth:`read`):
        ``xi'an`` and ``xi an`` offer 西安 and 西岸, never 县 or 先 (QA pass 14)."""
        run = "'".join(re.findall("[a-z]+", dotted_u_as_v(typed.lower())))
        letters, breaks = split_run(run)
        if not letters or limit < 1:
            return [], 0

        def fits(word: str, key: str) -> bool:  # a syllable ends at every break (not initials)
            return not breaks or (len(word) == len(key) > 1) or _syllables_end_at(word, breaks)

        exact = [w for w in self._entries(letters) if fits(w, letters)]
        known = self.abbreviation(exact)
        if known is not None:  # read as search reads it (sb: 社保 before 十八, 设备)
            exact = [known, *(w for w in exact if w != known)]
        out = exact[:limit]
        lo = bisect.bisect_left(self._sorted_keys, letters)
        more: set[str] = set()
        for key in self._sorted_keys[lo : lo + 400]:
            if not key.startswith(letters):
                break
            if key != letters:
                more.update([w for w in self._entries(key) if fits(w, key)][:limit])
        out += sorted(more - set(out), key=lambda w: (-self.counts[w], len(w), w))
        covered = len(letters)
        if not out:
            cut = self.read_head(letters, breaks)  # all the letters, or their first stretch
            if cut:
                out = self._entries(cut[0].key)
                known = self.abbreviation(out)  # as the stretch typed alone offers it (QA
                # pass 36a: fangdong offered 房东 first, fangdongyajin 防冻)
                out = ([known] if known else []) + [w for w in out if w != known][:limit]
                covered = len(cut[0].key)
        out = list(dict.fromkeys(out))
        # a word jieba only guessed, in a document or two (率时, 绿石 for lvshi; 击车 for jiche:
        # QA pass 23a), is offered after the words of the dictionary and of many documents;
        # a longer word than the letters spell passes one they spell only if many documents
        # use it (QA pass 26c: buhuan offered 不慌不忙, of one document, before 补换)
        spelled = set(exact)
        out = sorted(out, key=lambda w: self._stray(w, w in spelled))[:limit]  # stable
        return out, covered if out else 0

    def _stray(self, word: str, spelled: bool = True) -> bool:
        rare = self.counts.get(word, 0) < STRAY_MAX_DOCS
        return rare and (not spelled or not is_dictionary_word(word))


STRAY_MAX_DOCS = 5  # fewer documents than this, and not a dictionary word: a guess of jieba's


# -- typos and homophones ------------------------------------------------------------------
MIN_CORRECTION_DOCS = 3  # a suggestion is a word at least this many documents use
CORRECTION_RATIO = 30  # ... and that many times more documents than the typed form
REAL_WORD_CANDIDATES = 3  # homophones tried for a typed word that is itself a word


def _tokens_within(tokens: list[str], i: int, j: int) -> list[tuple[int, str]]:
    """The tokens lying wholly inside characters ``i:j`` of their concatenation, each with its
    offset from ``i``."""
    out, at = [], 0
    for t in tokens:
        if at >= i and at + len(t) <= j:
            out.append((at - i, t))
        at += len(t)
    return out


def _token_at(tokens: list[str], k: int) -> str:
    """The token holding character ``k`` of their concatenation."""
    at = 0
    for t in tokens:
        at += len(t)
        if k < at:
            return t
    return ""


def _differing(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


QUESTION_CHARS = frozenset("哪吗呢啥谁")  # characters only a question types


def _only_stops_changed(span: str, word: str, stops: list[tuple[int, str]]) -> bool:
    """Whether ``word``, of three characters or more, differs from ``span`` only in characters
    of its stop words (``stops``: their offsets in the span, and the words) and keeps a character
    of the span's own: a slip onto a stop word's character (所的税 for 所得税, the commonest
    slip of written Chinese, was offered nothing: QA pass 49b), which a span of stop words
    alone never is, nor a question typed as meant (档案在哪 was offered 档案在内, 材料交哪
    材料交纳: QA pass 49c)."""
    inside = {a + k for a, t in stops for k in range(len(t))}  # (offsets within the span)
    changed = [k for k, (x, y) in enumerate(zip(span, word, strict=True)) if x != y]
    return (
        len(word) >= 3
        and all(k in inside for k in changed)
        and any(k not in inside for k in range(len(span)))
    )


SHAPE_OVER_SOUND = 10  # a word of the slip's shape is tried first if this many times more used


def _slip_size(word: str, span: str) -> int:
    """How many characters of ``span`` a candidate changes (another length: all of them)."""
    return _differing(word, span) if len(word) == len(span) else len(span)


def _shape_rank(
    word: str, shaped: list[str], sounds: Mapping[str, None], span: str, counts: Mapping[str, int]
) -> int:
    """0: a word of the slip's shape far more used than every homophone changing as much; 1: a
    homophone (in the order it has); 2: any other word of its shape."""
    if word not in shaped:
        return 1
    size = _slip_size(word, span)
    rival = max((counts[w] for w in sounds if _slip_size(w, span) == size), default=0)
    return 0 if counts[word] >= SHAPE_OVER_SOUND * rival else 2


def corrections(
    lexicon: PinyinLexicon,
    tokens: list[str],
    is_word: Callable[[str], bool],
    reads_better: Callable[[str, str, bool], bool],
) -> list[tuple[str, str]]:
    """Typed forms that look like typos of a word of the index, with that word.

    A typo typed with a pinyin input method is a homophone: 公基金 for 公积金, 社报 for 社保.
    The segmenter then cuts it into pieces that are each words (公 + 基金), or glues its last
    character to the next word (医保报消要 → 报 + 消要; 取公 + 基金), so spans of two to four
    characters are tried, longest first, that start or end where a token does (at least one
    edge on the segmenter's cut: a span cutting through words at both ends is not a typo the
    segmenter saw); two whole words side by side are never one typo. A span is corrected to a
    word read with the same pinyin, or one character swapped for one of its shape
    (:mod:`analyzers.shapes`: 瞻养 for 赡养), of the same length, differing in at most one
    character in two, used by at least ``MIN_CORRECTION_DOCS`` documents and by
    ``CORRECTION_RATIO`` times more documents than the span itself.

    Everyday questions are full of spans that merely *sound like* a word (东西不 ~ 东西部 in
    买的东西不想要了, 职要 ~ 只要 in 入职要交押金), so, measured on the blind query sets: the
    suggestion must be a word of the segmenter's dictionary (``is_word``; the index's lexicon
    also holds run-ons such as 作婚检), and the corrected text must read better than the typed
    one where it stands (``reads_better(span, word, real)``: the caller checks the documents
    for each with a character of context either side; 医保报销 is written, 东西部想 is not).
    An input method mostly offers words, so the slip is often a word itself (保鲜 for 保险,
    等级 for 登记, 工商 for 工伤): such a span (``real``) is checked against the words beside
    it instead (养老保险 is written and 养老保鲜 is not; 罚单, 几分 typed as meant are left,
    since 违章罚单 is written), and its few most used homophones are tried, not the ratio of
    counts (工商 is used more than 工伤). Only offered, never applied (see
    ``SearchIndex.search``).
    """
    out: list[tuple[str, str]] = []
    counts = lexicon.counts
    text = "".join(tokens)
    starts, ends, at = set(), set(), 0
    for t in tokens:
        starts.add(at)
        at += len(t)
        ends.add(at)
    i = 0
    while i < len(text):
        step = 1
        for j in range(min(len(text), i + 4), i + 1, -1):
            if i not in starts and j not in ends:
                continue
            inside = _tokens_within(tokens, i, j)
            whole = sum(len(t) for _, t in inside) == j - i
            if whole and len(inside) > 1 and all(len(t) > 1 for _, t in inside):
                continue
            stops = [(a, t) for a, t in inside if t in stopwords()]
            # a whole word followed or preceded by a stop word: the stop word was typed as
            # meant (东西不想要 is 东西 + 不, not 东西部; QA pass 8), so only a span whose
            # longer words are cut or changed is tried with its stop words changed
            kept = [(a, t) for a, t in inside if len(t) > 1 and t not in stopwords()]
            cut = [_token_at(tokens, i)] if i not in starts else []
            cut += [_token_at(tokens, j - 1)] if j not in ends else []
            if any(is_word(t) for t in cut):
                continue  # 试用 of 试用期, 用税 of 使用税: the segmenter read a word there
            span = text[i:j]
            real = whole and len(inside) == 1 and is_word(span)  # 保鲜 typed for 保险
            # a word picked whole was typed as its own reading (年假 as nianjia, never
            # nianjie: that offered 年节); a character picked alone, as any of its readings
            keys = span_readings(span, limit=1 if real else SPAN_READINGS)
            if not keys:
                continue
            typed = counts.get(span, 0)
            tries, found = (REAL_WORD_CANDIDATES if real else 1), None
            homophones = dict.fromkeys(
                w for key in keys for w in lexicon.words(key, limit=SLOT_CANDIDATES)
            )
            # those keeping more of the typed characters first, most documents first among
            # equals: an input method's slip is mostly one character (QA pass 41b: 健保卡遺矢
            # was offered 健保卡意識, the more used homophone, for 遺失, which keeps 遺) ...
            homophones = dict.fromkeys(sorted(homophones, key=lambda w: _slip_size(w, span)))
            # ... then the words of its shape, one character swapped for one that looks like it
            # (瞻养 for 赡养, 保检 for 保险: a shape-based input method's or a copyist's slip),
            # before the homophones only when far more used than any of them (勞工保驗 is a slip
            # of 勞工保險 more likely than of 報驗, inspection, which also reads baoyan; 第儿条
            # stays 第二条, never 第七条: the review of QA pass 52c)
            shaped = [w for w in shapes.variants(span) if counts.get(w) and w not in homophones]
            homophones = dict.fromkeys(
                sorted([*homophones, *shaped], key=lambda w: (
                    _slip_size(w, span), _shape_rank(w, shaped, homophones, span, counts)))
            )  # fmt: skip
            for word in homophones:
                n = counts[word]
                if (
                    len(word) == len(span)
                    and word != span
                    and n >= MIN_CORRECTION_DOCS
                    and (real or n > typed * CORRECTION_RATIO)
                    # a span that documents write is a word of theirs, however much rarer than
                    # its homophone (QA pass 22c: 提缴, Taiwan's paying in, in 8, was offered 提交)
                    and (real or typed < MIN_CORRECTION_DOCS)
                    # an input method's word for a word may differ in every character (等级 for
                    # 登记); a typo inside a word, in at most one character in two
                    and 0 < _differing(word, span) <= (len(span) if real else len(span) // 2)
                    and is_word(word)
                    # a variant form of the word is the word (化粧品 is Taiwan's 化妆品)
                    and variants_folded(word) != variants_folded(span)
                    # 钱能 (钱 + 能) is a word and a question word, not 潜能; 迁已 is 迁移 …
                    and not (
                        any(word[a : a + len(t)] == t for a, t in stops)
                        and not _only_stops_changed(span, word, stops)
                    )
                    and not (stops and any(word[a : a + len(t)] == t for a, t in kept))
                    # a question's own word is typed as meant (材料交哪 is where to hand the
                    # papers in, never 材料交纳: QA pass 49c)
                    and not any(
                        x in QUESTION_CHARS and x != y for x, y in zip(span, word, strict=True)
                    )
                ):
                    if reads_better(span, word, real):
                        found = word
                        break
                    tries -= 1  # most documents first
                    if not tries:
                        break
            if found:
                out.append((span, found))
                step = j - i
                break
        i += step
    return out
