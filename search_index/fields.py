"""The index's own fields, shared by every backend.

Document fields come from the one table, :data:`model.fields.FIELDS`: its ``keyword`` rows are
indexed as exact values for filters and facets. The rest are index-only: token fields hold
whitespace-joined token streams from ``analyzers`` (``*_w`` jieba words, ``*_bi`` character
bigrams, ``pinyin``); ``date`` is an int ``YYYYMMDD`` and ``year`` its year.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analyzers.chars import strip_skippable
from analyzers.choices import read_choice
from analyzers.normalize import normalize
from model import fields as table

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
)
INT_FIELDS = ("date", "year")
FACET_FIELDS = (*table.FACET_FIELDS, "year")  # shown with every search
STAFF_FACET_FIELDS = (*FACET_FIELDS, *table.STAFF_FACET_FIELDS)  # staff statistics
FACETABLE = STAFF_FACET_FIELDS
# A facet lists its most frequent values; the year facet lists every year: years are few, and
# one left out (the newest, with a single document) reads as "nothing that year".
FACET_SIZES = {"year": 1000}


def facet_limit(field: str, size: int) -> int:
    """How many values of ``field`` a search counts when ``size`` are asked for."""
    return max(size, FACET_SIZES.get(field, 0))


def filter_choice(name: str, value: str) -> str | None:
    """The canonical value an enumerated filter (``category``, ``validity``, ``disclosure``)
    is given as people type it — its code or a label, in either script and any letter case —
    or None when it names none: 政策法規 is 政策法规 (QA pass 13: a 422 "unknown category") as
    國務院 is 国务院 for ``agency=``; the one reading for the API, the search page and the report
    forms, and the upload form and the catalogue read values by it too
    (:func:`analyzers.choices.read_choice`)."""
    return read_choice(name, value)


@lru_cache(maxsize=8192)
def agency_key(agency: str) -> str:
    """The agency as an ``agency=`` filter compares it: normalised (Simplified script, 臺 as 台,
    full-width folded) and without spaces or punctuation. The facet keeps the name as printed;
    QA pass 9: agency=國務院 found nothing of 国务院's 12 documents, 台南市政府水利局 nothing of
    臺南市政府水利局's, while 机构:國務院 in the query found them."""
    return strip_skippable(normalize(agency))


_JOINT = re.compile(r"[、，,；;/／]")


def agency_names(agency: str) -> tuple[str, ...]:
    """The names a document's agency facet and ``agency=`` filter know it by: the name as
    printed and, for a joint issue (国务院、中央军事委员会; 最高人民法院、最高人民检察院), each
    issuer's, so that either issuer finds it and the facet counts it under each (QA pass 12:
    agency=中央军事委员会 found none of the 27 documents the two issued together)."""
    if not _JOINT.search(agency):
        return (agency,)
    parts = (p.strip() for p in _JOINT.split(agency))
    return (agency, *dict.fromkeys(p for p in parts if agency_key(p) and p != agency))


def agency_keys(agency: str) -> tuple[str, ...]:
    """:func:`agency_names` as the filter compares them (:func:`agency_key`)."""
    return tuple(dict.fromkeys(k for k in map(agency_key, agency_names(agency)) if k))
