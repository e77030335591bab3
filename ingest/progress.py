"""Progress for a log: a line every so often, where a terminal would show a bar.

A bar's carriage returns make one unreadable line of a cron mail, and no bar at all left long
runs silent until their end (QA pass 32a: `embed`, 35 minutes without a line; QA pass 38c: an
hour-long ingest). ``govsearch ingest`` and ``govsearch embed`` both write these lines.
"""

from __future__ import annotations

import sys
import time


class LogLines:
    """``desc: done of total unit, about N min left`` on stderr, at most every ``every``
    seconds (and at the end with ``last``). Used as tqdm is: :meth:`update` counts one item;
    :meth:`at` says where a run is when it counts for itself."""

    def __init__(self, desc: str, unit: str, every: float, total: int = 0,
                 last: bool = False) -> None:  # fmt: skip
        self.desc, self.unit, self.every, self.last = desc, unit, every, last
        self.total, self.done = total, 0
        self.started = self.said = time.monotonic()

    def update(self) -> None:
        self.at(self.done + 1, self.total)

    def at(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self.said < self.every and not (self.last and done == total):
            return
        self.said = now
        left = (now - self.started) / max(done, 1) * (total - done)
        print(f"{self.desc}: {done:,} of {total:,} {self.unit}, about {left / 60:.0f} min left",
              file=sys.stderr, flush=True)  # fmt: skip

    def close(self) -> None:
        """Nothing to clear: the run's own summary follows."""
