"""Hand pairs to a blind judge, and merge the grades back into the sets.

    python3 bench/citizen/judge_pairs.py export RUNS.json --half tune --weights 0.2,0.5 \
        --leg-alone --out pairs.jsonl [--split 3]
    python3 bench/citizen/judge_pairs.py engine --half heldout --out pairs.jsonl [--split 2]
    python3 bench/citizen/judge_pairs.py merge grades.jsonl [grades2.jsonl …]

``export`` reads the engine's and the leg's rankings that ``bge_leg.py --grid`` dumped, fuses
them at each weight as ``bge_leg.py`` does, and writes every (query, document) pair of the
chosen half's top 10s that no set has judged yet: the query, its kind and its writer's intent,
and the document's path, never the system or the rank that brought it (``--split N`` writes N
files with whole queries in each, for N judges). ``merge`` adds graded pairs
(``{"id", "path", "grade"}``) to ``judged`` and, when graded ≥ 2, to ``relevant`` of the set
holding the query; a pair already judged keeps its first grade. ``engine`` writes the pairs
of the engine's own top 10s (as ``eval.py`` runs it) that no set has judged yet.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.citizen import eval as ev  # noqa: E402

RRF_K = 60


def fuse(engine: list[str], leg: list[str], weight: float) -> list[str]:
    score: dict[str, float] = {}
    for rank, p in enumerate(engine):
        score[p] = score.get(p, 0.0) + 1.0 / (RRF_K + rank + 1)
    for rank, p in enumerate(leg):
        score[p] = score.get(p, 0.0) + weight / (RRF_K + rank + 1)
    return sorted(score, key=lambda p: -score[p])[: ev.K]


def engine_pairs(args: argparse.Namespace) -> None:
    import bench.corpus_index as ci
    from search_index import citizen_words

    items = {it["id"]: it for it in ev.load() if it["half"] == args.half}
    index, _ = ci.corpus_index()
    citizen_words.load_lexicon(ci.OUT / "corpus")
    pairs: dict[str, list[str]] = {}
    for qid, it in items.items():
        for p in ev.engine(index, it["q"]):
            if p not in it["judged"] and p not in pairs.setdefault(qid, []):
                pairs[qid].append(p)
    write_pairs(args, items, pairs)


def export(args: argparse.Namespace) -> None:
    items = {it["id"]: it for it in ev.load() if it["half"] == args.half}
    weights = [float(w) for w in args.weights.split(",") if w]
    pairs: dict[str, list[str]] = {}
    for runs_file in args.runs:
        runs = json.loads(Path(runs_file).read_text(encoding="utf-8"))
        for qid, it in items.items():
            if qid not in runs["engine"]:
                continue
            lists = [fuse(runs["engine"][qid], runs["leg"][qid], w) for w in weights]
            if args.leg_alone:
                lists.append(runs["leg"][qid][: ev.K])
            for ranked in lists:
                for p in ranked:
                    if p not in it["judged"] and p not in pairs.setdefault(qid, []):
                        pairs[qid].append(p)
    write_pairs(args, items, pairs)


def write_pairs(args: argparse.Namespace, items: dict, pairs: dict[str, list[str]]) -> None:
    qids = [q for q in items if pairs.get(q)]
    n = max(1, args.split)
    total = sum(len(pairs[q]) for q in qids)
    outs = [Path(args.out) if n == 1 else Path(f"{args.out}.{i + 1}") for i in range(n)]
    buckets: list[list[str]] = [[] for _ in range(n)]
    sizes = [0] * n
    for q in sorted(qids, key=lambda q: -len(pairs[q])):  # whole queries, balanced by pairs
        i = sizes.index(min(sizes))
        buckets[i].append(q)
        sizes[i] += len(pairs[q])
    for out, bucket in zip(outs, buckets, strict=True):
        with out.open("w", encoding="utf-8") as f:
            for q in sorted(bucket):
                it = items[q]
                for p in sorted(pairs[q]):
                    row = {"id": q, "q": it["q"], "kind": it["kind"], "intent": it["intent"],
                           "path": p}  # fmt: skip
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{total} pairs over {len(qids)} queries → {', '.join(map(str, outs))} ({sizes})")


def merge(args: argparse.Namespace) -> None:
    grades = []
    for g in args.grades:
        for line in Path(g).read_text(encoding="utf-8").splitlines():
            if line.strip():
                grades.append(json.loads(line))
    added = {0: 0, 1: 0, 2: 0, 3: 0}
    for name in ev.SETS:
        path = REPO / "bench" / "citizen" / name
        items = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        by_id = {it["id"]: it for it in items}
        changed = False
        for g in grades:
            it = by_id.get(g["id"])
            if it is None or g["path"] in it["judged"]:
                continue
            grade = int(g["grade"])
            if grade not in added:
                sys.exit(f"grade {grade!r} of {g['id']} {g['path']} is not 0–3")
            it["judged"][g["path"]] = grade
            if grade >= 2:
                it["relevant"][g["path"]] = grade
            added[grade] += 1
            changed = True
        if changed:
            with path.open("w", encoding="utf-8") as f:
                for it in items:
                    f.write(json.dumps(it, ensure_ascii=False) + "\n")
    counts = ", ".join(f"{k}: {v}" for k, v in added.items())
    print(f"added {sum(added.values())} grades: {counts}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("runs", nargs="+")
    e.add_argument("--half", choices=("tune", "heldout"), required=True)
    e.add_argument("--weights", default="0.2,0.35,0.5,0.75,1.0")
    e.add_argument("--leg-alone", action="store_true")
    e.add_argument("--out", required=True)
    e.add_argument("--split", type=int, default=1)
    g = sub.add_parser("engine")
    g.add_argument("--half", choices=("tune", "heldout"), required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--split", type=int, default=1)
    m = sub.add_parser("merge")
    m.add_argument("grades", nargs="+")
    args = ap.parse_args()
    {"export": export, "engine": engine_pairs, "merge": merge}[args.cmd](args)


if __name__ == "__main__":
    main()
