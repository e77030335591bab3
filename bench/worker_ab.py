"""The ingest worker's CPU per document, an older checkout's code against this one's, in one
process, alternated per document (issue 13).

    python bench/worker_ab.py /path/to/older/checkout [--gen bench/out/gen20k]
                              [--real ../shared/corpus/docs] [--rounds 3]

Loads the older checkout's versions of the modules the worker's changes touched (``CHAIN``,
each seeing the older versions of those loaded before it) beside this checkout's, and runs
``pipeline.run.work`` of both on every document, in turn, the order swapped from one document
to the next: a machine shared with other work slows both alike, which whole-process profiles
(``bench/ingest_profile.py``) run one after the other do not. CPU is ``time.thread_time``.
The repr of both results must be equal (the run stops otherwise). Round 1 is the one an
ingest sees (every document new); later rounds find titles and key terms in the caches.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pipeline.run as new_run  # noqa: E402
from bench.prepare_parity import _jobs  # noqa: E402
from tests.corpus import CORPUS  # noqa: E402

CHAIN = (
    "model.ids", "ingest.labels", "ingest.docnumber", "ingest.metadata", "ingest.files",
    "analyzers.normalize", "analyzers.docno", "analyzers.pinyin", "search_index.prepare",
    "pipeline.run",
)  # fmt: skip


def load_older(root: Path, names: tuple[str, ...]) -> dict[str, object]:
    """The older versions of ``names`` as module objects; sys.modules is restored after."""
    saved: dict[str, object] = {}
    out: dict[str, object] = {}
    for name in names:
        importlib.import_module(name)
    for name in names:
        spec = importlib.util.spec_from_file_location(name, root / (name.replace(".", "/") + ".py"))
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        saved.setdefault(name, sys.modules[name])
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        out[name] = mod
    sys.modules.update(saved)  # type: ignore[arg-type]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("older", type=Path, help="a checkout of the code to compare with")
    ap.add_argument("--gen", type=Path, default=Path(__file__).parent / "out" / "gen20k")
    ap.add_argument("--real", type=Path, default=CORPUS / "docs")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    old_work = load_older(args.older.resolve(), CHAIN)["pipeline.run"].work  # type: ignore[attr-defined]
    sets = {
        "gen20k (2,000: every 10th)": _jobs(args.gen, 10, 2000, True),
        "shared corpus (1,000: every 6th)": _jobs(args.real, 6, 1000, False),
    }
    first = next(iter(sets.values()))[0]
    old_work(first), new_run.work(first)  # dictionaries, OpenCC, the extraction child
    for name, jobs in sets.items():
        rounds = []
        for r in range(args.rounds):
            spent = [0.0, 0.0]
            for i, job in enumerate(jobs):
                outs: list[object] = [None, None]
                for k in (0, 1) if (i + r) % 2 else (1, 0):
                    t0 = time.thread_time()
                    outs[k] = (old_work, new_run.work)[k](job)
                    spent[k] += time.thread_time() - t0
                if repr(outs[0]) != repr(outs[1]):
                    sys.exit(f"{job.task.rel_path}: the two versions' results differ")
            rounds.append((spent[0] * 1000 / len(jobs), spent[1] * 1000 / len(jobs)))
            print(f"  {name}, round {r + 1}: before {rounds[-1][0]:.3f}, "
                  f"after {rounds[-1][1]:.3f} ms/doc ({rounds[-1][1] / rounds[-1][0]:.3f})",
                  flush=True)  # fmt: skip
        before = statistics.median(b for b, _ in rounds)
        after = statistics.median(a for _, a in rounds)
        print(f"{name}: median of {len(rounds)} rounds before {before:.3f}, after {after:.3f} "
              f"ms/doc, after/before {after / before:.3f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
