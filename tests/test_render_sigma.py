"""Sigma rules from event models: content, goldens, validity through pySigma, literal values."""

from __future__ import annotations

import dataclasses
import json
import uuid
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from d3fgraph.detection import build_rule, load_sysmon_mapping
from d3fgraph.errors import D3fgraphWarning
from d3fgraph.render.sigma import (
    RULE_NAMESPACE,
    TITLE_LIMIT,
    render_sigma,
    rule_id,
    rule_title,
    sigma_literal,
    title_case,
)

from checkers import run_checker
from sigma_support import (
    T1055_TACTICS,
    T1547_TACTICS,
    t1055_001_model,
    t1547_001_model,
    with_api_operation,
)

GOLDEN = Path(__file__).parent / "golden"
VARIANTS = ("definitional", "ocsf-native", "sysmon")
LOADER_EXPORTS = ["LoadLibraryA", "LoadLibraryW", "LoadLibraryExA", "LoadLibraryExW"]


RUN_KEYS = [
    "\\Microsoft\\Windows\\CurrentVersion\\Run",
    "\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
]


def golden(variant: str, technique: str = "T1055.001") -> Path:
    return GOLDEN / f"sigma-{technique}-{variant}.yml"


def rendered(variant: str, **options) -> dict:
    text = render_sigma(t1055_001_model(), variant, tactics=T1055_TACTICS, **options)
    return yaml.safe_load(text)


class TestSigmaLiteral:
    @pytest.mark.parametrize(
        ("value", "written"),
        [
            ("CreateRemoteThread", "CreateRemoteThread"),
            ("C:\\Windows\\System32\\notepad.exe", "C:\\Windows\\System32\\notepad.exe"),
            ("a*b", "a\\*b"),
            ("a?b", "a\\?b"),
            ("C:\\Temp\\*", "C:\\Temp\\\\\\*"),
            ("ends\\", "ends\\\\"),
            ("\\\\server\\share", "\\\\\\server\\share"),
            ("", ""),
        ],
    )
    def test_escapes_only_what_sigma_would_read_as_special(self, value, written):
        """Wildcards and the backslashes before them are escaped; other backslashes stay."""
        assert sigma_literal(value) == written


class TestRuleId:
    def test_namespace_is_the_uuid5_of_the_project_url(self):
        """The namespace constant is what its comment says it is."""
        expected = uuid.uuid5(uuid.NAMESPACE_URL, "https://w3id.org/d3fgraph/sigma-rules")

        assert expected == RULE_NAMESPACE

    def test_id_is_stable_for_a_technique_and_variant(self):
        """The definitional rule of T1055.001 always has the same id."""
        assert str(rule_id("T1055.001", "definitional")) == "707a011f-cae4-5056-aa5c-3ac73275e92a"

    def test_each_variant_has_its_own_id(self):
        """The three variants of one technique get three ids."""
        ids = {rule_id("T1055.001", variant) for variant in VARIANTS}

        assert len(ids) == 3


class TestRenderSigma:
    def test_definitional_rule_keys_on_the_event_and_invariant_fields(self):
        """The definitional rule is the card's rule, with OCSF's integers for class and activity."""
        rule = rendered("definitional")

        assert rule["detection"] == {
            "selection": {
                "class_uid": 1007,
                "activity_id": 4,
                "api.operation": "CreateRemoteThread",
            },
            "condition": "selection",
        }
        assert rule["logsource"] == {"product": "ocsf", "category": "process_activity"}
        assert rule["level"] == "informational"

    def test_ocsf_native_rule_replaces_the_non_native_field(self):
        """api.operation needs the cloud profile, so injection_type_id 1 stands in for it."""
        rule = rendered("ocsf-native")

        assert rule["detection"]["selection"] == {
            "class_uid": 1007,
            "activity_id": 4,
            "injection_type_id": 1,
        }
        assert rule["level"] == "low"
        assert "injection_type_id = 1 stands in for api.operation" in rule["description"]

    def test_sysmon_rule_narrows_to_loader_start_functions(self):
        """The Sysmon rule selects Event ID 8 by category and keys on the loader exports."""
        rule = rendered("sysmon")

        assert rule["logsource"] == {"product": "windows", "category": "create_remote_thread"}
        assert rule["detection"]["selection"] == {"StartFunction": LOADER_EXPORTS}
        assert rule["level"] == "medium"

    def test_every_rule_carries_the_attack_tags_in_sigma_order(self):
        """Tactics from D3FEND come first, sorted, then the sub-technique."""
        tags = [rendered(variant)["tags"] for variant in VARIANTS]

        expected = ["attack.defense-evasion", "attack.privilege-escalation", "attack.t1055.001"]
        assert tags == [expected] * 3

    def test_title_with_colon_is_quoted_and_reads_back_exactly(self):
        """The technique name's ': ' survives the trip through YAML."""
        text = render_sigma(t1055_001_model(), tactics=T1055_TACTICS)

        assert text.startswith("title: 'Process Injection: DLL Injection (T1055.001)'\n")
        assert yaml.safe_load(text)["title"] == "Process Injection: DLL Injection (T1055.001)"

    def test_description_states_the_score(self):
        """Each description ends with its robustness score and weakest field."""
        endings = [" ".join(rendered(v)["description"].split())[-80:] for v in VARIANTS]

        assert endings[0].endswith("robustness 4U, set by its weakest field (api.operation).")
        assert endings[1].endswith("robustness 4U, set by its weakest field (injection_type_id).")
        assert endings[2].endswith(
            "robustness 3K, set by its weakest field (module.function_name)."
        )

    def test_layer_of_a_known_sensor_changes_the_column(self):
        """A kernel-mode OCSF sensor moves the definitional score to 4K."""
        rule = rendered("definitional", layer="K")

        assert "robustness 4K" in " ".join(rule["description"].split())

    def test_rules_have_a_fixed_date_and_the_project_as_author(self):
        """Dates do not follow the clock, so the goldens stay stable."""
        rule = rendered("sysmon")

        assert (str(rule["date"]), rule["author"], rule["status"]) == (
            "2026-12-04",
            "d3fgraph",
            "experimental",
        )

    def test_warns_when_no_tactic_is_given(self):
        """Without tactics the rule carries the technique tag only, and says why."""
        with pytest.warns(D3fgraphWarning, match="carries only the technique tag"):
            text = render_sigma(t1055_001_model())

        assert yaml.safe_load(text)["tags"] == ["attack.t1055.001"]

    def test_unknown_tactic_class_is_left_out_with_a_warning(self):
        """A D3FEND tactic class without a known Sigma tag is dropped, not guessed."""
        with pytest.warns(D3fgraphWarning, match="d3f:StealthTechnique"):
            text = render_sigma(t1055_001_model(), tactics=["d3f:StealthTechnique"])

        assert yaml.safe_load(text)["tags"] == ["attack.t1055.001"]

    def test_mapping_defaults_to_the_shipped_file(self):
        """Rendering with no mapping given uses the shipped one."""
        explicit = render_sigma(
            t1055_001_model(), "sysmon", mapping=load_sysmon_mapping(), tactics=T1055_TACTICS
        )

        assert explicit == render_sigma(t1055_001_model(), "sysmon", tactics=T1055_TACTICS)

    def test_rejects_unknown_variant(self):
        """A variant outside the three is refused with the three listed."""
        with pytest.raises(ValueError, match="use one of: definitional, ocsf-native, sysmon"):
            render_sigma(t1055_001_model(), "splunk", tactics=T1055_TACTICS)


class TestGoldenRules:
    @pytest.mark.parametrize("variant", VARIANTS)
    def test_rule_equals_its_golden_file(self, variant):
        """Each T1055.001 rule is byte for byte its golden file."""
        text = render_sigma(t1055_001_model(), variant, tactics=T1055_TACTICS)

        assert text == golden(variant).read_text(encoding="utf-8")

    @pytest.mark.slow
    def test_golden_rules_pass_sigma_check_with_no_issue(self):
        """The real pySigma loads all three rules, and no validator reports any issue."""
        code, output = run_checker("sigma-check", *(golden(v) for v in VARIANTS))

        assert code == 0, output
        assert "3 passed, 0 failed" in output
        assert [line for line in output.splitlines() if line.startswith("  ")] == []


class TestRunKeyRules:
    def rendered(self, variant: str) -> dict:
        return yaml.safe_load(render_sigma(t1547_001_model(), variant, tactics=T1547_TACTICS))

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_rule_equals_its_golden_file(self, variant):
        """Each T1547.001 rule is byte for byte its golden file."""
        text = render_sigma(t1547_001_model(), variant, tactics=T1547_TACTICS)

        assert text == golden(variant, "T1547.001").read_text(encoding="utf-8")

    @pytest.mark.slow
    def test_golden_rules_pass_sigma_check_with_no_issue(self):
        """The real pySigma loads the three rules and their modifiers, with no issue."""
        files = [golden(v, "T1547.001") for v in VARIANTS]

        code, output = run_checker("sigma-check", *files)

        assert code == 0, output
        assert "3 passed, 0 failed" in output
        assert [line for line in output.splitlines() if line.startswith("  ")] == []

    @pytest.mark.parametrize("variant", ["definitional", "ocsf-native"])
    def test_ocsf_rules_test_how_the_key_path_ends(self, variant):
        """reg_value.path holds the key alone, so the OCSF rules use the endswith modifier."""
        assert self.rendered(variant)["detection"]["selection"] == {
            "class_uid": 201002,
            "activity_id": 2,
            "reg_value.path|endswith": RUN_KEYS,
        }

    def test_sysmon_rule_tests_what_target_object_contains(self):
        """TargetObject holds key and value name, so the Sysmon rule looks for the key inside."""
        rule = self.rendered("sysmon")

        assert rule["logsource"] == {"product": "windows", "category": "registry_set"}
        assert rule["detection"]["selection"] == {
            "TargetObject|contains": [f"{key}\\\\" for key in RUN_KEYS]
        }
        assert "robustness 5K" in " ".join(rule["description"].split())

    def test_long_sysmon_title_names_the_event_id_only(self):
        """With the event's name the title would pass SigmaHQ's limit, so only its id stays."""
        title = self.rendered("sysmon")["title"]

        assert title.endswith("(T1547.001) - Sysmon Event ID 13")
        assert len(title) <= TITLE_LIMIT

    def test_modifiers_reach_pysigma_with_the_values_literal(self):
        """pySigma reads the contains modifier, and the trailing backslash as one backslash."""
        pysigma = pytest.importorskip("sigma.collection", reason="pySigma is not installed")
        from sigma.types import SpecialChars

        text = render_sigma(t1547_001_model(), "sysmon", tactics=T1547_TACTICS)

        rule = pysigma.SigmaCollection.from_yaml(text).rules[0]
        (item,) = rule.detection.detections["selection"].detection_items

        assert (item.field, [m.__name__ for m in item.modifiers]) == (
            "TargetObject",
            ["SigmaContainsModifier"],
        )
        wildcard = SpecialChars.WILDCARD_MULTI
        assert [v.s for v in item.value] == [[wildcard, f"{key}\\", wildcard] for key in RUN_KEYS]


class TestLiteralRoundTrip:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(value=st.text())
    @example(value="C:\\Users\\*\\AppData\\?")
    @example(value="trailing\\")
    @example(value="line\x85break\u2028and\u2029more")
    @example(value="1007")
    @example(value="null")
    @example(value="a: b # c")
    def test_any_text_value_reaches_pysigma_as_that_literal(self, value):
        """A field value parses back unchanged through YAML and pySigma, wildcards included."""
        pysigma = pytest.importorskip("sigma.collection", reason="pySigma is not installed")
        text = render_sigma(with_api_operation(value), tactics=T1055_TACTICS)

        selection = yaml.safe_load(text)["detection"]["selection"]
        rule = pysigma.SigmaCollection.from_yaml(text).rules[0]
        items = rule.detection.detections["selection"].detection_items
        item = next(i for i in items if i.field == "api.operation")

        assert selection["api.operation"] == sigma_literal(value)
        assert [type(v).__name__ for v in item.value] == ["SigmaString"]
        assert not item.value[0].contains_special()
        assert "".join(item.value[0].s) == value


class TestRealData:
    def test_shipped_model_renders_the_golden_rules(self, t1055_001):
        """The model built from the real D3FEND and OCSF gives exactly the golden rules."""
        texts = [render_sigma(t1055_001, v, tactics=T1055_TACTICS) for v in VARIANTS]

        assert texts == [golden(v).read_text(encoding="utf-8") for v in VARIANTS]

    def test_hand_built_model_matches_the_shipped_one(self, t1055_001):
        """The unit tests' model states what the real build produces."""
        model = t1055_001_model()

        assert (t1055_001.technique, t1055_001.event) == (model.technique, model.event)
        assert t1055_001.fields == model.fields

    def test_hand_built_run_key_model_matches_the_shipped_one(self, knowledge):
        """The T1547.001 model of the unit tests is the one the real build produces."""
        shipped, model = knowledge.model("T1547.001"), t1547_001_model()

        assert (shipped.technique, shipped.event) == (model.technique, model.event)
        assert (shipped.entities, shipped.relations) == (model.entities, model.relations)
        assert shipped.fields == model.fields

    def test_shipped_run_key_model_renders_the_golden_rules(self, knowledge):
        """The real T1547.001 model and its D3FEND tactics give exactly the golden rules."""
        from d3fgraph.detection import find_tactics

        model = knowledge.model("T1547.001")
        tactics = find_tactics(knowledge.store, "T1547.001")

        texts = [render_sigma(model, v, tactics=tactics) for v in VARIANTS]

        assert texts == [golden(v, "T1547.001").read_text(encoding="utf-8") for v in VARIANTS]

    @pytest.mark.parametrize(
        ("dataset", "fired"),
        [
            ("empire_dllinjection_LoadLibrary_CreateRemoteThread.zip", 1),
            ("empire_psinject_PEinjection.zip", 0),
            ("purplesharp_pe_injection_createremotethread.zip", 0),
        ],
    )
    def test_sysmon_rule_fires_on_dll_injection_only(self, data_dir, dataset, fired):
        """The Empire DLL injection (PowerShell into notepad) matches; PE injections do not."""
        rule = rendered("sysmon")
        selection = rule["detection"]["selection"]

        events = list(sysmon_events(data_dir / "security-datasets" / dataset, event_id=8))
        matches = [e for e in events if all(matches_field(e, f, v) for f, v in selection.items())]

        assert events
        assert len(matches) == fired
        if fired:
            assert (matches[0]["SourceImage"], matches[0]["TargetImage"]) == (
                "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                "C:\\Windows\\System32\\notepad.exe",
            )


def sysmon_events(archive: Path, *, event_id: int):
    """Yield the Sysmon events of one id from a Security-Datasets zip, read in place."""
    with zipfile.ZipFile(archive) as bundle:
        for name in bundle.namelist():
            with bundle.open(name) as handle:
                for line in handle:
                    event = json.loads(line)
                    channel = event.get("Channel", "")
                    if channel.endswith("Sysmon/Operational") and event["EventID"] == event_id:
                        yield event


def matches_field(event: dict, field: str, accepted) -> bool:
    """Sigma's plain string match: equality, ignoring case, any of a list; no modifiers."""
    assert "|" not in field
    values = accepted if isinstance(accepted, list) else [accepted]
    assert not any("*" in str(v) or "?" in str(v) for v in values)
    return str(event.get(field, "")).lower() in {str(v).lower() for v in values}


class TestTitleCase:
    @pytest.mark.parametrize(
        ("name", "title"),
        [
            ("Masquerading: Space after Filename", "Masquerading: Space After Filename"),
            ("Boot or Logon Autostart Execution", "Boot or Logon Autostart Execution"),
            ("Exfiltration Over Alternative Protocol", "Exfiltration Over Alternative Protocol"),
            ("abuse of rundll32.exe", "Abuse of rundll32.exe"),
        ],
    )
    def test_capitalises_lower_case_words_but_minor_words_and_file_names(self, name, title):
        """SigmaHQ's title-case convention, applied to ATT&CK's sentence-case names."""
        assert title_case(name) == title


class TestRuleTitle:
    def title(self, name: str, variant: str) -> str:
        model = t1055_001_model()
        model = dataclasses.replace(
            model, technique=dataclasses.replace(model.technique, name=name)
        )
        return rule_title(build_rule(model, variant, load_sysmon_mapping()))

    def test_a_title_within_the_limit_is_whole(self):
        assert self.title("Process Injection: DLL Injection", "ocsf-native") == (
            "Process Injection: DLL Injection (T1055.001) - OCSF Native Fields"
        )

    def test_a_long_title_drops_the_parent_name_then_shortens_the_variant(self):
        """ATT&CK's longest sub-technique names keep their own name, id and variant."""
        name = (
            "Exfiltration Over Alternative Protocol: "
            "Exfiltration Over Symmetric Encrypted Non-C2 Protocol"
        )

        assert self.title(name, "ocsf-native") == (
            "Exfiltration Over Symmetric Encrypted Non-C2 Protocol (T1055.001) - OCSF Native"
        )

    def test_a_title_longer_than_any_shortening_is_cut_with_an_ellipsis(self):
        title = self.title("Parent: " + "Very Long Name " * 10, "ocsf-native")

        assert len(title) == TITLE_LIMIT
        assert title.endswith("\u2026 (T1055.001) - OCSF Native")
