"""Dataset metadata that does not parse as YAML is reported on one line at its line:col."""

from __future__ import annotations

import pytest

from d3fgraph.cli import main
from d3fgraph.errors import SourceLocation
from d3fgraph.evidence import DatasetMetadataError, read_dataset_metadata

BROKEN = "id: SDWIN-1\ntitle: one: two\n"


class TestMetadataYamlSyntaxError:
    def test_error_carries_the_location(self, tmp_path):
        """The error holds the 1-based line and column where the parser stopped."""
        path = tmp_path / "meta.yaml"
        path.write_text(BROKEN, encoding="utf-8")

        with pytest.raises(DatasetMetadataError) as caught:
            read_dataset_metadata(path)

        assert caught.value.location == SourceLocation(path, 2, 11)
        assert caught.value.message == (
            "dataset metadata is not YAML: mapping values are not allowed here; fix the "
            "syntax at this line and column"
        )

    def test_evidence_command_prints_one_line_and_exits_1(self, capsys, cli_env, tmp_path):
        """d3fgraph evidence prints path:line:col and the parser's reason, on one line."""
        events = tmp_path / "events.jsonl"
        events.write_text('{"EventID": 1}\n', encoding="utf-8")
        path = tmp_path / "meta.yaml"
        path.write_text(BROKEN, encoding="utf-8")

        code = main(["evidence", "T1055.001", "--events", str(events), "--metadata", str(path)])

        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            f"d3fgraph: error: {path}:2:11: dataset metadata is not YAML: mapping values "
            "are not allowed here; fix the syntax at this line and column\n"
        )
