"""Search-box suggestions: titles and frequent title words for what has been typed so far.

Ranking follows what a patron expects from a box that completes as they type:

1. titles that *start* with the typed text (or whose pinyin / initials start with the letters);
   a third of the list at most before …
2. frequent words (of titles and texts) that start with it and are longer (国务 → 国务院), most
   documents first — a word often finds more than any one title; then the other titles that
   start with it;
3. titles that merely *contain* it (at a word boundary, for pinyin).

Everything runs under the caller's visibility filters, so a title or a word that occurs only in
non-public documents is never suggested to an anonymous viewer.
"""

from __future__ import annotations

from analyzers.chars import strip_skippable
from analyzers.normalize import normalize, other_script
from analyzers.pinyin import as_pinyin_query, match_rank
from analyzers.pinyin_lexicon import PinyinLexicon, whole_syllables
from model.errors import NotSupported
from search_index.citizen_words import typed_script
from search_index.nodes import pinyin_node, substring
from search_index.protocol import Backend
from search_index.tree import MatchAll, Node, Plan

MAX_TYPED = 50
TERM_SUGGESTIONS = 3
CANDIDATES = 40  # titles fetched and re-ranked per request


def _titles(backend: Backend, node: Node, filters: tuple[Node, ...]) -> list[str]:
    raw = backend.search(Plan(query=node, filters=filters), limit=CANDIDATES)
    # titles only: reading 40 full texts made a suggestion cost as much as a search
    docs = backend.fetch([h.id for h in raw.hits], texts=False)
    # a document without a title (a scan OCR could not name) is no suggestion: an empty line
    # in the list ran an empty search (QA pass 18); titles spaced apart are one (QA pass 37b:
    # a typed copy's double space and its scan's single one were offered as two, alike)
    shown: dict[str, str] = {}
    for h in raw.hits:
        title = docs[h.id].title if h.id in docs else ""
        if title.strip():
            shown.setdefault(" ".join(title.split()), title)
    return list(shown.values())


def _frequent_words(backend: Backend, typed: str, filters: tuple[Node, ...]) -> list[str]:
    """Words starting with ``typed`` (longer than it), most documents first.

    A backend that cannot walk its term dictionary says so (``NotSupported``) and suggestions
    are then titles only.
    """
    visible = Plan(query=MatchAll(), filters=filters)
    counts: dict[str, int] = {}
    try:
        for field in ("title_w", "body_w"):
            for term, count in backend.terms(field, typed, visible, limit=20):
                if count > 0 and len(term) > len(typed):
                    counts[term] = max(counts.get(term, 0), count)
    except NotSupported:
        return []
    return sorted(counts, key=lambda t: -counts[t])[:TERM_SUGGESTIONS]


def suggest(
    backend: Backend,
    text: str,
    filters: tuple[Node, ...],
    limit: int = 10,
    lexicon: PinyinLexicon | None = None,
) -> list[str]:
    """Suggestions for ``text`` as typed so far, visible under ``filters`` only; with the
    index's pinyin ``lexicon`` (public words only), letters also suggest the Chinese words
    they stand for (``zwgk`` → 政务公开) after the first few titles."""
    text = " ".join(text.split())[:MAX_TYPED]
    if not text or limit < 1:
        return []
    typed = as_pinyin_query(text)
    if typed:
        titles = _titles(backend, pinyin_node(typed), filters)
        # prefix matches score alike, so among titles of one rank the shorter (closer) first
        rank = {t: match_rank(normalize(t), typed) for t in titles}
        ranked = sorted(titles, key=lambda t: (rank[t], len(t)))
        words = lexicon.candidates(text, TERM_SUGGESTIONS) if lexicon is not None else []
        # a few titles the letters begin first, then the words, as for Han; a title they meet
        # inside after them (QA pass 49d: jiabao, 家暴, listed two letters naming 温家宝 first)
        # ... and none before the words for initials, a guess any title's may match (gjj:
        # 國家機密保護法 came before 公积金)
        spelled = whole_syllables(text.replace(" ", "").lower())
        head = [t for t in ranked if rank[t] == 0][: max(1, limit // 3)] if spelled else []
        return list(dict.fromkeys(head + words + ranked))[:limit]
    norm = strip_skippable(normalize(text))
    node = substring("title_bi", norm)
    if node is None:
        return []
    titles = _titles(backend, node, filters)
    script = typed_script(text)
    if script is not None:
        # the typed script's titles first, as search ranks that side's documents ahead (QA
        # pass 36a: 劳动 began with two Taiwan titles, 個人 with a mainland one)
        titles.sort(key=lambda t: typed_script(t) not in (script, None))  # stable
    starts = [t for t in titles if strip_skippable(normalize(t)).startswith(norm)]
    contains = [t for t in titles if t not in starts]
    words = _frequent_words(backend, norm, filters)
    if script == "traditional":
        # the index's words are simplified; a reader typing traditional gets them in the script
        # typed (a tap on 劳工保险 put simplified in the box and the ranking turned to the
        # mainland's documents: QA pass 4)
        words = [other_script(w) for w in words]
    head = max(1, limit // 3)  # a few titles first, then the words, so both are seen
    return list(dict.fromkeys(starts[:head] + words + starts[head:] + contains))[:limit]
