"""Duplicate signatures on real corpus texts: what must and must not change them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import opencc
from datasketch import MinHash

from analyzers import signatures as S
from analyzers.normalize import normalize
from search_index.prepare import prepare
from tests.corpus import CORPUS, corpus_document, require_corpus

REPO = Path(__file__).resolve().parents[2]
GOVCN = "docs/govcn_policy/govcn_002.txt"
LAW = "docs/lawrefbook/shehuifa/lrb_02517.txt"


def _text(path: str) -> str:
    return (require_corpus() / path).read_text(encoding="utf-8")


def test_layout_script_width_and_punctuation_do_not_change_the_content_key():
    text = _text(GOVCN)
    base = S.signature_of(text)
    full_width = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    variants = (
        opencc.OpenCC("s2t").convert(text),
        full_width,
        text.replace("\n", "\r\n  "),
        text.replace("，", ",").replace("。", ". "),
        re.sub(r"(.{30})", "\\1\n", text),  # a PDF's hard line wraps
    )
    for v in variants:
        assert S.signature_of(v).content_key == base.content_key


def test_boilerplate_and_site_chrome_do_not_change_the_content_key():
    text = _text(GOVCN)
    wrapped = (
        "国务院办公厅文件\n\n特急\n\n首页 > 政策 > 国务院文件\n\n"
        + text
        + "\n\n抄送：党中央各部门，中央军委办公厅。\n"
        "国务院办公厅秘书局 2019年1月25日印发\n\n- 3 -\n\n"
        "网站地图 | 联系我们 | 关于我们\n版权所有：示例网站 京ICP备XXXXXXXX号\n"
    )
    assert S.signature_of(wrapped).content_key == S.signature_of(text).content_key


def test_boilerplate_words_inside_sentences_are_kept():
    line = "承办单位应当自代表建议交办之日起三个月内办理完毕并答复代表。"
    assert S.strip_boilerplate(line) == line
    assert S.strip_boilerplate("第三章 无障碍环境") == "第三章 无障碍环境"
    assert S.strip_boilerplate("1\n2024\n35.6") == "1\n2024\n35.6"  # table cells, not page numbers


def test_trigger_prefilter_removes_exactly_what_the_full_patterns_remove():
    pattern = S._LINE_RE
    for path in ("docs/annual_report/changshu_2008.txt", GOVCN, "docs/govcn_policy/govcn_010.txt"):
        norm = normalize(_text(path))
        body = norm[: S.chrome_tail(norm)]
        naive = "\n".join(
            "" if len(ln) <= S._MAX_BOILERPLATE_LINE and pattern.fullmatch(ln) else ln
            for ln in body.split("\n")
        )
        assert S.strip_boilerplate(norm) == naive


def test_changshu_chrome_tail_is_cut():
    norm = normalize(_text("docs/annual_report/changshu_2008.txt"))
    assert "相关词条" in norm
    assert "相关词条" not in S.strip_boilerplate(norm)


def test_a_changed_date_changes_the_content_key_but_keeps_most_shingles():
    text = _text(GOVCN)
    a, b = S.signature_of(text), S.signature_of(text.replace("2019年", "2020年"))
    assert a.content_key != b.content_key
    assert S.overlap(a.shingles, b.shingles).resemblance > 0.95


def test_minhash_equals_datasketch():
    a, b = MinHash(num_perm=S.NUM_PERM, seed=S.SEED, scheme="affine32").permutations
    assert np.array_equal(a, S._PERM_A) and np.array_equal(b, S._PERM_B)
    assert S._PERM_A.dtype == S._PERM_B.dtype == np.uint32
    sig = S.signature_of(_text(GOVCN))
    m = MinHash(num_perm=S.NUM_PERM, seed=S.SEED, scheme="affine32", hashfunc=lambda x: x)
    m.update_batch([int(h) & 0xFFFFFFFF for h in sig.shingles])
    assert np.array_equal(m.hashvalues, sig.minhash)
    other = S.signature_of(_text(GOVCN).replace("融资担保", "融资贷款"))
    m2 = MinHash(
        num_perm=S.NUM_PERM, seed=S.SEED, scheme="affine32", hashvalues=other.minhash
    )
    est = S.estimate(sig.minhash, sig.size, other.minhash, other.size).resemblance
    assert abs(est - m.jaccard(m2)) < 1e-9


def test_estimate_tracks_exact_overlap():
    a = S.signature_of(_text(LAW))
    half = _text(LAW)[: len(_text(LAW)) // 2]
    b = S.signature_of(half)
    exact = S.overlap(b.shingles, a.shingles)
    est = S.estimate(b.minhash, b.size, a.minhash, a.size)
    assert exact.containment > 0.98
    assert abs(est.resemblance - exact.resemblance) < 0.15
    assert est.containment > 0.75


def test_winnowing_guarantees_a_shared_anchor_for_a_shared_passage():
    text = normalize(_text(LAW))
    long = S.signature(text)
    rng = np.random.default_rng(3)
    for _ in range(30):
        start = int(rng.integers(0, len(text) - 400))
        piece = S.fingerprint_text(text[start : start + 200])
        if len(piece) < S.WINDOW + S.K - 1:
            continue
        short = S.signature(piece)
        assert set(short.anchor_keys()) & set(long.anchor_keys())


def test_winnow_matches_brute_force():
    rng = np.random.default_rng(0)
    for n in (1, 5, S.WINDOW, S.WINDOW + 1, 300, 1000):
        h = rng.integers(0, 2**63, size=n).astype(np.uint64)
        w = S.WINDOW
        want = {int(h.min())} if n <= w else {int(h[i : i + w].min()) for i in range(n - w + 1)}
        assert {int(x) for x in S.winnow(h)} == want


def test_band_collision_probability_curve():
    # P(share a band) = 1 - (1 - s^ROWS)^BANDS: generous at 0.8, rare at 0.3
    def p(s: float) -> float:
        return 1 - (1 - s**S.ROWS) ** S.BANDS

    assert p(0.8) > 0.999 and p(0.3) < 0.15


def test_prepare_stores_signatures_for_both_backends():
    item = prepare(corpus_document(GOVCN), "corpus")
    sig = S.signature_of(_text(GOVCN))
    assert item.keywords["content_key"] == (sig.content_key,)
    bands = [t for t in item.keywords["sig_band"] if t.startswith("b")]
    anchors = [t for t in item.keywords["sig_band"] if t.startswith("w:")]
    assert len(bands) == S.BANDS and len(anchors) == len(sig.anchors)
    stored = S.StoredSignature.from_stored(item.stored["dup"])
    assert stored is not None and stored.size == sig.size
    assert np.array_equal(stored.minhash, sig.minhash)


def test_empty_and_tiny_texts():
    assert S.signature_of("").content_key == "" and S.signature_of("").size == 0
    assert S.signature_of("\n  。，\n").size == 0
    tiny = S.signature_of("通知")
    assert tiny.size == 1 and tiny.content_key


_ = CORPUS


def test_a_page_printed_to_pdf_with_its_catalogue_block_is_the_same_text():
    """QA pass 9: four gov.cn pages printed to PDF were not one result with their text: the
    PDF carries the page's catalogue block, labels without colons (发文机关 国务院办公厅)."""
    from ingest.formats import registry

    require_corpus()
    for pdf, txt in (("pdf_04.pdf", "govcn_034.txt"), ("pdf_02.pdf", "govcn_023.txt")):
        _, extracted = registry.extract((CORPUS / "files" / "pdf" / pdf).read_bytes(), pdf)
        assert "发文机关" in extracted.text
        text = _text(f"docs/govcn_policy/{txt}")
        assert S.signature_of(extracted.text).content_key == S.signature_of(text).content_key
    # a sentence that starts with such a word stays text
    line = "发布日期应当在文件印发后二十个工作日内确定，并在政府网站上公开发布全文。"
    assert S.strip_boilerplate(normalize(line)) == normalize(line)


def test_signatures_start_without_datasketch():
    """datasketch imports scipy (2–5 s per process) for two arrays the module draws itself."""
    code = "import sys, analyzers.signatures; sys.exit('datasketch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False).returncode == 0
