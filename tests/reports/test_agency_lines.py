"""An agency's line in the timeliness report over a real index: what its rows add up to.

QA 23b filed a county notice whose text is a State Council notice's (the county reposted it);
search shows the two files as one result, so the whole-archive report lists the text once — and
its line must count it where that one row shows it, or staff recounting the CSV by agency find a
document more in the table than in the rows.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from pathlib import Path

import pytest

from pipeline.run import run_ingest
from reports.csvexport import column_label as H
from reports.items import closest_agencies
from reports.office import Reports
from reports.timeliness import ReportFilter
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
STATE, COUNTY = "国务院办公厅", "青松县人民政府办公室"
HEAD = "path,category,agency,written_date,publish_date,validity,disclosure\n"


def _folder(root: Path, name: str, rows: dict[str, tuple[str, str, str, str]]) -> Path:
    """A catalogued folder: ``file name → (corpus text, agency, written, published)``."""
    folder = root / name
    folder.mkdir()
    lines = [HEAD]
    for file, (text, agency, written, published) in rows.items():
        (folder / file).write_bytes((SAMPLES / "docs/govcn_policy" / text).read_bytes())
        lines.append(f"{file},政策法规,{agency},{written},{published},有效,主动公开\n")
    (folder / "catalog.csv").write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.fixture
def reposted(tmp_path):
    """The State Council's notice (2019, 0 days), the county's copy of it (2024, 3 days: 8 Feb
    → 19 Feb across 春节) and a notice of the county's own (2 Jan → 1 Feb 2024, 22: late)."""
    state = _folder(
        tmp_path, "state", {"notice.txt": ("govcn_015.txt", STATE, "2019-01-09", "2019-01-09")}
    )
    county = _folder(
        tmp_path,
        "county",
        {
            "d006.txt": ("govcn_015.txt", COUNTY, "2024-02-08", "2024-02-19"),
            "d007.txt": ("govcn_008.txt", COUNTY, "2024-01-02", "2024-02-01"),
        },
    )
    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    for folder in (state, county):
        report = run_ingest(index, [folder], catalog=folder / "catalog.csv", workers=1)
        assert report.ok, report.summary()
    yield Reports(index, server=False)
    index.close()


def test_an_agencys_line_counts_the_rows_it_shows(reposted) -> None:
    rep = reposted.timeliness()
    shown = [d.to_dict() for d in rep.documents]
    assert len(shown) == 2  # the reposted text is one row, the county's own notice the other
    agencies = [row["agency"] for row in shown]
    lines = {a.agency: a for a in rep.by_agency}
    assert set(lines) == {STATE, COUNTY}
    for agency, line in lines.items():
        own = [d for d in shown if d["agency"] == agency]
        assert line.count == len(own), agency
        assert line.late == sum(1 for d in own if d["late"]), agency
        assert line.median_working_days == statistics.median(d["working_days"] for d in own)
    assert sum(a.count for a in rep.by_agency) == len(shown)  # no joint issue here
    # the CSV export is the same rows
    table = list(csv.DictReader(io.StringIO(rep.to_csv().lstrip("\ufeff"))))
    assert Counter(r[H("agency")] for r in table) == Counter(agencies)


def test_each_agencys_own_report_measures_its_own_copy(reposted) -> None:
    """Filtered by agency, the county's report measures its copy with its own dates."""
    county = reposted.timeliness(ReportFilter(agencies=(COUNTY,)))
    assert sorted(d.working_days for d in county.documents) == [3, 22]
    assert [(a.agency, a.count, a.median_working_days) for a in county.by_agency] == [
        (COUNTY, 2, 12.5)
    ]
    state = reposted.timeliness(ReportFilter(agencies=(STATE,)))
    assert [(d.entry.agency, d.working_days) for d in state.documents] == [(STATE, 0)]


def test_the_agencies_nearest_a_mistyped_one() -> None:
    """The names QA 23b typed for 青松县人民政府办公室; one holding the typed name wins over
    those merely alike, and the filter's folding (script) applies."""
    known = ["青松县人民政府办公室", "青松县民政局", "青松县财政局", "国务院办公厅"]
    assert closest_agencies("青松县人民政府办公", known) == ["青松县人民政府办公室"]
    assert closest_agencies("青松县政府办公室", known) == ["青松县人民政府办公室"]
    assert closest_agencies("青鬆縣政府辦公室", known) == ["青松县人民政府办公室"]
    assert closest_agencies("青松县政府办", known)[0] == "青松县人民政府办公室"
    assert closest_agencies("火星移民局", known) == []
    # a place named at another level (QA pass 39a: 青松县 for 青松市's office got nothing)
    city = ["青松市人民政府办公室", "青松市民政局", "国务院办公厅"]
    assert closest_agencies("青松县", city) == ["青松市民政局", "青松市人民政府办公室"]
    assert closest_agencies("火星县", city) == []


def test_a_name_held_in_the_typed_one_does_not_hide_the_one_meant() -> None:
    """QA pass 23c: 国务院办工厅 (one character wrong) was offered 国务院 only, which it holds;
    人社部 nothing, though it stands for 人力资源和社会保障部 in search."""
    known = ["国务院", "国务院办公厅", "人力资源和社会保障部", "青松县财政局"]
    assert closest_agencies("国务院办工厅", known) == ["国务院办公厅", "国务院"]
    assert closest_agencies("人社部", known) == ["人力资源和社会保障部"]


def test_a_short_name_is_the_agency_it_stands_for_in_the_reports() -> None:
    """QA pass 31a: 中央军委 (5) and 中央军事委员会 (27) were two rows of the timeliness report,
    where agency=中央军委 finds both."""
    from reports.items import by_agency

    names = ["中央军委", "中央军事委员会", "中央军事委员会", "国务院"]
    groups = {g.label: len(g.rows) for g in by_agency((n, [n]) for n in names)}
    assert groups == {"中央军事委员会": 3, "国务院": 1}
    # an agency's own name is no short name of another's (the review: Taiwan's 交通部, 72
    # documents, was filed under the mainland's 交通运输部 by a search synonym)
    apart = {g.label for g in by_agency((n, [n]) for n in ["交通部", "交通运输部", "科技部"])}
    assert apart == {"交通部", "交通运输部", "科技部"}
