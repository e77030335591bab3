"""One translation of client and cluster failures for the small stores kept beside the
documents' index (staff keys, shared folders): a 503 naming the URL and what was being done,
the way a failed search is reported."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from elasticsearch import ApiError, TransportError

from model.errors import BackendUnavailable, GovSearchError


@contextmanager
def guarded(shown_url: str, doing: str, store: str) -> Iterator[None]:
    """Raise :class:`~model.errors.BackendUnavailable` for any client or cluster failure."""
    try:
        yield
    except GovSearchError:
        raise
    except (ApiError, TransportError) as exc:
        raise BackendUnavailable(
            f"Elasticsearch at {shown_url} failed to {doing} ({store}): {exc}", url=shown_url
        ) from exc
