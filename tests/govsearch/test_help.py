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
