"""Pages scanned on their side or upside down: read right, and what the check costs upright pages.

Upright pages are ``bench/ocr.py``'s (clean, degraded, two columns, table, both scripts, and
the corpus's real 110 dpi scan) plus the first pages of three corpus PDFs rendered at 150 dpi
as images (``files/pdf/pdf_17.pdf``, ``pdf_14.pdf``, ``pdf_06.pdf``; their text layer is the
truth). Turned pages are the corpus PDF pages and one clean page per script, each turned 90°,
180° and 270°. Every page is read as ingest did before (``engine.recognise``: one reading as the
page lies) and as it does now (``ingest.ocr.orientation.read_upright``), alternating which
goes first; each engine runs in its own process.

    nice python bench/ocr_orientation.py [--pages 1] [--engines rapidocr,tesseract]

Printed: for upright pages the lowest confidence, the largest share of characters in lines
running up the page, how many pages were read more than once, and CPU s per page both ways;
for turned pages the accuracy of the same pages upright, before and now, how many were read as
well as upright (within 0.02) and how many were turned back exactly (Tesseract reads a page
turned 270° as it lies, finding its lines itself), readings and CPU per page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ocr import CORPUS, REPO, build_pages  # noqa: E402
from bench.ocr_pages import Page, char_accuracy  # noqa: E402

CORPUS_PDFS = ("pdf_17", "pdf_14", "pdf_06")


def corpus_pages(dpi: int = 150) -> list[Page]:
    """Page 1 of each corpus PDF rendered as a scanner would, with its text layer as truth."""
    import pypdfium2 as pdfium

    out = []
    for name in CORPUS_PDFS:
        doc = pdfium.PdfDocument(CORPUS / "files" / "pdf" / f"{name}.pdf")
        image = doc[0].render(scale=dpi / 72, grayscale=True).to_pil()
        text = doc[0].get_textpage().get_text_range().replace("\r", "")
        out.append(Page(image, tuple(text.splitlines()), name))
    return out


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def worker(engine_name: str, folder: Path) -> None:
    """Read every page of ``folder/pages.json`` both ways; one JSON line per page."""
    from PIL import Image

    from ingest.ocr import engines, orientation

    engine = engines.create(engine_name)
    calls = [0]
    recognise = engine.recognise

    def counted(image, script="auto"):  # noqa: ANN001, ANN202 - the engine's own signature
        calls[0] += 1
        return recognise(image, script)

    engine.recognise = counted  # type: ignore[method-assign]
    items = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    for i, item in enumerate(items):
        image = Image.open(folder / item["file"])
        image.load()
        out: dict[str, object] = {"set": item["set"], "turn": item["turn"], "page": item["page"]}
        for way in (("plain", "upright") if i % 2 == 0 else ("upright", "plain")):
            calls[0] = 0
            c0, t0 = _cpu(), time.perf_counter()
            if way == "plain":
                got = engine.recognise(image, "auto")
            else:
                got = orientation.read_upright(engine, image, "auto")
            out[way] = {"cpu": _cpu() - c0, "wall": time.perf_counter() - t0,
                        "acc": char_accuracy(item["truth"], got.text), "conf": got.confidence,
                        "sideways": got.sideways, "rotation": got.rotation,
                        "readings": calls[0]}
        print(json.dumps(out, ensure_ascii=False), flush=True)


def run_engine(name: str, folder: Path) -> list[dict]:
    out = subprocess.run([sys.executable, __file__, "--worker", name, str(folder)],
                         capture_output=True, text=True, cwd=REPO, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{name}: {out.stderr[-2000:]}")
    return [json.loads(ln) for ln in out.stdout.splitlines() if ln.startswith("{")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1, help="pages per clean set of bench/ocr.py")
    ap.add_argument("--engines", default="")
    ap.add_argument("--worker", nargs=2, metavar=("ENGINE", "DIR"))
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    from ingest.ocr import engines

    names = [n for n in args.engines.split(",") if n] or list(engines.installed())
    upright = [(s, p) for s, _, p in build_pages(args.pages)]
    upright += [(f"corpus PDF page, 150 dpi ({p.name})", p) for p in corpus_pages()]
    to_turn = [n for n, (s, _) in enumerate(upright) if s.startswith("corpus PDF")]
    to_turn += [next(n for n, (s, _) in enumerate(upright) if s.startswith(f"clean {t} 200"))
                for t in "简繁"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        items = []
        for n, (set_name, page) in enumerate(upright):
            page.image.save(folder / f"u{n:03d}.png")
            items.append({"file": f"u{n:03d}.png", "set": set_name, "turn": 0,
                          "truth": page.truth, "page": n})
        for n in to_turn:
            page = upright[n][1]
            for turn in (90, 180, 270):
                file = f"t{n:03d}_{turn}.png"
                page.image.rotate(turn, expand=True).save(folder / file)
                items.append({"file": file, "set": "turned", "turn": turn, "truth": page.truth,
                              "page": n})
        (folder / "pages.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
        for name in names:
            print_tables(name, run_engine(name, folder))


def print_tables(name: str, rows: list[dict]) -> None:
    up = [r for r in rows if r["turn"] == 0]
    print(f"\n{name}: upright pages")
    print("| page set | pages | lowest confidence | most sideways | read more than once | "
          "CPU s/page before | CPU s/page now |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for s in dict.fromkeys(r["set"] for r in up):
        mine = [r for r in up if r["set"] == s]
        print(f"| {s} | {len(mine)} | {min(r['plain']['conf'] for r in mine):.3f} | "
              f"{max(r['plain']['sideways'] for r in mine):.2f} | "
              f"{sum(r['upright']['readings'] > 1 for r in mine)} | "
              f"{statistics.median(r['plain']['cpu'] for r in mine):.2f} | "
              f"{statistics.median(r['upright']['cpu'] for r in mine):.2f} |")
    ratio = [r["upright"]["cpu"] / r["plain"]["cpu"] for r in up if r["plain"]["cpu"] > 0]
    print(f"upright pages: {len(up)}, now/before CPU median {statistics.median(ratio):.2f} "
          f"(range {min(ratio):.2f}–{max(ratio):.2f})")
    print(f"\n{name}: turned pages (turned counter-clockwise; the right turn back is 360 − it)")
    print("| turned | pages | accuracy upright | accuracy before | confidence before | "
          "accuracy now | read as upright | turned back 360 − it | readings/page | "
          "CPU s/page now | × one upright reading |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = statistics.median(r["plain"]["cpu"] for r in up)
    as_upright = {r["page"]: r["upright"]["acc"] for r in up}
    for turn in (90, 180, 270):
        mine = [r for r in rows if r["turn"] == turn]
        now = statistics.median(r["upright"]["cpu"] for r in mine)
        right = sum(r["upright"]["rotation"] == (360 - turn) % 360 for r in mine)
        same = sum(r["upright"]["acc"] >= as_upright[r["page"]] - 0.02 for r in mine)
        print(f"| {turn}° | {len(mine)} | "
              f"{statistics.mean(as_upright[r['page']] for r in mine):.3f} | "
              f"{statistics.mean(r['plain']['acc'] for r in mine):.3f} | "
              f"{max(r['plain']['conf'] for r in mine):.3f} max | "
              f"{statistics.mean(r['upright']['acc'] for r in mine):.3f} | {same}/{len(mine)} | "
              f"{right}/{len(mine)} | "
              f"{statistics.mean(r['upright']['readings'] for r in mine):.1f} | {now:.2f} | "
              f"{now / base:.1f} |")


if __name__ == "__main__":
    main()
