"""The records of what telemetry sees of a technique: OCSF coverage, stand-ins, the fallback.

The Detect section (``d3fgraph.card.sections.DetectSection``) is made of these; sources are
URLs, so a reader can check each claim without opening the mapping files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from d3fgraph.evidence import EvidenceReport

__all__ = [
    "ArtifactAttribute",
    "Evidence",
    "Fallback",
    "FieldCoverage",
    "NativeAlternative",
    "SysmonFieldRow",
    "evidence_from_report",
]


@dataclass(frozen=True, slots=True)
class FieldCoverage:
    """One field of the model, and whether the event class carries it without a profile."""

    path: str
    entity: str | None
    invariance: str
    value: str | int | None
    native: bool
    requires: tuple[str, ...]
    in_rule: bool
    rationale: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "entity": self.entity,
            "invariance": self.invariance,
            "value": self.value,
            "native": self.native,
            "requires": list(self.requires),
            "in_rule": self.in_rule,
            "rationale": self.rationale,
        }


@dataclass(frozen=True, slots=True)
class NativeAlternative:
    """A native attribute the detection mapping puts in place of a non-native field.

    ``captions`` are the OCSF enum captions of ``values``, when the attribute is an enum.
    """

    path: str
    values: tuple[int | str, ...]
    captions: tuple[str, ...]
    replaces: str | None
    rationale: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "values": list(self.values),
            "captions": list(self.captions),
            "replaces": self.replaces,
            "rationale": self.rationale,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class ArtifactAttribute:
    """A native object attribute of the event class that stands for an artifact of the technique.

    D3FEND relates the technique to ``artifact`` by ``properties``; ``basis`` says why the OCSF
    object ``object`` stands for that artifact.
    """

    path: str
    object: str
    object_caption: str
    description: str
    artifact: str
    properties: tuple[str, ...]
    basis: str
    in_model: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "object": self.object,
            "object_caption": self.object_caption,
            "description": self.description,
            "artifact": self.artifact,
            "properties": list(self.properties),
            "basis": self.basis,
            "in_model": self.in_model,
        }


@dataclass(frozen=True, slots=True)
class SysmonFieldRow:
    """A Sysmon field and the OCSF path it fills, with the source of the claim."""

    sysmon: str
    ocsf: str
    meaning: str
    source: str
    target: str | None
    entity: str | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "sysmon": self.sysmon,
            "ocsf": self.ocsf,
            "meaning": self.meaning,
            "source": self.source,
            "target": self.target,
            "entity": self.entity,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Fallback:
    """The Sysmon event that records the technique where OCSF telemetry falls short."""

    event_id: int
    name: str
    sigma_category: str
    layer: str
    layer_source: str
    source: str
    note: str
    implies: tuple[tuple[str, int | str], ...]
    fields: tuple[SysmonFieldRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "name": self.name,
            "sigma_category": self.sigma_category,
            "layer": self.layer,
            "layer_source": self.layer_source,
            "source": self.source,
            "note": self.note,
            "implies": [{"path": path, "value": value} for path, value in self.implies],
            "fields": [row.to_dict() for row in self.fields],
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """How a rule variant fared on recorded telemetry, as a caller measured it.

    ``verdict`` says, for the whole recording, whether the technique it simulates was caught.
    """

    variant: str
    dataset: str
    source: str
    events: int
    matched: int
    note: str = ""
    verdict: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.matched <= self.events:
            msg = f"{self.dataset}: {self.matched} matches out of {self.events} events"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "dataset": self.dataset,
            "source": self.source,
            "events": self.events,
            "matched": self.matched,
            "note": self.note,
            "verdict": self.verdict,
        }


def evidence_from_report(report: EvidenceReport) -> tuple[Evidence, ...]:
    """Return one record per rule run on each recording of an evidence report.

    A variant that could not be built for the technique has no run to report; the card's
    rules section already says why.
    """
    found = []
    for recording in report.recordings:
        verdict = recording.verdict.text if recording.verdict is not None else ""
        for result in recording.results:
            if result.error:
                continue
            found.append(
                Evidence(
                    variant=result.variant,
                    dataset=recording.recording,
                    source=recording.path,
                    events=result.events_scanned,
                    matched=result.matched,
                    note=result.reason,
                    verdict=verdict,
                )
            )
    return tuple(found)
