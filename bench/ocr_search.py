"""Is a scanned page found by a phrase from it? End to end: render, ingest with OCR, search.

Pages are rendered from real corpus texts (``bench/ocr_pages.py``: GB/T 9704 body pages at
200 dpi, Simplified and Traditional, clean and degraded as a cheap office scanner degrades them)
and saved as PNG files in a folder; a background of real corpus documents goes into the same
index (the pages' own source documents left out, so the scan is the only holder of its text).
Both are ingested with ``govsearch ingest`` (OCR on, the default engine). Then, per page, 5
random 6-character phrases of what the page shows are searched **unquoted**, as a citizen
types them, and the page counts as found when it is in the top 3. A phrase is 6 Han characters
printed one after another on the page (inside one run of Han characters: 月日山东省第, what is
left of "5月1日山东省第" once its digits are dropped, is not something anyone reads or types).

    nice python3 bench/ocr_search.py [--pages 24] [--background 1500] [--keep DIR]

``--keep DIR`` keeps the folder (pages, background, index) for a look at what outranks a page.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.ocr_pages import body_page, degrade  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"  # ../shared/corpus beside the checkout
PHRASES_PER_PAGE = 5
TOP = 3


_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{6,}")


def phrases(text: str, name: str, n: int = PHRASES_PER_PAGE) -> list[str]:
    """``n`` 6-character phrases of the page, the same for the same page name: each a window
    of a run of Han characters as printed (line breaks of the page layout joined)."""
    joined = "".join(text.split())
    starts = [(m.group(), i) for m in _HAN_RUN.finditer(joined)
              for i in range(len(m.group()) - 5)]  # fmt: skip
    rnd = random.Random(name)
    return [run[i : i + 6] for run, i in rnd.sample(starts, min(n, len(starts)))]


def _rows(script: str) -> list[dict[str, str]]:
    with open(CORPUS / "manifest.csv", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["script"] == script and
                r["path"].endswith(".txt")]  # fmt: skip


def build(folder: Path, pages: int, background: int, seed: int) -> dict[str, tuple[str, str]]:
    """Write ``scans/`` and ``background/`` under ``folder``; returns file → (set, truth)."""
    rnd = random.Random(seed)
    scans, bg = folder / "scans", folder / "background"
    scans.mkdir()
    bg.mkdir()
    truth: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for script, tag in (("simplified", "简"), ("traditional", "繁")):
        rows = _rows(script)
        rnd.shuffle(rows)
        chosen = [r for r in rows if len((CORPUS / r["path"]).read_text("utf-8")) > 1200]
        for i, row in enumerate(chosen[: pages // 2]):
            used.add(row["path"])
            page = body_page((CORPUS / row["path"]).read_text("utf-8"), script, 200)
            kind = "clean"
            if i % 2:
                kind = ("skew", "blur", "noise", "all")[(i // 2) % 4]
                page = degrade(page, seed + i, kind=kind)
            name = f"{tag}-{i:02d}.png"
            page.image.save(scans / name)
            truth[name] = (f"{tag} {'clean' if kind == 'clean' else 'degraded'}", page.truth)
    others = [r for r in _rows("simplified") + _rows("traditional") if r["path"] not in used]
    rnd.shuffle(others)
    for j, row in enumerate(others[:background]):
        (bg / f"{j:05d}.txt").write_bytes((CORPUS / row["path"]).read_bytes())
    return truth


def ingest(data: Path, folder: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "govsearch.cli", "--data-dir", str(data), "ingest", str(folder),
         "--quiet", "--ocr"],
        check=True, cwd=REPO,
    )  # fmt: skip
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=24)
    ap.add_argument("--background", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--keep", type=Path, help="build here and keep it (must not exist)")
    args = ap.parse_args()

    from model.viewer import STAFF
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from search_index.request import Query

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.keep:
            args.keep.mkdir(parents=True)
            root = args.keep
        truth = build(root, args.pages, args.background, args.seed)
        data = root / "data"
        seconds = ingest(data, root / "background")
        ocr_seconds = ingest(data, root / "scans")
        print(f"ingested {args.background} background documents in {seconds:.0f} s and "
              f"{len(truth)} scanned pages in {ocr_seconds:.0f} s", file=sys.stderr)
        index = SearchIndex(EmbeddedIndex(data))
        found: dict[str, list[bool]] = {}
        ranks: list[int] = []
        distinctive: list[bool] = []  # phrases at most TOP documents hold verbatim
        common: list[tuple[str, int, int]] = []
        for name, (set_name, text) in sorted(truth.items()):
            for phrase in phrases(text, name):
                hits = index.search(Query(q=phrase, size=10, viewer=STAFF, facets=False))
                paths = [h.doc.path for h in hits.hits]
                rank = paths.index(name) + 1 if name in paths else 99
                ranks.append(rank)
                found.setdefault(set_name, []).append(rank <= TOP)
                # how many documents hold the phrase verbatim: beyond TOP, no order can win
                holders = index.search(Query(q=f'"{phrase}"', size=1, viewer=STAFF,
                                             facets=False)).total  # fmt: skip
                if holders <= TOP:
                    distinctive.append(rank <= TOP)
                else:
                    common.append((phrase, holders, rank))
        index.close()
    print(f"| page set | pages | phrases | found in the top {TOP} |")
    print("|---|---:|---:|---:|")
    every: list[bool] = []
    for set_name, hits in sorted(found.items()):
        every += hits
        print(f"| {set_name} | {len(hits) // PHRASES_PER_PAGE} | {len(hits)} | "
              f"{100 * sum(hits) / len(hits):.0f}% |")
    print(f"| **all** | {len(every) // PHRASES_PER_PAGE} | {len(every)} | "
          f"**{100 * sum(every) / len(every):.0f}%** |")
    print(f"| phrases held verbatim by ≤ {TOP} documents | | {len(distinctive)} | "
          f"{100 * sum(distinctive) / max(1, len(distinctive)):.0f}% |")
    print(f"\nmedian rank {statistics.median(ranks):g}; top 1: "
          f"{100 * sum(r == 1 for r in ranks) / len(ranks):.0f}%; phrases more than {TOP} "
          f"documents hold: {len(common)}, e.g. "
          + ", ".join(f"{p} ({n} documents, rank {r})" for p, n, r in common[:6]))


if __name__ == "__main__":
    main()
