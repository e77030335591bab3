"""OCR engines compared on pages rendered from real corpus texts, and on the corpus's real scan.

For each installed engine (``ingest.ocr.engines``) this measures character accuracy
(1 − CER on Han characters, reading order included), CPU seconds and wall seconds per page,
and the peak RSS of the process doing the recognition (engine subprocesses included). Each
engine runs in a fresh process so that one's memory does not count against another.

Page sets (``bench/ocr_pages.py`` renders them; texts are real documents from
``../shared/corpus``): clean GB/T 9704 body pages in Simplified and Traditional at 300 and
200 dpi; the same degraded (skew ±1–2°, blur, noise + JPEG, all three); a two-column page; a
ruled table; and the corpus's image-only PDF (``files/broken/broken_scanned_no_text.pdf``, a
110 dpi grey scan) with the text of the PDF it was scanned from as truth.

Pages of one set and script form one document, as in ingest: an engine that must guess the
script (Tesseract: one model per script) guesses on the first page and keeps its answer.

    nice python bench/ocr.py [--pages 2] [--runs 1] [--engines rapidocr,tesseract]

``rapidocr@960`` is RapidOCR with the settings it had before the speed work: a fixed 960 px
detector and lines recognised at full width, so that the two can be compared in one run
(runs alternate between the engines; the ratio is taken page by page).

This machine is shared and noisy: CPU seconds per page are the steadier speed figure
(pages/s/core = 1 / CPU s); medians are over every page of every run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ocr_pages import (  # noqa: E402
    Page,
    alnum_accuracy,
    body_page,
    char_accuracy,
    degrade,
    han,
    table_page,
    two_column_page,
)

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"  # ../shared/corpus beside the checkout
KINDS = ("skew", "blur", "noise", "all")


def _docs(script: str, n: int, rnd: random.Random) -> list[tuple[str, str]]:
    with open(CORPUS / "manifest.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["script"] == script]
    rnd.shuffle(rows)
    out = []
    for row in rows:
        text = (CORPUS / row["path"]).read_text(encoding="utf-8")
        if len(text) < 1500:
            continue
        paras = text.split("\n")
        start = rnd.randrange(0, max(1, len(paras) // 3))
        out.append((row["path"], "\n".join(paras[start:])))
        if len(out) == n:
            break
    return out


def _table_rows(script: str, rnd: random.Random) -> list[tuple[str, ...]]:
    with open(CORPUS / "manifest.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["script"] == script and r["agency"]]
    rnd.shuffle(rows)
    head = ("序號", "文件名稱", "發布機關", "日期") if script == "traditional" else (
        "序号", "文件名称", "发布机构", "日期")
    body = [(str(i + 1), r["title"][:16], r["agency"][:12], r["date"]) for i, r in
            enumerate(rows[:14])]
    return [head, *body]


def build_pages(n: int, seed: int = 14) -> list[tuple[str, str, Page]]:
    """``(set, script, page)`` for every page of the benchmark."""
    rnd = random.Random(seed)
    out: list[tuple[str, str, Page]] = []
    for script, tag in (("simplified", "简"), ("traditional", "繁")):
        docs = _docs(script, 2 * n + 2, rnd)
        for dpi, chunk in ((300, docs[:n]), (200, docs[n : 2 * n])):
            for _path, text in chunk:
                out.append((f"clean {tag} {dpi} dpi", script, body_page(text, script, dpi)))
        for i, (_path, text) in enumerate(docs[:n] + docs[n : 2 * n]):
            dpi = 300 if i < n else 200
            kind = KINDS[(i + (script == "traditional")) % len(KINDS)]
            page = degrade(body_page(text, script, dpi), seed + i, kind=kind)
            out.append((f"degraded {tag} (skew/blur/noise)", script, page))
        out.append((f"two columns {tag} 300 dpi", script,
                    two_column_page(docs[2 * n][1], script, 300)))
        out.append((f"table {tag} 300 dpi", script,
                    table_page(_table_rows(script, rnd), script, 300, title="附件")))
    out.extend(("real scan (corpus PDF, 110 dpi grey)", "simplified", p) for p in real_scan())
    return out


def real_scan() -> list[Page]:
    """The corpus's image-only PDF rasterised as ingest does, with its source PDF's text."""
    import pypdfium2 as pdfium

    scan = CORPUS / "files" / "broken" / "broken_scanned_no_text.pdf"
    source = CORPUS / "files" / "pdf" / "pdf_01.pdf"
    if not scan.is_file() or not source.is_file():
        return []
    src = pdfium.PdfDocument(source)
    doc = pdfium.PdfDocument(scan)
    pages = []
    for i in range(len(doc)):
        img = doc[i].render(scale=200 / 72, grayscale=True).to_pil()
        text = src[i].get_textpage().get_text_range()
        pages.append(Page(img, tuple(text.splitlines()), f"scan p{i + 1}"))
    return pages


def phrase_hits(truth: str, got: str, n: int = 5) -> float:
    """Share of ``n`` 6-character phrases of the page (Han only) found verbatim in the OCR
    text: what an exact phrase search needs. (Unquoted search, bigram recall, is kinder.)"""
    t, g = han(truth), han(got)
    if len(t) < 6:
        return 1.0
    rnd = random.Random(len(t))
    starts = [rnd.randrange(0, len(t) - 5) for _ in range(n)]
    return sum(t[s : s + 6] in g for s in starts) / n


def worker(engine_name: str, folder: Path) -> None:
    """Recognise the pages listed in ``folder/pages.json``; one JSON line per page."""
    from PIL import Image

    from ingest.ocr import engines

    base, _, side = engine_name.partition("@")
    engine = engines.create(base)
    if side:  # the earlier fixed-size settings (see the module docstring)
        engine.fixed_side, engine.rec_squeeze = int(side), 1.0
    items = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    known: dict[tuple[str, str], str] = {}
    for item in items:
        image = Image.open(folder / item["file"])
        image.load()
        key = (item["set"], item["script"])
        t0, c0, ch0 = time.perf_counter(), time.process_time(), os.times()
        got = engine.recognise(image, known.get(key, "auto"))
        ch1 = os.times()
        cpu = time.process_time() - c0 + (ch1.children_user - ch0.children_user) + (
            ch1.children_system - ch0.children_system)
        wall = time.perf_counter() - t0
        known[key] = got.script
        print(json.dumps({"set": item["set"], "acc": char_accuracy(item["truth"], got.text),
                          "phrase": phrase_hits(item["truth"], got.text),
                          "alnum": alnum_accuracy(item["truth"], got.text),
                          "cpu": cpu, "wall": wall, "conf": got.confidence,
                          "dpi": item.get("dpi")}, ensure_ascii=False), flush=True)
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"rss_mb": rss / 1024, "version": engine.version()}), flush=True)


def run_engine(name: str, folder: Path) -> tuple[list[dict], dict]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", name, str(folder)], capture_output=True,
        text=True, cwd=REPO, check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{name}: {out.stderr[-2000:]}")
    lines = [json.loads(ln) for ln in out.stdout.splitlines() if ln.startswith("{")]
    return lines[:-1], lines[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2, help="pages per clean set")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--engines", default="")
    ap.add_argument("--worker", nargs=2, metavar=("ENGINE", "DIR"))
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    from ingest.ocr import engines

    names = [n for n in args.engines.split(",") if n] or list(engines.installed())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        items = []
        for i, (set_name, script, page) in enumerate(build_pages(args.pages)):
            file = f"p{i:03d}.png"
            page.image.save(folder / file)
            dpi = 200 if "200" in set_name else 300
            items.append({"file": file, "set": set_name, "script": script,
                          "truth": page.truth, "dpi": dpi})
        (folder / "pages.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
        results: dict[str, tuple[list[dict], list[dict]]] = {n: ([], []) for n in names}
        for run in range(args.runs):  # engines alternate, so a busy spell hits them alike
            for name in names:
                p, f = run_engine(name, folder)
                results[name][0].extend(p)
                results[name][1].append(f)
                print(f"{name}: run {run + 1} done ({len(p)} pages)", file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    print_table(results)


def print_table(results: dict[str, tuple[list[dict], list[dict]]]) -> None:
    names = list(results)
    sets: list[str] = []
    for pages, _ in results.values():
        for p in pages:
            if p["set"] not in sets:
                sets.append(p["set"])
    print("| page set | pages | " + " | ".join(f"{n} accuracy" for n in names) + " | "
          + " | ".join(f"{n} 6-char phrases" for n in names) + " |")
    print("|---|---:|" + "---:|" * 2 * len(names))
    for s in sets:
        cells = []
        phrases = []
        count = 0
        for n in names:
            mine = [p for p in results[n][0] if p["set"] == s]
            count = len(mine) // max(1, len(results[n][1]))
            cells.append(f"{statistics.mean(p['acc'] for p in mine):.3f}" if mine else "–")
            phrases.append(f"{statistics.mean(p['phrase'] for p in mine):.0%}" if mine else "–")
        print(f"| {s} | {count} | " + " | ".join(cells) + " | " + " | ".join(phrases) + " |")
    print()
    print("| digits and Latin letters (文号, dates) | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for s in sets:
        cells = []
        for n in names:
            mine = [p for p in results[n][0] if p["set"] == s]
            vals = [p["alnum"] for p in mine if p.get("alnum") is not None]
            cells.append(f"{statistics.mean(vals):.3f} ({len(vals)})" if vals else "–")
        if any(c != "–" for c in cells):
            print(f"| {s} | " + " | ".join(cells) + " |")
    print()
    print("| engine | version | CPU s/page 300 dpi | CPU s/page 200 dpi | pages/s/core 200 dpi "
          "| wall s/page 200 dpi | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for n in names:
        pages, finals = results[n]
        clean = [p for p in pages if p["set"].startswith("clean")]
        c300 = statistics.median(p["cpu"] for p in clean if p["dpi"] == 300)
        c200 = statistics.median(p["cpu"] for p in clean if p["dpi"] == 200)
        w200 = statistics.median(p["wall"] for p in clean if p["dpi"] == 200)
        rss = max(f["rss_mb"] for f in finals)
        print(f"| {n} | {finals[0]['version']} | {c300:.2f} | {c200:.2f} | {1 / c200:.2f} "
              f"| {w200:.2f} | {rss:.0f} |")
    if len(names) > 1:  # page by page, same run: the steady comparison on a shared machine
        first = results[names[0]][0]
        for n in names[1:]:
            ratios = [b["cpu"] / a["cpu"] for a, b in zip(first, results[n][0], strict=True)
                      if a["cpu"] > 0]
            print(f"\nCPU per page, {n} / {names[0]}, page by page: median "
                  f"{statistics.median(ratios):.2f}× (range {min(ratios):.2f}–{max(ratios):.2f})")


if __name__ == "__main__":
    main()
