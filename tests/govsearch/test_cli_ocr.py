"""``govsearch ingest --ocr/--no-ocr`` on the real one-page scan in samples/ (real recognition)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from govsearch.cli import main
from ingest.ocr import engines, options

SCAN = Path(__file__).resolve().parents[2] / "samples/files/scan/pdf_01_scan_p1.pdf"


@pytest.fixture(autouse=True)
def _restore_ocr_options():
    saved = options.options()
    yield
    options._options = saved  # noqa: SLF001 - the CLI configures the module for its run


def test_no_ocr_reports_the_scan_and_ocr_ingests_it(tmp_path: Path) -> None:
    if engines.default() is None:
        pytest.skip("no OCR engine installed")
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(SCAN, archive / SCAN.name)
    data = tmp_path / "data"
    env = {"GOVSEARCH_BACKEND": "embedded", "GOVSEARCH_DATA_DIR": str(data)}
    run = CliRunner().invoke
    off = run(main, ["--data-dir", str(data), "ingest", "--no-ocr", str(archive)], env=env)
    # skipped, as a scanned image is: the run was told not to read scans (QA pass 3, item 11)
    assert off.exit_code == 0 and "1 skipped, 0 failed" in off.output, off.output
    assert "needs OCR; OCR is off" in off.output, off.output
    on = run(main, ["--data-dir", str(data), "ingest", "--ocr", str(archive)], env=env)
    assert on.exit_code == 0 and "1 ingested" in on.output, on.output
    assert list((data / "ocr-cache").rglob("*.json"))  # kept for the next re-ingest
    found = run(main, ["--data-dir", str(data), "search", "政府网站集约化试点"], env=env)
    # the scan's own brackets are read as [ or 〔 from run to run: any form of the 文号 will do
    assert "1 results" in found.output
    assert "国办函201871号" in re.sub(r"[〔〕\[\]［］()（）]", "", found.output), found.output
    by_number = run(main, ["--data-dir", str(data), "search", "国办函〔2018〕71号"], env=env)
    assert by_number.output.startswith("1 results"), by_number.output
    bad = run(main, ["--data-dir", str(data), "ingest", "--ocr-engine", "nope", str(archive)],
              env=env)
    assert bad.exit_code == 2 and "--ocr-engine" in bad.output
    # an engine's name in capitals, as its makers spell it (QA pass 42a: Tesseract refused)
    named = run(main, ["--data-dir", str(data), "ingest", "--ocr-engine",
                       engines.names()[0].upper(), str(archive)], env=env)  # fmt: skip
    assert named.exit_code == 0, named.output
