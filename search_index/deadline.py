"""The time one request may spend asking Elasticsearch, over all its calls.

Each call to the cluster waits at most the client's timeout, and a call that times out holds
the reads back for a moment (``ElasticsearchIndex._guard``). A cluster that is slow, not hung,
answers each call within its timeout, and a search that asks several times (the reading's
checks, the search, its copies, its facets) added them up: QA pass 35a saw pages of 30-50 s
with no call timed out. A reader gives up long before; so does a request here, at the first
call past its deadline, with the 503 a cluster that does not answer gets.

The deadline lives in a context variable, set by the API for the requests a reader waits for
(``search_api.request_time``) and copied into the worker threads those run in; the lexicon's
builds and other background threads start without one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_DEADLINE: ContextVar[float | None] = ContextVar("govsearch_deadline", default=None)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Calls made inside (and in threads started with this context) end by ``seconds`` from now."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


@contextmanager
def lifted() -> Iterator[None]:
    """No deadline inside: work a request does once for every later one (the pinyin lexicon's
    first build, a walk of the whole dictionary that takes longer at a million documents than
    a search may), which cut short would fail again for the next."""
    token = _DEADLINE.set(None)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def overdue() -> bool:
    """Whether this context's deadline has passed (never, where none is set)."""
    deadline = _DEADLINE.get()
    return deadline is not None and time.monotonic() > deadline
