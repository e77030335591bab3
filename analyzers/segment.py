"""Word segmentation: jieba's dictionary and algorithm, run by rjieba.

rjieba (the Rust port of jieba with the same dictionary) measured ~20× faster than jieba here and
differs from it only on hyphenated numbers, so it does the work; ``tests/analyzers`` keep jieba
as the reference. Documents are cut in *search mode* (a long word also yields its dictionary
sub-words, so 中华人民共和国 is findable as 人民 and 共和国); queries are cut in *precise mode*
(the longest words), each of which search-mode indexing also emitted.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterable
from importlib import resources

import rjieba

from analyzers.chars import is_han, is_skippable, skippable_chars


def data_lines(name: str) -> list[str]:
    try:
        raw = resources.files("analyzers").joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]


@functools.cache
def load_user_dictionary() -> int:
    """Load the shipped government-term dictionary once per process; returns entries added."""
    added = 0
    for line in data_lines("userdict.txt"):
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        rjieba.add_word(word, freq, tag)
        added += 1
    return added


def _keep(tokens: Iterable[str]) -> list[str]:
    # jieba never mixes punctuation/space with other characters in one token, so the first
    # character decides (a set lookup: this runs once per token of every document).
    skip = skippable_chars()
    return [t for t in tokens if t and t[0] not in skip]


def index_words(normalized: str) -> list[str]:
    """Search-mode words of already-normalised text, without whitespace and punctuation: each
    word of the precise cut, after the words inside it (:func:`_inner_words`)."""
    load_user_dictionary()
    if len(_EMITTED) > _EMITTED_MAX:
        _EMITTED.clear()
    get = _EMITTED.get
    out: list[str] = []
    for w in rjieba.cut(normalized, True):
        words = get(w)
        if words is None:
            words = _EMITTED[w] = _emitted(w)
        out.extend(words)
    return out


# a word's tokens, by word: a dictionary lookup per word costs less than search mode's own
# lookups of every word's grams (segmentation 0.75–0.96× the time of rjieba.cut_for_search)
_EMITTED: dict[str, tuple[str, ...]] = {}
_EMITTED_MAX = 200_000


def _emitted(word: str) -> tuple[str, ...]:
    if not word or word[0] in skippable_chars():
        return ()
    if len(word) > 2:
        return (*(sub for sub, _ in _inner_words(word)), word)
    return (word,)


# jieba's dictionary's total frequency (its dict.txt: 60,101,967), against which a word's
# frequency is a probability in the segmenter's own route finding (jieba.Tokenizer.calc)
_TOTAL_LOG = math.log(60_101_967)


@functools.lru_cache(maxsize=65_536)
def _inner_words(word: str) -> tuple[tuple[str, int], ...]:
    """The dictionary words search mode emits inside ``word`` (its words of two and of three
    characters, as jieba's ``cut_for_search`` does), with their offsets, except those that cut
    across the word's own parts: 人民法院 is 人民 + 法院, and its 民法 is no word of it, nor
    华人 of 中华人民共和国, 业主 of 目的事业主管机关, 院办 of 国务院办公厅 (QA pass 28b: 業主
    listed every Taiwan law naming its 目的事業主管機關 before 物业管理条例; 民法 matched every
    court's document). The parts are the segmenter's best route through the word without the
    word itself (jieba's dictionary frequencies, read through ``rjieba.suggest_freq``), and a
    part of three characters or more is cut the same way inside. Hand-written: jieba offers
    search mode without this check, and no library has it."""
    n = len(word)
    if not all(map(is_han, word)):  # donate.tainan.gov.tw, covid-19: as search mode cuts it
        return tuple(
            (t, s) for t, s, e in rjieba.tokenize(word, "search", True) if (s, e) != (0, n)
        )
    grams = [
        (word[i : i + k], i)
        for k in (2, 3)
        if n > k
        for i in range(n - k + 1)
        if rjieba.has_word(word[i : i + k])
    ]
    crossing = _crossing(grams) if n > MIN_PARTED else set()
    if not crossing:
        # no two of its words cut across each other (政府信息公开: 政府, 信息, 公开; 刑事诉讼法:
        # 刑事, 诉讼, 诉讼法): all are its words, and the route is not looked for (most long
        # words; ingest's cost)
        return tuple(grams)
    # of two words cutting across each other (人民 and 民法), the one across the route's parts
    # is none of the word's; a word crossing no other stays, wherever the route cuts
    bounds = _part_bounds(word)
    return tuple(
        (g, i) for g, i in grams
        if (g, i) not in crossing or _within_parts(i, i + len(g), bounds, word)
    )  # fmt: skip


# A word of three characters keeps both its words of two: 中医药 is 中医 and 医药 though the
# route cuts 中 + 医药, and the route's margin cannot tell it from 机动车 (机动 + 车, whose 动车 is
# no part of it): log-probability margins of 4.6 and 4.1
MIN_PARTED = 3


def _crossing(grams: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """The words that cut across another (人民 and 民法 in 人民法院; 共和 inside 共和国 does
    not)."""
    out: set[tuple[str, int]] = set()
    for (g1, i1), (g2, i2) in itertools.combinations(grams, 2):
        (a1, b1, x), (a2, b2, y) = sorted(
            ((i1, i1 + len(g1), (g1, i1)), (i2, i2 + len(g2), (g2, i2)))
        )
        if a1 < a2 < b1 < b2:
            out.update((x, y))
    return out


def _within_parts(start: int, end: int, bounds: tuple[int, ...], word: str) -> bool:
    """Whether [start, end) crosses none of ``word``'s part boundaries, and lies within a long
    part only as a word of that part."""
    if any(start < b < end for b in bounds):
        return False
    edges = (0, *bounds, len(word))
    for a, b in itertools.pairwise(edges):
        if a <= start and end <= b and (a, b) != (start, end) and b - a > MIN_PARTED:
            part = word[a:b]
            return any(i == start - a and len(g) == end - start for g, i in _inner_words(part))
    return True


@functools.lru_cache(maxsize=65_536)
def _part_bounds(word: str) -> tuple[int, ...]:
    """Where the segmenter's best route through ``word``, the whole word excluded, cuts it."""
    n = len(word)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, n + 1):
            if (i, j) == (0, n):
                continue
            piece = word[i:j]
            if j - i > 1 and not rjieba.has_word(piece):
                continue
            freq = max(rjieba.suggest_freq(piece) - 1, 1)
            options.append((math.log(freq) - _TOTAL_LOG + best[j][0], j))
        best[i] = max(options)
    bounds, i = [], best[0][1]
    while i < n:
        bounds.append(i)
        i = best[i][1]
    return tuple(bounds)


def query_words(normalized: str) -> list[str]:
    """Precise-mode words of an already-normalised query, without whitespace and punctuation."""
    load_user_dictionary()
    cut: list[str] = []
    for piece, phrase in _cantonese_apart(normalized):
        cut.extend((piece,) if phrase else _keep(rjieba.cut(piece, True)))
    return _years_apart(_glued_apart(_modal_apart(_deposit_apart(_will_apart(cut)))))


# Cantonese function phrases, which jieba's dictionary lacks and glues to the words around them
# (QA pass 51d: 請產假使唔使醫生紙 was cut 请产 / 假使 / 使, 幾耐先 was one word): cut out whole
# before jieba runs, as the stop words they are (stopwords.txt), in a query that writes
# Cantonese's own characters only: Mandarin writes some of them too (点搞 in 重点搞好, 边个 in
# 周边个人).
_CANTONESE_OWN = re.compile(r"[唔咪揾睇嘅咗喺冇佢哋啲乜咩㗎嘞吖㖞啰啱俾攞]")
_CANTONESE_PHRASES = re.compile(
    r"使唔使|系唔系|啱唔啱|系咪|揾下|睇下|点搞|点知|边个|边间|边位|几耐|几多"
)


def _cantonese_apart(text: str) -> list[tuple[str, bool]]:
    """``text`` as (piece, whether it is a Cantonese function phrase), in order. A phrase is
    never cut out of a word of the dictionary that is no function word (QA pass 51e: 關係唔係
    lost 關係's 係 to 係唔係, 身邊個人 its 邊 to 邊個; 產假使唔使 may lose 假使, "if")."""
    if not _CANTONESE_OWN.search(text):
        return [(text, False)]
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _CANTONESE_PHRASES.finditer(text):
        if _splits_a_word(text, m.start()) or _splits_a_word(text, m.end()):
            continue
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def _splits_a_word(text: str, at: int) -> bool:
    """Whether a cut at ``at`` parts the two characters around it, a dictionary word that is
    no stop word (``stopwords.txt``, read here: the lexicon module reads it above this one)."""
    pair = text[at - 1 : at + 1] if 0 < at < len(text) else ""
    return bool(pair) and pair not in _function_words() and is_dictionary_word(pair)


@functools.cache
def _function_words() -> frozenset[str]:
    return frozenset(line.split()[0] for line in data_lines("stopwords.txt"))


# A word jieba's HMM guessed (no dictionary word) gluing a modal verb to the verb after it
# (能休, 能领, 要交, 要分) or a verb to the 要/能/上 after it (职要 of 入职要交, 穷上 of
# 家里穷上大学): no text writes such a word, so the question searched for nothing there, and
# the rarest word of its snippet was one no passage holds (QA pass 38a: 产假能休几天 left its
# 98天 unmarked).
# Cut into its characters; the tune half of the blind sets moved +0.001 (questions +0.001).
# ... and a noun glued to the 有/是/在 after it (证有 of 老年证有什么用: QA pass 52a).
_MODALS = frozenset("能要会可想该得")
_AFTER_VERB = frozenset("能要上有是在")


def _modal_apart(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if len(w) == 2 and (w[0] in _MODALS or w[1] in _AFTER_VERB) and not rjieba.has_word(w):
            out.extend(w)
            continue
        out.append(w)
    return out


# Words of jieba's dictionary that glue a person to the "and" or "come" after it (香港人同內地人
# 結婚 was cut 香港 / 人同 / 內地 / 人, 香港人來台灣 香港 / 人來 / 台灣: QA pass 51d): no rule
# writes them so, and a question asked for them. Cut into their characters, as 香港人和內地人 is.
_GLUED = frozenset({"人同", "人来", "人去", "人跟", "我同", "你同", "佢同", "我跟"})


def _glued_apart(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        out.extend(w if w in _GLUED else (w,))
    return out


# a span of years joined by a hyphen (2019-2020): jieba keeps a run of letters, digits and
# hyphens as one word, so it searched for the span as one token, found in the 2 texts that print
# it so, and 0 where none does; joined by a dash (2019—2020) it was two years, 916 documents
# (QA pass 38b). As a query's words the two are alike: the years.
_YEAR_SPAN = re.compile(r"((?:19|20)\d\d)-((?:19|20)\d\d)")


def _years_apart(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        span = _YEAR_SPAN.fullmatch(w) if "-" in w else None
        out.extend(span.groups() if span else (w,))
    return out


# "If I do not pay, what happens?": 没缴会怎样 was cut 没 / 缴会 / 怎样 (and 没交会怎样 into
# 交会, to intersect), so the question searched for 缴会 (欠繳會費 of an association law first) and
# was offered 缴回 (QA pass 26b: 罰單沒繳會怎樣). After a negation and before a question word, a
# verb glued to the 会 (will) of the question is the verb alone.
_NEGATIONS = frozenset(("没", "不", "未", "没有", "还没", "还没有"))
_QUESTION_WORDS = frozenset(
    ("怎样", "怎么样", "怎么", "怎么办", "如何", "吗", "么", "咋办", "咋样")
)
_VERBS_BEFORE_WILL = frozenset("缴交发给还办报退补付签做买卖租住上去来请休")


def _deposit_apart(words: list[str]) -> list[str]:
    """扣押 + 金 is 扣 + 押金: a deposit kept back, never a seizure of money (QA pass 26b:
    房东扣押金不还 searched 扣押 and its other wording 没收). A 金 standing alone after a word
    ending in 押 is only ever the 押金 cut apart (扣押金额 keeps 金额 whole)."""
    out: list[str] = []
    for w in words:
        if w == "金" and out and len(out[-1]) >= 2 and out[-1].endswith("押"):
            out[-1:] = [out[-1][:-1], "押金"]
            continue
        out.append(w)
    return out


def _will_apart(words: list[str]) -> list[str]:
    out: list[str] = []
    for i, w in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        if after in _QUESTION_WORDS and len(w) in (2, 3) and w.endswith("会"):
            verb = w[-2]
            negated = (w[0] in _NEGATIONS and len(w) == 3) or (
                len(w) == 2 and bool(out) and out[-1] in _NEGATIONS
            )
            if negated and verb in _VERBS_BEFORE_WILL:
                out.extend((*([w[0]] if len(w) == 3 else []), verb, "会"))
                continue
        out.append(w)
    return out


def word_bounds(normalized: str) -> tuple[set[int], set[int]]:
    """Where :func:`query_words` starts and ends its words: a span of a longer match (a
    synonym, a short form) must start and end on these, or it cuts through a word."""
    starts, ends, pos = set(), set(), 0
    for w in query_words(normalized):
        at = normalized.find(w, pos)
        if at >= 0:
            starts.add(at)
            ends.add(at + len(w))
            pos = at + len(w)
    return starts, ends


def index_words_with_offsets(normalized: str) -> list[tuple[str, int, int]]:
    """:func:`index_words` with character offsets (used where positions matter, e.g. tests)."""
    load_user_dictionary()
    out: list[tuple[str, int, int]] = []
    for w, start, end in rjieba.tokenize(normalized, "default", True):
        if is_skippable(w[0]):
            continue
        if len(w) > 2:
            out.extend((sub, start + i, start + i + len(sub)) for sub, i in _inner_words(w))
        out.append((w, start, end))
    return out


@functools.lru_cache(maxsize=65536)
def is_dictionary_word(text: str) -> bool:
    """True if the segmenter's dictionary holds ``text`` as one word (no HMM guessing)."""
    load_user_dictionary()
    return list(rjieba.cut(text, False)) == [text]


def dictionary_frequencies(words: Iterable[str]) -> dict[str, int]:
    """How often jieba's dictionary says each of ``words`` occurs as a word of its own in
    general Chinese (absent: not a word there): a corpus count cannot tell a word written alone
    from one search mode cut out of a longer word (易爆 of 易燃易爆: 15 against 审判's 3,805).
    The dictionary file is read through for these words only: jieba's whole table held in a
    server cost 115 MB of its memory."""
    import jieba

    wanted = set(words)
    out: dict[str, int] = {}
    with jieba.dt.get_dict_file() as f:  # the same dict.txt rjieba compiles in
        for raw in f:
            word, _, rest = raw.decode("utf-8").partition(" ")
            if word in wanted:
                freq = rest.split(" ", 1)[0].strip()
                out[word] = int(freq) if freq.isdigit() else 0
    return out


EVERYDAY_FREQUENCY = 20  # jieba's dictionary count from which a word is common in general use


@functools.cache
def everyday_words() -> frozenset[str]:
    """The words of two characters or more that jieba's dictionary counts at least
    :data:`EVERYDAY_FREQUENCY` times: words people use (老伴, 姥姥, 寿衣: 49), whatever the
    documents write (酒架, a slip of 酒驾, counts 3). 72,084 words, ~10 MB, read once (0.6 s; a
    server reads them while warming up)."""
    import jieba

    out = set()
    with jieba.dt.get_dict_file() as f:  # the same dict.txt rjieba compiles in
        for raw in f:
            word, _, rest = raw.decode("utf-8").partition(" ")
            freq = rest.split(" ", 1)[0].strip()
            if len(word) > 1 and freq.isdigit() and int(freq) >= EVERYDAY_FREQUENCY:
                out.add(word)
    return frozenset(out)
