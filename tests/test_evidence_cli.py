"""``d3fgraph evidence`` and ``d3fgraph sigma --backend``, run in-process."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from d3fgraph.cli import main

FIXTURES = Path(__file__).parent / "data" / "evidence"
DLL = "empire_dllinjection_LoadLibrary_CreateRemoteThread.zip"
LOADERS = '"LoadLibraryA", "LoadLibraryW", "LoadLibraryExA", "LoadLibraryExW"'


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def no_data(tmp_path, monkeypatch):
    """An empty data folder: commands that fail on their input never reach the ontologies."""
    monkeypatch.setenv("D3FGRAPH_DATA_DIR", str(tmp_path / "no-data"))
    monkeypatch.setenv("D3FGRAPH_CACHE_DIR", str(tmp_path / "no-cache"))


@pytest.fixture
def datasets(cli_env: Path) -> Path:
    folder = cli_env / "security-datasets"
    if not (folder / DLL).is_file():
        pytest.skip(f"{folder} lacks the OTRF recordings; see section 3 of the data README")
    return folder


class TestEvidenceCommand:
    def test_reports_the_dll_injection_as_caught(self, capsys, datasets):
        """On the Empire recording, the JSON report has exact counts and a caught verdict."""
        code, out, err = run(
            capsys,
            "evidence",
            "T1055.001",
            "--events",
            str(datasets / DLL),
            "--metadata",
            str(datasets / "metadata" / "SDWIN-190518221344.yaml"),
            "--format",
            "json",
        )

        assert (code, err) == (0, "")
        recording = json.loads(out)["recordings"][0]
        assert [
            (r["variant"], r["events_scanned"], r["matched"]) for r in recording["results"]
        ] == [
            ("definitional", 711, 0),
            ("ocsf-native", 711, 1),
            ("sysmon", 12200, 1),
        ]
        assert recording["verdict"]["outcome"] == "caught"

    def test_runs_several_recordings_in_one_report(self, capsys, datasets):
        """Each --events file is one recording; each --metadata finds its own by file name."""
        names = [
            "purplesharp_pe_injection_createremotethread.zip",
            "empire_psinject_PEinjection.zip",
        ]
        argv = ["evidence", "T1055.001", "--format", "json"]
        for name in names:
            argv += ["--events", str(datasets / name)]
        for meta in ["SDWIN-190518200432.yaml", "SDWIN-201023031210.yaml"]:
            argv += ["--metadata", str(datasets / "metadata" / meta)]

        code, out, _ = run(capsys, *argv)

        assert code == 0
        found = [
            (r["recording"], r["verdict"]["metadata"]["techniques"], r["verdict"]["outcome"])
            for r in json.loads(out)["recordings"]
        ]
        assert found == [
            (names[0], ["T1055.002"], "fired-on-other-technique"),
            (names[1], ["T1055.003"], "fired-on-other-technique"),
        ]

    def test_prints_a_table_by_default(self, capsys, cli_env):
        """The table shows each rule's score, events scanned and matches."""
        code, out, _ = run(
            capsys, "evidence", "T1055.001", "--events", str(FIXTURES / "sysmon-injection.jsonl")
        )

        assert code == 0
        assert out.splitlines()[3:11] == [
            "sysmon-injection.jsonl: 6 events read, 5 of them from Sysmon, 4 mapped to OCSF.",
            "  RULE          SCORE   SCANNED  MATCHES",
            "  definitional  4U            4        0",
            "                silent: none of the 4 events carries api.operation, which OCSF has "
            "only with profile:cloud: the rule can fire only on telemetry that carries it "
            "(class_uid = 1007: 4; activity_id = 4: 2; api.operation = CreateRemoteThread: 0)",
            "  ocsf-native   4U            4        2",
            "                fires on 2 of 4 events (class_uid = 1007: 4; activity_id = 4: 2; "
            "injection_type_id = 1: 2)",
            "  sysmon        3K            6        1",
            "                fires on 1 of 6 events (Channel = "
            "Microsoft-Windows-Sysmon/Operational: 5; EventID = 8: 2; StartFunction in "
            "(LoadLibraryA, LoadLibraryW, LoadLibraryExA, LoadLibraryExW): 1)",
        ]

    def test_counts_valid_lines_around_a_bad_one_and_warns(self, capsys, cli_env):
        """Bad lines are skipped with a file:line warning; the valid ones are still counted."""
        path = FIXTURES / "bad-lines.jsonl"

        code, out, err = run(
            capsys, "evidence", "T1055.001", "--events", str(path), "--format", "json"
        )

        assert code == 0
        recording = json.loads(out)["recordings"][0]
        assert recording["events_read"] == 2
        assert recording["skipped_lines"] == [
            {"location": f"{path}:2", "reason": "not JSON (Expecting value at column 1)"},
            {"location": f"{path}:5", "reason": "a JSON array, not an event object"},
        ]
        assert err.splitlines() == [
            f"WARNING d3fgraph.evidence.events: Skipped {path}:2: not JSON (Expecting value at "
            "column 1)",
            f"WARNING d3fgraph.evidence.events: Skipped {path}:5: a JSON array, not an event "
            "object",
        ]

    def test_writes_the_card_section_as_markdown(self, capsys, cli_env, tmp_path):
        """--format markdown writes the Evidence section the card embeds."""
        target = tmp_path / "evidence.md"

        code, out, _ = run(
            capsys,
            "evidence",
            "T1055.001",
            "--events",
            str(FIXTURES / "sysmon-injection.jsonl"),
            "--format",
            "markdown",
            "-o",
            str(target),
        )

        assert (code, out) == (0, "")
        assert target.read_text(encoding="utf-8").splitlines()[:1] == ["## Evidence"]


class TestEvidenceCommandErrors:
    def test_rejects_an_empty_file(self, capsys, no_data):
        """An empty log is bad input: one line on stderr, exit 1."""
        path = FIXTURES / "empty.jsonl"

        code, out, err = run(capsys, "evidence", "T1055.001", "--events", str(path))

        assert (code, out) == (1, "")
        assert err == (
            f"d3fgraph: error: {path} is empty; give a JSON-lines file with one event object a "
            "line\n"
        )

    def test_rejects_a_file_with_no_json(self, capsys, no_data):
        """A log whose every line is bad names its first bad line."""
        path = FIXTURES / "only-bad.jsonl"

        code, _, err = run(capsys, "evidence", "T1055.001", "--events", str(path))

        assert code == 1
        assert err.splitlines()[-1].startswith(
            f"d3fgraph: error: {path}:1: no line holds a JSON object"
        )

    def test_rejects_a_zip_with_no_json_inside(self, capsys, no_data, tmp_path):
        """A zip without a JSON member lists what it holds."""
        archive = tmp_path / "logs.zip"
        with zipfile.ZipFile(archive, "w") as writer:
            writer.writestr("readme.md", "no events here")

        code, _, err = run(capsys, "evidence", "T1055.001", "--events", str(archive))

        assert code == 1
        assert err == (
            f"d3fgraph: error: {archive} holds no JSON-lines file (members: readme.md); give a "
            "zip with a member ending in .json, .jsonl, .ndjson\n"
        )

    def test_requires_events(self, capsys, no_data):
        """Without --events the command is a usage error."""
        code, _, err = run(capsys, "evidence", "T1055.001")

        assert code == 1
        assert "the following arguments are required: --events" in err


class TestSigmaBackendOption:
    def test_prints_every_variant_as_splunk_queries(self, capsys, cli_env):
        """--backend splunk --variant all prints one named query per rule."""
        code, out, err = run(
            capsys, "sigma", "T1055.001", "--variant", "all", "--backend", "splunk"
        )

        assert (code, err) == (0, "")
        assert out == (
            'definitional: class_uid=1007 activity_id=4 api.operation="CreateRemoteThread"\n'
            "ocsf-native: class_uid=1007 activity_id=4 injection_type_id=1\n"
            f"sysmon: EventID=8 StartFunction IN ({LOADERS})\n"
        )

    def test_applies_a_backend_pipeline(self, capsys, cli_env):
        """--pipeline adds an installed pipeline after the Sysmon log-source one."""
        code, out, _ = run(
            capsys,
            "sigma",
            "T1055.001",
            "--variant",
            "sysmon",
            "--backend",
            "splunk",
            "--pipeline",
            "splunk_windows",
        )

        assert (code, out) == (
            0,
            f'source="WinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=8 '
            f"StartFunction IN ({LOADERS})\n",
        )

    def test_lists_installed_backends_for_an_unknown_name(self, capsys, no_data):
        """An unknown backend is reported before any data loads, with the installed ones."""
        code, out, err = run(capsys, "sigma", "T1055.001", "--backend", "splunkk")

        assert (code, out) == (1, "")
        assert err.startswith(
            "d3fgraph: error: no installed pySigma backend is called 'splunkk'; did you mean "
            "'splunk'? installed backends: "
        )

    def test_refuses_a_pipeline_without_a_backend(self, capsys, no_data):
        """--pipeline alone has nothing to apply to."""
        code, _, err = run(capsys, "sigma", "T1055.001", "--pipeline", "splunk_windows")

        assert code == 1
        assert err == (
            "d3fgraph: error: --pipeline applies to --backend conversions only; add --backend "
            "NAME\n"
        )
