"""Short searches while strangers send long ones: the long-search gate on and off.

    python bench/long_searches.py                    # bench/out/corpus, 3 rounds
    python bench/long_searches.py --index DIR --rounds 5

QA pass 30b's M4: twelve anonymous addresses each sent three searches of 250 single
characters typed apart, 100 results a page; meanwhile ``税`` took 4.2 s and the home page
5.6 s. This starts ``govsearch serve`` on a copy of the index (loopback, a free port), once
as shipped and once with the gate opened wide (``GOVSEARCH_LONG_SEARCH_CONCURRENCY=64``,
``…_QUEUE=64``: every long search runs at once), alternated ``--rounds`` times. In each run
twelve threads, each from an address of its own (127.0.0.2 … 127.0.0.13), send their three
long searches one after another while a thirteenth sends short searches (``税``, then the
home page for ``政府信息公开``) one after another. It prints the short searches' median and
p95 seconds, the long searches' answers (200 or 429) and the ratio of the two settings'
medians per round.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
CLIENTS = 12
LONG_EACH = 3
COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领"
)
SETTINGS = {
    "as shipped": {},
    "gate opened wide": {
        "GOVSEARCH_LONG_SEARCH_CONCURRENCY": "64",
        "GOVSEARCH_LONG_SEARCH_QUEUE": "64",
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data: Path, extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "GOVSEARCH_DATA_DIR": str(data), **extra}
    proc = subprocess.Popen(
        [sys.executable, "-m", "govsearch", "serve", "--port", str(port)],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                httpx.get(f"{base}/api/search", params={"q": "税"}, timeout=60)  # warm
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def _run(base: str, seed: int) -> dict[str, object]:
    answers: list[int] = []

    def stranger(n: int) -> None:
        r = random.Random(seed * 100 + n)
        # an address of its own (the gate counts places per address): loopback sends from any
        # 127.x address
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{n + 2}")
        with httpx.Client(base_url=base, transport=transport, timeout=300) as c:
            for _ in range(LONG_EACH):
                q = " ".join(r.choice(COMMON) for _ in range(250))
                answers.append(c.get("/api/search", params={"q": q, "size": 100}).status_code)

    threads = [threading.Thread(target=stranger, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    short: list[float] = []
    with httpx.Client(base_url=base, timeout=300) as c:
        time.sleep(0.5)
        while any(t.is_alive() for t in threads):
            for path, q in (("/api/search", "税"), ("/", "政府信息公开")):
                t0 = time.perf_counter()
                c.get(path, params={"q": q}).raise_for_status()
                short.append(time.perf_counter() - t0)
    for t in threads:
        t.join()
    short.sort()
    return {
        "median": statistics.median(short),
        "p95": short[min(len(short) - 1, int(0.95 * len(short)))],
        "n": len(short),
        "ok": answers.count(200),
        "refused": answers.count(429),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", type=Path, default=REPO / "bench" / "out" / "corpus")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gs-long-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(args.index, data)
        rows: dict[str, list[dict[str, object]]] = {name: [] for name in SETTINGS}
        for rnd in range(args.rounds):
            for name, extra in SETTINGS.items():
                proc, base = _serve(data, extra)
                try:
                    rows[name].append(_run(base, rnd))
                finally:
                    proc.terminate()
                    proc.wait(30)
                last = rows[name][-1]
                print(f"round {rnd + 1} {name}: {last}", file=sys.stderr, flush=True)
    print("| setting | short searches | median s | p95 s | long searches answered / refused |")
    print("|---|---:|---:|---:|---|")
    for name, runs in rows.items():
        med = statistics.median(float(r["median"]) for r in runs)  # type: ignore[arg-type]
        p95 = statistics.median(float(r["p95"]) for r in runs)  # type: ignore[arg-type]
        n = sum(int(r["n"]) for r in runs)  # type: ignore[arg-type]
        answered = " · ".join(f"{r['ok']} / {r['refused']}" for r in runs)
        print(f"| {name} | {n} | {med:.3f} | {p95:.3f} | {answered} |")
    ratios = [
        float(a["median"]) / float(b["median"])  # type: ignore[arg-type]
        for a, b in zip(rows["as shipped"], rows["gate opened wide"], strict=True)
    ]
    print(
        "\nshort searches' median, as shipped / opened wide, round by round: "
        + ", ".join(f"{x:.2f}" for x in ratios)
        + f" (median {statistics.median(ratios):.2f}×)"
    )


if __name__ == "__main__":
    main()
