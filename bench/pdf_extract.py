"""Benchmark the two PDF engines on the corpus PDFs: speed and agreement with the source text.

Usage: python bench/pdf_extract.py [--corpus PATH] [--repeat N]

For every PDF in ``files/pdf`` and ``files/original`` it extracts the text with pypdfium2 and
with pdfminer.six (in-process, no time-limit child, so only the parser is timed) and compares
the Han characters with the ``docs/`` text the file renders (``files/manifest.csv``):

* ``recall``: share of the source's Han characters found, in order, in the extraction
  (matching blocks of difflib over the two character sequences / source length);
* ``bag``: multiset overlap of characters / source length, ignoring order (tables and
  columns may come out in another order without losing anything).

Prints one row per file and a summary row per engine (median ms/page, mean recall/bag).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.formats.pdf import ENGINES, PdfOptions, extract_with  # noqa: E402


def han(text: str) -> str:
    """Only the Han characters: layout (spaces, line wraps, digits spacing) is not compared."""
    return "".join(c for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf")


def agreement(extracted: str, source: str) -> tuple[float, float]:
    """(in-order recall, bag-of-characters recall) of the source's Han characters."""
    a, b = han(extracted), han(source)
    if not b:
        return 1.0, 1.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in sm.get_matching_blocks())
    bag = sum((Counter(a) & Counter(b)).values())
    return matched / len(b), bag / len(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per file (min taken)")
    args = parser.parse_args()
    rows = [
        r
        for r in csv.DictReader((args.corpus / "files" / "manifest.csv").open(encoding="utf-8"))
        if r["format"] == "pdf" and r["path"].split("/")[1] in ("pdf", "original")
    ]
    results: dict[str, list[tuple[float, float, float]]] = {e: [] for e in ENGINES}
    print(f"{'file':42} {'pages':>5} " + " ".join(f"{e + ' ms/p':>15} {'recall':>6} {'bag':>6}"
                                               for e in ENGINES))  # fmt: skip
    for row in rows:
        data = (args.corpus / row["path"]).read_bytes()
        source = (args.corpus / row["source_doc"]).read_text(encoding="utf-8")
        cells = []
        pages = 1
        for engine in ENGINES:
            opts = PdfOptions(engine=engine, timeout=None)
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                extracted = extract_with(data, opts)
                best = min(best, time.perf_counter() - start)
            pages = int(extracted.properties.get("pages", "1"))
            recall, bag = agreement(extracted.title + "\n" + extracted.text, source)
            ms_page = best * 1000 / pages
            results[engine].append((ms_page, recall, bag))
            cells.append(f"{ms_page:15.1f} {recall:6.3f} {bag:6.3f}")
        name = row["path"].removeprefix("files/")
        print(f"{name[:42]:42} {pages:5d} " + " ".join(cells))
    print()
    print(f"{'engine':10} {'files':>5} {'median ms/page':>15} {'mean recall':>12} "
          f"{'min recall':>11} {'mean bag':>9}")  # fmt: skip
    for engine, res in results.items():
        print(
            f"{engine:10} {len(res):5d} {statistics.median(r[0] for r in res):15.1f} "
            f"{statistics.mean(r[1] for r in res):12.4f} {min(r[1] for r in res):11.4f} "
            f"{statistics.mean(r[2] for r in res):9.4f}"
        )


if __name__ == "__main__":
    main()
