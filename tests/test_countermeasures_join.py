"""The join's rules on a small ontology shaped like D3FEND, so each rule has its own case."""

from __future__ import annotations

import pytest
from pyoxigraph import RdfFormat, Store

from d3fgraph.countermeasures import Provenance, Triple, find_countermeasures
from d3fgraph.errors import InvalidD3fendClassError, QueryError
from d3fgraph.model.event_model import (
    CuratedCountermeasure,
    Entity,
    EventModel,
    OcsfEventRef,
    Primitive,
    TechniqueRef,
)
from d3fgraph.model.vocab import ModelStatus, Role

ONTOLOGY = """
@prefix d3f: <http://d3fend.mitre.org/ontologies/d3fend.owl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

d3f:DigitalArtifact a owl:Class .
d3f:File a owl:Class ; rdfs:subClassOf d3f:DigitalArtifact .
d3f:Library a owl:Class ; rdfs:subClassOf d3f:File .
d3f:Host a owl:Class ; rdfs:subClassOf d3f:DigitalArtifact .
d3f:MailServer a owl:Class ; rdfs:subClassOf d3f:Host .
d3f:Clipboard a owl:Class ; rdfs:subClassOf d3f:DigitalArtifact .

d3f:DefensiveTactic a owl:Class .
d3f:Evict a owl:Class ; rdfs:subClassOf d3f:DefensiveTactic .
d3f:Harden a owl:Class ; rdfs:subClassOf d3f:DefensiveTactic .
d3f:DefensiveTechnique a owl:Class ;
  rdfs:subClassOf [ a owl:Restriction ; owl:onProperty d3f:enables ;
                    owl:someValuesFrom d3f:DefensiveTactic ] .

d3f:FileEviction a owl:Class ; rdfs:label "File Eviction" ; d3f:d3fend-id "D3-FEV" ;
  rdfs:subClassOf d3f:DefensiveTechnique ,
    [ a owl:Restriction ; owl:onProperty d3f:enables ; owl:someValuesFrom d3f:Evict ] ,
    [ a owl:Restriction ; owl:onProperty d3f:deletes ; owl:someValuesFrom d3f:File ] .
d3f:LibraryWiping a owl:Class ; rdfs:label "Library Wiping" ; d3f:d3fend-id "D3-LW" ;
  rdfs:subClassOf d3f:FileEviction ,
    [ a owl:Restriction ; owl:onProperty d3f:deletes ; owl:someValuesFrom d3f:Library ] .
d3f:OldWiping a owl:Class ; rdfs:label "Old Wiping" ; d3f:d3fend-id "D3-OW" ;
  owl:deprecated true ;
  rdfs:subClassOf d3f:FileEviction ,
    [ a owl:Restriction ; owl:onProperty d3f:deletes ; owl:someValuesFrom d3f:Library ] .
d3f:EmailRemoval a owl:Class ; rdfs:label "Email Removal" ; d3f:d3fend-id "D3-ER" ;
  rdfs:subClassOf d3f:FileEviction ,
    [ a owl:Restriction ; owl:onProperty d3f:may-access ; owl:someValuesFrom d3f:MailServer ] .
d3f:HostHardening a owl:Class ; rdfs:label "Host Hardening" ; d3f:d3fend-id "D3-HH" ;
  owl:deprecated true ;
  rdfs:subClassOf d3f:DefensiveTechnique ,
    [ a owl:Restriction ; owl:onProperty d3f:enables ; owl:someValuesFrom d3f:Harden ] .

d3f:T9000 a owl:Class ; d3f:attack-id "T9000" ; rdfs:label "Parent" ;
  rdfs:subClassOf [ a owl:Restriction ; owl:onProperty d3f:loads ;
                    owl:someValuesFrom d3f:Library ] .
d3f:T9000.001 a owl:Class ; d3f:attack-id "T9000.001" ; rdfs:label "Child" ;
  rdfs:subClassOf d3f:T9000 .
d3f:T9001 a owl:Class ; d3f:attack-id "T9001" ; rdfs:label "Nothing" .
d3f:T9002 a owl:Class ; d3f:attack-id "T9002" ; rdfs:label "Clipboard" ;
  rdfs:subClassOf [ a owl:Restriction ; owl:onProperty d3f:reads ;
                    owl:someValuesFrom d3f:Clipboard ] .
d3f:T9003 a owl:Class ; d3f:attack-id "T9003" ; rdfs:label "Hosts" ;
  rdfs:subClassOf [ a owl:Restriction ; owl:onProperty d3f:accesses ;
                    owl:someValuesFrom d3f:Host ] .
"""


@pytest.fixture(scope="module")
def store() -> Store:
    result = Store()
    result.load(ONTOLOGY.encode(), format=RdfFormat.TURTLE)
    return result


def model(*curated: CuratedCountermeasure, technique: str = "T9003") -> EventModel:
    return EventModel(
        technique=TechniqueRef(technique, "Hosts"),
        primitive=Primitive("d3f:Host", "read", "d3f:Host", "Reads a host."),
        event=OcsfEventRef("process_activity", "Process Activity", 1007, 4, "Inject"),
        entities=(Entity("device", "Host", "device", "d3f:Host", Role.TAINTED),),
        relations=(),
        fields=(),
        status=ModelStatus.CURATED,
        countermeasures=curated,
    )


class TestInheritance:
    def test_sub_technique_inherits_its_parents_artifact(self, store):
        """T9000.001 states nothing, but its parent loads a library: the path says so."""
        found = find_countermeasures(store, "T9000.001")
        wiping = next(c for c in found.countermeasures if c.technique == "d3f:LibraryWiping")

        assert wiping.path == (
            Triple("d3f:T9000.001", "rdfs:subClassOf", "d3f:T9000"),
            Triple("d3f:T9000", "d3f:loads", "d3f:Library"),
            Triple("d3f:LibraryWiping", "d3f:deletes", "d3f:Library"),
        )

    def test_broader_countermeasure_applies_through_the_hierarchy(self, store):
        """File Eviction acts on files, so on the library too, one subclass step away."""
        found = find_countermeasures(store, "T9000.001")
        eviction = next(c for c in found.countermeasures if c.technique == "d3f:FileEviction")

        assert (eviction.provenance, eviction.acts_on, eviction.path[-2:]) == (
            (Provenance.INFERRED,),
            "d3f:File",
            (
                Triple("d3f:Library", "rdfs:subClassOf", "d3f:File"),
                Triple("d3f:FileEviction", "d3f:deletes", "d3f:File"),
            ),
        )

    def test_tactic_is_inherited_from_the_family_head(self, store):
        """Library Wiping states no tactic; its family head File Eviction enables Evict."""
        found = find_countermeasures(store, "T9000.001")

        assert {c.technique: str(c.tactic) for c in found.countermeasures} == {
            "d3f:FileEviction": "Evict",
            "d3f:LibraryWiping": "Evict",
        }


class TestDeprecation:
    def test_never_offers_a_deprecated_technique(self, store):
        """Old Wiping acts on libraries too, but D3FEND deprecated it."""
        found = find_countermeasures(store, "T9000.001")

        assert "d3f:OldWiping" not in {c.technique for c in found.countermeasures}

    def test_curated_deprecated_technique_is_left_out_with_a_note(self, store):
        """A model naming a deprecated technique gets a note instead of a current offer."""
        curated = CuratedCountermeasure("device", "d3f:HostHardening", "hardens", "Because.")

        found = find_countermeasures(store, "T9003", model(curated))

        assert "d3f:HostHardening" not in {c.technique for c in found.countermeasures}
        assert found.notes[0] == (
            "d3f:HostHardening, curated in the model, is deprecated in D3FEND; left out"
        )


class TestCurated:
    def test_curated_on_an_entity_is_curated_only(self, store):
        """A link D3FEND does not assert stands on the analyst's reason alone."""
        curated = CuratedCountermeasure("device", "d3f:LibraryWiping", "deletes", "Wipe it.")

        found = find_countermeasures(store, "T9003", model(curated))
        (item,) = found.countermeasures

        assert (item.provenance, item.reason, item.path, item.target.key) == (
            (Provenance.CURATED,),
            "Wipe it.",
            (Triple("d3f:LibraryWiping", "d3f:deletes", "d3gm:T9003/entity/device"),),
            "device",
        )

    def test_curated_and_asserted_says_both(self, store):
        """When D3FEND asserts what the analyst states, the countermeasure is listed once."""
        curated = CuratedCountermeasure(
            None, "d3f:LibraryWiping", "d3f:deletes", "Wipe it.", "d3f:Library"
        )
        found = find_countermeasures(store, "T9000.001", model(curated, technique="T9000.001"))
        wiping = [c for c in found.countermeasures if c.technique == "d3f:LibraryWiping"]

        assert [(c.provenance, c.reason) for c in wiping] == [
            ((Provenance.INFERRED, Provenance.CURATED), "Wipe it.")
        ]

    def test_rejects_a_curated_class_that_is_no_defensive_technique(self, store):
        """Naming an artifact as a countermeasure is a model error."""
        curated = CuratedCountermeasure("device", "d3f:File", "deletes", "Oops.")

        with pytest.raises(InvalidD3fendClassError) as caught:
            find_countermeasures(store, "T9003", model(curated))

        assert str(caught.value) == (
            "D3FEND class 'd3f:File' is named as a countermeasure in the model of T9003 but is "
            "not a D3FEND defensive technique"
        )


class TestNarrower:
    def test_empty_answer_mentions_narrower_ones(self, store):
        """A host technique whose only countermeasure is a mail server's says where it is."""
        found = find_countermeasures(store, "T9003")

        assert found.empty_reason == (
            "none of the artifacts of T9003 (d3f:Host) has a countermeasure in D3FEND: no "
            "current defensive technique acts on them or on a class above them; 1 act on a "
            "narrower kind only, shown with --narrower"
        )

    def test_narrower_one_is_offered_on_request(self, store):
        """With include_narrower, the mail server's countermeasure comes with its scope."""
        found = find_countermeasures(store, "T9003", include_narrower=True)
        (item,) = found.countermeasures

        assert (item.technique, item.narrower, item.scope, item.path) == (
            "d3f:EmailRemoval",
            True,
            "d3f:MailServer",
            (
                Triple("d3f:T9003", "d3f:accesses", "d3f:Host"),
                Triple("d3f:MailServer", "rdfs:subClassOf", "d3f:Host"),
                Triple("d3f:EmailRemoval", "d3f:may-access", "d3f:MailServer"),
            ),
        )


class TestEmpty:
    def test_no_relation_and_no_parent(self, store):
        """A technique with no artifact relation and no parent says exactly that."""
        assert find_countermeasures(store, "T9001").empty_reason == (
            "D3FEND relates T9001 to no digital artifact (T9001 has no offensive relation), "
            "and d3fgraph has no event model of it, so there is nothing for a countermeasure "
            "to act on"
        )

    def test_artifacts_without_countermeasures(self, store):
        """A technique reading only the clipboard has artifacts but nothing acting on them."""
        assert find_countermeasures(store, "T9002").empty_reason == (
            "none of the artifacts of T9002 (d3f:Clipboard) has a countermeasure in D3FEND: no "
            "current defensive technique acts on them or on a class above them"
        )


class TestSavedQueries:
    def test_missing_parameter_is_refused_not_matched_to_everything(self, store):
        """An unbound technique would join every technique; the header check refuses it."""
        from d3fgraph.countermeasures import run_saved_query

        with pytest.raises(QueryError) as caught:
            run_saved_query(store, "technique-artifacts", {})

        assert str(caught.value) == (
            "saved query 'technique-artifacts' takes the parameters: technique (missing "
            "technique); bind each one, as in --bind technique=VALUE"
        )

    def test_unknown_parameter_is_refused(self, store):
        """A binding the query does not declare is a typo, not an extra filter."""
        from d3fgraph.countermeasures import run_saved_query

        with pytest.raises(QueryError, match=r"\(unknown tech\)"):
            run_saved_query(store, "technique-artifacts", {"technique": "T9000", "tech": "x"})

    @pytest.mark.parametrize(
        ("name", "parameter", "value"),
        [
            ("technique-artifacts", "technique", "T9000.001"),
            ("technique-countermeasures", "technique", "T9000.001"),
            ("artifact-countermeasures", "artifact", "d3f:Library"),
            ("artifact-narrower-countermeasures", "artifact", "d3f:Host"),
            ("class-hierarchy", "class", "d3f:Library"),
            ("defensive-technique", "countermeasure", "d3f:FileEviction"),
        ],
    )
    def test_header_names_the_parameter_and_the_projected_columns(
        self, store, name, parameter, value
    ):
        """Each query documents its one parameter and exactly the columns it returns."""
        from pyoxigraph import Literal, Variable

        from d3fgraph.countermeasures.terms import iri
        from d3fgraph.namespaces import PREFIXES
        from d3fgraph.query import load_saved_query

        query = load_saved_query(name)
        bound = iri(value) if value.startswith("d3f:") else Literal(value)
        result = store.query(
            query.text,
            prefixes=PREFIXES,
            use_default_graph_as_union=True,
            substitutions={Variable(parameter): bound},
        )

        assert query.purpose
        assert query.parameters == (parameter,)
        assert tuple(v.value for v in result.variables) == query.columns
        assert len(list(result)) > 0


class TestDraftedModel:
    def test_says_when_the_model_is_a_draft(self, store):
        """Matches on a drafted model's entities carry a note that the model is a draft."""
        from dataclasses import replace

        drafted = replace(model(), status=ModelStatus.DRAFTED)

        found = find_countermeasures(store, "T9003", drafted, include_narrower=True)

        assert found.notes == (
            "the event model of T9003 is a draft d3fgraph made from D3FEND, not one an analyst "
            "checked: its entities, and so the official matches on them, rest on the draft",
        )

    def test_curated_without_a_target_is_noted_not_dropped(self, store):
        """A curated countermeasure naming nothing it acts on is reported as left out."""
        curated = CuratedCountermeasure(None, "d3f:FileEviction", "deletes", "Somewhere.")

        found = find_countermeasures(store, "T9003", model(curated), include_narrower=True)

        assert found.notes == (
            "d3f:FileEviction, curated in the model, names no entity or artifact of it; left out",
        )
