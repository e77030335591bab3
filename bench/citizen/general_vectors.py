"""The grid that chose the settings of the ``general`` method (issue 12), on the tune half.

    pip install --no-deps simplechinese==0.2.15   # its metadata requires the withdrawn `sklearn`
    python3 bench/citizen/general_vectors.py      # one row per setting, tune half only

``search_index.citizen_words.general_neighbours`` adds to a typed word its nearest corpus word
in the general-language vectors of the ``simplechinese`` wheel, above a cosine threshold, used
far more often in the corpus, at a weight below the typed word's. This prints nDCG@10 on the
tune half for each setting of the grid (the held-out half is never scored here); the chosen
setting is the module's constants, and `bench/citizen/eval.py --ablation` reports both halves.
"""

from __future__ import annotations

import itertools
import statistics
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import bench.corpus_index as ci  # noqa: E402
from bench.citizen import eval as ev  # noqa: E402
from search_index import citizen_words as cw  # noqa: E402

GRID = {"GENERAL_K": (1, 3), "GENERAL_MIN_SIM": (0.75, 0.80, 0.85), "GENERAL_RATIO": (1.5,),
        "GENERAL_WEIGHT": (0.3, 0.5, 1.0)}  # fmt: skip


def main() -> None:
    index, _ = ci.corpus_index()
    cw.load_lexicon(ci.OUT / "corpus")
    if cw.general_vectors() is None:
        sys.exit("pip install --no-deps simplechinese==0.2.15 first")
    tune = [it for it in ev.load() if it["half"] == "tune"]
    base = cw.METHODS
    cw.use(replace(base, general=False))
    off = statistics.fmean(ev.score(index, tune, ev.engine).values())
    print(f"| k | cosine ≥ | ratio | weight | tune nDCG@10 | Δ against `general` off ({off:.4f}) |")
    print("|---:|---:|---:|---:|---:|---:|")
    chosen = {name: getattr(cw, name) for name in GRID}
    for values in itertools.product(*GRID.values()):
        for name, value in zip(GRID, values, strict=True):
            setattr(cw, name, value)
        cw.use(replace(base, general=True))
        t = statistics.fmean(ev.score(index, tune, ev.engine).values())
        mark = " (chosen)" if dict(zip(GRID, values, strict=True)) == chosen else ""
        print("| " + " | ".join(str(v) for v in values) + f" | {t:.4f}{mark} | {t - off:+.4f} |",
              flush=True)  # fmt: skip
    for name, value in chosen.items():
        setattr(cw, name, value)
    cw.use(base)


if __name__ == "__main__":
    main()
