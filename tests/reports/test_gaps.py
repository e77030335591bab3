"""The catalogue-gaps list over hand-made entries: which field counts as lacking, and why."""

from __future__ import annotations

import datetime as dt

import pytest

from model.errors import BadRequest
from reports.gaps import GAP_FIELDS, gap_label, gaps
from reports.timeliness import ReportFilter
from tests.reports.fixtures import entry

D = dt.date


def test_each_field_is_lacking_as_the_catalogue_reads_it() -> None:
    full = dict(index_no="000-1", doc_number="甲发〔2024〕1号", category="业务文件",
                written_date=D(2024, 1, 2), publish_date=D(2024, 1, 5))  # fmt: skip
    entries = [
        entry("whole", **full),
        entry("no-agency", "", **full),
        entry("blank-number", **{**full, "doc_number": "  "}),
        # a date the text gave where the row's cell was empty is no date of the catalogue's
        entry("text-date", **full, dates_from_text=("written_date",)),
        entry("assumed", **full, validity_assumed=True),
        entry("other", **{**full, "category": "其他"}),
    ]
    report = gaps(entries)
    lacks = {g.entry.id: g.lacks for g in report.rows}
    assert lacks == {
        "no-agency": ("agency",),
        "blank-number": ("doc_number",),
        "text-date": ("written_date",),
        "assumed": ("validity",),
        "other": ("category",),
    }
    assert report.covered == len(entries)
    assert dict(report.counts) == {
        "index_no": 0, "doc_number": 1, "agency": 1, "category": 1, "written_date": 1,
        "publish_date": 0, "validity": 1,
    }  # fmt: skip
    # asked for one field: only it is counted, and a row names only it
    one = gaps(entries + [entry("both", "", **{**full, "doc_number": ""})], fields=["agency"])
    assert [(g.entry.id, g.lacks) for g in one.rows] == [
        ("both", ("agency",)), ("no-agency", ("agency",))
    ]  # sorted by agency (both empty), then path
    assert one.counts == (("agency", 2),)


def test_the_filter_and_undated_files() -> None:
    entries = [
        entry("old", "乙局", publish_date=D(2019, 5, 1)),
        entry("new", "乙局", publish_date=D(2024, 5, 1)),
        entry("undated", "乙局"),
        entry("elsewhere", "丙局", publish_date=D(2024, 5, 1)),
    ]
    report = gaps(entries, ReportFilter(agencies=("乙局",), year=2024), ["index_no"])
    assert [g.entry.id for g in report.rows] == ["new", "undated"]
    assert report.covered == 2


def test_a_field_it_does_not_know_is_refused() -> None:
    with pytest.raises(BadRequest, match="no such catalogue field: bogus"):
        gaps([], fields=["bogus", "agency"])
    assert all(gap_label(f) for f in GAP_FIELDS)
    assert gap_label("validity").startswith("有效性")
    csv_text = gaps([entry("x", "")], fields=["agency"]).to_csv()
    head = csv_text.splitlines()[0].lstrip("\ufeff").split(",")
    assert head[:4] == ["编号", "所在文件夹", "路径", "标题"] and "公开方式" in head
    # the level as staff read it, as the staff export writes it (QA pass 46c: public)
    assert "缺发布机构" in csv_text and ",主动公开," in csv_text and ",public," not in csv_text


def test_files_of_one_name_in_two_folders_are_told_apart():
    """QA pass 46c: two folders' n1.txt were two rows alike; each says the folder it came from."""
    rows = gaps([entry("x", "", source="/archive/二科"), entry("y", "", source="/archive/一科")],
                fields=["agency"]).to_dict()["rows"]  # fmt: skip
    assert [(r["source"], r["path"]) for r in rows] == [
        ("/archive/一科", "docs/y.txt"), ("/archive/二科", "docs/x.txt")
    ]
