"""Default invariance of OCSF attributes: lookups, the shipped rows, and errors at file:line."""

from __future__ import annotations

import pytest

from d3fgraph.drafting import MappingFileError, load_invariance_defaults, read_invariance_defaults
from d3fgraph.model.vocab import InvarianceClass

HEADER = "format: d3fgraph-invariance-defaults/1\n"
ROWS = """\
attributes:
  - attribute: path
    invariance: attacker_controlled
    rationale: A path the adversary picks.
  - attribute: win/reg_value.path
    invariance: invariant
    core_to: some_implementations
    rationale: The value written decides what the write does.
drafted_fields:
  win/reg_value: [path]
"""


class TestLookup:
    def test_object_row_wins_over_the_bare_name(self):
        """win/reg_value.path has its own row; other paths use the bare 'path' row."""
        defaults = read_invariance_defaults(HEADER + ROWS)

        in_registry = defaults.lookup("win/reg_value", "path")
        elsewhere = defaults.lookup("file", "path")

        assert in_registry is not None and elsewhere is not None
        assert (in_registry.invariance, in_registry.core_to) == (
            InvarianceClass.INVARIANT,
            "some_implementations",
        )
        assert elsewhere.invariance is InvarianceClass.ATTACKER_CONTROLLED

    def test_unknown_attribute_has_no_default(self):
        """An attribute no row names gets None, not a guess."""
        assert read_invariance_defaults(HEADER + ROWS).lookup("file", "size") is None

    def test_resolved_path_uses_the_object_that_owns_its_leaf(self, knowledge):
        """actor.process.file.path ends in a file object, so file.path's row applies."""
        defaults = knowledge.drafter.defaults
        resolved = knowledge.ocsf.resolve_path("process_activity", "actor.process.file.path")

        found = defaults.for_path(resolved)

        assert found is not None
        assert (found.key, found.invariance) == ("file.path", InvarianceClass.ATTACKER_CONTROLLED)

    def test_shipped_defaults_follow_the_stated_argument(self):
        """System-assigned ids are variable, attacker-chosen text is controlled, enums fixed."""
        defaults = load_invariance_defaults()

        found = {
            key: defaults.rows[key].invariance
            for key in ("pid", "tid", "uid", "cmd_line", "file.path", "activity_id", "class_uid")
        }

        assert found == {
            "pid": InvarianceClass.VARIABLE,
            "tid": InvarianceClass.VARIABLE,
            "uid": InvarianceClass.VARIABLE,
            "cmd_line": InvarianceClass.ATTACKER_CONTROLLED,
            "file.path": InvarianceClass.ATTACKER_CONTROLLED,
            "activity_id": InvarianceClass.INVARIANT,
            "class_uid": InvarianceClass.INVARIANT,
        }

    def test_shipped_defaults_pass_the_ocsf_check(self, knowledge):
        """Every key and drafted field of the shipped file exists in OCSF 1.8.0."""
        load_invariance_defaults().check(knowledge.ocsf)


class TestErrors:
    def test_unknown_invariance_class_lists_the_classes(self):
        """An invariance outside the closed set is refused where it is written."""
        text = HEADER + ROWS.replace("invariance: attacker_controlled", "invariance: fixed")

        with pytest.raises(MappingFileError) as caught:
            read_invariance_defaults(text, "bad.yaml")

        assert str(caught.value) == (
            "bad.yaml:4:17: invalid invariance class 'fixed'; use one of: invariant, variable, "
            "attacker_controlled"
        )

    def test_core_to_on_a_non_invariant_row_is_refused(self):
        """core_to qualifies invariant values only."""
        text = HEADER + ROWS.replace("invariance: invariant", "invariance: variable")

        with pytest.raises(MappingFileError, match=r"^bad\.yaml:8:14: core_to applies"):
            read_invariance_defaults(text, "bad.yaml")

    def test_repeated_attribute_is_refused(self):
        """One row per attribute key; the second names the first's line."""
        text = HEADER + ROWS.replace(
            "drafted_fields:",
            "  - attribute: path\n    invariance: variable\n    rationale: again.\ndrafted_fields:",
        )

        with pytest.raises(MappingFileError) as caught:
            read_invariance_defaults(text, "bad.yaml")

        assert str(caught.value).startswith(
            "bad.yaml:10:5: attribute 'path' has a second row (first at line 3)"
        )

    def test_unknown_ocsf_attribute_is_refused(self, knowledge):
        """A key naming an attribute OCSF lacks is refused at its row."""
        text = HEADER + ROWS.replace("win/reg_value.path", "win/reg_value.pth")

        with pytest.raises(MappingFileError) as caught:
            read_invariance_defaults(text, "bad.yaml").check(knowledge.ocsf)

        assert str(caught.value) == (
            "bad.yaml:6:5: OCSF 1.8.0 has no attribute 'win/reg_value.pth'; check the spelling"
        )

    def test_drafted_field_without_a_default_is_refused(self, knowledge):
        """A field a draft would list needs a default row."""
        text = HEADER + ROWS.replace("win/reg_value: [path]", "win/reg_value: [path, type_id]")

        with pytest.raises(MappingFileError, match=r"win/reg_value\.type_id has no default row"):
            read_invariance_defaults(text, "bad.yaml").check(knowledge.ocsf)
