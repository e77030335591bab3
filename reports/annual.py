"""The annual report's statistics (政府信息公开工作年度报告, section 二 "主动公开政府信息情况").

For a year (and optionally one agency) it counts the 主动公开 items by category, agency and month,
and splits them like the report's own table into 新制发 (new) and 修改 (changed), with the texts
废止/失效 (repealed) in the year and the number 现行有效 (in force) at the year's end.

The index records no "changed" flag, so the split is derived, and the notes say how: an item
filed under the year (publication date, else written date) is

* 修改 when its title says it amends (关于修改…的决定, …修正案, （2019年修订）), its own
  history says it was revised that year (2019年12月28日…第二次修订: ``analyzers.history``), or
  an earlier item of the same title and issuer exists (the 2024 version of a 条例 whose 2020
  version is in the catalogue);
* 新制发 otherwise.

废止/失效 is not a kind of the year's items but the texts repealed in the year (the report's
本年废止件数): those a public document dated in the year repeals (:meth:`SearchIndex.repealed`,
what search marks 已废止), whenever they were published. A text only catalogued 废止 or 失效
has no date of repeal and is counted apart (``repealed_undated``), in no year.

An item is a text, not a file: the same notice as TXT and HTML, or a law filed under two folders,
is one publication and counts once, as search shows it once (README, "One document, one result").
Which files carry one text is the index's knowledge, not the report's
(:meth:`search_index.index.SearchIndex.same_texts`, the groups search collapses); :func:`annual`
counts each group once a year, under its catalogued copy (else its earliest).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from analyzers.agencies import agency_key, issuers, most_used
from analyzers.docno import canonical
from analyzers.normalize import normalize
from model.fields import CATEGORIES
from reports.csvexport import csv_text
from reports.entry import CatalogEntry
from reports.items import UNNAMED, Item, agency_filter, by_agency, is_of, items
from reports.years import check_report_year
from search_index.index import SearchIndex, same_issue, versions_key

STATUSES = ("new", "changed", "repealed")
STATUS_LABELS = {"new": "新制发", "changed": "修改", "repealed": "废止/失效"}
NOTES = (
    "按发布日期（无发布日期时按成文日期）归入年度和月份；仅统计主动公开的信息。",
    "「本年制发」为本年发布的件数，分为新制发和修改，不论其后是否废止。",
    "「本年废止/失效」为本年发布的公开文件写明废止的件数，按废止它的文件的日期归入年度，不论被废止的"
    "文件哪年发布；目录只记为废止或失效、没有文件写明废止它的，不知废止于哪年，不计入任何年度，"
    "另列「废止日期不详」。",
    "「修改」为标题注明修改、修正、修订，正文开头的沿革写明当年修订、修正，或目录中已有同一机构同名更早文件的件数。",
    "「现行有效」为截至年末发布、现有效性为有效的件数；同一机构后来又发布同名文件的（如条例的修订版），"
    "只计最新的版本：旧版本的正文不会写明已被取代，目录中也常仍记为有效；"
    "年末前发布的其他公开文件写明废止的（如《契税法》第十六条废止《契税暂行条例》），也不计入，"
    "与检索结果中的「已废止」一致。",
    "正文相同的文件（同一文件的不同格式、不同栏目）只算一件，与检索结果的计数一致；"
    "文号和标题都相同、成文日期相同或相差不超过三个月的（如同一文件的扫描件），也只算一件；"
    "一个文号同时发布的不同标题的文件，各算一件。",
    "同一件由多个机构发布的，在「按发布机构」中计入每个发布机构，合计只算一件。",
)
SAME_TITLE = 0.9  # titles this alike are one text's (a scan's title read with a slip)
_AMENDS = re.compile(r"(关于修改|修正案|[（(]\s*\d{4}\s*年?\s*(修正|修订|修改)\s*[)）]|修订草案)")
_BRACKETS = re.compile(r"[（(【\[〔][^）)】\]〕]*[）)】\]〕]")


def _title_key(title: str) -> str:
    """A title without bracketed notes and spacing, so versions of one 条例 compare equal."""
    return re.sub(r"\s+", "", _BRACKETS.sub("", normalize(title)))


@dataclass(frozen=True)
class CategoryRow:
    category: str
    total: int
    new: int
    changed: int
    repealed: int
    in_force: int
    superseded: int = 0  # 有效 by its own record, but its issuer published the title again,
    # or a later public document repealed it

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "total": self.total,
            "new": self.new,
            "changed": self.changed,
            "repealed": self.repealed,
            "in_force": self.in_force,
            "superseded": self.superseded,
        }


@dataclass(frozen=True)
class AnnualReport:
    year: int
    agency: str | None
    total: int
    by_category: tuple[CategoryRow, ...]
    by_agency: tuple[tuple[str, int], ...]
    by_month: tuple[int, ...]  # 12 counts, January first
    status: tuple[tuple[str, int], ...]  # (new|changed|repealed, count)
    undated: int  # 主动公开 items with no date at all: in no year
    # texts catalogued 废止/失效 that no public document repeals: no year of repeal is known
    repealed_undated: int = 0
    notes: tuple[str, ...] = NOTES
    # the agency as its documents name it most (国务院办 typed: 国务院办公厅), for headings
    # (QA pass 28a: a printed report's heading repeated the abbreviation typed)
    agency_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "agency": self.agency,
            "agency_name": self.agency_name,
            "total": self.total,
            "by_category": [r.to_dict() for r in self.by_category],
            "by_agency": [{"agency": a, "count": c} for a, c in self.by_agency],
            "by_month": [{"month": m, "count": c} for m, c in enumerate(self.by_month, 1)],
            "status": dict(self.status),
            "undated": self.undated,
            "repealed_undated": self.repealed_undated,
            "notes": list(self.notes),
        }

    def to_csv(self) -> str:
        """Three tables in one sheet, each row naming its section, then the undated count and
        the notes that say how the figures were made."""
        rows: list[list[Any]] = []
        for r in self.by_category:
            rows.append(["分类", r.category, r.total, r.new, r.changed, r.repealed, r.in_force,
                         r.superseded])  # fmt: skip
        rows.append(
            [
                "合计",
                "",
                self.total,
                *(dict(self.status)[s] for s in STATUSES),
                sum(r.in_force for r in self.by_category),
                sum(r.superseded for r in self.by_category),
            ]
        )
        for a, c in self.by_agency:
            rows.append(["发布机构", a, c, "", "", "", "", ""])
        for m, c in enumerate(self.by_month, 1):
            rows.append(["月份", f"{self.year}-{m:02d}", c, "", "", "", "", ""])
        # the page says how many items no year holds; the sheet said nothing (QA pass 28a)
        rows.append(["未注明日期", "不属于任何年度", self.undated, "", "", "", "", ""])
        rows.append(["废止日期不详", "不属于任何年度", "", "", "", self.repealed_undated, "", ""])
        rows.extend(["说明", note, "", "", "", "", "", ""] for note in self.notes)
        header = ("section", "name", "total", "new", "changed", "repealed", "in_force",
                  "superseded")  # fmt: skip
        return csv_text(header, rows)


def _version_key(e: CatalogEntry) -> tuple[str, str] | None:
    """What the versions of one rule share: a title (without its bracketed notes) and an
    issuer, as 已有新版本 reads them (QA pass 37a: a city's notice under the State Council's
    title was 修改 of it in the archive's report and 新制发 in the city's own)."""
    title = _title_key(e.title)
    return (title, agency_key(e.agency) or normalize(e.agency)) if title else None


def _earliest_other(
    titled: dict[tuple[str, str], dict[str, dt.date]], e: CatalogEntry, text: str
) -> dt.date | None:
    """The earliest date of another text of ``e``'s title and issuer, if any."""
    key = _version_key(e)
    others = [d for t, d in titled.get(key, {}).items() if t != text] if key else []
    return min(others, default=None)


def _status(e: CatalogEntry, first: dt.date | None) -> str:
    """``first``: the earliest date of another text of the same title and issuer. An item
    published in the year is 制发 in it, new or changed, whatever became of it since: its repeal
    is counted in the year of the repeal (the report's 本年废止件数)."""
    if _AMENDS.search(e.title):
        return "changed"
    if e.amended is not None and e.date is not None and e.amended == e.date.year:
        return "changed"  # its own history: revised that year (QA pass 45a)
    if first is not None and e.date is not None and first < e.date:
        return "changed"
    return "new"


def _issue_texts(entries: list[CatalogEntry], texts: Mapping[str, str]) -> dict[str, str]:
    """``texts`` (id → its text's key) with the texts of one issue as one: texts bearing one
    文号 dated on one 成文日期 or within :data:`~search_index.index.SAME_ISSUE_DAYS` are one
    publication, as search's versions hold (:func:`search_index.index.same_issue`), so that
    :func:`~reports.items.items` counts them once a year like one text's copies, filed by the
    catalogued one, else the earliest (QA pass 28a: a scan of 国办函〔2018〕71号, its OCR text
    99.5% the typed copy's and dated by its 发布日期, was a second item, counted 修改, and made
    the typed copy 已有新版本)."""
    by_number: dict[str, list[CatalogEntry]] = {}
    for e in entries:
        if e.doc_number and e.date is not None:
            by_number.setdefault(canonical(normalize(e.doc_number)), []).append(e)
    into: dict[str, str] = {}  # a text's key → the key of the text its issue is filed as
    for group in by_number.values():
        group.sort(key=lambda e: (not e.catalogued, e.date, e.id))
        kept: list[CatalogEntry] = []
        for e in group:
            same = next((k for k in kept if _one_issue(k, e)), None)
            if same is None:
                kept.append(e)
            elif texts.get(e.id, e.id) != texts.get(same.id, same.id):
                into.setdefault(texts.get(e.id, e.id), texts.get(same.id, same.id))
    if not into:
        return dict(texts)
    out: dict[str, str] = {}
    for e in entries:
        key = texts.get(e.id, e.id)
        while key in into:
            key = into[key]
        out[e.id] = key
    return out


def _one_issue(a: CatalogEntry, b: CatalogEntry) -> bool:
    """One 文号 and date (:func:`~search_index.index.same_issue`), and one title: a decree may
    issue several rules under its one number (QA pass 31a: 法令字第1090200489B號 of 2020-07-15
    heads three of 法务部's regulations, counted as one item, so the report said 557 where
    search found 562). A scan's title read with a slip is still its typed copy's."""
    issue = (a.doc_number, a.written_date, a.date)
    if not same_issue(issue, (b.doc_number, b.written_date, b.date)):
        return False
    ta, tb = _title_key(a.title), _title_key(b.title)
    return not ta or not tb or ta == tb or SequenceMatcher(None, ta, tb).ratio() >= SAME_TITLE


def _named(entries: Iterable[CatalogEntry], wanted: frozenset[str]) -> str | None:
    """The name the ``wanted`` agency's entries give it most (each issuer of a joint issue
    that is the agency), or None when none does."""
    names = Counter(
        name for e in entries for name in issuers(e.agency) if agency_key(name) in wanted
    )
    return most_used(names.items()) if names else None


def _agency_rows(of_year: Iterable[Item]) -> tuple[tuple[str, int], ...]:
    """The agency table: items per agency (each issuer of a joint issue, one row per agency in
    either script), most first."""
    rows = [(g.label, len(g.rows)) for g in by_agency((i, i.agencies) for i in of_year)]
    return tuple(sorted(rows, key=lambda kv: (-kv[1], kv[0])))


def annual(
    entries: Iterable[CatalogEntry],
    year: int,
    agency: str | None = None,
    *,
    index: SearchIndex | None = None,
) -> AnnualReport:
    """Statistics of the 主动公开 items filed under ``year`` (of ``agency``, when given).

    With the ``index`` the entries come from, the documents it shows as one result (one text as
    TXT and HTML, in two folders) are one item, so the report counts what search finds.
    Without it every entry is an item (a catalogue of files without texts).
    """
    check_report_year(year)  # QA pass 16: year 0 was a 500 (datetime's ValueError)
    wanted = agency_filter([agency] if agency else [])
    public = [e for e in entries if e.disclosure == "public" and is_of(e, wanted)]
    # a text two agencies published (one notice on two sites, or issued jointly: 最高人民法院、
    # 最高人民检察院) is an item of each agency's row, as each agency's own report and the
    # search filtered by it count it (QA pass 8: the table said 30 where the agency's report
    # said 31; QA pass 16: a joint issue was in neither issuer's); the total counts it once
    # ... and, where the index tells texts apart, one issue's texts (a scan and its typed copy)
    # are one text (without it every file is an item)
    texts = _issue_texts(public, index.same_texts()) if index is not None else None
    found = items(public, texts, UNNAMED)
    public = [i.entry for i in found]
    text_of = {i.entry.id: i.text for i in found}
    # per title, the earliest date of each text bearing it: a text posted again in a later year
    # is not an amendment of itself (QA pass 20: its copy dated 2019 was counted 修改)
    titled: dict[tuple[str, str], dict[str, dt.date]] = {}
    for e in public:
        key = _version_key(e)
        if e.date is not None and key:
            texts = titled.setdefault(key, {})
            texts[text_of[e.id]] = min(e.date, texts.get(text_of[e.id], e.date))
    end = dt.date(year, 12, 31)
    of_year = [e for e in public if e.date is not None and e.date.year == year]
    cats = Counter(e.category for e in of_year)
    statuses = {e.id: _status(e, _earliest_other(titled, e, text_of[e.id])) for e in of_year}
    # in force at the year's end: each text once, as its latest copy then says (QA pass 20: a
    # text with copies dated in two years was counted twice)
    latest: dict[str, CatalogEntry] = {}
    for e in public:
        if e.date is not None and e.date <= end:
            have = latest.get(text_of[e.id])
            if have is None or (e.date, e.id) > (have.date, have.id):  # type: ignore[operator]
                latest[text_of[e.id]] = e
    # ... and each rule once: an older version of a title its issuer published again by the
    # year's end is not in force, whatever its own 有效性 says (QA pass 26a: both versions of
    # 公司法 were counted, 87 older versions in the corpus)
    newest: dict[tuple[str, str], dt.date] = {}
    for e in latest.values():
        key = versions_key(e.title, e.agency)
        if key is not None and e.date is not None:
            newest[key] = max(e.date, newest.get(key, e.date))
    superseded = {
        t for t, e in latest.items()
        if (key := versions_key(e.title, e.agency)) is not None and e.date < newest[key]
    }  # fmt: skip
    # ... nor one a later public document repealed by then (契税暂行条例 after 契税法 of
    # 2020: search marks it 已废止, its catalogue still says 有效; QA pass 31c)
    marked = index.repealed() if index is not None else {}
    superseded |= {
        t for t, e in latest.items()
        if (r := marked.get(e.id)) is not None and r.date <= end.isoformat()
    }  # fmt: skip
    in_force = Counter(
        e.category for t, e in latest.items() if e.validity == "valid" and t not in superseded
    )
    replaced = Counter(latest[t].category for t in superseded if latest[t].validity == "valid")
    # 本年废止: the texts a public document dated in the year repeals, whenever they were
    # published (QA pass 37a: the column counted the year's own items that are now 废止, so
    # 2020 said 0 where 17 rules, 契税暂行条例 among them, were repealed by 2020's documents);
    # a text only catalogued 废止 or 失效 has no date of repeal: counted apart, in no year
    repealed: dict[str, str] = {}  # text → its category
    dated_repeal: set[str] = set()
    for e in public:
        r = marked.get(e.id)
        if r is not None:
            dated_repeal.add(text_of[e.id])
            if r.date[:4] == str(year):
                repealed.setdefault(text_of[e.id], e.category)
    undated_repeals = {
        text_of[e.id] for e in public if e.validity in ("repealed", "expired")
    } - dated_repeal
    repealed_in = Counter(repealed.values())
    extra = (set(cats) | set(in_force) | set(repealed_in)) - set(CATEGORIES)
    order = [c for c in CATEGORIES] + sorted(extra)
    rows = []
    for c in order:
        in_cat = [e for e in of_year if e.category == c]
        count = Counter(statuses[e.id] for e in in_cat)
        rows.append(
            CategoryRow(
                c, len(in_cat), count["new"], count["changed"], repealed_in[c], in_force[c],
                replaced[c],
            )  # fmt: skip
        )
    months = [0] * 12
    for e in of_year:
        months[e.date.month - 1] += 1  # type: ignore[union-attr]
    agencies = _agency_rows(i for i in found if i.entry.date and i.entry.date.year == year)
    total_status = Counter(statuses.values())
    total_status["repealed"] = len(repealed)
    return AnnualReport(
        year=year,
        agency=agency,
        agency_name=_named(public, wanted) or agency if agency else None,
        total=len(of_year),
        by_category=tuple(rows),
        by_agency=agencies,
        by_month=tuple(months),
        status=tuple((s, total_status[s]) for s in STATUSES),
        undated=sum(1 for e in public if e.date is None),
        repealed_undated=len(undated_repeals),
    )
