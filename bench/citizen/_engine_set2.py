"""Open the engine's whole-corpus index (bench/corpus_index.py), pointing it at ../shared/corpus
when the worktree-relative default (../shared/corpus) does not exist."""
from __future__ import annotations

from pathlib import Path

import bench.corpus_index as ci

if not (ci.CORPUS / "docs").exists():
    ci.CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

def open_index():
    index, _ = ci.corpus_index()
    return index
