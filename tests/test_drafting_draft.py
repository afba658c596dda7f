"""Drafted event models: every one valid and rendered, marked drafted, and never invented."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from d3fgraph.cli import main, render_model_main
from d3fgraph.drafting import Drafter, LinkOrigin, Unseen, UnseenReason
from d3fgraph.errors import NoModelError
from d3fgraph.model.vocab import InvarianceClass, ModelStatus, Role
from d3fgraph.render.mermaid import render_mermaid
from d3fgraph.resources import shipped_model_files

#: Current techniques D3FEND links to an artifact that a row of the table observes: all 435
#: linked ones.
DRAFTED = 435


@pytest.fixture(scope="module")
def drafts(knowledge):
    """Every draft the shipped tables give, by technique id."""
    drafter = knowledge.drafter
    return {
        technique.id: drafter.draft(technique.id)
        for technique in drafter.index.current()
        if not isinstance(drafter.plan(technique.id), Unseen)
    }


@pytest.fixture(scope="module")
def uncurated(drafts):
    """A drafted technique that has no curated model file, so model() must draft it."""
    curated = shipped_model_files()
    return next(technique_id for technique_id in sorted(drafts) if technique_id not in curated)


def run(capsys, entry, *argv):
    code = entry(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestEveryDraft:
    def test_every_draft_renders(self, drafts):
        """All drafts build and render as Mermaid, one event node and one node per entity."""
        for technique_id, model in drafts.items():
            text = render_mermaid(model)

            assert text.count("EVENT -->") == len(model.entities), technique_id
        assert len(drafts) == DRAFTED

    @pytest.mark.slow
    def test_every_draft_passes_the_real_mermaid_parser(self, drafts, mermaid_check, tmp_path):
        """The real Mermaid parser accepts the diagram of every draft."""
        files = []
        for technique_id, model in drafts.items():
            files.append(tmp_path / f"{technique_id}.mmd")
            files[-1].write_text(render_mermaid(model), encoding="utf-8")

        code, out = mermaid_check(*files)

        assert code == 0, out
        assert f"{DRAFTED} passed, 0 failed" in out

    def test_every_draft_says_it_is_drafted(self, drafts):
        """Status drafted, and the first note says the model was not curated."""
        for model in drafts.values():
            assert model.status is ModelStatus.DRAFTED
            assert model.notes[0].startswith("Drafted, not curated: built from D3FEND 1.2.0")

    def test_every_draft_cites_its_axioms_and_rows(self, drafts):
        """Each draft names the D3FEND axioms and table rows it was made from."""
        for technique_id, model in drafts.items():
            axioms = [n for n in model.notes if n.startswith("D3FEND axiom d3f:T")]

            assert axioms, technique_id
            assert all("ontologies/mappings/artifact-ocsf.yaml:" in n for n in axioms)

    def test_every_draft_has_an_attacker_and_the_tainted_host(self, drafts):
        """The acting process is the attacker and the device, where the class has one, tainted."""
        for technique_id, model in drafts.items():
            roles = {e.ocsf_path: e.role for e in model.entities}

            assert roles.get("actor.process") is Role.ATTACKER, technique_id
            assert roles.get("device") is Role.TAINTED, technique_id

    def test_drafting_every_technique_is_fast(self, knowledge):
        """Indexing D3FEND, checking both tables and drafting all takes well under 30 s."""
        start = time.perf_counter()

        drafter = Drafter.load(knowledge.store, knowledge.ocsf)
        count = sum(
            1
            for technique in drafter.index.current()
            if not isinstance(drafter.plan(technique.id), Unseen)
            and drafter.draft(technique.id) is not None
        )

        assert count == DRAFTED
        assert time.perf_counter() - start < 30


class TestOneDraft:
    def test_registry_run_keys_draft(self, drafts):
        """T1547.001 is a Registry Value Set by the actor, from its ancestor's table row."""
        model = drafts["T1547.001"]

        assert (model.event.class_name, model.event.activity_caption) == (
            "win/registry_value_activity",
            "Set",
        )
        assert [(e.id, e.ocsf_path, e.d3fend_class, e.role) for e in model.entities] == [
            ("actor_process", "actor.process", "d3f:Process", Role.ATTACKER),
            (
                "reg_value",
                "reg_value",
                "d3f:SystemConfigurationInitDatabaseRecord",
                Role.POST_SUCCESS,
            ),
            ("device", "device", "d3f:Host", Role.TAINTED),
        ]
        assert [(r.source, r.target, r.label, r.d3fend_property) for r in model.relations] == [
            ("actor_process", "reg_value", "may-modify", "d3f:may-modify")
        ]
        assert [(f.path, f.invariance) for f in model.fields] == [
            ("actor.process.pid", InvarianceClass.VARIABLE),
            ("actor.process.cmd_line", InvarianceClass.ATTACKER_CONTROLLED),
            ("actor.process.file.path", InvarianceClass.ATTACKER_CONTROLLED),
            ("reg_value.path", InvarianceClass.INVARIANT),
            ("reg_value.data", InvarianceClass.ATTACKER_CONTROLLED),
        ]
        assert model.countermeasures == ()
        assert (
            "D3FEND axiom d3f:T1547.001 d3f:may-modify d3f:SystemConfigurationInitDatabaseRecord: "
            "table row d3f:SystemConfigurationDatabaseRecord -> win/registry_value_activity."
            "reg_value at ontologies/mappings/artifact-ocsf.yaml:"
        ) in model.notes[1]
        assert model.notes[1].endswith(
            "(the row of its ancestor d3f:SystemConfigurationDatabaseRecord)."
        )

    def test_implied_field_carries_its_value(self, drafts):
        """T1106 invokes a system call: Kernel Activity Invoke, kernel.type_id fixed at 2."""
        model = drafts["T1106"]
        type_id = next(f for f in model.fields if f.path == "kernel.type_id")

        assert (model.event.class_uid, model.event.activity_id) == (1003, 4)
        assert (type_id.invariance, type_id.value, type_id.core_to) == (
            InvarianceClass.INVARIANT,
            2,
            "technique",
        )

    def test_non_native_paths_are_explained(self, drafts):
        """Network Activity has the actor only through the host profile, and says so."""
        model = drafts["T1071"]

        actor = model.entity("actor_process")
        assert (actor.native, actor.requires) == (False, ("profile:host",))
        assert (
            "actor.process is not native to OCSF Network Activity (4001): it needs profile:host"
            in model.notes
        )

    def test_sub_technique_draws_on_its_parent_and_says_so(self, knowledge, drafts):
        """T1059.001 has no axioms of its own and uses T1059's, as its notes say."""
        plan = knowledge.drafter.plan("T1059.001")

        assert not isinstance(plan, Unseen) and plan.origin is LinkOrigin.PARENT
        assert (
            "T1059.001 has no artifact axioms of its own; the draft uses those of its parent "
            "T1059." in drafts["T1059.001"].notes
        )

    def test_parent_draws_on_its_sub_techniques_and_says_so(self, knowledge, drafts):
        """T1110 has no axioms of its own; its sub-techniques vote for Authentication."""
        plan = knowledge.drafter.plan("T1110")
        model = drafts["T1110"]

        assert not isinstance(plan, Unseen) and plan.origin is LinkOrigin.SUB_TECHNIQUES
        assert model.event.class_caption == "Authentication"
        assert model.notes[1] == (
            "T1110 has no artifact axioms of its own; the draft uses those of its sub-techniques "
            "T1110.001, T1110.002, T1110.003, in the OCSF class most of them are observed in."
        )


class TestNoInventedModels:
    def test_curated_model_overrides_the_draft(self, knowledge):
        """T1055.001 has a curated file, which wins over the draft D3FEND would give."""
        curated = knowledge.model("T1055.001")
        draft = knowledge.drafter.draft("T1055.001")

        assert curated.status is ModelStatus.CURATED
        assert curated.event.class_name == "process_activity"
        assert draft.status is ModelStatus.DRAFTED
        assert draft.event.class_name == "module_activity"

    def test_technique_without_a_curated_model_gets_its_draft(self, knowledge, uncurated):
        """model() falls back to the drafter, and returns what the drafter gives."""
        model = knowledge.model(uncurated)

        assert model.status is ModelStatus.DRAFTED
        assert model == knowledge.drafter.draft(uncurated)

    def test_deprecated_technique_names_its_successor(self, knowledge):
        """A revoked technique gets no model; the reason names what replaces it."""
        with pytest.raises(NoModelError) as caught:
            knowledge.model("T1002")

        assert caught.value.reason == "it is deprecated in ATT&CK (successor: T1560)"
        with pytest.raises(NoModelError, match=r"successor: T1560\)$"):
            knowledge.drafter.draft("T1002")

    def test_unlinked_technique_says_nothing_links_it(self, knowledge):
        """T1027.003 has no artifact axiom, nor has its parent; no model is invented."""
        with pytest.raises(NoModelError) as caught:
            knowledge.model("T1027.003")

        assert caught.value.reason == (
            "D3FEND 1.2.0 links neither it, its parent nor its sub-techniques to a digital "
            "artifact, so there is nothing to draft a model from"
        )
        plan = knowledge.drafter.plan("T1027.003")
        assert isinstance(plan, Unseen) and plan.kind is UnseenReason.NO_ARTIFACT_LINK

    def test_every_linked_technique_has_a_row(self, knowledge):
        """The shipped table observes some link of every linked technique."""
        drafter = knowledge.drafter
        kinds = {
            plan.kind
            for technique in drafter.index.current()
            if isinstance(plan := drafter.plan(technique.id), Unseen)
        }

        assert UnseenReason.NO_OCSF_ROW not in kinds

    def test_unobservable_artifact_names_the_links(self, knowledge):
        """Without the clipboard's row, no OCSF event observes T1115; the reason names the link."""
        drafter = knowledge.drafter
        rows = tuple(row for row in drafter.table.artifacts if row.artifact != "d3f:Clipboard")
        table = replace(drafter.table, artifacts=rows)
        trimmed = Drafter(knowledge.store, knowledge.ocsf, drafter.index, table, drafter.defaults)

        with pytest.raises(NoModelError) as caught:
            trimmed.draft("T1115")

        assert caught.value.reason == (
            "OCSF observes none of its artifact links (d3f:reads d3f:Clipboard): neither the "
            "artifacts nor their ancestors have a row in ontologies/mappings/artifact-ocsf.yaml"
        )
        plan = trimmed.plan("T1115")
        assert isinstance(plan, Unseen) and plan.kind is UnseenReason.NO_OCSF_ROW


class TestRenderModelCommand:
    def test_prints_a_drafted_diagram(self, capsys, cli_env, knowledge, uncurated):
        """render-model draws a technique without a curated model from its draft."""
        code, out, err = run(capsys, render_model_main, uncurated)

        assert (code, err) == (0, "")
        assert out == render_mermaid(knowledge.drafter.draft(uncurated))

    @pytest.mark.parametrize(
        ("technique", "fact"),
        [
            ("T1027.003", "links neither it, its parent nor its sub-techniques"),
            ("T1002", "successor: T1560"),
        ],
    )
    def test_explains_a_missing_model_in_one_line(self, capsys, cli_env, technique, fact):
        """A technique without a model is exit 1 and one line saying why."""
        code, out, err = run(capsys, main, "render-model", technique)

        lines = err.strip().splitlines()
        assert (code, out, len(lines)) == (1, "", 1)
        assert lines[0].startswith(f"d3fgraph: error: No event model for {technique}: ")
        assert fact in lines[0]
