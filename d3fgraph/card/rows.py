"""The records of the card's OCSF event, entity table and Sigma rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "CountermeasureRef",
    "D3fendTerm",
    "EntityField",
    "EntityRow",
    "EventSection",
    "RuleEntry",
    "RuleScore",
    "ScoredCondition",
]

_VARIANTS = ("definitional", "ocsf-native", "sysmon")


@dataclass(frozen=True, slots=True)
class EventSection:
    """The OCSF event class and activity that record the technique, and the diagram."""

    class_name: str
    class_caption: str
    class_uid: int
    category: str
    activity_id: int
    activity_caption: str
    type_uid: int
    diagram: str

    def __post_init__(self) -> None:
        if self.type_uid != self.class_uid * 100 + self.activity_id:
            msg = f"type_uid {self.type_uid} is not class_uid * 100 + activity_id"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {
            "class_name": self.class_name,
            "class_caption": self.class_caption,
            "class_uid": self.class_uid,
            "category": self.category,
            "activity_id": self.activity_id,
            "activity_caption": self.activity_caption,
            "type_uid": self.type_uid,
            "diagram": self.diagram,
        }


@dataclass(frozen=True, slots=True)
class EntityField:
    """A field of one entity, with how far the adversary controls it."""

    path: str
    invariance: str
    rationale: str
    value: str | int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "invariance": self.invariance,
            "rationale": self.rationale,
            "value": self.value,
        }


@dataclass(frozen=True, slots=True)
class D3fendTerm:
    """A D3FEND class that names a field's invariant value, and how it meets the entity's class.

    ``path`` holds the triples from the named class to the entity's class, when D3FEND links
    them; it is empty when the class is named only.
    """

    value: str
    term: str
    label: str
    path: tuple[tuple[str, str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "term": self.term,
            "label": self.label,
            "path": [list(triple) for triple in self.path],
        }


@dataclass(frozen=True, slots=True)
class CountermeasureRef:
    """A countermeasure acting on an entity, as the entity table names it."""

    technique: str
    d3fend_id: str
    label: str
    tactic: str
    stance: str
    provenance: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "technique": self.technique,
            "d3fend_id": self.d3fend_id,
            "label": self.label,
            "tactic": self.tactic,
            "stance": self.stance,
            "provenance": list(self.provenance),
        }


@dataclass(frozen=True, slots=True)
class EntityRow:
    """One participant of the event: its OCSF path, D3FEND class, fields and countermeasures.

    The row of fields that belong to no entity has ``id`` ``"event"`` and no class.
    """

    id: str
    name: str
    ocsf_path: str
    d3fend_class: str | None
    role: str | None
    native: bool
    requires: tuple[str, ...]
    fields: tuple[EntityField, ...]
    countermeasures: tuple[CountermeasureRef, ...]
    terms: tuple[D3fendTerm, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "ocsf_path": self.ocsf_path,
            "d3fend_class": self.d3fend_class,
            "role": self.role,
            "native": self.native,
            "requires": list(self.requires),
            "fields": [f.to_dict() for f in self.fields],
            "countermeasures": [c.to_dict() for c in self.countermeasures],
            "terms": [t.to_dict() for t in self.terms],
        }


@dataclass(frozen=True, slots=True)
class ScoredCondition:
    """One condition of a rule and the robustness level it contributes.

    ``match`` is how the field is compared with ``values``: ``equals``, or the Sigma modifier
    ``contains``, ``startswith`` or ``endswith``.
    """

    rule_field: str
    ocsf_path: str
    values: tuple[int | str, ...]
    implied: bool
    invariance: str
    level: int | None
    reason: str
    match: str = "equals"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_field": self.rule_field,
            "ocsf_path": self.ocsf_path,
            "values": list(self.values),
            "match": self.match,
            "implied": self.implied,
            "invariance": self.invariance,
            "level": self.level,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class RuleScore:
    """A rule's Summiting the Pyramid score, condition by condition."""

    label: str
    level: int
    layer: str
    layer_name: str
    conditions: tuple[ScoredCondition, ...]
    weakest: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "level": self.level,
            "layer": self.layer,
            "layer_name": self.layer_name,
            "conditions": [c.to_dict() for c in self.conditions],
            "weakest": list(self.weakest),
        }


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """One Sigma rule variant: its score, description and YAML, or why it cannot be written."""

    variant: str
    source_name: str | None
    score: RuleScore | None
    summary: str | None
    sigma: str | None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.variant not in _VARIANTS:
            msg = f"rule variant {self.variant!r} is not one of: {', '.join(_VARIANTS)}"
            raise ValueError(msg)
        written = (self.score, self.summary, self.sigma, self.source_name)
        if self.reason is None and None in written:
            msg = f"the {self.variant} rule needs a score, summary and YAML, or a reason"
            raise ValueError(msg)
        if self.reason is not None and any(part is not None for part in written):
            msg = f"the {self.variant} rule cannot be both written and refused"
            raise ValueError(msg)

    @property
    def available(self) -> bool:
        """Whether the variant could be written for the model."""
        return self.reason is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "available": self.available,
            "source_name": self.source_name,
            "score": None if self.score is None else self.score.to_dict(),
            "summary": self.summary,
            "sigma": self.sigma,
            "reason": self.reason,
        }
