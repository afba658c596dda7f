"""Turn a shape-checked model file into an event model checked against D3FEND and OCSF.

Every D3FEND class must exist and be current, every OCSF path must exist in the event class;
paths that the class holds only through an optional profile or an extension are kept, but
marked and explained in the model's notes, since a rule on them needs that profile.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyoxigraph import Store

from d3fgraph.d3fend_lookup import find_d3fend_class, find_technique
from d3fgraph.errors import D3fgraphError, InvalidOcsfPathError, ModelFileError, SourceLocation
from d3fgraph.model.event_model import (
    CuratedCountermeasure,
    Entity,
    EventModel,
    ObservedField,
    OcsfEventRef,
    Primitive,
    Relation,
    TechniqueRef,
)
from d3fgraph.model.model_file import ModelSpec
from d3fgraph.namespaces import D3F
from d3fgraph.query import select

if TYPE_CHECKING:
    from d3fgraph.loaders.ocsf_model import OcsfEventClass, OcsfSchema, ResolvedPath

__all__ = ["build_event_model"]

logger = logging.getLogger(__name__)


def build_event_model(spec: ModelSpec, store: Store, ocsf: OcsfSchema) -> EventModel:
    """Check ``spec`` against the loaded ontologies and return its event model.

    Raises:
        UnknownTechniqueError: D3FEND does not know the model's technique.
        InvalidD3fendClassError: A D3FEND class in the model is unknown or deprecated.
        InvalidOcsfPathError: An OCSF path does not exist in the model's event class.
        ModelFileError: Any other mismatch, such as an unknown OCSF class or activity.
    """
    technique = find_technique(store, spec.technique_id)
    if technique.deprecated:
        successor = ", ".join(technique.successors) or "none named"
        msg = f"technique {spec.technique_id} is deprecated in D3FEND (successor: {successor})"
        raise ModelFileError(msg, location=spec.locations["technique"])
    if spec.parent is not None and technique.parent not in (None, spec.parent):
        msg = f"D3FEND gives {spec.technique_id} the parent {technique.parent}, not {spec.parent}"
        raise ModelFileError(msg, location=spec.locations["technique"])

    for key in ("actor", "target"):
        find_d3fend_class(store, spec.primitive[key], location=spec.locations[f"primitive.{key}"])

    event_class = _event_class(spec, ocsf)
    activity_id, activity_caption = _activity(spec, event_class)
    notes: list[str] = []

    entities = []
    for item in spec.entities:
        d3fend = find_d3fend_class(store, item.d3fend, location=item.d3fend_location)
        resolved = _resolve(ocsf, event_class, item.path, item.path_location)
        entities.append(
            Entity(
                id=item.id,
                name=item.name,
                ocsf_path=item.path,
                d3fend_class=d3fend.curie,
                role=item.role,
                native=resolved.native,
                requires=tuple(resolved.requires),
            )
        )
        if not resolved.native:
            notes.append(_not_native_note(item.path, event_class, resolved.requires))

    by_path = sorted(entities, key=lambda e: len(e.ocsf_path), reverse=True)
    fields = []
    for field_spec in spec.fields:
        resolved = _resolve(ocsf, event_class, field_spec.path, field_spec.path_location)
        owner = next(
            (e.id for e in by_path if _within(field_spec.path, e.ocsf_path)),
            None,
        )
        fields.append(
            ObservedField(
                path=field_spec.path,
                entity=owner,
                invariance=field_spec.invariance,
                rationale=field_spec.rationale,
                value=field_spec.value,
                core_to=field_spec.core_to,
                native=resolved.native,
                requires=tuple(resolved.requires),
                ocsf_type=resolved.leaf.type,
            )
        )
        entity_note = any(not e.native and _within(field_spec.path, e.ocsf_path) for e in entities)
        if not resolved.native and not entity_note:
            notes.append(_not_native_note(field_spec.path, event_class, resolved.requires))

    relations = []
    for rel in spec.relations:
        prop = None
        if rel.d3fend_property is not None:
            prop = _d3fend_property(store, rel.d3fend_property, rel.location)
        relations.append(Relation(rel.source, rel.target, rel.label, prop))

    countermeasures = []
    for cm in spec.countermeasures:
        defensive = find_d3fend_class(store, cm.technique, location=cm.location)
        artifact = None
        if cm.artifact is not None:
            artifact = find_d3fend_class(store, cm.artifact, location=cm.location).curie
        countermeasures.append(
            CuratedCountermeasure(
                entity=cm.entity,
                artifact=artifact,
                technique=defensive.curie,
                property=cm.property,
                reason=" ".join(cm.reason.split()),
            )
        )

    logger.debug("Built the event model of %s from %s", spec.technique_id, spec.source)
    return EventModel(
        technique=TechniqueRef(
            id=spec.technique_id,
            name=spec.name,
            parent=spec.parent or technique.parent,
            d3fend_label=technique.label,
        ),
        primitive=Primitive(
            actor=spec.primitive["actor"],
            action=spec.primitive["action"],
            target=spec.primitive["target"],
            description=" ".join(spec.primitive["description"].split()),
        ),
        event=OcsfEventRef(
            class_name=event_class.name,
            class_caption=event_class.caption,
            class_uid=event_class.uid,
            activity_id=activity_id,
            activity_caption=activity_caption,
        ),
        entities=tuple(entities),
        relations=tuple(relations),
        fields=tuple(fields),
        status=spec.status,
        countermeasures=tuple(countermeasures),
        notes=tuple(dict.fromkeys(notes)),
        source=spec.source,
        guidance={key: " ".join(text.split()) for key, text in spec.guidance.items()},
    )


def _d3fend_property(store: Store, name: str, location: SourceLocation) -> str:
    if not name.startswith("d3f:"):
        msg = f"D3FEND property {name!r} must be written as d3f:name, for example d3f:injects"
        raise ModelFileError(msg, location=location)
    rows = select(
        store,
        "SELECT ?p WHERE { ?p a owl:ObjectProperty }",
        {"p": D3F.term(name.removeprefix("d3f:"))},
    )
    if not rows:
        msg = f"D3FEND has no object property {name!r}; name one of D3FEND's object properties"
        raise ModelFileError(msg, location=location)
    return name


def _event_class(spec: ModelSpec, ocsf: OcsfSchema) -> OcsfEventClass:
    try:
        return ocsf.event_class(spec.event_class)
    except D3fgraphError as exc:
        raise ModelFileError(exc.message, location=spec.locations["event.class"]) from exc


def _activity(spec: ModelSpec, event_class: OcsfEventClass) -> tuple[int, str]:
    try:
        return event_class.activity(spec.activity)
    except D3fgraphError as exc:
        raise ModelFileError(exc.message, location=spec.locations["event.activity"]) from exc


def _resolve(
    ocsf: OcsfSchema, event_class: OcsfEventClass, path: str, location: SourceLocation
) -> ResolvedPath:
    try:
        return ocsf.resolve_path(event_class, path)
    except InvalidOcsfPathError as exc:
        raise InvalidOcsfPathError(
            exc.path,
            exc.event_class,
            exc.reason,
            suggestions=exc.suggestions,
            location=location,
        ) from exc


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


def _not_native_note(path: str, event_class: OcsfEventClass, requires: Sequence[str]) -> str:
    needs = ", ".join(requires)
    return (
        f"{path} is not native to OCSF {event_class.caption} ({event_class.uid}): "
        f"it needs {needs or 'an extension'}"
    )
