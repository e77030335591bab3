"""Bounds on what anonymous callers can make the server do: a small queue for expensive work
and a per-client rate limit.

Duplicate checks and uploads parse files and compare texts: seconds of CPU each. Without a
bound, four clients posting them in a loop take both cores and every search waits. So:

* :class:`HeavyGate` lets ``concurrency`` such requests run at once and ``queue`` more wait;
  beyond that the answer is ``429 too_many_requests`` with ``Retry-After`` at once (a caller
  is told to come back rather than piling up sockets and memory);
* :class:`RateLimiter` allows each client (its address, as uvicorn reports it — behind a
  reverse proxy run uvicorn with ``--forwarded-allow-ips`` so that is the real client)
  ``GOVSEARCH_RATE_LIMIT`` expensive requests per period (a moving window, from the ``limits``
  package); staff with a valid key are not counted.

Both live on ``app.state`` (built by ``install_limits`` from Settings), never in a module global.
"""

from __future__ import annotations

import asyncio
import math
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager

from fastapi import FastAPI, Request
from limits import RateLimitItemPerHour, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import TypeAdapter, ValidationError

from model.errors import TooManyRequests
from model.settings import Settings, parse_rate
from search_api.deps import ViewerDep

LONG_QUERY_CHARS = 64  # a question is under 40; a pasted paragraph is long
LONG_PAGE_SIZE = 20  # the pages show 10 a page

_ITEMS = {1.0: RateLimitItemPerSecond, 60.0: RateLimitItemPerMinute, 3600.0: RateLimitItemPerHour}


class HeavyGate:
    """At most ``concurrency`` expensive requests running and ``queue`` waiting, and at most
    ``per_client`` of them from one client (0: any number).

    The per-client bound keeps one caller from filling the queue: five crafted PDFs of 60 s of
    parsing each, sent at once from one address, answered every other duplicate check 429 for
    five minutes (QA pass 30b)."""

    def __init__(
        self,
        concurrency: int,
        queue: int,
        retry_after: int = 5,
        per_client: int = 0,
        what: str = "file and duplicate checks",
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.capacity = self.concurrency + max(0, queue)
        self.retry_after = retry_after
        self.per_client = per_client
        self.what = what  # what the gate holds, for its 429's message
        self._admitted = 0
        self._by_client: dict[str, int] = {}
        self._sem: asyncio.Semaphore | None = None

    @property
    def admitted(self) -> int:
        return self._admitted

    @asynccontextmanager
    async def slot(self, client: str = "") -> AsyncIterator[None]:
        """Hold one running slot for the block; 429 at once when the queue is full, or when
        ``client`` already holds its share of it."""
        if self._admitted >= self.capacity:
            raise TooManyRequests(
                f"the server is busy with {self._admitted} {self.what}; "
                f"try again in {self.retry_after} s",
                retry_after=self.retry_after,
            )
        mine = self._by_client.get(client, 0)
        if client and self.per_client and mine >= self.per_client:
            raise TooManyRequests(
                f"this address already has {mine} of its {self.what} running or waiting; "
                f"try again when it is answered (in {self.retry_after} s or more)",
                retry_after=self.retry_after,
            )
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.concurrency)
        self._admitted += 1
        self._by_client[client] = mine + 1
        try:
            async with self._sem:
                yield
        finally:
            self._admitted -= 1
            left = self._by_client[client] - 1
            if left:
                self._by_client[client] = left
            else:
                del self._by_client[client]


LARGE_TEXT_CHARS = 500_000  # a text this long is a large document (the corpus's longest: ~330k)
LARGE_TEXT_WAIT = 10.0  # seconds a view waits for a place before its 429


class LargeTextGate:
    """At most ``concurrency`` anonymous views of large documents rendered at once; a view
    waits for a place up to :data:`LARGE_TEXT_WAIT` s, ``queue`` of them at most (each holds
    one of the server's threads), then is a 429. Taken by the (threaded)
    document routes once they know the text's length: a view of a 1.99M-character upload, its
    query's words marked throughout, took 2.7 s and sent 7 MB, and 12 at once made a plain
    search take 8.7 s (QA pass 36b); views of ordinary documents never wait."""

    def __init__(self, concurrency: int, queue: int, retry_after: int = 5) -> None:
        self._places = threading.BoundedSemaphore(max(1, concurrency))
        self._capacity = max(1, concurrency) + max(0, queue)
        self._admitted = 0
        self._lock = threading.Lock()
        self.retry_after = retry_after

    def _busy(self) -> TooManyRequests:
        return TooManyRequests(
            f"the server is busy showing other very long documents (over "
            f"{LARGE_TEXT_CHARS:,} characters); try again in {self.retry_after} s",
            retry_after=self.retry_after,
        )

    @contextmanager
    def slot(self, chars: int, staff: bool) -> Iterator[None]:
        if staff or chars <= LARGE_TEXT_CHARS:
            yield
            return
        with self._lock:  # a short queue: each waiter holds one of the server's threads
            if self._admitted >= self._capacity:
                raise self._busy()
            self._admitted += 1
        try:
            if not self._places.acquire(timeout=LARGE_TEXT_WAIT):
                raise self._busy()
            try:
                yield
            finally:
                self._places.release()
        finally:
            with self._lock:
                self._admitted -= 1


class RateLimiter:
    """``N`` expensive requests per client and period (moving window); None: no limit."""

    def __init__(self, rate: str) -> None:
        parsed = parse_rate(rate)
        self.item = _ITEMS[parsed[1]](parsed[0]) if parsed else None
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, client: str) -> None:
        """Count one request of ``client``; 429 with Retry-After when over the limit."""
        if self.item is None:
            return
        if self._limiter.hit(self.item, "heavy", client):
            return
        reset, _ = self._limiter.get_window_stats(self.item, "heavy", client)
        wait = max(1, math.ceil(reset - time.time()))
        raise TooManyRequests(
            f"too many file and duplicate checks from this address ({self.item.amount} per "
            f"{self.item.GRANULARITY.name}); try again in {wait} s",
            retry_after=wait,
        )


def install_limits(app: FastAPI, settings: Settings) -> None:
    app.state.heavy_gate = HeavyGate(settings.heavy_concurrency, settings.heavy_queue, per_client=1)
    # staff's own: a stranger's duplicate checks, each up to its time limit, filled the one slot
    # and its queue, and a staff upload got 429 for minutes (QA pass 24a)
    app.state.staff_gate = HeavyGate(settings.heavy_concurrency, settings.heavy_queue)
    app.state.rate_limiter = RateLimiter(settings.rate_limit)
    app.state.long_search_gate = HeavyGate(
        settings.long_search_concurrency,
        settings.long_search_queue,
        retry_after=2,
        per_client=1,
        what="long searches",
    )
    app.state.large_text_gate = LargeTextGate(
        settings.long_search_concurrency, settings.long_search_queue
    )


def client_of(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def heavy_gate(request: Request, staff: bool) -> HeavyGate:
    """The gate an expensive request waits at: staff's apart from everyone else's."""
    return request.app.state.staff_gate if staff else request.app.state.heavy_gate


# what costs a search ~0.1 s however short it is: a number with a decimal point (or a percent
# sign) is matched as written (the points and signs are not indexed, so each document holding
# its digits is read again), and a quoted single character is a phrase over most documents
_QUOTE = "\"“”「」『』＂″"
_COSTLY_PIECE = re.compile(
    rf"\d\s*[.．]\s*\d+\s*[%％‰]?|\d\s*[%％‰]|[{_QUOTE}]\s*[^{_QUOTE}\s]\s*[{_QUOTE}]"
)
COSTLY_PIECES = 2  # one is a citizen's question (加班费1.5倍怎么算); two or more wait at the gate


def is_long_search(params: Mapping[str, str]) -> bool:
    """A search whose cost is the caller's choice: a query of many words (up to
    MAX_QUERY_WORDS are planned, each a clause over every document), a page of many
    snippets, or a query holding a piece that is costly whatever its length. 250 characters
    typed apart from twelve addresses, a page of 100 each, made ``税`` wait 4.2 s (QA pass
    30b); ten searches of eleven quoted decimals (64 characters, 1.2 s each) from one address
    made ``养老保险`` wait 10 s (QA pass 34b). A question of a citizen is under 40 characters
    and holds one such piece at most (加班费1.5倍怎么算, 个税税率3%, 公积金贷款利率3.1%: never
    gated, which one per address would refuse behind a shared address: the review)."""
    q = params.get("q", "").strip()
    return (
        len(q) > LONG_QUERY_CHARS
        or _size(params) > LONG_PAGE_SIZE
        or len(_COSTLY_PIECE.findall(q)) >= COSTLY_PIECES
    )


_INT = TypeAdapter(int)


def _size(params: Mapping[str, str]) -> int:
    """The page size as the endpoint will read it (the review: ``+100``, `` 100``, ``100.0``,
    ``1_00`` are 100 to it, and were no long search here); 0 where it will refuse it."""
    try:
        return _INT.validate_python(params.get("size", "10"))
    except ValidationError:
        return 0


async def long_search_slot(request: Request, viewer: ViewerDep) -> AsyncIterator[None]:
    """A dependency: an anonymous long search holds a place at the long-search gate while it
    runs (one per address, ``GOVSEARCH_LONG_SEARCH_CONCURRENCY`` at once, a short queue,
    then 429 at once), so short searches, never gated, keep their speed whoever sends long
    ones. Staff keys are not gated."""
    if viewer.staff or not is_long_search(request.query_params):
        yield
        return
    async with request.app.state.long_search_gate.slot(client_of(request)):
        yield


def count_request(request: Request, staff: bool) -> None:
    """Rate-limit an anonymous caller of an expensive endpoint (staff are not limited)."""
    if not staff:
        request.app.state.rate_limiter.hit(client_of(request))

STAFF_OCR_FACTOR = 10  # a staff key's requests wait that many times longer for a scan


def ocr_seconds(settings: Settings, staff: bool) -> float | None:
    """How long one file's OCR may take in a request: ``GOVSEARCH_OCR_REQUEST_SECONDS``,
    ten times that with a staff key (0: no limit)."""
    seconds = settings.ocr_request_seconds
    return None if not seconds else float(seconds * (STAFF_OCR_FACTOR if staff else 1))
