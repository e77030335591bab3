"""Fixtures for the ingest tests: the shared real corpus beside the repository."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """``<repo root>/../shared/corpus``; the tests that need it skip when it is absent."""
    if not (CORPUS / "files" / "manifest.csv").exists():
        pytest.skip(f"shared test corpus not found at {CORPUS} (expected beside the repo)")
    return CORPUS


@pytest.fixture(scope="session")
def files_manifest(corpus: Path) -> list[dict[str, str]]:
    """Rows of files/manifest.csv: rendered file → the docs/ text it renders."""
    with open(corpus / "files" / "manifest.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def docs_manifest(corpus: Path) -> dict[str, dict[str, str]]:
    """Rows of manifest.csv by docs/ path."""
    with open(corpus / "manifest.csv", encoding="utf-8") as fh:
        return {row["path"]: row for row in csv.DictReader(fh)}


def han(text: str) -> str:
    """Only the Han characters: the comparisons ignore layout, spaces and line wraps."""
    return "".join(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]", text))
