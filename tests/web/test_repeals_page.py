"""A repealed rule on the pages: the badge, the statement and the way to what replaced it
(the ranking and the API's ``repealed_by`` are the backends' contract, tests/search_index)."""

from __future__ import annotations

import html
from pathlib import Path

from govsearch.app import create_app
from model.settings import Settings
from pipeline.run import run_ingest
from search_index import citizen_words
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from tests.corpus import REPEAL_LAWS, catalogued_laws
from tests.web.conftest import TestClient


def test_a_repealed_rule_says_so_and_links_to_the_law_that_repealed_it(tmp_path: Path) -> None:
    laws = {k: REPEAL_LAWS[k] for k in ("qishuifa.txt", "zanxing.txt")}
    folder, catalog = catalogued_laws(tmp_path, laws)
    data = tmp_path / "data"
    index = SearchIndex(EmbeddedIndex(data))
    report = run_ingest(index, [folder], catalog=catalog, workers=1, lexicon_dir=data)
    assert len(report.ok) == 2 and not report.held, report.summary()
    try:
        client = TestClient(create_app(Settings(data_dir=data), index))
        citizen_words.load_lexicon(data)
        page = client.get("/", params={"q": "契税暂行条例"}).text
        first = page[page.index('class="result"') : page.index("</li>")]
        assert "中华人民共和国契税暂行条例" in first and "已废止" in first
        assert "第十六条 1997年7月7日国务院发布的《中华人民共和国契税暂行条例》同时废止" in first
        ids = {Path(d.path).name: d.id for d in index.catalog()}
        assert f"/documents/{ids['qishuifa.txt']}" in html.unescape(first)  # the way to it
        doc_page = client.get(f"/documents/{ids['zanxing.txt']}").text
        assert "本文已废止" in doc_page and "请以现行文件为准" in doc_page
        # the table says it too (QA pass 38a: 有效性：有效 above), with the catalogue's word
        # beside where a catalogue states one; these files state none (QA pass 40b)
        assert "<th scope=\"row\">有效性</th><td>已废止</td>" in doc_page
        new_page = client.get(f"/documents/{ids['qishuifa.txt']}").text
        assert "本文已废止" not in new_page
        assert "<th scope=\"row\">有效性</th><td>未注明（未见废止或失效的记载）</td>" in new_page
    finally:
        citizen_words.load_lexicon(None)
        index.close()
