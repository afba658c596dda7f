"""The evidence report: which of a technique's rules fired on which recording, and why.

Plain frozen records with ``to_dict`` for JSON; ``d3fgraph.render.evidence`` writes them as a
table or as the technique card's Evidence section.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from d3fgraph.evidence.engine import FunnelStep
from d3fgraph.evidence.events import SkippedLine
from d3fgraph.evidence.metadata import DatasetMetadata

__all__ = [
    "EventMatch",
    "EvidenceReport",
    "Outcome",
    "RecordingEvidence",
    "RuleResult",
    "Verdict",
]


class Outcome(StrEnum):
    """What a recording's metadata and the rules that fired on it say together."""

    #: The metadata names the technique, and at least one of its rules fired.
    CAUGHT = "caught"
    #: The metadata names the technique, and none of its rules fired.
    MISSED = "missed"
    #: The metadata names another technique, yet some of this technique's rules fired.
    FIRED_ON_OTHER = "fired-on-other-technique"
    #: The metadata names another technique, and none of this technique's rules fired.
    SILENT_ON_OTHER = "silent-on-other-technique"


@dataclass(frozen=True, slots=True)
class EventMatch:
    """One event a rule matched: where it was read, when it happened, who did what to whom.

    ``actor`` and ``target`` are the acting and the acted-on process as ``path (pid)``, or
    for a registry or file event the value, key or file acted on; ``detail`` says how, such as
    where an injected thread starts or what data a registry value was given.
    """

    location: str
    time: str | None
    actor: str | None
    target: str | None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "time": self.time,
            "actor": self.actor,
            "target": self.target,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule variant run on one recording.

    ``telemetry`` says which events the rule saw: the recording's own events for the Sysmon
    rule, the OCSF events mapped from them for the others. ``error`` is set, and nothing
    else, when the variant cannot be built for the technique.
    """

    variant: str
    title: str
    rule_id: str
    level: str
    score: str
    telemetry: str
    events_scanned: int
    matches: tuple[EventMatch, ...]
    funnel: tuple[FunnelStep, ...]
    absent_fields: tuple[str, ...]
    reason: str
    query: str = ""
    error: str = ""

    def __post_init__(self) -> None:
        if len(self.matches) > self.events_scanned:
            msg = f"{len(self.matches)} matches out of {self.events_scanned} events scanned"
            raise ValueError(msg)

    @property
    def matched(self) -> int:
        """How many events the rule matched."""
        return len(self.matches)

    @property
    def fired(self) -> bool:
        """Whether the rule matched at least one event."""
        return bool(self.matches)

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "title": self.title,
            "rule_id": self.rule_id,
            "level": self.level,
            "score": self.score,
            "telemetry": self.telemetry,
            "events_scanned": self.events_scanned,
            "matched": self.matched,
            "fired": self.fired,
            "reason": self.reason,
            "absent_fields": list(self.absent_fields),
            "funnel": [step.to_dict() for step in self.funnel],
            "matches": [m.to_dict() for m in self.matches],
            "query": self.query,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the technique a recording's metadata names was caught by this technique's rules."""

    metadata: DatasetMetadata
    technique: str
    outcome: Outcome
    fired: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "metadata": self.metadata.to_dict(),
            "technique": self.technique,
            "outcome": str(self.outcome),
            "fired": list(self.fired),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class RecordingEvidence:
    """Every rule variant of the technique run on one recording."""

    recording: str
    path: str
    events_read: int
    sysmon_events: int
    mapped_events: int
    results: tuple[RuleResult, ...]
    skipped: tuple[SkippedLine, ...] = ()
    verdict: Verdict | None = None

    def result(self, variant: str) -> RuleResult:
        """Return the result of one rule variant.

        Raises:
            LookupError: No rule of that variant was run; the message lists those that were.
        """
        for result in self.results:
            if result.variant == variant:
                return result
        known = ", ".join(r.variant for r in self.results)
        msg = f"no {variant!r} rule was run on {self.recording}; results exist for: {known}"
        raise LookupError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recording": self.recording,
            "path": self.path,
            "events_read": self.events_read,
            "sysmon_events": self.sysmon_events,
            "mapped_events": self.mapped_events,
            "skipped_lines": [line.to_dict() for line in self.skipped],
            "results": [r.to_dict() for r in self.results],
            "verdict": None if self.verdict is None else self.verdict.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class EvidenceReport:
    """How a technique's rules fared on one or more recordings of attacks.

    ``engine`` names the rule engine and its versions, so a reader can rerun the check.
    """

    technique: str
    technique_name: str
    engine: str
    recordings: tuple[RecordingEvidence, ...]

    def __post_init__(self) -> None:
        if not self.recordings:
            msg = f"an evidence report on {self.technique} needs at least one recording"
            raise ValueError(msg)

    @property
    def skipped(self) -> tuple[SkippedLine, ...]:
        """Every line of every recording that held no event."""
        return tuple(line for r in self.recordings for line in r.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "technique": self.technique,
            "technique_name": self.technique_name,
            "engine": self.engine,
            "recordings": [r.to_dict() for r in self.recordings],
        }
