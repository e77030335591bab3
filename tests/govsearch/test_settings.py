"""Settings from the environment: a mistyped or half-given setting is refused, named.

QA pass 7: ``GOVSEARCH_ES_VERIFY_CERTS=maybe`` was taken for "no" (certificates unchecked); a
user name without a password (or a password without a user) was silently no credentials; an
API key beside a user, or a CA file with an http:// node, failed as "bad Elasticsearch URL".
A mistyped number or backend was already refused: these now are too, naming the variable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from model.errors import ConfigError
from model.settings import Settings


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"GOVSEARCH_ES_VERIFY_CERTS": "maybe"}, "GOVSEARCH_ES_VERIFY_CERTS"),
        ({"GOVSEARCH_OCR": "sometimes"}, "GOVSEARCH_OCR"),
        ({"GOVSEARCH_ES_USERNAME": "elastic"}, "GOVSEARCH_ES_PASSWORD"),
        ({"GOVSEARCH_ES_PASSWORD": "s3cret"}, "GOVSEARCH_ES_USERNAME"),
        ({"GOVSEARCH_ES_API_KEY": "k", "GOVSEARCH_ES_USERNAME": "u",
          "GOVSEARCH_ES_PASSWORD": "p"}, "GOVSEARCH_ES_API_KEY"),  # fmt: skip
        ({"GOVSEARCH_ES_CA_FILE": "/etc/ca.pem", "GOVSEARCH_ES_URL": "http://es1:9200"},
         "GOVSEARCH_ES_CA_FILE"),  # fmt: skip
        # reached the cluster, failed there and left an index behind
        ({"GOVSEARCH_ES_REPLICAS": "-1"}, "GOVSEARCH_ES_REPLICAS"),
        ({"GOVSEARCH_ES_SHARDS": "0"}, "GOVSEARCH_ES_SHARDS"),
        # QA pass 21: accepted, then the log emptied, every file failed, the kiosk reset at 3 s
        *(({name: value}, name) for name, value in (
            ("GOVSEARCH_QUERY_LOG_RETENTION_DAYS", "-1"), ("GOVSEARCH_QUERY_LOG_MAX_ROWS", "-1"),
            ("GOVSEARCH_KIOSK_IDLE_SECONDS", "0"), ("GOVSEARCH_MAX_UPLOAD_BYTES", "-1"),
            ("GOVSEARCH_MAX_FILE_MB", "-1"), ("GOVSEARCH_EXTRACT_TIMEOUT", "-1"),
            ("GOVSEARCH_PDF_TIMEOUT", "-5"), ("GOVSEARCH_EXTRACT_MEMORY_MB", "-5"),
            ("GOVSEARCH_OCR_DPI", "0"), ("GOVSEARCH_HEAVY_CONCURRENCY", "0"),
        )),  # fmt: skip
    ],
)
def test_a_mistyped_or_half_given_setting_is_refused_by_name(env, named) -> None:
    with pytest.raises(ConfigError) as err:
        Settings.from_env(env)
    assert named in err.value.message
    assert "s3cret" not in err.value.message


def test_yes_and_no_in_their_usual_spellings(tmp_path) -> None:
    for word, value in (("1", True), ("yes", True), ("On", True), ("0", False), ("false", False),
                        ("off", False), ("", True)):  # fmt: skip
        assert Settings.from_env({"GOVSEARCH_ES_VERIFY_CERTS": word}).es_verify_certs is value
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    both = {"GOVSEARCH_ES_USERNAME": "u", "GOVSEARCH_ES_PASSWORD": "p",
            "GOVSEARCH_ES_CA_FILE": str(ca), "GOVSEARCH_ES_URL": "https://es1:9200"}
    settings = Settings.from_env(both)
    assert (settings.es_username, settings.es_password) == ("u", "p")
    # a CA file that is not there is said as the setting's (QA pass 38c: "unreachable")
    with pytest.raises(ConfigError, match="GOVSEARCH_ES_CA_FILE=.*missing.pem: no such file"):
        Settings.from_env({**both, "GOVSEARCH_ES_CA_FILE": str(tmp_path / "missing.pem")})


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (None, "cannot be read"),
        ("人社局 => 人力资源和社会保障局\n乱写的一行\n", "line 2 is not a rule"),
        ("=> 没有缩写\n", "line 1 is not a rule"),
        (b"\xff\xfe\x00garbage", "cannot be read"),
    ],
)
def test_an_unreadable_synonyms_file_stops_the_command(tmp_path, monkeypatch, content, named):
    """QA pass 9: GOVSEARCH_SYNONYMS naming a missing file, or a file of non-rules, was
    silently no rules; the README promises exit 2 naming the variable."""
    from click.testing import CliRunner

    from analyzers import lexicon
    from govsearch.cli import main

    path = tmp_path / "syn.txt"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("GOVSEARCH_SYNONYMS", str(path))
    try:
        result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "search", "x"])
    finally:
        lexicon.configure(synonyms_file=None)
    assert result.exit_code == 2
    assert "GOVSEARCH_SYNONYMS" in result.output and named in result.output


def test_a_good_synonyms_file_is_read(tmp_path) -> None:
    from analyzers import lexicon

    path = tmp_path / "syn.txt"
    path.write_text("# ours\n残联 => 残疾人联合会\n\n", encoding="utf-8")
    try:
        lexicon.configure(synonyms_file=path)
        assert lexicon.synonyms()["残联"] == ("残疾人联合会",)
    finally:
        lexicon.configure(synonyms_file=None)


def test_zero_means_no_limit_where_the_readme_says_so() -> None:
    s = Settings.from_env({"GOVSEARCH_MAX_FILE_MB": "0", "GOVSEARCH_EXTRACT_TIMEOUT": "0",
                           "GOVSEARCH_EXTRACT_MEMORY_MB": "0", "GOVSEARCH_MAX_TEXT_CHARS": "0"})
    assert (s.max_file_bytes, s.extract_timeout, s.extract_memory_mb, s.max_text_chars) == (
        0, None, None, 0)  # fmt: skip


@pytest.mark.parametrize(("name", "value"), [("GOVSEARCH_PDF_ENGINE", "pdfminr"),
                                             ("GOVSEARCH_OCR_ENGINE", "tesseact")])
def test_an_unknown_engine_is_refused_by_name(name: str, value: str, tmp_path) -> None:
    """QA pass 21: a traceback and exit 1, the variable never named. In a process of its own:
    the command configures the layers below for good."""
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, name: value, "PYTHONPATH": str(repo)}
    command = [sys.executable, "-m", "govsearch", "--data-dir", str(tmp_path), "stats"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"error: {name}: " in done.stderr and value in done.stderr
    assert "Traceback" not in done.stderr


def test_a_variable_nothing_reads_is_told_the_name_it_likely_means() -> None:
    """QA pass 21: a misspelt name was silently ignored; QA pass 25b: one cut short
    (GOVSEARCH_KIOSK_IDLE) was warned of with no name suggested."""
    from model.settings import unknown_variables

    found = dict(unknown_variables({"GOVSEARCH_KIOSK_IDLE": "5", "GOVSEARCH_ZZZ": "1",
                                    "GOVSEARCH_DEFAULT_DISCLOSUR": "draft", "HOME": "/"}))
    assert found == {"GOVSEARCH_KIOSK_IDLE": "GOVSEARCH_KIOSK_IDLE_SECONDS",
                     "GOVSEARCH_DEFAULT_DISCLOSUR": "GOVSEARCH_DEFAULT_DISCLOSURE",
                     "GOVSEARCH_ZZZ": ""}  # fmt: skip
