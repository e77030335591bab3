"""The last page the search API says is one it answers (QA 51c mutation tests: the clamp of
``last_page`` to the result window was unpinned for most sizes)."""

from __future__ import annotations

from search_index.request import MAX_PAGE_SIZE, MAX_RESULT_WINDOW, SearchResult


def test_the_last_page_said_of_many_results_is_a_page_the_api_answers(client):
    """README: a page past the 10,000th result is a 400. Of more results than paging reaches,
    the pages said for every size the API takes end on a page it answers (200), the next one
    refused: for sizes dividing the window and, above all, for those that do not (15, 7, 30,
    100 …), where the results' own page count would end on a page the API refuses."""
    total = MAX_RESULT_WINDOW + 2_345  # more results than any page reaches
    checked = 0
    for size in range(1, MAX_PAGE_SIZE + 1):
        pages = SearchResult(total=total, hits=(), size=size).pages
        if MAX_RESULT_WINDOW % size == 0 and size not in (1, 10, MAX_PAGE_SIZE):
            continue  # (a few of the dividing sizes suffice)
        last = client.get("/api/search", params={"q": "条例", "size": size, "page": pages})
        assert last.status_code == 200, (size, pages, last.text[:200])
        past = client.get("/api/search", params={"q": "条例", "size": size, "page": pages + 1})
        assert past.status_code == 400, (size, pages + 1)
        checked += 1
    assert checked > 80
