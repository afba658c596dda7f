"""Summiting the Pyramid scores: each level and each column, reached from model fields."""

from __future__ import annotations

import dataclasses

import pytest

from d3fgraph.detection import MappedCondition, ValueMatch, build_rule, load_sysmon_mapping
from d3fgraph.model.event_model import ObservedField
from d3fgraph.model.model_file import CORE_TO_VALUES
from d3fgraph.model.vocab import InvarianceClass
from d3fgraph.scoring import (
    CORE_TO_LEVELS,
    RobustnessLevel,
    RobustnessScore,
    TelemetryLayer,
    score_any,
    score_field,
    score_rule,
)

from sigma_support import (
    API_OPERATION,
    INJECTOR_PATH,
    TARGET_PID,
    t1547_001_model,
)


def invariant(path: str, core_to: str | None, rationale: str = "") -> ObservedField:
    return ObservedField(
        path=path,
        entity=None,
        invariance=InvarianceClass.INVARIANT,
        rationale=rationale,
        value="x",
        core_to=core_to,
    )


class TestScoreField:
    @pytest.mark.parametrize(
        ("core_to", "level"),
        [
            ("technique", RobustnessLevel.TECHNIQUE),
            ("some_implementations", RobustnessLevel.SOME_IMPLEMENTATIONS),
            ("preexisting_tool", RobustnessLevel.PREEXISTING_TOOL),
            ("adversary_tool", RobustnessLevel.ADVERSARY_TOOL),
        ],
    )
    def test_invariant_field_scores_by_what_it_is_core_to(self, core_to, level):
        """An invariant field's level is the one its core_to names."""
        scored = score_field(invariant("a.b", core_to))

        assert scored.level is level

    def test_every_core_to_value_of_the_model_format_has_a_level(self):
        """The scorer knows every core_to value a model file may hold."""
        assert tuple(CORE_TO_LEVELS) == CORE_TO_VALUES

    def test_invariant_field_without_core_to_is_core_to_the_technique(self):
        """An unqualified invariant field is fixed by the technique itself, level 5."""
        scored = score_field(invariant("a.b", None))

        assert (scored.level, scored.reason) == (5, "invariant, core to the technique")

    def test_attacker_controlled_field_is_ephemeral(self):
        """An attacker-controlled path scores 1, whatever else is known about it."""
        scored = score_field(INJECTOR_PATH)

        assert (scored.level, scored.reason) == (1, "attacker-controlled, changed at no cost")

    def test_variable_field_is_not_scored(self):
        """A variable field such as a pid takes no part in the score."""
        scored = score_field(TARGET_PID)

        assert scored.level is None
        assert scored.reason == (
            "variable per run, used to relate events rather than to match; not scored"
        )

    def test_reason_carries_the_model_rationale_on_one_line(self):
        """The model's rationale follows the class, with its line breaks folded."""
        scored = score_field(invariant("a.b", "preexisting_tool", "Fixed by\n  the loader."))

        assert scored.reason == "invariant, core to a pre-existing tool: Fixed by the loader."

    def test_rejects_unknown_core_to(self):
        """A core_to outside the scale is refused with the valid values listed."""
        with pytest.raises(ValueError, match="use one of: technique, some_implementations"):
            score_field(invariant("a.b", "everything"))


class TestScoreRule:
    def test_and_of_fields_scores_as_the_weakest(self):
        """The T1055.001 definitional fields score 4: api.operation is the weakest."""
        event = invariant("activity_id", "technique")

        score = score_rule([event, API_OPERATION], TelemetryLayer.USER_MODE)

        assert (score.level, score.label) == (4, "4U")
        assert [f.path for f in score.weakest] == ["api.operation"]

    def test_reaches_level_five_with_technique_fields_only(self):
        """A rule on fields core to the technique reaches the top of the pyramid."""
        score = score_rule([invariant("activity_id", "technique")], "K")

        assert score.label == "5K"

    def test_reaches_level_three_on_a_preexisting_tool(self):
        """A condition on a Windows API the implementation cannot change scores 3."""
        fields = [invariant("activity_id", "technique"), invariant("module.x", "preexisting_tool")]

        assert score_rule(fields, "K").label == "3K"

    def test_reaches_level_two_on_an_adversary_tool(self):
        """A condition on a property of the adversary's own tool scores 2."""
        fields = [invariant("activity_id", "technique"), invariant("tool.x", "adversary_tool")]

        assert score_rule(fields, "A").label == "2A"

    def test_attacker_controlled_condition_drops_the_rule_to_one(self):
        """Adding the injector's path to a level-4 rule makes it level 1."""
        score = score_rule([API_OPERATION, INJECTOR_PATH], "U")

        assert score.label == "1U"
        assert [f.path for f in score.weakest] == ["actor.process.file.path"]

    def test_variable_field_neither_raises_nor_lowers_the_score(self):
        """Adding process.pid leaves the level where the other fields put it."""
        without = score_rule([API_OPERATION], "U")
        with_pid = score_rule([API_OPERATION, TARGET_PID], "U")

        assert (without.level, with_pid.level) == (4, 4)
        assert [f.level for f in with_pid.fields] == [4, None]

    @pytest.mark.parametrize(
        ("layer", "column"),
        [
            (TelemetryLayer.APPLICATION, "A"),
            (TelemetryLayer.USER_MODE, "U"),
            (TelemetryLayer.KERNEL_MODE, "K"),
            ("K", "K"),
        ],
    )
    def test_layer_gives_the_column(self, layer, column):
        """The telemetry layer, as enum or letter, is the score's column."""
        score = score_rule([API_OPERATION], layer)

        assert score.layer is TelemetryLayer(column)
        assert score.label == f"4{column}"

    def test_rejects_unknown_layer(self):
        """A layer other than A, U or K is refused with the three listed."""
        with pytest.raises(ValueError, match=r"use one of: A \(application\), U \(user-mode\)"):
            score_rule([API_OPERATION], "X")

    def test_rejects_rule_with_only_variable_fields(self):
        """A rule keyed only on variable fields has nothing to score."""
        with pytest.raises(ValueError, match=r"it keys on: process\.pid"):
            score_rule([TARGET_PID], "U")

    def test_rejects_rule_with_no_fields(self):
        """An empty rule cannot be scored."""
        with pytest.raises(ValueError, match="it keys on: none"):
            score_rule([], "U")


class TestScoreAny:
    def test_or_scores_as_the_most_robust_branch(self):
        """An adversary must evade every branch, so the highest level decides."""
        low = score_rule([INJECTOR_PATH], "K")
        high = score_rule([API_OPERATION], "U")

        assert score_any([low, high]) is high

    def test_or_tie_goes_to_the_deeper_layer(self):
        """Between two branches of one level, the kernel-mode one decides."""
        user = score_rule([API_OPERATION], "U")
        kernel = score_rule([API_OPERATION], "K")

        assert score_any([user, kernel]).label == "4K"

    def test_rejects_or_of_no_branch(self):
        """An OR of nothing is refused."""
        with pytest.raises(ValueError, match="give one branch or more"):
            score_any([])


class TestRobustnessScore:
    def test_explain_lists_each_field_with_its_level(self):
        """The explanation shows the label, each field's level and value, and the weakest."""
        score = score_rule([invariant("activity_id", "technique"), TARGET_PID], "K")

        assert score.explain() == (
            "Robustness 5K (Summiting the Pyramid): analytic level 5, event robustness K "
            "(kernel-mode)\n"
            "  [5] activity_id = x: invariant, core to the technique\n"
            "  [-] process.pid: variable per run, used to relate events rather than to match; "
            "not scored\n"
            "Conditions are AND-ed, so the rule scores as its weakest field (activity_id).\n"
        )

    def test_to_dict_gives_plain_values(self):
        """to_dict holds numbers and text only, ready for JSON."""
        score = score_rule([dataclasses.replace(INJECTOR_PATH, value="C:\\a.exe")], "A")

        assert score.to_dict() == {
            "label": "1A",
            "level": 1,
            "layer": "A",
            "fields": [
                {
                    "path": "actor.process.file.path",
                    "invariance": "attacker_controlled",
                    "level": 1,
                    "reason": "attacker-controlled, changed at no cost",
                    "value": "C:\\a.exe",
                }
            ],
        }

    def test_rejects_level_above_every_field(self):
        """A score cannot claim more than its most robust field."""
        field = score_field(INJECTOR_PATH)

        with pytest.raises(ValueError, match="level 5 exceeds every field's level"):
            RobustnessScore(RobustnessLevel.TECHNIQUE, TelemetryLayer.KERNEL_MODE, (field,))


class TestSubstringConditions:
    """A condition on part of a field scores as the field: the match changes no level."""

    def rule(self, variant: str):
        return build_rule(t1547_001_model(), variant, load_sysmon_mapping())

    def test_run_key_rules_score_five_on_the_key_path(self):
        """The Run keys are the technique, so each variant reaches level 5 in its column."""
        labels = [self.rule(v).score.label for v in ("definitional", "ocsf-native", "sysmon")]

        assert labels == ["5U", "5U", "5K"]

    def test_key_path_scores_as_an_invariant_core_to_the_technique(self):
        """The TargetObject|contains condition is scored as OCSF reg_value.path, level 5."""
        score = self.rule("sysmon").score
        scored = score.fields[-1]

        assert (scored.path, scored.invariance, scored.level) == (
            "reg_value.path",
            InvarianceClass.INVARIANT,
            RobustnessLevel.TECHNIQUE,
        )
        assert scored.reason.startswith("invariant, core to the technique: TargetObject holds")
        assert "reg_value.path" in [f.path for f in score.weakest]

    def test_part_of_a_value_is_not_shown_as_the_whole(self):
        """A substring condition carries no single value, so the score never writes 'path = x'."""
        (spelt,) = [f for f in self.rule("definitional").score.fields if f.path == "reg_value.path"]

        assert spelt.value is None
        assert "  [5] reg_value.path: invariant, core to the technique" in (
            self.rule("definitional").score.explain()
        )

    def test_substring_on_an_attacker_controlled_field_stays_ephemeral(self):
        """Matching part of the writer's path, which the adversary picks, drops the rule to 1."""
        mapping = load_sysmon_mapping()
        detection = mapping.technique("T1547.001")
        writer = MappedCondition(
            path="actor.process.file.path",
            values=("\\Temp\\",),
            invariance=InvarianceClass.ATTACKER_CONTROLLED,
            core_to=None,
            rationale="Droppers often run from a temporary folder.",
            source="sysmon-13",
            match=ValueMatch.CONTAINS,
        )
        conditions = (*detection.sysmon_conditions, writer)
        edited = dataclasses.replace(
            mapping,
            techniques=(dataclasses.replace(detection, sysmon_conditions=conditions),),
        )

        rule = build_rule(t1547_001_model(), "sysmon", edited)

        assert rule.selection["Image|contains"] == ("\\Temp\\",)
        assert (rule.score.label, [f.path for f in rule.score.weakest]) == (
            "1K",
            ["actor.process.file.path"],
        )
