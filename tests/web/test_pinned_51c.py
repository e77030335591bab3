"""The pages' wording the QA 51c mutation tests found unpinned: the 匹配方式 said when only the
query's phrase decides, and a part of a code named beside a namesake only."""

from __future__ import annotations

import html
import re
import warnings

from govsearch.app import create_app
from model.settings import Settings
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.prepare import prepare
from tests.corpus import corpus_document, require_corpus, sample_paths
from web.views import part_name

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient


def _how_matched(page: str) -> str:
    m = re.search(r"<dt>匹配方式</dt><dd>(.*?)</dd>", page, re.S)
    assert m, "no 匹配方式 said"
    return html.unescape(m.group(1))


def test_where_only_the_phrase_decides_the_page_says_so(client):
    """The phrase "国务院" and four words no document holds: no document holds two of the
    words, so the words only rank, and the page lists every document holding the phrase. It
    says that (the other conditions decide), not "at least 0 words"."""
    said = _how_matched(client.get("/search", params={"q": '"国务院" 火星 宇航员 陨石 飞船'}).text)
    assert said.startswith("没有文件包含其中 2 个词：下面是含有其余检索条件"), said
    assert "引号中的短语" in said and "至少包含" not in said, said
    # ... where words alone are asked fewer, how many still must match is said
    words = "国务院 办公厅 火星 宇航员 陨石 飞船"
    fewer = _how_matched(client.get("/search", params={"q": words}).text)
    assert re.fullmatch(
        r"没有文件包含其中 3 个词，下面是至少包含 [12] 个词的文件，包含越多的排在越前面", fewer
    ), fewer


def _title_and_heading(client: TestClient, doc_id: str) -> tuple[str, str]:
    page = client.get(f"/documents/{doc_id}").text
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    heading = re.search(r'<h1 id="doc-title"[^>]*>(.*?)</h1>', page, re.S).group(1)
    return title, heading


def test_a_part_of_a_code_is_named_only_beside_a_namesake(tmp_path):
    """QA pass 50d named the part (合同编) of a code filed in parts, where another part the page
    lists shares its title. A part alone in the index has no namesake: its page is titled as
    the document is, with no part after it."""
    require_corpus()
    contract = corpus_document("docs/lawrefbook/minfadian/lrb_02480.txt")  # 合同编
    general = corpus_document("docs/lawrefbook/minfadian/lrb_02482.txt")  # 总则
    assert part_name(contract.meta.title, contract.text) == "合同编"  # a part it has
    others = [corpus_document(p) for p in sample_paths(12) if "/minfadian/" not in p]
    for name, docs in (("alone", [contract, *others]), ("both", [contract, general, *others])):
        data = tmp_path / name
        index = SearchIndex(EmbeddedIndex(data))
        try:
            assert all(r.ok for r in index.backend.write(prepare(d, "corpus") for d in docs))
            client = TestClient(create_app(Settings(data_dir=data), index))
            title, heading = _title_and_heading(client, contract.id)
            if name == "alone":
                assert "document__part" not in heading and "合同编" not in title, (title, heading)
                assert title.startswith(contract.meta.title), title
            else:  # beside the 总则, titled alike, it says which part it is
                assert '<span class="document__part">（合同编）</span>' in heading, heading
                assert "（合同编）" in title, title
        finally:
            index.close()
