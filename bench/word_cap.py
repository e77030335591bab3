"""What a query of many words costs, with and without the planner's cap on words.

    python bench/word_cap.py [--rounds 5] [--data DIR]   # default bench/out/corpus

QA pass 30b sent 250 common characters typed apart (206 words) with ``size=100`` from twelve
clients: each search took seconds, and every other search waited behind them. The planner now
plans the first ``MAX_QUERY_WORDS`` words and says the rest were ignored. Each query below is
searched with the cap as shipped and with it lifted (``MAX_QUERY_WORDS`` set past any query),
alternated in one run on one index, in-process: medians of ``--rounds`` rounds and their ratio.
A question (a dozen words) and a pasted paragraph (24 words) are under the cap: their ratio is
the noise.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search_index import citizen_words, planner  # noqa: E402
from search_index.embedded import EmbeddedIndex  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.request import Query  # noqa: E402

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去"
    "把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但"
)
PARAGRAPH = "为了规范政府信息公开工作，保障公民依法获取政府信息，提高政府工作的透明度，建设法治政府"


def queries() -> dict[str, str]:
    r = random.Random(30)
    return {
        "250 characters typed apart": " ".join(r.choice(COMMON) for _ in range(250)),
        "a question (老板拖欠工资怎么办)": "老板拖欠工资怎么办",
        "a pasted paragraph": (PARAGRAPH * 10)[:200],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--data", type=Path, default=Path("bench/out/corpus"))
    args = ap.parse_args()
    citizen_words.load_lexicon(args.data)
    index = SearchIndex(EmbeddedIndex(args.data), lexicon_store=args.data / "lexicon/pinyin.pickle")
    shipped = planner.MAX_QUERY_WORDS
    qs = queries()
    for q in qs.values():  # warm: imports, vectors, caches
        for cap in (shipped, 10**6):
            planner.MAX_QUERY_WORDS = cap
            index.search(Query(q=q, size=10))
    print("| query | size | words planned capped / uncapped | capped ms | uncapped ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, q in qs.items():
        for size in (10, 100):
            times: dict[int, list[float]] = {shipped: [], 10**6: []}
            words: dict[int, int] = {}
            for _ in range(args.rounds):
                for cap in (shipped, 10**6):
                    planner.MAX_QUERY_WORDS = cap
                    t = time.perf_counter()
                    res = index.search(Query(q=q, size=size))
                    times[cap].append((time.perf_counter() - t) * 1000)
                    words[cap] = len(res.understood.words)
            on, off = statistics.median(times[shipped]), statistics.median(times[10**6])
            print(
                f"| {name} | {size} | {words[shipped]} / {words[10**6]} | {on:.1f} | {off:.1f} "
                f"| {on / off:.2f}× |"
            )
    planner.MAX_QUERY_WORDS = shipped


if __name__ == "__main__":
    main()
