"""The timeliness report on hand-counted fixtures (tests/reports/fixtures.py)."""

from __future__ import annotations

import csv
import io

import pytest

from model.errors import BadRequest
from model.viewer import STAFF
from reports.entry import CatalogEntry
from reports.timeliness import ReportFilter, timeliness
from tests.reports.fixtures import APART, TIMELINESS, D, entry


def test_delays_late_flags_and_order() -> None:
    rep = timeliness(TIMELINESS)
    got = {d.entry.id: (d.working_days, d.late) for d in rep.documents}
    assert got == {
        "a": (8, False),
        "b": (21, True),
        "c": (20, False),
        "d": (1, False),
        "k": (1, False),
    }
    assert [d.entry.id for d in rep.documents][:2] == ["b", "c"]  # longest delay first
    assert rep.late_count == 1


def test_missing_dates_are_listed_not_guessed() -> None:
    rep = timeliness(TIMELINESS)
    assert {m.entry.id: m.lacks for m in rep.missing} == {
        "e": "written_date",
        "f": "publish_date",
        "g": "written_date,publish_date",
    }
    reasons = {u.entry.id: u.reason for u in rep.uncountable}
    assert set(reasons) == {"h", "i"}
    assert "2004" in reasons["h"] and "1999-01-04" in reasons["h"]
    assert "早于" in reasons["i"]


def test_non_public_documents_are_not_in_the_report() -> None:
    rep = timeliness(TIMELINESS)
    ids = {d.entry.id for d in rep.documents} | {m.entry.id for m in rep.missing}
    assert "j" not in ids


def test_summary_per_agency() -> None:
    rows = {a.agency: a.to_dict() for a in timeliness(TIMELINESS).by_agency}
    assert rows["甲局"] == {
        "agency": "甲局",
        "count": 4,
        "late": 1,
        "median_working_days": 14.0,
        "missing": 0,
        "uncountable": 0,
    }  # 1, 8, 20, 21 → (8 + 20) / 2
    assert rows["乙局"] == {
        "agency": "乙局",
        "count": 1,
        "late": 0,
        "median_working_days": 1.0,
        "missing": 3,
        "uncountable": 0,
    }
    assert rows["丙局"]["count"] == 0 and rows["丙局"]["median_working_days"] is None
    # h (no calendar for 1999) and i (published before written) have both dates
    assert (rows["丙局"]["missing"], rows["丙局"]["uncountable"]) == (0, 2)
    assert list(rows)[0] == "甲局"  # the agency with late documents first


def test_per_agency_missing_is_lacking_a_date_and_uncountable_is_apart() -> None:
    rep = timeliness(APART)
    assert (len(rep.missing), len(rep.uncountable)) == (1, 2)
    assert [a.to_dict() for a in rep.by_agency] == [
        {
            "agency": "丁局",
            "count": 0,
            "late": 0,
            "median_working_days": None,
            "missing": 1,
            "uncountable": 2,
        }
    ]
    y2025 = timeliness(APART, ReportFilter(year=2025))
    assert (len(y2025.missing), len(y2025.uncountable)) == (1, 1)
    row = y2025.to_dict()["by_agency"][0]
    assert (row["missing"], row["uncountable"]) == (1, 1)
    # every agency line adds up to the report's lists
    for r in (rep, y2025, timeliness(TIMELINESS)):
        assert sum(a.missing for a in r.by_agency) == len(r.missing)
        assert sum(a.uncountable for a in r.by_agency) == len(r.uncountable)


def test_filters_by_agency_category_and_period() -> None:
    only = timeliness(TIMELINESS, ReportFilter(agencies=("乙局",)))
    assert {d.entry.id for d in only.documents} == {"d"}
    assert {m.entry.id for m in only.missing} == {"e", "f", "g"}
    cat = timeliness(TIMELINESS, ReportFilter(categories=("业务文件",)))
    assert [d.entry.id for d in cat.documents] == ["k"]
    y2024 = timeliness(TIMELINESS, ReportFilter(year=2024))
    assert {d.entry.id for d in y2024.documents} == {"b", "c", "d"}
    # an entry with no date cannot be placed in a period: still listed, never dropped
    assert {m.entry.id for m in y2024.missing} == {"e", "f", "g"}
    assert {u.entry.id for u in y2024.uncountable} == {"i"}
    span = timeliness(TIMELINESS, ReportFilter(date_from=D(2024, 4, 1), date_to=D(2024, 6, 30)))
    assert {d.entry.id for d in span.documents} == {"b", "d"}


def test_json_shape_is_the_documented_interface() -> None:
    out = timeliness(TIMELINESS).to_dict()
    assert set(out["documents"][0]) == {
        "id",
        "path",
        "title",
        "agency",
        "written_date",
        "publish_date",
        "working_days",
        "late",
    }
    assert set(out["missing"][0]) == {"id", "path", "title", "lacks"}
    assert set(out["by_agency"][0]) == {
        "agency",
        "count",
        "late",
        "median_working_days",
        "missing",
        "uncountable",
    }
    b = next(d for d in out["documents"] if d["id"] == "b")
    assert b == {
        "id": "b",
        "path": "docs/b.txt",
        "title": "文件b",
        "agency": "甲局",
        "written_date": "2024-03-01",
        "publish_date": "2024-04-01",
        "working_days": 21,
        "late": True,
    }


def test_csv_export_has_every_document_and_neutralises_formulas() -> None:
    hostile = entry(
        "z",
        title='=HYPERLINK("http://x")',
        agency="+甲",
        written_date=D(2024, 5, 31),
        publish_date=D(2024, 6, 3),
    )
    text = timeliness([*TIMELINESS, hostile]).to_csv()
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 5 + 1 + 3 + 2  # measured (with z), missing, uncountable
    # headed in Chinese, for the staff who open it (QA pass 28a: the JSON keys)
    assert list(rows[0]) == [
        "编号", "路径", "标题", "发布机构", "成文日期", "发布日期", "相隔工作日", "超过时限",
        "说明",
    ]  # fmt: skip
    z = next(r for r in rows if r["编号"] == "z")
    assert z["标题"] == '\'=HYPERLINK("http://x")' and z["发布机构"] == "'+甲"
    assert z["相隔工作日"] == "1" and z["超过时限"] == "否"
    g = next(r for r in rows if r["编号"] == "g")
    assert g["相隔工作日"] == "" and g["说明"] == "缺成文日期、发布日期"


def test_why_a_document_cannot_be_counted_is_said_in_chinese_with_its_own_dates() -> None:
    """The reasons are read on the Chinese page and in the CSV: they were English, quoted the
    day after the written date, and told staff to upgrade the calendar for a 1999 document
    (QA pass 5)."""
    report = timeliness(TIMELINESS, ReportFilter())
    reasons = {u.entry.id: u.reason for u in report.uncountable}
    assert "1999-01-04" in reasons["h"] and "1999-01-05" not in reasons["h"]
    assert "节假日" in reasons["h"] and "升级" not in reasons["h"]
    assert reasons["i"] == "发布日期（2024-01-02）早于成文日期（2024-02-01）"
    z = entry("z", written_date=D(2099, 1, 5), publish_date=D(2099, 2, 1))
    [late] = timeliness([z], today=D(2099, 3, 1)).uncountable  # read in 2099, calendar older
    assert "2099-01-05" in late.reason and "升级" in late.reason
    # read today, its 发布日期 is yet to come: a date to check, not a calendar to upgrade (QA
    # pass 35b), also within the calendar's years
    [ahead] = timeliness([z], today=D(2026, 12, 6)).uncountable
    assert ahead.reason == "发布日期（2099-02-01）晚于今天（2026-12-06）：请核对发布日期"
    soon = entry("y", written_date=D(2026, 12, 1), publish_date=D(2026, 12, 20))
    report = timeliness([soon], today=D(2026, 12, 6))
    assert not report.documents and "晚于今天" in report.uncountable[0].reason


def test_dates_years_apart_are_two_versions_to_check_not_a_delay() -> None:
    """QA pass 39a: a revised law's text says its first 通过 (2004), its catalogue row the
    revision's date (2019): "3,793 working days late", and 国务院's 2019 median 763. Over a
    year apart, a row is listed to check with both dates, out of the late count and medians."""
    law = entry("w", written_date=D(2004, 5, 27), publish_date=D(2019, 7, 26))
    year_late = entry("v", written_date=D(2019, 1, 2), publish_date=D(2019, 12, 31))
    report = timeliness([law, year_late])
    assert [(d.entry.id, d.late) for d in report.documents] == [("v", True)]  # within a year
    [apart] = report.uncountable
    assert apart.entry.id == "w" and report.late_count == 1
    assert apart.reason.startswith("成文日期（2004-05-27）早于发布日期（2019-07-26）约 15 年")
    assert "请核对成文日期" in apart.reason


def test_a_period_ending_before_it_starts_is_refused() -> None:
    # as a search refuses it (search_index.index): same error, same message
    with pytest.raises(BadRequest, match="^date_from is after date_to$"):
        ReportFilter(date_from=D(2020, 1, 1), date_to=D(2019, 1, 1))
    one_day = ReportFilter(date_from=D(2024, 6, 3), date_to=D(2024, 6, 3))
    assert [d.entry.id for d in timeliness(TIMELINESS, one_day).documents] == ["d"]


def test_an_agency_finds_what_it_issued_jointly() -> None:
    """QA pass 16: ``--agency 国务院`` left out a document 国务院 and 中央军事委员会 issued
    together, which search filtered by either finds; it is in each issuer's line."""
    joint = entry("x", "国务院、中央军事委员会", written_date=D(2024, 5, 31),
                  publish_date=D(2024, 6, 3))  # fmt: skip
    own = entry("y", "国务院", publish_date=D(2024, 6, 3))
    for agency in ("国务院", "中央军事委员会", "國務院", "国务院、中央军事委员会"):
        rep = timeliness([joint, own, *TIMELINESS], ReportFilter(agencies=(agency,)))
        assert "x" in {d.entry.id for d in rep.documents}, agency
    lines = {a.agency: a for a in timeliness([joint, own]).by_agency}
    assert set(lines) == {"国务院", "中央军事委员会"}
    assert (lines["国务院"].count, lines["国务院"].missing) == (1, 1)
    assert (lines["中央军事委员会"].count, lines["中央军事委员会"].missing) == (1, 0)


def test_a_date_the_catalogue_left_empty_is_not_taken_from_the_text(tmp_path) -> None:
    """QA pass 23b: a row with an empty 成文日期 (or one that is no date, 2024-02-30) was
    measured with the date the text gave (a reposted State Council notice's 2018), and the
    county's posting was reported six years late. The document still shows the text's date;
    the report lists it as lacking the catalogue's."""
    from pipeline.run import run_ingest
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from tests.corpus import CORPUS, require_corpus

    require_corpus()
    text = (CORPUS / "docs/govcn_policy/govcn_015.txt").read_bytes()  # 成文日期 2018-12-21
    for name in ("blank.txt", "typo.txt", "stated.txt"):
        (tmp_path / "docs").mkdir(exist_ok=True)
        (tmp_path / "docs" / name).write_bytes(text + name.encode())
    (tmp_path / "docs" / "catalog.csv").write_text(
        "path,agency,written_date,publish_date\n"
        "blank.txt,青松县人民政府办公室,,2024-08-01\n"
        "typo.txt,青松县人民政府办公室,2024-02-30,2024-08-01\n"
        "stated.txt,青松县人民政府办公室,2024-07-29,2024-08-01\n",
        encoding="utf-8",
    )
    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    try:
        run_ingest(index, [tmp_path / "docs"], catalog=tmp_path / "docs" / "catalog.csv",
                   workers=1)  # fmt: skip
        stored = {d.path: d for d in index.catalog(STAFF)}
        assert stored["blank.txt"].written_date == "2018-12-21"  # shown, as the text says
        rep = timeliness([CatalogEntry.from_stored(d) for d in stored.values()])
        assert [d.entry.path for d in rep.documents] == ["stated.txt"]
        assert {m.entry.path: m.lacks for m in rep.missing} == {
            "blank.txt": "written_date", "typo.txt": "written_date",
        }  # fmt: skip
        rows = {r["路径"]: r for r in csv.DictReader(io.StringIO(rep.to_csv().lstrip("\ufeff")))}
        assert rows["blank.txt"]["成文日期"] == "" and rows["blank.txt"]["发布日期"]
    finally:
        index.close()


def test_drafts_not_yet_published_are_listed_with_their_last_day_overdue_first() -> None:
    """QA pass 33b: a draft written on 2025-09-01 and never published was in no list. Counted
    by hand: 2025-09-01 was a Monday; the 20th working day after it is Sunday 28 September, a
    make-up working day before 国庆 (1–8 October off, Saturday 11 October worked); by 20
    October 31 working days had passed."""
    drafts = [
        entry("x", written_date=D(2025, 9, 1), disclosure="draft"),
        entry("y", "乙局", written_date=D(2025, 10, 15), disclosure="draft"),
        entry("w", written_date=D(2025, 9, 1), disclosure="not_public"),  # withheld: no draft
        entry("v", disclosure="draft"),  # no 成文日期: nothing to count from
    ]
    rep = timeliness([*TIMELINESS, *drafts], today=D(2025, 10, 20))
    got = [(p.entry.id, p.working_days, p.due, p.overdue) for p in rep.pending]
    assert got == [("x", 31, D(2025, 9, 28), True), ("y", 3, D(2025, 11, 12), False)]
    assert rep.overdue_count == 1
    assert rep.to_dict()["pending"][0]["due"] == "2025-09-28"
    rows = list(csv.reader(io.StringIO(rep.to_csv().lstrip("\ufeff"))))
    assert any(r[0] == "x" and "已逾期" in r[-1] for r in rows), rows[-3:]
    # an agency filter narrows them as it narrows the rest
    flt = ReportFilter(agencies=("乙局",))
    only = timeliness([*TIMELINESS, *drafts], flt, today=D(2025, 10, 20))
    assert [p.entry.id for p in only.pending] == ["y"]
    # a draft stating a 发布日期 (published, then returned to draft) is pending all the same
    # (QA pass 34b: it was in no list)
    back = entry("u", "乙局", written_date=D(2025, 10, 15), publish_date=D(2025, 10, 16),
                 disclosure="draft")  # fmt: skip
    again = timeliness([*TIMELINESS, *drafts, back], flt, today=D(2025, 10, 20))
    assert [p.entry.id for p in again.pending] == ["u", "y"]  # equal days: by path
    # published ones are not pending, and the report's own lists are as before
    before = timeliness(TIMELINESS).documents
    assert {d.entry.id for d in rep.documents} == {d.entry.id for d in before}
    # past the calendar's last year the days cannot be counted, the deadline still can (the
    # review: on 1 January 2027 every draft lost its due day and its overdue flag)
    late = timeliness(drafts, today=D(2099, 1, 4)).pending
    assert [(p.entry.id, p.working_days, p.due, p.overdue) for p in late] == [
        ("x", None, D(2025, 9, 28), True), ("y", None, D(2025, 11, 12), True)
    ]
    assert all("2099" in p.reason for p in late)
    # the CLI's table says them too (the review: JSON, CSV and page did, the terminal not)
    from govsearch.cli_reports import _timeliness_table

    table = _timeliness_table(rep)
    assert "drafts not published (1 overdue, as of 2025-10-20)" in table
    assert "2025-09-28" in table and "overdue" in table and "文件x" in table


def test_the_report_page_lists_the_drafts_not_published(tmp_path) -> None:
    """The page says them as the JSON does (a draft written long ago is overdue today)."""
    from model.settings import Settings
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from search_index.prepare import prepare
    from tests.reports.stack import as_document, client_for

    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    drafts = [entry("x", written_date=D(2025, 9, 1), disclosure="draft", title="迟迟未发的草稿"),
              entry("b", written_date=D(2024, 3, 1), publish_date=D(2024, 4, 1))]  # fmt: skip
    assert all(r.ok for r in index.write(prepare(as_document(e), "f") for e in drafts))
    client, key = client_for(index, Settings(data_dir=tmp_path / "data"))
    with client:
        page = client.post("/reports/timeliness", data={"key": key}).text
    index.close()
    assert "未发布的草稿（1 件，已逾期 1 件" in page and "迟迟未发的草稿" in page
    assert "2025-09-28" in page  # its last day on time


def test_an_agency_in_traditional_is_marked_so_on_the_report_pages(tmp_path) -> None:
    """QA pass 50d: 經濟部, 內政部 were row headers a screen reader read as Simplified."""
    from model.settings import Settings
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from search_index.prepare import prepare
    from tests.reports.stack import as_document, client_for

    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    dates = {"written_date": D(2024, 3, 1), "publish_date": D(2024, 3, 5)}
    rows = [entry("t", "經濟部", **dates), entry("m", "商务部", **dates)]
    assert all(r.ok for r in index.write(prepare(as_document(e), "f") for e in rows))
    client, key = client_for(index, Settings(data_dir=tmp_path / "data"))
    with client:
        pages = [client.post(f"/reports/{kind}", data={"key": key, "year": "2024"}).text
                 for kind in ("timeliness", "annual")]  # fmt: skip
    index.close()
    for page in pages:
        assert '<th scope="row" lang="zh-Hant">經濟部</th>' in page
        assert '<th scope="row">商务部</th>' in page
