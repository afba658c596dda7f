"""Collecting evidence on a small synthetic recording: which rule fires on which event, and why."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from d3fgraph.evidence import (
    DatasetMetadata,
    DatasetMetadataError,
    EventMatch,
    Outcome,
    collect_evidence,
    read_dataset_metadata,
    read_events,
)
from d3fgraph.model.event_model import TechniqueRef

from sigma_support import T1055_TACTICS, T1547_TACTICS, t1055_001_model, t1547_001_model

FIXTURES = Path(__file__).parent / "data" / "evidence"
LOG = FIXTURES / "sysmon-injection.jsonl"


@pytest.fixture(scope="module")
def recording():
    """The report on the synthetic recording, with its synthetic metadata."""
    log = read_events(LOG)
    metadata = read_dataset_metadata(FIXTURES / "synthetic-metadata.yaml")
    report = collect_evidence(t1055_001_model(), [log], metadata=[metadata], tactics=T1055_TACTICS)
    return report.recordings[0]


class TestCollectEvidence:
    def test_counts_events_read_sysmon_and_mapped(self, recording):
        """Six events are read, five are Sysmon's, four of those the mapping covers."""
        assert (recording.events_read, recording.sysmon_events, recording.mapped_events) == (
            6,
            5,
            4,
        )

    def test_runs_each_variant_on_its_own_telemetry(self, recording):
        """The Sysmon rule scans every recorded event; the OCSF rules scan the mapped ones."""
        scanned = {r.variant: (r.telemetry, r.events_scanned) for r in recording.results}

        assert scanned == {
            "definitional": ("OCSF events mapped from Sysmon", 4),
            "ocsf-native": ("OCSF events mapped from Sysmon", 4),
            "sysmon": ("Sysmon events as recorded", 6),
        }

    def test_match_counts_per_rule(self, recording):
        """Definitional 0, OCSF-native 2 (both remote threads), Sysmon 1 (the LoadLibraryW one)."""
        counts = {r.variant: r.matched for r in recording.results}

        assert counts == {"definitional": 0, "ocsf-native": 2, "sysmon": 1}

    def test_sysmon_rule_ignores_other_channels(self, recording):
        """The Security event with a LoadLibraryA StartFunction is not a Sysmon event 8."""
        sysmon = recording.result("sysmon")

        assert [m.location for m in sysmon.matches] == [f"{LOG}:1"]

    def test_describes_the_matching_event(self, recording):
        """A match gives its time, injector, target and where the new thread starts."""
        assert recording.result("sysmon").matches[0] == EventMatch(
            location=f"{LOG}:1",
            time="2024-03-01T10:00:00.250Z",
            actor="C:\\Tools\\injector.exe (4242)",
            target="C:\\Windows\\System32\\notepad.exe (777)",
            detail="thread starts at LoadLibraryW in C:\\Windows\\System32\\KERNEL32.DLL",
        )

    def test_explains_the_silent_definitional_rule(self, recording):
        """The definitional rule is silent because no event carries api.operation."""
        assert recording.result("definitional").reason == (
            "silent: none of the 4 events carries api.operation, which OCSF has only with "
            "profile:cloud: the rule can fire only on telemetry that carries it (class_uid = "
            "1007: 4; activity_id = 4: 2; api.operation = CreateRemoteThread: 0)"
        )
        assert recording.result("definitional").absent_fields == ("api.operation",)

    def test_explains_the_firing_rules(self, recording):
        """A rule that fires says how many events each of its conditions kept."""
        assert recording.result("ocsf-native").reason == (
            "fires on 2 of 4 events (class_uid = 1007: 4; activity_id = 4: 2; "
            "injection_type_id = 1: 2)"
        )
        assert recording.result("sysmon").reason == (
            "fires on 1 of 6 events (Channel = Microsoft-Windows-Sysmon/Operational: 5; "
            "EventID = 8: 2; StartFunction in (LoadLibraryA, LoadLibraryW, LoadLibraryExA, "
            "LoadLibraryExW): 1)"
        )

    def test_keeps_the_score_beside_each_rule(self, recording):
        """Each result carries its rule's robustness score and level."""
        assert [(r.score, r.level) for r in recording.results] == [
            ("4U", "informational"),
            ("4U", "low"),
            ("3K", "medium"),
        ]

    def test_judges_the_recording_from_its_metadata(self, recording):
        """The synthetic metadata names T1055.001, and two of its rules fired: caught."""
        verdict = recording.verdict

        assert verdict is not None
        assert (verdict.outcome, verdict.fired) == (Outcome.CAUGHT, ("ocsf-native", "sysmon"))
        assert verdict.text == (
            "Caught: SYNTH-0001 simulates T1055.001, and the ocsf-native and sysmon rules of "
            "T1055.001 fired. The metadata describes it as Synthetic DLL injection: A made-up "
            "recording of a LoadLibrary injection, written for d3fgraph's tests. The matching "
            "events show: 1 × injector.exe into notepad.exe, thread starts at LoadLibraryW in "
            "C:\\Windows\\System32\\KERNEL32.DLL; 1 × peloader.exe into calc.exe, thread starts "
            "outside every loaded module."
        )


class TestCollectEvidenceEdges:
    def test_reports_a_variant_that_cannot_be_built(self):
        """A technique without mapping data gets its definitional rule only; the rest say why."""
        model = t1055_001_model()
        other = dataclasses.replace(
            model, technique=TechniqueRef("T1055.002", "Process Injection: PE Injection", "T1055")
        )

        report = collect_evidence(other, [read_events(LOG)])

        results = report.recordings[0].results
        assert [(r.variant, r.error == "") for r in results] == [
            ("definitional", True),
            ("ocsf-native", False),
            ("sysmon", False),
        ]
        assert results[1].reason.startswith("cannot be written: api.operation is not native")

    def test_judges_a_sibling_sub_technique_as_fired_on_other(self):
        """Metadata naming a sibling sub-technique gives fired-on-other-technique."""
        metadata = DatasetMetadata(
            "SYNTH-2", "PE injection", "", ("T1055.002",), ("sysmon-injection.jsonl",)
        )

        report = collect_evidence(t1055_001_model(), [read_events(LOG)], metadata=[metadata])

        verdict = report.recordings[0].verdict
        assert verdict is not None
        assert verdict.outcome is Outcome.FIRED_ON_OTHER
        assert verdict.text.startswith(
            "SYNTH-2 simulates T1055.002 by its metadata, not T1055.001, yet the ocsf-native and "
            "sysmon rules fired. Both are sub-techniques of T1055, so this is evidence for "
            "T1055, not for T1055.001 itself. The metadata describes it as PE injection."
        )

    @pytest.mark.parametrize(
        ("technique", "outcome", "start"),
        [
            ("T1055.001", Outcome.MISSED, "Missed: SYNTH-4 simulates T1055.001, and no rule of"),
            ("T1003", Outcome.SILENT_ON_OTHER, "SYNTH-4 simulates T1003 by its metadata, and no"),
        ],
    )
    def test_judges_a_recording_where_nothing_fired(self, tmp_path, technique, outcome, start):
        """Without a match, the verdict is missed for the technique, silent for another."""
        quiet = tmp_path / "quiet.jsonl"
        quiet.write_text(LOG.read_text(encoding="utf-8").splitlines()[2] + "\n", "utf-8")
        metadata = DatasetMetadata("SYNTH-4", "Quiet", "", (technique,), ("quiet.jsonl",))

        report = collect_evidence(t1055_001_model(), [read_events(quiet)], metadata=[metadata])

        verdict = report.recordings[0].verdict
        assert verdict is not None
        assert (verdict.outcome, verdict.fired, verdict.text.startswith(start)) == (
            outcome,
            (),
            True,
        )

    def test_refuses_metadata_for_another_recording(self, tmp_path):
        """With two logs, metadata that lists neither cannot be paired, and says so."""
        second = tmp_path / "second.jsonl"
        second.write_bytes(LOG.read_bytes())
        metadata = DatasetMetadata("SYNTH-3", "t", "", ("T1055.001",), ("other.zip",), "m.yaml")

        with pytest.raises(DatasetMetadataError) as caught:
            collect_evidence(
                t1055_001_model(), [read_events(LOG), read_events(second)], metadata=[metadata]
            )

        assert str(caught.value) == (
            "metadata m.yaml lists other.zip under files, none of the recordings given "
            "(sysmon-injection.jsonl, second.jsonl); give the recording it describes"
        )

    def test_serialises_to_plain_data(self, recording):
        """to_dict gives JSON-ready data with the counts and the verdict."""
        data = recording.to_dict()

        assert [(r["variant"], r["matched"], r["fired"]) for r in data["results"]] == [
            ("definitional", 0, False),
            ("ocsf-native", 2, True),
            ("sysmon", 1, True),
        ]
        assert data["verdict"]["outcome"] == "caught"
        assert data["skipped_lines"] == []


class TestReadDatasetMetadata:
    def test_reads_technique_and_files(self):
        """The sub-technique joins its technique, and file links become file names."""
        metadata = read_dataset_metadata(FIXTURES / "synthetic-metadata.yaml")

        assert (metadata.id, metadata.techniques, metadata.files) == (
            "SYNTH-0001",
            ("T1055.001",),
            ("sysmon-injection.zip",),
        )

    def test_rejects_metadata_without_a_technique(self, tmp_path):
        """A metadata file with no attack_mappings names what it needs."""
        path = tmp_path / "bad.yaml"
        path.write_text("title: x\nattack_mappings: []\n", encoding="utf-8")

        with pytest.raises(DatasetMetadataError) as caught:
            read_dataset_metadata(path)

        assert str(caught.value) == (
            f"dataset metadata {path} names no ATT&CK technique under attack_mappings; each "
            "entry needs technique: T1055 and optionally sub-technique: '001'"
        )

    def test_rejects_text_that_is_not_yaml(self, tmp_path):
        """A file that does not parse is an input error."""
        path = tmp_path / "bad.yaml"
        path.write_text("title: [unclosed\n", encoding="utf-8")

        with pytest.raises(DatasetMetadataError, match="is not YAML"):
            read_dataset_metadata(path)


class TestRunKeyEvidence:
    """T1547.001 on two recorded registry writes: one under a Run key, one beside it."""

    TARGETS = (
        r"HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Run\Updater",
        r"HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\RunServices\Updater",
    )

    @pytest.fixture
    def results(self, tmp_path):
        lines = [
            {
                "Channel": "Microsoft-Windows-Sysmon/Operational",
                "EventID": 13,
                "UtcTime": "2024-03-01 10:00:00.250",
                "Image": r"C:\Windows\System32\reg.exe",
                "TargetObject": target,
                "Details": r"C:\Users\Public\updater.exe",
            }
            for target in self.TARGETS
        ]
        path = tmp_path / "run-keys.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

        report = collect_evidence(t1547_001_model(), [read_events(path)], tactics=T1547_TACTICS)
        return {r.variant: r for r in report.recordings[0].results}

    def test_every_variant_fires_on_the_run_key_write_only(self, results):
        """The three rules match the value under Run and not the one under RunServices."""
        assert {v: r.matched for v, r in results.items()} == {
            "definitional": 1,
            "ocsf-native": 1,
            "sysmon": 1,
        }

    def test_match_names_the_value_written_and_its_data(self, results):
        """A registry match shows the key and value name, and the data the value holds."""
        (match,) = results["sysmon"].matches

        assert (match.actor, match.target, match.detail) == (
            r"C:\Windows\System32\reg.exe",
            self.TARGETS[0],
            r"value data C:\Users\Public\updater.exe",
        )
