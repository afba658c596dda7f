"""Shape checks of model files: every bad file gives one precise error with its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from d3fgraph.errors import (
    InvalidInvarianceClassError,
    InvalidTechniqueIdError,
    ModelFileError,
)
from d3fgraph.model.model_file import read_model_file, read_model_text
from d3fgraph.model.vocab import InvarianceClass, ModelStatus, Role

BAD = Path(__file__).parent / "bad_input" / "models"
SHIPPED = Path(__file__).parent.parent / "ontologies" / "techniques"


class TestReadShippedModel:
    def test_reads_t1055_001_entities_in_order(self):
        """The curated DLL-injection model keeps its four entities in file order."""
        spec = read_model_file(SHIPPED / "T1055.001.yaml")

        assert [e.id for e in spec.entities] == [
            "actor_process",
            "target_process",
            "injection_api",
            "device",
        ]
        assert [e.role for e in spec.entities] == [
            Role.ATTACKER,
            Role.POST_SUCCESS,
            Role.ATTACKER,
            Role.TAINTED,
        ]

    def test_reads_t1055_001_fields_with_invariance(self):
        """Each field keeps its invariance class, value and core_to."""
        spec = read_model_file(SHIPPED / "T1055.001.yaml")

        assert [(f.path, f.invariance, f.value, f.core_to) for f in spec.fields] == [
            ("actor.process.file.path", InvarianceClass.ATTACKER_CONTROLLED, None, None),
            ("process.pid", InvarianceClass.VARIABLE, None, None),
            (
                "api.operation",
                InvarianceClass.INVARIANT,
                "CreateRemoteThread",
                "some_implementations",
            ),
        ]
        assert spec.status is ModelStatus.CURATED
        assert (spec.event_class, spec.activity) == ("process_activity", "Inject")


# file name -> (error class, text the message must hold, line of the error or None)
SHAPE_CASES = {
    "invariance_hyphen.yaml": (
        InvalidInvarianceClassError,
        "'attacker-controlled'; use one of: attacker_controlled, invariant, variable",
        26,
    ),
    "invariance_capital.yaml": (InvalidInvarianceClassError, "'Variable'", 26),
    "invariance_unknown.yaml": (InvalidInvarianceClassError, "'stable'", 26),
    "unknown_top_key.yaml": (
        ModelFileError,
        "unknown key 'colour' in the model; allowed keys: format,",
        24,
    ),
    "duplicate_entity.yaml": (ModelFileError, "duplicate entity id 'actor_process'", 24),
    "duplicate_key.yaml": (ModelFileError, "key 'role' appears twice", 19),
    "relation_undeclared_entity.yaml": (
        ModelFileError,
        "entity 'victim_process' is referenced but never declared",
        26,
    ),
    "wrong_type_activity.yaml": (
        ModelFileError,
        "'event' key 'activity' must be text or a whole number, found a list",
        12,
    ),
    "technique_id_one_digit.yaml": (InvalidTechniqueIdError, "'T1055.1'", 3),
    "python_tag.yaml": (ModelFileError, "tag 'tag:yaml.org,2002:python/object:os.system'", 4),
    "role_unknown.yaml": (
        ModelFileError,
        "invalid role 'owner'; allowed: attacker, victim, postSuccess, tainted",
        23,
    ),
    "malformed_yaml.yaml": (ModelFileError, "not valid YAML", 3),
    "empty.yaml": (ModelFileError, "the file is empty", None),
    "alias_self.yaml": (ModelFileError, "anchors and aliases are not allowed", 2),
    "alias_bomb.yaml": (ModelFileError, "anchors and aliases are not allowed", 2),
}


class TestShapeErrors:
    @pytest.mark.parametrize("name", sorted(SHAPE_CASES))
    def test_bad_file_gives_precise_error(self, name):
        """Each malformed model gives its error class, the offending value and its line."""
        error, text, line = SHAPE_CASES[name]

        with pytest.raises(error) as caught:
            read_model_file(BAD / name)

        assert text in str(caught.value)
        assert caught.value.location is not None
        assert Path(caught.value.location.path).name == name
        assert caught.value.location.line == line

    def test_invariance_error_lists_allowed_values(self):
        """The error carries the closed set so callers can show it."""
        with pytest.raises(InvalidInvarianceClassError) as caught:
            read_model_file(BAD / "invariance_hyphen.yaml")

        assert caught.value.allowed == ("attacker_controlled", "invariant", "variable")
        assert caught.value.value == "attacker-controlled"

    def test_error_text_starts_with_file_line_column(self):
        """Printed errors start with path:line:column like a compiler's."""
        with pytest.raises(ModelFileError) as caught:
            read_model_file(BAD / "unknown_top_key.yaml")

        assert str(caught.value).startswith(f"{BAD / 'unknown_top_key.yaml'}:24:1: ")

    def test_unsupported_format_is_refused(self):
        """A model of another format version names the one this release reads."""
        text = (SHIPPED / "T1055.001.yaml").read_text().replace("/1", "/9", 1)

        with pytest.raises(ModelFileError, match="reads 'd3fgraph-model/1'"):
            read_model_text(text, "m.yaml")

    def test_unreadable_file_is_a_model_error(self, tmp_path):
        """A path that does not exist is reported as such, not as a traceback."""
        with pytest.raises(ModelFileError, match="cannot read the model file"):
            read_model_file(tmp_path / "missing.yaml")

    def test_several_documents_are_refused(self):
        """Two YAML documents in one file would silently drop one model."""
        text = (SHIPPED / "T1055.001.yaml").read_text() + "\n---\nformat: x\n"

        with pytest.raises(ModelFileError, match="several YAML documents"):
            read_model_text(text, "m.yaml")
