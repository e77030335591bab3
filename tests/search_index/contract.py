"""The backend contract: one suite, run against every backend.

A backend module subclasses :class:`BackendContract` and provides the ``make_backend``
fixture (a fresh, empty backend). Everything is checked through :class:`SearchIndex`, the way
the API and the web pages use it, on real corpus documents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import random
import re
import shutil
from pathlib import Path

import pytest

from analyzers.chars import strip_skippable
from analyzers.normalize import normalize
from model.document import CatalogMeta, Document
from model.errors import Moved, NotFound
from model.viewer import ANONYMOUS, STAFF
from pipeline.run import run_ingest
from reports.annual import annual
from reports.entry import CatalogEntry
from search_index import citizen_words, repeals, semantic
from search_index.fields import FACET_FIELDS, FACET_SHOWN, STAFF_FACET_FIELDS
from search_index.index import SearchIndex
from search_index.prepare import prepare
from search_index.request import Query
from search_index.shared_folders import SharedFolders
from search_index.tree import Bool, Constant, MatchAll, Plan, Term
from tests.corpus import (
    CORPUS,
    REPEAL_LAWS,
    catalogued_laws,
    corpus_document,
    docno_variants,
    loose_docno_variants,
    manifest,
    require_corpus,
    sample_paths,
)

N_DOCS = 160
CANARY = "甲乙丙丁戊己庚辛壬癸测试机密字串"
DOCNO_PATH = "docs/govcn_policy/govcn_001.txt"


def normalized_texts(documents) -> dict[str, str]:
    return {d.id: normalize(d.text) for d in documents}


def converted(text: str) -> str:
    """Simplified text as a Traditional reader types it."""
    import opencc

    return opencc.OpenCC("s2t").convert(text)


class BackendContract:
    """Subclasses provide ``make_backend`` (function-scoped factory of empty backends)."""

    @pytest.fixture(scope="class")
    @classmethod
    def documents(cls):
        paths = sample_paths(N_DOCS)
        govcn = [p for p in manifest() if p.startswith("docs/govcn_policy/")][:10]
        trad = [p for p in manifest() if manifest()[p]["script"] == "traditional"][:5]
        paths = list(dict.fromkeys(paths + govcn + trad))
        docs = [corpus_document(p) for p in paths]
        # Two real documents turned into non-public ones, with a canary string in them.
        hidden = []
        for i, level in enumerate(("on_request", "not_public")):
            d = docs[i]
            meta = dataclasses.replace(d.meta, disclosure=level)
            hidden.append(dataclasses.replace(d, meta=meta, text=d.text + "\n" + CANARY))
        return hidden + docs[2:]


    @pytest.fixture(scope="class")
    @classmethod
    def index(cls, make_backend, documents):
        backend = make_backend()
        results = list(backend.write(prepare(d, "corpus") for d in documents))
        assert all(r.ok for r in results), [r for r in results if not r.ok][:3]
        yield SearchIndex(backend)
        backend.close()

    # -- writes --------------------------------------------------------------------------
    def test_every_document_written_once(self, index, documents):
        assert index.count(STAFF) == len(documents)
        fp = index.fingerprints()
        assert set(fp) == {d.id for d in documents}
        assert all(fp[d.id] == d.content_hash[:16] for d in documents)
        assert set(index.fingerprints("corpus")) == set(fp)
        assert index.fingerprints("elsewhere") == {}

    def test_the_stamp_changes_with_the_documents_or_is_empty(self, make_backend, documents):
        """A table kept on disk (the pinyin lexicon) is reused only under the same stamp."""
        backend = make_backend()
        try:
            before = backend.stamp()
            assert all(r.ok for r in backend.write([prepare(documents[3], "corpus")]))
            written = backend.stamp()
            assert written == backend.stamp()  # nothing changed: the same
            backend.delete([documents[3].id])
            deleted = backend.stamp()
            if written:
                assert len({before, written, deleted}) == 3
            else:
                assert before == written == deleted == ""
        finally:
            backend.close()

    def test_upsert_replaces_and_delete_removes(self, make_backend, documents):
        backend = make_backend()
        ix = SearchIndex(backend)
        doc = documents[5]
        list(backend.write([prepare(doc, "s")]))
        changed = dataclasses.replace(
            doc, text="替换后的正文：城市绿化养护标准", content_hash="ab" * 32
        )
        assert all(r.ok for r in backend.write([prepare(changed, "s")]))
        assert ix.count(STAFF) == 1
        assert ix.search(Query(q='"绿化养护"', viewer=STAFF)).total == 1
        assert ix.fingerprints()[doc.id] == "ab" * 8
        # an id given twice is one document, on both backends (QA pass 48a: embedded said 2)
        assert backend.delete([doc.id, doc.id]) == 1
        assert ix.count(STAFF) == 0

    def test_a_level_changed_keeps_the_document_for_staff(self, make_backend, documents):
        """``SearchIndex.set_disclosure`` (PATCH /api/documents/{id}): withdrawn from the public,
        the text and every other field as they were, searched the same by staff; published
        again, public again (QA pass 33b)."""
        backend = make_backend()
        ix = SearchIndex(backend)
        doc = documents[6]
        try:
            assert all(r.ok for r in backend.write([prepare(doc, "s")]))
            title = f'title:"{ix.get(doc.id).title}"'
            assert ix.search(Query(q=title)).total == 1
            hidden = ix.set_disclosure(doc.id, "not_public")
            assert hidden.disclosure == "not_public"
            assert ix.search(Query(q=title)).total == 0
            assert ix.search(Query(q=title, viewer=STAFF)).total == 1
            with pytest.raises(NotFound):
                ix.get(doc.id)
            kept = ix.get(doc.id, STAFF)
            assert (kept.text, kept.title, kept.doc_number, kept.date, kept.source) == (
                doc.text, doc.meta.title, doc.meta.doc_number,
                doc.meta.date.isoformat() if doc.meta.date else "", "s",
            )  # fmt: skip
            assert ix.fingerprints() == {doc.id: doc.content_hash[:16]}
            assert ix.set_disclosure(doc.id, "public").disclosure == "public"
            assert ix.search(Query(q=title)).total == 1
        finally:
            backend.close()

    # -- matching ------------------------------------------------------------------------
    def test_quoted_phrases_match_exactly_the_documents_containing_them(self, index, documents):
        rng = random.Random(11)
        compact = {d.id: strip_skippable(normalize(d.text)) for d in documents}
        visible = {d.id for d in documents if d.meta.disclosure == "public"}
        checked = 0
        for d in rng.sample(documents, 40):
            text = compact[d.id]
            if len(text) < 20:
                continue
            for _ in range(3):
                n = rng.randint(2, 8)
                start = rng.randrange(0, len(text) - n)
                phrase = text[start : start + n]
                if not re.fullmatch(r"[\u4e00-\u9fff0-9a-z]+", phrase):
                    continue
                want = {i for i, t in compact.items() if phrase in t and i in visible}
                got = {h.doc.id for h in _all_hits(index, f'"{phrase}"')}
                assert got == want, phrase
                checked += 1
        assert checked >= 60

    def test_a_decimal_point_in_a_quoted_phrase_counts(self, index, documents):
        """QA pass 22b: "1.5%" found 15% and 115年 (2,091 results for 13 documents): the
        bigrams drop the point with the other punctuation. A number written with a point is
        found only where it is written so, here on both backends."""
        public = [d for d in documents if d.meta.disclosure == "public"]
        spaced = {d.id: re.sub(r"\s+", "", normalize(d.text)) for d in public}
        compact = {d.id: strip_skippable(normalize(d.text)) for d in public}
        found = sorted({m for t in spaced.values() for m in re.findall(r"\d\.\d%?", t)})
        checked = 0
        for phrase in found[:8]:
            without = phrase.replace(".", "")
            decoys = {i for i, t in compact.items() if without in t and phrase not in spaced[i]}
            got = {h.doc.id for h in _all_hits(index, f'"{phrase}"')}
            literal = {i for i, t in normalized_texts(public).items() if phrase in t}
            assert literal <= got, phrase  # every document writing it
            assert all(phrase in spaced[i] for i in got), phrase  # and only those
            assert not got & decoys, phrase
            checked += bool(decoys)
        assert checked, found  # a number also written without its point was checked

    def test_subword_inside_a_longer_word_is_found(self, index, documents):
        # 人民 is inside 中华人民共和国 in many documents; 华人 crosses jieba's word boundary.
        for sub in ("华人", "民共"):
            want = {d.id for d in documents if sub in strip_skippable(normalize(d.text))
                    and d.meta.disclosure == "public"}
            got = {h.doc.id for h in _all_hits(index, f'"{sub}"')}
            assert want and got == want

    def test_quoted_single_character_inside_a_word(self, index, documents):
        # 珀 inside 琥珀: a one-character phrase must still find every document holding it
        text = {d.id: strip_skippable(normalize(d.text)) for d in documents
                if d.meta.disclosure == "public"}
        counts: dict[str, int] = {}
        for t in text.values():
            for ch in set(t):
                counts[ch] = counts.get(ch, 0) + 1
        rare = sorted(ch for ch, n in counts.items() if 2 <= n <= 4 and "\u4e00" <= ch <= "\u9fff")
        assert rare
        for ch in rare[:5]:
            want = {i for i, t in text.items() if ch in t}
            assert {h.doc.id for h in _all_hits(index, f'"{ch}"')} == want, ch

    def test_one_character_alone_finds_every_document_writing_it(self, index, documents):
        """税 typed alone found the 90 documents where jieba cut it as a word of its own, not
        the 1,180 that write it (QA pass 10): alone it means what "税" means, the documents
        where it is a word ranked first. (Only a text whose one 法 is its very last character
        would be missed: nodes.written_char; none of these is one.)"""
        from analyzers.segment import index_words

        public = [d for d in documents if d.meta.disclosure == "public"]
        text = {d.id: strip_skippable(normalize(d.text)) for d in public}
        for ch in ("法", "国", "珀"):
            want = {i for i, t in text.items() if ch in t}
            hits = _all_hits(index, ch)
            assert {h.doc.id for h in hits} == want, ch
            as_word = {d.id for d in public if ch in index_words(normalize(d.text))}
            if as_word and as_word != want:  # the first hit writes it as a word of its own
                assert hits[0].doc.id in as_word, ch

    def test_traditional_and_simplified_queries_agree(self, index):
        a = {h.doc.id for h in _all_hits(index, "个人资料保护")}
        b = {h.doc.id for h in _all_hits(index, "個人資料保護")}
        assert a == b

    def test_title_finds_document_first(self, index, documents):
        for d in documents[2:40:6]:
            res = index.search(Query(q=d.meta.title))
            assert res.hits, d.meta.title
            assert normalize(res.hits[0].doc.title) == normalize(d.meta.title)

    def test_a_law_cited_without_the_state_name_ranks_first(self, make_backend):
        """劳动合同法 is how the law is cited: it ranks above its 实施条例, whose longer title holds
        the words too and whose text says 以下简称劳动合同法 (QA pass 9 found them the other way);
        typed in Traditional too, and with the state's name, the same law first."""
        law = "docs/lawrefbook/shehuifa/lrb_02514.txt"  # 中华人民共和国劳动合同法
        rules = "docs/lawrefbook/xingzheng_fagui/lrb_02899.txt"  # …劳动合同法实施条例
        backend = make_backend()
        docs = [corpus_document(p) for p in (rules, law, *sample_paths(6, seed=5))]
        assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in docs))
        index = SearchIndex(backend)
        for q, first in (("劳动合同法", law), ("勞動合同法", law),
                         ("中华人民共和国劳动合同法", law), ("劳动合同法实施条例", rules)):
            hits = index.search(Query(q=q)).hits
            assert [h.doc.path for h in hits[:2]] == [first, rules if first == law else law], q

    def test_doc_number_variants(self, index):
        doc = corpus_document(DOCNO_PATH)
        number = normalize(doc.meta.doc_number)
        variants = docno_variants(number)
        assert variants, number
        for variant in variants:
            res = index.search(Query(q=variant))
            assert res.hits and res.hits[0].doc.id == doc.id, variant

    def test_doc_number_typed_loosely(self, index):
        """QA (nineteenth session): the 号 left off (国发〔2019〕5), the year in two digits
        (国发19年5号) or in Chinese numerals (国发〔二〇一九〕5号) found nothing."""
        doc = corpus_document(DOCNO_PATH)
        tight = index.search(Query(q=doc.meta.doc_number, size=50))
        variants = loose_docno_variants(normalize(doc.meta.doc_number))
        assert variants, doc.meta.doc_number
        for variant in variants:
            res = index.search(Query(q=variant, size=50))
            assert res.hits and res.hits[0].doc.id == doc.id, variant
            assert res.understood.doc_numbers == tight.understood.doc_numbers != (), variant
            assert [h.doc.id for h in res.hits] == [h.doc.id for h in tight.hits], variant

    def test_doc_number_with_spaces_is_one_number(self, index):
        """国办发 [2019] 6号 is the 文号 typed with spaces, not three words to match anywhere."""
        doc = corpus_document(DOCNO_PATH)
        tight = index.search(Query(q=doc.meta.doc_number, size=50))
        issuer, rest = re.fullmatch(r"(.+?)(〔.+)", normalize(doc.meta.doc_number)).groups()
        spaced = index.search(Query(q=f"{issuer} {rest.replace('〕', '〕 ')}", size=50))
        assert spaced.total == tight.total
        assert [h.doc.id for h in spaced.hits] == [h.doc.id for h in tight.hits]
        assert spaced.understood.doc_numbers == tight.understood.doc_numbers != ()

    def test_an_index_number_finds_its_document_in_every_written_form(self, make_backend):
        """QA pass 23b: a 索引号 copied from the catalogue found nothing (QS-2024-0003), or the
        texts holding its pieces (000014349, 2018) and not the document it names. It is one
        exact key: full-width, lower case, another dash or a 索引号 label typed before it find
        the document, a number one digit off finds nothing, and a date is no 索引号."""
        paths = [p for p in manifest() if p.startswith("docs/govcn_policy/")][:3]
        numbers = ("000014349/2019-00006", "000014349/2019-00060", "QS-2024-0003")
        backend = make_backend()
        docs = [corpus_document(p, index_no=n) for p, n in zip(paths, numbers, strict=True)]
        assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in docs))
        index = SearchIndex(backend)
        for q, want in (
            ("000014349/2019-00006", 0), ("索引号：０００014349／2019－00006", 0),
            ("索引號 000014349/2019-00006", 0), ("000014349/2019-00060", 1),
            ("qs-2024-0003", 2), ("QS–2024–0003", 2), ("索引号:QS-2024-0003", 2),
            # QA pass 24c: a dash typed for its slash, and the number quoted, found nothing
            ("000014349-2019-00006", 0), ('"000014349/2019-00006"', 0), ("QS/2024/0003", 2),
            # QA pass 40b: typed with spaces, as a kiosk's keyboard types it
            ("000014349 2019 00006", 0),
        ):  # fmt: skip
            res = index.search(Query(q=q, size=50))
            assert [h.doc.id for h in res.hits] == [docs[want].id], q
            assert res.understood.index_numbers != () and res.understood.words == (), q
        assert index.search(Query(q="QS-2024-0004")).total == 0
        assert index.search(Query(q="2019-01-22")).understood.index_numbers == ()
        assert index.search(Query(q="2019/2020 预算")).understood.index_numbers == ()

    def test_an_amount_typed_in_digits_finds_the_law_printing_it_in_numerals(self, make_backend):
        """QA pass 24b: 养老保险交满15年 listed five district budgets (their 2015年) and not the
        社会保险法, which says 累计缴费满十五年. An amount is its number and unit as typed, a
        word of its own (not inside 2015年), or in Chinese numerals; a year stays as typed."""
        law = corpus_document("docs/lawrefbook/shehuifa/lrb_02535.txt")  # 社会保险法
        budget = corpus_document(sample_paths(1, seed=3)[0])
        budget = dataclasses.replace(budget, text=budget.text + "\n2015年养老保险缴费基数")
        backend = make_backend()
        assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in (law, budget)))
        index = SearchIndex(backend)
        res = index.search(Query(q="养老保险交满15年"))
        assert [h.doc.id for h in res.hits][:1] == [law.id]
        assert ("15年", "十五年", "numeral") in res.understood.expansions
        quoted = index.search(Query(q='"15年"'))  # a quoted phrase: exactly its holders
        assert [h.doc.id for h in quoted.hits] == [budget.id] and not quoted.understood.expansions
        assert index.search(Query(q="养老保险 2015年")).understood.expansions == ()
        # one digit, and 双倍, as laws write them (QA passes 24b, 24c)
        contract = corpus_document("docs/lawrefbook/shehuifa/lrb_02514.txt")  # 劳动合同法
        assert all(r.ok for r in backend.write([prepare(contract, "corpus")]))
        double = index.search(Query(q="双倍工资"))
        assert [h.doc.id for h in double.hits][:1] == [contract.id], double.hits
        assert ("双倍", "二倍", "numeral") in double.understood.expansions
        month = index.search(Query(q="试用期6个月"))
        assert ("6个月", "六个月", "numeral") in month.understood.expansions

    def test_a_docno_scope_without_number_or_issuer_is_ignored_and_said(self, index):
        """QA pass 7: 文号:〔〕号 found every document holding 号. It says nothing about a 文号:
        ignored and shown as ignored; 文号:<issuer> still lists that issuer's documents."""
        everything = index.search(Query(q="", size=1)).total
        for q in ("docno:〔〕号", "文号:〔〕号", "文号:第号"):
            res = index.search(Query(q=q, size=1))
            assert res.total == everything and res.understood.ignored, q
        doc = corpus_document(DOCNO_PATH)
        issuer = re.fullmatch(r"(.+?)〔.+", normalize(doc.meta.doc_number)).group(1)
        res = index.search(Query(q=f"文号:{issuer}", size=50))
        assert 0 < res.total < everything and doc.id in {h.doc.id for h in res.hits}
        # ... and only them: 文号:国发 listed 中华人民共和国发票管理办法 first and 我国发展 in work
        # reports, 71 of 82 results texts that merely hold the characters (QA pass 22b)
        for hit in res.hits:
            number = normalize(hit.doc.doc_number or "")
            assert number.startswith(issuer) or issuer in number, (issuer, hit.doc.doc_number)

    def test_a_field_scope_with_nothing_after_it_is_ignored_and_said(self, index):
        """QA: ``title:`` alone searched the word "title" (0 results) and 国务院 title: needed
        "title" too; 标题： 条例 (a space after the colon, as people type it) searched 标题."""
        everything = index.search(Query(q="", size=1)).total
        for q in ("title:", "标题:", "-docno:"):
            res = index.search(Query(q=q, size=1))
            assert res.total == everything and res.understood.ignored == (q,), q
        got = index.search(Query(q="国务院 title:", size=5))
        want = index.search(Query(q="国务院", size=5))
        assert got.total == want.total > 0
        assert [h.doc.id for h in got.hits] == [h.doc.id for h in want.hits]
        spaced = index.search(Query(q="标题： 条例", size=50))
        tight = index.search(Query(q="标题:条例", size=50))
        assert spaced.total == tight.total > 0
        assert [h.doc.id for h in spaced.hits] == [h.doc.id for h in tight.hits]

    def test_one_character_in_a_title_scope_finds_the_titles_writing_it(self, index):
        """QA pass 13: title:税 found the 4 titles where jieba cut 税 alone, title:"税" 92;
        one character alone means the documents that write it, in a field scope too."""
        for ch in ("法", "条"):
            scoped = index.search(Query(q=f"title:{ch}", size=100))
            quoted = index.search(Query(q=f'title:"{ch}"', size=100))
            assert scoped.total == quoted.total > 0, ch
            assert scoped.total <= 100  # every hit on the page: the sets compare whole
            assert {h.doc.id for h in scoped.hits} == {h.doc.id for h in quoted.hits}, ch
            assert all(ch in normalize(h.doc.title) for h in scoped.hits), ch

    def test_a_symbol_beside_words_is_ignored_and_said(self, index):
        """QA pass 11: 养老～ matched 养老 OR ～ (a date range's tilde), 养老+医疗 required a +."""
        for typed, plain in (("国务院～", "国务院"), ("国务院+通知", "国务院 通知"),
                             ("国务院 = 通知 $", "国务院 通知")):
            got = index.search(Query(q=typed, size=5))
            want = index.search(Query(q=plain, size=5))
            assert got.total == want.total > 0, typed
            assert [h.doc.id for h in got.hits] == [h.doc.id for h in want.hits], typed
            assert set(got.understood.ignored) <= {"~", "+", "=", "$"}, got.understood.ignored
            assert got.understood.ignored, typed

    def test_uncommitted_zhuyin_beside_words_is_ignored(self, index):
        """QA pass 41b: 健保ㄎㄚˇ (卡 not yet chosen in the input method) required ㄎ, ㄚ and ˇ
        and found nothing."""
        want = index.search(Query(q="国务院", size=5))
        for typed in ("国务院ㄊㄨㄥ", "国务院ㄊㄨㄥˇ", "ㄊㄨㄥˋ国务院"):
            got = index.search(Query(q=typed, size=5))
            assert got.total == want.total > 0, typed
            assert [h.doc.id for h in got.hits] == [h.doc.id for h in want.hits], typed
            assert got.understood.ignored, typed

    def test_a_variation_selector_beside_words_is_ignored(self, index):
        """QA pass 49b: 医保报销✔️ dropped the ✔ but required its variation selector U+FE0F as a
        word, and found a tenth of what 医保报销 finds; so did an accent typed apart."""
        want = index.search(Query(q="国务院", size=5))
        for typed in ("国务院✔️", "国务院\ufe0f", "国务院 \u0301"):
            got = index.search(Query(q=typed, size=5))
            assert got.understood.words == want.understood.words, repr(typed)
            assert got.total == want.total > 0, repr(typed)
            assert [h.doc.id for h in got.hits] == [h.doc.id for h in want.hits], repr(typed)
            assert "\ufe0f" not in got.understood.ignored  # nothing anyone sees is said

    def test_a_link_pasted_beside_words_is_ignored_and_said(self, index):
        """QA pass 49b: a WeChat article's title shared with its link found nothing: https,
        mp.weixin.qq.com, s and the article's id were words half of which had to match."""
        link = "https://mp.weixin.qq.com/s/AbCdEf123?from=timeline&isappinstalled=0"
        want = index.search(Query(q="国务院 办公厅", size=5))
        for typed in (f"国务院 办公厅 {link}", f"【转发】国务院 办公厅！！{link} 大家看",
                      f"国务院 办公厅{link}"):  # fmt: skip
            got = index.search(Query(q=typed, size=5))
            assert link in got.understood.ignored, got.understood.ignored
            assert {"国务院", "办公厅"} <= set(got.understood.words), got.understood.words
            assert not any("weixin" in w or "https" in w for w in got.understood.words)
            assert got.total > 0, typed
        plain = index.search(Query(q=f"国务院 办公厅 {link}", size=5))
        assert plain.total == want.total and plain.hits == want.hits
        # ... without a scheme, with another one, or with a path a browser shows decoded (QA
        # pass 49c: each was words a document had to hold)
        for other in ("mp.weixin.qq.com/s/xyz", "weixin://dl/business",
                      "https://www.gov.cn/搜索?q=户口"):  # fmt: skip
            got = index.search(Query(q=f"国务院 办公厅 {other}", size=5))
            assert got.understood.ignored == (other,), got.understood.ignored
            assert got.total == want.total, other
        alone = index.search(Query(q="www.gov.cn"))  # an address typed alone: as typed
        assert alone.understood.words and not alone.understood.ignored
        # ... with a path a browser shows decoded too (QA pass 50e: 养老保险 and index.htm)
        decoded = index.search(Query(q="https://www.gov.cn/zhengce/养老保险/index.htm"))
        assert not decoded.understood.ignored, decoded.understood.ignored
        # ... and the words glued after a link, or after a comma after it, are no path of it
        # (QA pass 50c: the link took them, and its pieces found nothing)
        short = "https://mp.weixin.qq.com/s/AbC"
        for typed in (f"{short}国务院办公厅", f"{short}，国务院 办公厅"):
            got = index.search(Query(q=typed, size=5))
            assert got.understood.ignored[:1] == (short,), got.understood.ignored
            without = index.search(Query(q=typed.removeprefix(short), size=5))
            assert got.total == without.total > 0, typed
            assert [h.doc.id for h in got.hits] == [h.doc.id for h in without.hits], typed
        # ... beside more Chinese, or ending in a half-width question mark (QA pass 51c: the
        # first was dropped with the link, the second took the whole link as the search)
        for typed, words in ((f"{short}国务院办公厅，关于养老保险", ("国务院办公厅", "养老保险")),
                             (f"{short}国务院办公厅?", ("国务院办公厅",))):  # fmt: skip
            got = index.search(Query(q=typed, size=5))
            assert short in got.understood.ignored, (typed, got.understood.ignored)
            assert set(words) <= set(got.understood.words), (typed, got.understood.words)

    def test_a_long_query_finding_nothing_is_searched_with_fewer_words(self, index):
        """QA pass 50a: a question spoken with its fillers required 13 of its 32 words, and
        found nothing. A query of four words or more that finds nothing asks fewer, and says
        so; a shorter one finds nothing, as typed (the page offers it a word shorter)."""
        typed = "国务院 办公厅 火星 宇航员 陨石 飞船"
        got = index.search(Query(q=typed, size=5))
        assert got.understood.fewer_than == 3 and 0 < got.understood.min_should_match < 3
        assert got.total > 0 and got.to_dict()["understood"]["fewer_than"] == 3
        both = index.search(Query(q="国务院 办公厅", size=5))  # those holding both come first
        assert got.hits[0].doc.id == both.hits[0].doc.id
        short = index.search(Query(q="国务院 火星 宇航员"))
        assert short.total == 0 and not short.understood.fewer_than
        # ... and where no word is found, the phrase the query also asks for (QA pass 50e)
        phrase = index.search(Query(q='"国务院" 火星 宇航员 陨石 飞船'))
        assert phrase.total == index.search(Query(q='"国务院"')).total > 0
        assert phrase.understood.fewer_than == 2 and phrase.understood.min_should_match == 0
        # ... a year, one character or a foreign word beside it only ranking too (QA pass
        # 51c: each became the match, and the search found nothing again)
        for extra in ("2030", "税", "xyzzy"):
            weak = index.search(Query(q=f'"国务院" 火星 宇航员 陨石 飞船 {extra}'))
            assert weak.total == phrase.total and weak.understood.fewer_than, extra
        dated = index.search(Query(q=typed, sort="date_desc"))  # every word, as asked
        assert dated.total == 0 and not dated.understood.fewer_than
        # ... and where the filters alone find nothing, no fewer words are tried (QA pass 51c:
        # up to five more searches, over HTTP on Elasticsearch, each finding nothing)
        searches: list[object] = []
        search = index.backend.search

        def counted(*args: object, **kwargs: object) -> object:
            searches.append(args)
            return search(*args, **kwargs)

        index.backend.search = counted  # type: ignore[method-assign]
        try:
            nowhere = index.search(Query(q=typed, agencies=("火星宇航管理局",), size=5))
        finally:
            del index.backend.search
        assert nowhere.total == 0 and not nowhere.understood.fewer_than
        assert len(searches) <= 3, len(searches)  # the search, its filters counted, a facet

    def test_characters_typed_apart_are_the_word_they_spell(self, index):
        """QA pass 49b: 户 口 迁 移 (a handwriting pad's space after each character) searched
        four words of one character, and the 户口 law came nowhere; pinyin typed so is
        joined already."""
        want = index.search(Query(q="人民法院", size=5))
        got = index.search(Query(q="人 民 法 院", size=5))
        assert got.understood.words == want.understood.words
        assert [h.doc.id for h in got.hits] == [h.doc.id for h in want.hits]
        apart = index.search(Query(q="人民 法院", size=5))  # words typed apart stay words
        assert apart.understood.words == ("人民", "法院"), apart.understood.words

    def test_invisible_characters_inside_a_word_are_ignored(self, index):
        """QA pass 18: a right-to-left mark pasted inside 婚姻登记 split it into two words, so
        every document holding either matched; a zero-width space or a BOM did the same."""
        want = index.search(Query(q="人民法院"))
        for mark in ("\u200b", "\u200d", "\u200f", "\u202e", "\u2066", "\ufeff", "\xad"):
            got = index.search(Query(q=f"人民{mark}法院"))
            assert got.understood.words == want.understood.words, repr(mark)
            assert got.total == want.total, repr(mark)

    def test_one_unmatched_word_does_not_empty_results(self, index):
        base = index.search(Query(q="条例 规定"))
        more = index.search(Query(q="条例 规定 瓜达尔卡纳尔"))
        assert base.total > 0 and more.total > 0

    def test_all_words_rank_above_some_words(self, index):
        res = index.search(Query(q="人民法院 审判 瓜达尔卡纳尔", size=5))
        top = res.hits[0].doc.text
        assert "人民法院" in normalize(top) and "审判" in normalize(top)

    def test_exclusion(self, index):
        with_word = {h.doc.id for h in _all_hits(index, "条例")}
        excluded = {h.doc.id for h in _all_hits(index, '条例 -"人民代表大会"')}
        assert excluded and excluded < with_word
        for h in _all_hits(index, '条例 -"人民代表大会"'):
            assert "人民代表大会" not in strip_skippable(normalize(h.doc.text))

    def test_pinyin_and_initials_find_titles(self, index, documents):
        from pypinyin import Style, lazy_pinyin

        title = next(
            d.meta.title for d in documents
            if d.meta.disclosure == "public" and "条例" in d.meta.title and len(d.meta.title) > 6
        )
        head = normalize(title)[:4]
        full = "".join(lazy_pinyin(head))
        initials = "".join(lazy_pinyin(head, style=Style.FIRST_LETTER))
        for typed in (full, " ".join(lazy_pinyin(head)), initials, full[:-1]):
            hits = _all_hits(index, typed)
            assert any(normalize(h.doc.title) == normalize(title) for h in hits), typed
            assert all(h.doc.disclosure == "public" for h in hits)

    @pytest.mark.parametrize(
        ("typed", "chinese"),
        [
            # full pinyin word by word: the one word they spell, as typed without the space
            # (QA pass 36a: the kiosk's tip calls zhengwu gongkai and zhengwugongkai the same)
            ("renmin fayuan", "人民法院"),
            ("renminfayuan", "人民法院"),  # full pinyin without spaces
            ("rmfy", "人民法院"),  # initials
            ("zhengfu", "政府"),
            ("yinhang", "银行"),  # 行 read hang in 银行 (the phrase dictionary)
            ("renmin fy", "人民 法院"),  # mixed: full pinyin and initials
            ("tiaoli 人民法院", "条例 人民法院"),  # mixed: pinyin and Chinese
        ],
    )
    def test_pinyin_finds_what_the_chinese_words_find(self, index, typed, chinese):
        """Letters are searched as the words of the index they stand for, in titles and
        bodies: every document the Chinese words find is found, the best one near the top."""
        want = [h.doc.id for h in _all_hits(index, chinese)]
        assert want, chinese
        got_hits = _all_hits(index, typed)
        got = [h.doc.id for h in got_hits]
        assert set(want) <= set(got), (typed, len(want), len(got))
        assert want[0] in got[:5], typed
        assert all(h.doc.disclosure == "public" for h in got_hits)
        understood = index.search(Query(q=typed, size=1)).understood
        assert understood.pinyin_words, typed

    def test_pinyin_reaches_bodies(self, index, documents):
        """A word that is in no title is still found by its pinyin (bodies have no pinyin
        tokens: the letters become the word)."""
        titles = " ".join(normalize(d.meta.title) for d in documents)
        word = next(w for w in ("审判", "银行", "合同", "公开") if w not in titles)
        from analyzers.pinyin_lexicon import word_keys

        full, initials = word_keys(word)
        want = {h.doc.id for h in _all_hits(index, word)}
        assert want
        for typed in (full, initials):
            assert want <= {h.doc.id for h in _all_hits(index, typed)}, typed

    def test_input_method_words_are_public_words(self, index, documents):
        """The kiosk's input method offers words of the index, most documents first, and never
        a word that occurs only in non-public documents."""
        from analyzers.pinyin_lexicon import word_keys
        from analyzers.segment import index_words

        got = index.pinyin("renmin")
        assert got and got[0] == "人民", got
        assert "人民法院" in index.pinyin("rmfy")
        assert "人民法院" in index.pinyin("renminfay")  # the last syllable half typed
        public = "".join(normalize(d.text + d.meta.title) for d in documents
                         if d.meta.disclosure == "public")
        secret = [w for w in index_words(normalize(CANARY)) if w not in public and word_keys(w)]
        assert secret  # the canary has words of its own
        for w in secret:
            for key in word_keys(w):
                assert w not in index.pinyin(key, limit=30), (w, key)
                shown = index.search(Query(q=key)).understood
                assert w not in str(shown.pinyin_words)

    def test_malformed_queries_are_text(self, index):
        for q in ['"', '"条例', "- OR", "title:", "((", "OR 条例 OR", "docno:", "\x00\x1f"]:
            index.search(Query(q=q))

    # -- filters, facets, sorting, paging --------------------------------------------------
    def test_filters_and_facets(self, index, documents):
        public = [d for d in documents if d.meta.disclosure == "public"]
        res = index.search(Query(q="", size=1))
        assert res.total == len(public)
        cats = {v.value: v.count for v in res.facets["category"]}
        for cat, count in cats.items():
            assert count == sum(1 for d in public if d.meta.category == cat)
            assert index.search(Query(categories=(cat,), size=1)).total == count
        top_agency = res.facets["agency"][0]
        assert index.search(Query(agencies=(top_agency.value,))).total == top_agency.count
        years = {v.value: v.count for v in res.facets["year"]}
        y, c = next(iter(years.items()))
        assert index.search(Query(years=(int(y),))).total == c
        # the undated are counted too, under 0: the facet adds up (QA pass 22)
        undated = sum(1 for d in public if not d.meta.date)
        assert undated and years.get("0") == undated
        assert index.search(Query(years=(0,))).total == undated
        lo, hi = dt.date(2010, 1, 1), dt.date(2015, 12, 31)
        want = sum(1 for d in public if d.meta.date and lo <= d.meta.date <= hi)
        assert index.search(Query(date_from=lo, date_to=hi)).total == want

    def test_agency_filter_folds_script_and_spacing(self, index, documents):
        """QA pass 9: agency=國務院 found none of 国务院's documents, 台南市政府水利局 none of
        臺南市政府水利局's; the facet's own value and the query's 机构: always did."""
        agencies: dict[str, int] = {}
        for d in documents:
            if d.meta.disclosure == "public" and d.meta.agency:
                agencies[d.meta.agency] = agencies.get(d.meta.agency, 0) + 1
        def same(name: str) -> int:  # every spelling of the name counts (國務院 and 国务院)
            key = strip_skippable(normalize(name))
            return sum(n for a, n in agencies.items() if strip_skippable(normalize(a)) == key)

        trad = [a for a in agencies if normalize(a) != a]
        simp = [a for a in agencies if normalize(a) == a and converted(a) != a]
        assert trad and simp, "the contract set holds agencies in both scripts"
        for name in trad[:3]:
            typed = normalize(name)  # a Traditional name typed in Simplified
            assert index.search(Query(agencies=(typed,))).total == same(name) > 0
            spaced = " ".join(name)
            assert index.search(Query(agencies=(spaced,))).total == same(name)
        for name in simp[:3]:
            assert index.search(Query(agencies=(converted(name),))).total == same(name) > 0
        # the facet has one value per agency as the filter compares it, counting what its link
        # finds (QA pass 10: 臺南市政府水利局 and 台南市政府水利局, 1 each, each link found 2)
        facet = index.search(Query(q="", size=1)).facets["agency"]
        keys = [strip_skippable(normalize(v.value)) for v in facet]
        assert len(keys) == len(set(keys))
        for v in facet[:5]:
            assert index.search(Query(agencies=(v.value,), size=1)).total == v.count

    def test_a_joint_issue_is_found_by_either_issuer(self, make_backend):
        """QA pass 12: agency=中央军事委员会 found none of the documents 国务院、中央军事委员会
        issued together. Each issuer's name finds them, the joint name too; the facet counts
        them under each, as its links find them."""
        joint = sample_document("docs/govcn_policy/govcn_002.txt", agency="国务院、中央军事委员会")
        alone = sample_document("docs/lawrefbook/xingzhengfa/lrb_02680.txt", agency="国务院")
        other = sample_document("docs/annual_report/changshu_2008.txt", agency="国务院办公厅")
        backend = make_backend()
        docs = (joint, alone, other)
        assert all(r.ok for r in backend.write(prepare(d, "samples") for d in docs))
        ix = SearchIndex(backend)

        def found(*agencies: str) -> set[str]:
            return {h.doc.id for h in ix.search(Query(agencies=agencies, size=10)).hits}

        assert found("中央军事委员会") == found("中央軍事委員會") == {joint.id}
        assert found("国务院") == {joint.id, alone.id}
        assert found("国务院、中央军事委员会") == found("国务院中央军事委员会") == {joint.id}
        assert found("国务院办公厅") == {other.id}  # a part is a whole name, not a prefix
        facet = {v.value: v.count for v in ix.search(Query(q="", size=1)).facets["agency"]}
        assert facet == {
            "国务院、中央军事委员会": 1, "国务院": 2, "中央军事委员会": 1, "国务院办公厅": 1,
        }  # fmt: skip
        for value, count in facet.items():
            assert len(found(value)) == count

    def test_the_states_prefix_may_be_left_out_of_an_agency(self, make_backend):
        """QA pass 27b: agency=国务院 left out the document whose catalogue prints
        中华人民共和国国务院, which the README says may be left out; the facet listed the two
        names apart. One agency, under either name, in the filter and the facet."""
        full = sample_document("docs/govcn_policy/govcn_002.txt", agency="中华人民共和国国务院")
        short = sample_document("docs/lawrefbook/xingzhengfa/lrb_02680.txt", agency="国务院")
        other = sample_document("docs/annual_report/changshu_2008.txt", agency="中华人民共和国")
        backend = make_backend()
        assert all(r.ok for r in backend.write(prepare(d, "samples") for d in (full, short, other)))
        ix = SearchIndex(backend)

        def found(*agencies: str) -> set[str]:
            return {h.doc.id for h in ix.search(Query(agencies=agencies, size=10)).hits}

        assert found("国务院") == found("中华人民共和国国务院") == {full.id, short.id}
        assert found("中华人民共和国") == {other.id}  # the prefix alone is no agency's
        facet = {v.value: v.count for v in ix.search(Query(q="", size=1)).facets["agency"]}
        assert sorted(facet.values()) == [1, 2] and facet.get("中华人民共和国") == 1, facet

    def test_year_facet_lists_every_year(self, make_backend, documents):
        """Every year holding a document is listed with its count, however many years: cut
        at its 30 most frequent values, the facet left out the newest year of a catalogue
        (one document in it) while a search of that year found it."""
        public = [d for d in documents if d.meta.disclosure == "public"][:45]
        dated = [
            dataclasses.replace(d, meta=dataclasses.replace(d.meta, publish_date=dt.date(y, 6, 1)))
            for y, d in enumerate(public, start=1981)
        ]
        backend = make_backend()
        try:
            assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in dated))
            index = SearchIndex(backend)
            years = {v.value: v.count for v in index.search(Query(q="", size=1)).facets["year"]}
            assert years == {str(1981 + i): 1 for i in range(len(dated))}
            assert index.search(Query(years=(1981 + len(dated) - 1,))).total == 1
        finally:
            backend.close()

    def test_nothing_to_rank_by_lists_newest_first(self, index):
        """QA pass 33a: only symbols typed (？？？), or filters alone, listed every document in
        the order of ids under 相关度 (a 2001 judicial reply first); newest first, as by date."""
        for q in ("？？？", "", "-通知"):
            got = index.search(Query(q=q, size=20))
            by_date = index.search(Query(q=q, size=20, sort="date_desc"))
            assert [h.doc.id for h in got.hits] == [h.doc.id for h in by_date.hits], q
            dates = [h.doc.date for h in got.hits if h.doc.date]
            assert dates == sorted(dates, reverse=True) and got.total == by_date.total
        # punctuation alone is nothing to rank by (every document), a symbol alone is searched
        # for as written (README, as QA pass 38b read it: +++ and ^ found none, !!! all)
        everything = index.search(Query(q="", size=1)).total
        for q in ("!!!", "、", "《》", "-"):
            assert index.search(Query(q=q, size=1)).total == everything, q
        for q in ("+++", "^"):
            got = index.search(Query(q=q, size=1))
            assert got.understood.words == (q,) and got.total < everything, q

    def test_sort_by_date_and_pagination(self, index):
        res = index.search(Query(q="", sort="date_desc", size=20))
        dates = [h.doc.date for h in res.hits if h.doc.date]
        assert dates == sorted(dates, reverse=True)
        asc = index.search(Query(q="", sort="date_asc", size=5))
        assert [h.doc.date for h in asc.hits if h.doc.date] == sorted(
            h.doc.date for h in asc.hits if h.doc.date
        )
        p1 = index.search(Query(q="条例", size=5, page=1))
        p2 = index.search(Query(q="条例", size=5, page=2))
        both = index.search(Query(q="条例", size=10))
        assert [h.doc.id for h in p1.hits + p2.hits] == [h.doc.id for h in both.hits]

    def test_sorted_by_date_every_word_is_required(self, index):
        """QA pass 17: sorted by date, nothing ranks a document holding one word of 住房公积金
        below those holding both; the list holds the latter only, and says what it left out."""
        q = "人民法院 审判"
        ranked = _all_hits(index, q)
        by_date = _all_hits(index, q, sort="date_desc")
        res = index.search(Query(q=q, sort="date_desc"))
        words = res.understood.words
        assert len(words) == 2 and res.understood.min_should_match == 2
        assert not res.understood.synonyms and not res.understood.expansions
        assert by_date and all(
            all(w in normalize(h.doc.title + h.doc.text) for w in words) for h in by_date
        )
        assert {h.doc.id for h in by_date} < {h.doc.id for h in ranked}  # one word: left out
        assert res.understood.all_words and res.understood.partial_left_out
        assert not index.search(Query(q=q)).understood.partial_left_out
        dates = [h.doc.date for h in by_date if h.doc.date]
        assert dates == sorted(dates, reverse=True)
        one = index.search(Query(q="审判", sort="date_asc"))  # one word: nothing changes
        assert not one.understood.all_words and one.total == index.search(Query(q="审判")).total

    def test_a_span_of_years_finds_the_same_whatever_joins_it(self, index):
        """QA pass 38b: 2019-2020 was searched as one word (0 results, or the few texts that
        print it so), 2019—2020 and 2019/2020 as two years (916 on the corpus)."""
        ids = {}
        for q in ("2018-2019", "2018—2019", "2018/2019", "2018－2019", "2018–2019"):
            words = index.search(Query(q=q, size=1, facets=False)).understood.words
            assert words == ("2018", "2019"), (q, words)
            ids[q] = {h.doc.id for h in _all_hits(index, q)}
        assert ids["2018-2019"] and all(found == ids["2018-2019"] for found in ids.values())

    def test_equal_scores_are_in_id_order_on_every_page(self, index):
        """QA pass 18b: ranked by relevance, documents of one score (机构:国务院, "的") were in
        id order on Elasticsearch and in segment order on the embedded backend, so page 1 held
        other documents on each. Both break ties by id; every page follows one order."""
        for q in ('"的"', '"条"', "条例"):
            every = _all_hits(index, q)
            assert len(every) > 6, q
            pairs = list(zip(every, every[1:], strict=False))
            assert all(a.doc.id < b.doc.id for a, b in pairs if a.score == b.score), q
            assert all(a.score >= b.score * (1 - 1e-5) for a, b in pairs), q
            for size in (3, 5):
                pages = [index.search(Query(q=q, size=size, page=p)).hits for p in range(1, 4)]
                paged = [h.doc.id for page in pages for h in page]
                assert paged == [h.doc.id for h in every[: 3 * size]], (q, size)

    def test_versions_are_newest_first_whatever_the_page_size(self, make_backend):
        """Versions of one rule (one title and issuer) among the first results are listed newest
        first, and every page size shows one order (QA pass 24b: the older version was first
        on a page of 1, the newer on a page of 10; a page of 10 showed the 2016 version at #4
        where a page of 20 showed the 2023 one)."""
        old, new = (corpus_document(f"docs/lawrefbook/xingzheng_fagui/lrb_0277{n}.txt")
                    for n in (2, 3))  # fmt: skip
        old = dataclasses.replace(old, text=old.text + "\n收养登记" * 8)  # BM25 ranks it first
        others = [corpus_document(p) for p in ("docs/lawrefbook/xingzheng_fagui/lrb_03044.txt",
                                               *sample_paths(12, seed=24))]  # fmt: skip
        backend = make_backend()
        assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in (old, new, *others)))
        index = SearchIndex(backend)
        hits = index.search(Query(q="收养登记", size=12)).hits
        whole = [h.doc.id for h in hits]
        assert whole.index(new.id) < whole.index(old.id), whole
        # the older one says a newer one is there, as its page does (QA pass 24b)
        marked = {h.doc.id: h.newer_version for h in hits if h.newer_version}
        assert marked == {old.id: new.meta.date.isoformat()}, marked
        for size in (1, 2, 5):
            pages = [index.search(Query(q="收养登记", size=size, page=p)).hits
                     for p in range(1, 12 // size + 1)]  # fmt: skip
            assert [h.doc.id for page in pages for h in page] == whole, size
        # a year typed keeps the engine's order (it may ask for that version), and the older
        # version still says a newer one is there (QA pass 24c: it said nothing)
        year = old.meta.date.year
        typed = index.search(Query(q=f"{year}年 收养登记", size=12)).hits
        assert {h.doc.id: h.newer_version for h in typed if h.newer_version} == marked

    def test_two_files_of_one_number_are_copies_never_versions(self, make_backend):
        """QA pass 27b: a scan of 国办函〔2018〕71号, dated by the 发布日期 OCR read, made the
        catalogued copy (dated by its 成文日期) an older version: "本文可能已被修订或取代". One
        文号 is one issue of a text, whatever dates its files give; another number, or none,
        is still a version."""
        typed, scan = _law_files(
            ("6", dt.date(2018, 10, 27), "", "国办函〔2018〕71号", None),
            ("7", dt.date(2018, 11, 9), "\n（扫描件）", "国办函[2018]71号", None),
        )
        _assert_one_issue(make_backend(), typed, scan)

    def test_a_scan_and_its_typed_copy_of_one_written_day_are_never_versions(self, make_backend):
        """QA pass 37b: OCR read a scan's 国办发〔1996〕2号 as 国发〔1996〕2号; its typed copy, one
        成文日期 (1996-02-05) but re-posted in 2018, was shown to it as a newer version that
        "may replace" it. One 成文日期 is one issue; another day is still a version."""
        written, revision = dt.date(1996, 2, 5), dt.date(2011, 1, 8)
        typed, scan, revised = _law_files(
            ("6", dt.date(2018, 12, 24), "", "国办发〔1996〕2号", written),
            ("7", None, "\n（扫描件）", "国发〔1996〕2号", written),
            ("8", revision, "\n（修订）", "", revision),
        )
        backend = make_backend()
        _assert_one_issue(backend, typed, scan)
        assert all(r.ok for r in backend.write([prepare(revised, "samples")]))
        ix = SearchIndex(backend)
        assert [v.id for v in ix.versions_of(ix.get(scan.id))] == [revised.id]
        assert {v.id for v in ix.versions_of(ix.get(revised.id))} == {typed.id, scan.id}

    def test_a_typed_copy_comes_before_its_shorter_scan(self, make_backend):
        """QA pass 37b: a scan (two pages of four read) ranked above its full typed copy, the
        shorter text by BM25, for 10 of 12 of its phrases. The typed copy takes the first of
        their places; a scan of another issue (a revision) keeps its rank."""
        written, revision = dt.date(2011, 10, 29), dt.date(2011, 12, 1)
        typed, scan, revised = _law_files(
            ("6", dt.date(2011, 10, 29), "", "主席令第51号", written),
            ("7", dt.date(2011, 10, 29), "", "主席令第51号", written),
            ("8", revision, "", "", revision),
        )
        scan = dataclasses.replace(scan, text=scan.text[:2000], text_source="ocr")
        revised = dataclasses.replace(revised, text=revised.text[:1500], text_source="ocr")
        backend = make_backend()
        assert all(r.ok for r in backend.write(prepare(d, "samples") for d in (typed, scan)))
        ix = SearchIndex(backend)
        q = "公民 身份 社会秩序"
        raw = [h.id for h in backend.search(ix._plan(Query(q=q))[0], limit=10).hits]
        assert raw.index(scan.id) < raw.index(typed.id), raw  # BM25: the scan first
        hits = ix.search(Query(q=q)).hits
        assert [h.doc.id for h in hits][:2] == [typed.id, scan.id]
        assert hits[0].score >= hits[1].score
        assert ix.search(Query(q=q, size=1, page=2)).hits[0].doc.id == scan.id
        assert all(r.ok for r in backend.write([prepare(revised, "samples")]))
        ix = SearchIndex(backend)
        ids = [h.doc.id for h in ix.search(Query(q=q)).hits]
        assert ids.index(typed.id) < ids.index(scan.id), ids

    def test_the_document_numbered_so_comes_before_those_its_number_revised(self, make_backend):
        """QA pass 27b: 国务院令第706号 listed a 专利代理条例 numbered 第76号 (its head names
        the order 706 that revised it) above the one catalogued as 国令第706号."""
        own = corpus_document("docs/govcn_policy/govcn_058.txt")
        revised = corpus_document("docs/lawrefbook/xingzheng_fagui/lrb_02751.txt")
        assert "706" in own.meta.doc_number and "706" not in revised.meta.doc_number
        backend = make_backend()
        assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in (own, revised)))
        ix = SearchIndex(backend)
        for typed in ("国务院令第706号", "国令第706号", "国务院令706号"):
            hits = ix.search(Query(q=typed)).hits
            assert [h.doc.id for h in hits] == [own.id, revised.id], typed
            assert hits[0].score >= hits[1].score

    def test_documents_of_one_day_are_in_id_order_on_every_page(self, make_backend):
        """Date sorts, and a search without text, break ties by id on both backends (tantivy
        left them in the order of its segments, Elasticsearch by id: the same page listed other
        documents). Written in three
        batches out of id order, so the segments' order is not the ids'. Samples only."""
        paths = sorted(str(p.relative_to(SAMPLES)) for p in (SAMPLES / "docs").rglob("*.txt"))
        day = dt.date(2020, 5, 12)
        dates = [day] * 6 + [day + dt.timedelta(days=1), day - dt.timedelta(days=1)]
        docs = [sample_document(path, date=d) for path, d in zip(paths, dates, strict=False)]
        assert len({d.id for d in docs}) == len(dates) == len(docs)
        undated = [sample_document(p) for p in paths[len(dates) : len(dates) + 2]]
        assert len(undated) == 2
        backend = make_backend()
        for batch in (docs[3::2], undated, docs[::3], docs):  # a rewrite moves a document
            assert all(r.ok for r in backend.write(prepare(d, "samples") for d in batch))
        # the backend alone: undated documents (date 0) first from old to new, paged
        everything = sorted(undated + docs, key=lambda d: (
            (d.meta.publish_date or dt.date.min).toordinal(), d.id))  # fmt: skip
        plan_all = Plan(MatchAll())
        for size in (1, 3, 4):
            pages = [backend.search(plan_all, offset=start, limit=size, sort="date_asc")
                     for start in range(0, len(everything), size)]  # fmt: skip
            got = [h.id for page in pages for h in page.hits]
            assert got == [d.id for d in everything], size
        docs_and_undated = docs + undated
        ix = SearchIndex(backend)
        for sort, sign in (("date_desc", -1), ("date_asc", 1)):
            ordered = sorted(docs, key=lambda d: (sign * d.meta.publish_date.toordinal(), d.id))
            want = [d.id for d in ordered] + sorted(d.id for d in undated)  # undated last
            assert [h.doc.id for h in ix.search(Query(q="", sort=sort, size=20)).hits] == want
            for size in (1, 2, 3, 5):
                pages = [ix.search(Query(q="", sort=sort, size=size, page=p)) for p in range(1, 12)]
                paged = [h.doc.id for page in pages for h in page.hits]
                assert paged == want, (sort, size)
        # no text: nothing to rank by, newest first (QA pass 33a: the ids' order was shown
        # as 相关度), ties in the id's order, undated last
        newest = sorted(docs, key=lambda d: (-d.meta.publish_date.toordinal(), d.id))
        newest_ids = [d.id for d in newest] + sorted(d.id for d in undated)
        assert sorted(newest_ids) == sorted(d.id for d in docs_and_undated)
        for size in (3, 20):
            pages = [ix.search(Query(q="", size=size, page=p)) for p in range(1, 5)]
            assert [h.doc.id for page in pages for h in page.hits] == newest_ids, size

    # -- one document, one result (issue 11) ------------------------------------------------
    def test_identical_texts_are_one_result_undated_last(self, make_backend):
        """Copies of one text (another path, format, agency; one of them hidden) are one hit
        listing the copies the viewer may see; totals and facets count results; documents
        without a date sort last from new to old and from old to new. Samples only: this
        runs without the shared corpus."""
        law = "docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt"  # = xingzhengfa/lrb_02680
        a = sample_document(law, date=dt.date(2011, 10, 29))
        b = sample_document("docs/lawrefbook/xingzhengfa/lrb_02680.txt", fmt="html",
                            agency="公安部", date=dt.date(2011, 10, 29))  # fmt: skip
        hidden = dataclasses.replace(
            sample_document(law, doc_id="c" * 16, disclosure="draft"), path="draft/copy.txt"
        )
        dated = sample_document("docs/govcn_policy/govcn_002.txt", date=dt.date(2019, 1, 22))
        undated = sample_document("docs/annual_report/changshu_2008.txt", date=None)
        backend = make_backend()
        docs = [a, b, hidden, dated, undated]
        assert all(r.ok for r in backend.write(prepare(d, "samples") for d in docs))
        ix = SearchIndex(backend)
        assert a.text == b.text == hidden.text

        res = ix.search(Query(q='"居民身份证"'))
        assert res.total == 1 and len(res.hits) == 1
        hit = res.hits[0]
        others = {c.id: c for c in hit.copies}
        assert {hit.doc.id, *others} == {a.id, b.id}  # the hidden copy is not listed
        copy = others[b.id] if b.id in others else None
        if copy is not None:
            assert (copy.format, copy.path, copy.agency) == ("html", b.path, "公安部")
        agencies = {v.value: v.count for v in res.facets["agency"]}
        assert agencies == {"全国人民代表大会常务委员会": 1, "公安部": 1}
        assert {v.value: v.count for v in res.facets["category"]} == {"政策法规": 1}
        staff = ix.search(Query(q='"居民身份证"', viewer=STAFF))
        assert staff.total == 1 and len(staff.hits[0].copies) == 2
        paths = [c.path for c in staff.hits[0].copies]
        assert paths == sorted(paths)  # by path on both backends (QA pass 18: engine order)

        every = ix.search(Query(q="", size=10))
        assert every.total == 3 == len(every.hits)
        paged = [ix.search(Query(q="", size=1, page=p)).hits[0].doc.id for p in (1, 2, 3)]
        assert sorted(paged) == sorted(h.doc.id for h in every.hits)  # no copy twice
        for sort in ("date_desc", "date_asc"):
            order = [h.doc.id for h in ix.search(Query(q="", sort=sort)).hits]
            assert len(order) == 3 and order[-1] == undated.id, sort
            by_page = [ix.search(Query(q="", sort=sort, size=1, page=p)).hits[0].doc.id
                       for p in (1, 2, 3)]  # fmt: skip
            assert by_page == order, sort
        first = ix.search(Query(q="", sort="date_asc")).hits[0]
        assert first.doc.date == "2011-10-29" and len(first.copies) == 1

    def test_a_document_names_its_versions_and_its_copies(self, make_backend):
        """QA pass 22b: both versions of a revised law said 有效 and the document page named
        neither the other version nor the document's copies. Versions are one title and one
        issuer with another date, newest first; another issuer's text of that title is not one,
        nor is what the viewer may not see."""
        law = "docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt"
        old = sample_document(law, doc_id="1" * 16, date=dt.date(2011, 10, 29))
        copy = dataclasses.replace(
            sample_document(law, doc_id="2" * 16, fmt="html", date=dt.date(2011, 10, 29)),
            path="other/lrb_02404.html",
        )
        new = dataclasses.replace(
            sample_document(law, doc_id="3" * 16, date=dt.date(2023, 9, 1)),
            path="new/lrb_02404.txt", text=old.text + "\n第九十九条 本法自公布之日起施行。",
        )
        hidden = dataclasses.replace(
            sample_document(law, doc_id="4" * 16, date=dt.date(2025, 1, 1), disclosure="draft"),
            path="draft/lrb_02404.txt", text=old.text + "\n草稿",
        )
        elsewhere = dataclasses.replace(
            sample_document(law, doc_id="5" * 16, agency="公安部", date=dt.date(2015, 1, 1)),
            path="mps/lrb_02404.txt", text=old.text + "\n转发",
        )
        backend = make_backend()
        docs = [old, copy, new, hidden, elsewhere]
        assert all(r.ok for r in backend.write(prepare(d, "samples") for d in docs))
        ix = SearchIndex(backend)
        stored = ix.get(old.id)
        assert [v.id for v in ix.versions_of(stored)] == [new.id]
        assert [v.id for v in ix.versions_of(stored, STAFF)] == [hidden.id, new.id]
        assert [v.id for v in ix.versions_of(ix.get(new.id))] == [old.id]  # a copy is no version
        assert [(c.id, c.path, c.format) for c in ix.copies_of_document(stored)] == [
            (copy.id, copy.path, "html")
        ]
        assert ix.copies_of_document(ix.get(new.id)) == ()

    def test_a_version_whose_catalogue_names_no_issuer_is_its_places_issuers(self, make_backend):
        """QA pass 42b: the catalogue leaves the 2010 text of 上海市科学技术进步条例 without an
        issuer, beside the 上海市人大常委会's of 2024, and an empty issuer read as another
        issuer: the older text said no 已有更新版本 and neither listed the other (8 Shanghai
        regulations). An empty issuer is unknown; the title names its place, whose one issuer
        of the title issued it: both lists name the other, newest first."""
        shanghai = "docs/lawrefbook/difang_shanghai/"
        old, new = (corpus_document(f"{shanghai}lrb_0019{n}.txt") for n in (3, 4))
        assert (old.meta.agency, old.meta.date) == ("", dt.date(2010, 9, 17))
        assert new.meta.agency == "上海市人民代表大会常务委员会"
        assert new.meta.date == dt.date(2024, 5, 10)
        # BM25 ranks the older text first for 科学技术进步, so that newest first shows
        old = dataclasses.replace(old, text=old.text + "\n科学技术进步" * 8)
        others = [corpus_document(p) for p in sample_paths(8, seed=42)]
        backend = make_backend()
        assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in (old, new, *others)))
        ix = SearchIndex(backend)
        assert [v.id for v in ix.versions_of(ix.get(old.id))] == [new.id]
        assert [v.id for v in ix.versions_of(ix.get(new.id))] == [old.id]
        hits = ix.search(Query(q="科学技术进步", size=5)).hits
        ids = [h.doc.id for h in hits]
        assert ids.index(new.id) < ids.index(old.id), ids
        marked = {h.doc.id: h.newer_version for h in hits if h.newer_version}
        assert marked == {old.id: "2024-05-10"}, marked

    def test_same_titles_of_other_or_unknown_issuers_are_no_versions(self, make_backend):
        """QA pass 42b's boundary: one title from two known issuers is two texts (殡葬管理条例
        of the State Council, 2012, and 殯葬管理條例 of Taiwan's President, 2023), and a text
        of it without an issuer joins neither, since the title names no place. A title of a
        place two of its issuers hold leaves a text without one unknown too."""
        sc, tw = (corpus_document(p) for p in ("docs/lawrefbook/xingzheng_fagui/lrb_03187.txt",
                                               "docs/mojlaw/D0020040.txt"))  # fmt: skip
        assert (sc.meta.agency, tw.meta.agency) == ("国务院", "總統")
        shanghai = "docs/lawrefbook/difang_shanghai/"
        unknown = corpus_document(f"{shanghai}lrb_00156.txt", title="殡葬管理条例",
                                  publish_date=dt.date(2000, 1, 1))  # fmt: skip
        old, new = (corpus_document(f"{shanghai}lrb_0019{n}.txt") for n in (3, 4))
        # another issuer of Shanghai with that title (a text of its own, as a catalogue may say)
        city = corpus_document(f"{shanghai}lrb_00033.txt", title=new.meta.title,
                               agency="上海市人民政府",
                               publish_date=dt.date(2015, 3, 1))  # fmt: skip
        backend = make_backend()
        docs = (sc, tw, unknown, old, new, city)
        assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in docs))
        ix = SearchIndex(backend)
        for d in docs:
            assert ix.versions_of(ix.get(d.id)) == (), d.path
        for q in ("殡葬管理条例", "上海市科学技术进步条例", '"基础研究"'):
            hits = ix.search(Query(q=q, size=10)).hits
            assert not any(h.newer_version for h in hits), [(h.doc.path, h.newer_version)
                                                            for h in hits]  # fmt: skip
        # ... and the first results read the place's issuers beyond themselves, as the page does:
        # "基础研究" finds the 2010 and 2024 texts, not the city's
        assert {h.doc.id for h in ix.search(Query(q='"基础研究"')).hits} == {old.id, new.id}

    def test_tied_copies_are_shown_as_the_same_file_whatever_the_write_order(self, make_backend):
        """QA pass 3: copies of one text tie on every sort; the engines break ties in their own
        storage order, so one backend showed the TXT and the other the PDF. Among tied copies
        the smallest id is the hit, on both backends, written in either order."""
        law = "docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt"
        day = dt.date(2011, 10, 29)
        a = sample_document(law, doc_id="e" * 16, date=day)
        b = dataclasses.replace(sample_document(law, doc_id="8" * 16, fmt="pdf", date=day),
                                path="files/original/lrb_02404.pdf")  # fmt: skip
        other = sample_document("docs/govcn_policy/govcn_002.txt", date=dt.date(2019, 1, 22))
        for order in ([a, b, other], [b, a, other], [other, a, b]):
            backend = make_backend()
            assert all(r.ok for r in backend.write(prepare(d, "samples") for d in order))
            ix = SearchIndex(backend)
            for q, sort in (('"居民身份证"', "relevance"), ("", "relevance"),
                            ("", "date_desc"), ("", "date_asc")):  # fmt: skip
                res = ix.search(Query(q=q, sort=sort))
                hit = next(h for h in res.hits if h.doc.id in (a.id, b.id))
                assert hit.doc.id == b.id, (order.index(a), q, sort)
                assert [c.id for c in hit.copies] == [a.id]

    def test_copies_written_apart_are_shown_as_the_smallest_id(self, make_backend):
        """QA pass 18b: four copies of one text, written by two ingests, scored 250.3118 and
        250.31178 on the embedded backend (float sums in two segments), and which copy a long
        query showed changed with the query's length, where Elasticsearch showed the smallest
        id. Within the engines' float noise copies tie."""
        law = "docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt"
        copies = [
            dataclasses.replace(sample_document(law, doc_id=f"{n:x}" * 16), path=f"f{n}/a.txt")
            for n in (9, 3, 12, 6)
        ]
        laws = sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.glob("docs/lawrefbook/*/*.txt"))
        fill = [sample_document(p) for p in laws[:40] if "02404" not in p and "02680" not in p]
        backend = make_backend()
        for batch in ([copies[0], *fill[:10]], [copies[1]], [*fill[10:25], copies[2]],
                      [copies[3], *fill[25:]]):  # fmt: skip
            assert all(r.ok for r in backend.write(prepare(d, "samples") for d in batch))
        ix = SearchIndex(backend)
        text = "".join(copies[0].text.split())
        smallest = min(c.id for c in copies)
        for n in (20, 40, 70, 100, 150, 300):
            hit = ix.search(Query(q=text[:n])).hits[0]
            assert hit.doc.id == smallest, n
            assert len(hit.copies) == 3, n

    def test_a_joint_issuers_facet_counts_copies_once(self, make_backend):
        """QA pass 16: two copies of a text 最高人民法院、最高人民检察院 issued together were one
        result, but each issuer's facet value counted both (the copies were counted off the
        joint name only), so 最高人民检察院 said 3 where its link found 2. Also with the agency
        written in the other script on one copy."""
        law = "docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt"
        joint = "最高人民法院、最高人民检察院"
        a = sample_document(law, doc_id="e" * 16, agency=joint)
        b = dataclasses.replace(sample_document(law, doc_id="8" * 16, fmt="pdf",
                                                agency="最高人民法院、最高人民檢察院"),
                                path="files/original/lrb_02404.pdf")  # fmt: skip
        own = sample_document("docs/govcn_policy/govcn_002.txt", agency="最高人民检察院")
        backend = make_backend()
        assert all(r.ok for r in backend.write(prepare(d, "samples") for d in (a, b, own)))
        ix = SearchIndex(backend)
        res = ix.search(Query(q=""))
        assert res.total == 2
        facet = {v.value: v.count for v in res.facets["agency"]}
        for issuer in ("最高人民检察院", "最高人民法院"):
            found = ix.search(Query(q="", agencies=(issuer,))).total
            assert facet[issuer] == found, (issuer, facet)
        assert facet["最高人民检察院"] == 2 and facet["最高人民法院"] == 1 and facet[joint] == 1
        # undated, the copies count once under 0 too (QA pass 27b: the facet said 3, its link 2)
        years = {v.value: v.count for v in res.facets["year"]}
        assert years == {"0": 2} and ix.search(Query(q="", years=(0,))).total == 2

    def test_a_table_read_in_another_order_is_still_one_text(self, make_backend, tmp_path):
        """The 洪泽区 2023 annual report as its TXT and as the original published PDF: the PDF
        reads the statistics tables cell by cell in another order (shingle resemblance 0.76),
        yet it is one text, so one result listing the other file."""
        folder = tmp_path / "archive"
        folder.mkdir()
        shutil.copy(SAMPLES / "docs/annual_report/hongze_2023.txt", folder / "report.txt")
        shutil.copy(SAMPLES / "files/original/hongze_2023_original.pdf", folder / "report.pdf")
        shutil.copy(SAMPLES / "docs/annual_report/hongze_2024.txt", folder / "next.txt")
        ix = SearchIndex(make_backend())
        assert len(run_ingest(ix, [folder], workers=1).ok) == 3
        res = ix.search(Query(q="洪泽区 政府信息公开 年度报告", size=10))
        assert res.total == 2, [h.doc.path for h in res.hits]
        by_path = {h.doc.path: h for h in res.hits}
        assert "next.txt" in by_path and not by_path["next.txt"].copies  # the next year's
        (report,) = (h for p, h in by_path.items() if p != "next.txt")
        assert {report.doc.path, *(c.path for c in report.copies)} == {"report.txt", "report.pdf"}

    def test_a_group_of_copies_is_shown_as_the_copy_that_says_most(self, make_backend, tmp_path):
        """QA pass 9: the published PDF of an annual report, titled 政府信息公开工作年度报告 with
        no agency or date, matched a query on its own title best and stood for the report's
        catalogued TXT: the result said 未注明 and sat under year 0. The copy with a catalogue
        row is shown, whatever copy ranks best, on both backends."""
        folder = tmp_path / "archive"
        folder.mkdir()
        shutil.copy(SAMPLES / "docs/annual_report/hongze_2023.txt", folder / "report.txt")
        shutil.copy(SAMPLES / "files/original/hongze_2023_original.pdf", folder / "report.pdf")
        csv = folder / "catalog.csv"
        csv.write_text("path,标题,发布机构,发布日期\nreport.txt,淮安市洪泽区2023年政府信息公开工作"
                       "年度报告,淮安市洪泽区人民政府,2024-01-20\n", encoding="utf-8")  # fmt: skip
        ix = SearchIndex(make_backend())
        assert len(run_ingest(ix, [folder], catalog=csv, workers=1).ok) == 2
        pdf = _by_path(ix, "report.pdf")
        for q in (pdf.title, "政府信息公开工作年度报告", ""):
            [hit] = ix.search(Query(q=q, size=10)).hits
            assert hit.doc.path == "report.txt" and [c.path for c in hit.copies] == ["report.pdf"]
            assert hit.doc.agency == "淮安市洪泽区人民政府"

    # -- visibility ------------------------------------------------------------------------
    def test_catalog_lists_every_document_without_text(self, index, documents):
        staff = {d.id: d for d in index.catalog(STAFF)}
        assert set(staff) == {d.id for d in documents}
        for d in documents:
            got = staff[d.id]
            assert (got.path, got.title, got.agency, got.category, got.disclosure) == (
                d.path, d.meta.title, d.meta.agency, d.meta.category, d.meta.disclosure
            )
            assert got.publish_date == (d.meta.publish_date.isoformat() if d.meta.publish_date
                                        else "")
            assert got.text == ""
        public = {d.id for d in index.catalog(ANONYMOUS)}
        assert public == {d.id for d in documents if d.meta.disclosure == "public"}

    def test_every_staff_facet_of_the_table_is_counted(self, make_backend, documents):
        """QA pass 8: text_source, a staff facet of the field table, was never indexed, so
        /api/stats answered {} for it although a scan had been recognised."""
        scan = dataclasses.replace(documents[0], id="5" * 16, path="scan.pdf", text_source="ocr")
        backend = make_backend()
        docs = [*documents[1:4], scan]
        written = list(backend.write(prepare(d, "corpus") for d in docs))
        assert all(r.ok for r in written), [r for r in written if not r.ok]
        index = SearchIndex(backend)
        try:
            facets = index.stats(STAFF)["facets"]
            assert facets["text_source"] == {"text": 3, "ocr": 1}
            assert all(facets[f] for f in STAFF_FACET_FIELDS), facets
        finally:
            backend.close()

    def test_non_public_documents_are_invisible_to_anonymous(self, index, documents):
        hidden = [d for d in documents if d.meta.disclosure != "public"]
        for q in (CANARY, f'"{CANARY}"', CANARY[:4], hidden[0].meta.title):
            res = index.search(Query(q=q, size=50))
            assert all(h.doc.disclosure == "public" for h in res.hits)
            shown = res.to_dict()
            assert CANARY not in str(shown["hits"]) + str(shown["facets"])
            # (nothing, or public documents holding fewer of its many words: FEWER_WORDS_FROM)
            assert res.total == 0 or q == hidden[0].meta.title or res.understood.fewer_than
        staff = index.search(Query(q=f'"{CANARY}"', viewer=STAFF))
        assert {h.doc.id for h in staff.hits} == {d.id for d in hidden}
        assert "disclosure" not in index.stats()["facets"]
        staff_levels = index.stats(STAFF)["facets"]["disclosure"]
        assert staff_levels == {
            level: sum(1 for d in documents if d.meta.disclosure == level)
            for level in {d.meta.disclosure for d in documents}
        }
        anon_total = index.search(Query(q="")).total
        assert anon_total == len(documents) - len(hidden)
        assert index.search(Query(q="", viewer=STAFF)).total == len(documents)
        for d in hidden:
            with pytest.raises(Exception) as err:
                index.get(d.id, ANONYMOUS)
            assert getattr(err.value, "code", None) == "not_found"
            assert index.get(d.id, STAFF).id == d.id
        assert all(h.disclosure == "public" for h in [
            index.get(h.doc.id) for h in index.search(Query(q="")).hits
        ])
        for title in index.suggest(hidden[0].meta.title[:4], ANONYMOUS):
            assert title != hidden[0].meta.title or any(
                d.meta.title == title and d.meta.disclosure == "public" for d in documents
            )

    def test_suggested_words_are_in_the_script_typed(self, make_backend):
        """QA pass 4: a reader typing traditional got the index's (simplified) words, and a tap
        on one turned the ranking to the mainland's documents. Words come in the script typed;
        titles stay as the documents write them."""
        backend = make_backend()
        law = sample_document("docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt")
        assert all(r.ok for r in backend.write([prepare(law, "samples")]))
        ix = SearchIndex(backend)
        typed_traditional = ix.suggest("公安機", ANONYMOUS)
        assert "公安機關" in typed_traditional and "公安机关" not in typed_traditional
        assert "公安机关" in ix.suggest("公安机", ANONYMOUS)
        assert "戶口簿" in ix.suggest("戶口", ANONYMOUS)
        assert law.meta.title in ix.suggest("居民", ANONYMOUS)  # a title as written

    def test_titles_in_the_script_typed_are_suggested_first(self, make_backend):
        """QA pass 36a: 劳动 was completed with two Taiwan titles first, 個人 with a mainland
        one, where search ranks the typed script's side ahead."""
        backend = make_backend()
        law = sample_document("docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt")
        titles = {"traditional": "勞動部勞動基金運用局組織法", "simplified": "劳动保障监察条例"}
        docs = [
            dataclasses.replace(law, id=f"{n:016x}", path=f"{n}.txt",
                                meta=dataclasses.replace(law.meta, title=title))
            for n, title in enumerate(titles.values())
        ]  # fmt: skip
        assert all(r.ok for r in backend.write(prepare(d, "samples") for d in docs))
        ix = SearchIndex(backend)
        assert ix.suggest("劳动", ANONYMOUS)[0] == titles["simplified"]
        assert ix.suggest("勞動", ANONYMOUS)[0] == titles["traditional"]

    def test_a_title_the_letters_meet_inside_comes_after_the_words(self, make_backend):
        """QA pass 49d: jiabao (家暴) at the kiosk listed two letters naming 温家宝 first; gjj
        listed titles whose initials begin so before 公积金. Titles whose pinyin the letters
        begin come first, the words then, and titles met inside or by initials after them."""
        backend = make_backend()
        law = sample_document("docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt")
        docs = [
            dataclasses.replace(law, id=f"{n:016x}", path=f"{n}.txt", text=text,
                                meta=dataclasses.replace(law.meta, title=title))
            for n, (title, text) in enumerate([
                ("关于温家宝总理考察工作时所提问题的函", "家暴应当及时制止。" * 3),
                ("国家机密保护办法", "公积金按月缴存。" * 3),
            ])
        ]  # fmt: skip
        assert all(r.ok for r in backend.write(prepare(d, "samples") for d in docs))
        ix = SearchIndex(backend)
        ix.lexicon.wait()
        assert ix.suggest("jiabao", ANONYMOUS)[0] == "家暴"
        assert ix.suggest("gjj", ANONYMOUS)[0] == "公积金"

    def test_a_document_without_a_title_is_no_suggestion(self, make_backend):
        """QA pass 18: a scan OCR could not name was suggested as an empty line, whose tap ran
        an empty search."""
        backend = make_backend()
        law = sample_document("docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt")
        untitled = dataclasses.replace(law, id="f" * 16, path="scans/a.png", format="image",
                                       meta=dataclasses.replace(law.meta, title=""))  # fmt: skip
        assert all(r.ok for r in backend.write([prepare(untitled, "samples")]))
        ix = SearchIndex(backend)
        assert ix.search(Query(q="居民身份证")).total == 1
        for typed in ("居民", "jumin", "jmsfz", "shenfenzheng"):
            assert all(s.strip() for s in ix.suggest(typed, ANONYMOUS)), typed

    def test_titles_spaced_apart_are_one_suggestion(self, make_backend):
        """QA pass 37b: a typed copy titled with a double space and its scan with a single one
        were offered as two suggestions that looked the same."""
        backend = make_backend()
        law = sample_document("docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt")
        title = law.meta.title
        spaced = title[:4] + "  " + title[4:]
        scan = dataclasses.replace(law, id="f" * 16, path="scans/a.png", format="image",
                                   text=law.text + "\n（扫描件）",
                                   meta=dataclasses.replace(law.meta, title=title[:4] + " " +
                                                            title[4:]))  # fmt: skip
        typed = dataclasses.replace(law, meta=dataclasses.replace(law.meta, title=spaced))
        assert all(r.ok for r in backend.write(prepare(d, "samples") for d in (typed, scan)))
        ix = SearchIndex(backend)
        got = [t for t in ix.suggest(title[:2], ANONYMOUS) if title[4:] in t]
        assert len(got) == 1, got

    # -- display ---------------------------------------------------------------------------
    def test_snippets_are_escaped_and_marked(self, index):
        res = index.search(Query(q="人民法院"))
        assert res.hits
        for h in res.hits:
            assert "<mark>" in h.snippet or "<mark>" in h.title_html
            stripped = h.snippet.replace("<mark>", "").replace("</mark>", "")
            assert "<" not in stripped

    def test_snippet_marks_a_match_deep_in_the_text(self, index, documents):
        # A phrase first found thousands of characters in: every backend's snippet marks it
        # (Elasticsearch keeps no normalised copy, and its snippets once looked only at the
        # first 3,200 characters).
        checked = 0
        for d in documents:
            if d.meta.disclosure != "public" or len(d.text) < 5000:
                continue
            norm = normalize(d.text)
            for start in range(3600, min(len(d.text) - 4, 8000), 211):
                phrase = norm[start : start + 4]
                if re.fullmatch(r"[\u4e00-\u9fff]{4}", phrase) and norm.find(phrase) >= 3400:
                    break
            else:
                continue
            hits = [h for h in _all_hits(index, f'"{phrase}"') if h.doc.id == d.id]
            assert hits, phrase
            assert "<mark>" in hits[0].snippet, (d.path, phrase, hits[0].snippet[:80])
            checked += 1
            if checked == 5:
                break
        assert checked >= 3

    def test_empty_result_has_every_facet_empty(self, index):
        res = index.search(Query(q='"瓜达尔卡纳尔岛屿"'))
        assert res.total == 0
        assert res.to_dict()["facets"] == {f: [] for f in FACET_FIELDS}

    def test_constant_score_matches_like_its_node_and_scores_its_constant(self, index):
        # A bonus for a property most documents share (validity) must not go through BM25's
        # IDF; a Constant node matches exactly what its node matches and scores its constant.
        backend = index.backend
        word = Term("body_w", "规定")
        plain = backend.search(Plan(query=word), limit=1000)
        const = backend.search(Plan(query=Constant(word, 2.5)), limit=1000)
        assert plain.total == const.total > 1
        assert {h.id for h in const.hits} == {h.id for h in plain.hits}
        assert all(h.score == pytest.approx(2.5) for h in const.hits)
        # as a should clause it adds exactly its constant to the documents it matches
        cats = index.search(Query(q="", size=1)).facets["category"]
        category = cats[len(cats) // 2].value
        kind = Term("category", category)
        kinds = {h.id for h in backend.search(Plan(query=word, filters=(kind,)), limit=1000).hits}
        assert 0 < len(kinds) < plain.total
        boosted = Bool(must=(word,), should=(Constant(kind, 100.0),))
        bonus = backend.search(Plan(query=boosted), limit=1000)
        assert {h.id for h in bonus.hits} == {h.id for h in plain.hits}
        before = {h.id: h.score for h in plain.hits}
        for h in bonus.hits:
            assert h.score == pytest.approx(before[h.id] + (100.0 if h.id in kinds else 0.0))
        assert {h.id for h in bonus.hits[: len(kinds)]} == kinds

    def test_fused_plan_ranks_the_candidates_then_the_word_matches_in_their_order(self, index):
        # The semantic leg's plan (search_index.semantic): candidates by their fused constants,
        # then the word plan's other matches in their own order, all under the plan's filters.
        backend = index.backend
        word = Plan(query=Term("body_w", "规定"))
        plain = backend.search(word, limit=1000)
        matched = [h.id for h in plain.hits]
        everything = [h.id for h in backend.search(Plan(query=MatchAll()), limit=1000).hits]
        others = [i for i in everything if i not in set(matched)]
        assert len(matched) > 20 and len(others) >= 2
        leg = [matched[3], others[0], others[1]]
        scores = semantic.fuse(matched[:5], leg)
        fused = backend.search(semantic.fused_plan(word, scores), limit=1000)
        ids = [h.id for h in fused.hits]
        assert fused.total == len(set(matched) | set(leg)) == len(ids)
        assert ids[: len(scores)] == sorted(scores, key=lambda i: -scores[i])
        assert ids[0] == matched[3]  # in both rankings: first
        # second in the leg alone: level with the words' second, and the tie goes to the words
        assert ids.index(others[0]) == ids.index(matched[1]) + 1
        before = {h.id: h.score for h in plain.hits}
        tail = [before[i] for i in ids[len(scores) :]]
        # in their order: equal scores (within float noise) in id order, as on Elasticsearch
        assert all(a >= b * (1 - 1e-5) for a, b in zip(tail, tail[1:], strict=False))
        # the filters still decide: a candidate of another category is not admitted
        category = next(d.category for d in backend.fetch([others[0]], texts=False).values())
        other_kind = Term("category", category)
        kept = backend.search(
            semantic.fused_plan(Plan(query=word.query, filters=(Bool(must_not=(other_kind,),
                                                                     should=(MatchAll(),)),)),
                                scores), limit=1000)  # fmt: skip
        assert others[0] not in {h.id for h in kept.hits}
        assert matched[0] in {h.id for h in kept.hits} or matched[0] in {
            h.id for h in backend.search(Plan(query=other_kind), limit=1000).hits
        }

    def test_feedback_and_validity_bonus_keep_the_match_set(self, index):
        # pseudo-relevance feedback and the validity bonus only reorder, on every backend
        before = citizen_words.METHODS
        try:
            for q in ("规定 工作", "人民政府 通知", "条例", "管理办法 2019"):
                citizen_words.use(dataclasses.replace(before, prf=False, validity=False))
                off = _all_hits(index, q)
                citizen_words.use(dataclasses.replace(before, prf=True, validity=True))
                on = _all_hits(index, q)
                assert off and {h.doc.id for h in on} == {h.doc.id for h in off}
        finally:
            citizen_words.use(before)

    def test_fetch_returns_original_text(self, index, documents):
        d = documents[3]
        got = index.get(d.id, STAFF)
        assert got.text == d.text and got.title == d.meta.title and got.path == d.path

    def test_fetch_without_texts_gives_the_same_metadata(self, index, documents):
        ids = [d.id for d in documents[:4]]
        whole = index.backend.fetch(ids)
        meta_only = index.backend.fetch(ids, texts=False)
        assert set(meta_only) == set(whole) == set(ids)
        for i in ids:
            assert meta_only[i].text == ""
            restored = dataclasses.replace(
                meta_only[i], text=whole[i].text, normalized=whole[i].normalized
            )
            assert restored == whole[i]

    # -- ingest decisions (issue 10 part A): the same on every backend ----------------------
    def test_reclassifying_applies_on_the_next_ingest(self, make_backend, tmp_path):
        """Bytes unchanged, catalogue row changed to 不予公开: the next ingest applies it (and
        a second run with nothing changed is a no-op again)."""
        folder = _folder(tmp_path / "archive", 3)
        ix = SearchIndex(make_backend())
        csv = tmp_path / "archive" / "catalog.csv"
        csv.write_text("path,公开方式\na.txt,主动公开\n", encoding="utf-8")
        first = run_ingest(ix, [folder], catalog=csv, workers=1)
        assert len(first.ok) == 3 and not first.failed
        a = _by_path(ix, "a.txt")
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 3
        csv.write_text("path,公开方式\na.txt,不予公开\n", encoding="utf-8")
        second = run_ingest(ix, [folder], catalog=csv, workers=1)
        assert second.ok == ["a.txt"] and second.unchanged == 2
        assert ix.get(a.id, STAFF).disclosure == "not_public"
        assert a.id not in {h.doc.id for h in ix.search(Query(q="", viewer=ANONYMOUS)).hits}
        third = run_ingest(ix, [folder], catalog=csv, workers=1)
        assert third.ok == [] and third.unchanged == 3
        # the default level is a decision too
        fourth = run_ingest(
            ix, [folder], catalog=csv, default_disclosure="on_request", workers=1
        )
        assert sorted(fourth.ok) == ["b.txt", "c.txt"] and fourth.unchanged == 1
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 0

    def test_an_ingest_without_the_catalogue_keeps_what_it_decided(self, make_backend, tmp_path):
        """A forgotten --catalog (or the API's ingest, which takes none) published 依申请公开
        files at the folder's level and turned 废止 back into 有效 (QA pass 5); the catalogued
        versions stay, each reported, until a catalogue row applies again."""
        folder = _folder(tmp_path / "archive", 3)
        ix = SearchIndex(make_backend())
        csv = folder / "catalog.csv"
        csv.write_text(
            "path,公开方式,有效性\na.txt,依申请公开,有效\nb.txt,主动公开,废止\n", encoding="utf-8"
        )
        run_ingest(ix, [folder], catalog=csv, workers=1)
        levels = {d.path: (d.disclosure, d.validity) for d in _stored(ix)}
        assert levels == {
            "a.txt": ("on_request", "valid"), "b.txt": ("public", "repealed"),
            "c.txt": ("public", "valid"),
        }  # fmt: skip
        again = run_ingest(ix, [folder], workers=1)
        assert {d.path: (d.disclosure, d.validity) for d in _stored(ix)} == levels
        kept = {s.path: s.reason for s in again.skipped if "kept as catalogued" in s.reason}
        assert set(kept) == {"a.txt", "b.txt"} and f"--catalog {csv}" in kept["a.txt"]
        assert again.ok == [] and again.unchanged == 1  # c.txt: no row, nothing changed
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 2
        # the catalogue again: nothing to do; a row changed: applied; a row gone: kept
        assert run_ingest(ix, [folder], catalog=csv, workers=1).unchanged == 3
        csv.write_text("path,公开方式\na.txt,主动公开\n", encoding="utf-8")
        changed = run_ingest(ix, [folder], catalog=csv, workers=1)
        assert changed.ok == ["a.txt"]
        assert [s.path for s in changed.skipped if "kept as catalogued" in s.reason] == ["b.txt"]
        levels = {d.path: (d.disclosure, d.validity) for d in _stored(ix)}
        assert levels["a.txt"] == ("public", "valid") and levels["b.txt"] == ("public", "repealed")

    def test_an_ingest_that_names_no_level_publishes_nothing_held(self, make_backend, tmp_path):
        """QA pass 23b: ``--disclosure 依申请公开``, then the same folder without the flag,
        published the file (exit 0); so did a ``GOVSEARCH_DEFAULT_DISCLOSURE=draft`` ingest
        followed by a plain one. A level named for the ingest applies; the default does not
        publish what the index holds hidden, and the report says how to publish it."""
        folder = _folder(tmp_path / "archive", 2)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [folder], default_disclosure="on_request", disclosure_given=True,
                   workers=1)  # fmt: skip
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 0
        for default in ("public", "draft"):  # a standing default: not a decision
            again = run_ingest(ix, [folder], default_disclosure=default, workers=1)
            # in the index, held: held back, as the run that wrote them said (QA pass 42a)
            held = {s.path for s in again.held if "--disclosure public" in s.reason}
            if default == "public":
                assert held == {"a.txt", "b.txt"} and again.ok == []
            assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 0, default
        (folder / "a.txt").write_text((folder / "a.txt").read_text() + "改", encoding="utf-8")
        changed = run_ingest(ix, [folder], workers=1)
        assert [f.path for f in changed.not_updated] == ["a.txt"] and changed.failed
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 0
        # QA pass 23c: a catalogue given to fix titles, whose rows give no level (no column, or
        # an empty cell), is no decision to publish either; its row waits for a level
        for head, row in (("path,title", "a.txt,某标题"), ("path,title,公开方式", "a.txt,某标题,")):
            csv = tmp_path / "titles.csv"
            csv.write_text(f"{head}\n{row}\n".replace("a.txt", "archive/a.txt"),
                           encoding="utf-8")  # fmt: skip
            fixed = run_ingest(ix, [folder], catalog=csv, workers=1)
            assert [f.path for f in fixed.not_updated] == ["a.txt"], head
            assert "gives it a level" in fixed.not_updated[0].reason
            assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 0, head
        named = run_ingest(ix, [folder], default_disclosure="public", disclosure_given=True,
                           workers=1)  # fmt: skip
        assert sorted(named.ok) == ["a.txt", "b.txt"]
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 2

    def test_a_file_renamed_keeps_the_level_the_index_held_its_text_at(
        self, make_backend, tmp_path
    ):
        """QA pass 24a: a restricted file renamed was reported as moved and written at the
        default level, published. Its text keeps its level until an ingest names one."""
        folder = _folder(tmp_path / "archive", 2)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [folder], default_disclosure="on_request", disclosure_given=True,
                   workers=1)  # fmt: skip
        (folder / "a.txt").rename(folder / "a-final.txt")
        moved = run_ingest(ix, [folder], workers=1)
        said = {h.path: h.reason for h in moved.held}  # b.txt: held where it was
        assert sorted(said) == ["a-final.txt", "b.txt"] and len(moved.moved) == 1
        assert "the index holds this text as a.txt (依申请公开)" in said["a-final.txt"]
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 0
        assert {d.path: d.disclosure for d in ix.catalog(STAFF)} == {
            "a-final.txt": "on_request", "b.txt": "on_request"}  # fmt: skip
        run_ingest(ix, [folder], default_disclosure="public", disclosure_given=True, workers=1)
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 2

    def test_a_file_renamed_and_edited_keeps_the_level_of_the_text_it_nearly_copies(
        self, make_backend, tmp_path
    ):
        """QA pass 24c: a restricted file renamed *and* edited (a line added, a word changed)
        no longer had the held text's key and was published. A near copy of a hidden text
        keeps its level; a new text unlike any hidden one takes the default."""
        folder = _folder(tmp_path / "archive", 1)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [folder], default_disclosure="not_public", disclosure_given=True,
                   workers=1)  # fmt: skip
        text = (folder / "a.txt").read_text(encoding="utf-8")
        (folder / "a.txt").unlink()
        middle = len(text) // 2
        edited = text[:middle] + "（本段已修订）" + text[middle:] + "\n附：修订说明。\n"
        (folder / "a-修订稿.txt").write_text(edited, encoding="utf-8")
        other = _folder(tmp_path / "other", 1, offset=4) / "a.txt"
        shutil.copy(other, folder / "new.txt")
        report = run_ingest(ix, [folder], workers=1)
        assert [h.path for h in report.held] == ["a-修订稿.txt"], report.held
        assert "a near copy of this text (" in report.held[0].reason
        assert "as a.txt (不予公开)" in report.held[0].reason
        levels = {d.path: d.disclosure for d in ix.catalog(STAFF)}
        assert levels == {"a.txt": "not_public", "a-修订稿.txt": "not_public",
                          "new.txt": "public"}, levels  # fmt: skip
        assert [h.doc.path for h in ix.search(Query(q="", viewer=ANONYMOUS)).hits] == ["new.txt"]
        run_ingest(ix, [folder], default_disclosure="public", disclosure_given=True, workers=1)
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 2

    def test_a_file_the_catalogue_held_stays_held_without_the_catalogue(
        self, make_backend, tmp_path
    ):
        """QA pass 12: a file held as not_public because a row nearly named it (another letter
        case, another folder) was published by the next ingest without --catalog."""
        folder = _folder(tmp_path / "archive", 3)
        ix = SearchIndex(make_backend())
        csv = tmp_path / "catalog.csv"
        csv.write_text("path,公开方式\narchive/A.txt,不予公开\narchive/b.txt,主动公开\n",
                       encoding="utf-8")  # fmt: skip
        first = run_ingest(ix, [folder], catalog=csv, workers=1)
        assert [h.path for h in first.held] == ["a.txt"], first.held
        held = _by_path(ix, "a.txt")
        assert ix.get(held.id, STAFF).disclosure == "not_public"
        for default in ({}, {"default_disclosure": "public"}):
            again = run_ingest(ix, [folder], workers=1, **default)
            assert ix.get(held.id, STAFF).disclosure == "not_public"
            kept = [s.path for s in again.skipped if "kept as catalogued" in s.reason]
            assert kept == ["a.txt"] or "a.txt" not in again.ok, (again.ok, again.skipped)
        assert held.id not in {h.doc.id for h in ix.search(Query(q="", viewer=ANONYMOUS)).hits}
        # a row that names it exactly applies
        csv.write_text("path,公开方式\narchive/a.txt,主动公开\n", encoding="utf-8")
        assert "a.txt" in run_ingest(ix, [folder], catalog=csv, workers=1).ok
        assert ix.get(held.id, STAFF).disclosure == "public"

    def test_file_moved_into_not_public_folder_is_withdrawn(self, make_backend, tmp_path):
        folder = _folder(tmp_path / "archive", 2)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [folder], workers=1)
        (folder / "not_public").mkdir()
        os.rename(folder / "a.txt", folder / "not_public" / "a.txt")
        report = run_ingest(ix, [folder], workers=1)  # no --prune
        assert report.ok == ["not_public/a.txt"]
        assert [m.split(" → ")[0] for m in report.moved] == ["a.txt"]
        assert {d.path: d.disclosure for d in _stored(ix)} == {
            "b.txt": "public", "not_public/a.txt": "not_public",
        }  # fmt: skip
        assert ix.search(Query(q="", viewer=ANONYMOUS)).total == 1

    def test_an_old_id_leads_to_the_document_where_its_file_went(self, make_backend, tmp_path):
        """QA pass 42b: ids come from the folder's name and the file's path, so a folder
        renamed broke every link cited to its documents. The old id now answers "moved", with
        the id now, through renames of renames; a move into a 不予公开 folder says nothing
        more to the public than an id never used."""
        first = _folder(tmp_path / "archive_2024", 2)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [first], workers=1)
        old = {d.path: d.id for d in _stored(ix)}
        second = tmp_path / "archive"
        os.rename(first, second)
        assert len(run_ingest(ix, [second], workers=1).moved) == 2
        now = {d.path: d.id for d in _stored(ix)}
        assert set(now.values()).isdisjoint(old.values())
        for path in ("a.txt", "b.txt"):
            with pytest.raises(Moved) as got:
                ix.get(old[path], ANONYMOUS)
            assert got.value.data == {"id": old[path], "moved_to": now[path]}
            assert ix.get(now[path], ANONYMOUS).path == path  # the new id itself answers
        third = tmp_path / "归档"
        os.rename(second, third)
        (third / "not_public").mkdir()
        os.rename(third / "a.txt", third / "not_public" / "a.txt")
        run_ingest(ix, [third], workers=1)
        last = {d.path: d.id for d in _stored(ix)}
        with pytest.raises(Moved) as got:
            ix.get(old["b.txt"].upper(), ANONYMOUS)  # two moves on, the id as a tool wrote it
        assert got.value.data["moved_to"] == last["b.txt"]
        for viewer in (ANONYMOUS, STAFF):
            for gone in (old["a.txt"], now["a.txt"]):
                if viewer is STAFF:
                    with pytest.raises(Moved) as got:
                        ix.get(gone, viewer)
                    assert got.value.data["moved_to"] == last["not_public/a.txt"]
                else:
                    with pytest.raises(NotFound) as got:
                        ix.get(gone, viewer)
                    assert type(got.value) is NotFound
        ix.delete([last["b.txt"]])  # withdrawn: its old ids lead nowhere
        with pytest.raises(NotFound) as got:
            ix.get(old["b.txt"], STAFF)
        assert type(got.value) is NotFound
        assert ix.backend.moved([old["a.txt"], "0" * 16]) == {old["a.txt"]: now["a.txt"]}

    def test_prune_reports_a_move_as_moved_and_a_deletion_as_removed(self, make_backend, tmp_path):
        folder = _folder(tmp_path / "archive", 3)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [folder], workers=1)
        ids = {d.path: d.id for d in _stored(ix)}
        (folder / "not_public").mkdir()
        os.rename(folder / "a.txt", folder / "not_public" / "a.txt")
        (folder / "c.txt").unlink()
        report = run_ingest(ix, [folder], workers=1, prune=True)
        assert report.moved == ["a.txt → not_public/a.txt"]
        assert report.pruned == [ids["c.txt"]]  # before: both ids, the move among the removed
        assert "moved (the old document removed):" in report.summary()
        assert {d.path for d in _stored(ix)} == {"b.txt", "not_public/a.txt"}

    def test_a_file_gone_without_prune_is_said_to_stay_searchable(self, make_backend, tmp_path):
        """QA pass 23b: a withdrawn file, deleted from its folder, stayed published after the
        next ingest, which said nothing of it. Without --prune it stays, and the report says
        so; a run given one file of the folder does not look through the others."""
        folder = _folder(tmp_path / "archive", 3)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [folder], workers=1)
        (folder / "c.txt").unlink()
        one = run_ingest(ix, [folder / "a.txt"], workers=1)
        assert one.gone == []
        report = run_ingest(ix, [folder], workers=1)
        assert [g.path for g in report.gone] == ["c.txt"] and "--prune" in report.gone[0].reason
        assert "1 gone from disk, still in the index" in report.summary()
        assert report.to_dict()["gone_files"][0]["path"] == "c.txt"
        assert {d.path for d in _stored(ix)} == {"a.txt", "b.txt", "c.txt"}
        pruned = run_ingest(ix, [folder], workers=1, prune=True)
        assert len(pruned.pruned) == 1 and pruned.gone == []
        assert {d.path for d in _stored(ix)} == {"a.txt", "b.txt"}

    def test_two_folders_with_one_name_do_not_replace_each_other(self, make_backend, tmp_path):
        x = _folder(tmp_path / "x" / "docs", 2)
        y = _folder(tmp_path / "y" / "docs", 2, offset=5)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [x], workers=1)
        before = {d.id: (d.source, d.text) for d in _stored(ix)}
        report = run_ingest(ix, [y], workers=1)
        assert report.ok == [] and len(report.failed) == 2
        assert all("another folder named 'docs'" in f.reason for f in report.failed)
        assert {d.id: (d.source, d.text) for d in _stored(ix)} == before
        # a moved archive (the old folder is gone) keeps its ids
        moved = tmp_path / "z" / "docs"
        moved.parent.mkdir()
        shutil.move(str(x), moved)
        again = run_ingest(ix, [moved], workers=1)
        assert not again.failed and again.unchanged + len(again.ok) == 2
        assert {d.id for d in _stored(ix)} == set(before)
        assert {d.source for d in _stored(ix)} == {str(moved.resolve())}

    def test_a_renamed_folder_replaces_its_old_name_and_a_gone_one_can_be_pruned(
        self, make_backend, tmp_path
    ):
        """QA pass 9: a renamed archive folder doubled every document, and the old copies
        could never be removed (the folder was gone; --prune of the new one left them)."""
        old = _folder(tmp_path / "2023年", 3)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [old], workers=1)
        assert ix.backend.sources() == {str(old.resolve()): 3}
        new = tmp_path / "2023年度"
        os.rename(old, new)
        (new / "c.txt").unlink()  # withdrawn while the folder was being renamed
        with open(new / "b.txt", "a", encoding="utf-8") as f:  # and edited (QA pass 10)
            f.write("\n（修订）本办法自发布之日起施行。\n")
        report = run_ingest(ix, [new], workers=1)
        assert sorted(m.split(" → ")[1] for m in report.moved) == ["a.txt", "b.txt"]
        assert ix.backend.sources() == {str(new.resolve()): 2, str(old.resolve()): 1}
        [note] = report.folders
        assert note.path == str(old.resolve()) and "--prune" in note.reason
        assert "1 documents stay searchable" in note.reason and "indexed folders:" in (
            report.summary()
        )
        pruned = run_ingest(ix, [old], workers=1, prune=True)  # the old name, gone from disk
        assert len(pruned.pruned) == 1 and not pruned.failed
        assert ix.backend.sources() == {str(new.resolve()): 2}
        again = run_ingest(ix, [old], workers=1, prune=True)  # nothing of it indexed now
        assert not again.failed and not again.pruned and again.pruned_paths  # said, not failed

    def test_a_renamed_folder_whose_old_name_is_reused_is_not_doubled(
        self, make_backend, tmp_path
    ):
        """QA pass 10: archive → archive-2023 and a new archive with other files: ingesting
        both kept the old name's documents (files gone) beside the new name's, every document
        twice, each listed as the other's copy."""
        old = _folder(tmp_path / "archive", 3)
        ix = SearchIndex(make_backend())
        run_ingest(ix, [old], workers=1)
        os.rename(old, tmp_path / "archive-2023")
        reused = _folder(tmp_path / "archive", 1, offset=5)
        os.rename(reused / "a.txt", reused / "z.txt")
        run_ingest(ix, [reused], workers=1)  # no --prune: the three stay, files gone
        assert ix.count(STAFF) == 4
        report = run_ingest(ix, [tmp_path / "archive-2023"], workers=1)
        assert len(report.ok) == 3 and len(report.moved) == 3
        assert all(m.startswith(str((tmp_path / "archive").resolve())) for m in report.moved)
        assert ix.count(STAFF) == 4
        assert not any(h.copies for h in ix.search(Query(q="", size=10, viewer=STAFF)).hits)

    def test_a_folder_is_read_under_one_name_only(self, make_backend, tmp_path):
        """QA pass 9: a subfolder ingested after its folder, or both given in one command,
        held each of its documents twice; a folder ingested after its subfolder too."""
        archive = _folder(tmp_path / "archive", 2)
        sub = _folder(archive / "sub", 2, offset=3)
        ix = SearchIndex(make_backend())
        both = run_ingest(ix, [archive, sub], workers=1)
        assert len(both.ok) == 4 and ix.count(STAFF) == 4
        assert not both.failed  # its files were read: a skip, said (QA pass 10)
        # a skipped folder, not a skipped file: the files are the four read (QA pass 11)
        assert both.skipped == [] and both.total == 4
        assert [f.path for f in both.skipped_folders] == [str(sub)]
        assert "inside" in both.skipped_folders[0].reason
        again = run_ingest(ix, [sub], workers=1)
        assert again.ok == [] and ix.count(STAFF) == 4
        assert f"ingest {archive.resolve()} again" in again.failed[0].reason
        # the other way round: the subfolder first, then its folder: the folder's copy stays
        other = SearchIndex(make_backend())
        run_ingest(other, [sub], workers=1)
        parent = run_ingest(other, [archive], workers=1)
        assert sorted(m.split(" → ")[1] for m in parent.moved) == ["sub/a.txt", "sub/b.txt"]
        assert other.count(STAFF) == 4
        assert other.backend.sources() == {str(archive.resolve()): 4}

    def test_a_file_named_alone_does_not_lock_its_folders_subfolders(self, make_backend, tmp_path):
        """QA pass 11: after ingest archive/note.txt, archive/2019 (ingested before) was refused
        as "part of archive, which is indexed as one folder"; none of its files were there."""
        archive = tmp_path / "archive"
        year = _folder(archive / "2019", 2)
        note = _folder(tmp_path / "other", 1) / "a.txt"
        shutil.copy(note, archive / "note.txt")
        ix = SearchIndex(make_backend())
        assert len(run_ingest(ix, [year], workers=1).ok) == 2
        assert len(run_ingest(ix, [archive / "note.txt"], workers=1).ok) == 1
        again = run_ingest(ix, [year], workers=1)
        assert not again.failed and ix.count(STAFF) == 3, again.summary()
        # the folder itself, later: it takes its subfolder over, nothing doubled
        whole = run_ingest(ix, [archive], workers=1)
        assert not whole.failed and ix.count(STAFF) == 3, whole.summary()
        assert ix.backend.sources() == {str(archive.resolve()): 3}

    def test_file_name_not_valid_utf8_is_ingested_readably(self, make_backend, tmp_path):
        folder = _folder(tmp_path / "archive", 1)
        gbk = os.fsdecode("关于网络安全的通知.txt".encode("gbk"))
        shutil.copy(folder / "a.txt", folder / gbk)
        (folder / "a.txt").unlink()
        ix = SearchIndex(make_backend())
        report = run_ingest(ix, [folder], workers=1)
        assert report.ok == ["关于网络安全的通知.txt"] and not report.failed, report.summary()
        assert '"ok": 1' in report.to_json().encode("utf-8").decode()  # valid UTF-8
        [doc] = _stored(ix)
        assert doc.path == "关于网络安全的通知.txt"
        again = run_ingest(ix, [folder], workers=1)
        assert again.unchanged == 1 and not again.failed

    def test_the_lexicon_an_ingest_writes_is_the_one_every_server_reads(
        self, make_backend, tmp_path
    ):
        """Embedded: the writer's data folder is the copy. Elasticsearch: the cluster's, which
        a server's own (empty) data folder fetches."""
        backend = make_backend()
        writer = tmp_path / "writer"
        report = run_ingest(
            SearchIndex(backend), [_folder(tmp_path / "archive", 3)], workers=1,
            lexicon_dir=writer,
        )
        assert len(report.ok) == 3 and not report.failed, report.summary()
        shared = backend.shared_folders()
        assert isinstance(shared, SharedFolders)
        server = tmp_path / "server" if shared.remote else writer
        assert shared.pull(server, citizen_words.LEXICON_DIR) is shared.remote
        written = (writer / "lexicon" / "vocabulary.tsv").read_bytes()
        assert written and (server / "lexicon" / "vocabulary.tsv").read_bytes() == written
        assert shared.pull(server, citizen_words.LEXICON_DIR) is False  # nothing new

    def test_the_vocabulary_counts_each_document_once_however_the_folders_arrive(
        self, make_backend, tmp_path
    ):
        """Two folders ingested one after the other count what one ingest of both counts (they
        were merged by maximum: a word in 3 + 3 documents stayed at 3); a rewritten document
        adds nothing; a run that rewrites the whole index replaces the counts."""

        def vocabulary(data: Path) -> dict[str, int]:
            lines = (data / "lexicon" / "vocabulary.tsv").read_text(encoding="utf-8").splitlines()
            return {w: int(n) for w, _, n in (line.partition("\t") for line in lines)}

        x, y = _folder(tmp_path / "x", 5), _folder(tmp_path / "y", 5, offset=5)
        both = tmp_path / "both"
        shutil.copytree(x, both / "x")
        shutil.copytree(y, both / "y")
        once = tmp_path / "once"
        run_ingest(SearchIndex(make_backend()), [both], workers=1, lexicon_dir=once)
        expected = vocabulary(once)

        ix = SearchIndex(make_backend())
        data = tmp_path / "data"
        assert len(run_ingest(ix, [x], workers=1, lexicon_dir=data).ok) == 5
        assert len(run_ingest(ix, [y], workers=1, lexicon_dir=data).ok) == 5
        assert vocabulary(data) == expected
        assert max(expected.values()) >= 6  # a word of both folders, summed across the runs

        (x / "a.txt").write_text((x / "a.txt").read_text(encoding="utf-8") + "\n附件。\n")
        assert run_ingest(ix, [x], workers=1, lexicon_dir=data).ok == ["a.txt"]
        assert vocabulary(data) == expected  # rewritten, not counted again

        fresh = SearchIndex(make_backend())  # the same lexicon folder, an index built anew
        run_ingest(fresh, [both], workers=1, lexicon_dir=data)
        assert vocabulary(data) == expected

    def test_an_abbreviation_means_the_title_the_documents_mention(self, make_backend, tmp_path):
        """消法: the consumer law, which the local rules implementing it mention, not Taiwan's
        消防設備人員法 (same first and last character): the counts are the backend's own."""
        corpus = require_corpus()
        consumer = "docs/lawrefbook/minfa_shangfa/lrb_02503.txt"
        folder = tmp_path / "laws"
        folder.mkdir()
        for p in (
            consumer,
            "docs/mojlaw/D0120068.txt",  # 消防設備人員法
            "docs/lawrefbook/difang_beijing/lrb_00334.txt",  # 北京市实施《…消费者权益保护法》办法
            "docs/lawrefbook/difang_zhejiang/lrb_01644.txt",  # 浙江省实施《…》办法
        ):
            shutil.copy(corpus / p, folder / Path(p).name)
        index = SearchIndex(make_backend())
        data = tmp_path / "data"
        report = run_ingest(index, [folder], workers=1, lexicon_dir=data)
        assert len(report.ok) == 4 and not report.failed, report.summary()
        index.backend.shared_folders().pull(data, citizen_words.LEXICON_DIR)
        citizen_words.load_lexicon(data)
        try:
            result = index.search(Query(q="消法"))
            meant = [(w, o) for w, o, _ in result.understood.expansions]
            assert meant == [("消法", "消费者权益保护法")]
            assert Path(result.hits[0].doc.path).name == Path(consumer).name
        finally:
            citizen_words.load_lexicon(None)


    def test_a_rule_a_later_document_repeals_is_said_so_and_follows_it(
        self, make_backend, tmp_path, monkeypatch
    ):
        """QA passes 30a and 31b: 契税暂行条例 and the interpretations of 婚姻法, catalogued 有效,
        were shown first and in force, though 契税法 第十六条 and 民法典 第一千二百六十条 repeal
        them. The repeal is read from the repealing text at ingest; the result says it and ranks
        after the law that repealed it; typed by name, the old rule keeps its place."""
        folder, catalog = catalogued_laws(tmp_path, REPEAL_LAWS)
        index = SearchIndex(make_backend())
        data = tmp_path / "data"
        report = run_ingest(index, [folder], catalog=catalog, workers=1, lexicon_dir=data)
        assert len(report.ok) == 4 and not report.failed and not report.held, report.summary()
        index.backend.shared_folders().pull(data, citizen_words.LEXICON_DIR)
        citizen_words.load_lexicon(data)
        try:
            hits = index.search(Query(q="契税 计税依据 税率")).hits
            names = [Path(h.doc.path).name for h in hits]
            assert names.index("qishuifa.txt") < names.index("zanxing.txt"), names
            old = hits[names.index("zanxing.txt")]
            assert old.doc.validity == "valid"  # the catalogue's word, kept; the repeal said
            assert old.repealed_by is not None and old.repealed_by.title == "中华人民共和国契税法"
            assert old.repealed_by.statement.startswith("第十六条 ")
            assert old.to_dict()["repealed_by"]["id"] == hits[names.index("qishuifa.txt")].doc.id
            # the API says it as the filter reads it, the catalogue's word beside (QA 33a/33b);
            # this catalogue states no 有效性, so there is no word of its own to keep (QA pass
            # 48d: the 有效 a text nothing describes is filed under was given as its word)
            assert old.doc.validity_assumed and old.doc.validity != "repealed"
            assert (old.to_dict()["validity"], old.to_dict()["catalogue_validity"]) == (
                "repealed", "")
            assert hits[names.index("qishuifa.txt")].repealed_by is None
            named = index.search(Query(q="契税暂行条例")).hits
            assert Path(named[0].doc.path).name == "zanxing.txt" and named[0].repealed_by
            # the validity filter and facet read it 已废止 too (QA pass 31c: 有效 listed it)
            tax = index.search(Query(q="契税"))
            in_force = index.search(Query(q="契税", validity=("valid",)))
            gone = index.search(Query(q="契税", validity=("repealed",)))
            assert "zanxing.txt" not in _names(in_force) and _names(gone) == ["zanxing.txt"]
            counted = {f.value: f.count for f in tax.facets["validity"]}
            assert counted == {"valid": in_force.total, "repealed": 1}
            either = index.search(Query(q="契税", validity=("valid", "repealed")))
            assert either.total == tax.total
            assert index.stats()["facets"]["validity"]["repealed"] >= 2  # with the 婚姻法 解释
            # more titles than one search reads: read in smaller batches, none left out
            monkeypatch.setattr(repeals, "MAX_TITLED", 2)
            assert repeals.repealed_in_index(index._titled, index._fetch_meta).keys() == (
                index.repealed().keys()
            )
            monkeypatch.undo()
            # ... and the annual report's 现行有效 from the year the repeal took effect
            entries = [CatalogEntry.from_stored(d) for d in index.catalog(STAFF)]
            for year, in_force in ((2019, 2), (2020, 2)):  # not 4: two repealed in 2020
                rows = annual(entries, year, index=index).by_category
                assert sum(r.in_force for r in rows) == in_force, year
            marriage = index.search(Query(q="婚姻法 司法解释")).hits
            jieshi = next(h for h in marriage if Path(h.doc.path).name == "jieshi.txt")
            assert jieshi.repealed_by is not None
            assert jieshi.repealed_by.applied == "中华人民共和国婚姻法"
            assert jieshi.repealed_by.title == "中华人民共和国民法典"
            # a repealer deleted, or made 不予公开, repeals nothing and is never named (QA
            # pass 31c: its title and words stayed in every result's mark)
            catalogued_laws(tmp_path, REPEAL_LAWS, {"qishuifa.txt": "不予公开"})
            run_ingest(index, [folder], catalog=catalog, workers=1, lexicon_dir=data)
            index.backend.shared_folders().pull(data, citizen_words.LEXICON_DIR)
            citizen_words.load_lexicon(data)
            again = index.search(Query(q="契税暂行条例")).hits
            assert again and all(h.repealed_by is None for h in again)
            in_force = index.search(Query(q="契税", validity=("valid",)))
            assert "zanxing.txt" in _names(in_force)
            assert index.backend.delete([jieshi.repealed_by.id]) == 1
            marriage = index.search(Query(q="婚姻法 司法解释")).hits
            assert all(h.repealed_by is None for h in marriage)
            assert index.repeal_of(jieshi.doc) is None
        finally:
            citizen_words.load_lexicon(None)


    def test_an_agency_facet_counts_what_its_link_finds(self, make_backend):
        """QA pass 31a: the facet said 国务院 692 and its link found 693 (the one document of
        中华人民共和国国务院 was past the backend's first 30 values, never folded in), and
        中央军委 and 中央军事委员会 were two agencies. Folded after counting every value, a
        facet value's count is what ``agency=`` finds, either name."""
        paths = sample_paths(80, seed=11)[:72]
        agencies = ["国务院"] * 3 + ["中华人民共和国国务院"] + ["中央军委"] + ["中央军事委员会"] * 2
        agencies += ["国务院、中央军委"] + ["国务院、中央军事委员会"] * 2  # one joint name two ways
        agencies += [f"第{i}号测试机构" for i in range(31) for _ in range(2)]
        docs = [corpus_document(p, agency=a) for p, a in zip(paths, agencies, strict=False)]
        assert len(docs) == len(agencies) == 72
        index = SearchIndex(make_backend())
        assert all(r.ok for r in index.write(prepare(d, "corpus") for d in docs))
        facet = dict(
            (f.value, f.count) for f in index.search(Query(q="", size=1)).facets["agency"]
        )
        joint = facet["国务院、中央军事委员会"]
        assert (facet["国务院"], facet["中央军事委员会"], joint) == (7, 6, 3), facet
        assert len(facet) == FACET_SHOWN
        for names, found in ((("国务院", "中华人民共和国国务院"), 7),
                             (("中央军委", "中央军事委员会"), 6),
                             (("国务院、中央军委", "国务院、中央军事委员会"), 3)):  # fmt: skip
            for name in names:
                assert index.search(Query(q="", size=1, agencies=(name,))).total == found, name


def _folder(root: Path, n: int, offset: int = 0) -> Path:
    """``n`` real corpus texts as a.txt, b.txt … in ``root``."""
    root.mkdir(parents=True)
    for i, path in enumerate(sample_paths(10, seed=3)[offset : offset + n]):
        shutil.copy(CORPUS / path, root / f"{chr(ord('a') + i)}.txt")
    return root


def _stored(index: SearchIndex) -> list:
    ids = sorted(index.fingerprints())
    return [index.get(i, STAFF) for i in ids]


def _by_path(index: SearchIndex, path: str):
    return next(d for d in _stored(index) if d.path == path)


SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _law_files(*specs: tuple[str, dt.date | None, str, str, dt.date | None]) -> list[Document]:
    """Files of one sample law, each ``(folder, 发布日期, text added, 文号, 成文日期)``."""
    law = "docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt"
    out = []
    for folder, day, extra, number, written in specs:
        d = sample_document(law, doc_id=folder * 16, date=day)
        out.append(dataclasses.replace(
            d, path=f"{folder}/lrb_02404.txt", text=d.text + extra,
            meta=dataclasses.replace(d.meta, doc_number=number, written_date=written),
        ))  # fmt: skip
    return out


def _assert_one_issue(backend, typed: Document, scan: Document) -> None:
    """The two files written are copies of one issue: neither is the other's version."""
    assert all(r.ok for r in backend.write(prepare(d, "samples") for d in (typed, scan)))
    ix = SearchIndex(backend)
    assert ix.versions_of(ix.get(typed.id)) == () and ix.versions_of(ix.get(scan.id)) == ()
    hits = ix.search(Query(q=typed.meta.title)).hits
    assert {h.doc.id for h in hits} >= {typed.id, scan.id}
    assert not any(h.newer_version for h in hits), [(h.doc.id, h.newer_version) for h in hits]


def sample_document(
    path: str,
    *,
    doc_id: str = "",
    fmt: str = "txt",
    agency: str = "全国人民代表大会常务委员会",
    date: dt.date | None = None,
    disclosure: str = "public",
) -> Document:
    """A Document from a text of ``samples/`` (present in every checkout)."""
    text = (SAMPLES / path).read_text(encoding="utf-8")
    title = text.strip().split("\n", 1)[0].strip()
    return Document(
        id=doc_id or hashlib.sha1(path.encode()).hexdigest()[:16],
        path=path,
        text=text,
        meta=CatalogMeta(title=title, agency=agency, category="政策法规", publish_date=date,
                         disclosure=disclosure),  # fmt: skip
        format=fmt,
        content_hash=hashlib.sha256((fmt + text).encode()).hexdigest(),
        size=len(text.encode()),
    )


def _all_hits(index: SearchIndex, q: str, sort: str = "relevance"):
    res = index.search(Query(q=q, size=100, sort=sort))
    hits = list(res.hits)
    page = 2
    while len(hits) < res.total:
        hits += index.search(Query(q=q, size=100, page=page, sort=sort)).hits
        page += 1
    return hits



def _names(result) -> list[str]:
    """The file names of a result's hits."""
    return [Path(h.doc.path).name for h in result.hits]
