"""The records of the card's Detect, Mitigate and Respond sections.

Paths are OCSF attribute paths and D3FEND terms CURIEs; every record carries what a reader
needs to check it without opening the data it came from.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

from d3fgraph.card.telemetry import (
    ArtifactAttribute,
    Evidence,
    Fallback,
    FieldCoverage,
    NativeAlternative,
)

__all__ = ["CountermeasureItem", "DetectSection", "StanceSection", "TacticGroup"]

_STANCES = ("mitigate", "detect", "respond")


@dataclass(frozen=True, slots=True)
class CountermeasureItem:
    """One D3FEND countermeasure acting on one target, with where the link comes from."""

    technique: str
    d3fend_id: str
    label: str
    tactic: str
    stance: str
    target: str
    target_artifact: str
    entity: str | None
    property: str
    acts_on: str
    provenance: tuple[str, ...]
    path: tuple[tuple[str, str, str], ...]
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.stance not in _STANCES:
            msg = f"stance {self.stance!r} of {self.technique} is not one of: {', '.join(_STANCES)}"
            raise ValueError(msg)
        if not self.provenance:
            msg = f"{self.technique} on {self.target} needs a provenance"
            raise ValueError(msg)

    # The field ``property`` hides the builtin in the class body, hence ``builtins.property``.
    @builtins.property
    def curated(self) -> bool:
        """Whether an analyst stated this link in the model."""
        return "curated" in self.provenance

    def to_dict(self) -> dict[str, Any]:
        return {
            "technique": self.technique,
            "d3fend_id": self.d3fend_id,
            "label": self.label,
            "tactic": self.tactic,
            "stance": self.stance,
            "target": self.target,
            "target_artifact": self.target_artifact,
            "entity": self.entity,
            "property": self.property,
            "acts_on": self.acts_on,
            "provenance": list(self.provenance),
            "path": [list(triple) for triple in self.path],
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class TacticGroup:
    """The countermeasures of one D3FEND tactic."""

    tactic: str
    items: tuple[CountermeasureItem, ...]

    def __post_init__(self) -> None:
        strays = [i.technique for i in self.items if i.tactic != self.tactic]
        if strays or not self.items:
            msg = f"tactic group {self.tactic!r} is empty or holds other tactics: {strays}"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {"tactic": self.tactic, "countermeasures": [i.to_dict() for i in self.items]}


@dataclass(frozen=True, slots=True)
class StanceSection:
    """What mitigates the technique, or how to respond to it: countermeasures and guidance.

    ``consequence`` says, for the Respond section, what holds once the technique succeeded.
    ``empty_reason`` says why no countermeasure of the stance is offered.
    """

    stance: str
    groups: tuple[TacticGroup, ...]
    guidance: str | None = None
    consequence: tuple[str, ...] = ()
    empty_reason: str | None = None

    def __post_init__(self) -> None:
        if self.stance not in _STANCES:
            msg = f"stance {self.stance!r} is not one of: {', '.join(_STANCES)}"
            raise ValueError(msg)
        if (not self.groups) != (self.empty_reason is not None):
            msg = f"the {self.stance} section needs a reason exactly when it has no countermeasure"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stance": self.stance,
            "groups": [g.to_dict() for g in self.groups],
            "guidance": self.guidance,
            "consequence": list(self.consequence),
            "empty_reason": self.empty_reason,
        }


@dataclass(frozen=True, slots=True)
class DetectSection:
    """What OCSF sees of the technique, what stands in where it does not, and the fallback.

    ``summary`` holds the section's sentences in plain text; ``fallback_reason`` says why no
    Sysmon event can be named when ``fallback`` is ``None``.
    """

    summary: tuple[str, ...]
    fields: tuple[FieldCoverage, ...]
    native_alternatives: tuple[NativeAlternative, ...]
    artifact_attributes: tuple[ArtifactAttribute, ...]
    fallback: Fallback | None
    fallback_reason: str | None
    countermeasures: StanceSection
    guidance: str | None = None
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        if (self.fallback is None) == (self.fallback_reason is None):
            msg = "the Detect section needs a fallback event or the reason there is none"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": list(self.summary),
            "fields": [f.to_dict() for f in self.fields],
            "native_alternatives": [a.to_dict() for a in self.native_alternatives],
            "artifact_attributes": [a.to_dict() for a in self.artifact_attributes],
            "fallback": None if self.fallback is None else self.fallback.to_dict(),
            "fallback_reason": self.fallback_reason,
            "countermeasures": self.countermeasures.to_dict(),
            "guidance": self.guidance,
            "evidence": [e.to_dict() for e in self.evidence],
        }
