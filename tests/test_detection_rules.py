"""Rule variants built from a model: conditions, scores, the cases they refuse, ATT&CK tags."""

from __future__ import annotations

import dataclasses

import pytest
from pyoxigraph import RdfFormat, Store

from d3fgraph.detection import (
    TACTIC_TAGS,
    RuleCondition,
    SigmaVariant,
    UnsupportedRuleError,
    ValueMatch,
    attack_tags,
    build_rule,
    explain_rule,
    find_tactics,
    load_sysmon_mapping,
)
from d3fgraph.errors import D3fgraphWarning, InvalidTechniqueIdError

from sigma_support import RUN_KEY_PATH, T1055_TACTICS, t1055_001_model, t1547_001_model


def rule(variant: str, **options):
    return build_rule(t1055_001_model(), variant, load_sysmon_mapping(), **options)


def edited_mapping(**changes):
    """The shipped mapping with the T1055.001 entry changed as ``changes`` say."""
    mapping = load_sysmon_mapping()
    detection = dataclasses.replace(mapping.technique("T1055.001"), **changes)
    return dataclasses.replace(mapping, techniques=(detection,))


class TestBuildRule:
    def test_scores_of_the_three_t1055_001_variants(self):
        """Definitional and OCSF-native score 4U; the Sysmon rule scores 3K."""
        labels = [rule(variant).score.label for variant in SigmaVariant]

        assert labels == ["4U", "4U", "3K"]

    def test_sysmon_rule_states_the_event_through_its_log_source(self):
        """Event ID 8 implies class, activity and injection type; only StartFunction is written."""
        built = rule("sysmon")

        assert [(c.rule_field, c.implied) for c in built.conditions] == [
            ("class_uid", True),
            ("activity_id", True),
            ("injection_type_id", True),
            ("StartFunction", False),
        ]
        assert [c.field.path for c in built.conditions][-1] == "module.function_name"

    def test_layer_override_changes_only_the_column(self):
        """A user who knows the sensor sets the layer; the level stays."""
        assert rule("sysmon", layer="U").score.label == "3U"

    def test_explain_rule_shows_each_condition_with_its_level(self):
        """The explanation gives one line per condition, with the OCSF path when renamed."""
        lines = explain_rule(rule("sysmon")).splitlines()

        assert lines[0] == "T1055.001 sysmon rule on Sysmon Event ID 8 CreateRemoteThread"
        assert lines[1].startswith("Robustness 3K (Summiting the Pyramid)")
        assert lines[-3] == (
            "  [3] StartFunction in (LoadLibraryA, LoadLibraryW, LoadLibraryExA, LoadLibraryExW)"
            " (OCSF module.function_name), in the detection"
        )
        assert lines[-1] == (
            "Conditions are AND-ed, so the rule scores as its weakest field (module.function_name)."
        )

    def test_ocsf_native_needs_a_native_alternative(self):
        """With no stand-in for api.operation, the OCSF-native rule is refused with the fix."""
        mapping = edited_mapping(native_alternatives=())

        with pytest.raises(UnsupportedRuleError, match="names no native alternative for it"):
            build_rule(t1055_001_model(), "ocsf-native", mapping)

    def test_definitional_rule_needs_no_mapping_data(self):
        """A technique absent from the mapping still gets its definitional rule."""
        model = t1055_001_model()
        other = dataclasses.replace(
            model, technique=dataclasses.replace(model.technique, id="T1055.002")
        )

        built = build_rule(other, "definitional", load_sysmon_mapping())

        assert built.selection == {
            "class_uid": (1007,),
            "activity_id": (4,),
            "api.operation": ("CreateRemoteThread",),
        }
        assert built.falsepositives == (
            "Legitimate software performing the same operation; review matches before alerting",
        )

    def test_sysmon_event_is_found_from_the_event_class_when_not_named(self):
        """With no event id in the mapping, the one event of the model's activity is used."""
        mapping = edited_mapping(sysmon_event=None)

        built = build_rule(t1055_001_model(), "sysmon", mapping)

        assert (built.category, built.source_name) == (
            "create_remote_thread",
            "Sysmon Event ID 8 CreateRemoteThread",
        )

    def test_sysmon_refuses_a_condition_its_event_cannot_express(self):
        """Event ID 8 is always a remote thread; a model asking for another type is refused."""
        (alternative,) = load_sysmon_mapping().technique("T1055.001").native_alternatives
        edited = edited_mapping(
            native_alternatives=(dataclasses.replace(alternative, values=(3,)),)
        )

        with pytest.raises(UnsupportedRuleError, match="always has injection_type_id = 1"):
            build_rule(t1055_001_model(), "sysmon", edited)

    def test_sysmon_refuses_a_path_no_sysmon_field_fills(self):
        """A condition on an OCSF path without a Sysmon field is refused, naming the path."""
        (narrowing,) = load_sysmon_mapping().technique("T1055.001").sysmon_conditions
        edited = edited_mapping(
            sysmon_conditions=(dataclasses.replace(narrowing, path="module.load_type_id"),)
        )

        with pytest.raises(UnsupportedRuleError, match=r"fills OCSF module\.load_type_id"):
            build_rule(t1055_001_model(), "sysmon", edited)

    def test_sysmon_needs_a_single_matching_event(self):
        """A model whose activity no Sysmon event records cannot have a Sysmon rule."""
        model = t1055_001_model()
        setuid = dataclasses.replace(model.event, activity_id=5, activity_caption="Set User ID")
        other = dataclasses.replace(
            model,
            technique=dataclasses.replace(model.technique, id="T1548"),
            event=setuid,
            fields=(),
        )

        with pytest.raises(
            UnsupportedRuleError, match="Sysmon reports no event that d3fgraph maps"
        ):
            build_rule(other, "sysmon", load_sysmon_mapping())

    def test_rejects_unknown_variant(self):
        """An unknown variant lists the three."""
        with pytest.raises(ValueError, match="use one of: definitional, ocsf-native, sysmon"):
            rule("native")


class TestRunKeyRules:
    RUN = "\\Microsoft\\Windows\\CurrentVersion\\Run"
    RUN_ONCE = "\\Microsoft\\Windows\\CurrentVersion\\RunOnce"

    def build(self, variant: str, mapping=None):
        return build_rule(t1547_001_model(), variant, mapping or load_sysmon_mapping())

    def without_field_values(self):
        mapping = load_sysmon_mapping()
        detection = dataclasses.replace(mapping.technique("T1547.001"), field_values=())
        return dataclasses.replace(mapping, techniques=(detection,))

    @pytest.mark.parametrize("variant", ["definitional", "ocsf-native"])
    def test_ocsf_rules_test_how_the_key_path_ends(self, variant):
        """The model's invariant reg_value.path is tested with the spelt Run key endings."""
        built = self.build(variant)
        (path,) = [c for c in built.conditions if c.rule_field == "reg_value.path"]

        assert (path.values, path.match, path.field) == (
            (self.RUN, self.RUN_ONCE),
            ValueMatch.ENDSWITH,
            RUN_KEY_PATH,
        )
        assert built.selection["reg_value.path|endswith"] == (self.RUN, self.RUN_ONCE)

    def test_sysmon_rule_tests_what_target_object_contains(self):
        """Event ID 13 implies class and activity; the rule states TargetObject|contains only."""
        built = self.build("sysmon")

        assert [(c.sigma_key, c.implied) for c in built.conditions] == [
            ("class_uid", True),
            ("activity_id", True),
            ("TargetObject|contains", False),
        ]
        assert built.conditions[-1].values == (self.RUN + "\\", self.RUN_ONCE + "\\")
        assert (built.category, built.short_source_name) == ("registry_set", "Sysmon Event ID 13")

    def test_without_field_values_the_rule_says_it_matches_every_value_set(self):
        """A rule on class and activity alone says so, and names the field it cannot test."""
        built = self.build("definitional", self.without_field_values())

        assert built.selection == {"class_uid": (201002,), "activity_id": (2,)}
        assert built.summary.split(". ")[-2] == (
            "On class and activity alone it matches every Registry Value Activity event of "
            "activity Set, whatever its target: the model names no single value for its "
            "invariant reg_value.path"
        )

    def test_field_values_refuse_a_field_the_model_does_not_mark_invariant(self):
        """Spelt values for an attacker-controlled field would lend it the wrong robustness."""
        mapping = load_sysmon_mapping()
        detection = mapping.technique("T1547.001")
        (spelt,) = detection.field_values
        moved = dataclasses.replace(spelt, path="reg_value.name")
        edited = dataclasses.replace(
            mapping, techniques=(dataclasses.replace(detection, field_values=(moved,)),)
        )

        with pytest.raises(UnsupportedRuleError, match="marks that field attacker_controlled"):
            self.build("definitional", edited)

    def test_field_values_refuse_a_path_outside_the_model(self):
        """Spelt values for a path the model lacks are refused, naming the entry to remove."""
        mapping = load_sysmon_mapping()
        detection = mapping.technique("T1547.001")
        (spelt,) = detection.field_values
        moved = dataclasses.replace(spelt, path="reg_key.path")
        edited = dataclasses.replace(
            mapping, techniques=(dataclasses.replace(detection, field_values=(moved,)),)
        )

        with pytest.raises(UnsupportedRuleError, match=r"reg_key\.path, which is not a field"):
            self.build("ocsf-native", edited)

    def test_explain_rule_writes_the_match_in_words(self):
        """The explanation says 'contains one of', not '=' or 'in', for a substring test."""
        lines = explain_rule(self.build("sysmon")).splitlines()

        assert lines[-3] == (
            f"  [5] TargetObject contains one of ({self.RUN}\\, {self.RUN_ONCE}\\) "
            "(OCSF reg_value.path), in the detection"
        )

    def test_substring_condition_needs_text(self):
        """A number cannot be matched in part; the condition says why."""
        with pytest.raises(ValueError, match="needs non-empty text values"):
            RuleCondition("EventID", (13,), RUN_KEY_PATH, match=ValueMatch.CONTAINS)


class TestAttackTags:
    def test_tactics_come_first_then_the_technique(self):
        """T1055.001's tags are its two tactics, sorted, then its own id in lower case."""
        assert attack_tags("T1055.001", reversed(T1055_TACTICS)) == (
            "attack.defense-evasion",
            "attack.privilege-escalation",
            "attack.t1055.001",
        )

    def test_table_covers_the_fourteen_enterprise_tactics(self):
        """Every ATT&CK Enterprise tactic has its D3FEND class in the table."""
        assert len(TACTIC_TAGS) == 14
        assert all(tag.startswith("attack.") and " " not in tag for tag in TACTIC_TAGS.values())

    def test_unknown_tactic_class_is_dropped_with_a_warning(self):
        """A class missing from the table is left out, and the warning lists the known ones."""
        with pytest.warns(D3fgraphWarning, match="Known classes: d3f:CollectionTechnique"):
            tags = attack_tags("T1055", ["d3f:NoSuchTechnique"])

        assert tags == ("attack.t1055",)

    def test_rejects_malformed_technique_id(self):
        """A technique id in the wrong shape is refused before any tag is made."""
        with pytest.raises(InvalidTechniqueIdError):
            attack_tags("t1055", T1055_TACTICS)


class TestFindTactics:
    def test_reads_tactics_inherited_from_the_parent(self):
        """A sub-technique gets the tactic classes of its parent, read from restrictions."""
        store = Store()
        store.load(TINY_D3FEND.encode(), format=RdfFormat.TURTLE)

        assert find_tactics(store, "T1055.001") == T1055_TACTICS

    def test_technique_without_tactic_gives_none(self):
        """A technique D3FEND files under no tactic class gets no tactic."""
        store = Store()
        store.load(TINY_D3FEND.encode(), format=RdfFormat.TURTLE)

        assert find_tactics(store, "T9999") == ()

    def test_real_d3fend_files_t1055_001_under_two_tactics(self, knowledge):
        """In D3FEND 1.2.0, T1055.001 inherits Defense Evasion and Privilege Escalation."""
        assert find_tactics(knowledge.store, "T1055.001") == T1055_TACTICS


TINY_D3FEND = """
@prefix : <http://d3fend.mitre.org/ontologies/d3fend.owl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

:OffensiveTactic a owl:Class .
:OffensiveTechnique a owl:Class ;
    rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :enables ;
                      owl:someValuesFrom :OffensiveTactic ] .
:TA0004 a owl:Class ; rdfs:subClassOf :OffensiveTactic .
:TA0005 a owl:Class ; rdfs:subClassOf :OffensiveTactic .
:DefenseEvasionTechnique a owl:Class ;
    rdfs:subClassOf :OffensiveTechnique ,
        [ a owl:Restriction ; owl:onProperty :enables ; owl:someValuesFrom :TA0005 ] .
:PrivilegeEscalationTechnique a owl:Class ;
    rdfs:subClassOf :OffensiveTechnique ;
    :enables :TA0004 .
:T1055 a owl:Class ; :attack-id "T1055" ;
    rdfs:subClassOf :DefenseEvasionTechnique , :PrivilegeEscalationTechnique .
:T1055.001 a owl:Class ; :attack-id "T1055.001" ; rdfs:subClassOf :T1055 .
:T9999 a owl:Class ; :attack-id "T9999" ; rdfs:subClassOf :OffensiveTechnique .
"""
