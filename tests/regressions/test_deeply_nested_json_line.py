"""A JSON line nested past Python's recursion limit is skipped, not a RecursionError."""

from __future__ import annotations

from d3fgraph.cli import main
from d3fgraph.errors import SourceLocation
from d3fgraph.evidence import SkippedLine, read_events

DEPTH = 200_000
DEEP_LINE = b"[" * DEPTH + b"]" * DEPTH + b"\n"


class TestDeeplyNestedJsonLine:
    def test_line_is_skipped_and_the_event_after_it_kept(self, tmp_path):
        """The deep line is listed as skipped with its reason; the next line is still read."""
        path = tmp_path / "deep.jsonl"
        path.write_bytes(DEEP_LINE + b'{"EventID": 1}\n')

        log = read_events(path)

        assert log.skipped == (SkippedLine(SourceLocation(str(path), 1), "JSON nested too deeply"),)
        assert (log.events, log.lines) == (({"EventID": 1},), (2,))

    def test_evidence_command_names_the_line_and_exits_1(self, capsys, cli_env, tmp_path):
        """A log holding only a deep line is bad input, reported on one line with its place."""
        path = tmp_path / "deep.jsonl"
        path.write_bytes(DEEP_LINE)

        code = main(["evidence", "T1055.001", "--events", str(path)])

        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            f"d3fgraph: error: {path}:1: no line holds a JSON object; this first bad line is "
            "JSON nested too deeply; give a JSON-lines file with one event object a line\n"
        )
