"""Issue 11 ("the first hour") on the pages and the API over the samples: one document is one
result (search, duplicate check), bad parameters get a note, HEAD works, Chinese summaries."""

from __future__ import annotations

import re

from search_api.keys import KeyStore
from tests.web.conftest import SAMPLES
from web.views import format_name

DOCNO = "国办发〔2019〕6号"  # govcn_002.txt and its .htm rendering: one text, two files


def test_copies_are_one_result_that_lists_them(client) -> None:
    body = client.get("/api/search", params={"q": DOCNO}).json()
    assert body["total"] == 1 and len(body["hits"]) == 1
    hit = body["hits"][0]
    formats = {hit["format"], *(c["format"] for c in hit["copies"])}
    assert formats == {"txt", "html"} and len(hit["copies"]) == 1
    page = client.get("/", params={"q": DOCNO}).text
    assert len(re.findall(r'<li class="result" id="r-', page)) == 1
    assert "同一正文另有 1 份" in page and "正文相同的只算一份" in page
    # the copy is a link to its own page (QA pass 22b: its path was plain text)
    copy = hit["copies"][0]
    named = format_name(copy["format"])  # 文本, as the page names a format
    assert re.search(rf'<a href="/documents/{copy["id"]}\?[^"]*">{named} ', page)
    assert client.get(f"/documents/{copy['id']}").status_code == 200


def test_duplicate_check_lists_a_copy_group_once_in_chinese(client) -> None:
    text = (SAMPLES / "docs/govcn_policy/govcn_002.txt").read_text(encoding="utf-8")
    got = client.post("/api/duplicates", json={"text": text}).json()
    same = [c for c in got["candidates"] if c["reason"] == "same_text"]
    assert len(same) == 1 and len(same[0]["copies"]) == 1, got["candidates"]
    assert same[0]["summary"].startswith("与草稿全文相同")
    assert not re.search(r"[A-Za-z]{4,}", " ".join(c["summary"] for c in got["candidates"]))
    # the title over several lines, as the document itself has it, not its first line
    head = (
        "国务院办公厅关于有效发挥政府性融资担保基金作用\n切实支持小微企业和“三农”发展的指导意见\n"
    )
    draft = head + "国办发〔2019〕6号\n" + text
    title = client.post("/api/duplicates", json={"text": draft}).json()["draft"]["title"]
    assert title.startswith("国务院办公厅") and title.endswith("指导意见"), title


def test_the_annual_report_as_txt_and_published_pdf_is_one_result_and_one_candidate(
    client,
) -> None:
    """The PDF reads the report's tables in another order than the TXT: still one text."""
    body = client.get("/api/search", params={"q": "洪泽区 2023年度 政府信息公开"}).json()
    reports = [h for h in body["hits"] if "洪泽区" in h["title"] and "2023" in h["title"]]
    assert len(reports) == 1, [(h["title"], h["path"]) for h in body["hits"]]
    formats = {reports[0]["format"], *(c["format"] for c in reports[0]["copies"])}
    assert formats == {"txt", "pdf"}
    text = (SAMPLES / "docs/annual_report/hongze_2023.txt").read_text(encoding="utf-8")
    got = client.post("/api/duplicates", json={"text": text}).json()["candidates"]
    same = [c for c in got if c["reason"] == "same_text"]
    assert len(same) == 1 and len(same[0]["copies"]) == 1, got


def test_bad_parameters_get_a_note(client) -> None:
    for params, note in (
        ({"page": "abc"}, "页码“abc”不是数字"),
        ({"sort": "bogus"}, "排序方式“bogus”无效"),
        ({"year": "abcd"}, "年份“abcd”无效"),
        ({"validity": "bogus"}, "有效性“bogus”无效"),
        ({"page": "5000"}, "已显示最后一页"),
    ):
        page = client.get("/", params={"q": "条例", **params})
        assert page.status_code == 200 and note in page.text, params
    by_label = client.get("/", params={"q": "条例", "validity": "有效"}).text
    by_code = client.get("/", params={"q": "条例", "validity": "valid"}).text
    assert _found(by_label) == _found(by_code) > 0  # the chip's label is the value too
    last = client.get("/", params={"q": "条例", "page": "5000"}).text
    shown = re.search(r"第 (\d+) 页", last).group(1)
    assert int(shown) < 1000 and '<li class="result" id="r-' in last


def test_undated_documents_sort_last_on_the_page(client) -> None:
    body = client.get("/api/search", params={"q": "工作报告", "sort": "date_asc", "size": 50})
    dates = [h["date"] for h in body.json()["hits"]]
    assert None in dates or all(dates)
    first_undated = dates.index(None) if None in dates else len(dates)
    assert all(d is None for d in dates[first_undated:]), dates


def test_head_is_answered_on_pages(client, kiosk_client) -> None:
    pages = ((client, "/"), (client, "/kiosk"), (client, "/duplicates"), (kiosk_client, "/"))
    for c, path in pages:
        assert c.head(path).status_code == 200, path


def test_health_counts_what_stats_counts(client, web_corpus) -> None:
    """Staff see the count in both; anonymous health says only up or down (issue 10)."""
    _, key = KeyStore(web_corpus.data_dir).create("first hour")
    staff = {"Authorization": f"Bearer {key}"}
    health = client.get("/api/health", headers=staff).json()
    stats = client.get("/api/stats", headers=staff).json()
    assert health["backend"]["documents"] == stats["documents"] > 0
    assert "documents" not in client.get("/api/health").json()["backend"]


def test_document_page_counts_marks_not_the_words(client) -> None:
    hit = client.get("/api/search", params={"q": "政务公开"}).json()["hits"][0]
    page = client.get(f"/documents/{hit['id']}", params={"q": "政务公开"}).text
    assert re.search(r"与检索词“政务公开”相符的文字（含同义词、简繁写法）有 \d+ 处", page)


def test_a_missing_docno_is_not_cut_into_words(client) -> None:
    page = client.get("/", params={"q": "国办发〔2019〕99号"}).text
    assert "没有找到符合条件的文件" in page and "少用一个词" not in page


def _found(page: str) -> int:
    return int(re.search(r"共找到\s*(?:<[^>]+>)?\s*([\d,]+)", page).group(1).replace(",", ""))


def test_start_page_counts_what_its_links_find(client, kiosk_client) -> None:
    """The start page counts results as search does (a text in two files is one), so each
    category shows the number its link finds (QA report item 9)."""
    everything = client.get("/api/search", params={"q": "", "size": 1}).json()
    for c in (client, kiosk_client):
        for start in ("/", "/kiosk"):
            page = c.get(start).text
            lead = re.search(r"检索 ([\d,]+) 份公开的", page)
            assert lead and int(lead.group(1).replace(",", "")) == everything["total"]
            links = re.findall(
                r'<a class="browse__item" href="([^"]+)"><span class="browse__name">([^<]+)</span>'
                r'<span class="browse__count">(\d+) 份</span>',
                page,
            )
            assert len(links) >= 3, page[:2000]
            for href, name, count in links:
                found = c.get(href.replace("&amp;", "&")).text
                total = re.search(r"共找到 <strong>([\d,]+)</strong>", found)
                assert total and total.group(1).replace(",", "") == count, (start, name, count)
    # the files behind it: /api/stats still counts every copy
    assert client.get("/api/stats").json()["documents"] > everything["total"]
