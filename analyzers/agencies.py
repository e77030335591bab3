"""What a catalogue's agency (发布机构) string names, read one way by search and the reports.

The ``agency=`` filter and facet (``search_index``) and the disclosure office's reports
(``reports``) must agree on which agencies a document is of: it lives here, below both (the
floors of tests/test_layers.py), as :mod:`analyzers.choices` does for the enumerated fields.
QA pass 16: the annual and timeliness reports compared the whole string, so a text 最高人民法院
and 最高人民检察院 issued together was in neither one's report, while search filtered by either
found it; and they grouped 總統府 and 总统府 as two agencies where search's facet had one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import lru_cache

from analyzers.chars import strip_skippable
from analyzers.lexicon import agency_aliases, synonyms
from analyzers.normalize import normalize

STATE = "中华人民共和国"


# what an agency must hold to name one: a letter, digit or Han character (the API's schema
# pattern too)
NAMES_SOMETHING = "[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"


def names_an_agency(value: str) -> bool:
    """Whether a value names an agency: ``、`` or an emoji names none. A filter of one
    filtered every document out on the page where the API refused it (QA pass 18: agency=😀);
    a catalogue cell, an upload's form or a PATCH of one stored it, and the annual report
    listed a row no filter could open (QA pass 49a)."""
    return bool(agency_key(value)) and re.search(NAMES_SOMETHING, value) is not None


@lru_cache(maxsize=8192)
def agency_key(agency: str) -> str:
    """The agency as an ``agency=`` filter compares it: normalised (Simplified script, 臺 as 台,
    full-width folded) and without spaces or punctuation. The facet keeps the name as printed;
    QA pass 9: agency=國務院 found nothing of 国务院's 12 documents, 台南市政府水利局 nothing of
    臺南市政府水利局's, while 机构:國務院 in the query found them."""
    key = strip_skippable(normalize(agency))
    # the state's full prefix is printed or left out (中华人民共和国国务院, 国务院): one agency
    # (QA pass 27b: agency=国务院 left out the document of 中华人民共和国国务院)
    return key.removeprefix(STATE) or key


@lru_cache(maxsize=8192)
def agency_group(agency: str) -> str:
    """The agency a name stands for, as facets and reports group names: its key
    (:func:`agency_key`), a short name by the full name ``agency_aliases.txt`` gives it (QA pass
    31a: 中央军委 5 and 中央军事委员会 27 were two agencies in the facet and the reports, where
    ``agency=中央军委`` finds both), a joint issue's by each issuer's (国务院、中央军委).
    Cached: every faceted search folds each agency value through it."""
    parts = issuers(agency)
    if len(parts) > 1:
        return "".join(agency_group(p) for p in parts)
    full = agency_aliases().get(normalize(agency))
    return agency_key(full or agency) or agency_key(agency)


@lru_cache(maxsize=1)
def _short_names() -> dict[str, tuple[str, ...]]:
    """Full name's group → the short names standing for it (agency_aliases.txt, reversed)."""
    out: dict[str, list[str]] = {}
    for short, full in agency_aliases().items():
        out.setdefault(agency_key(full), []).append(short)
    return {k: tuple(v) for k, v in out.items()}


_JOINT = re.compile(r"[、，,；;/／]")


def _spellings(name: str) -> list[str]:
    """One issuer's names as a filter takes them: itself, the full names the synonym file says
    it stands for (卫福部: 卫生福利部), and the short names standing for it
    (``agency_aliases.txt``: 中央军委 for 中央军事委员会)."""
    return [name, *synonyms().get(normalize(name), ()), *_short_names().get(agency_group(name), ())]


MAX_JOINT_SPELLINGS = 16  # spellings of a joint issue's name a filter looks for


def filter_keys(agencies: Iterable[str]) -> tuple[str, ...]:
    """The keys an agency filter looks for: each name's spellings (:func:`_spellings`), so that
    search and the reports filter alike (QA pass 22b: agency=卫福部 found nothing; the reports
    kept the narrower reading after search was fixed), and a facet value, folded by
    :func:`agency_group`, finds what it counts (QA pass 31c: 中央军事委员会 and 国务院、中央军委);
    a joint issue's, each issuer spelt each way."""
    names: list[str] = []
    for a in agencies:
        parts = issuers(a)
        if len(parts) > 1:
            ways = itertools.product(*(dict.fromkeys(_spellings(p)) for p in parts))
            names.extend("、".join(w) for w in itertools.islice(ways, MAX_JOINT_SPELLINGS))
        else:
            names.extend(_spellings(a))
    keys = [k for k in dict.fromkeys(map(agency_key, names)) if k]
    # ... and under the state's prefix, as an index written before agency_key left it out
    # holds a document of 中华人民共和国国务院
    return tuple(dict.fromkeys([*keys, *(STATE + k for k in keys if k != STATE)]))


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
    """:func:`agency_names` as the filter compares them (:func:`agency_key`): the keys an
    ``agency=`` filter finds the document by."""
    return tuple(dict.fromkeys(k for k in map(agency_key, agency_names(agency)) if k))


def issuers(agency: str) -> tuple[str, ...]:
    """The agencies that issued a document, one row each in a report's agency table: each
    issuer of a joint issue, else the name as printed (QA pass 16: the annual report's table
    had one row for 最高人民法院、最高人民检察院, in neither issuer's)."""
    names = agency_names(agency)
    return names[1:] or names


def most_used(forms: Iterable[tuple[str, int]]) -> str:
    """The spelling to show for one agency written several ways (總統府 4, 总统府 1): the most
    used, the first given among equals — how the search facet labels it (given in the backend's
    order), and the reports too (QA pass 16)."""
    return max(forms, key=lambda fc: fc[1])[0]
