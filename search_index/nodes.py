"""The query tree's leaves: how one word, substring, phrase, 文号, 索引号 or pinyin reading
becomes nodes of :mod:`search_index.tree`, with the field weights every one of them uses.

The planner (:mod:`search_index.planner`) decides which of these a query needs and how they
combine; the index (suggestions, the typo check) asks for the same leaves, so a word is matched
one way wherever it is looked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analyzers.agencies import filter_keys
from analyzers.bigrams import bigram_list
from analyzers.chars import strip_skippable
from analyzers.docno import (
    canonical,
    citation_forms,
    issuer_key,
    order_issuer,
    order_key,
    yearly_key,
    yearly_order,
    yearly_parts,
)
from analyzers.index_no import key_variants
from analyzers.lexicon import synonyms
from analyzers.normalize import normalize
from analyzers.numerals import article_numbers
from analyzers.pinyin import KEY_MARK
from search_index import citizen_words
from search_index.fields import POSITIONAL_FIELDS
from search_index.tree import Bool, MatchAll, Node, Phrase, Prefix, Regex, Term

DOCNO_BOOST = 30.0
DOCNO_TEXT_BOOST = 4.0
DOCNO_CITED_BOOST = 0.3
INDEX_NO_BOOST = 30.0  # a 索引号 names one document, as a 文号 does
# Field weights of a typed word, relative to the body's jieba word (1.0): the title's jieba word
# weighs TITLE_WEIGHT, a bigram substring BIGRAM_WEIGHT of its field's word.
TITLE_WEIGHT = 2.0
BIGRAM_WEIGHT = 0.4
EXPANSION_BODY_WEIGHT = 0.8  # what the synonym file makes a word stand for, as a substring
EXPANSION_TITLE_WEIGHT = 2.0
PINYIN_EXACT_BOOST = 3.0
PINYIN_RUN_BOOST = 2.0
PINYIN_KEY_TERM_BOOST = 0.5


# a token this long is no number (QA pass 51b: a1.5 with 480 letters after it made a regex the
# index refuses, and every search of it a 500): its bigrams alone decide
MAX_NUMBER_CHARS = 40
# a decimal point between digits, which the bigrams drop with the other punctuation
_DECIMAL = re.compile(r"[0-9a-z%]*[0-9](?:\.[0-9]+)+[0-9a-z%]*")


# the word field holding the same text as a bigram field: jieba keeps 1.5% and pm2.5 whole
_WORDS_OF = {"body_bi": "body_w", "title_bi": "title_w"}


def substring(field: str, text: str, boost: float = 1.0) -> Node | None:
    """Documents whose field contains ``text`` (normalised) as a substring.

    Punctuation is ignored, except a decimal point: "1.5%" found 15% and 115年 (QA pass 22b:
    2,091 results for 13 documents). The bigrams have no point, so a number written with
    one must also be inside a word of the field's word tokens, which keep it."""
    compact = strip_skippable(text)
    if not compact:
        return None
    decimals = [d for d in _DECIMAL.findall(text) if len(d) <= MAX_NUMBER_CHARS] if (
        field in _WORDS_OF
    ) else []
    # an article numbered in digits: the bigrams drop its hyphen as they drop a point, so
    # Taiwan's added article 第 15-1 條 and 第 151 條 were one run (QA pass 51c: 第十五条之一,
    # searched so, listed laws citing 第 151 條); the word field keeps 15-1 and 151 whole
    articles = article_numbers(text) if field in _WORDS_OF else []
    node = _substring_compact(field, compact, boost)
    if not (decimals or articles) or node is None:
        return node
    words = _WORDS_OF[field]
    guards = tuple(Regex(words, ".*" + re.escape(d) + ".*") for d in dict.fromkeys(decimals))
    guards += tuple(Term(words, n) for n in dict.fromkeys(articles))
    return Bool(must=(node,), filter=guards)


def _substring_compact(field: str, compact: str, boost: float) -> Node | None:
    if len(compact) == 1:
        esc = re.escape(compact)
        return Bool(
            should=(Term(field, compact), Regex(field, f"{esc}.|.{esc}")),
            min_should=1,
            boost=boost,
        )
    grams = tuple(bigram_list(compact))
    if len(grams) == 1:
        return Term(field, grams[0], boost)
    if field not in POSITIONAL_FIELDS:  # a phrase needs positions, which only they keep
        raise ValueError(f"no positions in {field}")
    return Phrase(field, grams, 0, boost)


def written_node(text: str) -> Node | None:
    """Documents whose body or title holds ``text`` as written (a substring)."""
    return any_of(substring("body_bi", text), substring("title_bi", text))


def written_char(ch: str) -> Node:
    """Documents writing the character ``ch``: in the body, as the first character of a bigram
    (a prefix walk of the term dictionary, 0.7 ms on the corpus) or alone; in the title,
    anywhere. The exact ``.ch`` walk of a quoted character visits the whole dictionary (21
    ms on the corpus, growing with it; bench/single_char.py) for the one body it would add: a
    text whose only ``ch`` is its very last character, behind a title that does not hold it."""
    esc = re.escape(ch)
    return any_of(
        Bool(should=(Term("body_bi", ch), Regex("body_bi", f"{esc}.")), min_should=1),
        substring("title_bi", ch),
    ) or MatchAll()


def any_of(*nodes: Node | None) -> Node | None:
    """Any of the nodes (the absent ones dropped); a single node stands for itself."""
    kept = tuple(n for n in nodes if n is not None)
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else Bool(should=kept, min_should=1)


def index_no_nodes(key: str) -> tuple[Node, ...]:
    """A typed 索引号's exact key in each way its separators may be written (analyzers.index_no)."""
    return tuple(Term("index_key", k, INDEX_NO_BOOST) for k in key_variants(key))


def word_node(word: str, title_only: bool = False) -> Node | None:
    """One content word: as a jieba word (ranking) or as a bigram substring (recall).

    A one-character word is matched as a jieba token only: the recall guarantee is for two
    characters or more (a quoted single character still finds it anywhere), and the regex
    over the bigram dictionary that a lone character needs cost more than the whole rest of
    a query at 100k documents.
    """
    title_word = Term("title_w", word, TITLE_WEIGHT)
    if len(word) == 1:
        return any_of(Term("body_w", word, 1.0), title_word) if not title_only else title_word
    title = (title_word, substring("title_bi", word, BIGRAM_WEIGHT * TITLE_WEIGHT))
    if title_only:
        return any_of(*title)
    body: tuple[Node | None, ...] = (Term("body_w", word, 1.0),)
    if len(word) >= 2:
        body += (substring("body_bi", word, BIGRAM_WEIGHT),)
    return any_of(*body, *title)


def expansion_node(text: str) -> Node | None:
    """An official wording an abbreviation stands for: matched as a substring."""
    return any_of(
        substring("body_bi", text, EXPANSION_BODY_WEIGHT),
        substring("title_bi", text, EXPANSION_TITLE_WEIGHT),
    )


# -- citizens' words (issue 12; search_index.citizen_words) -----------------------------------
def other_wording_node(text: str, weight: float | None = None, whole: bool = False) -> Node:
    """Another wording of a typed word (mined, thesaurus, cross-strait): as a word or substring,
    at :data:`~search_index.citizen_words.EXPANSION_WEIGHT` of the typed word's weight, so a
    document with the literal word stays ahead. ``whole``: as a word only, never a substring
    (a two-character wording no one typed read across two words: 开车's 驾车 in 准驾车型)."""
    clauses: list[Node | None] = [
        Term("body_w", text, 1.0),
        Term("title_w", text, TITLE_WEIGHT),
    ]
    if not whole:
        clauses += [
            substring("body_bi", text, BIGRAM_WEIGHT),
            substring("title_bi", text, BIGRAM_WEIGHT * TITLE_WEIGHT),
        ]
    kept = tuple(n for n in clauses if n is not None)
    boost = citizen_words.EXPANSION_WEIGHT if weight is None else weight
    return Bool(should=kept, min_should=1, boost=boost)


def phrase_node(text: str, field: str | None) -> Node | None:
    if field == "title":
        return substring("title_bi", text)
    if field == "agency":
        # 国家市场监督管理总局 for the 市场监督管理总局 a catalogue names (QA pass 10: 0 results)
        short = re.sub(r"^(?:中华人民共和国|中国|国家)", "", text)
        full = substring("agency_bi", text)
        if len(short) < 2 or short == text:
            return full
        return any_of(full, substring("agency_bi", short))
    if field == "docno":
        return docno_node(text)
    return any_of(substring("body_bi", text), substring("title_bi", text, 2.0))


_DOCNO_WORDING = re.compile(r"[\W_号號第字]+")


def agency_targets(typed: str) -> tuple[str, ...]:
    """The agencies a ``机构:`` value stands for besides itself (卫福部: 卫生福利部)."""
    return tuple(dict.fromkeys(synonyms().get(typed, ()) + citizen_words.agency_wordings(typed)))


def agency_filter_keys(agencies: Iterable[str]) -> tuple[str, ...]:
    """The keys an ``agency=`` filter looks for: each name's, its synonyms' (analyzers'
    :func:`~analyzers.agencies.filter_keys`), and the names the documents' own short forms
    write out, as ``机构:`` reads them (QA pass 28a: agency=浙江省人大常委会 found none of the
    documents 机构:浙江省人大常委会 found, and the reports offered 浙江省人民代表大会 instead)."""
    names = list(agencies)
    return filter_keys([*names, *(w for a in names for w in agency_targets(normalize(a)))])


def agency_nodes(targets: tuple[str, ...]) -> tuple[Node | None, ...]:
    return tuple(phrase_node(normalize(t), "agency") for t in targets)


def _docno_issuer(text: str) -> str:
    """The issuer a ``文号:`` value names alone (国办发, 国令, 府都规字), as keys begin with it;
    "" when it holds a number (a number no key was read from is searched as text)."""
    if any(c.isdigit() for c in text):
        return ""
    issuer = re.sub(r"[第号]+$", "", re.sub(r"[\W_]+", "", text))
    return issuer_key(issuer) if len(issuer) >= 2 else ""


def names_a_docno(text: str) -> bool:
    """Whether a ``文号:`` value says anything: a number, or an issuer of two characters or more
    (文号:国办发 lists that issuer's documents); 〔〕号 says neither."""
    rest = _DOCNO_WORDING.sub("", text)
    return any(c.isdigit() for c in rest) or len(rest) >= 2


def docno_keys(text: str) -> tuple[str, ...]:
    """The keys a typed 文号 stands for: its own, the order's number without the year typed
    before it (…总局令2019年第20号), and the order under the full names of a short issuer
    (市场监管总局令第20号 → 市场监督管理总局令#20, from the issuers the documents print), and
    each issuer of a joint order typed without its 、 (国务院中央军事委员会令第759号), and a
    yearly number typed with its agency's name under the prefixes of that agency's documents
    (国务院办公厅2019年6号 → 国办发2019-6, 国办函2019-6; from the documents' own pairs)."""
    key = canonical(text)
    if key is None:
        return ()
    keys = [key]
    if key.startswith("台") and key.find("#") > 2:
        # Taiwan's orders print the year after 台 (台（87）內人字…), which the key leaves out with
        # the 台; a citation puts it first ((87)台內人字…: QA pass 41b, "本库没有文号为…")
        keys.append(key[1:])
    yearly = yearly_parts(key)
    if yearly:
        issuer, year, serial = yearly
        prefixes = citizen_words.agency_docno_prefixes(issuer)
        keys.extend(yearly_key(prefix, year, serial) for prefix in prefixes)
    order = yearly_order(key)
    if order:
        keys.append(order)
    for k in list(keys):
        parts = order_issuer(k)
        if parts:
            issuer, serial = parts
            names = citizen_words.issuer_full_names(issuer)
            keys.extend(order_key(full, serial) for full in names)
            joint = citizen_words.joint_issuers(issuer)
            keys.extend(order_key(part, serial) for part in joint or ())
    return tuple(dict.fromkeys(keys))


def docno_prefix_node(prefix: str, boost: float = 1.0) -> Node:
    """The documents whose own 文号 starts with ``prefix`` (国发: 国发〔2018〕41号), in the
    regular-expression syntax both engines read alike (Lucene's has no (?:, and # is
    special)."""
    return Regex("docno", re.escape(prefix) + "([0-9]{4}-|[#]).*", boost)


def yearless_docno_node(prefix: str, number: str) -> Node:
    """The documents whose own 文号 is ``prefix``'s number ``number`` of any year (国发5号:
    国发〔2019〕5号), read or cited, in the regular-expression syntax both engines read alike."""
    pattern = re.escape(prefix) + "[0-9]{4}-" + number
    own = Regex("docno", pattern, DOCNO_BOOST)
    return Bool(should=(own, Regex("docno_text", pattern, DOCNO_TEXT_BOOST)), min_should=1)


def docno_node(text: str, keys: tuple[str, ...] | None = None) -> Node | None:
    """``keys``: :func:`docno_keys` of ``text`` when the caller has them already."""
    keys = docno_keys(text) if keys is None else keys
    if not keys:
        issuer = _docno_issuer(text)
        if issuer:  # 文号:国发 lists 国发's documents, not every text writing 中国发展 (QA 22b)
            return docno_prefix_node(issuer)
        return any_of(substring("body_bi", text), substring("title_bi", text))
    return any_of(
        *(Term("docno", k, DOCNO_BOOST) for k in keys),
        *(Term("docno_text", k, DOCNO_TEXT_BOOST) for k in keys),
        # cited further down a text than 文号 are read (a repeal at its end: 公安部第69号令
        # found nothing while a rule's last article names it; QA pass 9), as typed or in any
        # form the number is printed
        substring("body_bi", text, DOCNO_CITED_BOOST),
        *(substring("body_bi", f, DOCNO_CITED_BOOST) for k in keys for f in citation_forms(k)),
    )


def pinyin_node(typed: tuple[str, ...]) -> Node:
    """Letters typed without an IME, read as pinyin of title words and key terms.

    The typed groups joined are a prefix of a run token (see :mod:`analyzers.pinyin`) when
    the title holds those words in order, the last perhaps half typed; a whole word or its
    initials typed exactly also match the per-word token, which BM25 ranks.
    """
    joined = "".join(typed)
    clauses: list[Node] = [
        Term("pinyin", joined, PINYIN_EXACT_BOOST),
        Prefix("pinyin", joined, PINYIN_RUN_BOOST),
        # key terms: a constant, lower score (a rare homophone must not outrank a title)
        Prefix("pinyin", KEY_MARK + joined, PINYIN_KEY_TERM_BOOST),
    ]
    if len(typed) > 1:
        words = tuple(Term("pinyin", t) for t in typed[:-1]) + (Prefix("pinyin", typed[-1]),)
        clauses.append(Bool(must=words))
    return Bool(should=tuple(clauses), min_should=1)


def word_or_synonym(word: str, boost: float = 1.0) -> Node | None:
    """A word the letters stand for, searched as if typed in Chinese (an abbreviation of the
    synonym file with its official wording)."""
    targets = synonyms().get(word)
    node = any_of(word_node(word), *(expansion_node(t) for t in targets or ()))
    if node is None or boost == 1.0:
        return node
    return Bool(should=(node,), min_should=1, boost=boost)


def latin_word_node(word: str) -> Node:
    """A word of Latin letters the documents write (pdf): as a word in bodies and titles,
    never inside a longer one (app is not in apply)."""
    return Bool(should=(Term("body_w", word), Term("title_w", word, TITLE_WEIGHT)), min_should=1)


def terms_of(*words: str) -> Node:
    """Any of the words as a jieba token in body or title (cheap: no phrases)."""
    return Bool(
        should=tuple(Term(f, w) for w in words for f in ("body_w", "title_w")), min_should=1
    )
