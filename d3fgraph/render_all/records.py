"""What a render-all run did for each technique, and the totals, as plain frozen records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from d3fgraph.coverage import CoverageStatus, TechniqueCoverage
from d3fgraph.detection import SigmaVariant

__all__ = [
    "DIAGRAM_FILE",
    "INDEX_FILE",
    "SUMMARY_FILE",
    "CardFormat",
    "Failure",
    "Outcome",
    "RenderAllReport",
    "TechniqueResult",
    "card_file",
    "sigma_file",
]


class CardFormat(StrEnum):
    """The card files written beside each diagram: Markdown always, HTML on request."""

    MARKDOWN = "markdown"
    HTML = "html"


#: The files of one technique's folder, and the two of the run's.
DIAGRAM_FILE: Final = "diagram.mmd"
INDEX_FILE: Final = "index.md"
SUMMARY_FILE: Final = "summary.json"


def sigma_file(variant: SigmaVariant | str) -> str:
    """Return the file name of a technique's Sigma rule in one variant."""
    return f"sigma-{SigmaVariant(variant)}.yml"


def card_file(card_format: CardFormat | str) -> str:
    """Return the file name of a technique's card in one format."""
    return "card.md" if CardFormat(card_format) is CardFormat.MARKDOWN else "card.html"


class Outcome(StrEnum):
    """What became of one technique."""

    WRITTEN = "written"
    FAILED = "failed"
    NOT_MODELLED = "not-modelled"
    DEPRECATED = "deprecated"


@dataclass(frozen=True, slots=True)
class Failure:
    """An artefact of a modelled technique that could not be rendered, and the error."""

    artefact: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"artefact": self.artefact, "message": self.message}


@dataclass(frozen=True, slots=True)
class TechniqueResult:
    """One technique's coverage row and, when it is modelled, the files written for it.

    ``files`` are relative to the output folder, with forward slashes. ``unwritten_rules``
    pairs each Sigma variant the model cannot express with the builder's reason; that is a
    property of the model, not a failure. ``failures`` holds what went wrong while rendering.
    """

    coverage: TechniqueCoverage
    files: tuple[str, ...] = ()
    unwritten_rules: tuple[tuple[str, str], ...] = ()
    failures: tuple[Failure, ...] = ()

    def __post_init__(self) -> None:
        rendered = self.files or self.unwritten_rules or self.failures
        if rendered and not self.coverage.modelled:
            msg = f"{self.coverage.id} is {self.coverage.status}, so nothing is rendered for it"
            raise ValueError(msg)

    @property
    def id(self) -> str:
        """The ATT&CK technique id."""
        return self.coverage.id

    @property
    def outcome(self) -> Outcome:
        """Written when every artefact was, failed when any was not."""
        if self.coverage.status is CoverageStatus.DEPRECATED:
            return Outcome.DEPRECATED
        if not self.coverage.modelled:
            return Outcome.NOT_MODELLED
        return Outcome.FAILED if self.failures else Outcome.WRITTEN

    def to_dict(self) -> dict[str, Any]:
        row = self.coverage
        entry: dict[str, Any] = {"id": row.id, "name": row.name, "status": str(row.status)}
        if row.status is CoverageStatus.DEPRECATED:
            entry["successors"] = list(row.successors)
        elif not row.modelled:
            entry["reason"] = row.reason
        else:
            entry["robustness"] = row.robustness.to_dict() if row.robustness else None
            entry["files"] = list(self.files)
            entry["rules_not_written"] = dict(self.unwritten_rules)
            entry["failures"] = [f.to_dict() for f in self.failures]
        return entry


@dataclass(frozen=True, slots=True)
class RenderAllReport:
    """Every technique of one run, in id order, with the warnings raised while rendering."""

    output_dir: Path
    card_format: CardFormat
    d3fend_version: str
    ocsf_version: str
    techniques: tuple[TechniqueResult, ...]
    warnings: tuple[str, ...] = ()

    def of(self, outcome: Outcome) -> tuple[TechniqueResult, ...]:
        """Return the techniques with that outcome, in id order."""
        return tuple(t for t in self.techniques if t.outcome is outcome)

    @property
    def failed(self) -> bool:
        """Whether any modelled technique failed to render."""
        return any(t.outcome is Outcome.FAILED for t in self.techniques)

    def counts(self) -> dict[str, Any]:
        """The totals printed after a run and stored in ``summary.json``."""
        outcomes = Counter(t.outcome for t in self.techniques)
        unseen = Counter(str(t.coverage.status) for t in self.of(Outcome.NOT_MODELLED))
        files = [f for t in self.techniques for f in t.files]
        return {
            "techniques": len(self.techniques),
            "written": outcomes[Outcome.WRITTEN],
            "failed": outcomes[Outcome.FAILED],
            "not_modelled": dict(sorted(unseen.items())),
            "deprecated": outcomes[Outcome.DEPRECATED],
            "files": len(files),
            "sigma_rules": sum(1 for f in files if f.rsplit("/", 1)[-1] in _RULE_FILES),
            "sigma_rules_not_written": sum(len(t.unwritten_rules) for t in self.techniques),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "d3fend_version": self.d3fend_version,
            "ocsf_version": self.ocsf_version,
            "card_format": str(self.card_format),
            "counts": self.counts(),
            "failed": [t.to_dict() for t in self.of(Outcome.FAILED)],
            "written": [t.to_dict() for t in self.of(Outcome.WRITTEN)],
            "not_modelled": [t.to_dict() for t in self.of(Outcome.NOT_MODELLED)],
            "deprecated": [t.to_dict() for t in self.of(Outcome.DEPRECATED)],
            "warnings": list(self.warnings),
        }


_RULE_FILES: Final = frozenset(sigma_file(v) for v in SigmaVariant)
