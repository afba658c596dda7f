"""techniques --limit refuses zero and negative counts instead of printing no row."""

from __future__ import annotations

import pytest

from d3fgraph.cli import main


class TestTechniquesLimitNotPositive:
    @pytest.mark.parametrize("limit", ["0", "-1"])
    def test_limit_below_one_is_a_usage_error(self, capsys, cli_env, limit):
        """--limit 0 and --limit -1 exit 1 with one line naming the option and the value."""
        code = main(["techniques", "injection", "--limit", limit])

        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            f"d3fgraph techniques: error: argument --limit: {limit!r} is not a whole number of 1 "
            "or more (see 'd3fgraph techniques --help')\n"
        )
