"""The technique card as plain data: every fact a renderer shows, already computed and checked.

A card is built once by ``d3fgraph.card.build_card`` and then written as Markdown, HTML or
JSON; renderers only arrange what is here, so the three formats cannot disagree. The records
of the sections live in ``d3fgraph.card.sections`` and ``d3fgraph.card.rows``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from d3fgraph.card.rows import EntityRow, EventSection, RuleEntry
from d3fgraph.card.sections import CountermeasureItem, DetectSection, StanceSection
from d3fgraph.model.event_model import TechniqueRef

__all__ = ["CARD_FORMAT", "CardSection", "Correction", "PrimitiveView", "TechniqueCard"]

#: The version of the card's JSON layout, as ``docs/card.schema.json`` describes it.
CARD_FORMAT: Final = "d3fgraph-card/1"


class CardSection(StrEnum):
    """The card's sections, in the order the reference card shows them."""

    DETECT = "detect"
    MITIGATE = "mitigate"
    RESPOND = "respond"
    EVENT = "event"
    ENTITIES = "entities"
    SIGMA = "sigma"


@dataclass(frozen=True, slots=True)
class PrimitiveView:
    """The technique as actor artifact, action and target artifact, with its summary line."""

    summary: str
    actor: str
    action: str
    target: str
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class Correction:
    """Where the reference card of a technique is wrong or thin, and what the data says."""

    section: CardSection
    claim: str
    finding: str

    def __post_init__(self) -> None:
        if not self.claim.strip() or not self.finding.strip():
            msg = f"a correction in {self.section} needs both the claim and the finding"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {"section": str(self.section), "claim": self.claim, "finding": self.finding}


@dataclass(frozen=True, slots=True)
class TechniqueCard:
    """One technique's card: detect, mitigate, respond, its OCSF event and its Sigma rules.

    ``rules`` holds the three variants in the order the card shows them, the definitional
    one first; a variant that cannot be written for the model says why instead.
    """

    technique: TechniqueRef
    status: str
    title: str
    primitive: PrimitiveView
    detect: DetectSection
    mitigate: StanceSection
    respond: StanceSection
    event: EventSection
    entities: tuple[EntityRow, ...]
    rules: tuple[RuleEntry, ...]
    corrections: tuple[Correction, ...] = ()
    notes: tuple[str, ...] = ()
    versions: tuple[tuple[str, str], ...] = ()
    reference: str | None = None

    def __post_init__(self) -> None:
        if not self.rules or self.rules[0].variant != "definitional":
            msg = f"the card of {self.technique.id} must list the definitional rule first"
            raise ValueError(msg)
        ids = [row.id for row in self.entities]
        if len(ids) != len(set(ids)):
            msg = f"the card of {self.technique.id} lists an entity twice: {ids}"
            raise ValueError(msg)
        if self.corrections and self.reference is None:
            msg = f"the card of {self.technique.id} corrects a reference card it does not name"
            raise ValueError(msg)

    def corrections_in(self, section: CardSection | str) -> tuple[Correction, ...]:
        """Return the corrections to show in one section, in card order."""
        wanted = CardSection(section)
        return tuple(c for c in self.corrections if c.section is wanted)

    @property
    def countermeasures(self) -> tuple[CountermeasureItem, ...]:
        """Every countermeasure on the card: detective, mitigating and responsive."""
        sections = (self.detect.countermeasures, self.mitigate, self.respond)
        groups = [group for section in sections for group in section.groups]
        return tuple(item for group in groups for item in group.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": CARD_FORMAT,
            "technique": self.technique.to_dict(),
            "status": self.status,
            "title": self.title,
            "primitive": self.primitive.to_dict(),
            "detect": self.detect.to_dict(),
            "mitigate": self.mitigate.to_dict(),
            "respond": self.respond.to_dict(),
            "event": self.event.to_dict(),
            "entities": [row.to_dict() for row in self.entities],
            "rules": [rule.to_dict() for rule in self.rules],
            "corrections": [c.to_dict() for c in self.corrections],
            "notes": list(self.notes),
            "versions": dict(self.versions),
            "reference": self.reference,
        }

    def _repr_markdown_(self) -> str:
        """Jupyter's text/markdown view: the Markdown card."""
        from d3fgraph.render.card_markdown import render_card_markdown

        return render_card_markdown(self)

    def _repr_html_(self) -> str:
        """Jupyter's text/html view: the card as one article that loads Mermaid itself."""
        from d3fgraph.render.card_html import render_card_fragment

        return render_card_fragment(self)
