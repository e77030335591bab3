"""What the Elasticsearch copy list saves: copy groups counted among every match (an index
made before the list) against only the matches holding a listed key, same index, same run.

    bash .ci/elasticsearch.sh start
    python bench/backends.py gen1m --backends elasticsearch     # makes the index bench-gen1m
    python bench/es_copies.py --prefix bench-gen1m --runs 3

For each query and run, alternately: ``copy_groups`` alone and the whole search (top 10,
snippets, facets) with the list, then the same with the list hidden from the backend (which
then counts every match, as for an index without one). Prints the median milliseconds of each
and the ratio per query; the groups found must be the same both ways. "Every match, cold" is
``copy_groups`` counting every match right after the global ordinals of ``content_key`` were
dropped (the fielddata cache cleared), as after a refresh that brought new segments: the
aggregation then first maps every distinct key of the shard (a million at 1M documents).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from elasticsearch import Elasticsearch  # noqa: E402

from search_index.elastic import ElasticsearchIndex  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.request import Query  # noqa: E402

ES_URL = os.environ.get("GOVSEARCH_ES_URL", "http://127.0.0.1:9200")
QUERIES = ("条例", "人民政府", "社保 缴费", "医疗保障 监督管理", "中华人民共和国",
           "融资担保公司监督管理条例", "政府信息公开 年度报告", "孩子在学校受伤了学校要负责吗")


def timed(fn, *args) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args)
    return (time.perf_counter() - t0) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prefix", default="bench-gen1m")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    backend = ElasticsearchIndex(urls=(ES_URL,), index_prefix=args.prefix, timeout=120)
    es = Elasticsearch(ES_URL, request_timeout=120)
    index = SearchIndex(backend)
    listed = backend.copy_list.keys
    print(f"{backend.count():,} documents, {len(listed() or ()):,} listed keys", flush=True)
    print("\n| query | matches | groups | copy_groups ms: list | every match | every match, "
          "cold | search ms: list | every match | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for q in QUERIES:
        plan = index._plan(Query(q=q))[0]
        cost: dict[str, list[float]] = {"list": [], "all": [], "cold": [], "s_list": [],
                                        "s_all": []}
        groups: dict[str, object] = {}
        for _ in range(args.runs):
            for arm in ("list", "all"):
                # the fallback an index without a list takes: keys() answers None
                backend.copy_list.keys = listed if arm == "list" else (lambda: None)
                ms, groups[arm] = timed(backend.copy_groups, plan)
                cost[arm].append(ms)
                ms, res = timed(index.search, Query(q=q, size=10))
                cost["s_" + arm].append(ms)
            es.indices.clear_cache(index=args.prefix, fielddata=True)
            backend.copy_list.keys = lambda: None
            cost["cold"].append(timed(backend.copy_groups, plan)[0])
        backend.copy_list.keys = listed
        assert groups["list"] == groups["all"], q
        med = {k: statistics.median(v) for k, v in cost.items()}
        ratios.append(med["s_all"] / med["s_list"])
        print(f"| {q} | {res.total:,} | {len(groups['list']):,} | {med['list']:.1f} | "
              f"{med['all']:.1f} | {med['cold']:.0f} | {med['s_list']:.1f} | "
              f"{med['s_all']:.1f} | {med['s_all'] / med['s_list']:.1f}× |", flush=True)
    print(f"\nmedian search ratio (every match / list): {statistics.median(ratios):.1f}×")


if __name__ == "__main__":
    main()
