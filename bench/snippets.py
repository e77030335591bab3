"""Which passage a result's snippet shows, judged blind: does it show the citizen the article
that answers the question?

    python bench/snippets.py dump --out after.json        # this checkout's top-5 snippets
    python bench/snippets.py pairs before.json after.json --out DIR   # blind A/B pairs
    python bench/snippets.py score                        # bench/snippets/judged.jsonl

``dump`` runs every question of ``bench/snippets/questions_*.txt`` (60 questions of measure
written blind by a helper that saw no result, and the 74 questions of QA pass 33a) and those
of the blind sets and life events that ask 几/多少/多久/多长/多大, on the whole-corpus index
(``bench/corpus_index.py``), and keeps each hit's snippet. ``pairs`` writes the hits whose
snippet differs between two dumps (same document at the same rank) as pairs A/B in a random
order, with the key apart, for judges who see neither the code nor which is which; ``score``
counts the verdicts kept in ``judged.jsonl`` (one line per changed snippet: both snippets,
which was better, the judge's reason).
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HERE = REPO / "bench" / "snippets"
ASKS = re.compile(r"几|多少|多久|多长|多大")


def questions() -> list[str]:
    qs: list[str] = []
    for name in ("citizen/set1.jsonl", "citizen/set2.jsonl", "queries.jsonl"):
        for line in (REPO / "bench" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                qs.append(json.loads(line)["q"])
    events = tomllib.loads((REPO / "search_index/data/life_events.toml").read_text("utf-8"))
    qs += [item["text"] for event in events["event"] for item in event.get("questions", [])]
    asked = [q for q in dict.fromkeys(qs) if ASKS.search(q)]
    for f in sorted(HERE.glob("questions_*.txt")):
        asked += [line.strip() for line in f.read_text("utf-8").splitlines() if line.strip()]
    return list(dict.fromkeys(asked))


def dump(out: Path) -> None:
    sys.path.insert(0, str(REPO))
    import bench.corpus_index as ci
    from search_index import citizen_words
    from search_index.request import Query

    index, _ = ci.corpus_index()
    index.lexicon.wait()
    citizen_words.load_lexicon(ci.OUT / "corpus")
    found = {}
    for q in questions():
        res = index.search(Query(q=q, size=5))
        found[q] = [(h.doc.path, h.doc.title, h.snippet) for h in res.hits]
    out.write_text(json.dumps(found, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(found)} questions → {out}")


def pairs(before: Path, after: Path, out: Path, seed: int = 34) -> None:
    b, a = (json.loads(p.read_text("utf-8")) for p in (before, after))
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    key, lines = {}, []
    for q in a:
        for (path, title, new), (path0, _, old) in zip(a[q], b.get(q, []), strict=False):
            if path != path0 or new == old:
                continue
            pid = f"p{len(key) + 1:03d}"
            flip = rng.random() < 0.5
            first, second = (new, old) if flip else (old, new)
            key[pid] = "A=after" if flip else "A=before"
            lines.append(f"## {pid}\nQuestion: {q}\nDocument: {title} (corpus file docs/{path})"
                         f"\n\nA: {first}\n\nB: {second}\n")  # fmt: skip
    (out / "pairs.md").write_text("\n".join(lines), encoding="utf-8")
    (out / "key.json").write_text(json.dumps(key), encoding="utf-8")
    print(f"{len(key)} pairs → {out / 'pairs.md'} (key apart: {out / 'key.json'})")


def score(judged: Path) -> None:
    rows = [json.loads(line) for line in judged.read_text("utf-8").splitlines() if line]
    kind = {q: f.stem.removeprefix("questions_") for f in HERE.glob("questions_*.txt")
            for q in f.read_text("utf-8").splitlines()}  # fmt: skip
    by: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for r in rows:
        by[kind.get(r["q"], "sets")][r["better"]] += 1
        by["all"][r["better"]] += 1
    print("| questions | changed snippets | after better | equal | before better | not judged |")
    print("|---|---:|---:|---:|---:|---:|")
    for k in (*sorted(k for k in by if k != "all"), "all"):
        c = by[k]
        print(f"| {k} | {sum(c.values())} | {c['after']} | {c['same']} | {c['before']} "
              f"| {c['unjudged']} |")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("pairs")
    p.add_argument("before", type=Path)
    p.add_argument("after", type=Path)
    p.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("score")
    s.add_argument("judged", type=Path, nargs="?", default=HERE / "judged.jsonl")
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.out)
    elif args.cmd == "pairs":
        pairs(args.before, args.after, args.out)
    else:
        score(args.judged)


if __name__ == "__main__":
    main()
