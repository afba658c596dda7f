"""Turn a draft plan into a model spec, the same input a model file gives the model builder.

Going through ``ModelSpec`` means a draft passes the checks a curated model passes: every D3FEND
class current, every OCSF path resolved in the event class, non-native paths explained. The
spec's locations point at the table rows the draft came from, so a failed check names the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from d3fgraph.drafting.links import LinkOrigin
from d3fgraph.errors import D3fgraphError, SourceLocation
from d3fgraph.model.model_file import EntitySpec, FieldSpec, ModelSpec, RelationSpec
from d3fgraph.model.vocab import InvarianceClass, ModelStatus, Role

if TYPE_CHECKING:
    from d3fgraph.drafting.artifact_map import ArtifactRow
    from d3fgraph.drafting.invariance_defaults import InvarianceDefaults
    from d3fgraph.drafting.links import D3fendIndex
    from d3fgraph.drafting.plan import DraftPlan
    from d3fgraph.drafting.resolve import LinkResolution
    from d3fgraph.loaders.ocsf_model import OcsfEventClass, OcsfSchema

__all__ = ["draft_spec"]

_ACTOR_CLASS: Final = "d3f:Process"
_DEVICE_PATH: Final = "device"
_DEVICE_CLASS: Final = "d3f:Host"


@dataclass(slots=True)
class _Draft:
    """The spec's parts while they are collected."""

    entities: list[EntitySpec]
    relations: list[RelationSpec]
    fields: dict[str, FieldSpec]


def draft_spec(
    plan: DraftPlan, index: D3fendIndex, ocsf: OcsfSchema, defaults: InvarianceDefaults
) -> ModelSpec:
    """Return the model spec of ``plan``'s draft."""
    row = plan.row
    event_class = ocsf.classes[row.event_class]
    draft = _Draft([], [], {})
    for implied in row.implies:
        draft.fields[implied.path] = FieldSpec(
            path=implied.path,
            invariance=InvarianceClass.INVARIANT,
            rationale=implied.rationale,
            value=implied.value,
            core_to=implied.core_to,
            location=implied.location,
            path_location=implied.location,
        )

    taken = {r.entity for _, r in plan.used}
    actor = None
    if row.actor not in taken:
        actor = _id(row.actor)
        where = row.at("actor")
        _entity(draft, actor, "Actor Process", row.actor, _ACTOR_CLASS, Role.ATTACKER, where, where)

    for resolution, used_row in plan.used:
        target = _id(used_row.entity)
        if all(e.id != target for e in draft.entities):
            name = index.label(resolution.link.artifact)
            artifact = resolution.link.artifact
            path_at, class_at = used_row.at("entity"), used_row.at("artifact")
            role = resolution.role
            _entity(draft, target, name, used_row.entity, artifact, role, path_at, class_at)
        if actor is not None:
            _relate(draft, actor, target, resolution, used_row)

    if _DEVICE_PATH not in taken and _resolves(ocsf, event_class, _DEVICE_PATH):
        where = row.location
        _entity(draft, "device", "Host", _DEVICE_PATH, _DEVICE_CLASS, Role.TAINTED, where, where)

    for entity in draft.entities:
        object_name = ocsf.resolve_path(event_class, entity.path).leaf.object_type
        for relative in defaults.drafted_fields.get(object_name or "", ()):
            _field(draft, f"{entity.path}.{relative}", ocsf, event_class, defaults, entity.location)
    for path in row.fields:
        _field(draft, path, ocsf, event_class, defaults, row.at("fields"))

    technique = plan.technique
    parent = index.techniques.get(technique.parent) if technique.parent else None
    name = f"{parent.label}: {technique.label}" if parent else technique.label
    primary = plan.primary.link
    where = SourceLocation(f"D3FEND d3f:{technique.id}")
    return ModelSpec(
        technique_id=technique.id,
        parent=technique.parent,
        name=name,
        status=ModelStatus.DRAFTED,
        primitive={
            "actor": _ACTOR_CLASS,
            "action": primary.d3fend_property.removeprefix("d3f:"),
            "target": primary.artifact,
            "description": _description(plan, index),
        },
        event_class=row.event_class,
        activity=plan.primary.activity or row.activity,
        entities=tuple(draft.entities),
        relations=tuple(draft.relations),
        fields=tuple(draft.fields.values()),
        countermeasures=(),
        guidance={},
        source=f"drafted from {row.location}",
        locations={
            "technique": where,
            "event.class": row.at("class"),
            "event.activity": row.at("activity"),
            "primitive.actor": row.at("actor"),
            "primitive.target": row.at("artifact"),
        },
    )


def _id(path: str) -> str:
    return path.replace(".", "_")


def _entity(
    draft: _Draft,
    entity_id: str,
    name: str,
    path: str,
    d3fend: str,
    role: Role,
    path_at: SourceLocation,
    class_at: SourceLocation,
) -> None:
    # Errors about the entity point at the table cell its path or class came from.
    draft.entities.append(
        EntitySpec(entity_id, name, path, d3fend, role, path_at, path_at, class_at)
    )


def _relate(
    draft: _Draft, actor: str, target: str, resolution: LinkResolution, row: ArtifactRow
) -> None:
    prop = resolution.link.d3fend_property
    if any(r.target == target and r.d3fend_property == prop for r in draft.relations):
        return
    draft.relations.append(
        RelationSpec(actor, target, prop.removeprefix("d3f:"), prop, row.location)
    )


def _field(
    draft: _Draft,
    path: str,
    ocsf: OcsfSchema,
    event_class: OcsfEventClass,
    defaults: InvarianceDefaults,
    location: SourceLocation,
) -> None:
    if path in draft.fields:
        return
    default = defaults.for_path(ocsf.resolve_path(event_class, path))
    if default is None:
        return
    draft.fields[path] = FieldSpec(
        path=path,
        invariance=default.invariance,
        rationale=f"{default.rationale} (default for {default.key})",
        value=None,
        core_to=default.core_to,
        location=location,
        path_location=location,
    )


def _resolves(ocsf: OcsfSchema, event_class: OcsfEventClass, path: str) -> bool:
    try:
        ocsf.resolve_path(event_class, path)
    except D3fgraphError:
        return False
    return True


def _description(plan: DraftPlan, index: D3fendIndex) -> str:
    link = plan.primary.link
    artifact = index.label(link.artifact)
    verb = link.d3fend_property.removeprefix("d3f:")
    if plan.origin is LinkOrigin.OWN:
        return f"Drafted from D3FEND: the technique {verb} {artifact} ({link.artifact})."
    whose = "parent" if plan.origin is LinkOrigin.PARENT else "sub-technique"
    return f"Drafted from D3FEND: its {whose} {link.technique} {verb} {artifact} ({link.artifact})."
