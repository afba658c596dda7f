"""The card's Evidence section, from recordings named on the command line."""

from __future__ import annotations

from d3fgraph.cli import main

RECORDING = "security-datasets/empire_dllinjection_LoadLibrary_CreateRemoteThread.zip"
METADATA = "security-datasets/metadata/SDWIN-190518221344.yaml"


class TestCardEvidence:
    def test_events_add_the_evidence_section(self, capsys, cli_env):
        """--events runs the rules on the recording and the card says what fired."""
        code = main(
            [
                "card",
                "T1055.001",
                "--events",
                str(cli_env / RECORDING),
                "--metadata",
                str(cli_env / METADATA),
            ]
        )
        out = capsys.readouterr().out

        assert code == 0
        assert "### Evidence on recorded telemetry" in out
        assert (
            "| Sysmon | empire_dllinjection_LoadLibrary_CreateRemoteThread.zip | 12200 | 1 |" in out
        )
        assert "Caught: SDWIN-190518221344 simulates T1055.001" in out

    def test_metadata_without_events_is_refused(self, capsys, cli_env):
        """Dataset metadata without a recording is a usage error, before any loading."""
        code = main(["card", "T1055.001", "--metadata", str(cli_env / METADATA)])
        err = capsys.readouterr().err

        assert code == 1
        assert "--metadata describes recordings; give them with --events FILE" in err

    def test_bad_recording_fails_before_loading(self, capsys, cli_env, tmp_path):
        """A recording that is not JSON lines is reported with exit 1."""
        bad = tmp_path / "empty.jsonl"
        bad.write_text("")

        code = main(["card", "T1055.001", "--events", str(bad)])

        assert code == 1
        assert str(bad) in capsys.readouterr().err
