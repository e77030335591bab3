"""The annual report's statistics on hand-counted fixtures (tests/reports/fixtures.py)."""

from __future__ import annotations

import csv
import io

from reports.annual import annual
from tests.reports.fixtures import ANNUAL


def test_totals_months_and_status() -> None:
    rep = annual(ANNUAL, 2024)
    # p1 p2 p3 p4 p5 p9 are public and filed under 2024 (p5 by its written date)
    assert rep.total == 6
    assert rep.by_month == (1, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 1)
    # new: p4 p5; changed: p1 (p0 has its title, earlier), p2 (关于修改); repealed: p3, p9 (失效)
    assert dict(rep.status) == {"new": 2, "changed": 2, "repealed": 2}
    assert rep.undated == 1  # p8


def test_by_category_like_the_reports_own_table() -> None:
    rows = {r.category: r.to_dict() for r in annual(ANNUAL, 2024).by_category}
    assert list(rows)[:5] == ["政策法规", "业务文件", "工作动态", "年度报告", "其他"]
    assert rows["政策法规"] == {
        "category": "政策法规",
        "total": 2,
        "new": 0,
        "changed": 2,
        "repealed": 0,
        "in_force": 3,
    }  # p0 p1 p2 in force
    assert rows["业务文件"] == {
        "category": "业务文件",
        "total": 2,
        "new": 0,
        "changed": 0,
        "repealed": 2,
        "in_force": 0,
    }
    assert rows["工作动态"] == {
        "category": "工作动态",
        "total": 2,
        "new": 2,
        "changed": 0,
        "repealed": 0,
        "in_force": 3,
    }  # p4 p5 and 2023's p6
    assert rows["年度报告"]["total"] == 0


def test_by_agency_and_the_agency_filter() -> None:
    assert annual(ANNUAL, 2024).by_agency == (("乙局", 4), ("甲局", 2))
    only = annual(ANNUAL, 2024, agency="甲局")
    assert only.total == 2 and dict(only.status) == {"new": 0, "changed": 2, "repealed": 0}
    assert only.by_agency == (("甲局", 2),)


def test_other_year() -> None:
    rep = annual(ANNUAL, 2023)
    assert rep.total == 1 and rep.by_month[11] == 1
    assert annual(ANNUAL, 2020).by_category[0].new == 1  # p0, the first of its title


def test_json_and_csv() -> None:
    rep = annual(ANNUAL, 2024)
    out = rep.to_dict()
    assert out["by_month"][2] == {"month": 3, "count": 3}
    assert out["status"] == {"new": 2, "changed": 2, "repealed": 2}
    assert out["notes"]
    rows = list(csv.DictReader(io.StringIO(rep.to_csv().lstrip("\ufeff"))))
    total = next(r for r in rows if r["section"] == "合计")
    assert (total["total"], total["new"], total["changed"], total["repealed"]) == (
        "6",
        "2",
        "2",
        "2",
    )
    months = [r for r in rows if r["section"] == "月份"]
    assert len(months) == 12 and months[2] == {**months[2], "name": "2024-03", "total": "3"}
