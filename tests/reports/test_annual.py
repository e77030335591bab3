"""The annual report's statistics on hand-counted fixtures (tests/reports/fixtures.py), and over
a real index of the bundled samples, where one text filed as several files is one item."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest

from ingest.files import iter_documents
from model.document import Document
from model.settings import Settings
from model.viewer import STAFF
from reports.annual import annual
from reports.entry import CatalogEntry
from reports.timeliness import ReportFilter, timeliness
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.prepare import prepare
from search_index.request import Query
from tests.reports.fixtures import ANNUAL
from tests.reports.stack import client_for

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_totals_months_and_status() -> None:
    rep = annual(ANNUAL, 2024)
    # p1 p2 p3 p4 p5 p9 are public and filed under 2024 (p5 by its written date)
    assert rep.total == 6
    assert rep.by_month == (1, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 1)
    # new: p3 p4 p5 p9; changed: p1 (p0 has its title, earlier), p2 (关于修改); p3 (废止) and
    # p9 (失效) were published in 2024 whatever became of them: 本年制发. No document repeals
    # them, so no year of repeal is known: counted apart (QA pass 37a)
    assert dict(rep.status) == {"new": 4, "changed": 2, "repealed": 0}
    assert rep.undated == 1  # p8
    assert rep.repealed_undated == 2


def test_a_rule_is_repealed_in_the_year_of_the_document_that_repeals_it(tmp_path) -> None:
    """QA pass 37a: 本年废止 counted the year's own items now 废止, so 2020 said 0 while 契税法
    of 2020 repealed 契税暂行条例 (published 2019). It is the texts a document of the year
    repeals, whenever they were published; the repealing year's 制发 is the new law."""
    from pipeline.run import run_ingest
    from search_index import citizen_words
    from tests.corpus import REPEAL_LAWS, catalogued_laws

    laws = {k: REPEAL_LAWS[k] for k in ("qishuifa.txt", "zanxing.txt")}
    folder, catalog = catalogued_laws(tmp_path, laws)
    data = tmp_path / "data"
    index = SearchIndex(EmbeddedIndex(data))
    report = run_ingest(index, [folder], catalog=catalog, workers=1, lexicon_dir=data)
    assert len(report.ok) == 2, report.summary()
    citizen_words.load_lexicon(data)
    try:
        entries = [CatalogEntry.from_stored(d) for d in index.catalog()]
        by_year = {y: annual(entries, y, index=index) for y in (2019, 2020, 2021)}
        assert [dict(by_year[y].status)["repealed"] for y in (2019, 2020, 2021)] == [0, 1, 0]
        assert dict(by_year[2019].status) == {"new": 1, "changed": 0, "repealed": 0}
        assert by_year[2020].total == 1  # 契税法: its year's 制发; the repealed rule is not
        assert by_year[2020].repealed_undated == 0  # the date of its repeal is known
        (row,) = [r for r in by_year[2020].by_category if r.repealed]
        assert row.repealed == 1 and row.total == 1
        assert by_year[2019].to_dict()["by_category"][0]["in_force"] == 1
        assert all(r.in_force == 1 for r in by_year[2020].by_category if r.total)  # 契税法 only
    finally:
        citizen_words.load_lexicon(None)
        index.close()


def test_by_category_like_the_reports_own_table() -> None:
    rows = {r.category: r.to_dict() for r in annual(ANNUAL, 2024).by_category}
    assert list(rows)[:5] == ["政策法规", "业务文件", "工作动态", "年度报告", "其他"]
    assert rows["政策法规"] == {
        "category": "政策法规",
        "total": 2,
        "new": 0,
        "changed": 2,
        "repealed": 0,
        "in_force": 2,
        "superseded": 1,
    }  # p1 p2 in force; p0, the 2020 version of p1's title, not (QA pass 26a)
    assert rows["业务文件"] == {
        "category": "业务文件",
        "total": 2,
        "new": 2,
        "changed": 0,
        "repealed": 0,
        "in_force": 0,
        "superseded": 0,
    }
    assert rows["工作动态"] == {
        "category": "工作动态",
        "total": 2,
        "new": 2,
        "changed": 0,
        "repealed": 0,
        "in_force": 3,
        "superseded": 0,
    }  # p4 p5 and 2023's p6
    assert rows["年度报告"]["total"] == 0


def test_by_agency_and_the_agency_filter() -> None:
    assert annual(ANNUAL, 2024).by_agency == (("乙局", 4), ("甲局", 2))
    only = annual(ANNUAL, 2024, agency="甲局")
    assert only.total == 2 and dict(only.status) == {"new": 0, "changed": 2, "repealed": 0}
    assert only.by_agency == (("甲局", 2),)


def test_the_agency_filter_as_typed_or_copied() -> None:
    """A trailing space (copied from a spreadsheet) or the other script is the same agency: the
    CLI and the API gave 0 where the page, which trims, gave 70 (QA pass 5)."""
    entries = [
        CatalogEntry(id="1", path="a", agency="總統府", publish_date=dt.date(2024, 3, 1)),
        CatalogEntry(id="2", path="b", agency="国务院", publish_date=dt.date(2024, 3, 2)),
    ]
    for typed in ("总统府", "總統府 ", " 总统府"):
        assert annual(entries, 2024, agency=typed).total == 1, typed
    assert annual(entries, 2024, agency="国务院 ").total == 1
    assert timeliness(entries, ReportFilter(agencies=("总统府 ",))).to_dict()["by_agency"][0][
        "agency"
    ] == "總統府"


def test_a_short_name_is_the_agency_it_stands_for_as_in_search() -> None:
    """QA pass 22b: search read agency=卫福部 as 衛生福利部, the reports found none of it."""
    entries = [
        CatalogEntry(id="1", path="a", agency="衛生福利部", publish_date=dt.date(2024, 3, 1)),
        CatalogEntry(id="2", path="b", agency="国务院", publish_date=dt.date(2024, 3, 2)),
    ]
    assert annual(entries, 2024, agency="卫福部").by_agency == (("衛生福利部", 1),)
    rows = timeliness(entries, ReportFilter(agencies=("卫福部",))).to_dict()["by_agency"]
    assert [r["agency"] for r in rows] == ["衛生福利部"]


def test_other_year() -> None:
    rep = annual(ANNUAL, 2023)
    assert rep.total == 1 and rep.by_month[11] == 1
    assert annual(ANNUAL, 2020).by_category[0].new == 1  # p0, the first of its title


def test_json_and_csv() -> None:
    rep = annual(ANNUAL, 2024)
    out = rep.to_dict()
    assert out["by_month"][2] == {"month": 3, "count": 3}
    assert out["status"] == {"new": 4, "changed": 2, "repealed": 0}
    assert out["repealed_undated"] == 2 and out["notes"]
    rows = list(csv.DictReader(io.StringIO(rep.to_csv().lstrip("\ufeff"))))
    total = next(r for r in rows if r["统计项"] == "合计")
    assert (total["件数"], total["新制发"], total["修改"], total["废止/失效"]) == (
        "6",
        "4",
        "2",
        "0",
    )
    apart = next(r for r in rows if r["统计项"] == "废止日期不详")
    assert apart["废止/失效"] == "2"
    months = [r for r in rows if r["统计项"] == "月份"]
    assert len(months) == 12 and months[2] == {**months[2], "名称": "2024-03", "件数": "3"}
    # the undated count and the notes, as the page gives them (QA pass 28a)
    undated = next(r for r in rows if r["统计项"] == "未注明日期")
    assert undated["件数"] == str(rep.undated)
    assert [r["名称"] for r in rows if r["统计项"] == "说明"] == list(rep.notes)


# -- one text, one item: the samples ----------------------------------------------------------
@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> tuple[SearchIndex, list[CatalogEntry], Path]:
    if not (SAMPLES / "catalog.csv").exists():
        pytest.skip(f"no samples at {SAMPLES}")
    data = tmp_path_factory.mktemp("annual-samples")
    index = SearchIndex(EmbeddedIndex(data))
    docs = [d for d in iter_documents([SAMPLES], catalog=SAMPLES / "catalog.csv")
            if isinstance(d, Document)]  # fmt: skip
    assert all(r.ok for r in index.write(prepare(d, "samples") for d in docs))
    entries = [CatalogEntry.from_stored(d) for d in index.catalog(STAFF)]
    yield index, entries, data
    index.close()


def _found(index: SearchIndex, **filters: object) -> tuple[int, dict[str, int]]:
    """What an anonymous search with no words finds: total and results by category."""
    r = index.search(Query(q="", size=1, **filters))  # type: ignore[arg-type]
    return r.total, {f.value: f.count for f in r.facets["category"]}


def test_a_law_filed_in_two_folders_is_one_item(samples) -> None:
    """QA report item 3: 居民身份证法 is filed twice; 2019 has a TXT/HTML and a TXT/DOCX pair."""
    index, entries, _ = samples
    assert annual(entries, 2011).total == 3  # files
    for year, texts in ((2011, 2), (2019, 15)):
        rep = annual(entries, year, index=index)
        assert rep.total == texts == _found(index, years=(year,))[0]
        assert sum(rep.by_month) == sum(n for _, n in rep.by_agency) == texts
        assert sum(dict(rep.status).values()) == sum(r.total for r in rep.by_category) == texts
    law = [e for e in entries if e.title.startswith("中华人民共和国居民身份证法")]
    same = index.same_texts()
    assert len(law) == 2 and same[law[0].id] == same[law[1].id]


def test_every_year_counts_what_search_finds(samples) -> None:
    index, entries, _ = samples
    years = sorted({e.date.year for e in entries if e.date and e.disclosure == "public"})
    assert len(years) > 20
    for year in years:
        rep = annual(entries, year, index=index)
        total, by_category = _found(index, years=(year,))
        assert rep.total == total, year
        assert {r.category: r.total for r in rep.by_category if r.total} == by_category, year
        _, in_force = _found(
            index, validity=("valid",), date_from=dt.date(1, 1, 1), date_to=dt.date(year, 12, 31)
        )
        # what search finds 有效, less the older versions of a title their issuer published
        # again (each counted apart, as superseded)
        counted = Counter({r.category: r.in_force + r.superseded for r in rep.by_category})
        assert +counted == in_force, year
        assert rep.undated == _found(index, years=(0,))[0]


def test_one_agency_counts_its_texts(samples) -> None:
    index, entries, _ = samples
    rep = annual(entries, 2019, "国务院办公厅", index=index)
    assert rep.total == _found(index, years=(2019,), agencies=("国务院办公厅",))[0] == 3
    assert annual(entries, 2019, "国务院办公厅").total == 5  # files


def test_the_api_report_counts_texts(samples) -> None:
    index, _, data = samples
    client, key = client_for(index, Settings(data_dir=data))
    with client:
        body = client.get(
            "/api/reports/annual?year=2011", headers={"Authorization": f"Bearer {key}"}
        ).json()
    assert body["total"] == 2


def test_a_text_two_agencies_published_is_in_each_agency_row(samples, tmp_path) -> None:
    """QA pass 8: one notice published by two agencies counted in the table under one of them
    (30) while the other's own report, and the search filtered by it, said 31."""
    index, entries, _ = samples
    docs = [d for d in iter_documents([SAMPLES], catalog=SAMPLES / "catalog.csv")
            if isinstance(d, Document) and d.meta.disclosure == "public" and d.meta.publish_date
            and d.meta.publish_date.year == 2019]  # fmt: skip
    base = docs[0]
    other = "另一个发布机构"
    copy = dataclasses.replace(
        base, id="c" * 16, path="copy/" + base.path,
        meta=dataclasses.replace(base.meta, agency=other),
    )  # fmt: skip
    two = SearchIndex(EmbeddedIndex(tmp_path / "two"))
    assert all(r.ok for r in two.write(prepare(d, "samples") for d in [*docs, copy]))
    rows = [CatalogEntry.from_stored(d) for d in two.catalog(STAFF)]
    rep = annual(rows, 2019, index=two)
    assert rep.total == two.search(Query(q="", years=(2019,), size=1)).total  # counted once
    table = dict(rep.by_agency)
    for agency in (base.meta.agency, other):
        own = annual(rows, 2019, agency, index=two)
        found = two.search(Query(q="", years=(2019,), agencies=(agency,), size=1)).total
        assert table[agency] == own.total == found, agency
    two.close()


def test_a_catalogued_copy_files_its_text(samples, tmp_path) -> None:
    """QA pass 8: an upload without fields (its date read from the text: January) moved a
    catalogued notice (published in April) to January in the months chart."""
    docs = [d for d in iter_documents([SAMPLES], catalog=SAMPLES / "catalog.csv")
            if isinstance(d, Document) and d.catalog and d.meta.disclosure == "public"
            and d.meta.publish_date and d.meta.publish_date.month > 1]  # fmt: skip
    base = docs[0]
    year = base.meta.publish_date.year
    upload = dataclasses.replace(
        base, id="d" * 16, path="uploads/copy.txt", catalog="",
        meta=dataclasses.replace(base.meta, publish_date=dt.date(year, 1, 2), agency="某局"),
    )  # fmt: skip
    two = SearchIndex(EmbeddedIndex(tmp_path / "two"))
    assert all(r.ok for r in two.write(prepare(d, "samples") for d in [base, upload]))
    rows = [CatalogEntry.from_stored(d) for d in two.catalog(STAFF)]
    assert sorted(r.catalogued for r in rows) == [False, True]
    rep = annual(rows, year, index=two)
    assert rep.total == 1
    assert rep.by_month[base.meta.publish_date.month - 1] == 1 and rep.by_month[0] == 0
    two.close()


# -- the agencies a catalogue's agency string names, as search reads them (QA pass 16) --------
JOINT = "最高人民法院、最高人民检察院"


def test_a_joint_issue_is_each_issuers_item_and_row() -> None:
    entries = [
        CatalogEntry(id="1", path="a", agency=JOINT, publish_date=dt.date(2023, 5, 24)),
        CatalogEntry(id="2", path="b", agency="最高人民检察院", publish_date=dt.date(2023, 6, 1)),
    ]
    assert annual(entries, 2023, agency="最高人民检察院").total == 2
    assert annual(entries, 2023, agency="最高人民法院").total == 1
    assert annual(entries, 2023, agency=JOINT).total == 1  # the name as printed still finds it
    rep = annual(entries, 2023)
    assert rep.total == 2  # counted once in the total
    assert rep.by_agency == (("最高人民检察院", 2), ("最高人民法院", 1))


def test_one_agency_in_either_script_is_one_row() -> None:
    """總統府 and 总统府 (臺北市政府 and 台北市政府) are one agency, shown as its most used
    spelling, as search's facet shows it."""
    day = dt.date(2024, 3, 1)
    entries = [
        CatalogEntry(id="1", path="a", agency="總統府", publish_date=day, written_date=day),
        CatalogEntry(id="2", path="b", agency="總統府", publish_date=day, written_date=day),
        CatalogEntry(id="3", path="c", agency="总统府", publish_date=day, written_date=day),
        CatalogEntry(id="4", path="d", agency="臺北市政府", publish_date=day),
        CatalogEntry(id="5", path="e", agency="台北市政府", written_date=day),
    ]
    assert annual(entries, 2024).by_agency == (("總統府", 3), ("台北市政府", 2))
    lines = {a.agency: a for a in timeliness(entries).by_agency}
    assert set(lines) == {"總統府", "台北市政府"}
    assert (lines["總統府"].count, lines["總統府"].missing) == (3, 0)
    assert (lines["台北市政府"].count, lines["台北市政府"].missing) == (0, 2)


def test_the_joint_issue_of_the_samples_counts_as_search_finds_it(samples) -> None:
    """QA pass 16: ``report annual --year 2023 --agency 最高人民检察院`` said 0 items where the
    search filtered by it found 法释〔2023〕3号, issued with 最高人民法院."""
    index, entries, _ = samples
    rep = annual(entries, 2023, index=index)
    table = dict(rep.by_agency)
    assert JOINT not in table
    for agency in JOINT.split("、"):
        found = index.search(Query(q="", years=(2023,), agencies=(agency,), size=1)).total
        assert found >= 1
        assert table[agency] == annual(entries, 2023, agency, index=index).total == found
    for label, count in rep.by_agency:  # every row is what the search filtered by it finds
        found = index.search(Query(q="", years=(2023,), agencies=(label,), size=1)).total
        assert count == found, label


def test_one_agency_in_two_scripts_in_an_index_is_one_row(samples, tmp_path) -> None:
    """One of the samples' 總統府 documents catalogued as 总统府: one row in both reports, the
    count search's facet and filter give."""
    docs = [d for d in iter_documents([SAMPLES], catalog=SAMPLES / "catalog.csv")
            if isinstance(d, Document) and d.meta.agency == "總統府"
            and d.meta.disclosure == "public"]  # fmt: skip
    years = Counter(d.meta.date.year for d in docs)
    year, of_year = years.most_common(1)[0]
    assert of_year >= 2
    first = next(i for i, d in enumerate(docs) if d.meta.date.year == year)
    docs[first] = dataclasses.replace(
        docs[first], meta=dataclasses.replace(docs[first].meta, agency="总统府")
    )
    two = SearchIndex(EmbeddedIndex(tmp_path / "scripts"))
    assert all(r.ok for r in two.write(prepare(d, "samples") for d in docs))
    rows = [CatalogEntry.from_stored(d) for d in two.catalog(STAFF)]
    facet = two.search(Query(q="", years=(year,), size=1)).facets["agency"]
    assert [f.count for f in facet] == [of_year]  # one value: its label is a tie's first
    assert annual(rows, year, index=two).by_agency == ((facet[0].value, facet[0].count),)
    every = timeliness(rows, copies=two.same_texts())
    assert [a.agency for a in every.by_agency] == ["總統府"]  # 總統府 11 times, 总统府 once
    line = every.by_agency[0]
    assert line.count + line.missing + line.uncountable == len(docs)
    two.close()


def test_timeliness_measures_each_text_once_as_the_annual_report_counts_it(samples) -> None:
    """QA pass 16: the timeliness report measured each file of a text (a law filed under two
    folders, a notice as TXT and HTML), the annual report counted the text once."""
    index, entries, _ = samples
    copies = index.same_texts()
    for year in (2011, 2019, 2022, 2023):
        rep = timeliness(entries, ReportFilter(year=year), copies=copies)
        listed = [*rep.documents, *rep.uncountable, *(m for m in rep.missing if m.entry.date)]
        assert len(listed) == annual(entries, year, index=index).total, year
        texts = [copies.get(r.entry.id, r.entry.id) for r in listed]
        assert len(texts) == len(set(texts)), year
    # 2022's law filed under two folders: two files without the index's copies, one text with
    y2022 = ReportFilter(year=2022)
    files, texts = timeliness(entries, y2022), timeliness(entries, y2022, copies=copies)
    assert len(files.documents) == len(texts.documents) + 1
    [law] = [d for d in texts.documents if d.entry.id in copies]
    assert law.agencies == ("全国人民代表大会常务委员会",)


def test_one_text_dated_in_two_years_is_in_force_once_and_measured_once(tmp_path) -> None:
    """QA pass 20: one notice filed in two folders, its copies published in 2018 and 2019. The
    annual report counted it twice in 现行有效 and called the 2019 copy 修改 (an earlier item
    had its title: itself); the timeliness report measured it twice (on time and late), but
    once when both copies fell in one year."""
    from pipeline.run import run_ingest
    from tests.corpus import CORPUS, require_corpus

    require_corpus()
    head = "path,category,agency,written_date,publish_date,validity,disclosure\n"
    for name, published in (("a", "2018-12-24"), ("b", "2019-01-25")):
        (tmp_path / name).mkdir()
        text = (CORPUS / "docs/govcn_policy/govcn_015.txt").read_bytes()
        (tmp_path / name / "notice.txt").write_bytes(text)
        (tmp_path / name / "catalog.csv").write_text(
            head + f"notice.txt,政策法规,国务院,2018-12-21,{published},有效,主动公开\n",
            encoding="utf-8",
        )
    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    try:
        for name in ("a", "b"):
            report = run_ingest(
                index, [tmp_path / name], catalog=tmp_path / name / "catalog.csv", workers=1
            )
            assert report.ok, report.summary()
        assert index.search(Query(q="农业机械化")).total == 1
        entries = [CatalogEntry.from_stored(d) for d in index.catalog(STAFF)]
        assert len(entries) == 2
        for year in (2018, 2019):
            rep = annual(entries, year, index=index)
            [row] = [r for r in rep.by_category if r.category == "政策法规"]
            assert (row.total, row.new, row.changed, row.in_force) == (1, 1, 0, 1), year
        copies = index.same_texts()
        whole = timeliness(entries, copies=copies)
        assert len(whole.documents) == 1 and whole.documents[0].working_days == 1
        for year, days in ((2018, 1), (2019, 24)):  # in a year: the copy of that year
            rep = timeliness(entries, ReportFilter(year=year), copies=copies)
            assert [d.working_days for d in rep.documents] == [days], year
    finally:
        index.close()


def test_a_scan_of_a_published_notice_is_the_same_item_not_a_revision(tmp_path) -> None:
    """QA pass 28a: a scan of 国办函〔2018〕71号 (its OCR text 99.5% the typed copy's, dated by
    its 发布日期 where the typed copy is dated by its 成文日期) was a second item, counted 修改,
    and made the typed copy superseded (已有新版本). One 文号 dated within three months is one
    issue; years apart, a rule revised under its first order's number is a new version."""
    typed = CatalogEntry(
        id="txt", path="docs/a.txt", title="国务院办公厅关于印发政府网站集约化试点工作方案的通知",
        agency="国务院办公厅", category="政策法规", doc_number="国办函〔2018〕71号",
        written_date=dt.date(2018, 10, 27),
    )  # fmt: skip
    scan = dataclasses.replace(
        typed, id="scan", path="docs/scan.pdf", doc_number="国办函[2018]71号",
        written_date=None, publish_date=dt.date(2018, 11, 9),
    )  # fmt: skip
    # an index tells the texts apart (here: no two the same), as the server's does
    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    rep = annual([typed, scan], 2018, index=index)
    assert rep.total == 1 and dict(rep.status) == {"new": 1, "changed": 0, "repealed": 0}
    row = next(r for r in rep.by_category if r.category == "政策法规")
    assert (row.in_force, row.superseded) == (1, 0)
    # the same number two years on: a revision, counted as such
    revised = dataclasses.replace(scan, written_date=None, publish_date=dt.date(2020, 11, 9))
    later = annual([typed, revised], 2020, index=index)
    assert later.total == 1 and dict(later.status)["changed"] == 1


def test_rules_one_decree_issues_under_one_number_are_items_each(tmp_path) -> None:
    """QA pass 31a: 法令字第1090200489B號 of 2020-07-15 issues three of 法务部's regulations,
    different texts under different titles; the report counted them as one item (557 for 2020
    where search found 562). A scan whose title OCR read with a slip is still one item."""
    first = CatalogEntry(
        id="a", path="mojlaw/I0040027.txt", title="監獄及看守所收容人金錢與物品保管及管理辦法",
        agency="法務部", category="政策法规", doc_number="法令字第1090200489B號",
        written_date=dt.date(2020, 7, 15),
    )  # fmt: skip
    second = dataclasses.replace(first, id="b", path="b.txt", title="受刑人作業實施辦法")
    third = dataclasses.replace(first, id="c", path="c.txt", title="受刑人外出實施辦法")
    slip = dataclasses.replace(
        first, id="d", path="scan.pdf", title="監獄及看守所收容人金錢與物品保管及管埋辦法"
    )
    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    try:
        assert annual([first, second, third], 2020, index=index).total == 3
        assert annual([first, second, third, slip], 2020, index=index).total == 3
    finally:
        index.close()


def test_the_heading_names_the_agency_as_its_documents_do() -> None:
    """QA pass 28a: a report asked for 国务院办 printed "（国务院办）" in its heading; the data
    were 国务院办公厅's. The answer still says what was asked (``agency``)."""
    office = CatalogEntry(
        id="a", path="a.txt", title="通知", agency="国务院办公厅", category="政策法规",
        publish_date=dt.date(2019, 3, 1),
    )  # fmt: skip
    joint = dataclasses.replace(office, id="b", path="b.txt", agency="国务院办公厅、中央军委办公厅")
    rep = annual([office, joint], 2019, "国务院办")
    assert rep.total == 2
    assert rep.to_dict()["agency"] == "国务院办" and rep.to_dict()["agency_name"] == "国务院办公厅"
    assert annual([office], 2019).agency_name is None


def test_a_text_is_filed_by_its_copy_with_a_publish_date() -> None:
    """QA pass 37a: a 司法解释 catalogued twice, once with 发布日期 2020-09-12 and once with the
    date left empty (dated by its text's 成文日期, 2020-08-31), was filed by the second: the
    annual report's month table said August, the timeliness report listed it as missing a
    发布日期 and under the second row's agency."""
    first = CatalogEntry("j1", "docs/j1.txt", "某解释", "最高人民法院、最高人民检察院",
                         written_date=dt.date(2020, 8, 31), publish_date=dt.date(2020, 9, 12),
                         catalogued=True)  # fmt: skip
    second = CatalogEntry("j2", "docs/j2.txt", "某解释", "最高人民检察院",
                          written_date=dt.date(2020, 8, 31), catalogued=True)  # fmt: skip
    same = {"j1": "text", "j2": "text"}
    for rows in ([first, second], [second, first]):
        months = timeliness(rows, copies=same)
        assert [d.entry.id for d in months.documents] == ["j1"] and not months.missing
    from reports.items import items

    (item,) = items([second, first], same)
    assert item.entry.id == "j1" and item.entry.date == dt.date(2020, 9, 12)


def test_a_law_its_own_history_says_was_revised_that_year_is_counted_changed(tmp_path) -> None:
    """QA pass 45a: the 2019 report counted 384 政策法规 新制发 and 1 修改, though 46 of them
    (证券法, 2019年12月28日…第二次修订) say in their own history lines they were revised then.
    A revised law is published as a whole new text; its history says what it is."""
    from analyzers.history import amended_year
    from pipeline.run import run_ingest
    from tests.corpus import CORPUS, manifest

    rows = manifest()
    securities = CORPUS / "docs/lawrefbook/minfa_shangfa/lrb_02510.txt"  # 证券法, revised 2019
    text = securities.read_text(encoding="utf-8")
    assert amended_year(text) == 2019
    enacted = next(  # a law passed in 2019 and never amended: new
        p for p, r in rows.items() if r["date"].startswith("2019") and "/lawrefbook/" in p
        and "修" not in (CORPUS / p).read_text(encoding="utf-8")[:600]
        and "通过" in (CORPUS / p).read_text(encoding="utf-8")[:600]
    )  # fmt: skip
    assert amended_year((CORPUS / enacted).read_text(encoding="utf-8")) is None
    assert amended_year("关于做好2019年工作的通知\n2019年3月1日修改的办法另行通知。") is None
    folder = tmp_path / "laws"
    folder.mkdir()
    catalog = ["path,title,category,agency,publish_date,公开方式"]
    for name, path in (("a.txt", securities), ("b.txt", CORPUS / enacted)):
        (folder / name).write_bytes(path.read_bytes())
        row = rows[str(path.relative_to(CORPUS))]
        catalog.append(f"{name},{row['title']},政策法规,{row['agency']},{row['date']},主动公开")
    (folder / "catalog.csv").write_text("\n".join(catalog) + "\n", encoding="utf-8")
    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    run_ingest(index, [folder], catalog=folder / "catalog.csv", workers=1)
    entries = [CatalogEntry.from_stored(d) for d in index.catalog(STAFF)]
    assert {e.amended for e in entries} == {2019, None}
    report = annual(entries, 2019, index=index)
    assert dict(report.status) == {"new": 1, "changed": 1, "repealed": 0}
    index.close()
