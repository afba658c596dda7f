"""The error for a log with no JSON object names the first bad line's location once."""

from __future__ import annotations

from d3fgraph.cli import main


class TestBadLinesLocationOnce:
    def test_location_is_printed_once(self, capsys, cli_env, tmp_path):
        """The location prefixes the message and is not repeated inside it."""
        path = tmp_path / "bad.yaml"
        path.write_text("title: not events\n- also not\n", encoding="utf-8")

        code = main(["evidence", "T1055.001", "--events", str(path)])

        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            f"d3fgraph: error: {path}:1: no line holds a JSON object; this first bad line is not "
            "JSON (Expecting value at column 1); give a JSON-lines file with one event object "
            "a line\n"
        )
        assert err.count(str(path)) == 1
