"""Choose what a technique's draft is made of, or say in one line why it cannot have one.

A draft shows one OCSF event. Among the links a technique may use (its own, else its parent's,
else its sub-techniques'), the one whose table row comes first decides the event class and
activity; every other link observed in the same class adds its entity and relation, and the
rest are named in the draft's notes. For a parent drawing on its sub-techniques, the class most
of them are observed in wins first, as it represents the parent best.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from d3fgraph.drafting.links import LinkOrigin
from d3fgraph.sources.releases import D3FEND

if TYPE_CHECKING:
    from d3fgraph.drafting.artifact_map import ArtifactRow
    from d3fgraph.drafting.links import ArtifactLink, AttackTechnique, D3fendIndex
    from d3fgraph.drafting.resolve import LinkResolution, Resolver

__all__ = ["DraftPlan", "Unseen", "UnseenReason", "plan_draft"]

#: Rank of a link whose property has no row: after every property that has one.
_NO_PROPERTY_ROW = 10_000


@dataclass(frozen=True, slots=True)
class DraftPlan:
    """The links a draft is made of, the deciding one first, and the links left out."""

    technique: AttackTechnique
    origin: LinkOrigin
    used: tuple[tuple[LinkResolution, ArtifactRow], ...]
    elsewhere: tuple[LinkResolution, ...]

    @property
    def row(self) -> ArtifactRow:
        """The row that decides the event class and activity."""
        return self.used[0][1]

    @property
    def primary(self) -> LinkResolution:
        """The link whose row decides the event class and activity."""
        return self.used[0][0]


class UnseenReason(StrEnum):
    """Why a technique gets no draft, as coverage reports group them."""

    DEPRECATED = "deprecated"
    NO_ARTIFACT_LINK = "no artifact link"
    NO_OCSF_ROW = "artifact with no OCSF row"


@dataclass(frozen=True, slots=True)
class Unseen:
    """A technique without a draft: the kind of reason and its one-line explanation."""

    technique: AttackTechnique
    kind: UnseenReason
    reason: str
    links: tuple[ArtifactLink, ...] = ()


def plan_draft(technique_id: str, index: D3fendIndex, resolver: Resolver) -> DraftPlan | Unseen:
    """Return the plan of a technique's draft, or why it has none.

    Raises:
        KeyError: D3FEND holds no technique with this id.
    """
    technique = index.techniques[technique_id]
    if technique.deprecated:
        successor = ", ".join(technique.successors) or "none named in D3FEND"
        reason = f"it is deprecated in ATT&CK (successor: {successor})"
        return Unseen(technique, UnseenReason.DEPRECATED, reason)

    origin, links = index.artifact_links(technique_id)
    if origin is None:
        reason = (
            f"D3FEND {D3FEND.version} links neither it, its parent nor its sub-techniques to a "
            "digital artifact, so there is nothing to draft a model from"
        )
        return Unseen(technique, UnseenReason.NO_ARTIFACT_LINK, reason)

    resolved = [resolver.resolve(link) for link in links]
    seen = [(r, r.row) for r in resolved if r.row is not None]
    if not seen:
        named = ", ".join(sorted({f"{r.link.d3fend_property} {r.link.artifact}" for r in resolved}))
        whose = {
            LinkOrigin.OWN: "its",
            LinkOrigin.PARENT: "its parent's",
            LinkOrigin.SUB_TECHNIQUES: "its sub-techniques'",
        }[origin]
        reason = (
            f"OCSF observes none of {whose} artifact links ({named}): neither the artifacts "
            f"nor their ancestors have a row in {resolver.table.origin}"
        )
        return Unseen(technique, UnseenReason.NO_OCSF_ROW, reason, links)

    voters = {(r.link.technique, row.event_class) for r, row in seen}
    support = Counter(event_class for _, event_class in voters)
    seen.sort(key=lambda pair: _rank(pair[0], pair[1], support))
    event_class = seen[0][1].event_class
    used = tuple(pair for pair in seen if pair[1].event_class == event_class)
    taken = {id(r) for r, _ in used}
    elsewhere = tuple(r for r in resolved if id(r) not in taken)
    return DraftPlan(technique, origin, used, elsewhere)


def _rank(
    resolution: LinkResolution, row: ArtifactRow, support: Counter[str]
) -> tuple[int, int, int, int, str, str]:
    prop_rank = resolution.property_row.index if resolution.property_row else _NO_PROPERTY_ROW
    return (
        -support[row.event_class],
        row.index,
        resolution.distance,
        prop_rank,
        resolution.link.artifact,
        resolution.link.d3fend_property,
    )
