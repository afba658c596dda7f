"""The pieces of a countermeasure's reason: where it comes from, what it acts on, and how.

A countermeasure is offered because of statements a reader can check: D3FEND's, the model's,
or a chain of both. These types hold those statements and the targets they start from.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["OffensiveRelation", "Provenance", "Target", "TargetOrigin", "Triple"]


class Provenance(StrEnum):
    """Where the link between a countermeasure and its target comes from."""

    #: D3FEND asserts the defensive technique on exactly the artifact class of a model's entity.
    OFFICIAL = "official"
    #: d3fgraph reached it from D3FEND: through the class hierarchy, or through an artifact
    #: D3FEND relates the technique to (the inference D3FEND's site shows without a reason).
    INFERRED = "inferred"
    #: An analyst stated it in the technique's model, with a reason.
    CURATED = "curated"

    @property
    def rank(self) -> int:
        """The position in the order reports list provenances."""
        return list(Provenance).index(self)


class TargetOrigin(StrEnum):
    """Why an artifact is a target of countermeasures for the technique."""

    #: An entity of the event model, typed by a D3FEND class.
    ENTITY = "entity"
    #: The actor or target of the model's primitive, when no entity carries that class.
    PRIMITIVE = "primitive"
    #: An artifact D3FEND relates the technique, or its parent, to.
    TECHNIQUE = "technique"
    #: An artifact only a curated countermeasure of the model names.
    CURATED = "curated"


@dataclass(frozen=True, slots=True)
class Triple:
    """One statement of an explaining path, its terms written as CURIEs.

    D3FEND states a defensive technique's relation as an ``owl:Restriction`` on its class;
    the triple writes it as the direct statement D3FEND's release build derives from it.
    """

    subject: str
    predicate: str
    object: str

    def __str__(self) -> str:
        return f"{self.subject} {self.predicate} {self.object}"

    def to_list(self) -> list[str]:
        return [self.subject, self.predicate, self.object]

    @classmethod
    def from_list(cls, terms: list[str]) -> Triple:
        """Return the triple ``to_list`` wrote as ``[subject, predicate, object]``."""
        subject, predicate, obj = terms
        return cls(subject, predicate, obj)


@dataclass(frozen=True, slots=True)
class OffensiveRelation:
    """A relation D3FEND states from an ATT&CK technique, or its parent, to an artifact."""

    source: str
    property: str
    artifact: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "property": self.property, "artifact": self.artifact}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OffensiveRelation:
        return cls(data["source"], data["property"], data["artifact"])


@dataclass(frozen=True, slots=True)
class Target:
    """What a countermeasure acts on: an entity of the model, or a D3FEND artifact.

    ``lead`` holds the triples that tie the target to the technique: the entity's D3FEND
    class, the model's primitive, or D3FEND's offensive relation (through the parent when the
    technique inherits it). ``relations`` lists the offensive properties by which D3FEND relates
    the technique to the target's artifact, also when an entity carries that artifact.
    """

    key: str
    artifact: str
    origin: TargetOrigin
    node: str
    lead: tuple[Triple, ...] = ()
    entity: str | None = None
    ocsf_path: str | None = None
    relations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.origin is TargetOrigin.ENTITY) != (self.entity is not None):
            msg = f"target {self.key!r}: an entity id is given exactly for entity targets"
            raise ValueError(msg)
        if self.origin is TargetOrigin.ENTITY and self.ocsf_path != self.key:
            msg = f"entity target {self.key!r} must be keyed by its OCSF path {self.ocsf_path!r}"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "origin": str(self.origin),
            "entity": self.entity,
            "ocsf_path": self.ocsf_path,
            "artifact": self.artifact,
            "relations": list(self.relations),
            "node": self.node,
            "lead": [triple.to_list() for triple in self.lead],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        return cls(
            key=data["key"],
            artifact=data["artifact"],
            origin=TargetOrigin(data["origin"]),
            node=data["node"],
            lead=tuple(Triple.from_list(terms) for terms in data["lead"]),
            entity=data["entity"],
            ocsf_path=data["ocsf_path"],
            relations=tuple(data["relations"]),
        )
