"""The whole term dictionary of an embedded index, walked in a child process.

Why a child: the pinyin lexicon lists every word of ``title_w`` and ``body_w`` under the public
filter, which reads every posting list, and tantivy reads them through memory maps. At a million
generated documents one walk left 587 MB of index pages mapped in the process that ran it (RSS
132 → 877 MB, of which 615 MB file pages), and a serving process carried them from then on: a
third of the 1,882 MB the 1M table measured. A child unmaps them when it exits (the pages stay
in the system's file cache, shared, reclaimable, not charged to the server); the server keeps
only the ``(word, count)`` pairs, ~104,000 of them (a few MB). Starting the child costs about
a second, on a table that is built in the background after the first query.

Run as ``python -m search_index.term_walk``: a pickled ``(data_dir, field, prefix, plan)`` on
stdin (written by this module, never by a user), ``term<TAB>count`` lines on stdout.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from model.errors import BackendUnavailable
from search_index.tree import Plan

WALK_TIMEOUT_SECONDS = 900.0
_ROOT = Path(__file__).resolve().parents[1]


def walk_in_child(
    data_dir: Path, field: str, prefix: str, plan: Plan, timeout: float = WALK_TIMEOUT_SECONDS
) -> list[tuple[str, int]]:
    """Every term of ``field`` starting with ``prefix`` in documents matching ``plan``, with
    its document count, read by a child process over the index in ``data_dir``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "search_index.term_walk"],
            input=pickle.dumps((str(data_dir), field, prefix, plan)),
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BackendUnavailable(f"listing the terms of {field} took over {timeout:.0f} s") from exc
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise BackendUnavailable(f"listing the terms of {field} failed: {tail[0]}")
    out: list[tuple[str, int]] = []
    for line in proc.stdout.decode("utf-8").splitlines():
        term, _, count = line.rpartition("\t")
        out.append((term, int(count)))
    return out


def main() -> None:
    from search_index.embedded import EmbeddedIndex, index_exists

    data_dir, field, prefix, plan = pickle.loads(sys.stdin.buffer.read())
    if not index_exists(data_dir):  # never create one where the server's has gone
        sys.exit(f"no index in {data_dir}")
    index = EmbeddedIndex(Path(data_dir), allow_stale=True)
    out = sys.stdout
    for term, count in index.walk_terms(field, prefix, plan, limit=None):
        out.write(f"{term}\t{count}\n")
    out.flush()


if __name__ == "__main__":
    main()
