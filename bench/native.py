"""The compiled kernels (native/) against the Python path, per document, in the same run.

    python bench/native.py bench/out/gen20k [--n 1500] [--rounds 5]

Times ``analyzers.signatures.signature`` and ``analyzers.bigrams.bigram_string`` over the same
normalised documents, the compiled path and the Python path (``analyzers.native.python_path``)
alternated round by round, in CPU time (``time.process_time``), so the ratio does not depend
on what else the machine runs. Checks on the way that both paths give the same values.

And the pinyin keys: ``text_tokens`` of each document's title, and ``document_tokens`` of its
title and key terms as ``search_index.prepare`` calls it. Before every timed pass the caches
of whole titles and terms are emptied (``char_syllables``, ``_run_readings``,
``_term_tokens``), as an ingest meets each title once; pypinyin's per-phrase readings
(``_word_readings``) stay warm, as they are after the first documents of an ingest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from analyzers import native, pinyin  # noqa: E402
from analyzers.bigrams import bigram_string  # noqa: E402
from analyzers.normalize import normalize  # noqa: E402
from analyzers.segment import index_words  # noqa: E402
from analyzers.signatures import signature  # noqa: E402
from ingest.metadata import derive_meta  # noqa: E402

TITLE_CACHES = (pinyin.char_syllables, pinyin._run_readings, pinyin._term_tokens)


def _cpu_ms_per_doc(fn: Callable[[Any], object], texts: list[Any]) -> float:
    for cache in TITLE_CACHES:
        cache.cache_clear()
    start = time.process_time()
    for text in texts:
        fn(text)
    return (time.process_time() - start) * 1000 / len(texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="a generated corpus (bench/gen_corpus.py)")
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if native.active() is None:
        sys.exit(f"no compiled kernels: {native.WHY}")
    paths = sorted(args.folder.rglob("*.txt"))[: args.n]
    raw = [p.read_text(encoding="utf-8") for p in paths]
    texts = [normalize(t) for t in raw]
    print(f"{len(texts)} documents, {np.mean([len(t) for t in texts]):.0f} characters on average")
    titles = [normalize(derive_meta(t).title) for t in raw]
    terms = [pinyin.key_terms(index_words(t)) for t in texts]

    def pinyin_field(i: int) -> str:  # as search_index.prepare calls it
        return pinyin.document_tokens(titles[i], terms[i])

    for i, title in enumerate(titles):
        fast_tt, fast_doc = pinyin.text_tokens(title), pinyin_field(i)
        with native.python_path():
            for cache in TITLE_CACHES:
                cache.cache_clear()
            assert pinyin.text_tokens(title) == fast_tt and pinyin_field(i) == fast_doc
    kernels: tuple[tuple[str, Callable[[Any], object], list[Any]], ...] = (
        ("signature", signature, texts),
        ("bigram_string", bigram_string, texts),
        ("text_tokens (titles)", pinyin.text_tokens, titles),
        ("document_tokens (title, key terms)", pinyin_field, list(range(len(texts)))),
    )

    for text in texts:  # the same values, before anything is timed
        fast_sig, fast_bi = signature(text), bigram_string(text)
        with native.python_path():
            slow_sig, slow_bi = signature(text), bigram_string(text)
        assert fast_bi == slow_bi and fast_sig.stored() == slow_sig.stored()
        assert np.array_equal(fast_sig.shingles, slow_sig.shingles)
        assert np.array_equal(fast_sig.anchors, slow_sig.anchors)

    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for name, fn, inputs in kernels:
            samples.setdefault((name, "compiled"), []).append(_cpu_ms_per_doc(fn, inputs))
            with native.python_path():
                samples.setdefault((name, "Python"), []).append(_cpu_ms_per_doc(fn, inputs))

    print("\n| function | Python ms/doc | compiled ms/doc | Python / compiled |")
    print("|---|---:|---:|---:|")
    for name, _, _ in kernels:
        slow = statistics.median(samples[name, "Python"])
        fast = statistics.median(samples[name, "compiled"])
        pairs = zip(samples[name, "Python"], samples[name, "compiled"], strict=True)
        ratios = [s / f for s, f in pairs]
        print(
            f"| `{name}` | {slow:.4f} | {fast:.4f} | **{slow / fast:.1f}×** "
            f"(rounds {min(ratios):.1f}–{max(ratios):.1f}) |"
        )


if __name__ == "__main__":
    main()
