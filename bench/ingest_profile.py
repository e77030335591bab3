"""CPU per document per stage of an embedded ingest (issue 13).

    python bench/ingest_profile.py /tmp/gen20k [--n 3000] [--catalog CATALOG]

Runs the ingest path in one process, one stage after the other, so each stage's CPU is its
own: the worker side (extraction, metadata, then every analysis step of
``search_index.prepare``, each wrapped with a CPU timer, then pickling the result as a worker
does) and the parent side (unpickling, the SQLite text store, building the tantivy document,
``add_document``, commits). tantivy's own indexing and merge threads run natively; their CPU
comes from ``/proc/self/task/*/stat``. Figures are CPU ms per document (``thread_time``), so
they do not depend on what else the machine runs; the wrapper costs ~1 µs per call.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ingest.files as files_mod  # noqa: E402
import search_index.prepare as prep  # noqa: E402
from ingest import bounded  # noqa: E402
from ingest.catalog import load_catalog  # noqa: E402
from ingest.files import tasks  # noqa: E402
from pipeline.lexicon import LexiconBuilder  # noqa: E402
from pipeline.run import Job, work  # noqa: E402
from search_index.embedded import EmbeddedIndex  # noqa: E402

CPU: dict[str, float] = defaultdict(float)
_TICK = os.sysconf("SC_CLK_TCK")

# stage name → (module, attribute) wrapped with a timer; missing names are skipped, so the
# script keeps working when prepare's helpers change
WORKER_STAGES = {
    "extract (read, decode)": (files_mod.registry, "extract"),
    "metadata + 文号 regexes (derive_meta)": (files_mod, "derive_meta"),
    "normalisation": (prep, "normalize"),
    "jieba words": (prep, "index_words"),
    "bigrams": (prep, "bigram_string"),
    "pinyin keys": (prep, "document_tokens"),
    "key terms": (prep, "key_terms"),
    "文号 keys in the text": (prep, "keys_in_text"),
    "文号 keys of the catalogue value": (prep, "keys_for_value"),
    "region": (prep, "regions"),
    "level": (prep, "legal_level"),
    "signatures": (prep, "signature"),
    "title_exact": (prep, "strip_skippable"),
}


def _timed(name: str, fn):
    def wrapper(*a, **kw):
        t0 = time.thread_time()
        try:
            return fn(*a, **kw)
        finally:
            CPU[name] += time.thread_time() - t0

    return wrapper


def _threads() -> dict[str, tuple[str, float]]:
    """tid → (name with digits dropped, CPU seconds) of this process's threads but the main."""
    out: dict[str, tuple[str, float]] = {}
    me = str(os.getpid())
    for tid in os.listdir("/proc/self/task"):
        if tid == me:
            continue
        try:
            comm = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
            fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[tid] = (re.sub(r"\d+", "N", comm), (int(fields[11]) + int(fields[12])) / _TICK)
    return out


class _Sampler(threading.Thread):
    """Reads the per-thread CPU every 20 ms: tantivy's threads end before the write returns,
    and an ended thread leaves /proc. The process total (getrusage) is exact; the split by
    thread name misses the last tens of ms of each thread."""

    def __init__(self) -> None:
        super().__init__(daemon=True, name="sampler")
        self.seen: dict[str, tuple[str, float]] = {}
        self.done = threading.Event()
        self.tid = ""

    def run(self) -> None:
        self.tid = str(threading.get_native_id())
        while not self.done.wait(0.02):
            self.seen.update(_threads())


def _process_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--catalog", type=Path)
    args = ap.parse_args()
    catalog = args.catalog or (args.folder / "catalog.csv")
    cat = load_catalog(catalog) if catalog.exists() else None
    src = args.folder / "docs" if (args.folder / "docs").is_dir() else args.folder
    jobs = []
    for task in tasks([src], cat, "public"):
        jobs.append(Job(task, str(task.source), task.doc_id, None))
        if len(jobs) == args.n:
            break
    for label, (mod, attr) in WORKER_STAGES.items():
        if hasattr(mod, attr):
            setattr(mod, attr, _timed(label, getattr(mod, attr)))
    work(jobs[0])  # warm caches (dictionaries, OpenCC) outside the measurement
    CPU.clear()

    # -- worker side
    blobs = []
    t0 = time.thread_time()
    for job in jobs:
        result = work(job)
        t1 = time.thread_time()
        blobs.append(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        CPU["pickling"] += time.thread_time() - t1
    worker_total = time.thread_time() - t0
    # the extraction child (ingest.bounded) is a process of its own: its CPU counts once it
    # is reaped
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with bounded._lock:
        while bounded._idle:
            bounded._idle.pop().close()
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["extraction child process (bounded)"] = (
        children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime
    )
    worker_total += CPU["extraction child process (bounded)"]
    n = len(jobs)
    size = sum(len(b) for b in blobs) / n

    # -- parent side
    data = Path(tempfile.mkdtemp(prefix="ingest-profile-"))
    try:
        index = EmbeddedIndex(data)
        before = _threads()
        sampler = _Sampler()
        sampler.start()
        process0 = _process_cpu()
        parent: dict[str, float] = defaultdict(float)
        orig_stage = index.texts.stage
        orig_flush = index.texts.flush
        orig_doc = index._tantivy_doc

        def stage(*a, **kw):
            t = time.thread_time()
            orig_stage(*a, **kw)
            parent["SQLite text store"] += time.thread_time() - t

        def flush():
            t = time.thread_time()
            orig_flush()
            parent["SQLite text store"] += time.thread_time() - t

        def tdoc(item):
            t = time.thread_time()
            out = orig_doc(item)
            parent["tantivy document built (Python)"] += time.thread_time() - t
            return out

        index.texts.stage, index.texts.flush, index._tantivy_doc = stage, flush, tdoc

        lexicon = LexiconBuilder()

        def items():
            for b in blobs:
                t = time.thread_time()
                item = pickle.loads(b)
                t1 = time.thread_time()
                parent["unpickling"] += t1 - t
                lexicon.add(item)
                parent["corpus lexicon (pipeline.lexicon)"] += time.thread_time() - t1
                yield item

        t0 = time.thread_time()
        wall = time.perf_counter()
        for _ in index.write(items(), commit_every=5000):
            pass
        parent_total = time.thread_time() - t0
        wall = time.perf_counter() - wall
        process = _process_cpu() - process0
        sampler.done.set()
        sampler.join()
        native: dict[str, float] = defaultdict(float)
        sampling = 0.0
        for tid, (name, cpu) in sampler.seen.items():
            if tid == sampler.tid:
                sampling = cpu
            else:
                native[name] += cpu - before.get(tid, (name, 0.0))[1]
        # what the sampler missed (threads' last moments, the sampler itself) is kept apart
        native["(not attributed: threads' last ms)"] = max(
            0.0, process - parent_total - sampling - sum(native.values())
        )
    finally:
        shutil.rmtree(data, ignore_errors=True)

    known = sum(parent.values())
    parent["add_document, commit, rest of the main thread"] = parent_total - known
    ms = 1000 / n
    print(f"{n} documents, {size / 1000:.1f} KB pickled per document, parent wall {wall:.1f} s")
    print()
    print("| side | stage | CPU ms/doc | share |")
    print("|---|---|---:|---:|")
    native_total = sum(v for v in native.values() if v > 0)
    total = worker_total + parent_total + native_total
    rows = [("worker", k, v) for k, v in sorted(CPU.items(), key=lambda x: -x[1])]
    rows.append(("worker", "rest of the worker", worker_total - sum(CPU.values())))
    rows += [("parent", k, v) for k, v in sorted(parent.items(), key=lambda x: -x[1])]
    rows += [("native", f"thread {k}", v) for k, v in sorted(native.items()) if v > 0]
    for side, k, v in rows:
        print(f"| {side} | {k} | {v * ms:.3f} | {v / total:.1%} |")
    print(f"| all | **total** | **{total * ms:.3f}** | |")
    print(f"| | worker {worker_total * ms:.3f}, parent {parent_total * ms:.3f}, "
          f"native {native_total * ms:.3f} | | |")


if __name__ == "__main__":
    main()
