"""What the Elasticsearch pinyin lexicon costs: word fields walked through fielddata (the
layout before issue 13's fix) against their doc-values keyword copies (today's), same run.

    bash .ci/elasticsearch.sh start
    python bench/gen_corpus.py --n 20000 --scale 0.25 --out bench/out/gen20k
    python bench/es_lexicon.py --corpus bench/out/gen20k --runs 3

For each layout, alternately: a fresh index (the old layout is the current mapping with the
copies taken out and ``fielddata`` switched on, which the backend still serves), the corpus
ingested through `govsearch ingest`'s path (2 analysis workers), then the lexicon built as a
server builds it (``search_index.lexicon.build``) with the fielddata cache cleared first. Reports
ingest wall time, the JVM's CPU during the ingest, the index on disk (disk usage API), the
lexicon's build time and the heap fielddata holds afterwards (what the circuit breaker counts).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from elasticsearch import Elasticsearch  # noqa: E402

from bench.corpus_index import OUT  # noqa: E402
from pipeline.run import run_ingest  # noqa: E402
from search_index.elastic import ElasticsearchIndex  # noqa: E402
from search_index.elastic_dsl import WORD_TERM_FIELDS, mappings, terms_field  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.lexicon import build  # noqa: E402

ES_URL = os.environ.get("GOVSEARCH_ES_URL", "http://127.0.0.1:9200")
PREFIX = "bench-eslex"


def jvm_cpu_s() -> float:
    pids = subprocess.run(["pgrep", "-f", "org.elasticsearch.bootstrap"], capture_output=True,
                          text=True).stdout.split()
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def fielddata_mb(es: Elasticsearch) -> float:
    stats = es.nodes.stats(metric="indices", index_metric="fielddata")
    return sum(n["indices"]["fielddata"]["memory_size_in_bytes"]
               for n in stats["nodes"].values()) / 1e6


def disk_usage_mb(es: Elasticsearch) -> tuple[float, float]:
    """The index's fields and ``_source`` on disk, and its word copies' share, by the disk
    usage API. The store size itself is no measure here: with ``_source`` excludes,
    Elasticsearch keeps each document's whole JSON (token fields too) as ``_recovery_source``
    until merges drop it, more than half of a freshly loaded index (289 of 517 MB at 20,000
    documents), so the store varied 244–530 MB between runs of the same load."""
    warnings.filterwarnings("ignore", message=".*technical preview")
    found = es.options(request_timeout=3600).indices.disk_usage(
        index=PREFIX, run_expensive_tasks=True)
    (usage,) = (v for k, v in found.body.items() if k != "_shards")
    fields = usage["fields"]
    total = sum(v["total_in_bytes"] for k, v in fields.items() if k != "_recovery_source")
    copies = sum(fields.get(terms_field(f), {}).get("total_in_bytes", 0)
                 for f in WORD_TERM_FIELDS)
    return total / 1e6, copies / 1e6


def one(layout: str, folder: Path) -> dict[str, float]:
    es = Elasticsearch(ES_URL, request_timeout=300)
    es.options(ignore_status=404).indices.delete(index=f"{PREFIX}*")
    if layout == "fielddata":
        old = mappings()
        for name in WORD_TERM_FIELDS:
            del old["properties"][terms_field(name)]
            old["properties"][name]["fielddata"] = True
        es.indices.create(index=f"{PREFIX}-old", mappings=old, aliases={PREFIX: {}},
                          settings={"number_of_shards": 1, "number_of_replicas": 0})
    backend = ElasticsearchIndex(urls=(ES_URL,), index_prefix=PREFIX, timeout=300, replicas=0)
    cpu0, t0 = jvm_cpu_s(), time.perf_counter()
    report = run_ingest(SearchIndex(backend), [folder / "docs"],
                        catalog=folder / "catalog.csv", workers=2)
    took, cpu = time.perf_counter() - t0, jvm_cpu_s() - cpu0
    assert not report.failed, report.summary()
    index_mb, copies_mb = disk_usage_mb(es)
    es.indices.clear_cache(index=PREFIX, fielddata=True)
    t1 = time.perf_counter()
    words = len(build(backend))
    lex_s = time.perf_counter() - t1
    out = {"docs": len(report.ok), "ingest_s": took, "jvm_cpu_s": cpu,
           "index_mb": index_mb, "copies_mb": copies_mb, "lexicon_s": lex_s, "words": words,
           "fielddata_mb": fielddata_mb(es)}
    backend.close()
    es.options(ignore_status=404).indices.delete(index=f"{PREFIX}*")
    print(f"  {layout}: {out}", file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=OUT / "gen20k")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    rows: dict[str, list[dict[str, float]]] = {"fielddata": [], "copies": []}
    for _ in range(args.runs):
        for layout in rows:
            rows[layout].append(one(layout, args.corpus))
    med = {k: {m: statistics.median(r[m] for r in v) for m in v[0]} for k, v in rows.items()}
    docs = int(med["copies"]["docs"])
    print(f"| {docs:,} generated documents, medians of {args.runs} | fielddata (before) "
          "| keyword copies (after) | after / before |")
    print("|---|---:|---:|---:|")
    for metric, label in (("ingest_s", "ingest s"), ("jvm_cpu_s", "JVM CPU s during ingest"),
                          ("index_mb", "index MB (fields, `_source`; no `_recovery_source`)"),
                          ("copies_mb", "of which the word copies MB"),
                          ("lexicon_s", "lexicon build s"), ("words", "lexicon words"),
                          ("fielddata_mb", "fielddata on the heap MB")):
        a, b = med["fielddata"][metric], med["copies"][metric]
        ratio = f"{b / a:.2f}×" if a else "–"
        digits = 0 if metric == "words" else 1
        print(f"| {label} | {a:,.{digits}f} | {b:,.{digits}f} | {ratio} |")
    pairs = [c["ingest_s"] / f["ingest_s"]
             for f, c in zip(rows["fielddata"], rows["copies"], strict=True)]
    print(f"\ningest time after/before, pair by pair: {', '.join(f'{p:.2f}' for p in pairs)}")


if __name__ == "__main__":
    main()
