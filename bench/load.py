"""Load benchmark: N concurrent clients against ``govsearch serve`` on 127.0.0.1.

    python bench/load.py                      # embedded backend, 8 and 32 clients, 3 runs each
    python bench/load.py --clients 16 --seconds 20 --runs 5
    GOVSEARCH_ES_URL=http://127.0.0.1:9200 python bench/load.py   # + Elasticsearch
    python bench/load.py --write-readme       # replace the "Load" section of bench/README.md

What it does: ingests ``--docs`` corpus documents into a fresh data folder (and a fresh
Elasticsearch index when ``GOVSEARCH_ES_URL`` is set), starts ``govsearch serve`` as a
subprocess on a free loopback port, and lets ``--clients`` asyncio clients send a mix of
realistic requests for ``--seconds`` (after a short warm-up): searches (titles, words, 文号,
pinyin, phrases, filters, later pages), suggestions and document pages. Every answer must be a
200 with a JSON body; anything else is counted as an error. It prints p50/p95/p99 latency and
throughput per run and the median over ``--runs`` runs.

Bounded by construction: the target is always 127.0.0.1 (the server is started here), at most
64 clients, at most 300 s per run and at most 1,000,000 requests per run; it stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MAX_CLIENTS = 64
MAX_SECONDS = 300
MAX_REQUESTS = 1_000_000
WARMUP_SECONDS = 3.0


@dataclass
class RunResult:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000


# -- workload ----------------------------------------------------------------------------------
def workload(corpus: Path, paths: list[str], seed: int = 1) -> list[tuple[str, dict[str, str]]]:
    """Requests a citizen and a kiosk send: (path, params). Document ids are filled in later."""
    rng = random.Random(seed)
    with open(corpus / "manifest.csv", encoding="utf-8") as fh:
        rows = {r["path"]: r for r in csv.DictReader(fh)}
    chosen = [rows[p] for p in paths if p in rows]
    titles = [r["title"] for r in chosen if r["title"]]
    docnos = [r["doc_number"] for r in chosen if r["doc_number"]]
    words = ["政府信息公开", "个人资料保护", "环境保护", "食品安全", "行政处罚", "财政预算",
             "义务教育", "社会保险", "安全生产", "土地管理", "城市绿化", "消费者权益",
             "農業", "醫療", "交通安全", "人民法院", "劳动合同", "住房公积金"]  # fmt: skip
    pinyin = ["zhengfu", "zfxxgk", "huanjing", "shipinanquan", "jiaoyu", "shehuibaoxian"]
    requests: list[tuple[str, dict[str, str]]] = []
    for _ in range(4000):
        kind = rng.random()
        if kind < 0.25 and titles:
            t = rng.choice(titles)
            requests.append(("/api/search", {"q": t[: rng.randint(4, max(4, len(t)))]}))
        elif kind < 0.45:
            q = " ".join(rng.sample(words, rng.randint(1, 2)))
            requests.append(("/api/search", {"q": q, "page": str(rng.randint(1, 3))}))
        elif kind < 0.52 and docnos:
            requests.append(("/api/search", {"q": rng.choice(docnos)}))
        elif kind < 0.58:
            requests.append(("/api/search", {"q": rng.choice(pinyin)}))
        elif kind < 0.63:
            requests.append(("/api/search", {"q": f'"{rng.choice(words)}"', "sort": "date_desc"}))
        elif kind < 0.68:
            requests.append(("/api/search", {"q": rng.choice(words), "category": "政策法规"}))
        elif kind < 0.83:
            typed = rng.choice(titles)[:2] if titles and rng.random() < 0.7 else rng.choice(pinyin)
            requests.append(("/api/suggest", {"q": typed}))
        else:
            requests.append(("DOC", {}))
    return requests


# -- server --------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ingest(corpus: Path, paths: list[str], env: dict[str, str], folder: Path) -> None:
    """Copy the chosen corpus files into ``folder`` and ingest them with the CLI."""
    for p in paths:
        target = folder / p
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / p, target)
    cmd = [sys.executable, "-m", "govsearch.cli", "ingest", str(folder), "--quiet"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"ingest failed: {done.stderr}")
    print(f"  ingest: {done.stdout.splitlines()[0]}", file=sys.stderr)


class Server:
    """``govsearch serve`` on a free loopback port; stopped on exit."""

    def __init__(self, env: dict[str, str], workers: int = 1) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "govsearch.cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/api/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
            if self.proc.poll() is not None:
                raise SystemExit("govsearch serve exited")
        raise SystemExit("govsearch serve did not become healthy")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# -- clients -------------------------------------------------------------------------------------
async def _run(
    base: str, requests: list, doc_ids: list[str], clients: int, seconds: float
) -> RunResult:
    assert base.startswith("http://127.0.0.1:"), "load is only ever sent to loopback"
    result = RunResult(clients, seconds)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    sent = 0
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def one(rng: random.Random, record: bool) -> None:
            nonlocal sent
            path, params = rng.choice(requests)
            if path == "DOC":
                path, params = f"/api/documents/{rng.choice(doc_ids)}", {}
            t0 = time.perf_counter()
            try:
                r = await client.get(path, params=params)
                ok = r.status_code == 200 and r.headers.get("content-type", "").startswith(
                    "application/json"
                )
                why = f"{r.status_code} {path} {params} {r.text[:120]}"
            except httpx.HTTPError as exc:
                ok, why = False, f"{type(exc).__name__} {path} {params}"
            elapsed = time.perf_counter() - t0
            sent += 1
            if not record:
                return
            if ok:
                result.latencies.append(elapsed)
            else:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(why)

        async def worker(k: int, until: float, record: bool) -> None:
            rng = random.Random(k * 7919 + int(record))
            while time.monotonic() < until and sent < MAX_REQUESTS:
                await one(rng, record)

        warm_until = time.monotonic() + WARMUP_SECONDS
        await asyncio.gather(*(worker(k, warm_until, False) for k in range(clients)))
        sent = 0
        start = time.monotonic()
        await asyncio.gather(*(worker(k, start + seconds, True) for k in range(clients)))
        result.seconds = time.monotonic() - start
    return result


def _doc_ids(base: str) -> list[str]:
    ids: list[str] = []
    with httpx.Client(base_url=base, timeout=30) as c:
        for q in ("通知", "条例", "办法", "报告", "规定"):
            ids += [
                h["id"] for h in c.get("/api/search", params={"q": q, "size": 50}).json()["hits"]
            ]
    return list(dict.fromkeys(ids)) or ["0000000000000000"]


# -- report --------------------------------------------------------------------------------------
def summarise(backend: str, clients: int, runs: list[RunResult]) -> dict[str, object]:
    med = statistics.median
    return {
        "backend": backend,
        "clients": clients,
        "runs": len(runs),
        "requests": int(med(len(r.latencies) for r in runs)),
        "errors": sum(r.errors for r in runs),
        "p50": med(r.pct(50) for r in runs),
        "p95": med(r.pct(95) for r in runs),
        "p99": med(r.pct(99) for r in runs),
        "rps": med(r.throughput for r in runs),
        "rps_range": (min(r.throughput for r in runs), max(r.throughput for r in runs)),
    }


def table(rows: list[dict[str, object]], seconds: float, docs: int) -> str:
    lines = [
        f"| backend | clients | runs × {seconds:g} s | requests/run (median) | errors | "
        "p50 ms | p95 ms | p99 ms | req/s (median, min–max) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lo, hi = r["rps_range"]  # type: ignore[misc]
        lines.append(
            f"| {r['backend']} | {r['clients']} | {r['runs']} | {r['requests']:,} | "
            f"{r['errors']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['rps']:.0f} ({lo:.0f}–{hi:.0f}) |"
        )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Replace (or append) the ``## Load`` section of bench/README.md, leaving others alone."""
    readme = REPO / "bench" / "README.md"
    current = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    section = "## Load\n\n" + text.strip() + "\n"
    pattern = re.compile(r"^## Load\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: section + "\n", current, count=1).rstrip() + "\n"
    else:
        updated = current.rstrip() + "\n\n" + section
    readme.write_text(updated, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--docs", type=int, default=2000, help="corpus documents to ingest")
    ap.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, nargs="+", default=[1],
                    help="server processes to compare (embedded backend), e.g. 1 2")
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args()
    if any(not 1 <= c <= MAX_CLIENTS for c in args.clients):
        ap.error(f"--clients must be between 1 and {MAX_CLIENTS}")
    if not 1 <= args.seconds <= MAX_SECONDS:
        ap.error(f"--seconds must be between 1 and {MAX_SECONDS}")

    with open(args.corpus / "manifest.csv", encoding="utf-8") as fh:
        all_paths = sorted(r["path"] for r in csv.DictReader(fh))
    step = max(1, len(all_paths) // args.docs)
    paths = all_paths[::step][: args.docs]
    requests = workload(args.corpus, paths)

    backends = ["embedded"]
    es_url = os.environ.get("GOVSEARCH_ES_URL", "").split(",")[0].strip()
    if es_url:
        backends.append("elasticsearch")
    rows: list[dict[str, object]] = []
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="govsearch-load-") as tmp:
            env = dict(os.environ)
            env.update(GOVSEARCH_DATA_DIR=str(Path(tmp) / "data"), GOVSEARCH_BACKEND=backend)
            prefix = f"govsearch-load-{os.getpid()}"
            if backend == "elasticsearch":
                env.update(GOVSEARCH_ES_URL=es_url, GOVSEARCH_ES_INDEX_PREFIX=prefix)
            print(f"[{backend}] ingesting {len(paths)} documents", file=sys.stderr)
            _ingest(args.corpus, paths, env, Path(tmp) / "docs")
            try:
                for workers in args.workers if backend == "embedded" else [1]:
                    label = backend if workers == 1 else f"{backend}, {workers} workers"
                    server = Server(env, workers)
                    try:
                        doc_ids = _doc_ids(server.base)
                        for clients in args.clients:
                            runs = []
                            for i in range(args.runs):
                                r = asyncio.run(
                                    _run(server.base, requests, doc_ids, clients, args.seconds)
                                )
                                print(
                                    f"  {label} {clients} clients run {i + 1}: {len(r.latencies)} "
                                    f"ok, {r.errors} errors, p50 {r.pct(50):.1f} ms, p95 "
                                    f"{r.pct(95):.1f} ms, p99 {r.pct(99):.1f} ms, "
                                    f"{r.throughput:.0f} req/s",
                                    file=sys.stderr,
                                )
                                for sample in r.error_samples:
                                    print(f"    error: {sample}", file=sys.stderr)
                                runs.append(r)
                            rows.append(summarise(label, clients, runs))
                    finally:
                        server.stop()
            finally:
                if backend == "elasticsearch":
                    _drop_es(es_url, prefix)
    out = table(rows, args.seconds, len(paths))
    print(out)
    if args.write_readme:
        write_readme(_section_text(out, args, len(paths)))
    if any(r["errors"] for r in rows):
        raise SystemExit("errors under load")


def _drop_es(url: str, prefix: str) -> None:
    from elasticsearch import Elasticsearch

    es = Elasticsearch(url)
    try:
        es.options(ignore_status=404).indices.delete(index=f"{prefix}*", expand_wildcards="all")
    finally:
        es.close()


def _section_text(out: str, args: argparse.Namespace, docs: int) -> str:
    return f"""`python bench/load.py --write-readme` — {docs:,} corpus documents ingested into a
fresh data folder; `govsearch serve` (one uvicorn process) on 127.0.0.1; N asyncio clients
(httpx, keep-alive) send a realistic mix for {args.seconds:g} s after a {WARMUP_SECONDS:g} s
warm-up: 68% searches (title fragments, one or two words, 文号, pinyin, phrases sorted by date,
category filter, pages 1–3), 15% suggestions, 17% document pages. An error is anything but a
200 with a JSON body. Each row is the median of {args.runs} runs; clients and server share the
2-core machine, so throughput is a floor, not a ceiling. Elasticsearch rows appear when
`GOVSEARCH_ES_URL` is set (a single local node, 1 GB heap).

{out}
"""


if __name__ == "__main__":
    main()
