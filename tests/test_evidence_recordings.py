"""The T1055.001 rules on OTRF's three recorded injections: which fires where, and why.

The recordings are read in place from D3FGRAPH_DATA_DIR/security-datasets and never copied.
All three inject with CreateRemoteThread. Only the Empire DLL injection starts its thread in
LoadLibraryA; PurpleSharp and Empire's PSInject write a PE into the target and start the
thread on it, outside every loaded module, so Sysmon reports no start function.

- definitional: keys on api.operation, which no Sysmon event fills; it can fire only on
  telemetry carrying OCSF's cloud profile, so it is silent on all three.
- ocsf-native: keys on injection_type_id 1, which every CreateRemoteThread event maps to, so
  it fires on every remote thread: 1, 1 and 88.
- sysmon: requires a LoadLibrary start function, so it fires on the DLL injection only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from d3fgraph.evidence import Outcome, collect_evidence, read_dataset_metadata, read_events

from sigma_support import T1055_TACTICS, t1055_001_model

DLL = "empire_dllinjection_LoadLibrary_CreateRemoteThread.zip"
PURPLESHARP = "purplesharp_pe_injection_createremotethread.zip"
PSINJECT = "empire_psinject_PEinjection.zip"

METADATA = {
    DLL: "SDWIN-190518221344.yaml",
    PURPLESHARP: "SDWIN-201023031210.yaml",
    PSINJECT: "SDWIN-190518200432.yaml",
}


@pytest.fixture(scope="module")
def datasets(data_dir: Path) -> Path:
    folder = data_dir / "security-datasets"
    if not (folder / DLL).is_file():
        pytest.skip(f"{folder} lacks the OTRF recordings; see section 3 of the data README")
    return folder


@pytest.fixture(scope="module")
def evidence(datasets):
    """The report on each recording with its metadata, keyed by file name."""
    model = t1055_001_model()
    reports = {}
    for name, metadata in METADATA.items():
        log = read_events(datasets / name)
        meta = read_dataset_metadata(datasets / "metadata" / metadata)
        report = collect_evidence(model, [log], metadata=[meta], tactics=T1055_TACTICS)
        reports[name] = report.recordings[0]
    return reports


class TestRecordedInjections:
    @pytest.mark.parametrize(
        ("name", "counts"),
        [
            (DLL, (12200, 5320, 711)),
            (PURPLESHARP, (692, 562, 300)),
            (PSINJECT, (5898, 1165, 706)),
        ],
    )
    def test_reads_and_maps_every_recording(self, evidence, name, counts):
        """Events read, Sysmon events among them, and those mapped to OCSF (IDs 1, 8, 10, 11,
        13, 14; the many ID 12 events stay unmapped)."""
        recording = evidence[name]

        assert (recording.events_read, recording.sysmon_events, recording.mapped_events) == counts
        assert recording.skipped == ()

    @pytest.mark.parametrize(
        ("name", "matched"),
        [
            (DLL, {"definitional": (711, 0), "ocsf-native": (711, 1), "sysmon": (12200, 1)}),
            (PURPLESHARP, {"definitional": (300, 0), "ocsf-native": (300, 1), "sysmon": (692, 0)}),
            (PSINJECT, {"definitional": (706, 0), "ocsf-native": (706, 88), "sysmon": (5898, 0)}),
        ],
    )
    def test_match_counts_per_rule(self, evidence, name, matched):
        """Events scanned and matched by each rule on each recording."""
        results = evidence[name].results

        assert {r.variant: (r.events_scanned, r.matched) for r in results} == matched

    def test_both_practical_rules_catch_the_dll_injection(self, evidence):
        """Sysmon and OCSF-native rules match the same event: PowerShell into notepad."""
        recording = evidence[DLL]
        sysmon, native = recording.result("sysmon"), recording.result("ocsf-native")

        assert sysmon.matches == native.matches
        match = sysmon.matches[0]
        assert match.location.endswith("_2020-07-22000048.json:497")
        assert (match.time, match.actor, match.target, match.detail) == (
            "2020-07-22T04:01:03.866Z",
            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe (9076)",
            "C:\\Windows\\System32\\notepad.exe (6536)",
            "thread starts at LoadLibraryA in C:\\windows\\System32\\KERNEL32.DLL",
        )

    @pytest.mark.parametrize("name", [DLL, PURPLESHARP, PSINJECT])
    def test_definitional_rule_needs_the_cloud_profile(self, evidence, name):
        """No Sysmon event fills api.operation, so the definitional rule cannot fire."""
        result = evidence[name].result("definitional")

        assert result.absent_fields == ("api.operation",)
        assert result.reason.startswith(
            f"silent: none of the {result.events_scanned} events carries api.operation, which "
            "OCSF has only with profile:cloud: the rule can fire only on telemetry that carries it"
        )

    @pytest.mark.parametrize(
        ("name", "left"),
        [
            (PURPLESHARP, "1 event passes {steps}, and its StartFunction is {dash} (1 event)"),
            (PSINJECT, "88 events pass {steps}, and their StartFunction is {dash} (88 events)"),
        ],
    )
    def test_sysmon_rule_misses_threads_started_outside_modules(self, evidence, name, left):
        """PE injection starts its thread on injected code: Sysmon reports no start function."""
        steps = "Channel = Microsoft-Windows-Sysmon/Operational; EventID = 8"
        dash = "'-', Sysmon's word for no value"
        expected = left.format(steps=steps, dash=dash)

        assert evidence[name].result("sysmon").reason == (
            f"silent: {expected}, never LoadLibraryA, LoadLibraryW, LoadLibraryExA, LoadLibraryExW"
        )

    @pytest.mark.parametrize(
        ("name", "claimed", "outcome"),
        [
            (DLL, ("T1055.001",), Outcome.CAUGHT),
            (PURPLESHARP, ("T1055.002",), Outcome.FIRED_ON_OTHER),
            (PSINJECT, ("T1055.003",), Outcome.FIRED_ON_OTHER),
        ],
    )
    def test_verdict_follows_the_metadata(self, evidence, name, claimed, outcome):
        """The metadata's own technique is reported, and set beside the rules that fired."""
        verdict = evidence[name].verdict

        assert verdict is not None
        assert (verdict.metadata.techniques, verdict.outcome) == (claimed, outcome)

    def test_psinject_metadata_and_events_disagree(self, evidence):
        """Metadata says T1055.003 but describes PE injection; the events show remote threads."""
        verdict = evidence[PSINJECT].verdict

        assert verdict is not None
        assert verdict.text == (
            "SDWIN-190518200432 simulates T1055.003 by its metadata, not T1055.001, yet the "
            "ocsf-native rule fired. Both are sub-techniques of T1055, so this is evidence for "
            "T1055, not for T1055.001 itself. The metadata describes it as Empire PSInject: "
            "This dataset represents adversaries reflectively loading/intecting a portable "
            "executable (PE) (not on disk) into a process via WriteprocessMemory and executed "
            "via CreateRemoteThread APIs. The matching events show: 88 × powershell.exe into "
            "notepad.exe, thread starts outside every loaded module."
        )
