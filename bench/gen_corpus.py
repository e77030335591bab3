"""Synthetic N-document corpus built from the real documents, for scale benchmarks.

Each generated document takes a real *template* document (picked uniformly, so categories,
agencies and scripts keep the real mix): its catalog metadata and its title plus a suffix. The
body is the title line followed by real sentences (split on 。！？ and line ends) drawn at random
from all documents of the template's script, until the body reaches the template's length times
a jitter of 0.8–1.25, so sizes follow the real distribution. Everything comes from one seeded
`random.Random`, so the same (n, seed) always gives the same corpus, and the first m documents
of a larger run equal a run of m.

    python bench/gen_corpus.py                      # 100,000 docs into bench/out/gen100k
    python bench/gen_corpus.py --n 20000 --out /tmp/gen --seed 7
    python bench/gen_corpus.py --corpus samples     # templates from the 186 sample texts

As a library (streams, nothing written)::

    from bench.gen_corpus import generate
    for path, text, meta in generate(100_000, seed=1):
        ...   # path "docs/gen_000001.txt"; meta has the catalog.csv columns + script, template
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
COLUMNS = ["path", "title", "category", "agency", "doc_number", "date", "index_no", "validity",
           "disclosure"]
# A sentence: a run up to and including 。！？ (plus closing quotes/brackets), or up to a line end.
_SENTENCE = re.compile(r"[^。！？\n]*[。！？][”’」』）)]*|[^。！？\n]+(?=\n)|[^。！？\n]+$")
_LAST_NUMBER = re.compile(r"([0-9０-９]+)(?=[^0-9０-９]*$)")
# Small share of non-public documents so that benchmarks exercise the disclosure filter.
_NON_PUBLIC = (("on_request", 0.006), ("not_public", 0.003), ("draft", 0.001))
_SUFFIX = {"simplified": "（生成样本 {:06d}）", "traditional": "（生成樣本 {:06d}）"}


@dataclass(frozen=True)
class Template:
    path: str
    title: str
    category: str
    agency: str
    doc_number: str
    date: str
    index_no: str
    validity: str
    script: str
    length: int


@dataclass(frozen=True)
class SentencePool:
    texts: tuple[str, ...]  # each with its separator ("" after 。！？, "\n" at a line end)
    mean_len: float


def _repealed(text: str) -> bool:
    """Taiwan regulation whose last 沿革 entry is its own abolition (發布廢止 / 當然廢止)."""
    lines = text.split("\n")
    if "沿革" not in lines:
        return False
    entries: list[str] = []
    for line in lines[lines.index("沿革") + 1:]:
        if not line.strip():
            break
        if re.match(r"\s*\d+\.", line) or not entries:
            entries.append(line)
        else:
            entries[-1] += line
    last = re.sub(r"\s+", "", entries[-1]) if entries else ""
    if "當然廢止" in last:
        return True
    return "廢止" in last and "同時廢止" not in last and "並廢止" not in last


def _split_sentences(text: str) -> list[str]:
    out = []
    for m in _SENTENCE.finditer(text):
        s = m.group(0).strip()
        if len(s) < 4:
            continue
        end = m.end()
        sep = "\n" if end < len(text) and text[end] == "\n" else ""
        out.append(s + sep)
    return out


def _rows(corpus: Path) -> list[dict[str, str]]:
    """manifest.csv of the shared corpus, or catalog.csv of samples/ (docs/ rows only)."""
    manifest = corpus / "manifest.csv"
    if manifest.exists():
        with manifest.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    with (corpus / "catalog.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["path"].startswith("docs/")]
    traditional_sources = {"mojlaw", "tainan", "president"}
    for r in rows:  # samples/ has no script column: tell by the traditional-only sources
        traditional = r["path"].split("/")[1] in traditional_sources or r["path"].endswith(
            ("gwr_1954.txt", "changshu_2008.txt"))
        r["script"] = "traditional" if traditional else "simplified"
    return rows


@lru_cache(maxsize=4)
def load(corpus: Path = DEFAULT_CORPUS) -> tuple[tuple[Template, ...], dict[str, SentencePool]]:
    """Templates (manifest order) and one sentence pool per script."""
    templates: list[Template] = []
    pools: dict[str, list[str]] = {}
    for r in _rows(corpus):
        text = (corpus / r["path"]).read_text(encoding="utf-8")
        if not text.strip():
            continue
        script = r.get("script") or "simplified"
        validity = r.get("validity") or ("repealed" if r["path"].startswith("docs/mojlaw/")
                                         and _repealed(text) else "valid")
        templates.append(Template(r["path"], r["title"], r["category"], r["agency"],
                                  r["doc_number"], r["date"], r.get("index_no", ""), validity,
                                  script, len(text)))
        body = text.split("\n", 1)[1] if "\n" in text else text   # the title line is re-made
        pools.setdefault(script, []).extend(_split_sentences(body))
    if not templates:
        raise SystemExit(f"no documents found under {corpus}")
    out = {}
    for script, sentences in pools.items():
        out[script] = SentencePool(tuple(sentences),
                                   sum(map(len, sentences)) / max(1, len(sentences)))
    return tuple(templates), out


def _doc_number(template: str, rng_value: int) -> str:
    """The template's 文号 with its serial number replaced, so generated numbers rarely collide
    with real ones yet keep the real shape (〔2019〕, 第…號, full-width digits)."""
    m = _LAST_NUMBER.search(template)
    if not m:
        return template
    digits = str(rng_value)
    if any("０" <= c <= "９" for c in m.group(1)):
        digits = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return template[:m.start(1)] + digits + template[m.end(1):]


def generate(n: int = 100_000, seed: int = 1, corpus: Path = DEFAULT_CORPUS,
             scale: float = 1.0) -> Iterator[tuple[str, str, dict[str, str]]]:
    """Yield (path, text, meta) for n synthetic documents; deterministic for (n, seed, corpus).

    ``scale`` multiplies every target length (0.25 gives a median near 2.4 KB, the document
    size of the throughput figures in the design notes).
    """
    import random

    templates, pools = load(Path(corpus))
    rng = random.Random(seed)
    rand, randrange, choices = rng.random, rng.randrange, rng.choices
    for i in range(1, n + 1):
        t = templates[randrange(len(templates))]
        pool = pools.get(t.script) or next(iter(pools.values()))
        title = t.title + _SUFFIX.get(t.script, _SUFFIX["simplified"]).format(i)
        target = int(t.length * scale * (0.8 + 0.45 * rand()))
        parts = [title, "\n\n"]
        size = len(title) + 2
        while size < target:
            k = max(1, int((target - size) / pool.mean_len) + 1)
            batch = choices(pool.texts, k=k)
            parts.extend(batch)
            size += sum(map(len, batch))
        disclosure, r = "public", rand()
        for label, share in _NON_PUBLIC:
            if r < share:
                disclosure = label
                break
            r -= share
        path = f"docs/gen_{i:06d}.txt"
        meta = {
            "path": path, "title": title, "category": t.category, "agency": t.agency,
            "doc_number": _doc_number(t.doc_number, randrange(1, 100_000)) if t.doc_number else "",
            "date": t.date, "index_no": t.index_no, "validity": t.validity,
            "disclosure": disclosure, "script": t.script, "template": t.path,
        }
        yield path, "".join(parts), meta


def write(out: Path, n: int, seed: int, corpus: Path, scale: float = 1.0) -> tuple[int, int]:
    """Write <out>/docs/gen_NNNNNN.txt and <out>/catalog.csv; returns (documents, bytes)."""
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    count = total = 0
    with (out / "catalog.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for path, text, meta in generate(n, seed, corpus, scale):
            data = text.encode("utf-8")
            (out / path).write_bytes(data)
            writer.writerow(meta)
            count += 1
            total += len(data)
    return count, total


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="documents to generate (100000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "gen100k")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="shared corpus (manifest.csv) or samples/ (catalog.csv)")
    ap.add_argument("--no-write", action="store_true", help="only time the generator")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply document lengths (0.25: median ~2.4 KB)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    load(args.corpus)
    t1 = time.perf_counter()
    if args.no_write:
        count = total = 0
        for _, text, _ in generate(args.n, args.seed, args.corpus, args.scale):
            count += 1
            total += len(text)
        what = "characters"
    else:
        count, total = write(args.out, args.n, args.seed, args.corpus, args.scale)
        what = f"bytes into {args.out}"
    t2 = time.perf_counter()
    print(f"loaded templates and sentences in {t1 - t0:.1f} s; generated {count:,} documents, "
          f"{total:,} {what} in {t2 - t1:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
