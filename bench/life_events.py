"""How well the life-event way in answers its questions, judged blind, on the whole corpus.

    python3 bench/life_events.py pairs --out pairs.jsonl   # what a judge grades
    python3 bench/life_events.py score [grades.jsonl]      # the table for bench/README.md

For every question of the shipped table (``search_index/data/life_events.toml``) two result
lists are pooled: the search its link runs (the documents' words, ``"丧葬补助金" OR "丧葬费"``)
and the question typed as it is (``家人去世，丧葬费怎么领``: the citizens'-words engine). ``pairs``
writes each (question, document) of their top 5s once, with the question and the document's
path only — never which list brought it or at what rank — so a judge who has not seen the table's
searches grades 0 (does not help), 1 (related) or 2 (answers it). ``score`` prints, for both
lists, precision at 5 (grade 2, and grade ≥ 1), nDCG@5 and the questions with an answer in the
top 5, by event. The index is ``bench/corpus_index.py``'s (with ``govsearch embed`` run on it,
the typed questions are also searched by meaning, as a server does).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

K = 5
JUDGED = REPO / "bench" / "life_events_judged"  # the pooled lists and their blind grades
LISTS = JUDGED / "lists.json"
SYSTEMS = ("link", "typed")


def _lists(systems: tuple[str, ...]) -> list[dict]:
    import bench.corpus_index as ci
    from search_index import citizen_words, life_events
    from search_index.request import Query

    index, _ = ci.corpus_index()
    citizen_words.load_lexicon(ci.OUT / "corpus")

    def top(q: str, script: str = "") -> list[str]:
        query = Query(q=q, size=K, facets=False, script=script)
        return [h.doc.path for h in index.search(query).hits]

    out = []
    for event in life_events.load():
        for n, question in enumerate(event.questions, 1):
            item = {"qid": f"{event.id}/{n}", "event": event.name, "question": question.text}
            if "link" in systems:
                item["link"] = top(question.q, life_events.reader_script(question))
            if "typed" in systems:
                item["typed"] = top(question.text)
            out.append(item)
    return out


def pairs(args: argparse.Namespace) -> None:
    """Writes the pairs no earlier ``pairs`` run wrote (a second run adds a system's lists)."""
    systems = tuple(args.systems.split(","))
    saved = LISTS
    lists = _lists(systems)
    done: set[tuple[str, str]] = set()
    if saved.exists():
        old = {it["qid"]: it for it in json.loads(saved.read_text("utf-8"))}
        for item in lists:
            before = old.get(item["qid"], {})
            done |= {(item["qid"], p) for s in SYSTEMS for p in before.get(s, [])}
            item.update({s: before[s] for s in SYSTEMS if s in before and s not in item})
    saved.parent.mkdir(exist_ok=True)
    saved.write_text(json.dumps(lists, ensure_ascii=False, indent=1), encoding="utf-8")
    with open(args.out, "w", encoding="utf-8") as f:
        for item in lists:
            listed = [p for s in SYSTEMS for p in item.get(s, [])]
            for path in dict.fromkeys(p for p in listed if (item["qid"], p) not in done):
                f.write(json.dumps({"qid": item["qid"], "question": item["question"],
                                    "life_event": item["event"], "path": path},
                                   ensure_ascii=False) + "\n")  # fmt: skip
    print(f"{sum(1 for _ in open(args.out, encoding='utf-8'))} pairs → {args.out}")


def _dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def score(args: argparse.Namespace) -> None:
    lists = json.loads(LISTS.read_text("utf-8"))
    grades: dict[tuple[str, str], int] = {}
    for name in args.grades:
        for line in open(name, encoding="utf-8"):
            if line.strip():
                g = json.loads(line)
                grades[(g["qid"], g["path"])] = int(g["grade"])
    rows: dict[str, dict[str, list[float]]] = {}
    for item in lists:
        both = dict.fromkeys(p for s in SYSTEMS for p in item.get(s, []))
        pooled = [grades.get((item["qid"], p), 0) for p in both]
        ideal = _dcg(sorted(pooled, reverse=True)[:K])
        for system in (s for s in SYSTEMS if s in item):
            g = [grades.get((item["qid"], p), 0) for p in item[system]]
            for ev in (item["event"], "all"):
                r = rows.setdefault(ev, {}).setdefault(system, [])
                r.append((
                    sum(x == 2 for x in g) / K,
                    sum(x >= 1 for x in g) / K,
                    _dcg(g) / ideal if ideal else 0.0,
                    1.0 if 2 in g else 0.0,
                ))  # type: ignore[arg-type]  # fmt: skip
    print("| event | questions | link P@5 (2) | link P@5 (≥1) | link nDCG@5 | link answered "
          "| typed P@5 (2) | typed P@5 (≥1) | typed nDCG@5 | typed answered |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for ev, systems in sorted(rows.items(), key=lambda kv: kv[0] == "all"):
        cells = []
        for system in SYSTEMS:
            vals = systems.get(system)
            if not vals:
                cells += ["—"] * 4
                continue
            means = [sum(v[i] for v in vals) / len(vals) for i in range(4)]  # type: ignore[index]
            cells += [f"{means[0]:.2f}", f"{means[1]:.2f}", f"{means[2]:.3f}",
                      f"{int(sum(v[3] for v in vals))}/{len(vals)}"]  # type: ignore[index]
        name = f"**{ev}**" if ev == "all" else ev
        print(f"| {name} | {len(systems['link'])} | " + " | ".join(cells) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pairs")
    p.add_argument("--out", default="bench/out/life_events_pairs.jsonl")
    p.add_argument("--systems", default="link,typed", help="link, typed or both")
    s = sub.add_parser("score")
    s.add_argument("grades", nargs="*", default=[str(JUDGED / "grades.jsonl")])
    args = ap.parse_args()
    {"pairs": pairs, "score": score}[args.cmd](args)


if __name__ == "__main__":
    main()
