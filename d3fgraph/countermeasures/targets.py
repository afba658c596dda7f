"""What countermeasures can act on for one technique: its model's entities and its artifacts.

An artifact reaches the list by one route only, so no countermeasure comes out twice for the
same reason: an entity carries its D3FEND class; the primitive's classes count when no entity
carries them; D3FEND's offensive relations add the artifacts no entity or primitive carries;
a curated countermeasure's artifact comes last, when nothing else brought it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pyoxigraph import Store

from d3fgraph.countermeasures.evidence import OffensiveRelation, Target, TargetOrigin, Triple
from d3fgraph.countermeasures.hierarchy import Hierarchy
from d3fgraph.countermeasures.queries import run_saved_query
from d3fgraph.countermeasures.terms import curie
from d3fgraph.model.event_model import EventModel

__all__ = ["build_targets", "entity_node", "offensive_relations"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _Draft:
    artifact: str
    origin: TargetOrigin
    key: str
    node: str
    lead: tuple[Triple, ...] = ()
    entity: str | None = None
    ocsf_path: str | None = None
    relations: list[str] = field(default_factory=list)

    def freeze(self) -> Target:
        return Target(
            key=self.key,
            artifact=self.artifact,
            origin=self.origin,
            node=self.node,
            lead=self.lead,
            entity=self.entity,
            ocsf_path=self.ocsf_path,
            relations=tuple(sorted(set(self.relations))),
        )


def offensive_relations(store: Store, technique_id: str) -> tuple[OffensiveRelation, ...]:
    """Return the artifact relations D3FEND states on a technique and the techniques above it.

    The technique's own relations come first, then its parent's, each sorted.
    """
    rows = run_saved_query(store, "technique-artifacts", {"technique": technique_id})
    relations = {
        OffensiveRelation(curie(row["source"]), curie(row["property"]), curie(row["artifact"]))
        for row in rows
    }
    own = f"d3f:{technique_id}"
    return tuple(
        sorted(relations, key=lambda r: (r.source != own, r.source, r.artifact, r.property))
    )


def build_targets(
    technique: str,
    relations: tuple[OffensiveRelation, ...],
    model: EventModel | None,
    hierarchy: Hierarchy,
) -> tuple[Target, ...]:
    """Return the targets of ``technique``'s countermeasures, in the order reports list them.

    Args:
        technique: The technique's class, such as ``d3f:T1055.001``.
        relations: D3FEND's offensive relations of the technique, own ones first.
        model: The technique's event model, or ``None`` when d3fgraph has none.
        hierarchy: Finds the chain from the technique up to a parent that holds a relation.
    """
    drafts: list[_Draft] = []
    if model is not None:
        drafts.extend(_entity_drafts(model))
        drafts.extend(_primitive_drafts(model, drafts))

    by_artifact: dict[str, _Draft] = {}
    for draft in drafts:
        by_artifact.setdefault(draft.artifact, draft)
    for relation in relations:
        found = [d for d in drafts if d.artifact == relation.artifact]
        for draft in found:
            draft.relations.append(relation.property)
        if found:
            continue
        lead = _relation_lead(technique, relation, hierarchy)
        draft = _Draft(
            artifact=relation.artifact,
            origin=TargetOrigin.TECHNIQUE,
            key=relation.artifact,
            node=relation.artifact,
            lead=lead,
            relations=[relation.property],
        )
        drafts.append(draft)
        by_artifact[relation.artifact] = draft

    if model is not None:
        for item in model.countermeasures:
            if item.artifact is not None and item.artifact not in by_artifact:
                draft = _Draft(item.artifact, TargetOrigin.CURATED, item.artifact, item.artifact)
                drafts.append(draft)
                by_artifact[item.artifact] = draft
    return tuple(draft.freeze() for draft in drafts)


def entity_node(technique_id: str, entity_id: str) -> str:
    """Return the CURIE of an entity's node in the models graph."""
    return f"d3gm:{technique_id}/entity/{entity_id}"


def _entity_drafts(model: EventModel) -> list[_Draft]:
    drafts = []
    for entity in model.entities:
        node = entity_node(model.technique.id, entity.id)
        drafts.append(
            _Draft(
                artifact=entity.d3fend_class,
                origin=TargetOrigin.ENTITY,
                key=entity.ocsf_path,
                node=node,
                lead=(Triple(node, "d3g:d3fendClass", entity.d3fend_class),),
                entity=entity.id,
                ocsf_path=entity.ocsf_path,
            )
        )
    return drafts


def _primitive_drafts(model: EventModel, entities: list[_Draft]) -> list[_Draft]:
    carried = {draft.artifact for draft in entities}
    model_node = f"d3gm:{model.technique.id}"
    drafts = []
    for role, artifact in (("Actor", model.primitive.actor), ("Target", model.primitive.target)):
        if artifact in carried:
            continue
        carried.add(artifact)
        lead = (Triple(model_node, f"d3g:primitive{role}", artifact),)
        drafts.append(_Draft(artifact, TargetOrigin.PRIMITIVE, artifact, artifact, lead))
    return drafts


def _relation_lead(
    technique: str, relation: OffensiveRelation, hierarchy: Hierarchy
) -> tuple[Triple, ...]:
    statement = Triple(relation.source, relation.property, relation.artifact)
    if relation.source == technique:
        return (statement,)
    chain = hierarchy.chain(technique, relation.source, around=technique)
    if chain is None:
        # D3FEND links sub-techniques to parents by direct subClassOf, so this means a
        # changed release; the relation still holds, only its route is not shown.
        logger.warning("No subclass chain from %s to %s", technique, relation.source)
        chain = (Triple(technique, "rdfs:subClassOf+", relation.source),)
    return (*chain, statement)
