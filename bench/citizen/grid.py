"""A tune-half grid for one method's constant: nDCG@10 with the method off, then on at each
value, and which tune queries went up or down. The held-out half is never read.

    python3 bench/citizen/grid.py script SCRIPT_BONUS 0.25 0.5 1 2 4 8 16 32 64 1000
    python3 bench/citizen/grid.py common COMMON_SHARE 0.05 0.1 0.2 0.3 0.5

With ``-`` for the method, the constant is one of the planner's (``search_index.planner``, e.g.
the field weights) and the baseline is its current value, every method as configured:

    python3 bench/citizen/grid.py - TITLE_WEIGHT 1 1.5 2 3 4
    python3 bench/citizen/grid.py - RRF_K 15 20 30 40 60 120   # the semantic leg's, likewise
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bench.corpus_index as ci  # noqa: E402
from bench.citizen import eval as ev  # noqa: E402
from search_index import citizen_words as cw  # noqa: E402
from search_index import planner, semantic  # noqa: E402


def run(index, items: list[dict], label: str) -> dict[str, float]:
    scores = ev.score(index, items, ev.engine)
    by_kind: dict[str, list[float]] = {}
    for it in items:
        by_kind.setdefault(it["kind"], []).append(scores[it["id"]])
    mean = sum(scores[it["id"]] for it in items) / len(items)
    kinds = " ".join(f"{k} {sum(v) / len(v):.3f}" for k, v in by_kind.items())
    print(f"{label}: tune {mean:.4f}  {kinds}", flush=True)
    return scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("method", choices=["-", *(f.name for f in fields(cw.Methods))])
    ap.add_argument("constant", help="a module constant of search_index.citizen_words "
                    "(of search_index.planner with the method -)")
    ap.add_argument("values", nargs="+", type=float)
    args = ap.parse_args()
    module = planner if args.method == "-" else cw
    if module is planner and not hasattr(planner, args.constant):
        module = semantic  # the leg's fusion (RRF_K, LEG_WEIGHT)
    if not hasattr(module, args.constant):
        sys.exit(f"{module.__name__} has no {args.constant}")
    index, _ = ci.corpus_index()
    cw.load_lexicon(ci.OUT / "corpus")
    items = [it for it in ev.load() if it["half"] == "tune"]
    base = cw.METHODS
    if args.method == "-":
        off = run(index, items, f"{args.constant} = {getattr(module, args.constant):g}")
    else:
        cw.use(replace(base, **{args.method: False}))
        off = run(index, items, f"{args.method} off")
    for value in args.values:
        setattr(module, args.constant, type(getattr(module, args.constant))(value))
        cw.load_lexicon(ci.OUT / "corpus")  # clears the caches derived from constants
        if args.method != "-":
            cw.use(replace(base, **{args.method: True}))
        on = run(index, items, f"{args.constant} = {value:g}")
        up = [(k, round(on[k] - off[k], 2)) for k in on if on[k] > off[k] + 1e-9]
        down = [(k, round(on[k] - off[k], 2)) for k in on if on[k] < off[k] - 1e-9]
        print(f"   up {len(up)} {up}\n   down {len(down)} {down}")
    cw.use(base)


if __name__ == "__main__":
    main()
