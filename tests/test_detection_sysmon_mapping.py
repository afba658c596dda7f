"""The Sysmon-to-OCSF mapping file: what it says, and the errors a broken copy gives."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from d3fgraph.detection import (
    MappingFileError,
    ValueMatch,
    build_rule,
    load_sysmon_mapping,
    read_sysmon_mapping,
)
from d3fgraph.errors import EXIT_DATA
from d3fgraph.model.vocab import InvarianceClass
from d3fgraph.scoring import TelemetryLayer

MINIMAL = textwrap.dedent(
    """\
    format: d3fgraph-sysmon-ocsf/1
    ocsf_version: 1.8.0
    sources:
      doc: https://example.org/sysmon
    events:
      - event_id: 8
        name: CreateRemoteThread
        sigma_category: create_remote_thread
        source: doc
        layer: K
        layer_source: doc
        note: Only threads started in another process.
        ocsf:
          class_uid: 1007
          activity_id: 4
          implies:
            injection_type_id: 1
        fields:
          - sysmon: StartFunction
            ocsf: module.function_name
            meaning: exported function at the start address
            source: doc
            target: objects/module.json
          - sysmon: RuleName
            ocsf: null
            meaning: configuration rule that matched
            source: doc
            note: not about the event
    techniques:
      T1055.001:
        native_alternatives:
          - replaces: api.operation
            path: injection_type_id
            values: [1]
            invariance: invariant
            core_to: some_implementations
            source: doc
            rationale: Remote Thread.
        sysmon:
          event_id: 8
          conditions:
            - path: module.function_name
              values: [LoadLibraryA]
              invariance: invariant
              core_to: preexisting_tool
              source: doc
              rationale: Starts in the loader.
        falsepositives:
          sysmon: [Overlay software]
        references:
          sysmon: [doc]
    """
)


def broken(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1)


class TestShippedMapping:
    def test_maps_event_8_fields_to_ocsf_paths(self):
        """Every Event ID 8 field named in the issue lands on the OCSF attribute it fills."""
        event = load_sysmon_mapping().event(8)

        assert {f.sysmon: f.ocsf for f in event.fields} == {
            "UtcTime": "time",
            "Computer": "device.hostname",
            "SourceProcessGuid": "actor.process.uid",
            "SourceProcessId": "actor.process.pid",
            "SourceImage": "actor.process.file.path",
            "SourceUser": "actor.process.user.name",
            "TargetProcessGuid": "process.uid",
            "TargetProcessId": "process.pid",
            "TargetImage": "process.file.path",
            "TargetUser": "process.user.name",
            "NewThreadId": "process.ptid",
            "StartAddress": "module.start_address",
            "StartModule": "module.file.path",
            "StartFunction": "module.function_name",
            "RuleName": None,
        }

    def test_event_8_is_a_kernel_mode_remote_thread_injection(self):
        """Event ID 8 is Process Activity: Inject with a remote thread, seen from the kernel."""
        event = load_sysmon_mapping().event(8)

        assert event.constants() == {"class_uid": 1007, "activity_id": 4, "injection_type_id": 1}
        assert (event.sigma_category, event.layer) == (
            "create_remote_thread",
            TelemetryLayer.KERNEL_MODE,
        )

    def test_maps_process_create_and_access_too(self):
        """Event IDs 1 and 10 are Process Activity Launch and Open, in the user-mode column."""
        mapping = load_sysmon_mapping()
        launch, access = mapping.event(1), mapping.event(10)

        assert (launch.activity_id, launch.sigma_category, launch.layer) == (
            1,
            "process_creation",
            "U",
        )
        assert (access.activity_id, access.sigma_category, access.layer) == (
            3,
            "process_access",
            "U",
        )
        assert launch.sysmon_field("actor.process.file.path") == "ParentImage"
        assert access.sysmon_field("actual_permissions") == "GrantedAccess"

    def test_every_row_cites_a_source_and_an_unmapped_row_says_why(self):
        """Rows name where their meaning comes from; rows without a target explain themselves."""
        mapping = load_sysmon_mapping()
        rows = [f for e in mapping.events for f in e.fields]

        assert all(mapping.source(f.source).startswith("https://") for f in rows)
        assert all(f.note for f in rows if f.ocsf is None)
        assert all(f.target for f in rows if f.ocsf is not None)

    def test_t1055_001_has_a_native_alternative_and_a_sysmon_narrowing(self):
        """api.operation gives way to injection_type_id 1; Sysmon narrows to loader exports."""
        detection = load_sysmon_mapping().technique("T1055.001")
        (alternative,) = detection.native_alternative("api.operation")
        (narrowing,) = detection.sysmon_conditions

        assert (alternative.path, alternative.values, alternative.core_to) == (
            "injection_type_id",
            (1,),
            "some_implementations",
        )
        assert (narrowing.path, narrowing.core_to, detection.sysmon_event) == (
            "module.function_name",
            "preexisting_tool",
            8,
        )

    def test_technique_without_entry_has_empty_detection_data(self):
        """A technique the file does not list gets no alternatives and no Sysmon event."""
        detection = load_sysmon_mapping().technique("T1003.001")

        assert (detection.native_alternatives, detection.sysmon_event) == ((), None)

    def test_unknown_event_id_lists_the_mapped_ones(self):
        """Asking for an unmapped event id names those the file maps."""
        with pytest.raises(LookupError, match="mapped ids: 1, 8, 10, 11, 13, 14"):
            load_sysmon_mapping().event(7)

    def test_maps_registry_value_set_to_registry_value_activity(self):
        """Event ID 13 is Registry Value Activity Set, kernel-mode; TargetObject fills the path."""
        event = load_sysmon_mapping().event(13)

        assert event.constants() == {"class_uid": 201002, "activity_id": 2}
        assert (event.sigma_category, event.layer) == ("registry_set", TelemetryLayer.KERNEL_MODE)
        assert [event.sysmon_field(p) for p in ("reg_value.path", "reg_value.data")] == [
            "TargetObject",
            "Details",
        ]
        assert event.sysmon_field("actor.process.file.path") == "Image"

    def test_maps_key_rename_with_the_old_path_as_the_previous_key(self):
        """Event ID 14 is Registry Key Activity Rename: TargetObject is the key before it."""
        event = load_sysmon_mapping().event(14)

        assert event.constants() == {"class_uid": 201001, "activity_id": 5}
        assert event.layer is TelemetryLayer.USER_MODE
        assert (event.sysmon_field("prev_reg_key.path"), event.sysmon_field("reg_key.path")) == (
            "TargetObject",
            "NewName",
        )

    def test_maps_file_create_to_file_system_activity(self):
        """Event ID 11 is File System Activity Create, in the user-mode column."""
        event = load_sysmon_mapping().event(11)

        assert (event.class_uid, event.activity_id, event.sigma_category) == (1001, 1, "file_event")
        assert event.sysmon_field("file.path") == "TargetFilename"
        assert event.sysmon_field("file.created_time") == "CreationUtcTime"

    def test_leaves_out_registry_object_create_and_delete(self):
        """Event ID 12 reports three OCSF events under one id, so it is not mapped."""
        with pytest.raises(LookupError, match="Event ID 12 is not mapped"):
            load_sysmon_mapping().event(12)

    def test_t1547_001_tests_the_run_keys_by_part_of_the_path(self):
        """The OCSF rules test how the key path ends; the Sysmon one what TargetObject contains."""
        detection = load_sysmon_mapping().technique("T1547.001")
        (spelt,) = detection.field_values
        (narrowing,) = detection.sysmon_conditions

        assert (spelt.path, spelt.match, spelt.values) == (
            "reg_value.path",
            ValueMatch.ENDSWITH,
            (
                "\\Microsoft\\Windows\\CurrentVersion\\Run",
                "\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
            ),
        )
        assert (detection.sysmon_event, narrowing.path, narrowing.match, narrowing.core_to) == (
            13,
            "reg_value.path",
            ValueMatch.CONTAINS,
            "technique",
        )
        assert narrowing.values == (
            "\\Microsoft\\Windows\\CurrentVersion\\Run\\",
            "\\Microsoft\\Windows\\CurrentVersion\\RunOnce\\",
        )

    def test_mapped_paths_exist_in_ocsf(self, knowledge):
        """Every OCSF path the file names resolves in its event class of the real schema."""
        mapping = load_sysmon_mapping()

        for event in mapping.events:
            event_class = knowledge.ocsf.event_class(event.class_uid)
            paths = [f.ocsf for f in event.fields if f.ocsf] + [key for key, _ in event.implies]
            for path in paths:
                assert knowledge.ocsf.resolve_path(event_class, path).native, (event.event_id, path)
            assert event.activity_id in dict(event_class.activities)

    @pytest.mark.parametrize("variant", ["definitional", "ocsf-native"])
    def test_every_field_values_entry_fits_its_shipped_model(self, knowledge, variant):
        """A field_values entry that named no invariant field of the model would silently cost
        the technique its OCSF rules; each one must build, with the entry's condition."""
        mapping = load_sysmon_mapping()
        entries = [(t.technique_id, v) for t in mapping.techniques for v in t.field_values]

        assert entries
        for technique_id, values in entries:
            rule = build_rule(knowledge.model(technique_id), variant, mapping)
            stated = {c.field.path: (c.values, c.match) for c in rule.stated}
            assert stated[values.path] == (values.values, values.match), technique_id

    def test_targets_are_files_of_the_pinned_ocsf_release(self, data_dir):
        """Each row's target names a file that exists in the OCSF source tree."""
        rows = [f for e in load_sysmon_mapping().events for f in e.fields if f.target]

        missing = [f.target for f in rows if not (data_dir / "ocsf-schema" / f.target).is_file()]
        assert missing == []


class TestReadSysmonMapping:
    def test_reads_a_minimal_file(self):
        """A small well-formed file gives its events and technique data."""
        mapping = read_sysmon_mapping(MINIMAL, "m.yaml")
        detection = mapping.technique("T1055.001")

        assert mapping.event(8).sysmon_field("module.function_name") == "StartFunction"
        assert detection.sysmon_conditions[0].invariance is InvarianceClass.INVARIANT
        assert detection.falsepositives_of("sysmon") == ("Overlay software",)
        assert detection.references_of("sysmon") == ("https://example.org/sysmon",)

    def test_conditions_compare_for_equality_unless_told(self):
        """A condition without 'match' tests whole values; one with it keeps its match."""
        text = broken(
            "values: [LoadLibraryA]\n", "values: [LoadLib]\n          match: startswith\n"
        )

        plain = read_sysmon_mapping(MINIMAL, "m.yaml").technique("T1055.001")
        prefixed = read_sysmon_mapping(text, "m.yaml").technique("T1055.001")

        assert plain.native_alternatives[0].match is ValueMatch.EQUALS
        assert prefixed.sysmon_conditions[0].match is ValueMatch.STARTSWITH

    def test_reads_field_values(self):
        """field_values spell an invariant model field: path, match, values, rationale, source."""
        entry = (
            "    field_values:\n"
            "      - path: reg_value.path\n"
            "        match: endswith\n"
            "        values: ['\\Run']\n"
            "        source: doc\n"
            "        rationale: The key.\n"
            "    sysmon:\n"
        )
        text = broken("    sysmon:\n", entry)

        (spelt,) = read_sysmon_mapping(text, "m.yaml").technique("T1055.001").field_values

        assert (spelt.path, spelt.match, spelt.values, spelt.source) == (
            "reg_value.path",
            ValueMatch.ENDSWITH,
            ("\\Run",),
            "doc",
        )

    def test_unknown_match_names_its_place_and_the_allowed_ones(self):
        """One clear error: where the bad value is, and the four values 'match' takes."""
        text = broken("values: [LoadLibraryA]\n", "values: [LoadLibraryA]\n          match: like\n")

        with pytest.raises(MappingFileError) as caught:
            read_sysmon_mapping(text, "m.yaml")

        assert str(caught.value).startswith(
            "m.yaml:44:18: match 'like' is not one of: equals, contains, startswith, endswith"
        )

    @pytest.mark.parametrize(
        ("old", "new", "message"),
        [
            ("format: d3fgraph-sysmon-ocsf/1", "format: other/2", "m.yaml:1:9: format 'other/2'"),
            ("    layer: K\n", "    layer: X\n", "m.yaml:10:12: layer 'X' is not A"),
            (
                "    source: doc\n    layer",
                "    source: nowhere\n    layer",
                "unknown source 'nowhere'",
            ),
            ("  doc: https://example.org/sysmon", "  doc: a book", "must be an https:// URL"),
            (
                "sigma_category: create_remote_thread",
                "sigma_category: Remote Thread",
                "lower_snake_case",
            ),
            (
                "ocsf: module.function_name",
                "ocsf: Module.Function",
                "is not an OCSF attribute path",
            ),
            (
                "        note: not about the event\n",
                "",
                "RuleName maps to no OCSF attribute; add a 'note'",
            ),
            ("        target: objects/module.json\n", "", "StartFunction needs a 'target'"),
            (
                "      - sysmon: RuleName",
                "      - sysmon: StartFunction",
                "'StartFunction' is mapped twice",
            ),
            ("  T1055.001:", "  T1055.1:", "'T1055.1' is not an ATT&CK technique id"),
            (
                "      event_id: 8\n      conditions",
                "      event_id: 9\n      conditions",
                "Event ID 9 has no entry",
            ),
            (
                "invariance: invariant\n        core_to: some",
                "invariance: constant\n        core_to: some",
                "invariance 'constant' is not one of",
            ),
            (
                "core_to: preexisting_tool",
                "core_to: everything",
                "core_to 'everything' is not one of",
            ),
            ("values: [LoadLibraryA]", "values: []", "expected a non-empty list"),
            ("values: [1]", "values: [true]", "list entries must be text or integers"),
            (
                "      sysmon: [Overlay software]",
                "      splunk: [Overlay software]",
                "unknown rule variant 'splunk'",
            ),
            ("      sysmon: [doc]", "      sysmon: [blog]", "unknown source 'blog'"),
            ("- event_id: 8\n", "- event_id: '8'\n", "'event_id' must hold an integer"),
            ("- replaces: api.operation\n        path", "- path", "missing key 'replaces'"),
            (
                "        target: objects/module.json",
                "        taget: objects/module.json",
                "unknown key 'taget'; did you mean 'target'?",
            ),
            (
                "    conditions:",
                "    narrowing:",
                "unknown key 'narrowing'; keys allowed here: conditions, event_id",
            ),
            (
                "values: [LoadLibraryA]\n",
                "values: [LoadLibraryA]\n          match: [contains]\n",
                "match ['contains'] is not one of: equals, contains, startswith, endswith",
            ),
            (
                "values: [1]\n",
                "values: [1]\n        match: contains\n",
                "m.yaml:34:18: match contains compares parts of text, so each value must be",
            ),
            (
                "values: [LoadLibraryA]\n",
                "values: ['']\n          match: endswith\n",
                "non-empty text, not ''",
            ),
            (
                "values: [LoadLibraryA]\n",
                "values: [LoadLibraryA]\n          macth: contains\n",
                "unknown key 'macth'; did you mean 'match'?",
            ),
        ],
    )
    def test_reports_the_fault_and_where(self, old, new, message):
        """Each kind of broken file gives a message that names the fault."""
        with pytest.raises(MappingFileError) as caught:
            read_sysmon_mapping(broken(old, new), "m.yaml")

        assert message in str(caught.value)

    def test_rejects_a_repeated_event(self):
        """Two entries for one event id are refused, pointing at the second."""
        events = MINIMAL[MINIMAL.index("  - event_id: 8") : MINIMAL.index("techniques:")]
        text = MINIMAL.replace("techniques:", events + "techniques:", 1)

        with pytest.raises(MappingFileError, match="Event ID 8 is mapped twice") as caught:
            read_sysmon_mapping(text, "m.yaml")

        assert str(caught.value).startswith("m.yaml:29:5: ")

    def test_refuses_yaml_tags_that_build_objects(self):
        """Only plain data is read: a Python tag is refused, as in model files."""
        text = MINIMAL.replace("name: CreateRemoteThread", "name: !!python/name:os.system", 1)

        with pytest.raises(MappingFileError, match=r"tag .* is not allowed"):
            read_sysmon_mapping(text, "m.yaml")

    def test_refuses_an_empty_file(self):
        """An empty file is refused as a mapping file, not a model file."""
        with pytest.raises(MappingFileError, match="a mapping file is a YAML mapping"):
            read_sysmon_mapping("", "m.yaml")

    def test_missing_file_is_a_data_failure(self, tmp_path: Path):
        """A mapping file that cannot be read exits with the data-failure code."""
        with pytest.raises(MappingFileError, match="cannot read the Sysmon mapping") as caught:
            load_sysmon_mapping(tmp_path / "absent.yaml")

        assert caught.value.exit_code == EXIT_DATA
