"""The checked content of the Sysmon-to-OCSF mapping file, as plain frozen records.

``d3fgraph.detection.sysmon_mapping`` builds these from ``ontologies/mappings/sysmon-ocsf.yaml``;
the Sigma rule builder reads them without looking anything up again.
"""

from __future__ import annotations

from dataclasses import dataclass

from d3fgraph.detection.rule_model import ValueMatch
from d3fgraph.model.vocab import InvarianceClass
from d3fgraph.scoring import TelemetryLayer

__all__ = [
    "FieldMapping",
    "FieldValues",
    "MappedCondition",
    "SysmonEvent",
    "SysmonMapping",
    "TechniqueDetection",
]


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """One Sysmon field and the OCSF attribute it fills, or ``None`` with the reason why not."""

    sysmon: str
    ocsf: str | None
    meaning: str
    source: str
    target: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class SysmonEvent:
    """A Sysmon event id as OCSF records it, with the Sigma category that selects it."""

    event_id: int
    name: str
    sigma_category: str
    source: str
    layer: TelemetryLayer
    layer_source: str
    class_uid: int
    activity_id: int
    implies: tuple[tuple[str, int | str], ...]
    fields: tuple[FieldMapping, ...]
    note: str = ""

    def sysmon_field(self, ocsf_path: str) -> str | None:
        """Return the Sysmon field that fills ``ocsf_path`` in this event, if one does."""
        return next((f.sysmon for f in self.fields if f.ocsf == ocsf_path), None)

    def constants(self) -> dict[str, int | str]:
        """Return the OCSF values every event of this id has: class, activity, and implied."""
        return {"class_uid": self.class_uid, "activity_id": self.activity_id, **dict(self.implies)}


@dataclass(frozen=True, slots=True)
class MappedCondition:
    """A rule condition on an OCSF path, with what it is core to and the source of the claim.

    ``replaces`` names the non-native path a native alternative stands in for; ``match`` says
    whether the values are whole values or parts of the field's text.
    """

    path: str
    values: tuple[int | str, ...]
    invariance: InvarianceClass
    core_to: str | None
    rationale: str
    source: str
    replaces: str | None = None
    match: ValueMatch = ValueMatch.EQUALS


@dataclass(frozen=True, slots=True)
class FieldValues:
    """Values the OCSF rules test for an invariant model field that names no single value.

    How invariant the field is stays the model's to say; this record only says how its
    invariant values are written, such as the key paths that end in a Run key.
    """

    path: str
    values: tuple[str, ...]
    match: ValueMatch
    rationale: str
    source: str


@dataclass(frozen=True, slots=True)
class TechniqueDetection:
    """What the Sigma rules of one technique need beyond its event model."""

    technique_id: str
    native_alternatives: tuple[MappedCondition, ...] = ()
    field_values: tuple[FieldValues, ...] = ()
    sysmon_event: int | None = None
    sysmon_conditions: tuple[MappedCondition, ...] = ()
    falsepositives: tuple[tuple[str, tuple[str, ...]], ...] = ()
    references: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def native_alternative(self, path: str) -> tuple[MappedCondition, ...]:
        """Return the conditions that stand in for the non-native ``path``."""
        return tuple(c for c in self.native_alternatives if c.replaces == path)

    def falsepositives_of(self, variant: str) -> tuple[str, ...]:
        """Return the false positives listed for one rule variant, if any."""
        return dict(self.falsepositives).get(variant, ())

    def references_of(self, variant: str) -> tuple[str, ...]:
        """Return the reference URLs listed for one rule variant, if any."""
        return dict(self.references).get(variant, ())


@dataclass(frozen=True, slots=True)
class SysmonMapping:
    """The whole mapping file: sources, Sysmon events and per-technique detection data."""

    ocsf_version: str
    sources: tuple[tuple[str, str], ...]
    events: tuple[SysmonEvent, ...]
    techniques: tuple[TechniqueDetection, ...]
    origin: str = ""

    def source(self, key: str) -> str:
        """Return the URL or citation a source key stands for."""
        return dict(self.sources)[key]

    def event(self, event_id: int) -> SysmonEvent:
        """Return the mapping of one Sysmon event id.

        Raises:
            LookupError: The file does not map that event id; the message lists those it does.
        """
        for event in self.events:
            if event.event_id == event_id:
                return event
        known = ", ".join(str(e.event_id) for e in self.events)
        msg = f"Sysmon Event ID {event_id} is not mapped in {self.origin}; mapped ids: {known}"
        raise LookupError(msg)

    def technique(self, technique_id: str) -> TechniqueDetection:
        """Return the detection data of a technique, empty when the file has none for it."""
        found = (t for t in self.techniques if t.technique_id == technique_id)
        return next(found, TechniqueDetection(technique_id))
