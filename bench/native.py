"""The compiled kernels (native/) against the Python path, per document, in the same run.

    python bench/native.py bench/out/gen20k [--n 1500] [--rounds 5]

Times ``analyzers.signatures.signature`` and ``analyzers.bigrams.bigram_string`` over the same
normalised documents, the compiled path and the Python path (``analyzers.native.python_path``)
alternated round by round, in CPU time (``time.process_time``), so the ratio does not depend
on what else the machine runs. Checks on the way that both paths give the same values.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from analyzers import native  # noqa: E402
from analyzers.bigrams import bigram_string  # noqa: E402
from analyzers.normalize import normalize  # noqa: E402
from analyzers.signatures import signature  # noqa: E402


def _cpu_ms_per_doc(fn: Callable[[str], object], texts: list[str]) -> float:
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
    texts = [normalize(p.read_text(encoding="utf-8")) for p in paths]
    print(f"{len(texts)} documents, {np.mean([len(t) for t in texts]):.0f} characters on average")

    for text in texts:  # the same values, before anything is timed
        fast_sig, fast_bi = signature(text), bigram_string(text)
        with native.python_path():
            slow_sig, slow_bi = signature(text), bigram_string(text)
        assert fast_bi == slow_bi and fast_sig.stored() == slow_sig.stored()
        assert np.array_equal(fast_sig.shingles, slow_sig.shingles)
        assert np.array_equal(fast_sig.anchors, slow_sig.anchors)

    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for name, fn in (("signature", signature), ("bigram_string", bigram_string)):
            samples.setdefault((name, "compiled"), []).append(_cpu_ms_per_doc(fn, texts))
            with native.python_path():
                samples.setdefault((name, "Python"), []).append(_cpu_ms_per_doc(fn, texts))

    print("\n| function | Python ms/doc | compiled ms/doc | Python / compiled |")
    print("|---|---:|---:|---:|")
    for name in ("signature", "bigram_string"):
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
