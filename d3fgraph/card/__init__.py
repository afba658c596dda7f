"""Technique cards: detect, mitigate and respond, the OCSF event and the Sigma rules on one page.

``build_card`` computes a ``TechniqueCard`` from the knowledge graph; ``d3fgraph.render``
writes it as Markdown (``card_markdown``), one self-contained HTML page (``card_html``) or
JSON (``TechniqueCard.to_dict``, described by ``docs/card.schema.json``).
"""

from d3fgraph.card.build import EVENT_ROW, build_card
from d3fgraph.card.content import CARD_FORMAT, CardSection, Correction, PrimitiveView, TechniqueCard
from d3fgraph.card.reference import REFERENCE_CARDS, ReferenceCard
from d3fgraph.card.rows import (
    CountermeasureRef,
    D3fendTerm,
    EntityField,
    EntityRow,
    EventSection,
    RuleEntry,
    RuleScore,
    ScoredCondition,
)
from d3fgraph.card.sections import CountermeasureItem, DetectSection, StanceSection, TacticGroup
from d3fgraph.card.telemetry import (
    ArtifactAttribute,
    Evidence,
    Fallback,
    FieldCoverage,
    NativeAlternative,
    SysmonFieldRow,
)

__all__ = [
    "CARD_FORMAT",
    "EVENT_ROW",
    "REFERENCE_CARDS",
    "ArtifactAttribute",
    "CardSection",
    "Correction",
    "CountermeasureItem",
    "CountermeasureRef",
    "D3fendTerm",
    "DetectSection",
    "EntityField",
    "EntityRow",
    "EventSection",
    "Evidence",
    "Fallback",
    "FieldCoverage",
    "NativeAlternative",
    "PrimitiveView",
    "ReferenceCard",
    "RuleEntry",
    "RuleScore",
    "ScoredCondition",
    "StanceSection",
    "SysmonFieldRow",
    "TacticGroup",
    "TechniqueCard",
    "build_card",
]
