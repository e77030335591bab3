"""A date no source gives is not shown as one: a report dated only by the year in its title
(2019年…政府工作报告) shows that year, not the 1 January the index orders it by (QA pass 38a)."""

from __future__ import annotations

import re

from tests.web.conftest import TestClient


def _id(client: TestClient, title: str) -> str:
    hits = client.get("/api/search", params={"q": title, "size": 5}).json()["hits"]
    return next(h["id"] for h in hits if h["title"] == title)


def test_a_report_dated_by_its_titles_year_shows_the_year(client: TestClient) -> None:
    title = "2019年中华人民共和国国务院政府工作报告"  # the catalogue and the text give no date
    doc_id = _id(client, title)
    page = client.get(f"/documents/{doc_id}").text
    assert '<th scope="row">成文日期</th><td>2019年（标题所示年份，日期未注明）</td>' in page
    assert "2019-01-01" not in page
    results = client.get("/", params={"q": title}).text
    item = results.split(f'/documents/{doc_id}', 1)[1].split("</li>", 1)[0]
    assert '<time datetime="2019">2019年</time>' in item and "2019-01-01" not in item
    # the order of dates is kept (the API's date, what a sort by date reads)
    assert client.get(f"/api/documents/{doc_id}").json()["date"] == "2019-01-01"


def test_a_report_with_a_stated_date_shows_its_day(client: TestClient) -> None:
    title = "2023年中华人民共和国国务院政府工作报告"  # the catalogue's 发布日期: 2023-03-05
    doc_id = _id(client, title)
    page = client.get(f"/documents/{doc_id}").text
    assert '<th scope="row">发布日期</th><td>2023-03-05</td>' in page
    results = client.get("/", params={"q": title}).text
    item = results.split(f'/documents/{doc_id}', 1)[1].split("</li>", 1)[0]
    assert re.search(r'<time datetime="2023-03-05">2023-03-05</time>', item)
