"""Parity of the ingest worker's output: a digest per document of everything it produces.

    python bench/prepare_parity.py OUT.tsv [--real ../shared/corpus] [--gen bench/out/gen20k]
                                  [--n-real 1100] [--n-gen 1000]
    python bench/prepare_parity.py NEW.tsv --against OLD.tsv

Runs the worker's path (``pipeline.run.work``: extraction, ``derive_meta``, then
``search_index.prepare``) over a spread sample of the real corpus (every k-th text of
``docs/`` plus every file of ``files/``: HTML, DOCX and PDF renderings with property tables)
and of a generated corpus (with its catalogue), and writes one line per file: its path and the
SHA-256 of the repr of the worker's result (every field of the Document and its CatalogMeta,
every token string, keyword tuple, int and stored value, the normalised body; or the
IngestFailure), of the tantivy document the embedded backend builds from it, and of what
``pipeline.lexicon.LexiconBuilder.add`` counts for it. A last line per corpus digests the
builder's totals. Written for issue 13 (cutting the worker's Python CPU must change no
output): record the digests on the old code, then ``--against`` them after each change.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.catalog import load_catalog  # noqa: E402
from ingest.files import tasks  # noqa: E402
from pipeline.lexicon import LexiconBuilder  # noqa: E402
from pipeline.run import Job, work  # noqa: E402
from search_index.embedded import EmbeddedIndex  # noqa: E402
from search_index.protocol import IndexedDocument  # noqa: E402
from tests.corpus import CORPUS  # noqa: E402


def _sha(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()


def _lexicon_state(lex: LexiconBuilder) -> tuple:
    return (
        sorted(lex.pairs.items()), sorted(lex.where.items()), sorted(lex.df.items()),
        sorted(lex.regions.items()), sorted(lex.titles.items()), sorted(lex.issuers.items()),
        lex.written, [sorted(c.items()) for c in lex._again],
    )  # fmt: skip


def _jobs(folder: Path, every: int, limit: int, with_catalog: bool) -> list[Job]:
    catalog = folder / "catalog.csv"
    cat = load_catalog(catalog) if with_catalog and catalog.exists() else None
    out: list[Job] = []
    for i, task in enumerate(tasks([folder], cat, "public")):
        if i % every == 0:
            out.append(Job(task, str(task.source), task.doc_id, None))
            if len(out) == limit:
                break
    return out


def digest_lines(jobs: list[Job], label: str) -> list[str]:
    lines = []
    lex = LexiconBuilder()
    for job in jobs:
        result = work(job)
        parts = [_sha(result)]
        if isinstance(result, IndexedDocument):
            parts.append(_sha(EmbeddedIndex._tantivy_doc(None, result).to_dict()))  # type: ignore[arg-type]
            one = LexiconBuilder()
            one.add(result)
            parts.append(_sha(_lexicon_state(one)))
            lex.add(result, rewritten=len(lines) % 7 == 0)
        lines.append(f"{label}:{job.task.rel_path}\t{_sha(parts)}")
    lines.append(f"{label}:(lexicon totals)\t{_sha(_lexicon_state(lex))}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--real", type=Path, default=CORPUS)
    ap.add_argument("--gen", type=Path, default=Path(__file__).parent / "out" / "gen20k")
    ap.add_argument("--n-real", type=int, default=1100)
    ap.add_argument("--n-gen", type=int, default=1000)
    ap.add_argument("--against", type=Path, help="a digest file to compare with")
    args = ap.parse_args()
    lines: list[str] = []
    real_docs = args.real / "docs"
    n_docs = sum(1 for _ in real_docs.rglob("*.txt"))
    lines += digest_lines(_jobs(real_docs, max(1, n_docs // args.n_real), args.n_real, False),
                          "real")  # fmt: skip
    if (args.real / "files").is_dir():
        lines += digest_lines(_jobs(args.real / "files", 1, 10**6, False), "files")
    gen_docs = args.gen / "docs"
    n_gen = sum(1 for _ in gen_docs.glob("*.txt"))
    lines += digest_lines(_jobs(args.gen, max(1, n_gen // args.n_gen), args.n_gen, True), "gen")
    args.out.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    print(f"{len(lines)} digests written to {args.out}")
    if args.against:
        old = args.against.read_text(encoding="utf-8").splitlines()
        diff = [a for a, b in zip(old, lines, strict=False) if a != b]
        if len(old) != len(lines) or diff:
            print(f"DIFFERENT: {len(diff)} lines differ ({len(old)} vs {len(lines)} lines)")
            for d in diff[:20]:
                print("  ", d)
            sys.exit(1)
        print(f"identical to {args.against}")


if __name__ == "__main__":
    main()
