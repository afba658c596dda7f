"""Conflicting export options raise the usage error, not QueryError, still as one line."""

from __future__ import annotations

import argparse

import pytest

from d3fgraph.cli import main
from d3fgraph.commands.export import _export
from d3fgraph.errors import QueryError, UsageError

MESSAGE = "--to-endpoint sends the whole merged graph; drop --technique and --output"


class TestExportOptionConflictErrorClass:
    def test_conflict_raises_usage_error(self):
        """--to-endpoint with --technique is a UsageError and no longer a QueryError."""
        args = argparse.Namespace(
            to_endpoint="http://127.0.0.1:9/store", technique="T1055.001", output=None
        )

        with pytest.raises(UsageError) as caught:
            _export(args)

        assert str(caught.value) == MESSAGE
        assert not isinstance(caught.value, QueryError)

    def test_export_command_prints_one_line_and_exits_1(self, capsys, cli_env):
        """d3fgraph export reports the conflict as bad usage on one line."""
        code = main(
            ["export", "--to-endpoint", "http://127.0.0.1:9/store", "--technique", "T1055.001"]
        )

        out, err = capsys.readouterr()
        assert (code, out, err) == (1, "", f"d3fgraph: error: {MESSAGE}\n")

    @pytest.mark.parametrize(
        "argv",
        [
            ["sigma", "T1055.001", "--pipeline", "sysmon"],
            ["card", "T1055.001", "--format", "markdown", "--inline-mermaid"],
        ],
    )
    def test_card_and_sigma_option_errors_are_usage_errors(self, capsys, cli_env, argv):
        """The card and sigma option conflicts raise the same UsageError, so --debug shows it."""
        code = main(["--debug", *argv])

        _, err = capsys.readouterr()
        assert code == 1
        assert "d3fgraph.errors.UsageError: " in err
