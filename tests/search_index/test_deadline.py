"""The request deadline of :mod:`search_index.deadline`: set by the API for reads, copied into
the threads a request runs in, lifted for work done once for every later request."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context

from search_index import deadline


def test_a_deadline_passes_and_is_lifted_for_work_done_once_for_all() -> None:
    assert not deadline.overdue()  # none set: never
    with deadline.within(0.01):
        assert not deadline.overdue()
        time.sleep(0.02)
        assert deadline.overdue()
        with deadline.lifted():  # the lexicon's first build
            assert not deadline.overdue()
        assert deadline.overdue()
        # a worker thread given the request's context sees it (as run_in_threadpool does)
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(copy_context().run, deadline.overdue).result()
            assert not pool.submit(deadline.overdue).result()  # a thread of its own: none
    assert not deadline.overdue()
