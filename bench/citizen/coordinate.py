"""Learn the planner's weights on the tune half: a coordinate search over field and clause
weights, the held-out half never read.

    python3 bench/citizen/coordinate.py [--rounds 2] [--min-gain 0.002]

Each round tries, one weight at a time, every multiple of its current value in ``FACTORS`` and
keeps the best if it beats the current tune nDCG@10 by at least ``--min-gain`` (the tune half
moves by ~0.001 on ties broken differently, so smaller gains are noise). Prints every trial and
the weights it ends with; it changes no file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bench.corpus_index as ci  # noqa: E402
from bench.citizen import eval as ev  # noqa: E402
from search_index import citizen_words as cw  # noqa: E402
from search_index import planner  # noqa: E402

WEIGHTS = (
    (planner, "TITLE_WEIGHT"),
    (planner, "BIGRAM_WEIGHT"),
    (planner, "ALL_WORDS_BOOST"),
    (planner, "TITLE_PHRASE_BOOST"),
    (planner, "PROXIMITY_BOOST"),
    (planner, "WHOLE_PHRASE_BOOST"),
    (cw, "EXPANSION_WEIGHT"),
)
FACTORS = (0.25, 0.5, 0.75, 1.5, 2.0, 4.0)


def tune_score(index, items: list[dict]) -> float:
    cw.load_lexicon(ci.OUT / "corpus")  # clears the caches derived from constants
    scores = ev.score(index, items, ev.engine)
    return sum(scores[it["id"]] for it in items) / len(items)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--min-gain", type=float, default=0.002)
    args = ap.parse_args()
    index, _ = ci.corpus_index()
    items = [it for it in ev.load() if it["half"] == "tune"]
    best = tune_score(index, items)
    start = {name: getattr(mod, name) for mod, name in WEIGHTS}
    print(f"start: tune {best:.4f}  {start}", flush=True)
    for r in range(args.rounds):
        changed = False
        for mod, name in WEIGHTS:
            current = getattr(mod, name)
            trials = []
            for f in FACTORS:
                setattr(mod, name, current * f)
                trials.append((tune_score(index, items), current * f))
            setattr(mod, name, current)
            row = "  ".join(f"{v:g}: {s:.4f}" for s, v in trials)
            print(f"round {r + 1} {name} (now {current:g}, {best:.4f}): {row}", flush=True)
            score, value = max(trials)
            if score >= best + args.min_gain:
                setattr(mod, name, value)
                best, changed = score, True
                print(f"  -> {name} = {value:g}, tune {best:.4f}", flush=True)
        if not changed:
            break
    end = {name: getattr(mod, name) for mod, name in WEIGHTS}
    print(f"end: tune {best:.4f}  {end}")


if __name__ == "__main__":
    main()
