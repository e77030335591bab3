"""Catalogue gaps: the documents whose catalogue entry leaves a field empty, one row per file.

The yearly report counts what lacks an agency under （未注明）, and the timeliness report lists
what lacks a date; neither said *which* documents lacked a 发布机构, a 文号 or a 索引号, so the
office could not fix them (QA pass 45a, F7). This list is per file, not per text as the other
reports count: each file is a row of the catalogue, and a text filed twice must be fixed twice.
Every level of 公开方式 is listed (the catalogue holds them all; the reports are for staff).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from model.errors import BadRequest
from model.fields import label, value_label
from reports.csvexport import csv_text
from reports.entry import CatalogEntry
from reports.timeliness import ReportFilter

# the fields a row may lack, in the catalogue's column order
GAP_FIELDS: tuple[str, ...] = (
    "index_no", "doc_number", "agency", "category", "written_date", "publish_date", "validity",
)  # fmt: skip
# "other" is a category a catalogue may state; the list says that it is what was filed, and
# the validity that it was assumed (filed 有效, shown 未注明)
_LABELS = {"category": "分类（归入“其他”）", "validity": "有效性（未注明，按有效处理）"}


def gap_label(name: str) -> str:
    """How a gap reads to staff: the field's label, or what its empty value stands for."""
    return _LABELS.get(name) or label(name)


def gap_fields(asked: Iterable[str]) -> tuple[str, ...]:
    """The fields asked for, in :data:`GAP_FIELDS` order (none: all of them); a name that is
    no field the list knows is refused, naming the ones it does."""
    wanted = {a.strip() for a in asked if a.strip()}
    unknown = sorted(wanted - set(GAP_FIELDS))
    if unknown:
        raise BadRequest(
            f"no such catalogue field: {', '.join(unknown)} (one of {', '.join(GAP_FIELDS)})"
        )
    return tuple(f for f in GAP_FIELDS if f in wanted) or GAP_FIELDS


def _lacks(e: CatalogEntry, name: str) -> bool:
    if name in ("written_date", "publish_date"):
        return e.lacks_date(name)
    if name == "category":
        return e.category == "其他"
    if name == "validity":
        return e.validity_assumed
    return not getattr(e, name).strip()


@dataclass(frozen=True)
class Gap:
    """One file and the asked fields its entry leaves empty."""

    entry: CatalogEntry
    lacks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        e = self.entry
        return {
            "id": e.id, "source": e.source, "path": e.path, "title": e.title,
            "index_no": e.index_no,
            "doc_number": e.doc_number, "agency": e.agency, "category": e.category,
            "date": e.date.isoformat() if e.date else None, "disclosure": e.disclosure,
            "lacks": list(self.lacks),
        }  # fmt: skip


@dataclass(frozen=True)
class GapsReport:
    rows: tuple[Gap, ...]
    counts: tuple[tuple[str, int], ...]  # each asked field: how many covered files lack it
    covered: int  # the files the filter covers
    fields: tuple[str, ...] = GAP_FIELDS
    filter: ReportFilter = field(default_factory=ReportFilter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "covered": self.covered,
            "fields": list(self.fields),
            "counts": dict(self.counts),
            "rows": [g.to_dict() for g in self.rows],
            "filter": self.filter.to_dict(),
        }

    def to_csv(self) -> str:
        header: Sequence[str] = (
            "id", "source", "path", "title", "index_no", "doc_number", "agency", "category",
            "date", "disclosure", "note",
        )  # fmt: skip
        rows = []
        for g in self.rows:
            x = g.to_dict()
            # the level as staff read it, as the staff export writes it (QA pass 46c: public)
            x["disclosure"] = value_label("disclosure", x["disclosure"])
            note = "缺" + "、".join(gap_label(n) for n in g.lacks)
            rows.append([*(x[k] for k in header[:-1]), note])
        return csv_text(header, rows)


def gaps(
    entries: Iterable[CatalogEntry],
    flt: ReportFilter | None = None,
    fields: Sequence[str] = (),
) -> GapsReport:
    """Each file the filter (None: all) covers that lacks one of ``fields``
    (:func:`gap_fields`), sorted by agency then path, with how many lack each."""
    flt = flt or ReportFilter()
    asked = gap_fields(fields)
    counts = dict.fromkeys(asked, 0)
    rows: list[Gap] = []
    covered = 0
    for e in entries:
        if not flt.covers(e):  # an undated file in every period: it is a gap itself
            continue
        covered += 1
        lacks = tuple(name for name in asked if _lacks(e, name))
        for name in lacks:
            counts[name] += 1
        if lacks:
            rows.append(Gap(e, lacks))
    rows.sort(key=lambda g: (g.entry.agency, g.entry.source, g.entry.path))
    return GapsReport(tuple(rows), tuple(counts.items()), covered, asked, flt)
