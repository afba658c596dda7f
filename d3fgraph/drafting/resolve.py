"""Find the OCSF observation of one D3FEND link: the artifact row, the activity and the role.

An artifact without a row of its own uses the row of its nearest ancestor; a property without a
row uses its nearest super-property's. Both walks are breadth first over D3FEND's hierarchies,
and ties between equally near candidates go to the row that comes first in the table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from d3fgraph.model.vocab import Role

if TYPE_CHECKING:
    from d3fgraph.drafting.artifact_map import ArtifactMap, ArtifactRow, PropertyRow
    from d3fgraph.drafting.links import ArtifactLink, D3fendIndex
    from d3fgraph.loaders.ocsf_model import OcsfSchema

__all__ = ["LinkResolution", "Resolver"]

#: Role of the artifact when no property row covers the property: acted upon, not taken over.
_DEFAULT_ROLE = Role.VICTIM


@dataclass(frozen=True, slots=True)
class LinkResolution:
    """How one D3FEND link shows in OCSF, or that it does not (``row`` is None)."""

    link: ArtifactLink
    row: ArtifactRow | None
    via: str | None = None
    distance: int = 0
    activity: str | None = None
    activity_reason: str = ""
    property_row: PropertyRow | None = None
    role: Role = _DEFAULT_ROLE

    @property
    def seen(self) -> bool:
        """Whether a row of the table observes this link."""
        return self.row is not None


class Resolver:
    """Resolves links against the table, remembering each answer."""

    def __init__(self, table: ArtifactMap, index: D3fendIndex, ocsf: OcsfSchema) -> None:
        self.table = table
        self.index = index
        self.ocsf = ocsf
        self._known: dict[tuple[str, str], LinkResolution] = {}

    def resolve(self, link: ArtifactLink) -> LinkResolution:
        """Return the row, activity and role that observe ``link``."""
        key = (link.d3fend_property, link.artifact)
        if key not in self._known:
            self._known[key] = self._resolve(link)
        known = self._known[key]
        return known if known.link == link else replace(known, link=link)

    def _resolve(self, link: ArtifactLink) -> LinkResolution:
        found = self.find_row(link.d3fend_property, link.artifact)
        property_row = self.find_property_row(link.d3fend_property)
        role = property_row.role if property_row else _DEFAULT_ROLE
        if found is None:
            return LinkResolution(link, None, property_row=property_row, role=role)

        row, via, distance = found
        activity, reason = self._activity(row, link.d3fend_property, property_row)
        return LinkResolution(
            link=link,
            row=row,
            via=via,
            distance=distance,
            activity=activity,
            activity_reason=reason,
            property_row=property_row,
            role=role,
        )

    def find_row(self, prop: str, artifact: str) -> tuple[ArtifactRow, str, int] | None:
        """Return the nearest row for ``artifact`` that applies to ``prop``, with where it is."""
        best: tuple[int, int, ArtifactRow, str] | None = None
        for ancestor, distance in self.index.ancestors(artifact):
            if best is not None and distance > best[0]:
                break
            for row in self.table.rows_of(ancestor):
                if self._applies(row, prop) and (best is None or row.index < best[1]):
                    best = (distance, row.index, row, ancestor)
        if best is None:
            return None
        return best[2], best[3], best[0]

    def find_property_row(self, prop: str) -> PropertyRow | None:
        """Return the row of ``prop`` or of its nearest super-property."""
        for name, _ in self.index.property_ancestors(prop):
            row = self.table.property_row(name)
            if row is not None:
                return row
        return None

    def _applies(self, row: ArtifactRow, prop: str) -> bool:
        if not row.when:
            return True
        return any(name in row.when for name, _ in self.index.property_ancestors(prop))

    def _activity(
        self, row: ArtifactRow, prop: str, property_row: PropertyRow | None
    ) -> tuple[str, str]:
        captions = {
            c.casefold(): c for c in self.ocsf.event_class(row.event_class).activities.values()
        }
        for name, _ in self.index.property_ancestors(prop):
            if name in row.activities:
                return row.activities[name], f"the row's own activity for {name}"

        if property_row is not None:
            for caption in property_row.activities:
                if caption.casefold() in captions:
                    named = ", ".join(property_row.properties)
                    return captions[caption.casefold()], f"the first activity of the {named} row"
        return row.activity, "the row's default, as no property row names an activity of the class"
