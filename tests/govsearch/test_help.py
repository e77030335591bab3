"""Every command answers ``--help`` (QA pass 20: ``search --help`` and ``report --help`` died in a
TypeError under click 8.5, whose ``get_metavar`` takes ``ctx`` by keyword)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from govsearch.cli import main


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_answers_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ") and f" {command} [OPTIONS]" in result.output
    assert "Traceback" not in result.output


def test_the_version_says_what_is_installed_and_the_index_version() -> None:
    """QA pass 51f: nothing said which version was installed, nor which index it builds."""
    from importlib.metadata import version

    from click.testing import CliRunner

    from govsearch.cli import main
    from model.version import version_tag

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    said = f"govsearch {version('govsearch')} (index version {version_tag()})"
    assert result.output.strip() == said
