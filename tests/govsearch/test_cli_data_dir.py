"""A wrong ``--data-dir`` is an error, not an empty archive (issue 11, item 7)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from analyzers import embedding
from govsearch.cli import main
from tests.search_index.elastic_support import cluster_url, drop, unique_prefix

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE = SAMPLES / "docs" / "govcn_policy" / "govcn_002.txt"


@pytest.mark.parametrize(
    "args",
    [
        ["search", "条例"], ["stats"], ["serve", "--port", "1"], ["learn-words"], ["embed"],
        # QA pass 2, item 3: every command that reads an index, through the same check
        ["dupcheck", str(SAMPLE)], ["dupes"], ["reindex"],
        ["report", "timeliness"], ["report", "queries"],
        ["shared", "status"], ["shared", "pull"], ["shared", "push"],
        # the embedded backend's key file serves only `serve` on that folder (see _key_store)
        ["keys", "list"], ["keys", "create", "ops"], ["keys", "revoke", "0123456789ab"],
    ],
)  # fmt: skip
def test_commands_refuse_a_folder_without_an_index(tmp_path: Path, args: list[str]) -> None:
    wrong = tmp_path / "WRONG"
    result = CliRunner().invoke(main, ["--data-dir", str(wrong), *args])
    assert result.exit_code == 2, result.output
    assert f"no index in {wrong}" in result.output and "ingest" in result.output
    assert not wrong.exists()  # nothing was created


@pytest.mark.parametrize("args", [["search", "条例"], ["ingest", str(SAMPLE)], ["stats"]])
@pytest.mark.parametrize("named_by", ["option", "variable"])
def test_a_data_folder_that_is_a_file_is_named_so_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], named_by: str
) -> None:
    """QA pass 21: ``--data-dir FILE`` was told "is a file" (click), the same file in
    GOVSEARCH_DATA_DIR "no index" by `search` and a bare errno 17 by `ingest`."""
    afile = tmp_path / "data"
    afile.write_text("not a folder")
    if named_by == "variable":
        monkeypatch.setenv("GOVSEARCH_DATA_DIR", str(afile))
        result = CliRunner().invoke(main, args)
    else:
        result = CliRunner().invoke(main, ["--data-dir", str(afile), *args])
    assert result.exit_code == 2, result.output
    assert f"the data folder {afile} is a file, not a folder" in result.output, result.output
    assert "GOVSEARCH_DATA_DIR" in result.output and "Errno" not in result.output
    assert afile.read_text() == "not a folder"  # left as it was


@pytest.mark.parametrize(
    "args",
    [["search", "条例"], ["stats"], ["dupcheck", str(SAMPLE)], ["dupes"], ["reindex"],
     ["report", "timeliness"], ["keys", "list"]],
)  # fmt: skip
def test_commands_refuse_an_elasticsearch_prefix_without_an_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """The same check on Elasticsearch: a mistyped GOVSEARCH_ES_INDEX_PREFIX created an empty
    index under that name and answered as if the archive were empty."""
    url = cluster_url()
    wrong = unique_prefix("wrongprefix")
    monkeypatch.setenv("GOVSEARCH_BACKEND", "elasticsearch")
    monkeypatch.setenv("GOVSEARCH_ES_URL", url)
    monkeypatch.setenv("GOVSEARCH_ES_INDEX_PREFIX", wrong)
    try:
        result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), *args])
        assert result.exit_code == 2, result.output
        assert f"no index '{wrong}' on Elasticsearch" in result.output, result.output
        assert "GOVSEARCH_ES_INDEX_PREFIX" in result.output and "ingest" in result.output
        es = Elasticsearch(url)
        try:  # nothing was created under that name: no alias, no index, no copy list
            created = es.options(ignore_status=404).indices.get(
                index=f"{wrong}*", expand_wildcards="all"
            )
            assert created.meta.status == 404 or not created.body, created.body
        finally:
            es.close()
    finally:
        drop(url, [wrong])


def test_only_ingest_creates_an_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["--data-dir", str(data), "ingest", str(SAMPLE)]).exit_code == 0
    found = runner.invoke(main, ["--data-dir", str(data), "search", "融资担保"])
    assert found.exit_code == 0 and found.output.startswith("1 results"), found.output


def test_keys_work_on_a_folder_with_an_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["--data-dir", str(data), "ingest", str(SAMPLE)]).exit_code == 0
    created = runner.invoke(main, ["--data-dir", str(data), "keys", "create", "ops"])
    assert created.exit_code == 0, created.output
    key_id = created.output.strip().splitlines()[-1].split("_")[1]
    listed = runner.invoke(main, ["--data-dir", str(data), "keys", "list"])
    assert listed.exit_code == 0 and f"{key_id}\tops\t" in listed.output, listed.output
    revoked = runner.invoke(main, ["--data-dir", str(data), "keys", "revoke", key_id])
    assert revoked.exit_code == 0, revoked.output
    listed = runner.invoke(main, ["--data-dir", str(data), "keys", "list"])
    assert "revoked" in listed.output, listed.output


@pytest.mark.parametrize(
    ("files", "why"),
    [
        ({}, "the index has no public documents"),
        ({"draft/a.txt": "内部草稿。不予公开的文件内容。"}, "the index has no public documents"),
        ({"a.txt": "国务院关于印发通知的决定。"}, "no word occurs"),
    ],
)
def test_learn_words_with_nothing_to_learn_from_says_so(
    tmp_path: Path, files: dict[str, str], why: str
) -> None:
    """QA pass 2, item 6: an index without public documents (or too few words for a
    vocabulary) is one line and exit 0, like ``embed`` with nothing to embed; not a gensim
    traceback."""
    source, data = tmp_path / "src", tmp_path / "data"
    source.mkdir()
    for name, text in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text, encoding="utf-8")
    runner = CliRunner()
    ingested = runner.invoke(main, ["--data-dir", str(data), "ingest", str(source)])
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(main, ["--data-dir", str(data), "learn-words"])
    assert result.exit_code == 0, result.output
    assert result.exception is None, result.exception
    assert result.output.startswith("nothing to learn from: ") and why in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (data / "lexicon" / "learned.tsv").exists()


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
    # the folder the setting names, not the default one's script (QA pass 38c)
    assert f"no sentence-embedding model in {tmp_path / 'no-model'} (GOVSEARCH_EMBED_MODEL)" in (
        result.output) and not (data / "vectors").exists()


def test_python_m_govsearch_is_the_command_line(tmp_path: Path) -> None:
    """QA pass 18: ``python -m govsearch`` had no ``__main__``; it runs the same command line,
    with its name and exit codes (a folder without an index is exit 2, creating nothing)."""
    import os
    import subprocess
    import sys

    repo = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": repo}
    run = [sys.executable, "-m", "govsearch", "--data-dir", str(tmp_path / "none")]
    shown = subprocess.run([*run, "--help"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith("Usage: govsearch "), shown.stderr
    missing = subprocess.run([*run, "stats"], capture_output=True, text=True, env=env,
                             cwd=tmp_path)  # fmt: skip
    assert missing.returncode == 2 and not (tmp_path / "none").exists(), missing.stderr


def test_a_damaged_or_partly_restored_data_folder_is_named_with_the_way_out(tmp_path: Path):
    """QA pass 38c: texts.sqlite lost (a restore that left it out) was created again empty,
    and every document served without its text; a damaged index or text store was a
    traceback. Each is refused (exit 2) naming the file and what to do, and nothing is
    created in its place."""
    import shutil

    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["--data-dir", str(data), "ingest", str(SAMPLE)]).exit_code == 0

    def damaged(how: str) -> tuple[Path, str]:
        copy = tmp_path / how
        shutil.copytree(data, copy)
        if how == "no-texts":
            (copy / "texts.sqlite").unlink()
        elif how == "bad-meta":
            (copy / "index" / "meta.json").write_text("garbage\n")
        elif how == "no-segment-file":
            next((copy / "index").glob("*.store")).unlink()
        else:
            (copy / "texts.sqlite").write_bytes(b"\x00not a database" * 300)
        got = runner.invoke(main, ["--data-dir", str(copy), "search", "融资担保"])
        assert got.exit_code == 2, (how, got.output)
        return copy, got.output

    copy, said = damaged("no-texts")
    assert "texts.sqlite is missing, while the index" in said and "ingest again" in said
    assert not (copy / "texts.sqlite").exists()
    for how in ("bad-meta", "no-segment-file"):
        assert f"the index in {tmp_path / how / 'index'} is damaged" in damaged(how)[1]
    assert "texts.sqlite is damaged (file is not a database)" in damaged("bad-texts")[1]


def test_keys_work_on_a_folder_whose_index_awaits_its_re_ingest(tmp_path: Path) -> None:
    """QA pass 29a: after an upgrade that changes the index version, `keys list` and `keys
    create` refused the folder until the re-ingest was done, though its keys are the folder's
    file, which the upgrade keeps; `search` still says what to do."""
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["--data-dir", str(data), "ingest", str(SAMPLE)]).exit_code == 0
    assert runner.invoke(main, ["--data-dir", str(data), "keys", "create", "ops"]).exit_code == 0
    [marker] = data.rglob("govsearch-schema.json")
    old = json.loads(marker.read_text())
    marker.write_text(json.dumps({**old, "analysis": "6"}))  # as the previous version wrote it
    searched = runner.invoke(main, ["--data-dir", str(data), "search", "融资担保"])
    assert searched.exit_code == 2 and "ingest again" in searched.output, searched.output
    # ... with each folder's own levels: the new index remembers none (QA pass 38c)
    assert "--disclosure" in searched.output and "GOVSEARCH_DEFAULT_DISCLOSURE=draft" in (
        searched.output)
    listed = runner.invoke(main, ["--data-dir", str(data), "keys", "list"])
    assert listed.exit_code == 0 and "\tops\t" in listed.output, listed.output
    created = runner.invoke(main, ["--data-dir", str(data), "keys", "create", "after"])
    assert created.exit_code == 0, created.output
    # ... and with the index deleted, as the README's upgrade says to (QA pass 47b: a leaked
    # key could not be revoked until the re-ingest was done)
    shutil.rmtree(data / "index")
    listed = runner.invoke(main, ["--data-dir", str(data), "keys", "list"])
    assert listed.exit_code == 0 and "\tafter\t" in listed.output, listed.output
    key_id = next(line.split("\t")[0] for line in listed.output.splitlines() if "\tops\t" in line)
    revoked = runner.invoke(main, ["--data-dir", str(data), "keys", "revoke", key_id])
    assert revoked.exit_code == 0, revoked.output
    listed = runner.invoke(main, ["--data-dir", str(data), "keys", "list"])
    assert f"{key_id}\tops\t" in listed.output and "revoked" in listed.output
    # a folder that holds no keys is still a mistyped --data-dir
    other = runner.invoke(main, ["--data-dir", str(tmp_path / "typo"), "keys", "list"])
    assert other.exit_code == 2 and not (tmp_path / "typo").exists(), other.output


@pytest.mark.elasticsearch
def test_a_command_on_a_new_folder_reads_the_clusters_lexicon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA pass 35a: on a new data folder, `search` and `report` answered without the lexicon
    the cluster holds (mined short forms, the repeals), where the servers read it: `search 消法`
    found nothing, the annual report counted other numbers. They fetch it first, as `serve`
    does."""
    url = cluster_url()
    prefix = unique_prefix("clilexicon")
    monkeypatch.setenv("GOVSEARCH_BACKEND", "elasticsearch")
    monkeypatch.setenv("GOVSEARCH_ES_URL", url)
    monkeypatch.setenv("GOVSEARCH_ES_INDEX_PREFIX", prefix)
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "kun.txt").write_text(
        "关于设立梼杌县鲲鹏湿地观测中心的通知\n"
        "设立梼杌县鲲鹏湿地观测中心（以下简称“鲲观中心”）。鲲观中心负责湿地观测。\n"
        "鲲观中心每年发布观测报告，鲲观中心的经费列入县级预算。\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    try:
        loaded = runner.invoke(main, ["--data-dir", str(tmp_path / "one"), "ingest", str(archive)])
        assert loaded.exit_code == 0, loaded.output
        assert "鲲观中心" in (tmp_path / "one" / "lexicon" / "mined.txt").read_text("utf-8")
        fresh = tmp_path / "two"
        found = runner.invoke(main, ["--data-dir", str(fresh), "search", "鲲观中心", "--json"])
        assert found.exit_code == 0, found.output
        expansions = json.loads(found.output)["understood"]["expansions"]
        assert any(e["word"] == "鲲观中心" and e["source"] == "mined" for e in expansions), (
            expansions
        )
        assert (fresh / "lexicon" / "mined.txt").exists()  # fetched, as `shared pull` would
    finally:
        drop(url, [prefix])
