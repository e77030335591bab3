"""Attack benchmark (issue 10, part B): do hostile anonymous clients slow searches down or
blow the server's memory up?

    python bench/attack.py                          # embedded, 60 s
    GOVSEARCH_ES_URL=http://127.0.0.1:9200 python bench/attack.py --backend elasticsearch
    python bench/attack.py --seconds 20             # shorter

What it does: ingests ``samples/`` into a fresh data folder (a fresh, uniquely prefixed
Elasticsearch index for ``--backend elasticsearch``), starts ``govsearch serve`` as a subprocess
on a free 127.0.0.1 port with default settings, measures ordinary search latency and the
server's RSS unloaded, then lets 4 attacker threads loop for ``--seconds``: POST
``/api/duplicates`` with hostile files (a DOCX whose ZIP directory lies, 16,000 nested tables,
32,000 nested <strong>, a DOCX of 20,000 paragraphs, a PDF whose stream inflates to 256 MB)
and costly searches (125 quoted single characters). Meanwhile one client sends ordinary
searches one after another and the server's RSS (its own process, not the bounded children)
is sampled. It prints the table for bench/README.md.

Bounded by construction: loopback only (the server is started here), 4 attackers, at most
300 s, and it stops by itself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.security import files as F  # noqa: E402

ATTACKERS = 4
MAX_SECONDS = 300
ORDINARY = ["政务公开", "国务院办公厅", "个人资料保护", "就业", "条例", "养老保险",
            "国办发〔2019〕5号", "小微企业怎样申请担保贷款", "行政许可", "税收"]  # fmt: skip
_CHARS = "政府信息公开条例规定行政机关应当主动公开本机关的下列信息"
COSTLY = " ".join(f'"{c}"' for c in (_CHARS * 5)[:125])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1] if len(xs) >= 20 else max(xs)


def _search(client: httpx.Client, q: str) -> float:
    start = time.perf_counter()
    r = client.get("/api/search", params={"q": q, "size": 10})
    r.raise_for_status()
    return time.perf_counter() - start


def run(backend: str, seconds: float) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="gs-attack-"))
    env = {**os.environ, "GOVSEARCH_DATA_DIR": str(tmp / "data"), "GOVSEARCH_BACKEND": backend,
           "GOVSEARCH_ES_INDEX_PREFIX": f"gsattack{os.getpid()}"}  # fmt: skip
    cli = [sys.executable, "-m", "govsearch.cli"]
    subprocess.run([*cli, "ingest", str(REPO / "samples"), "--catalog",
                    str(REPO / "samples" / "catalog.csv")], env=env, cwd=REPO, check=False,
                   capture_output=True)  # fmt: skip
    port = _free_port()
    server = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    payloads = [
        ("lie.docx", F.make_docx_lying_zip(inflated_mb=512)),
        ("tables.html", F.html_page(F.QUADRATIC_TABLES)),
        ("strong.html", F.html_page(F.NESTED_STRONG)),
        ("paragraphs.docx", F.make_docx_paragraphs(20000)),
        ("bomb.pdf", F.make_pdf_stream_bomb(inflated_mb=256)),
    ]
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(120):
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            for q in ORDINARY * 2:  # warm-up
                _search(client, q)
            idle_rss = _rss_mb(server.pid)
            unloaded = [_search(client, q) for q in ORDINARY * 10]
            stop = time.monotonic() + seconds
            codes: Counter[str] = Counter()
            lock = threading.Lock()

            def attacker(n: int) -> None:
                with httpx.Client(base_url=base, timeout=120) as c:
                    i = n
                    while time.monotonic() < stop:
                        i += 1
                        try:
                            if i % 3 == 0:
                                r = c.get("/api/search", params={"q": COSTLY})
                                kind = "costly query"
                            else:
                                name, data = payloads[i % len(payloads)]
                                r = c.post("/api/duplicates", files={"file": (name, data)})
                                kind = "upload"
                            key = f"{kind} {r.status_code}"
                        except httpx.HTTPError as exc:
                            key = f"error {type(exc).__name__}"
                        with lock:
                            codes[key] += 1

            threads = [threading.Thread(target=attacker, args=(n,)) for n in range(ATTACKERS)]
            for t in threads:
                t.start()
            loaded: list[float] = []
            peak_rss = idle_rss
            i = 0
            while time.monotonic() < stop:
                loaded.append(_search(client, ORDINARY[i % len(ORDINARY)]))
                peak_rss = max(peak_rss, _rss_mb(server.pid))
                i += 1
            for t in threads:
                t.join()
            peak_rss = max(peak_rss, _rss_mb(server.pid))
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)
        if backend == "elasticsearch":
            _drop_es(env["GOVSEARCH_ES_INDEX_PREFIX"])
    return {
        "backend": backend,
        "unloaded_p95": _p95(unloaded) * 1000,
        "loaded_p95": _p95(loaded) * 1000,
        "loaded_p50": statistics.median(loaded) * 1000,
        "searches": len(loaded),
        "idle_rss": idle_rss,
        "peak_rss": peak_rss,
        "codes": dict(sorted(codes.items())),
    }


def _drop_es(prefix: str) -> None:
    url = os.environ.get("GOVSEARCH_ES_URL", "http://127.0.0.1:9200").split(",")[0]
    try:
        httpx.delete(f"{url}/{prefix}*", params={"expand_wildcards": "all"}, timeout=30)
    except httpx.HTTPError:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["embedded", "elasticsearch"], default="embedded")
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args()
    r = run(args.backend, min(args.seconds, MAX_SECONDS))
    print("| backend | search p95 unloaded | p95 under attack | ratio | p50 under attack "
          "| server RSS idle | peak | ratio | attack requests |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    codes = ", ".join(f"{k}: {v}" for k, v in r["codes"].items())  # type: ignore[union-attr]
    print(
        f"| {r['backend']} | {r['unloaded_p95']:.1f} ms | {r['loaded_p95']:.1f} ms | "
        f"{r['loaded_p95'] / r['unloaded_p95']:.2f}× | {r['loaded_p50']:.1f} ms | "  # type: ignore[operator]
        f"{r['idle_rss']:.0f} MB | {r['peak_rss']:.0f} MB | "
        f"{r['peak_rss'] / r['idle_rss']:.2f}× | {codes} |"  # type: ignore[operator]
    )


if __name__ == "__main__":
    main()
