"""Dataset metadata whose files key is not a list is refused by name, not with a TypeError."""

from __future__ import annotations

import pytest

from d3fgraph.cli import main
from d3fgraph.evidence import DatasetMetadataError, read_dataset_metadata

METADATA = (
    "id: SDWIN-1\nattack_mappings:\n  - technique: T1055\n    sub-technique: '001'\nfiles: 5\n"
)


class TestMetadataFilesNotAList:
    def test_read_dataset_metadata_names_the_file_and_key(self, tmp_path):
        """The error names the file, the files key and the value found there."""
        path = tmp_path / "meta.yaml"
        path.write_text(METADATA, encoding="utf-8")

        with pytest.raises(DatasetMetadataError) as caught:
            read_dataset_metadata(path)

        assert str(caught.value) == (
            f"dataset metadata {path} has files: 5, not a list; write files as a list of "
            "entries such as - link: https://example.org/recording.zip"
        )

    def test_evidence_command_prints_one_line_and_exits_1(self, capsys, cli_env, tmp_path):
        """d3fgraph evidence reports the metadata as bad input on one line."""
        events = tmp_path / "events.jsonl"
        events.write_text('{"EventID": 1}\n', encoding="utf-8")
        path = tmp_path / "meta.yaml"
        path.write_text(METADATA, encoding="utf-8")

        code = main(["evidence", "T1055.001", "--events", str(events), "--metadata", str(path)])

        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            f"d3fgraph: error: dataset metadata {path} has files: 5, not a list; write files as "
            "a list of entries such as - link: https://example.org/recording.zip\n"
        )
