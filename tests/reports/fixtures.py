"""Hand-made catalogue entries whose reports were counted by hand (see each test)."""

from __future__ import annotations

import datetime as dt

from reports.entry import CatalogEntry

D = dt.date


def entry(i: str, agency: str = "甲局", **kw: object) -> CatalogEntry:
    return CatalogEntry(
        id=i,
        path=f"docs/{i}.txt",
        title=kw.pop("title", f"文件{i}"),  # type: ignore[arg-type]
        agency=agency,
        **kw,
    )  # type: ignore[arg-type]


TIMELINESS = [
    entry("a", written_date=D(2019, 9, 27), publish_date=D(2019, 10, 14)),  # 国庆: 8
    entry("b", written_date=D(2024, 3, 1), publish_date=D(2024, 4, 1)),  # 21, late
    entry("c", written_date=D(2024, 3, 1), publish_date=D(2024, 3, 29)),  # 20, on time
    entry("d", "乙局", written_date=D(2024, 5, 31), publish_date=D(2024, 6, 3)),  # Fri→Mon: 1
    entry("e", "乙局", publish_date=D(2024, 6, 3)),  # lacks written_date
    entry("f", "乙局", written_date=D(2024, 1, 5)),  # lacks publish_date
    entry("g", "乙局"),  # lacks both
    entry("h", "丙局", written_date=D(1999, 1, 4), publish_date=D(1999, 2, 1)),  # no calendar
    entry("i", "丙局", written_date=D(2024, 2, 1), publish_date=D(2024, 1, 2)),  # reversed
    entry("j", written_date=D(2024, 3, 1), publish_date=D(2024, 6, 3), disclosure="on_request"),
    entry(
        "k", category="业务文件", written_date=D(2019, 10, 11), publish_date=D(2019, 10, 12)
    ),  # the working Saturday: 1
]

# One agency: a document lacking its written date, one before the calendar's first year (2004),
# one published before it was written. One lacks a date, two cannot be counted; in 2025 one
# of each.
APART = [
    entry("m1", "丁局", publish_date=D(2025, 3, 3)),
    entry("m2", "丁局", written_date=D(2003, 1, 6), publish_date=D(2003, 1, 7)),
    entry("m3", "丁局", written_date=D(2025, 6, 2), publish_date=D(2025, 5, 6)),
]

ANNUAL = [
    entry("p0", title="某市养犬管理条例", category="政策法规", publish_date=D(2020, 5, 1)),
    entry("p1", title="某市养犬管理条例", category="政策法规", publish_date=D(2024, 1, 10)),
    entry(
        "p2",
        title="关于修改《某市物业管理条例》的决定",
        category="政策法规",
        publish_date=D(2024, 3, 5),
    ),
    entry("p3", "乙局", category="业务文件", publish_date=D(2024, 3, 20), validity="repealed"),
    entry("p4", "乙局", category="工作动态", publish_date=D(2024, 12, 31)),
    entry("p5", "乙局", category="工作动态", written_date=D(2024, 7, 1)),
    entry("p6", category="工作动态", publish_date=D(2023, 12, 31)),
    entry("p7", category="工作动态", publish_date=D(2024, 2, 2), disclosure="on_request"),
    entry("p8", category="工作动态"),
    entry("p9", "乙局", category="业务文件", publish_date=D(2024, 3, 21), validity="expired"),
]
