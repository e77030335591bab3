"""The compiled kernels (``native/``) give exactly what the Python code gives.

Signatures are stored in the index and compared across documents indexed at different times,
possibly by a process without the extension: one differing bit would make a copy invisible,
one differing pinyin key a title unfindable from a kiosk. So every kernel is compared with its
Python reference, value for value, on real texts of the shared corpus (the whole range of
lengths, the edges of K, WINDOW and ORDER_FREE_CHARS included; every title) and on any Unicode
hypothesis makes up. In CI the extension must be installed; elsewhere these tests skip without
it.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers import native, pinyin, signatures
from analyzers.bigrams import bigram_list, bigram_string, bigram_string_python
from analyzers.chars import strip_skippable, strip_skippable_python
from analyzers.normalize import normalize
from analyzers.segment import index_words
from tests.corpus import CORPUS, manifest, require_corpus, sample_paths

IN_CI = os.environ.get("CI", "").lower() == "true"
# compact lengths around every threshold: nothing, one shingle (< K), exactly K, one window of
# shingles, the first length with two windows, the order-free content key
EDGES = sorted(
    {0, 1, 2, 4, 5, 6, 7}
    | {signatures.WINDOW + d for d in (-1, 0, 1, 4, 5)}
    | {signatures.ORDER_FREE_CHARS + d for d in (-1, 0, 1)}
)


def test_the_extension_is_installed_in_ci() -> None:
    """CI builds it (.ci/install): a missing or stale build must fail there, not skip."""
    if not IN_CI:
        pytest.skip("only CI must have the extension")
    ext = importlib.import_module(native.MODULE)
    assert ext.KERNEL_VERSION == native.KERNEL_VERSION


@pytest.fixture(scope="module")
def kernels() -> None:
    """The compiled path is on: fails in CI without it (before hypothesis runs), else skips."""
    if native.active() is None:
        if IN_CI and not os.environ.get(native.DISABLE_ENV):
            pytest.fail(f"CI without the compiled kernels: {native.WHY}")
        pytest.skip(f"compiled kernels not in use: {native.WHY}")


def outcome(fn: Callable[[str], Any], text: str) -> tuple[str, Any]:
    """A value, or the type of what was raised (both paths must fail alike on a lone surrogate)."""
    try:
        return "value", fn(text)
    except Exception as exc:  # noqa: BLE001 - the exception type is the result compared
        return "raised", type(exc)


def same_signature(a: signatures.Signature, b: signatures.Signature) -> bool:
    return (
        a.content_key == b.content_key
        and a.chars == b.chars
        and all(
            x.dtype == y.dtype and np.array_equal(x, y)
            for x, y in ((a.shingles, b.shingles), (a.minhash, b.minhash), (a.anchors, b.anchors))
        )
        and a.band_keys() == b.band_keys()
        and a.anchor_keys() == b.anchor_keys()
        and a.stored() == b.stored()
    )


def check_text(text: str) -> None:
    """Every dispatched function, compiled against the Python path, on one text."""
    for fast, slow in (
        (strip_skippable, strip_skippable_python),
        (bigram_string, bigram_string_python),
    ):
        assert outcome(fast, text) == outcome(slow, text), (fast.__name__, text[:80])
    with native.python_path():
        slow_list = outcome(bigram_list, text)
        slow_sig = outcome(signatures.signature, text)
    assert outcome(bigram_list, text) == slow_list
    fast_sig = outcome(signatures.signature, text)
    if fast_sig[0] == "raised" or slow_sig[0] == "raised":
        assert fast_sig == slow_sig
    else:
        assert same_signature(fast_sig[1], slow_sig[1]), text[:80]
        assert same_signature(fast_sig[1], signatures.signature_python(text))


def check_kernels(codes: np.ndarray) -> None:
    """The single steps of the Signer against the numpy functions."""
    signer = signatures._build_native_signer()
    ordered = signatures.shingle_hashes(codes)
    assert np.array_equal(
        np.frombuffer(signer.shingle_hashes(codes.astype(np.uint32).tobytes()), np.uint64), ordered
    )
    raw = ordered.tobytes()
    shingles = signatures.sorted_unique(ordered)
    assert np.array_equal(np.frombuffer(signer.sorted_unique(raw), np.uint64), shingles)
    assert np.array_equal(np.frombuffer(signer.winnow(raw), np.uint64), signatures.winnow(ordered))
    assert np.array_equal(
        np.frombuffer(signer.minhash_values(shingles.tobytes()), np.uint32),
        signatures.minhash_values(shingles),
    )


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    """About 300 real texts: a spread of small ones, the longest, and compact prefixes cut at
    every threshold length."""
    require_corpus()
    paths = sample_paths(240)
    by_size = sorted(manifest(), key=lambda p: (CORPUS / p).stat().st_size)
    paths += by_size[:10] + by_size[-4:]  # the stub without a body, … the 313 KB rules
    raw = [(CORPUS / p).read_text(encoding="utf-8") for p in paths]
    texts = raw[:20] + [normalize(t) for t in raw]
    compact = strip_skippable_python(normalize(raw[0] * 2))
    texts += [compact[:n] for n in EDGES] + ["", "中", "一二三四", "一二三四五", " ，。\n"]
    return texts


def test_corpus_texts_give_the_same_values(kernels: None, corpus_texts: list[str]) -> None:
    for text in corpus_texts:
        check_text(text)


def test_corpus_texts_give_the_same_kernel_steps(kernels: None, corpus_texts: list[str]) -> None:
    for text in corpus_texts[::3]:
        codes = signatures._compact_codes(text)
        check_kernels(codes)
        assert np.array_equal(
            np.frombuffer(
                signatures.native_skip_set().compact(signatures.strip_boilerplate(text)),
                np.uint32,
            ),
            codes,
        )


def test_a_lone_surrogate_takes_the_python_path(kernels: None) -> None:
    for text in ("\ud800", "国务院\udfff，办公厅", "a\ud800" * 40):
        check_text(text)
    assert strip_skippable("国务院\udfff，办公厅") == "国务院\udfff办公厅"


ANY_CHAR = st.characters(codec=None, exclude_categories=())  # surrogates and controls too
GOV_CHARS = st.sampled_from(
    "国务院办公厅关于印发通知的，。、；：！？（）《》〔〕 \n\t\u3000·-—1２a"
)
TEXTS = st.one_of(
    st.text(ANY_CHAR, max_size=300),
    st.text(st.one_of(GOV_CHARS, ANY_CHAR), max_size=300),
    st.lists(
        st.sampled_from(["抄送：各部委", "\n", "第 1 页 共 2 页", "国务院", "，"]), max_size=60
    ).map("".join),
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXTS)
def test_any_text_gives_the_same_values(kernels: None, text: str) -> None:
    check_text(text)
    check_text(normalize(text))


@FAST
@given(
    st.lists(st.integers(0, 0x10FFFF), max_size=400),
    st.lists(st.integers(0, 2**64 - 1), max_size=400),
)
def test_any_arrays_give_the_same_kernel_steps(
    kernels: None, codes: list[int], hashes: list[int]
) -> None:
    check_kernels(np.array(codes, dtype=np.uint32))
    signer = signatures._build_native_signer()
    values = np.array(hashes, dtype=np.uint64)
    raw = values.tobytes()
    assert np.array_equal(
        np.frombuffer(signer.sorted_unique(raw), np.uint64), signatures.sorted_unique(values)
    )
    assert np.array_equal(np.frombuffer(signer.winnow(raw), np.uint64), signatures.winnow(values))
    assert np.array_equal(
        np.frombuffer(signer.minhash_values(raw), np.uint32), signatures.minhash_values(values)
    )


# -- pinyin keys ---------------------------------------------------------------------------


def check_pinyin(text: str) -> None:
    """The compiled pinyin keys of one text against the Python path: tokens, and syllables."""
    fast = outcome(pinyin.text_tokens, text)
    assert fast == outcome(pinyin.text_tokens_python, text), text[:80]
    with native.python_path():
        assert outcome(pinyin.text_tokens, text) == fast
    keys: Any = pinyin.native_pinyin()
    assert keys is not None
    syllables = outcome(lambda t: tuple(keys.syllables_of(t)), text)
    if syllables[0] == "value":
        assert syllables == outcome(pinyin.char_syllables, text), text[:80]
    if fast[0] == "value":
        joined = outcome(lambda t: keys.text_tokens_joined(t, pinyin._words(t)), text)
        assert joined in (("value", " ".join(fast[1])), ("raised", UnicodeEncodeError))
    terms = ["", "政务公开", text[:4], text[-3:], "银行"]
    fast_doc = outcome(lambda t: pinyin.document_tokens(t, terms), text)
    with native.python_path():
        pinyin._term_tokens.cache_clear()
        assert outcome(lambda t: pinyin.document_tokens(t, terms), text) == fast_doc
    pinyin._term_tokens.cache_clear()


def test_the_readings_table_is_what_pypinyin_reads(kernels: None) -> None:
    """Every character and phrase of the table read as ``_word_readings`` reads it, and the
    Han ranges are pypinyin's Han class, code point by code point."""
    table = pinyin._readings_table()
    assert table is not None
    han, chars, phrases = table
    plain = pinyin._plain_syllable
    for ch, syl in chars:
        if pinyin._HAN_RUNS.fullmatch(ch) and pinyin.RE_HANS.match(ch):  # type: ignore[union-attr]
            assert (syl,) == tuple(plain(x) for (x,) in pinyin._word_readings(ch, True)), ch
    for phrase, syls in phrases:
        assert tuple(syls) == tuple(plain(x) for (x,) in pinyin._word_readings(phrase, True))
    everything = "".join(map(chr, range(0x110000)))
    runs = re.finditer(f"{pinyin._HAN_CLASS}+", everything)
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(han):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    assert merged == [m.span() for m in runs]


@pytest.fixture(scope="module")
def corpus_titles() -> list[str]:
    """Real titles and key terms: every title of the corpus manifest, and the key terms of
    the bodies of the sample (the two kinds of text whose keys a document stores)."""
    require_corpus()
    titles = [normalize(row["title"]) for row in manifest().values() if row["title"]]
    terms: list[str] = []
    for p in sample_paths(120):
        body = normalize((CORPUS / p).read_text(encoding="utf-8"))
        terms += pinyin.key_terms(index_words(body), 20)
    return titles + terms


def test_corpus_titles_give_the_same_pinyin_keys(kernels: None, corpus_titles: list[str]) -> None:
    for text in corpus_titles:
        check_pinyin(text)


def test_corpus_documents_give_the_same_pinyin_field(
    kernels: None, corpus_texts: list[str], corpus_titles: list[str]
) -> None:
    """``document_tokens`` as ``prepare`` calls it, and texts longer than any title (the
    heads of bodies: runs cut at :data:`pinyin.MAX_RUN_CHARS`, every kind of character)."""
    for text in corpus_texts:
        check_pinyin(text[:400])
    terms = corpus_titles[-200:]
    for title in corpus_titles[:300]:
        fast = pinyin.document_tokens(title, terms[: len(title) % 9])
        with native.python_path():
            pinyin._term_tokens.cache_clear()
            assert pinyin.document_tokens(title, terms[: len(title) % 9]) == fast
        pinyin._term_tokens.cache_clear()


# Han characters: polyphonic ones (行 长 重 乐 还 银), a phrase-rich official text, the edges of
# pypinyin's Han class (〇, CJK extension A and B, private-use characters it counts as Han with
# no reading) and characters just outside it
HAN_CHARS = st.one_of(
    st.sampled_from("行长重乐还银调朝传差都将和为曾没处几"),
    st.sampled_from(
        "中华人民共和国国务院办公厅关于印发政府信息公开条例重庆市银行行政管理办法的通知"
    ),
    st.sampled_from("\u3007\u3400\u4dbf\u4e00\u9fff\ue815\ue864\uf900\ufa18\U00020000\U0002a6df"),
    st.characters(min_codepoint=0x3400, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x20000, max_codepoint=0x2FFFF),
    st.sampled_from("\u3006\u33ff\u9fff\ua000\ufb00 ，。a1"),
)
HAN_TEXTS = st.one_of(
    st.text(HAN_CHARS, max_size=80),
    st.lists(
        st.sampled_from(["政务公开", "银行", "行政", "重庆", "长江", "〔2024〕", "号", "，", " "]),
        max_size=40,
    ).map("".join),
)


@FAST
@given(st.one_of(HAN_TEXTS, TEXTS))
def test_any_text_gives_the_same_pinyin_keys(kernels: None, text: str) -> None:
    check_pinyin(text)
    check_pinyin(normalize(text))
