"""The card's content on the real data: what each section computes, curated or drafted."""

from __future__ import annotations

import dataclasses
import re

import pytest

from d3fgraph.card import CardSection, Evidence, TechniqueCard, build_card
from d3fgraph.detection import load_sysmon_mapping

OSSEM_8 = (
    "https://github.com/OTRF/OSSEM-DD/blob/26f3037eb41e5a4280a7cf05e99cfedaee034fc1/"
    "windows/sysmon/events/event-8.yml"
)


@pytest.fixture(scope="module")
def card(knowledge, t1055_001) -> TechniqueCard:
    return build_card(knowledge, t1055_001)


class TestDetect:
    def test_marks_the_api_call_as_needing_the_cloud_profile(self, card):
        """api.operation is the one field OCSF Process Activity lacks without a profile."""
        outside = [(f.path, f.requires, f.in_rule) for f in card.detect.fields if not f.native]

        assert outside == [("api.operation", ("profile:cloud",), True)]

    def test_offers_injection_type_remote_thread_in_its_place(self, card):
        """The native stand-in comes from the mapping, its caption from the OCSF enum."""
        (alternative,) = card.detect.native_alternatives

        assert (alternative.path, alternative.values, alternative.captions) == (
            "injection_type_id",
            (1,),
            ("Remote Thread",),
        )
        assert alternative.replaces == "api.operation"
        assert alternative.source.endswith("/dictionary.json")

    def test_finds_the_module_for_the_injected_library(self, card):
        """D3FEND's adds/loads SharedLibraryFile lead to the class's native module object."""
        (attribute,) = card.detect.artifact_attributes

        assert (attribute.path, attribute.object, attribute.artifact) == (
            "module",
            "module",
            "d3f:SharedLibraryFile",
        )
        assert attribute.properties == ("d3f:adds", "d3f:loads")
        assert attribute.basis.startswith("ontologies/mappings/artifact-ocsf.yaml row")
        assert attribute.in_model is False

    def test_maps_sysmon_event_8_onto_the_model_with_sources(self, card):
        """Sysmon Event ID 8 is the fallback; its images fill the two processes' paths."""
        fallback = card.detect.fallback
        rows = {r.sysmon: (r.ocsf, r.entity, r.source) for r in fallback.fields}

        assert (fallback.event_id, fallback.name, fallback.layer) == (8, "CreateRemoteThread", "K")
        assert rows["SourceImage"] == ("actor.process.file.path", "actor_process", OSSEM_8)
        assert rows["TargetImage"] == ("process.file.path", "target_process", OSSEM_8)
        assert rows["StartFunction"][0] == "module.function_name"
        assert ("injection_type_id", 1) in fallback.implies

    def test_scores_all_three_variants(self, card):
        """Every variant is written and scored; the Sysmon one is kernel-mode telemetry."""
        scores = [(r.variant, r.score.label, r.score.weakest) for r in card.rules]

        assert scores == [
            ("definitional", "4U", ("api.operation",)),
            ("ocsf-native", "4U", ("injection_type_id",)),
            ("sysmon", "3K", ("module.function_name",)),
        ]

    def test_explains_each_score_condition_by_condition(self, card):
        """The Sysmon rule's conditions keep their OCSF field and the reason for its level."""
        conditions = card.rules[2].score.conditions

        assert [(c.rule_field, c.level, c.implied) for c in conditions] == [
            ("class_uid", 5, True),
            ("activity_id", 5, True),
            ("injection_type_id", 4, True),
            ("StartFunction", 3, False),
        ]
        assert conditions[3].reason.startswith("invariant, core to a pre-existing tool")

    def test_keeps_detective_countermeasures_in_detect(self, card):
        """Detect and Deceive countermeasures belong to the Detect section, not the others."""
        tactics = [g.tactic for g in card.detect.countermeasures.groups]
        elsewhere = {g.tactic for s in (card.mitigate, card.respond) for g in s.groups}

        assert tactics == ["Detect", "Deceive"]
        assert elsewhere.isdisjoint(tactics)

    def test_shows_evidence_when_given(self, knowledge, t1055_001):
        """Evidence a caller measured is carried into the Detect section unchanged."""
        evidence = Evidence("sysmon", "empire_dllinjection", "https://example.org/d", 12200, 1)

        card = build_card(knowledge, t1055_001, evidence=[evidence])

        assert card.detect.evidence == (evidence,)


class TestMitigateAndRespond:
    def test_groups_mitigations_by_tactic_with_provenance(self, card):
        """ACG's control is asserted in D3FEND and curated in the model, with its reason."""
        groups = {g.tactic: g.items for g in card.mitigate.groups}
        psep = next(i for i in groups["Harden"] if i.d3fend_id == "D3-PSEP")

        assert list(groups) == ["Model", "Harden"]
        assert psep.provenance == ("official", "curated")
        assert psep.reason.startswith("Arbitrary Code Guard (ACG)")
        assert card.mitigate.guidance.startswith("Enable Arbitrary Code Guard")

    def test_states_the_consequence_by_role(self, card):
        """The target process, taken over, comes first; the tainted host last."""
        assert card.respond.consequence[0] == (
            "Target Process (process) runs the adversary's code once the technique succeeds."
        )
        assert card.respond.consequence[-1].startswith("Host (device)")


class TestEntities:
    def test_lists_countermeasures_on_each_entity_with_provenance(self, card):
        """Processes get Process Termination from D3FEND; the host gets the curated isolation."""
        by_entity = {
            row.id: {c.technique: c.provenance for c in row.countermeasures}
            for row in card.entities
        }

        assert by_entity["actor_process"]["d3f:ProcessTermination"] == ("official",)
        assert by_entity["target_process"]["d3f:ProcessTermination"] == ("official",)
        assert by_entity["device"]["d3f:NetworkIsolation"] == ("curated",)

    def test_names_the_d3fend_class_of_the_call(self, card):
        """CreateRemoteThread is d3f:WindowsCreateRemoteThread, which invokes a SystemCall."""
        (term,) = next(r for r in card.entities if r.id == "injection_api").terms

        assert term.term == "d3f:WindowsCreateRemoteThread"
        assert term.path == (
            ("d3f:WindowsCreateRemoteThread", "rdfs:subClassOf", "d3f:OSAPICreateThread"),
            ("d3f:OSAPICreateThread", "d3f:invokes", "d3f:CreateThread"),
            ("d3f:CreateThread", "rdfs:subClassOf", "d3f:SystemCall"),
        )


class TestCorrections:
    def test_corrects_the_activity_id_in_the_event_section(self, card):
        """The reference writes the caption; OCSF stores the integer 4."""
        (correction,) = card.corrections_in(CardSection.EVENT)

        assert correction.claim == "writes activity_id: 'Inject'"
        assert "4 means Inject" in correction.finding

    def test_corrects_api_name_in_detect(self, card):
        """api.name does not exist in OCSF 1.8.0; the model tests api.operation."""
        claims = {c.claim: c.finding for c in card.corrections_in("detect")}

        assert "does not exist in OCSF 1.8.0" in claims["tests api.name"]
        assert "api.operation instead, which needs profile:cloud" in claims["tests api.name"]

    def test_shows_the_curated_device_link_as_curated(self, card):
        """NetworkIsolation on the host is the analyst's link, not D3FEND's."""
        findings = [c.finding for c in card.corrections_in("entities")]

        assert any("asserts no link from d3f:NetworkIsolation to d3f:Host" in f for f in findings)

    def test_finds_the_unparseable_rule_title(self, card):
        """The reference's unquoted title is checked with a YAML parser, not assumed broken."""
        claims = [c.claim for c in card.corrections_in("sigma")]

        assert claims[0].startswith("leaves the title unquoted")

    def test_other_techniques_have_no_reference_to_correct(self, knowledge):
        """Only a technique with a reference card gets corrections."""
        card = build_card(knowledge, knowledge.drafter.draft("T1547.001"))

        assert (card.corrections, card.reference) == ((), None)


class TestDraftedAndPartialModels:
    def test_a_drafted_model_says_which_rule_cannot_be_written(self, knowledge):
        """A draft with no Sysmon event mapped still gets a card, with the reasons."""
        model = knowledge.drafter.draft("T1053.005")

        card = build_card(knowledge, model)
        sysmon = card.rules[2]

        assert card.status == "drafted"
        assert (sysmon.available, sysmon.sigma) == (False, None)
        assert "no Sysmon rule for T1053.005: Sysmon reports no event" in sysmon.reason
        assert card.detect.fallback is None
        assert "maps no Sysmon event" in card.detect.fallback_reason

    def test_a_mapping_without_the_technique_leaves_only_the_definitional_rule(
        self, knowledge, t1055_001
    ):
        """Without the technique's mapping rows no native stand-in exists, and the card says so."""
        mapping = dataclasses.replace(load_sysmon_mapping(), techniques=())

        card = build_card(knowledge, t1055_001, mapping=mapping)

        assert [r.available for r in card.rules] == [True, False, False]
        assert "names no native alternative" in card.rules[1].reason
        assert card.detect.native_alternatives == ()


@pytest.mark.slow
class TestEvidenceReport:
    def test_takes_the_report_of_collect_evidence(self, knowledge, t1055_001, data_dir):
        """The rules run on the recorded Empire DLL injection: every variant's result shows."""
        pytest.importorskip("sigma")
        from d3fgraph.evidence import collect_evidence, read_dataset_metadata, read_events

        recorded = data_dir / "security-datasets"
        logs = [read_events(recorded / "empire_dllinjection_LoadLibrary_CreateRemoteThread.zip")]
        metadata = [read_dataset_metadata(recorded / "metadata" / "SDWIN-190518221344.yaml")]
        report = collect_evidence(t1055_001, logs, metadata=metadata)

        card = build_card(knowledge, t1055_001, evidence=report)

        assert [(e.variant, e.matched) for e in card.detect.evidence] == [
            ("definitional", 0),
            ("ocsf-native", 1),
            ("sysmon", 1),
        ]
        assert card.detect.evidence[0].verdict.startswith("Caught: SDWIN-190518221344")


class TestDocumentation:
    def test_the_python_example_of_docs_card_md_runs(self, knowledge, monkeypatch):
        """The example in docs/card.md runs as written, on the session's graph."""
        from pathlib import Path

        from d3fgraph.knowledge import KnowledgeGraph

        page = Path(__file__).parent.parent / "docs" / "card.md"
        (example,) = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
        monkeypatch.setattr(KnowledgeGraph, "load", classmethod(lambda cls: knowledge))
        namespace: dict[str, object] = {}

        exec(compile(example, str(page), "exec"), namespace)

        assert namespace["card"].rules[2].score.label == "3K"
        assert namespace["markdown"].startswith("# Process Injection: DLL Injection")
        assert namespace["page"].startswith("<!DOCTYPE html>")
