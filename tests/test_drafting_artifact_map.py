"""The artifact-to-OCSF table: read as safe YAML, checked row by row, errors at file:line:col."""

from __future__ import annotations

import pytest

from d3fgraph.drafting import (
    MappingFileError,
    RowSource,
    check_artifact_map,
    load_artifact_map,
    read_artifact_map,
)
from d3fgraph.model.vocab import Role

ROW = """\
  - artifact: d3f:File
    class: file_activity
    entity: file
    object: file
    activity: Update
    source: [ocsf-class, ocsf-object]
    rationale: File System Activity records actions on files.
"""
PROPERTIES = """\
  - properties: [d3f:modifies]
    activities: [Update]
    role: postSuccess
    rationale: A modified file serves the adversary.
"""


def table(row: str = ROW, properties: str = PROPERTIES) -> str:
    """Return a table with one artifact row (from line 3) and the given property rows."""
    return f"format: d3fgraph-artifact-ocsf/1\nartifacts:\n{row}properties:\n{properties}"


def check(knowledge, text: str) -> None:
    drafter = knowledge.drafter
    table_ = read_artifact_map(text, "bad.yaml")
    check_artifact_map(table_, drafter.index, knowledge.ocsf, drafter.defaults)


class TestShippedTable:
    def test_reads_the_process_row_as_written(self):
        """The shipped table's d3f:Process row is read with its class, entity and sources."""
        row = load_artifact_map().rows_of("d3f:Process")[0]

        assert (row.event_class, row.entity, row.object, row.activity) == (
            "process_activity",
            "process",
            "process",
            "Launch",
        )
        assert row.sources == (RowSource.OCSF_CLASS, RowSource.OCSF_OBJECT)
        assert row.activities["d3f:modifies"] == "Inject"

    def test_property_rows_give_activity_order_and_role(self):
        """d3f:creates lists Create first and makes the created artifact postSuccess."""
        row = load_artifact_map().property_row("d3f:creates")

        assert row is not None
        assert row.activities[:3] == ("Create", "Launch", "Set")
        assert row.role is Role.POST_SUCCESS

    def test_passes_every_check_against_the_data(self, knowledge):
        """Every name in the shipped table exists, is current and agrees with OCSF's links."""
        drafter = knowledge.drafter

        check_artifact_map(drafter.table, drafter.index, knowledge.ocsf, drafter.defaults)

    def test_starts_from_the_links_ocsf_carries(self):
        """The OCSF classes whose own D3FEND reference backs a row are exactly these."""
        classes = {
            row.event_class
            for row in load_artifact_map().artifacts
            if RowSource.OCSF_CLASS in row.sources
        }

        assert classes == {
            "application_lifecycle",
            "authentication",
            "dhcp_activity",
            "dns_activity",
            "email_activity",
            "event_log_actvity",
            "file_activity",
            "ftp_activity",
            "group_management",
            "http_activity",
            "kernel_activity",
            "kernel_extension_activity",
            "memory_activity",
            "module_activity",
            "network_activity",
            "process_activity",
            "rdp_activity",
            "scheduled_job_activity",
            "smb_activity",
            "ssh_activity",
            "user_access",
        }


class TestShapeErrors:
    def test_refuses_object_building_tags(self):
        """A tag that would construct a Python object is refused where it stands."""
        text = table(ROW.replace("activity: Update", "activity: !!python/object:os.system x"))

        with pytest.raises(MappingFileError) as caught:
            read_artifact_map(text, "bad.yaml")

        assert str(caught.value).startswith("bad.yaml:7:15: YAML tag")

    def test_unknown_key_names_the_allowed_ones(self):
        """A misspelt key is refused with a suggestion and the list of keys."""
        text = table(ROW.replace("    activity: Update", "    activty: Update"))

        with pytest.raises(MappingFileError) as caught:
            read_artifact_map(text, "bad.yaml")

        message = str(caught.value)
        assert message.startswith("bad.yaml:7:5: unknown key 'activty' in an artifact row")
        assert "(did you mean 'activity'?)" in message

    def test_missing_rationale_points_at_the_row(self):
        """Every row must say why; one without a rationale is refused at its first line."""
        text = table(
            ROW.replace("    rationale: File System Activity records actions on files.\n", "")
        )

        with pytest.raises(MappingFileError) as caught:
            read_artifact_map(text, "bad.yaml")

        assert str(caught.value) == "bad.yaml:3:5: missing key 'rationale': it must hold text"

    def test_analyst_source_cannot_join_ocsf_sources(self):
        """'analyst' says OCSF carries no link, so it cannot stand beside an ocsf-* claim."""
        text = table(ROW.replace("[ocsf-class, ocsf-object]", "[analyst, ocsf-object]"))

        with pytest.raises(MappingFileError, match=r"^bad\.yaml:8:13: 'analyst' means"):
            read_artifact_map(text, "bad.yaml")

    def test_same_artifact_twice_for_the_same_actions_is_refused(self):
        """Two rows for one artifact need 'when' to tell them apart."""
        text = table(ROW + ROW)

        with pytest.raises(MappingFileError) as caught:
            read_artifact_map(text, "bad.yaml")

        assert str(caught.value).startswith(
            "bad.yaml:10:5: d3f:File has a second row for the same actions (first at line 3)"
        )

    def test_property_in_two_rows_is_refused(self):
        """A property belongs to one property row only."""
        text = table(properties=PROPERTIES + PROPERTIES)

        with pytest.raises(MappingFileError, match="d3f:modifies is in two property rows"):
            read_artifact_map(text, "bad.yaml")

    def test_unknown_role_lists_the_roles(self):
        """A role outside the closed set is refused with the allowed ones."""
        text = table(properties=PROPERTIES.replace("postSuccess", "owner"))

        with pytest.raises(MappingFileError) as caught:
            read_artifact_map(text, "bad.yaml")

        assert str(caught.value) == (
            "bad.yaml:13:11: unknown role 'owner'; use one of: attacker, victim, postSuccess, "
            "tainted"
        )

    def test_other_format_is_refused(self):
        """A file of another format is refused before its rows are read."""
        text = table().replace("d3fgraph-artifact-ocsf/1", "d3fgraph-artifact-ocsf/2")

        with pytest.raises(MappingFileError, match=r"^bad\.yaml:1:9: format"):
            read_artifact_map(text, "bad.yaml")


class TestChecksAgainstTheData:
    def test_unknown_artifact_is_refused(self, knowledge):
        """An artifact D3FEND lacks is refused at the row's artifact key."""
        with pytest.raises(MappingFileError) as caught:
            check(knowledge, table(ROW.replace("d3f:File\n", "d3f:Fiel\n")))

        assert str(caught.value).startswith("bad.yaml:3:15: d3f:Fiel is not a class under")

    def test_class_caption_asks_for_the_name(self, knowledge):
        """A class given by caption is refused with the name to write instead."""
        with pytest.raises(MappingFileError) as caught:
            check(
                knowledge, table(ROW.replace("class: file_activity", "class: File System Activity"))
            )

        assert str(caught.value).endswith("write its name, 'file_activity'")

    def test_activity_outside_the_class_lists_its_activities(self, knowledge):
        """An activity the class lacks is refused with the class's activities."""
        with pytest.raises(MappingFileError) as caught:
            check(knowledge, table(ROW.replace("activity: Update", "activity: Launch")))

        message = str(caught.value)
        assert message.startswith("bad.yaml:7:15: file_activity has no activity 'Launch'")
        assert "Create, Read, Update" in message

    def test_entity_of_another_object_is_refused(self, knowledge):
        """The entity path must lead to the object the row names."""
        with pytest.raises(MappingFileError) as caught:
            check(knowledge, table(ROW.replace("entity: file", "entity: actor.process")))

        assert str(caught.value) == (
            "bad.yaml:6:13: actor.process in file_activity is 'process', not object 'file'"
        )

    def test_false_ocsf_class_claim_is_refused(self, knowledge):
        """A row may claim OCSF's class link only where OCSF's reference backs it."""
        row = ROW.replace("d3f:File\n", "d3f:UserAccount\n").replace(
            "[ocsf-class, ocsf-object]", "[ocsf-class]"
        )

        with pytest.raises(MappingFileError) as caught:
            check(knowledge, table(row))

        assert str(caught.value) == (
            "bad.yaml:8:13: source ocsf-class does not hold: file_activity references "
            "d3f:FileEvent, whose participants do not include d3f:UserAccount or an ancestor of it"
        )

    def test_false_ocsf_object_claim_is_refused(self, knowledge):
        """A row may claim OCSF's object link only where the object's reference backs it."""
        row = ROW.replace("d3f:File\n", "d3f:UserAccount\n").replace(
            "[ocsf-class, ocsf-object]", "[ocsf-object]"
        )

        with pytest.raises(MappingFileError) as caught:
            check(knowledge, table(row))

        assert str(caught.value) == (
            "bad.yaml:8:13: source ocsf-object does not hold: object file references d3f:File, "
            "not d3f:UserAccount or an ancestor of it"
        )

    def test_unknown_property_is_refused(self, knowledge):
        """Properties in 'when' must be D3FEND object properties."""
        row = ROW + "    when: [d3f:tampers]\n"

        with pytest.raises(MappingFileError, match="d3f:tampers is not an object property"):
            check(knowledge, table(row))

    def test_implied_value_outside_the_enum_is_refused(self, knowledge):
        """An implied enum value must be one the attribute defines."""
        row = ROW + (
            "    implies:\n      - path: file.type_id\n        value: 42\n"
            "        rationale: = nothing.\n"
        )

        with pytest.raises(MappingFileError) as caught:
            check(knowledge, table(row))

        assert str(caught.value).startswith("bad.yaml:11:9: file.type_id has no value 42")
