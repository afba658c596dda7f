"""The rows and totals of a coverage report, as plain frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["CoverageReport", "CoverageStatus", "CoverageTotals", "Robustness", "TechniqueCoverage"]


class CoverageStatus(StrEnum):
    """Where a technique stands."""

    CURATED = "curated"
    DRAFTED = "drafted"
    NO_ARTIFACT_LINK = "no-artifact-link"
    NO_OCSF_ROW = "no-ocsf-row"
    DEPRECATED = "deprecated"


@dataclass(frozen=True, slots=True)
class Robustness:
    """The best score among a model's Sigma rules, and the rule variant that earns it."""

    label: str
    level: int
    variant: str

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "level": self.level, "variant": self.variant}


@dataclass(frozen=True, slots=True)
class TechniqueCoverage:
    """One technique's row: its status and, when modelled, what OCSF sees of it."""

    id: str
    name: str
    status: CoverageStatus
    link_origin: str | None = None
    successors: tuple[str, ...] = ()
    reason: str | None = None
    event_class: str | None = None
    class_uid: int | None = None
    activity: str | None = None
    other_classes: tuple[str, ...] = ()
    native_fields: tuple[str, ...] = ()
    non_native_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    robustness: Robustness | None = None
    countermeasures: int | None = None

    @property
    def modelled(self) -> bool:
        """Whether the technique has an event model, curated or drafted."""
        return self.status in (CoverageStatus.CURATED, CoverageStatus.DRAFTED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": str(self.status),
            "link_origin": self.link_origin,
            "successors": list(self.successors),
            "reason": self.reason,
            "event_class": self.event_class,
            "class_uid": self.class_uid,
            "activity": self.activity,
            "other_classes": list(self.other_classes),
            "native_fields": list(self.native_fields),
            "non_native_fields": [
                {"path": path, "requires": list(needs)} for path, needs in self.non_native_fields
            ],
            "robustness": self.robustness.to_dict() if self.robustness else None,
            "countermeasures": self.countermeasures,
        }


@dataclass(frozen=True, slots=True)
class CoverageTotals:
    """The counts a coverage report adds up to."""

    techniques: int
    deprecated: int
    current: int
    linked: int
    unlinked: int
    modelled: int
    curated: int
    drafted: int
    no_artifact_link: int
    no_ocsf_row: int

    @property
    def unseen(self) -> int:
        """Current techniques OCSF cannot see at all."""
        return self.current - self.modelled

    def to_dict(self) -> dict[str, int]:
        return {
            "techniques": self.techniques,
            "deprecated": self.deprecated,
            "current": self.current,
            "linked": self.linked,
            "unlinked": self.unlinked,
            "modelled": self.modelled,
            "curated": self.curated,
            "drafted": self.drafted,
            "unseen": self.unseen,
            "no_artifact_link": self.no_artifact_link,
            "no_ocsf_row": self.no_ocsf_row,
        }


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Every technique's row, the totals, and the columns left out and why."""

    d3fend_version: str
    ocsf_version: str
    techniques: tuple[TechniqueCoverage, ...]
    totals: CoverageTotals
    left_out: tuple[str, ...] = ()

    def unseen(self) -> tuple[TechniqueCoverage, ...]:
        """Return the current techniques OCSF cannot see, with their reasons."""
        gaps = (CoverageStatus.NO_ARTIFACT_LINK, CoverageStatus.NO_OCSF_ROW)
        return tuple(t for t in self.techniques if t.status in gaps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "d3fend_version": self.d3fend_version,
            "ocsf_version": self.ocsf_version,
            "totals": self.totals.to_dict(),
            "left_out": list(self.left_out),
            "techniques": [t.to_dict() for t in self.techniques],
            "unseen": [
                {"id": t.id, "status": str(t.status), "reason": t.reason} for t in self.unseen()
            ],
        }
