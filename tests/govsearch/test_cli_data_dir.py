"""A wrong ``--data-dir`` is an error, not an empty archive (issue 11, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from govsearch.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE = SAMPLES / "docs" / "govcn_policy" / "govcn_002.txt"


@pytest.mark.parametrize("args", [["search", "条例"], ["stats"], ["serve", "--port", "1"]])
def test_commands_refuse_a_folder_without_an_index(tmp_path: Path, args: list[str]) -> None:
    wrong = tmp_path / "WRONG"
    result = CliRunner().invoke(main, ["--data-dir", str(wrong), *args])
    assert result.exit_code == 2, result.output
    assert f"no index in {wrong}" in result.output and "ingest" in result.output
    assert not wrong.exists()  # nothing was created


def test_only_ingest_creates_an_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["--data-dir", str(data), "ingest", str(SAMPLE)]).exit_code == 0
    found = runner.invoke(main, ["--data-dir", str(data), "search", "融资担保"])
    assert found.exit_code == 0 and found.output.startswith("1 results"), found.output
