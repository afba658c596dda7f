"""The project's own ontology and the event models, as RDF in the merged graph."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store

from d3fgraph.errors import OntologyLoadError, SourceLocation
from d3fgraph.model.event_model import EventModel
from d3fgraph.namespaces import D3F, D3G, D3GM, OCSF, RDF, RDFS, XSD
from d3fgraph.resources import ontology_resource

__all__ = ["MODELS_GRAPH", "PROJECT_GRAPH", "load_project_ontology", "model_quads"]

logger = logging.getLogger(__name__)

PROJECT_GRAPH = D3G.term("graph/ontology")
MODELS_GRAPH = D3G.term("graph/models")

_ONTOLOGY_FILES = ("d3g.ttl", "d3g-ocsf.ttl")


def load_project_ontology(store: Store) -> int:
    """Load the shipped ``d3g`` ontology files into their named graph; return the count."""
    before = len(store)
    for name in _ONTOLOGY_FILES:
        resource = ontology_resource(name)
        if not resource.is_file():
            continue
        try:
            store.load(resource.read_bytes(), format=RdfFormat.TURTLE, to_graph=PROJECT_GRAPH)
        except SyntaxError as exc:
            location = SourceLocation(Path("ontologies", name), exc.lineno, exc.offset)
            msg = f"the shipped ontology is not valid Turtle: {exc.msg}"
            raise OntologyLoadError(msg, location=location) from exc
    count = len(store) - before
    logger.debug("Loaded %d triples of the project ontology", count)
    return count


def model_iri(technique_id: str) -> NamedNode:
    """Return the IRI of the event model of ``technique_id``."""
    return D3GM.term(technique_id)


def model_quads(model: EventModel) -> Iterator[Quad]:
    """Yield the triples that state ``model`` in the project vocabulary."""
    g = MODELS_GRAPH
    root = model_iri(model.technique.id)
    yield Quad(root, RDF.type, D3G.EventModel, g)
    yield Quad(root, RDFS.label, Literal(model.technique.name), g)
    yield Quad(root, D3G.technique, D3F.term(model.technique.id), g)
    yield Quad(root, D3G.status, Literal(str(model.status)), g)
    yield Quad(root, D3G.ocsfClass, OCSF.term(f"class/{_iri_part(model.event.class_name)}"), g)
    activity = f"class/{_iri_part(model.event.class_name)}/activity/{model.event.activity_id}"
    yield Quad(root, D3G.ocsfActivity, OCSF.term(activity), g)
    yield Quad(root, D3G.primitiveActor, _d3f(model.primitive.actor), g)
    yield Quad(root, D3G.primitiveAction, Literal(model.primitive.action), g)
    yield Quad(root, D3G.primitiveTarget, _d3f(model.primitive.target), g)
    yield Quad(root, RDFS.comment, Literal(model.primitive.description), g)

    entity_nodes: dict[str, NamedNode] = {}
    for entity in model.entities:
        node = D3GM.term(f"{model.technique.id}/entity/{entity.id}")
        entity_nodes[entity.id] = node
        yield Quad(root, D3G.hasEntity, node, g)
        yield Quad(node, RDF.type, D3G.Entity, g)
        yield Quad(node, RDFS.label, Literal(entity.name), g)
        yield Quad(node, D3G.entityId, Literal(entity.id), g)
        yield Quad(node, D3G.ocsfPath, Literal(entity.ocsf_path), g)
        yield Quad(node, D3G.d3fendClass, _d3f(entity.d3fend_class), g)
        yield Quad(node, D3G.role, D3G.term(str(entity.role)), g)
        yield Quad(node, D3G.nativeToClass, _bool(entity.native), g)
        yield from (Quad(node, D3G.requires, Literal(r), g) for r in entity.requires)

    for field in model.fields:
        node = D3GM.term(f"{model.technique.id}/field/{field.path}")
        yield Quad(root, D3G.hasField, node, g)
        yield Quad(node, RDF.type, D3G.ObservableField, g)
        yield Quad(node, D3G.ocsfPath, Literal(field.path), g)
        yield Quad(node, D3G.invariance, D3G.term(str(field.invariance)), g)
        yield Quad(node, D3G.rationale, Literal(field.rationale), g)
        yield Quad(node, D3G.nativeToClass, _bool(field.native), g)
        if field.entity is not None:
            yield Quad(node, D3G.ofEntity, entity_nodes[field.entity], g)
        if field.value is not None:
            yield Quad(node, D3G.expectedValue, Literal(str(field.value)), g)
        if field.core_to is not None:
            yield Quad(node, D3G.coreTo, Literal(field.core_to), g)
        yield from (Quad(node, D3G.requires, Literal(r), g) for r in field.requires)

    for relation in model.relations:
        link = BlankNode()
        yield Quad(root, D3G.hasRelation, link, g)
        yield Quad(link, RDF.type, D3G.Relation, g)
        yield Quad(link, RDFS.label, Literal(relation.label), g)
        yield Quad(link, D3G.relationSource, entity_nodes[relation.source], g)
        yield Quad(link, D3G.relationTarget, entity_nodes[relation.target], g)
        if relation.d3fend_property is not None:
            yield Quad(link, D3G.d3fendProperty, _d3f(relation.d3fend_property), g)

    for countermeasure in model.countermeasures:
        curated = BlankNode()
        yield Quad(root, D3G.hasCountermeasure, curated, g)
        yield Quad(curated, RDF.type, D3G.CuratedCountermeasure, g)
        yield Quad(curated, D3G.d3fendClass, _d3f(countermeasure.technique), g)
        yield Quad(curated, D3G.d3fendProperty, _d3f(countermeasure.property), g)
        yield Quad(curated, D3G.rationale, Literal(countermeasure.reason), g)
        if countermeasure.entity is not None:
            yield Quad(curated, D3G.actsOnEntity, entity_nodes[countermeasure.entity], g)
        if countermeasure.artifact is not None:
            yield Quad(curated, D3G.actsOnArtifact, _d3f(countermeasure.artifact), g)


def _d3f(curie: str) -> NamedNode:
    return D3F.term(curie.removeprefix("d3f:"))


def _bool(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD.boolean)


def _iri_part(name: str) -> str:
    return name.replace("/", "--")
