"""What the Detect section computes: OCSF coverage, native stand-ins and the Sysmon fallback.

Nothing here is copied from a card: which fields need a profile comes from the OCSF schema
(through the model), the stand-ins from the detection mapping and from D3FEND's relations of
the technique to artifacts, the fallback from the Sysmon mapping with the source of each row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from d3fgraph.card.telemetry import (
    ArtifactAttribute,
    Fallback,
    FieldCoverage,
    NativeAlternative,
    SysmonFieldRow,
)
from d3fgraph.detection import SysmonEvent, SysmonMapping, TechniqueDetection

if TYPE_CHECKING:
    from d3fgraph.countermeasures import OffensiveRelation
    from d3fgraph.drafting import Drafter
    from d3fgraph.loaders.ocsf_model import OcsfEventClass, OcsfSchema
    from d3fgraph.model.event_model import EventModel

__all__ = [
    "artifact_attributes",
    "choose_sysmon_event",
    "fallback_of",
    "field_coverage",
    "native_alternatives",
]


def field_coverage(model: EventModel, rule_paths: Iterable[str]) -> tuple[FieldCoverage, ...]:
    """Return each field of the model with its OCSF status and whether the rule tests it."""
    used = set(rule_paths)
    return tuple(
        FieldCoverage(
            path=f.path,
            entity=f.entity,
            invariance=str(f.invariance),
            value=f.value,
            native=f.native,
            requires=f.requires,
            in_rule=f.path in used,
            rationale=" ".join(f.rationale.split()),
        )
        for f in model.fields
    )


def native_alternatives(
    detection: TechniqueDetection, event_class: OcsfEventClass, mapping: SysmonMapping
) -> tuple[NativeAlternative, ...]:
    """Return the native attributes the mapping names in place of non-native fields.

    Enum values get their OCSF captions, read from the event class (``1`` is Remote Thread
    for ``injection_type_id`` in Process Activity).
    """
    found = []
    for alternative in detection.native_alternatives:
        attribute = event_class.attributes.get(alternative.path)
        enum = attribute.enum if attribute is not None else {}
        captions = tuple(enum[v] for v in alternative.values if v in enum)
        found.append(
            NativeAlternative(
                path=alternative.path,
                values=alternative.values,
                captions=captions,
                replaces=alternative.replaces,
                rationale=alternative.rationale,
                source=mapping.source(alternative.source),
            )
        )
    return tuple(found)


def artifact_attributes(
    model: EventModel,
    relations: Iterable[OffensiveRelation],
    drafter: Drafter,
    ocsf: OcsfSchema,
) -> tuple[ArtifactAttribute, ...]:
    """Return native object attributes of the model's class that stand for a related artifact.

    An OCSF object stands for an artifact by the project's artifact-to-OCSF table
    (``ontologies/mappings/artifact-ocsf.yaml``, nearest ancestor row first) or by the
    object's own D3FEND reference to the artifact or one of its ancestors. Only attributes
    the class carries without a profile or extension are offered.
    """
    event_class = ocsf.event_class(model.event.class_name)
    properties: dict[str, list[str]] = {}
    for relation in relations:
        properties.setdefault(relation.artifact, []).append(relation.property)

    entity_paths = {e.ocsf_path for e in model.entities}
    found: dict[str, ArtifactAttribute] = {}
    for artifact, props in properties.items():
        for object_name, basis in _objects_for(artifact, props, drafter, ocsf):
            for name, attribute in event_class.attributes.items():
                native = attribute.profile is None and attribute.extension in (
                    None,
                    event_class.extension,
                )
                if attribute.object_type != object_name or not native or name in found:
                    continue
                found[name] = ArtifactAttribute(
                    path=name,
                    object=object_name,
                    object_caption=ocsf.objects[object_name].caption,
                    description=" ".join(attribute.description.split()),
                    artifact=artifact,
                    properties=tuple(dict.fromkeys(props)),
                    basis=basis,
                    in_model=name in entity_paths,
                )
    return tuple(found.values())


def _objects_for(
    artifact: str, props: list[str], drafter: Drafter, ocsf: OcsfSchema
) -> list[tuple[str, str]]:
    objects: dict[str, str] = {}
    for prop in props:
        row = drafter.resolver.find_row(prop, artifact)
        if row is None:
            continue
        found, via, _ = row
        where = f"{drafter.table.origin} row {found.label}"
        basis = where if via == artifact else f"{where}, as {artifact} is a {via}"
        objects.setdefault(found.object, basis)

    for ancestor, distance in drafter.index.ancestors(artifact):
        local = ancestor.removeprefix("d3f:")
        for name in sorted(ocsf.objects):
            if local in ocsf.objects[name].d3fend and name not in objects:
                tail = "" if distance == 0 else f", and {artifact} is a {ancestor}"
                objects[name] = f"OCSF object {name} cites {ancestor} in its references{tail}"
    return list(objects.items())


def choose_sysmon_event(
    model: EventModel, mapping: SysmonMapping, detection: TechniqueDetection
) -> tuple[SysmonEvent | None, str | None]:
    """Return the Sysmon event that records the technique, or why none can be named.

    The technique's own entry in the mapping decides; without one, the single Sysmon event
    mapped to the model's OCSF class and activity.
    """
    if detection.sysmon_event is not None:
        return mapping.event(detection.sysmon_event), None

    key = (model.event.class_uid, model.event.activity_id)
    matches = [e for e in mapping.events if (e.class_uid, e.activity_id) == key]
    if len(matches) == 1:
        return matches[0], None

    event = f"OCSF {model.event.class_caption} / {model.event.activity_caption}"
    if not matches:
        reason = (
            f"{mapping.origin} maps no Sysmon event to {event} and names none for "
            f"{model.technique.id}"
        )
    else:
        ids = ", ".join(str(e.event_id) for e in matches)
        reason = (
            f"Sysmon events {ids} all record {event}; {mapping.origin} names none of them for "
            f"{model.technique.id}"
        )
    return None, reason


def fallback_of(
    model: EventModel, event: SysmonEvent, mapping: SysmonMapping, paths: Iterable[str]
) -> Fallback:
    """Return the Sysmon event with the rows that fill the model's paths, or ``paths``.

    A row is kept when its OCSF path is a field of the model, lies in an entity of the model,
    or is one of ``paths`` (the rules' conditions and the native stand-ins) or lies in one.
    """
    anchors = {e.ocsf_path: e.id for e in model.entities}
    wanted = {f.path for f in model.fields} | set(paths)
    rows = []
    for row in event.fields:
        if row.ocsf is None:
            continue
        entity = _owner(row.ocsf, anchors)
        if entity is None and not any(_within(row.ocsf, p) for p in wanted):
            continue
        rows.append(
            SysmonFieldRow(
                sysmon=row.sysmon,
                ocsf=row.ocsf,
                meaning=row.meaning,
                source=mapping.source(row.source),
                target=row.target,
                entity=entity,
                note=row.note,
            )
        )
    return Fallback(
        event_id=event.event_id,
        name=event.name,
        sigma_category=event.sigma_category,
        layer=str(event.layer),
        layer_source=mapping.source(event.layer_source),
        source=mapping.source(event.source),
        note=event.note,
        implies=tuple(event.constants().items()),
        fields=tuple(rows),
    )


def _within(path: str, anchor: str) -> bool:
    return path == anchor or path.startswith(anchor + ".")


def _owner(path: str, anchors: dict[str, str]) -> str | None:
    # The longest anchor wins, so actor.process.file.path belongs to actor.process, not actor.
    matching = [a for a in anchors if _within(path, a)]
    return anchors[max(matching, key=len)] if matching else None
