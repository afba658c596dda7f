"""Draft event models of ATT&CK techniques that have no curated model, from D3FEND's axioms.

A draft is built by the same builder as a curated model and marked ``drafted``; its notes say
which D3FEND axioms and which table rows it came from, so a curator can check each step. A
technique D3FEND deprecates, or links to no artifact OCSF can observe, gets no invented model:
``NoModelError`` says why in one line.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from d3fgraph.d3fend_lookup import find_technique
from d3fgraph.drafting.artifact_check import check_artifact_map
from d3fgraph.drafting.artifact_map import ArtifactMap, load_artifact_map
from d3fgraph.drafting.invariance_defaults import InvarianceDefaults, load_invariance_defaults
from d3fgraph.drafting.links import D3fendIndex, LinkOrigin
from d3fgraph.drafting.plan import DraftPlan, Unseen, plan_draft
from d3fgraph.drafting.resolve import LinkResolution, Resolver
from d3fgraph.drafting.spec import draft_spec
from d3fgraph.errors import NoModelError
from d3fgraph.model.build import build_event_model
from d3fgraph.sources.releases import D3FEND
from d3fgraph.techniques import parse_technique_id

if TYPE_CHECKING:
    from pyoxigraph import Store

    from d3fgraph.loaders.ocsf_model import OcsfSchema
    from d3fgraph.model.event_model import EventModel

__all__ = ["Drafter"]

logger = logging.getLogger(__name__)


class Drafter:
    """Drafts the event models of techniques from D3FEND and the project's two tables."""

    def __init__(
        self,
        store: Store,
        ocsf: OcsfSchema,
        index: D3fendIndex,
        table: ArtifactMap,
        defaults: InvarianceDefaults,
    ) -> None:
        self.store = store
        self.ocsf = ocsf
        self.index = index
        self.table = table
        self.defaults = defaults
        self.resolver = Resolver(table, index, ocsf)

    @classmethod
    def load(
        cls,
        store: Store,
        ocsf: OcsfSchema,
        *,
        artifact_map: Path | None = None,
        invariance_defaults: Path | None = None,
    ) -> Drafter:
        """Index D3FEND, read both tables (the shipped ones by default) and check them.

        Raises:
            MappingFileError: A table does not follow its format or names something the
                loaded D3FEND ontology or OCSF schema lacks; the message gives file:line:col.
        """
        index = D3fendIndex.load(store)
        table = load_artifact_map(artifact_map)
        defaults = load_invariance_defaults(invariance_defaults)
        defaults.check(ocsf)
        check_artifact_map(table, index, ocsf, defaults)
        logger.debug(
            "Checked %d artifact rows and %d defaults", len(table.artifacts), len(defaults.rows)
        )
        return cls(store, ocsf, index, table, defaults)

    def plan(self, technique_id: str) -> DraftPlan | Unseen:
        """Return what the draft of ``technique_id`` is made of, or why it has none.

        Raises:
            InvalidTechniqueIdError: The id is malformed.
            UnknownTechniqueError: D3FEND does not know the technique.
        """
        technique_id = parse_technique_id(technique_id)
        if technique_id not in self.index.techniques:
            find_technique(self.store, technique_id)
        return plan_draft(technique_id, self.index, self.resolver)

    def draft(self, technique_id: str) -> EventModel:
        """Return the drafted event model of ``technique_id``.

        Raises:
            InvalidTechniqueIdError: The id is malformed.
            UnknownTechniqueError: D3FEND does not know the technique.
            NoModelError: The technique is deprecated or OCSF observes none of its artifacts.
            ModelFileError: The draft fails a check a model file would fail; the message
                names the table row it came from.
        """
        plan = self.plan(technique_id)
        if isinstance(plan, Unseen):
            raise NoModelError(plan.technique.id, plan.reason)

        spec = draft_spec(plan, self.index, self.ocsf, self.defaults)
        model = build_event_model(spec, self.store, self.ocsf)
        return replace(model, notes=(*self._notes(plan), *model.notes))

    def _notes(self, plan: DraftPlan) -> list[str]:
        technique = plan.technique
        notes = [
            f"Drafted, not curated: built from D3FEND {D3FEND.version} axioms through "
            f"{self.table.origin} and {self.defaults.origin}; check it before relying on it."
        ]
        if plan.origin is LinkOrigin.PARENT:
            notes.append(
                f"{technique.id} has no artifact axioms of its own; the draft uses those of its "
                f"parent {technique.parent}."
            )
        elif plan.origin is LinkOrigin.SUB_TECHNIQUES:
            subs = ", ".join(sorted({r.link.technique for r, _ in plan.used}))
            notes.append(
                f"{technique.id} has no artifact axioms of its own; the draft uses those of its "
                f"sub-techniques {subs}, in the OCSF class most of them are observed in."
            )

        for resolution, row in plan.used:
            via = ""
            if resolution.via != resolution.link.artifact:
                via = f" (the row of its ancestor {resolution.via})"
            notes.append(
                f"D3FEND axiom {resolution.link.axiom}: table row {row.label} at "
                f"{row.location}{via}."
            )
        primary = plan.primary
        prop = primary.link.d3fend_property
        notes.append(f"Activity {primary.activity} for {prop}: {primary.activity_reason}.")
        notes.extend(self._elsewhere(r) for r in plan.elsewhere)
        notes.append(
            "Countermeasures are left to the join of D3FEND's defensive techniques on the "
            "model's artifacts (d3fgraph.countermeasures)."
        )
        return notes

    def _elsewhere(self, resolution: LinkResolution) -> str:
        row = resolution.row
        if row is None:
            return (
                f"Not drafted: D3FEND axiom {resolution.link.axiom} has no OCSF row, so no "
                "event shows it."
            )
        caption = self.ocsf.classes[row.event_class].caption
        return (
            f"Not in this event: D3FEND axiom {resolution.link.axiom} shows in OCSF "
            f"{caption} / {resolution.activity} (row at {row.location})."
        )
