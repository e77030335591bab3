"""Duplicate check: accuracy on a labelled set built from the real corpus, latency at 100k docs.

    python bench/duplicates.py [--n 100000] [--workdir /tmp/govsearch-dupbench] [--runs 3]

The index holds the 6,337 real corpus documents plus synthetic filler up to ``--n``
(``bench.gen_corpus.generate(n, seed)`` when that module exists, else real sentences of the same
category shuffled into new documents, see :func:`filler`). It is built once in ``--workdir``.

Labelled drafts (each a real document, its expected match):
  controlled edits of sampled documents — a sentence added / deleted, a paragraph deleted,
  two paragraphs swapped, every number and year changed, Simplified↔Traditional (OpenCC),
  full-width digits, wrapped in a 转发 notice, a middle excerpt (containment), 30% of
  sentences deleted (a weak edit: reported only if it still passes the threshold);
  the corpus's rendered files (PDF/DOCX/HTML/TXT through the ingest extractors) against the
  text they render; the real pairs of duplicates.csv.
Hard negatives: pairs of different documents from the same agency and category (same
template, different content), the most similar first by MinHash estimate.

Ground truth of a pair is its exact overlap on the texts; a pair *must* be found when its
resemblance ≥ 0.8 or a containment ≥ 0.9. Recall = such pairs reported with a textual reason.
Precision = reported textual candidates that are the expected document or a document whose
text itself overlaps the expected one (its other versions / copies in the corpus), over all
reported textual candidates, plus every hard negative reported.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import opencc  # noqa: E402

from analyzers.signatures import overlap, signature_of  # noqa: E402
from duplicates.check import TEXT_REASONS, Draft, check  # noqa: E402
from model.document import Document  # noqa: E402
from model.viewer import STAFF  # noqa: E402
from search_index.embedded import EmbeddedIndex  # noqa: E402
from search_index.prepare import prepare  # noqa: E402
from tests.corpus import corpus_document  # noqa: E402

_SENT = re.compile(r"[^。！？；\n]+[。！？；]?")


def filler(n: int, seed: int, rows: list[dict[str, str]], corpus: Path):
    """Synthetic documents: a real title, then 8–40 real sentences of the same category.

    Sentences are drawn at random from all documents of the category, so a filler document
    shares at most a sentence or two with any one real document (realistic background noise
    for candidates), while its vocabulary and length are those of the corpus.
    """
    import dataclasses
    import hashlib

    def document(base: Document, path: str, text: str, title: str) -> Document:
        return dataclasses.replace(
            base,
            id=hashlib.sha1(path.encode()).hexdigest()[:16],
            path=path,
            text=text,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            size=len(text.encode()),
            meta=dataclasses.replace(base.meta, title=title),
        )

    try:
        from bench.gen_corpus import generate  # another engineer's generator, when present
    except ImportError:
        generate = None
    if generate is not None:  # (path, text, meta) each: a Document of a corpus one's form
        base = corpus_document(rows[0]["path"])
        for path, text, meta in generate(n, seed):
            yield document(base, f"synthetic/{path}", text, meta.get("title", base.meta.title))
        return
    rng = random.Random(seed)
    pools: dict[str, list[str]] = defaultdict(list)
    for r in rows[::3]:
        text = (corpus / r["path"]).read_text(encoding="utf-8")
        pools[r["category"]].extend(s.strip() for s in _SENT.findall(text)[:200] if len(s) > 8)
    cats = [c for c in pools if len(pools[c]) > 100]
    bases = [corpus_document(r["path"]) for r in rng.sample(rows, 500)]
    for i in range(n):
        base = bases[rng.randrange(len(bases))]
        r = {"title": base.meta.title, "category": base.meta.category}
        cat = r["category"] if r["category"] in cats else rng.choice(cats)
        pool = pools[cat]
        body = "".join(pool[rng.randrange(len(pool))] for _ in range(rng.randint(8, 40)))
        text = f"{r['title']}\n{body}"
        yield document(base, f"synthetic/{i:06d}.txt", text, base.meta.title)


def build(workdir: Path, n: int, rows: list[dict[str, str]], corpus: Path) -> EmbeddedIndex:
    marker = workdir / f"built-{n}"
    backend = EmbeddedIndex(workdir / "index")
    if marker.exists():
        return backend
    t0 = time.perf_counter()
    real = (prepare(corpus_document(r["path"]), "corpus") for r in rows)
    extra = (prepare(d, "synthetic") for d in filler(max(0, n - len(rows)), 7, rows, corpus))
    ok = sum(1 for r in backend.write(real) if r.ok) + sum(1 for r in backend.write(extra) if r.ok)
    print(f"built {ok} documents in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    marker.write_text(str(ok))
    return backend


# -- labelled drafts -----------------------------------------------------------------------
def _sentences(text: str) -> list[str]:
    return [s for s in _SENT.findall(text) if s.strip()]


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def edits(text: str, script: str, rng: random.Random, donor: str) -> dict[str, str]:
    sents = _sentences(text)
    paras = _paragraphs(text)
    out: dict[str, str] = {}
    donor_sents = [s for s in _sentences(donor) if len(s) > 15] or ["本办法自发布之日起施行。"]
    if len(sents) >= 3:
        s = list(sents)
        s.insert(rng.randrange(len(s)), rng.choice(donor_sents))
        out["sentence added"] = "".join(s)
        s = list(sents)
        del s[rng.randrange(1, len(s))]
        out["sentence deleted"] = "".join(s)
        keep = [x for x in sents if rng.random() > 0.3]
        out["30% sentences deleted"] = "".join(keep)
    if len(paras) >= 4:
        p = list(paras)
        del p[rng.randrange(1, len(p))]
        out["paragraph deleted"] = "\n".join(p)
        p = list(paras)
        i, j = rng.sample(range(1, len(p)), 2)
        p[i], p[j] = p[j], p[i]
        out["paragraphs reordered"] = "\n".join(p)
    out["numbers and dates changed"] = re.sub(
        r"\d+", lambda m: str(int(m.group()) + 1) if len(m.group()) < 12 else m.group(), text
    )
    conv = opencc.OpenCC("t2s" if script == "traditional" else "s2t")
    out["script converted"] = conv.convert(text)
    out["full-width digits"] = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    title = paras[0][:40] if paras else ""
    out["forwarding wrapper"] = (
        f"关于转发《{title}》的通知\n各区人民政府，市政府各委、办、局：\n"
        f"现将《{title}》转发给你们，请结合实际，认真贯彻执行。\n{text}\n"
        "某市人民政府办公室\n2024年3月1日\n抄送：市委办公室，市人大常委会办公室。\n"
    )
    if len(text) >= 1500:
        a = len(text) // 3
        out["excerpt (a third)"] = text[a : 2 * a]
    return out


def labelled(rows: list[dict[str, str]], corpus: Path, seed: int, n_bases: int):
    """``(kind, draft text, expected path, the draft's own indexed path or None)``."""
    rng = random.Random(seed)
    dup_paths = _dup_groups(corpus)
    by_source: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        size = (corpus / r["path"]).stat().st_size
        if 600 <= size <= 80_000 and r["path"] not in dup_paths:
            by_source[r["path"].split("/")[1]].append(r)
    bases = []
    while len(bases) < n_bases:
        for src in sorted(by_source):
            if by_source[src] and len(bases) < n_bases:
                bases.append(by_source[src].pop(rng.randrange(len(by_source[src]))))
    for r in bases:
        text = (corpus / r["path"]).read_text(encoding="utf-8")
        donor = (corpus / rng.choice(rows)["path"]).read_text(encoding="utf-8")
        for kind, draft in edits(text, r["script"], rng, donor).items():
            yield kind, draft, r["path"], None
    from ingest.formats.registry import extract

    with open(corpus / "files" / "manifest.csv", encoding="utf-8") as fh:
        for f in csv.DictReader(fh):
            if not f["source_doc"] or f["path"].startswith("files/broken"):
                continue
            try:
                fmt, ex = extract((corpus / f["path"]).read_bytes(), Path(f["path"]).name)
            except Exception as exc:  # noqa: BLE001 - a bench reports, it does not stop
                print(f"skip {f['path']}: {exc}", file=sys.stderr)
                continue
            yield f"rendered as {fmt}", ex.text, f["source_doc"], None
    with open(corpus / "duplicates.csv", encoding="utf-8") as fh:
        groups: dict[str, list[dict[str, str]]] = defaultdict(list)
        for g in csv.DictReader(fh):
            groups[g["group"]].append(g)
    for members in groups.values():
        a, b = members[0], members[1]
        text = (corpus / a["path"]).read_text(encoding="utf-8")
        yield f"duplicates.csv {a['kind']}", text, b["path"], a["path"]


def _dup_groups(corpus: Path) -> set[str]:
    with open(corpus / "duplicates.csv", encoding="utf-8") as fh:
        return {r["path"] for r in csv.DictReader(fh)}


def hard_negatives(rows: list[dict[str, str]], corpus: Path, seed: int, n: int):
    """Pairs of different documents of one agency and category, most similar first."""
    from analyzers.signatures import estimate

    rng = random.Random(seed)
    dup_paths = _dup_groups(corpus)
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in rows:
        if r["agency"] and r["path"] not in dup_paths:
            groups[(r["agency"], r["category"])].append(r["path"])
    pairs = []
    for paths in groups.values():
        if len(paths) < 2:
            continue
        sample = rng.sample(paths, min(len(paths), 12))
        sigs = {p: signature_of((corpus / p).read_text(encoding="utf-8")) for p in sample}
        for i, a in enumerate(sample):
            for b in sample[i + 1 :]:
                sa, sb = sigs[a], sigs[b]
                est = estimate(sa.minhash, sa.size, sb.minhash, sb.size).resemblance
                pairs.append((est, a, b))
    pairs.sort(reverse=True)
    return [(a, b) for _, a, b in pairs[:n]]


# -- running -------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/govsearch-dupbench"))
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--bases", type=int, default=120)
    ap.add_argument("--negatives", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--build-only", action="store_true")
    args = ap.parse_args()
    with open(args.corpus / "manifest.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    backend = build(args.workdir, args.n, rows, args.corpus)
    if args.build_only:
        return
    total_docs = backend.count()
    id_of = {r["path"]: corpus_document(r["path"]).id for r in rows}
    path_of = {v: k for k, v in id_of.items()}
    texts: dict[str, str] = {}

    def text(path: str) -> str:
        if path not in texts:
            texts[path] = (args.corpus / path).read_text(encoding="utf-8")
        return texts[path]

    def related(a_path: str, b_path: str) -> bool:
        """The corpus itself holds these two as copies/versions of one text."""
        o = overlap(signature_of(text(a_path)).shingles, signature_of(text(b_path)).shingles)
        return o.resemblance >= 0.5 or max(o.containment, o.reverse_containment) >= 0.8

    drafts = list(labelled(rows, args.corpus, 11, args.bases))
    negatives = hard_negatives(rows, args.corpus, 13, args.negatives)
    latencies: list[list[float]] = []
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    tp = fp = 0
    fp_examples: list[str] = []
    for run in range(args.runs):
        times: list[float] = []
        for kind, draft, expected, own in drafts:
            t0 = time.perf_counter()
            res = check(
                backend,
                Draft(draft),
                viewer=STAFF,
                threshold=args.threshold,
                exclude=[id_of[own]] if own else (),
            )
            times.append((time.perf_counter() - t0) * 1000)
            if run:
                continue
            truth = overlap(signature_of(draft).shingles, signature_of(text(expected)).shingles)
            contained = max(truth.containment, truth.reverse_containment)
            must = truth.resemblance >= 0.8 or contained >= 0.9
            textual = [c for c in res.candidates if TEXT_REASONS & set(c.reasons)]
            hit = any(c.doc.path == expected for c in textual)
            k = by_kind[kind]
            k["drafts"] += 1
            k["must"] += must
            k["found_must"] += must and hit
            k["found"] += hit
            for c in textual:
                if c.doc.path == expected or (
                    c.doc.path in id_of
                    and (related(c.doc.path, expected) or own and related(c.doc.path, own))
                ):
                    tp += 1
                else:
                    fp += 1
                    fp_examples.append(f"{kind}: {expected} -> {c.doc.path} {c.reasons}")
        for a, b in negatives:
            t0 = time.perf_counter()
            res = check(
                backend, Draft(text(a)), viewer=STAFF, threshold=args.threshold, exclude=[id_of[a]]
            )
            times.append((time.perf_counter() - t0) * 1000)
            if run:
                continue
            k = by_kind["hard negative (same agency+category)"]
            k["drafts"] += 1
            for c in res.candidates:
                if c.doc.path == b and TEXT_REASONS & set(c.reasons):
                    if related(a, b):
                        k["related"] += 1  # the corpus holds them as copies: not an error
                    else:
                        fp += 1
                        k["reported"] += 1
                        fp_examples.append(f"hard negative: {a} -> {b} {c.reasons}")
        latencies.append(times)
    _ = path_of
    must = sum(k["must"] for k in by_kind.values())
    found = sum(k["found_must"] for k in by_kind.values())
    p50 = statistics.median(statistics.median(t) for t in latencies)
    p95 = statistics.median(statistics.quantiles(t, n=20)[18] for t in latencies)
    print(f"\nindex: {total_docs} documents (embedded); threshold {args.threshold}; "
          f"{len(drafts)} labelled drafts, {len(negatives)} hard-negative pairs\n")
    print("| draft kind | drafts | must find (R≥0.8 or C≥0.9) | found of those | found (all) |")
    print("|---|---:|---:|---:|---:|")
    for kind in sorted(by_kind):
        k = by_kind[kind]
        if kind.startswith("hard negative"):
            continue
        print(f"| {kind} | {k['drafts']} | {k['must']} | {k['found_must']} | {k['found']} |")
    hn = by_kind["hard negative (same agency+category)"]
    print(f"\nhard negatives: {hn['drafts']} pairs, {hn['reported']} wrongly reported, "
          f"{hn['related']} reported but textually copies of each other")
    print("\n| recall (must-find pairs) | precision | check p50 | check p95 |")
    print("|---:|---:|---:|---:|")
    print(f"| {found / max(1, must):.4f} ({found}/{must}) | {tp / max(1, tp + fp):.4f} "
          f"({tp}/{tp + fp}) | {p50:.1f} ms | {p95:.1f} ms |")
    per_run = ", ".join(f"{statistics.quantiles(t, n=20)[18]:.1f}" for t in latencies)
    print(f"\nlatency over {args.runs} runs of {len(latencies[0])} checks each "
          f"(p95 per run: {per_run} ms)")
    for e in fp_examples[:30]:
        print("FP", e)
    missed = json.dumps({k: dict(v) for k, v in by_kind.items()}, ensure_ascii=False)
    print(missed, file=sys.stderr)


if __name__ == "__main__":
    main()
