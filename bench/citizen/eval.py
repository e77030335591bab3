"""nDCG@10 of the engine on the blind citizen sets, per kind × half, with methods switched off.

    python3 bench/citizen/eval.py                      # engine vs plain jieba BM25, both sets
    python3 bench/citizen/eval.py --off level,mined    # the engine with those methods off
    python3 bench/citizen/eval.py --on learned         # ... or a method off by default on
    python3 bench/citizen/eval.py --ablation           # one row per method switched off (on)
    python3 bench/citizen/eval.py --latency prf        # ms per query with a method on vs off
    python3 bench/citizen/eval.py --half tune -v       # per-query lines (tune half only!)

The sets (``set1.jsonl``, ``set2.jsonl``) were written and judged blind; each query carries a
``half`` fixed before tuning. Tune on ``tune`` only: ``-v`` refuses to print held-out queries.
Unjudged documents count as 0 (``--unjudged`` counts them in the final top 10).
The index is the whole-corpus embedded index of ``bench/corpus_index.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import bench.corpus_index as ci  # noqa: E402
from search_index import citizen_words  # noqa: E402
from search_index.request import Query  # noqa: E402

K = 10
SETS = ("set1.jsonl", "set2.jsonl")
KINDS = ("question", "colloquial", "cross_strait", "keyword", "staff")


def dcg(gains: list[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg(ranked: list[str], judged: dict[str, int]) -> float:
    ideal = dcg(sorted(judged.values(), reverse=True)[:K])
    return dcg([judged.get(p, 0) for p in ranked[:K]]) / ideal if ideal else 0.0


def load() -> list[dict]:
    items = []
    for name in SETS:
        for line in (REPO / "bench" / "citizen" / name).open(encoding="utf-8"):
            if line.strip():
                items.append(json.loads(line))
    return items


def _path(p: str) -> str:
    return p if p.startswith("docs/") else "docs/" + p


def engine(index, q: str) -> list[str]:
    return [_path(h.doc.path) for h in index.search(Query(q=q, size=K, facets=False)).hits]


def jieba_bm25(index, q: str) -> list[str]:
    from bench.quality import baseline_plan

    raw = index.backend.search(baseline_plan(q), limit=K)
    docs = index.backend.fetch([h.id for h in raw.hits])
    return [_path(docs[h.id].path) for h in raw.hits if h.id in docs]


TIMES: list[float] = []  # seconds per query of the last score() run


def score(index, items: list[dict], system) -> dict[str, float]:
    """nDCG per query id (run times in TIMES)."""
    out = {}
    TIMES.clear()
    for it in items:
        t0 = time.perf_counter()
        ranked = system(index, it["q"])
        TIMES.append(time.perf_counter() - t0)
        out[it["id"]] = ndcg(ranked, {p: int(g) for p, g in it["judged"].items()})
    return out


def median_ms() -> float:
    return statistics.median(TIMES) * 1000


def table(items: list[dict], runs: dict[str, dict[str, float]]) -> str:
    """Rows: kind (then all); columns: each system's tune and held-out nDCG@10."""
    names = list(runs)
    head = "| kind | n tune/held | " + " | ".join(f"{n} tune | {n} held-out" for n in names) + " |"
    lines = [head, "|---|---:|" + "---:|" * (2 * len(names))]
    for kind in (*KINDS, "all"):
        sel = [it for it in items if kind in ("all", it["kind"])]
        tune = [it["id"] for it in sel if it["half"] == "tune"]
        held = [it["id"] for it in sel if it["half"] == "heldout"]
        cells = []
        for n in names:
            for ids in (tune, held):
                cells.append(f"{statistics.fmean(runs[n][i] for i in ids):.3f}" if ids else "–")
        label = f"**{kind}**" if kind == "all" else kind
        lines.append(f"| {label} | {len(tune)}/{len(held)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def means(items: list[dict], run: dict[str, float]) -> tuple[float, float]:
    t = [run[it["id"]] for it in items if it["half"] == "tune"]
    h = [run[it["id"]] for it in items if it["half"] == "heldout"]
    return statistics.fmean(t), statistics.fmean(h)


def row(name: str, t: float, h: float, ft: float, fh: float) -> str:
    """One ablation row: nDCG on both halves, the change against all methods on, median ms."""
    return f"| {name} | {t:.3f} | {h:.3f} | {t - ft:+.3f} | {h - fh:+.3f} | {median_ms():.1f} |"


def old_set(index) -> float:
    """nDCG@10 on the earlier judged set bench/queries.jsonl (grades under ``relevant``)."""
    vals = []
    for line in (REPO / "bench" / "queries.jsonl").open(encoding="utf-8"):
        it = json.loads(line)
        judged = {_path(p.removeprefix("docs/")): int(g) for p, g in it["relevant"].items()}
        vals.append(ndcg(engine(index, it["q"]), judged))
    return statistics.fmean(vals)


def latency(index, items: list[dict], base, method: str, rounds: int) -> None:
    """Median ms per query with ``method`` on and off, alternating rounds in one process (a
    loaded machine slows both alike, so the ratio is what to compare)."""
    if method not in {f.name for f in fields(base)}:
        sys.exit(f"unknown method {method!r}")
    times: dict[bool, list[float]] = {True: [], False: []}
    score(index, items, engine)  # warm caches
    for _ in range(rounds):
        for on in (False, True):
            citizen_words.use(replace(base, **{method: on}))
            score(index, items, engine)
            times[on].append(median_ms())
    citizen_words.use(base)
    off, on = statistics.median(times[False]), statistics.median(times[True])
    print(f"| `{method}` | median ms per query | rounds: {rounds} |")
    print("|---|---:|---|")
    print(f"| off | {off:.2f} | {', '.join(f'{t:.1f}' for t in times[False])} |")
    print(f"| on | {on:.2f} | {', '.join(f'{t:.1f}' for t in times[True])} |")
    print(f"| ratio on/off | {on / off:.2f}× | added {on - off:+.2f} ms |")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--off", default="", help="comma-separated methods to switch off")
    ap.add_argument("--on", default="", help="comma-separated methods to switch on")
    ap.add_argument("--ablation", action="store_true", help="one row per method switched off")
    ap.add_argument("--latency", metavar="METHOD", help="median ms per query, METHOD on vs off")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of --latency")
    ap.add_argument("--half", choices=("tune", "heldout"), help="only this half")
    ap.add_argument("-v", action="store_true", help="per-query nDCG (tune half only)")
    ap.add_argument("--unjudged", action="store_true", help="count unjudged docs in the top 10")
    args = ap.parse_args()
    index, _ = ci.corpus_index()
    index.lexicon.wait()  # every query planned with the public words' table
    citizen_words.load_lexicon(ci.OUT / "corpus")
    items = load()
    if args.half:
        items = [it for it in items if it["half"] == args.half]
    base = citizen_words.METHODS
    names = [f.name for f in fields(base)]
    off = [o for o in args.off.split(",") if o]
    on = [o for o in args.on.split(",") if o]
    for o in (*off, *on):
        if o not in names:
            sys.exit(f"unknown method {o!r}; methods: {', '.join(names)}")
    citizen_words.use(replace(base, **{o: False for o in off}, **{o: True for o in on}))

    if args.ablation:
        score(index, items, engine)  # warm caches (thesaurus, lexicon)
        full = score(index, items, engine)
        ft, fh = means(items, full)
        full_ms = median_ms()
        print(
            "| configuration | tune nDCG@10 | held-out nDCG@10 | Δ tune | Δ held-out | median ms |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        none = replace(base, **{n: False for n in names})
        citizen_words.use(none)
        r = score(index, items, engine)
        t, h = means(items, r)
        print(row("engine before issue 12 (all methods off)", t, h, ft, fh))
        for n in names:
            on = getattr(base, n)  # a method off by default gets the row with it switched on
            citizen_words.use(replace(base, **{n: not on}))
            r = score(index, items, engine)
            t, h = means(items, r)
            label = f"all methods but `{n}`" if on else f"all methods and `{n}` (off by default)"
            print(row(label, t, h, ft, fh))
        print(f"| **all methods on** | **{ft:.3f}** | **{fh:.3f}** | | | {full_ms:.1f} |")
        citizen_words.use(base)
        return

    if args.latency:
        latency(index, items, base, args.latency, args.rounds)
        return

    t0 = time.perf_counter()
    ours = score(index, items, engine)
    took = (time.perf_counter() - t0) / len(items) * 1000
    runs = {"engine": ours, "jieba BM25": score(index, items, jieba_bm25)}
    print(table(items, runs))
    print(f"\nmean engine time per query: {took:.1f} ms")
    print(f"old set bench/queries.jsonl nDCG@10: {old_set(index):.3f}")
    if args.unjudged:
        n = 0
        for it in items:
            if it["half"] == "heldout":
                n += sum(1 for p in engine(index, it["q"]) if p not in it["judged"])
        print(f"unjudged documents in the engine's held-out top {K}: {n}")
    if args.v:
        for it in sorted(items, key=lambda it: ours[it["id"]]):
            if it["half"] == "tune":
                print(f"{ours[it['id']]:.2f}  [{it['kind']}] {it['id']} {it['q']}")


if __name__ == "__main__":
    main()
