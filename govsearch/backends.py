"""Open the configured backend behind the one :class:`~search_index.protocol.Backend` seam."""

from __future__ import annotations

from govsearch.settings import Settings
from search_index.index import SearchIndex
from search_index.protocol import Backend


def open_backend(settings: Settings) -> Backend:
    if settings.backend == "elasticsearch":
        from search_index.elastic import ElasticsearchIndex

        return ElasticsearchIndex.from_settings(settings)
    from search_index.embedded import open_embedded

    return open_embedded(settings.data_dir)


def open_index(settings: Settings) -> SearchIndex:
    return SearchIndex(open_backend(settings))
