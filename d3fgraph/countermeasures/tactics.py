"""D3FEND's seven defensive tactics, grouped by the question a responder asks of a technique.

A detection engineer whose alert fired wants to know what to do now (respond) and what would
have stopped it (mitigate); D3FEND answers with tactics, so each tactic belongs to one stance.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from pyoxigraph import NamedNode

from d3fgraph.errors import D3fgraphError
from d3fgraph.namespaces import D3F

__all__ = ["InvalidTacticError", "Stance", "Tactic", "parse_tactics", "tactic_from_iri"]


class Stance(StrEnum):
    """Why a defender would reach for a tactic, in the order a report lists them."""

    #: What would have stopped the technique: harden, and model what there is to harden.
    MITIGATE = "mitigate"
    #: How to see it happen; deception belongs here, since a decoy reveals who touches it.
    DETECT = "detect"
    #: What to do once it happened: isolate, evict, restore.
    RESPOND = "respond"

    @property
    def tactics(self) -> tuple[Tactic, ...]:
        """The tactics of this stance, in D3FEND's order."""
        return tuple(tactic for tactic in Tactic if tactic.stance is self)


class Tactic(StrEnum):
    """A D3FEND defensive tactic, named and ordered as D3FEND's matrix shows them."""

    MODEL = "Model"
    HARDEN = "Harden"
    DETECT = "Detect"
    ISOLATE = "Isolate"
    DECEIVE = "Deceive"
    EVICT = "Evict"
    RESTORE = "Restore"

    @property
    def stance(self) -> Stance:
        """The stance this tactic serves."""
        return _STANCES[self]

    @property
    def iri(self) -> NamedNode:
        """The tactic's class in D3FEND, such as ``d3f:Evict``."""
        return D3F.term(self.value)

    @property
    def rank(self) -> int:
        """The tactic's position in D3FEND's order, for sorting."""
        return list(Tactic).index(self)


_STANCES: Final[dict[Tactic, Stance]] = {
    Tactic.MODEL: Stance.MITIGATE,
    Tactic.HARDEN: Stance.MITIGATE,
    Tactic.DETECT: Stance.DETECT,
    Tactic.DECEIVE: Stance.DETECT,
    Tactic.ISOLATE: Stance.RESPOND,
    Tactic.EVICT: Stance.RESPOND,
    Tactic.RESTORE: Stance.RESPOND,
}


class InvalidTacticError(D3fgraphError, ValueError):
    """A tactic or stance name that is neither one of D3FEND's tactics nor a stance."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.allowed = (*(t.value for t in Tactic), *(s.value for s in Stance))
        msg = (
            f"Unknown tactic {name!r}; use a D3FEND tactic ({', '.join(t.value for t in Tactic)}) "
            f"or a stance that stands for its tactics ({', '.join(s.value for s in Stance)})"
        )
        super().__init__(msg)


def tactic_from_iri(node: NamedNode) -> Tactic | None:
    """Return the tactic whose D3FEND class is ``node``, or ``None`` for any other class."""
    if node not in D3F:
        return None
    local = D3F.local_name(node)
    return next((tactic for tactic in Tactic if tactic.value == local), None)


def parse_tactics(names: Iterable[str]) -> tuple[Tactic, ...]:
    """Return the tactics that ``names`` ask for, in D3FEND's order and without repeats.

    Case does not matter, and a stance stands for all its tactics, so ``respond`` is
    ``Isolate``, ``Evict`` and ``Restore``. ``detect`` names both a tactic and a stance; the
    tactic wins, as a user who types it rarely means decoys too (ask for ``Deceive`` by name).

    Raises:
        InvalidTacticError: A name is neither a tactic nor a stance.
    """
    wanted: set[Tactic] = set()
    for name in names:
        key = name.strip().lower()
        tactic = next((t for t in Tactic if t.value.lower() == key), None)
        stance = next((s for s in Stance if s.value == key), None)
        if tactic is not None:
            wanted.add(tactic)
        elif stance is not None:
            wanted.update(stance.tactics)
        else:
            raise InvalidTacticError(name)
    return tuple(tactic for tactic in Tactic if tactic in wanted)
