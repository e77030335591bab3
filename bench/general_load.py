"""Loading the general vectors (``search_index.citizen_words.GeneralVectors``): the whole load,
and its hashing step now against the one-word-at-a-time blake2b it replaced, in the same run.

    python bench/general_load.py [--data bench/out/corpus] [--rounds 5]

Every server start, CLI search and test data folder with a lexicon loads the table once. The
hashing steps are timed alternately round by round in CPU time (``time.process_time``), so
their ratio does not depend on what else the machine runs; the whole load in wall time.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import pickle
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from search_index import citizen_words  # noqa: E402


def blake_hashes(words: list[str]) -> np.ndarray:
    """The hashing of the sixteenth to nineteenth sessions' code, for the comparison."""

    def one(word: str) -> int:
        digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big")

    return np.fromiter((one(w) for w in words), dtype=np.uint64, count=len(words))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("bench/out/corpus"))
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    spec = importlib.util.find_spec("simplechinese")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("simplechinese is not installed")
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    with (data / "all_words.pickle").open("rb") as f:
        words = pickle.load(f)  # noqa: S301 - the installed package's own data
    citizen_words.load_lexicon(args.data)
    citizen_words.vocabulary()
    times: dict[str, list[float]] = {"blake2b, a word at a time": [], "FNV-1a, all at once": []}
    for _ in range(args.rounds):
        for name, fn in (
            ("blake2b, a word at a time", blake_hashes),
            ("FNV-1a, all at once", citizen_words._word_hashes),
        ):
            t0 = time.process_time()
            keys = fn(words)
            times[name].append(time.process_time() - t0)
            assert len(np.unique(keys)) == len(words), name
    loads = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        citizen_words._load_general()
        loads.append(time.perf_counter() - t0)
    old, new = (statistics.median(v) for v in times.values())
    print(f"{len(words):,} words, {args.rounds} rounds, medians")
    print("| step | CPU s |")
    print("|---|---:|")
    for name, v in times.items():
        print(f"| hashing: {name} | {statistics.median(v):.3f} |")
    print(f"| ratio old / new | **{old / new:.1f}×** |")
    print(f"| whole load now (wall s) | {statistics.median(loads):.3f} |")


if __name__ == "__main__":
    main()
