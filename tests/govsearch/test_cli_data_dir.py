"""A wrong ``--data-dir`` is an error, not an empty archive (issue 11, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzers import embedding
from govsearch.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE = SAMPLES / "docs" / "govcn_policy" / "govcn_002.txt"


@pytest.mark.parametrize(
    "args",
    [["search", "条例"], ["stats"], ["serve", "--port", "1"], ["learn-words"], ["embed"]],
)
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


def test_learn_words_writes_the_learned_lexicon_into_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runner = CliRunner()
    ingested = runner.invoke(main, ["--data-dir", str(data), "ingest", str(SAMPLES / "docs")])
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(main, ["--data-dir", str(data), "learn-words"])
    assert result.exit_code == 0, result.output
    learned = data / "lexicon" / "learned.tsv"
    assert str(learned) in result.output and "words with learned neighbours" in result.output
    rows = learned.read_text(encoding="utf-8").splitlines()[1:]
    assert rows and all(len(r.split("\t")) == 3 for r in rows)


def test_embed_without_the_model_says_how_to_get_it(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["--data-dir", str(data), "ingest", str(SAMPLE)]).exit_code == 0
    monkeypatch.setenv("GOVSEARCH_EMBED_MODEL", str(tmp_path / "no-model"))
    try:
        result = runner.invoke(main, ["--data-dir", str(data), "embed"])
    finally:
        embedding.configure(None)  # the CLI configured this process's model folder
    assert result.exit_code == 2, result.output
    assert "fetch-model.sh" in result.output and not (data / "vectors").exists()
