"""The countermeasure join on the real D3FEND 1.2.0: T1055.001's answer, reason by reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from d3fgraph.countermeasures import (
    Provenance,
    Triple,
    countermeasure_graph,
    explain,
    find_countermeasures,
    run_saved_query,
)
from d3fgraph.countermeasures.terms import curie
from d3fgraph.errors import InvalidTechniqueIdError, UnknownTechniqueError
from d3fgraph.loaders.d3fend import load_d3fend
from d3fgraph.model.event_model import (
    CuratedCountermeasure,
    Entity,
    EventModel,
    OcsfEventRef,
    Primitive,
    TechniqueRef,
)
from d3fgraph.model.model_file import read_model_file
from d3fgraph.render.countermeasures import render_countermeasures_json

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "countermeasures-T1055.001.json"
SHIPPED_MODEL = HERE.parent / "ontologies" / "techniques" / "T1055.001.yaml"

OFF, INF, CUR = Provenance.OFFICIAL, Provenance.INFERRED, Provenance.CURATED

#: Every countermeasure of T1055.001, by technique and target, with its provenance.
EXPECTED_PROVENANCE = {
    ("d3f:Application-basedProcessIsolation", "actor.process"): (OFF,),
    ("d3f:Hardware-basedProcessIsolation", "actor.process"): (OFF,),
    ("d3f:Kernel-basedProcessIsolation", "actor.process"): (OFF,),
    ("d3f:SystemCallFiltering", "actor.process"): (OFF,),
    ("d3f:HostReboot", "actor.process"): (OFF,),
    ("d3f:HostShutdown", "actor.process"): (OFF,),
    ("d3f:ProcessSuspension", "actor.process"): (OFF,),
    ("d3f:ProcessTermination", "actor.process"): (OFF,),
    ("d3f:ProcessLineageAnalysis", "actor.process"): (OFF,),
    ("d3f:ProcessSelf-ModificationDetection", "actor.process"): (OFF,),
    ("d3f:ProcessSpawnAnalysis", "actor.process"): (OFF,),
    ("d3f:Application-basedProcessIsolation", "process"): (OFF,),
    ("d3f:Hardware-basedProcessIsolation", "process"): (OFF,),
    ("d3f:Kernel-basedProcessIsolation", "process"): (OFF,),
    ("d3f:SystemCallFiltering", "process"): (OFF,),
    ("d3f:HostReboot", "process"): (OFF,),
    ("d3f:HostShutdown", "process"): (OFF,),
    ("d3f:ProcessSuspension", "process"): (OFF,),
    ("d3f:ProcessTermination", "process"): (OFF,),
    ("d3f:ProcessLineageAnalysis", "process"): (OFF,),
    ("d3f:ProcessSelf-ModificationDetection", "process"): (OFF,),
    ("d3f:ProcessSpawnAnalysis", "process"): (OFF,),
    ("d3f:SystemCallFiltering", "api"): (OFF,),
    ("d3f:SystemCallAnalysis", "api"): (OFF,),
    ("d3f:NetworkIsolation", "device"): (CUR,),
    ("d3f:RestoreNetworkAccess", "device"): (OFF,),
    ("d3f:LogicalLinkMapping", "device"): (INF,),
    ("d3f:NetworkNodeInventory", "device"): (INF,),
    ("d3f:PhysicalLinkMapping", "device"): (INF,),
    ("d3f:EndpointHealthBeacon", "device"): (INF,),
    ("d3f:ProcessSegmentExecutionPrevention", "d3f:ProcessSegment"): (OFF, CUR),
    ("d3f:SegmentAddressOffsetRandomization", "d3f:ProcessSegment"): (OFF,),
    ("d3f:ExecutableAllowlisting", "d3f:SharedLibraryFile"): (CUR,),
    ("d3f:FileEncryption", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:FileAnalysis", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:FileIntegrityMonitoring", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:ContentFiltering", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:ContentModification", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:ContentQuarantine", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:LocalFilePermissions", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:RemoteFileAccessMediation", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:DecoyFile", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:FileEviction", "d3f:SharedLibraryFile"): (INF,),
    ("d3f:RestoreFile", "d3f:SharedLibraryFile"): (INF,),
}

SHARED_LIBRARY_TO_FILE = (
    Triple("d3f:T1055.001", "d3f:adds", "d3f:SharedLibraryFile"),
    Triple("d3f:SharedLibraryFile", "rdfs:subClassOf", "d3f:ObjectFile"),
    Triple("d3f:ObjectFile", "rdfs:subClassOf", "d3f:File"),
)


def shipped_t1055_001() -> EventModel:
    """Return the shipped T1055.001 model in every part the join reads, without OCSF."""
    spec = read_model_file(SHIPPED_MODEL)
    return EventModel(
        technique=TechniqueRef(spec.technique_id, spec.name, spec.parent),
        primitive=Primitive(
            spec.primitive["actor"],
            spec.primitive["action"],
            spec.primitive["target"],
            " ".join(spec.primitive["description"].split()),
        ),
        event=OcsfEventRef("process_activity", "Process Activity", 1007, 4, "Inject"),
        entities=tuple(Entity(e.id, e.name, e.path, e.d3fend, e.role) for e in spec.entities),
        relations=(),
        fields=(),
        status=spec.status,
        countermeasures=tuple(
            CuratedCountermeasure(
                c.entity, c.technique, c.property, " ".join(c.reason.split()), c.artifact
            )
            for c in spec.countermeasures
        ),
    )


@pytest.fixture(scope="module")
def store(data_dir: Path) -> Store:
    """D3FEND 1.2.0 alone, loaded once for this module."""
    result = Store()
    load_d3fend(data_dir / "d3fend" / "d3fend-protege.ttl", result)
    return result


@pytest.fixture(scope="module")
def report(store):
    """T1055.001's countermeasures with its shipped model."""
    return find_countermeasures(store, "T1055.001", shipped_t1055_001())


def find(report, technique: str, target: str):
    (item,) = [
        c for c in report.countermeasures if (c.technique, c.target.key) == (technique, target)
    ]
    return item


class TestFindCountermeasures:
    def test_matches_the_golden_json(self, report):
        """The whole answer, paths and reasons included, is the golden file."""
        assert render_countermeasures_json(report) == GOLDEN.read_text(encoding="utf-8")

    def test_golden_json_reads_back_as_the_report(self, report):
        """A saved JSON answer loads back into the same report."""
        import json

        from d3fgraph.countermeasures import CountermeasureReport

        saved = json.loads(GOLDEN.read_text(encoding="utf-8"))

        assert CountermeasureReport.from_dict(saved) == report

    def test_gives_each_countermeasure_its_provenance(self, report):
        """Every countermeasure has exactly the provenance D3FEND and the model justify."""
        found = {(c.technique, c.target.key): c.provenance for c in report.countermeasures}

        assert found == EXPECTED_PROVENANCE

    def test_lists_no_countermeasure_twice(self, report):
        """No technique acts on the same target by the same property twice."""
        keys = [(c.technique, c.target.key, c.property) for c in report.countermeasures]

        assert len(keys) == len(set(keys)) == 44

    def test_counts_by_tactic_and_provenance(self, report):
        """Respond has 27, mitigate 6, detect 11; one is both official and curated."""
        assert report.counts() == {
            "tactic": {
                "Model": 3, "Harden": 3, "Detect": 10, "Isolate": 16,
                "Deceive": 1, "Evict": 9, "Restore": 2,
            },
            "stance": {"mitigate": 6, "detect": 11, "respond": 27},
            "provenance": {"official": 27, "inferred": 15, "curated": 3},
        }  # fmt: skip

    def test_terminates_both_processes_as_d3fend_asserts(self, report):
        """The card's ProcessTermination chips come out for actor.process and process."""
        item = find(report, "d3f:ProcessTermination", "actor.process")

        assert (item.d3fend_id, str(item.tactic), item.property, item.path) == (
            "D3-PT",
            "Evict",
            "d3f:terminates",
            (
                Triple("d3gm:T1055.001/entity/actor_process", "d3g:d3fendClass", "d3f:Process"),
                Triple("d3f:ProcessTermination", "d3f:terminates", "d3f:Process"),
            ),
        )
        assert find(report, "d3f:ProcessTermination", "process").provenance == (OFF,)

    def test_isolates_the_device_as_the_analyst_says(self, report):
        """NetworkIsolation on the host is the model's link, with the model's reason."""
        item = find(report, "d3f:NetworkIsolation", "device")

        assert (str(item.tactic), item.property, item.acts_on, item.path) == (
            "Isolate",
            "d3f:isolates",
            "d3f:Host",
            (Triple("d3f:NetworkIsolation", "d3f:isolates", "d3gm:T1055.001/entity/device"),),
        )
        assert item.reason is not None
        assert item.reason.startswith("An analyst's link, not asserted in D3FEND")

    def test_hardens_the_process_segment_write_both_ways(self, report):
        """ACG's technique is asserted by D3FEND on the primitive's target and curated too."""
        item = find(report, "d3f:ProcessSegmentExecutionPrevention", "d3f:ProcessSegment")

        assert (str(item.tactic), item.property, item.provenance, item.path) == (
            "Harden",
            "d3f:neutralizes",
            (OFF, CUR),
            (
                Triple("d3gm:T1055.001", "d3g:primitiveTarget", "d3f:ProcessSegment"),
                Triple(
                    "d3f:ProcessSegmentExecutionPrevention", "d3f:neutralizes", "d3f:ProcessSegment"
                ),
            ),
        )
        assert item.reason is not None
        assert item.reason.startswith("Arbitrary Code Guard (ACG)")

    def test_adds_what_the_card_does_not_show(self, report):
        """D3FEND adds suspension, and system call filtering and analysis for the api entity."""
        added = {
            (c.technique, c.target.key, str(c.tactic))
            for c in report.countermeasures
            if c.technique
            in {"d3f:ProcessSuspension", "d3f:SystemCallFiltering", "d3f:SystemCallAnalysis"}
        }

        assert added == {
            ("d3f:ProcessSuspension", "actor.process", "Evict"),
            ("d3f:ProcessSuspension", "process", "Evict"),
            ("d3f:SystemCallFiltering", "actor.process", "Isolate"),
            ("d3f:SystemCallFiltering", "process", "Isolate"),
            ("d3f:SystemCallFiltering", "api", "Isolate"),
            ("d3f:SystemCallAnalysis", "api", "Detect"),
        }

    def test_explains_shared_library_countermeasures_through_the_file_class(self, report):
        """File Analysis reaches the added DLL through D3FEND's relation and two subclass steps."""
        item = find(report, "d3f:FileAnalysis", "d3f:SharedLibraryFile")

        assert (item.acts_on, item.provenance, item.narrower) == ("d3f:File", (INF,), False)
        assert item.path == (
            *SHARED_LIBRARY_TO_FILE,
            Triple("d3f:FileAnalysis", "d3f:analyzes", "d3f:File"),
        )

    def test_every_path_is_a_chain_from_the_target_to_the_countermeasure(self, report):
        """Each path starts at its target's lead and ends in the countermeasure's statement."""
        for item in report.countermeasures:
            last = item.path[-1]
            lead = item.path[: len(item.target.lead)]

            if item.provenance == (CUR,):
                assert item.path == (Triple(item.technique, item.property, item.target.node),)
                continue
            assert lead == item.target.lead
            assert last == Triple(item.technique, item.property, item.acts_on)
            steps = item.path[len(item.target.lead) : -1]
            ends = [item.target.artifact, *(step.object for step in steps)]
            assert [step.subject for step in steps] == ends[:-1]
            assert ends[-1] == item.acts_on

    def test_leaves_out_narrower_kinds_and_says_how_many(self, report):
        """Countermeasures on narrower classes are left out by default, with a note."""
        assert all(not c.narrower for c in report.countermeasures)
        assert report.notes == (
            "18 countermeasures that act only on a narrower kind of a target's artifact were "
            "left out; include them with --narrower (include_narrower=True)",
        )

    def test_offers_narrower_kinds_on_request_saying_so(self, store):
        """A mail server's countermeasure applies to a host only if it is a mail server."""
        wide = find_countermeasures(store, "T1055.001", shipped_t1055_001(), include_narrower=True)
        item = find(wide, "d3f:EmailRemoval", "device")

        assert len(wide.countermeasures) == 44 + 18
        assert (item.narrower, item.scope, item.provenance, item.path) == (
            True,
            "d3f:MailServer",
            (INF,),
            (
                Triple("d3gm:T1055.001/entity/device", "d3g:d3fendClass", "d3f:Host"),
                Triple("d3f:MailServer", "rdfs:subClassOf", "d3f:Server"),
                Triple("d3f:Server", "rdfs:subClassOf", "d3f:Host"),
                Triple("d3f:EmailRemoval", "d3f:may-access", "d3f:MailServer"),
            ),
        )

    def test_without_a_model_uses_d3fends_artifacts_alone(self, store):
        """With no model, only SharedLibraryFile and SystemCall are targets, all inferred."""
        bare = find_countermeasures(store, "T1055.001")

        assert [t.key for t in bare.targets] == ["d3f:SharedLibraryFile", "d3f:SystemCall"]
        assert {c.provenance for c in bare.countermeasures} == {(INF,)}
        assert len(bare.countermeasures) == 13

    def test_saved_query_agrees_with_the_join(self, store):
        """technique-countermeasures.rq gives the pairs the model-free join gives."""
        rows = run_saved_query(store, "technique-countermeasures", {"technique": "T1055.001"})
        bare = find_countermeasures(store, "T1055.001")

        from_query = {(curie(r["countermeasure"]), curie(r["artifact"])) for r in rows}
        from_join = {(c.technique, c.target.artifact) for c in bare.countermeasures}
        assert from_query == from_join

    def test_refuses_a_model_of_another_technique(self, store):
        """A model passed for the wrong technique is a caller's mistake."""
        with pytest.raises(ValueError) as caught:
            find_countermeasures(store, "T1055.002", shipped_t1055_001())

        assert str(caught.value) == "the model given describes T1055.001, not T1055.002"


class TestEmptyAnswers:
    def test_explains_a_technique_whose_artifacts_have_no_countermeasure(self, store):
        """Clipboard Data touches only the clipboard, which no defensive technique acts on."""
        empty = find_countermeasures(store, "T1115")

        assert (empty.countermeasures, empty.empty_reason) == (
            (),
            "none of the artifacts of T1115 (d3f:Clipboard) has a countermeasure in D3FEND: "
            "no current defensive technique acts on them or on a class above them",
        )

    def test_explains_a_technique_without_artifact_relations(self, store):
        """D3FEND 1.2.0 states no artifact relation on T1055 itself."""
        empty = find_countermeasures(store, "T1055")

        assert empty.empty_reason == (
            "D3FEND relates T1055 to no digital artifact (T1055 has no offensive relation), "
            "and d3fgraph has no event model of it, so there is nothing for a countermeasure "
            "to act on"
        )

    def test_points_a_deprecated_technique_to_its_successor(self, store):
        """A deprecated ATT&CK id gets no countermeasures, but a pointer."""
        empty = find_countermeasures(store, "T1574.002")

        assert empty.empty_reason == (
            "T1574.002 is deprecated in ATT&CK (successor: T1574.001); ask about its successor"
        )

    def test_rejects_an_unknown_technique(self, store):
        """An id D3FEND does not know is an error naming close ones."""
        with pytest.raises(UnknownTechniqueError, match="did you mean"):
            find_countermeasures(store, "T9999")

    def test_rejects_a_malformed_id(self, store):
        """An id not shaped like T1234 or T1234.001 is refused before any query."""
        with pytest.raises(InvalidTechniqueIdError):
            find_countermeasures(store, "t1055")


class TestCountermeasureGraph:
    def test_has_an_edge_per_countermeasure_and_target_link(self, report):
        """Technique to six targets, and one edge into a countermeasure per countermeasure."""
        graph = countermeasure_graph(report)
        into = [e for e in graph.edges(data=True) if graph.nodes[e[1]]["kind"] == "countermeasure"]

        assert len(into) == len(report.countermeasures)
        assert sorted(graph.successors("d3f:T1055.001")) == sorted(
            ["actor.process", "process", "api", "device", "d3f:ProcessSegment",
             "d3f:SharedLibraryFile"]
        )  # fmt: skip

    def test_links_the_api_entity_by_the_model_and_by_d3fend(self, report):
        """The api entity is the model's entity and what D3FEND says the technique invokes."""
        graph = countermeasure_graph(report)
        edges = graph.get_edge_data("d3f:T1055.001", "api")

        assert {key: data["provenance"] for key, data in edges.items()} == {
            "d3g:hasEntity": ("curated",),
            "d3f:invokes": ("official",),
        }

    def test_explains_a_countermeasure_on_one_target(self, report):
        """explain gives the stored path for the countermeasure on the target asked about."""
        graph = countermeasure_graph(report)

        assert explain(graph, "d3f:FileEviction", "d3f:SharedLibraryFile") == [
            (*SHARED_LIBRARY_TO_FILE, Triple("d3f:FileEviction", "d3f:deletes", "d3f:File"))
        ]

    def test_explains_every_reason_for_a_countermeasure(self, report):
        """ProcessTermination has one path per process entity."""
        paths = explain(countermeasure_graph(report), "d3f:ProcessTermination")

        assert [path[0].subject for path in paths] == [
            "d3gm:T1055.001/entity/actor_process",
            "d3gm:T1055.001/entity/target_process",
        ]

    def test_unknown_countermeasure_lists_the_known_ones(self, report):
        """Asking about a technique the graph lacks names the ones it has."""
        with pytest.raises(KeyError) as caught:
            explain(countermeasure_graph(report), "d3f:Nope")

        assert caught.value.args[0].startswith(
            "no countermeasure 'd3f:Nope' in this graph; it has: "
            "d3f:Application-basedProcessIsolation, d3f:ContentFiltering, "
        )

    def test_wrong_target_lists_the_targets_it_acts_on(self, report):
        """A countermeasure asked about on a target it does not act on says where it acts."""
        with pytest.raises(KeyError) as caught:
            explain(countermeasure_graph(report), "d3f:ProcessTermination", "api")

        assert caught.value.args[0] == (
            "d3f:ProcessTermination does not act on 'api' here; it acts on: actor.process, process"
        )
