"""The event model of one ATT&CK technique: what it looks like in OCSF telemetry.

These types hold checked facts only: a model is built by ``d3fgraph.model.build`` after every
D3FEND class and OCSF path in it was resolved against the loaded data, so renderers can trust
them without looking anything up again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from d3fgraph.model.vocab import InvarianceClass, ModelStatus, Role
from d3fgraph.techniques import is_technique_id

__all__ = [
    "CuratedCountermeasure",
    "Entity",
    "EventModel",
    "ObservedField",
    "OcsfEventRef",
    "Primitive",
    "Relation",
    "TechniqueRef",
]

_ENTITY_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class TechniqueRef:
    """An ATT&CK technique as D3FEND names it."""

    id: str
    name: str
    parent: str | None = None
    d3fend_label: str | None = None

    def __post_init__(self) -> None:
        if not is_technique_id(self.id):
            msg = f"technique id {self.id!r} is not of the form T1234 or T1234.001"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "parent": self.parent,
            "d3fend_label": self.d3fend_label,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TechniqueRef:
        return cls(data["id"], data["name"], data["parent"], data["d3fend_label"])


@dataclass(frozen=True, slots=True)
class Primitive:
    """The technique reduced to actor artifact, action and target artifact, in D3FEND terms."""

    actor: str
    action: str
    target: str
    description: str

    @property
    def summary(self) -> str:
        """The primitive as the card's heading writes it: ``Process Write ProcessSegment``."""
        action = self.action[:1].upper() + self.action[1:]
        return f"{_bare(self.actor)} {action} {_bare(self.target)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Primitive:
        return cls(data["actor"], data["action"], data["target"], data["description"])


@dataclass(frozen=True, slots=True)
class OcsfEventRef:
    """The OCSF event class and activity that record the technique."""

    class_name: str
    class_caption: str
    class_uid: int
    activity_id: int
    activity_caption: str

    @property
    def type_uid(self) -> int:
        """OCSF's ``type_uid``: the class and the activity in one number."""
        return self.class_uid * 100 + self.activity_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "class_name": self.class_name,
            "class_caption": self.class_caption,
            "class_uid": self.class_uid,
            "activity_id": self.activity_id,
            "activity_caption": self.activity_caption,
            "type_uid": self.type_uid,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OcsfEventRef:
        return cls(
            data["class_name"],
            data["class_caption"],
            data["class_uid"],
            data["activity_id"],
            data["activity_caption"],
        )


@dataclass(frozen=True, slots=True)
class Entity:
    """One participant of the event: an OCSF object in the event, typed by a D3FEND class."""

    id: str
    name: str
    ocsf_path: str
    d3fend_class: str
    role: Role
    native: bool = True
    requires: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _ENTITY_ID.fullmatch(self.id):
            msg = f"entity id {self.id!r} must start with a letter and hold only A-Z, 0-9 and _"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "ocsf_path": self.ocsf_path,
            "d3fend_class": self.d3fend_class,
            "role": str(self.role),
            "native": self.native,
            "requires": list(self.requires),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            name=data["name"],
            ocsf_path=data["ocsf_path"],
            d3fend_class=data["d3fend_class"],
            role=Role(data["role"]),
            native=data["native"],
            requires=tuple(data["requires"]),
        )


@dataclass(frozen=True, slots=True)
class Relation:
    """A directed relation between two entities, as the diagram's dotted edge shows it."""

    source: str
    target: str
    label: str
    d3fend_property: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "label": self.label,
            "d3fend_property": self.d3fend_property,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relation:
        return cls(data["source"], data["target"], data["label"], data["d3fend_property"])


@dataclass(frozen=True, slots=True)
class ObservedField:
    """One OCSF attribute a rule can test, with how far the adversary controls its value."""

    path: str
    entity: str | None
    invariance: InvarianceClass
    rationale: str
    value: str | int | None = None
    core_to: str | None = None
    native: bool = True
    requires: tuple[str, ...] = ()
    ocsf_type: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "entity": self.entity,
            "invariance": str(self.invariance),
            "rationale": self.rationale,
            "value": self.value,
            "core_to": self.core_to,
            "native": self.native,
            "requires": list(self.requires),
            "ocsf_type": self.ocsf_type,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ObservedField:
        return cls(
            path=data["path"],
            entity=data["entity"],
            invariance=InvarianceClass(data["invariance"]),
            rationale=data["rationale"],
            value=data["value"],
            core_to=data["core_to"],
            native=data["native"],
            requires=tuple(data["requires"]),
            ocsf_type=data["ocsf_type"],
        )


@dataclass(frozen=True, slots=True)
class CuratedCountermeasure:
    """A countermeasure an analyst stated in the model, beside what D3FEND asserts."""

    entity: str | None
    technique: str
    property: str
    reason: str
    artifact: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "artifact": self.artifact,
            "technique": self.technique,
            "property": self.property,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CuratedCountermeasure:
        return cls(
            entity=data["entity"],
            technique=data["technique"],
            property=data["property"],
            reason=data["reason"],
            artifact=data["artifact"],
        )


@dataclass(frozen=True, slots=True)
class EventModel:
    """Everything d3fgraph knows about how one technique shows in telemetry."""

    technique: TechniqueRef
    primitive: Primitive
    event: OcsfEventRef
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    fields: tuple[ObservedField, ...]
    status: ModelStatus
    countermeasures: tuple[CuratedCountermeasure, ...] = ()
    notes: tuple[str, ...] = ()
    source: str = ""
    guidance: dict[str, str] = field(default_factory=dict)

    def entity(self, entity_id: str) -> Entity:
        """Return the entity with id ``entity_id``."""
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        known = ", ".join(e.id for e in self.entities)
        msg = f"model {self.technique.id} has no entity {entity_id!r}; it has: {known}"
        raise KeyError(msg)

    def fields_of(self, entity_id: str) -> tuple[ObservedField, ...]:
        """Return the fields that belong to one entity, in model order."""
        return tuple(f for f in self.fields if f.entity == entity_id)

    def _repr_markdown_(self) -> str:
        """Show the model in Jupyter: its diagram, which notebooks draw, and its entities."""
        from d3fgraph.render.card_markdown_blocks import code, table, text
        from d3fgraph.render.mermaid import render_mermaid

        rows = [
            [
                code(e.ocsf_path),
                code(e.d3fend_class),
                text(str(e.role)),
                ", ".join(code(f.path) for f in self.fields_of(e.id)),
            ]
            for e in self.entities
        ]
        return (
            f"### {text(self.technique.name)} ({self.technique.id})\n\n"
            f"**{text(self.primitive.summary)}**: {text(self.primitive.description)}\n\n"
            f"```mermaid\n{render_mermaid(self)}```\n\n"
            + table(["entity", "D3FEND class", "role", "fields"], rows)
            + "\n"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "technique": self.technique.to_dict(),
            "status": str(self.status),
            "primitive": self.primitive.to_dict(),
            "event": self.event.to_dict(),
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
            "fields": [f.to_dict() for f in self.fields],
            "countermeasures": [c.to_dict() for c in self.countermeasures],
            "guidance": dict(self.guidance),
            "notes": list(self.notes),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventModel:
        """Rebuild a model written by ``to_dict``, as the graph cache stores checked models."""
        return cls(
            technique=TechniqueRef.from_dict(data["technique"]),
            primitive=Primitive.from_dict(data["primitive"]),
            event=OcsfEventRef.from_dict(data["event"]),
            entities=tuple(Entity.from_dict(e) for e in data["entities"]),
            relations=tuple(Relation.from_dict(r) for r in data["relations"]),
            fields=tuple(ObservedField.from_dict(f) for f in data["fields"]),
            status=ModelStatus(data["status"]),
            countermeasures=tuple(
                CuratedCountermeasure.from_dict(c) for c in data["countermeasures"]
            ),
            notes=tuple(data["notes"]),
            source=data["source"],
            guidance=dict(data["guidance"]),
        )


def _bare(curie: str) -> str:
    return curie.split(":", 1)[1] if ":" in curie else curie
