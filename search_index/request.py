"""A search request and its answer: frozen dataclasses between the index layer and its readers.

(The viewer and the stored document are vocabulary of every layer: they live in ``model``.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from model.document import StoredDocument
from model.viewer import ANONYMOUS, Viewer

Sort = Literal["relevance", "date_desc", "date_asc"]
SORTS: tuple[str, ...] = ("relevance", "date_desc", "date_asc")
# Query.script → the script typed; hant-hk: a Hong Kong or Macau reader, who reads traditional
# characters and is no more Taiwan's reader than the mainland's (QA pass 48b: zh-HK browsers
# and every query they typed put Taiwan's rules first)
READERS = {"hans": "simplified", "hant": "traditional", "hant-hk": "traditional"}
NEUTRAL_READERS = frozenset({"hant-hk"})  # readers for whom neither side ranks ahead
SCRIPTS: tuple[str, ...] = ("", *READERS)  # Query.script's values ("": neither)

MAX_QUERY_CHARS = 500
MAX_FILTER_CHARS = 200  # one category or agency value (the longest agency name is ~40)
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
# a filter year is four digits, or 0: the documents with no date at all (the annual report's
# "undated"; QA pass 8: the API found them with year=0 and the page called 0 invalid)
MIN_YEAR, MAX_YEAR, UNDATED_YEAR = 1000, 9999, 0


def is_filter_year(year: int) -> bool:
    return year == UNDATED_YEAR or MIN_YEAR <= year <= MAX_YEAR


@dataclass(frozen=True)
class Query:
    q: str = ""
    categories: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    validity: tuple[str, ...] = ()
    disclosure: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    size: int = 10
    viewer: Viewer = ANONYMOUS
    snippet_chars: int = 160
    facets: bool = True
    # the script the reader reads in, where the page knows it (a kiosk's 繁體 key: "hant"; a
    # life event's simplified question: "hans"): whose documents rank a little ahead when the
    # typed text does not say (letters, characters both scripts share); "" for neither;
    # "hant-hk" (a Hong Kong or Macau browser): neither side's, whatever the script typed
    script: str = ""


@dataclass(frozen=True)
class Understanding:
    """The query as the engine understood it, shown to the user."""

    normalized: str = ""
    converted_script: bool = False
    words: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # (typed word, other wording also searched, source: mined / thesaurus / cross_strait)
    expansions: tuple[tuple[str, str, str], ...] = ()
    doc_numbers: tuple[str, ...] = ()
    index_numbers: tuple[str, ...] = ()  # 索引号 read in the query, as their keys
    fields: tuple[tuple[str, str], ...] = ()
    min_should_match: int = 0
    # no document held this many of the words (min_should_match's usual count): searched
    # again requiring fewer, min_should_match (0: the usual count found documents)
    fewer_than: int = 0
    # sorted by date, every word is required (see ``partial_left_out``)
    all_words: bool = False
    # sorted by date, documents the relevance order lists after the rest (holding only some
    # of the words, or found by meaning alone) were left out of this list
    partial_left_out: bool = False
    pinyin: tuple[str, ...] = ()  # letters also searched as pinyin/initials (kiosks, no IME)
    # letters → the words of the index they were searched as (政务, 正午 for zhengwu)
    pinyin_words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # letters the documents write as a word, searched as that word (pdf; tainan beside 台南)
    as_written: tuple[str, ...] = ()
    # letters no pinyin is typed as (script), searched as typed text only
    not_pinyin: tuple[str, ...] = ()
    # whose documents rank a little higher for the script the query was typed in
    # ("mainland" for simplified, "taiwan" for traditional, "" for neither: the script method)
    prefers: str = ""
    # also ranked by meaning: documents near the query's meaning join the word matches
    semantic: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "normalized": self.normalized,
            "converted_script": self.converted_script,
            "words": list(self.words),
            "ignored": list(self.ignored),
            "phrases": list(self.phrases),
            "excluded": list(self.excluded),
            "synonyms": {k: list(v) for k, v in self.synonyms},
            "expansions": [{"word": w, "other": o, "source": s} for w, o, s in self.expansions],
            "doc_numbers": list(self.doc_numbers),
            "index_numbers": list(self.index_numbers),
            "fields": [{"field": f, "text": t} for f, t in self.fields],
            "min_should_match": self.min_should_match,
            "fewer_than": self.fewer_than,
            "all_words": self.all_words,
            "partial_left_out": self.partial_left_out,
            "pinyin": list(self.pinyin),
            "pinyin_words": {k: list(v) for k, v in self.pinyin_words},
            "as_written": list(self.as_written),
            "not_pinyin": list(self.not_pinyin),
            "prefers": self.prefers,
            "semantic": self.semantic,
        }


@dataclass(frozen=True)
class Copy:
    """Another document with exactly the same normalised text as a hit (another format,
    folder or agency's posting of it). Its ``disclosure``: staff see copies the public does
    not, and must be told which (QA pass 37a: the duplicate check listed a 不予公开 copy as
    any other)."""

    id: str
    path: str
    format: str
    agency: str
    disclosure: str = "public"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "format": self.format, "agency": self.agency,
                "disclosure": self.disclosure}  # fmt: skip


@dataclass(frozen=True)
class Repeal:
    """A later document's statement that repeals a result (:mod:`search_index.repeals`);
    ``applied``: the law the result applies, when that law is what was repealed."""

    id: str
    title: str
    date: str
    statement: str
    applied: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "date": self.date,
                "statement": self.statement, "applied": self.applied}  # fmt: skip


@dataclass(frozen=True)
class Hit:
    doc: StoredDocument
    score: float
    snippet: str  # HTML: escaped text with <mark> around matches
    title_html: str
    copies: tuple[Copy, ...] = ()
    # the date of a newer version among the first results (the same title and issuer), when
    # this is an older one: the list says so, as the document's page does
    newer_version: str = ""
    # a later document says this one is repealed, whatever the catalogue's 有效性 says
    repealed_by: Repeal | None = None

    def to_dict(self) -> dict[str, Any]:
        d = self.doc.metadata()
        d.update(score=round(self.score, 4), snippet=self.snippet, title_html=self.title_html)
        d["copies"] = [c.to_dict() for c in self.copies]
        d["newer_version"] = self.newer_version
        d["repealed_by"] = self.repealed_by.to_dict() if self.repealed_by else None
        return with_repeal(d, self.repealed_by)


def with_repeal(shown: dict[str, Any], repeal: Repeal | None) -> dict[str, Any]:
    """A document's shown fields where a later document repeals it: ``validity`` is
    ``repealed``, as the validity filter and facet read it and the pages say it (QA passes
    33a and 33b: 56 of 118 hits of ``validity=repealed`` said "valid"), and the catalogue's
    own value is kept in ``catalogue_validity`` ("" where the two agree, or where nothing
    stated one: QA pass 48d found "valid" there, filed so, for texts no catalogue described),
    and the repeal states the validity (``validity_stated``)."""
    shown["catalogue_validity"] = ""
    if repeal is not None and shown.get("validity") != "repealed":
        if shown.get("validity_stated", True):
            shown["catalogue_validity"] = shown.get("validity", "")
        shown["validity"] = "repealed"
        if "validity_stated" in shown:
            shown["validity_stated"] = True
    return shown


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


def last_page(total: int, size: int) -> int:
    """The last page of ``size`` results that ``total`` results fill and paging reaches: no page
    past :data:`MAX_RESULT_WINDOW` results, whole, for a size that does not divide it (QA pass
    51c: 667 pages of 15 were said, and page 667 refused)."""
    return min(-(-total // size), MAX_RESULT_WINDOW // size) if size > 0 else 0


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    took_ms: float = 0.0
    understood: Understanding = Understanding()
    page: int = 1
    size: int = 10
    # the query with likely typos replaced (公基金 → 公积金): offered, never searched instead
    did_you_mean: str = ""

    @property
    def pages(self) -> int:
        """How many pages the results fill, as far as paging reaches (:data:`MAX_RESULT_WINDOW`):
        a page past them answers no hits (QA pass 50b: nothing said so)."""
        return last_page(self.total, self.size)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "did_you_mean": self.did_you_mean,
            "took_ms": round(self.took_ms, 2),
            "page": self.page,
            "size": self.size,
            "pages": self.pages,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {
                k: [{"value": v.value, "count": v.count} for v in vals]
                for k, vals in self.facets.items()
            },
            "understood": self.understood.to_dict(),
        }
