"""The one place a backend is chosen: :func:`open_backend` maps ``Settings.backend`` to an
implementation of :class:`~search_index.protocol.Backend`. Everything else (API, web, CLI,
benchmarks) receives the backend or the :class:`SearchIndex` over it."""

from __future__ import annotations

from collections.abc import Callable

from model.errors import ConfigError, NotFound
from model.settings import BACKENDS, Settings
from search_index.index import SearchIndex
from search_index.protocol import Backend


def _embedded(settings: Settings, allow_stale: bool, create: bool) -> Backend:
    from search_index.embedded import index_exists, open_embedded

    if not create and not index_exists(settings.data_dir):
        raise NotFound(
            f"no index in {settings.data_dir}: check --data-dir / GOVSEARCH_DATA_DIR, or "
            f"create one with `govsearch --data-dir {settings.data_dir} ingest PATH…`",
            path=str(settings.data_dir),
        )
    return open_embedded(
        settings.data_dir, allow_stale=allow_stale, writer_wait=settings.writer_wait_seconds
    )


def _elasticsearch(settings: Settings, allow_stale: bool, create: bool) -> Backend:
    from search_index.elastic import ElasticsearchIndex

    return ElasticsearchIndex.from_settings(settings, allow_stale=allow_stale, create=create)


OPENERS: dict[str, Callable[[Settings, bool, bool], Backend]] = {
    "embedded": _embedded,
    "elasticsearch": _elasticsearch,
}
assert tuple(OPENERS) == BACKENDS


def open_backend(
    settings: Settings, *, allow_stale: bool = False, create: bool = True
) -> Backend:
    """The configured backend; ``allow_stale`` opens an index built by another version, which
    is only useful to rebuild it (``govsearch reindex``); with ``create=False`` a data folder
    or Elasticsearch prefix holding no index is refused instead of quietly becoming an empty
    one (a mistyped ``--data-dir`` or ``GOVSEARCH_ES_INDEX_PREFIX`` would otherwise answer
    every search with "0 documents")."""
    opener = OPENERS.get(settings.backend)
    if opener is None:
        raise ConfigError(f"unknown backend {settings.backend!r}; use one of {', '.join(OPENERS)}")
    return opener(settings, allow_stale, create)


# the pinyin lexicon last built, kept for the next process (search_index.lexicon); deletable
LEXICON_STORE = "cache/pinyin-lexicon.pickle"


def open_index(settings: Settings, *, create: bool = True) -> SearchIndex:
    """The index of ``settings`` (``create`` as for :func:`open_backend`)."""
    return SearchIndex(open_backend(settings, create=create), settings.data_dir / LEXICON_STORE)
