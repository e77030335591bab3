"""The backend contract on Elasticsearch (a real cluster at ``GOVSEARCH_ES_URL``)."""

from __future__ import annotations

import pytest

from search_index.elastic import ElasticsearchIndex
from tests.search_index.contract import BackendContract
from tests.search_index.elastic_support import cluster_url, drop, unique_prefix

pytestmark = pytest.mark.elasticsearch


class TestElasticContract(BackendContract):
    @pytest.fixture(scope="class")
    @classmethod
    def make_backend(cls):
        url = cluster_url()
        made: list[str] = []

        def make() -> ElasticsearchIndex:
            prefix = unique_prefix("contract")
            made.append(prefix)
            return ElasticsearchIndex([url], index_prefix=prefix)

        yield make
        drop(url, made)
