"""Shapes of the card's records that every renderer shows the same way.

A countermeasure the report lists once per target becomes one line with all its targets, and
each line says why it is offered: D3FEND's assertion, the subclass chain an inference took, or
the analyst's reason.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from d3fgraph.card.sections import CountermeasureItem, TacticGroup

__all__ = [
    "VARIANT_TITLES",
    "CountermeasureLine",
    "TechniqueChip",
    "chain_text",
    "countermeasure_lines",
    "source_label",
    "technique_chips",
]

#: How the card names each rule variant.
VARIANT_TITLES: Final = {
    "definitional": "Definitional",
    "ocsf-native": "OCSF-native",
    "sysmon": "Sysmon",
}

_SUBCLASS: Final = "rdfs:subClassOf"


@dataclass(frozen=True, slots=True)
class CountermeasureLine:
    """One countermeasure with every target it acts on by the same relation and reason."""

    technique: str
    d3fend_id: str
    label: str
    targets: tuple[str, ...]
    property: str
    acts_on: str
    provenance: tuple[str, ...]
    why: str

    # The field ``property`` hides the builtin in the class body, hence ``builtins.property``.
    @builtins.property
    def curated(self) -> bool:
        """Whether an analyst stated the link."""
        return "curated" in self.provenance


def countermeasure_lines(items: Iterable[CountermeasureItem]) -> tuple[CountermeasureLine, ...]:
    """Merge the items that differ only by target, keeping the order of first appearance."""
    merged: dict[tuple[str, str, str, tuple[str, ...], str], list[str]] = {}
    firsts: dict[tuple[str, str, str, tuple[str, ...], str], CountermeasureItem] = {}
    for item in items:
        key = (item.technique, item.property, item.acts_on, item.provenance, _why(item))
        merged.setdefault(key, []).append(item.target)
        firsts.setdefault(key, item)
    return tuple(
        CountermeasureLine(
            technique=item.technique,
            d3fend_id=item.d3fend_id,
            label=item.label,
            targets=tuple(dict.fromkeys(merged[key])),
            property=item.property,
            acts_on=item.acts_on,
            provenance=item.provenance,
            why=key[4],
        )
        for key, item in firsts.items()
    )


def chain_text(path: Sequence[tuple[str, str, str]]) -> str:
    """Return the subclass steps of a path as one chain: ``d3f:A ⊑ d3f:B ⊑ d3f:C``."""
    steps = [t for t in path if t[1] == _SUBCLASS]
    if not steps:
        return ""
    classes = [steps[0][0], *(t[2] for t in steps)]
    return " ⊑ ".join(classes)


def source_label(url: str) -> str:
    """Return a short name for a source URL: its last path segment and fragment."""
    parts = urlsplit(url)
    name = parts.path.rstrip("/").rpartition("/")[2] or parts.netloc
    return f"{name}#{parts.fragment}" if parts.fragment else name


def _why(item: CountermeasureItem) -> str:
    if item.reason is not None:
        return item.reason
    if "official" in item.provenance:
        return "asserted in D3FEND"
    chain = chain_text(item.path)
    if not chain:
        return "inferred from D3FEND"
    # A path that starts from D3FEND's relation of the technique to an artifact, rather than
    # from an entity of the model, names that relation first.
    first = item.path[0]
    offensive = first[1] not in (_SUBCLASS, "d3g:d3fendClass") and len(item.path) > 1
    return f"{' '.join(first)}; {chain}" if offensive else chain


@dataclass(frozen=True, slots=True)
class TechniqueChip:
    """One countermeasure of a tactic, with every target and provenance it has there."""

    technique: str
    d3fend_id: str
    label: str
    tactic: str
    targets: tuple[str, ...]
    provenance: tuple[str, ...]


def technique_chips(groups: Iterable[TacticGroup]) -> tuple[TechniqueChip, ...]:
    """Return each countermeasure of each tactic once, in the order the groups list them."""
    chips: dict[tuple[str, str], list[CountermeasureItem]] = {}
    for group in groups:
        for item in group.items:
            chips.setdefault((group.tactic, item.technique), []).append(item)
    order = ("official", "inferred", "curated")
    return tuple(
        TechniqueChip(
            technique=technique,
            d3fend_id=items[0].d3fend_id,
            label=items[0].label,
            tactic=tactic,
            targets=tuple(dict.fromkeys(i.target for i in items)),
            provenance=tuple(p for p in order if any(p in i.provenance for i in items)),
        )
        for (tactic, technique), items in chips.items()
    )
