from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from model.settings import Settings
from pipeline.run import run_ingest
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="session")
def samples_data(tmp_path_factory) -> Path:
    """A data folder with the bundled samples ingested (real documents, real formats)."""
    data = tmp_path_factory.mktemp("samples-data")
    index = SearchIndex(EmbeddedIndex(data))
    report = run_ingest(index, [SAMPLES], catalog=SAMPLES / "catalog.csv", workers=2)
    assert not report.failed, report.summary()
    index.close()
    return data


@pytest.fixture(scope="session")
def client(samples_data: Path) -> TestClient:
    app = create_app(Settings(data_dir=samples_data))
    with TestClient(app) as c:
        yield c
