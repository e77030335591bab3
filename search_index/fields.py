"""The index's own fields, shared by every backend.

Document fields come from the one table, :data:`model.fields.FIELDS`: its ``keyword`` rows are
indexed as exact values for filters and facets. The rest are index-only: token fields hold
whitespace-joined token streams from ``analyzers`` (``*_w`` jieba words, ``*_bi`` character
bigrams, ``pinyin``); ``date`` is an int ``YYYYMMDD`` and ``year`` its year.
"""

from __future__ import annotations

from analyzers.agencies import (
    NAMES_SOMETHING,
    agency_key,
    agency_keys,
    agency_names,
    names_an_agency,
)
from analyzers.choices import read_choice
from model import fields as table

# the agency's names and keys are read below search and the reports, one way for both (QA pass
# 16): re-exported here, where the index's fields are
__all__ = ["agency_key", "agency_keys", "agency_names", "names_an_agency", "NAMES_SOMETHING"]


TOKEN_FIELDS = ("title_w", "title_bi", "body_w", "body_bi", "agency_bi", "pinyin")
# Token fields that keep positions: the bigram fields, whose phrases are what a quoted phrase,
# a substring and a field search mean. Word and pinyin fields keep frequencies only (BM25 needs
# no more): positions on ``body_w`` served one booster worth nothing measurable (tune
# 0.781 / 0.780, old set 0.907 / 0.908 with / without), and without them the index is 19%
# smaller (bench/README.md, "Positions only where phrases need them").
POSITIONAL_FIELDS = ("title_bi", "body_bi", "agency_bi")
KEYWORD_FIELDS = (
    "id",
    "source",
    "path",
    "title_exact",
    *table.KEYWORD_FIELDS,
    "docno",
    "docno_text",
    "sig_band",
    "content_key",
    "level",  # rank in the legal hierarchy (analyzers.hierarchy), a ranking signal
    "region",  # jurisdiction: 全国, a province/city, 台湾 (analyzers.hierarchy)
    "agency_key",  # the agency as the filter compares it (agency_key below)
    "index_key",  # the 索引号 as a query compares it (analyzers.index_no)
)
INT_FIELDS = ("date", "year")
FACET_FIELDS = (*table.FACET_FIELDS, "year")  # shown with every search
STAFF_FACET_FIELDS = (*FACET_FIELDS, *table.STAFF_FACET_FIELDS)  # staff statistics
FACETABLE = STAFF_FACET_FIELDS
# A facet lists its most frequent values; the year facet lists every year: years are few, and
# one left out (the newest, with a single document) reads as "nothing that year".
# An agency facet is folded (spellings, the state's prefix, short names) after counting: every
# agency is counted, and the search shows the FACET_SHOWN most used once folded.
FACET_SIZES = {"year": 1000, "agency": 5000}
FACET_SHOWN = 30


def facet_limit(field: str, size: int) -> int:
    """How many values of ``field`` a search counts when ``size`` are asked for."""
    return max(size, FACET_SIZES.get(field, 0))


def facet_value_kept(field: str, key: object) -> bool:
    """Whether an engine's facet bucket is a value: an empty keyword or a 0 stands for none,
    except a year of 0, the undated documents, counted so the year facet adds up to the total
    (QA pass 22: 13 of 养老's 359 results were reachable only by typing year=0)."""
    if key == "":
        return False
    return key != 0 or field == "year"


def filter_choice(name: str, value: str) -> str | None:
    """The canonical value an enumerated filter (``category``, ``validity``, ``disclosure``)
    is given as people type it — its code or a label, in either script and any letter case —
    or None when it names none: 政策法規 is 政策法规 (QA pass 13: a 422 "unknown category") as
    國務院 is 国务院 for ``agency=``; the one reading for the API, the search page and the report
    forms, and the upload form and the catalogue read values by it too
    (:func:`analyzers.choices.read_choice`)."""
    return read_choice(name, value)
