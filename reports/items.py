"""Items: what the catalogue reports count — a text once a year, and the agencies it is of.

An item is a text, not a file: the same notice as TXT and HTML, or a law filed under two
folders, is one publication, as search shows it once (README, "One document, one result").
Which files carry one text is the index's knowledge (``SearchIndex.same_texts``: id → text key);
here each group is one item a year, filed under its catalogued copy (else its earliest). Its
agencies are the issuers every copy names, read as search reads them
(:mod:`analyzers.agencies`), so that an agency's row in a report's table, its own report and
the search filtered by it count the same items.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from analyzers.agencies import agency_group, agency_key, agency_keys, issuers, most_used
from reports.entry import CatalogEntry
from search_index.nodes import agency_filter_keys

T = TypeVar("T")
# the reports' row of items that name no agency: one label in the JSON, the CLI and the pages
# (QA pass 20: the timeliness report said "", "-" and （未注明） for it)
UNNAMED = "（未注明）"


@dataclass(frozen=True)
class Item:
    """One text of one year: ``entry`` the copy it is filed by, ``agencies`` the issuers its
    copies name (as printed; one name per issuer of a joint issue)."""

    entry: CatalogEntry
    agencies: tuple[str, ...]
    text: str = ""  # the text's key: the copies of one text share it, across years too


@dataclass(frozen=True)
class AgencyGroup(Generic[T]):
    """The rows of one agency, however its name is written, shown by its most used spelling."""

    label: str
    rows: tuple[T, ...]


def agency_filter(agencies: Iterable[str]) -> frozenset[str]:
    """The keys an agency filter looks for, as search's (empty: every agency)."""
    return frozenset(agency_filter_keys(agencies))


def is_of(e: CatalogEntry, wanted: frozenset[str]) -> bool:
    """Whether ``e`` is of one of the ``wanted`` agencies (:func:`agency_filter`) as the search
    filter finds it: by its name or, for a joint issue, any issuer's (QA pass 16: the reports
    compared the whole string, and 最高人民检察院's report missed the 司法解释 it issued with
    最高人民法院)."""
    return not wanted or not wanted.isdisjoint(agency_keys(e.agency))


def unknown_agencies(entries: Iterable[CatalogEntry], agencies: Iterable[str]) -> list[str]:
    """The ``agencies`` no entry is of, as :func:`is_of` finds them (each level counts: the
    reports are for staff). An agency that has documents, none in a report's year, is known:
    its zeros are the answer."""
    wanted = {a: agency_filter((a,)) for a in agencies}
    for e in entries:
        wanted = {a: keys for a, keys in wanted.items() if not is_of(e, keys)}
        if not wanted:
            break
    return list(wanted)


def closest_agencies(typed: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The ``known`` agency names nearest ``typed``, nearest first: those holding it or held
    in it (青松县人民政府办公 lacks its 室), else those most alike (青松县政府办公室), compared as
    the filter compares names (script, 臺/台, spaces)."""
    keyed = {agency_key(k) or k: k for k in known}
    wanted = [agency_key(typed) or typed, *(k for k in agency_filter_keys([typed]) if k)]
    scores: dict[str, float] = {}
    for key in dict.fromkeys(wanted):  # the name typed, and what a short name stands for
        holding = [k for k in keyed if key in k]  # 青松县人民政府办公 lacks its 室: that one
        if holding:
            return [keyed[k] for k in sorted(holding, key=lambda k: (len(k) - len(key), k))[:n]]
        held = (k for k in keyed if k in key)
        alike = difflib.get_close_matches(key, list(keyed), n=n, cutoff=0.6)
        for k in (*held, *alike):  # 国务院办工厅: 国务院 is in it, 国务院办公厅 is alike
            ratio = difflib.SequenceMatcher(None, key, k).ratio()
            scores[k] = max(scores.get(k, 0.0), ratio)
    found = sorted((k for k in scores if scores[k] >= 0.5), key=lambda k: (-scores[k], k))
    if not found:
        # a place named at the wrong level (青松县 for 青松市人民政府办公室, QA pass 39a) is too
        # short to be alike: the agencies of the place's name, the shortest first
        place = _PLACE_LEVEL.sub("", agency_key(typed) or typed)
        if len(place) >= 2 and place != (agency_key(typed) or typed):
            found = sorted((k for k in keyed if k.startswith(place)), key=lambda k: (len(k), k))
    return [keyed[k] for k in found[:n]]


_PLACE_LEVEL = re.compile(r"(?:自治州|自治县|自治区|特别行政区|省|市|县|区|州|盟|旗|镇|乡)$")


def _filed_by(group: list[CatalogEntry], key: str) -> CatalogEntry:
    """The copy a text is filed by: the one search shows (its id is the text's key) when it is
    in ``group``, else a catalogued copy (QA pass 8: an upload without fields, dated from its
    text, moved a catalogued notice from April to January), a copy with a 发布日期 before one
    dated only when written and one whose catalogue states its date before one dated from its
    text (QA pass 37a: a 司法解释 whose second row left the date empty was filed in August by
    the 成文日期 of its text, not in September by the 发布日期 its first row gave, and listed
    as missing a 发布日期), then the earliest."""
    shown = [e for e in group if e.id == key]
    if shown:
        return shown[0]
    return min(group, key=lambda e: (not e.catalogued, e.publish_date is None, e.date_from_text,
                                     e.date or dt.date.max, e.path, e.id))  # fmt: skip


def _issuers(group: Iterable[CatalogEntry], unnamed: str) -> tuple[str, ...]:
    names = (n for e in group for n in issuers(e.agency or unnamed))
    return tuple(dict.fromkeys(names))


def row_agencies(e: CatalogEntry, unnamed: str = "") -> tuple[str, ...]:
    """The agencies a report's row for ``e`` is counted under: the issuers its own agency cell
    names (each issuer of a joint issue), not those of the text's other copies. A report that
    lists one row per text counts it where the row shows it (QA 23b: a county's notice with the
    text of a State Council one, shown as the State Council's row, still weighed in the
    county's median and count, so the county's rows did not add up to its line)."""
    return _issuers((e,), unnamed)


def items(
    entries: Iterable[CatalogEntry],
    copies: Mapping[str, str] | None,
    unnamed: str = "",
    *,
    by_year: bool = True,
) -> list[Item]:
    """``entries`` as items: with ``copies`` (``SearchIndex.same_texts``) the copies of one
    text dated in one year are one item (copies dated in 2011 and 2012 are one of each year, as
    ``year=2011`` and ``year=2012`` each find the text once); without, each entry is one.
    ``by_year`` False: the copies of one text are one item whatever their years (a publication
    measured once: QA pass 20 found a text dated in two years measured twice). ``unnamed`` names
    the agency of an entry that states none."""
    groups: dict[tuple[int, str], list[CatalogEntry]] = {}
    for e in entries:
        key = (copies or {}).get(e.id, e.id)
        year = (e.date.year if e.date else 0) if by_year else 0
        groups.setdefault((year, key), []).append(e)
    return [
        Item(_filed_by(group, key), _issuers(group, unnamed), key)
        for (_, key), group in groups.items()
    ]


def _facet_order(spellings: Counter[str]) -> list[tuple[str, int]]:
    """Spellings in the order both backends give a facet's values: most used first, equal
    counts by code point, so that a tie is labelled as the facet labels it."""
    return sorted(spellings.items(), key=lambda sc: (-sc[1], sc[0]))


def by_agency(rows: Iterable[tuple[T, Iterable[str]]]) -> list[AgencyGroup[T]]:
    """``(row, agencies)`` pairs grouped by agency as search's filter compares names
    (:func:`analyzers.agencies.agency_key`): a row is in each of its agencies' groups once, and
    總統府 and 总统府 are one group shown as its most used spelling, as the search facet shows
    it (QA pass 16: two rows in the reports, one in the facet)."""
    members: dict[str, list[T]] = {}
    spellings: dict[str, Counter[str]] = {}
    for row, names in rows:
        keys: dict[str, None] = {}
        for name in names:
            key = agency_group(name) or name
            spellings.setdefault(key, Counter())[name] += 1
            keys[key] = None
        for key in keys:
            members.setdefault(key, []).append(row)
    return [
        AgencyGroup(most_used(_facet_order(spellings[key])), tuple(group))
        for key, group in members.items()
    ]
