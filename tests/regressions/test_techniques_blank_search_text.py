"""techniques with an empty or blank search text is refused instead of printing no row."""

from __future__ import annotations

import pytest

from d3fgraph.cli import main


class TestTechniquesBlankSearchText:
    @pytest.mark.parametrize("text", ["", "   "])
    def test_blank_text_is_a_usage_error(self, capsys, cli_env, text):
        """An empty or blank TEXT exits 1 with one line saying what to give instead."""
        code = main(["techniques", text])

        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            "d3fgraph: error: the search text is empty; give an id, name or label such as "
            "T1055.001 or 'process injection', or leave TEXT out to list every technique\n"
        )
