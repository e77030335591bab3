"""The backend contract on the embedded (tantivy) backend."""

from __future__ import annotations

import itertools

import pytest

from search_index.embedded import EmbeddedIndex
from tests.search_index.contract import BackendContract

_counter = itertools.count()


class TestEmbeddedContract(BackendContract):
    @pytest.fixture(scope="class")
    @classmethod
    def make_backend(cls, tmp_path_factory):
        def make() -> EmbeddedIndex:
            return EmbeddedIndex(tmp_path_factory.mktemp(f"embedded{next(_counter)}"))

        return make
