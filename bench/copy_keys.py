"""Which texts of the shared corpus one ``content_key`` joins, ordered and order-free.

``content_key`` (analyzers.signatures) decides which documents are one search result. From
``ORDER_FREE_CHARS`` characters on it hashes the compact text's characters sorted, so a table
read in another order is the same text. This prints every group that the order-free key joins
beyond the ordered one, with the shingle resemblance of its members, so a reader can check that
each is truly one document (a merge of two different texts would be a wrong result).

    python3 bench/copy_keys.py            # ../shared/corpus: docs and the extracted files
"""

from __future__ import annotations

import collections
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.normalize import normalize  # noqa: E402
from analyzers.signatures import (  # noqa: E402
    _compact_codes,
    overlap,
    shingle_hashes,
    sorted_unique,
    text_key,
)
from ingest.errors import IngestError  # noqa: E402
from ingest.formats import registry  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"  # ../shared/corpus beside the checkout


def texts(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted((root / "docs").rglob("*")):
        if p.is_file():
            out[str(p.relative_to(root))] = p.read_text(encoding="utf-8", errors="replace")
    for p in sorted((root / "files").rglob("*")):
        if p.is_file():
            try:
                out[str(p.relative_to(root))] = registry.extract(p.read_bytes(), p.name)[1].text
            except IngestError:
                continue  # the corpus' broken files, refused as ingest refuses them
    return out


def main() -> None:
    found = texts(CORPUS)
    ordered: dict[str, list[str]] = collections.defaultdict(list)
    free: dict[str, list[str]] = collections.defaultdict(list)
    codes = {}
    for name, text in found.items():
        c = _compact_codes(normalize(text))
        if not len(c):
            continue
        codes[name] = c
        ordered[hashlib.blake2b(c.astype("<u4").tobytes(), digest_size=10).hexdigest()].append(name)
        free[text_key(c)].append(name)
    key_of = {n: k for k, names in ordered.items() for n in names}
    print(f"texts: {len(codes)}")
    print(f"groups of 2+ by the ordered key: {sum(len(v) > 1 for v in ordered.values())}")
    print(f"groups of 2+ by content_key:     {sum(len(v) > 1 for v in free.values())}")
    print("\n| chars | resemblance | members |\n|---:|---:|---|")
    for names in free.values():
        if len({key_of[n] for n in names}) < 2:
            continue
        a = names[0]
        b = next(n for n in names if key_of[n] != key_of[a])
        o = overlap(*(sorted_unique(shingle_hashes(codes[n])) for n in (a, b)))
        print(f"| {len(codes[a])} | {o.resemblance:.2f} | {', '.join(names)} |")


if __name__ == "__main__":
    main()
