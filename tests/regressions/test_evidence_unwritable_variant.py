"""A rule variant that cannot be written is reported in the evidence report, not raised."""

from __future__ import annotations

import json

import pytest

from d3fgraph.cli import main

EMPIRE = "empire_dllinjection_LoadLibrary_CreateRemoteThread.zip"
REASON = (
    "the sysmon rule of T1003.002 would have no condition of its own: Sysmon Event ID 10 "
    "ProcessAccess already implies every one, so the log source alone is the rule"
)


class TestEvidenceUnwritableVariant:
    def test_drafted_technique_reports_the_variant_it_cannot_write(self, capsys, cli_env):
        """T1003.002's sysmon rule would be its log source alone; the report says so and exits 0."""
        recording = cli_env / "security-datasets" / EMPIRE
        if not recording.is_file():
            pytest.skip(f"{recording} is missing; see section 3 of the data README")

        code = main(["evidence", "T1003.002", "--events", str(recording), "--format", "json"])

        out, err = capsys.readouterr()
        results = json.loads(out)["recordings"][0]["results"]
        sysmon = results[2]
        assert (code, err) == (0, "")
        assert [r["variant"] for r in results] == ["definitional", "ocsf-native", "sysmon"]
        assert (sysmon["reason"], sysmon["error"]) == (f"cannot be written: {REASON}", REASON)
        assert (sysmon["events_scanned"], sysmon["matched"], sysmon["query"]) == (0, 0, "")
