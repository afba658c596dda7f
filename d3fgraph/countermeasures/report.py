"""The answer to "what counters this technique": countermeasures, their targets and reasons.

Every countermeasure says where it comes from (D3FEND's assertion, an inference d3fgraph made
from D3FEND, or an analyst's model) and, unless an analyst stated it alone, the triples that
lead from the technique to it, so that nothing is offered without a reason a reader can check.
"""

from __future__ import annotations

import builtins
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from d3fgraph.countermeasures.evidence import OffensiveRelation, Provenance, Target, Triple
from d3fgraph.countermeasures.tactics import Stance, Tactic

__all__ = ["Countermeasure", "CountermeasureReport"]


@dataclass(frozen=True, slots=True)
class Countermeasure:
    """A D3FEND defensive technique that acts on a target, with why it is offered.

    ``acts_on`` is the class D3FEND names in the technique's relation: the target's artifact
    itself, a broader class, or, when ``narrower`` is true, a narrower class, to whose kind
    alone the countermeasure applies. ``path`` runs from the target's lead to the statement
    of the countermeasure; ``reason`` is the analyst's, for curated ones.
    """

    technique: str
    d3fend_id: str
    label: str
    tactic: Tactic
    target: Target
    property: str
    acts_on: str
    provenance: tuple[Provenance, ...]
    path: tuple[Triple, ...]
    narrower: bool = False
    reason: str | None = None

    # The field ``property`` hides the builtin in the class body, hence ``builtins.property``.

    def __post_init__(self) -> None:
        ordered = tuple(sorted(set(self.provenance), key=lambda p: p.rank))
        if not ordered or ordered != self.provenance:
            msg = f"{self.technique}: provenance must be non-empty, unique and in order"
            raise ValueError(msg)
        if not self.path:
            msg = f"{self.technique} on {self.target.key}: a countermeasure needs a path"
            raise ValueError(msg)
        if (Provenance.CURATED in self.provenance) != (self.reason is not None):
            msg = (
                f"{self.technique} on {self.target.key}: curated ones, and only they, need a reason"
            )
            raise ValueError(msg)
        if self.narrower and self.provenance != (Provenance.INFERRED,):
            msg = f"{self.technique}: a countermeasure on a narrower class is inferred only"
            raise ValueError(msg)

    @builtins.property
    def stance(self) -> Stance:
        """Whether the countermeasure mitigates, detects or responds."""
        return self.tactic.stance

    @builtins.property
    def key(self) -> tuple[str, str, str, str]:
        """What makes two countermeasures the same: technique, target, property and scope."""
        return (self.technique, self.target.key, self.property, self.scope or "")

    @builtins.property
    def scope(self) -> str | None:
        """The narrower class the countermeasure is limited to, or ``None`` for the whole target."""
        return self.acts_on if self.narrower else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "technique": self.technique,
            "d3fend_id": self.d3fend_id,
            "label": self.label,
            "tactic": str(self.tactic),
            "stance": str(self.stance),
            "target": self.target.to_dict(),
            "property": self.property,
            "acts_on": self.acts_on,
            "narrower": self.narrower,
            "provenance": [str(p) for p in self.provenance],
            "path": [t.to_list() for t in self.path],
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Countermeasure:
        """Return the countermeasure ``to_dict`` wrote; ``stance`` follows from the tactic."""
        return cls(
            technique=data["technique"],
            d3fend_id=data["d3fend_id"],
            label=data["label"],
            tactic=Tactic(data["tactic"]),
            target=Target.from_dict(data["target"]),
            property=data["property"],
            acts_on=data["acts_on"],
            provenance=tuple(Provenance(p) for p in data["provenance"]),
            path=tuple(Triple.from_list(terms) for terms in data["path"]),
            narrower=data["narrower"],
            reason=data["reason"],
        )


@dataclass(frozen=True, slots=True)
class CountermeasureReport:
    """Every countermeasure d3fgraph offers for one technique, or why there is none."""

    technique_id: str
    technique: str
    label: str
    modelled: bool
    relations: tuple[OffensiveRelation, ...]
    targets: tuple[Target, ...]
    countermeasures: tuple[Countermeasure, ...]
    empty_reason: str | None = None
    notes: tuple[str, ...] = ()
    include_narrower: bool = False
    tactics: tuple[Tactic, ...] = ()

    def __post_init__(self) -> None:
        if (not self.countermeasures) != (self.empty_reason is not None):
            msg = f"{self.technique_id}: an empty report needs a reason, and only an empty one"
            raise ValueError(msg)
        keys = [c.key for c in self.countermeasures]
        if len(keys) != len(set(keys)):
            repeated = sorted({k for k in keys if keys.count(k) > 1})
            msg = f"{self.technique_id}: countermeasures listed twice: {repeated}"
            raise ValueError(msg)

    def by_tactic(self) -> dict[Tactic, tuple[Countermeasure, ...]]:
        """Return the countermeasures of each tactic that has any, in D3FEND's order."""
        return {
            tactic: found
            for tactic in Tactic
            if (found := tuple(c for c in self.countermeasures if c.tactic is tactic))
        }

    def counts(self) -> dict[str, dict[str, int]]:
        """Return how many countermeasures each tactic, stance and provenance has."""
        provenance: Counter[str] = Counter()
        for item in self.countermeasures:
            provenance.update(str(p) for p in item.provenance)
        return {
            "tactic": {str(t): len(c) for t, c in self.by_tactic().items()},
            "stance": dict(Counter(str(c.stance) for c in self.countermeasures)),
            "provenance": {str(p): provenance[str(p)] for p in Provenance if provenance[str(p)]},
        }

    def only(self, tactics: Iterable[Tactic]) -> CountermeasureReport:
        """Return the report cut down to ``tactics``; an empty cut says what the others hold.

        An empty ``tactics`` keeps every countermeasure.
        """
        wanted = tuple(t for t in Tactic if t in set(tactics))
        if not wanted:
            return self
        kept = tuple(c for c in self.countermeasures if c.tactic in wanted)
        reason = self.empty_reason
        if not kept and self.countermeasures:
            names = ", ".join(str(t) for t in wanted)
            present = ", ".join(f"{t} ({len(c)})" for t, c in self.by_tactic().items())
            reason = (
                f"none of the {len(self.countermeasures)} countermeasures of "
                f"{self.technique_id} is in {names}; they are in: {present}"
            )
        return replace(self, countermeasures=kept, empty_reason=reason, tactics=wanted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "technique": {"id": self.technique_id, "class": self.technique, "label": self.label},
            "modelled": self.modelled,
            "include_narrower": self.include_narrower,
            "tactics": [str(t) for t in self.tactics],
            "relations": [r.to_dict() for r in self.relations],
            "targets": [t.to_dict() for t in self.targets],
            "counts": self.counts(),
            "countermeasures": [c.to_dict() for c in self.countermeasures],
            "empty_reason": self.empty_reason,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CountermeasureReport:
        """Return the report ``to_dict`` wrote, such as a saved ``--format json`` answer."""
        return cls(
            technique_id=data["technique"]["id"],
            technique=data["technique"]["class"],
            label=data["technique"]["label"],
            modelled=data["modelled"],
            relations=tuple(OffensiveRelation.from_dict(r) for r in data["relations"]),
            targets=tuple(Target.from_dict(t) for t in data["targets"]),
            countermeasures=tuple(Countermeasure.from_dict(c) for c in data["countermeasures"]),
            empty_reason=data["empty_reason"],
            notes=tuple(data["notes"]),
            include_narrower=data["include_narrower"],
            tactics=tuple(Tactic(t) for t in data["tactics"]),
        )
