"""Join a technique to D3FEND's countermeasures through the artifacts it touches.

The join itself runs as saved SPARQL queries; this module assembles their rows: it picks the
provenance, builds the explaining path, merges what an analyst stated with what D3FEND says,
and keeps one countermeasure per reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, Store

from d3fgraph.countermeasures.evidence import Provenance, Target, TargetOrigin, Triple
from d3fgraph.countermeasures.hierarchy import Hierarchy
from d3fgraph.countermeasures.queries import run_saved_query
from d3fgraph.countermeasures.reasons import empty_reason
from d3fgraph.countermeasures.report import Countermeasure, CountermeasureReport
from d3fgraph.countermeasures.tactics import Tactic, tactic_from_iri
from d3fgraph.countermeasures.targets import build_targets, offensive_relations
from d3fgraph.countermeasures.terms import curie, iri
from d3fgraph.d3fend_lookup import find_technique
from d3fgraph.errors import InvalidD3fendClassError, NoModelError
from d3fgraph.model.event_model import CuratedCountermeasure, EventModel
from d3fgraph.model.vocab import ModelStatus
from d3fgraph.query import Row, term_text

if TYPE_CHECKING:
    from d3fgraph.knowledge import KnowledgeGraph

__all__ = ["countermeasures_of", "find_countermeasures"]

logger = logging.getLogger(__name__)

_SortKey = tuple[int, int, str, str, str]

#: Targets whose artifact class the model states; D3FEND's exact match on them is official.
_MODEL_ORIGINS = frozenset({TargetOrigin.ENTITY, TargetOrigin.PRIMITIVE, TargetOrigin.CURATED})


@dataclass(slots=True)
class _Join:
    """The state of one join: the hierarchy it fetched and what it found so far."""

    store: Store
    hierarchy: Hierarchy
    include_narrower: bool
    found: dict[tuple[str, str, str, str], Countermeasure] = field(default_factory=dict)
    narrower_left_out: set[tuple[str, str, str, str]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    rows_by_artifact: dict[str, list[Row]] = field(default_factory=dict)


def countermeasures_of(
    knowledge: KnowledgeGraph, technique_id: str, *, include_narrower: bool = False
) -> CountermeasureReport:
    """Return the countermeasures of a technique in the merged graph, with its model if any.

    A technique without an event model is answered from D3FEND's artifact relations alone,
    and the report's notes say so.

    Raises:
        InvalidTechniqueIdError: The id is not shaped like ``T1055`` or ``T1055.001``.
        UnknownTechniqueError: D3FEND does not know the technique.
    """
    try:
        model: EventModel | None = knowledge.model(technique_id)
    except NoModelError as exc:
        logger.info("No event model for %s: %s", technique_id, exc.reason)
        model = None
    return find_countermeasures(
        knowledge.store, technique_id, model, include_narrower=include_narrower
    )


def find_countermeasures(
    store: Store,
    technique_id: str,
    model: EventModel | None = None,
    *,
    include_narrower: bool = False,
) -> CountermeasureReport:
    """Return the D3FEND countermeasures of a technique, each with its provenance and path.

    Args:
        store: A store holding D3FEND; queries read the union of its graphs.
        technique_id: The ATT&CK id, such as ``T1055.001``.
        model: The technique's event model: its entities and primitive become targets and its
            curated countermeasures join D3FEND's. Without one, only the artifacts D3FEND
            relates the technique to are targets.
        include_narrower: Also offer countermeasures that act only on a class below a
            target's artifact (a mail server below ``d3f:Host``), marked as ``narrower``.

    Raises:
        InvalidTechniqueIdError: The id is not shaped like ``T1055`` or ``T1055.001``.
        UnknownTechniqueError: D3FEND does not know the technique.
        InvalidD3fendClassError: A curated countermeasure names no D3FEND defensive technique.
        ValueError: ``model`` describes another technique.
    """
    info = find_technique(store, technique_id)
    if model is not None and model.technique.id != info.id:
        msg = f"the model given describes {model.technique.id}, not {info.id}"
        raise ValueError(msg)

    join = _Join(store, Hierarchy(store), include_narrower)
    relations = offensive_relations(store, info.id)
    targets = build_targets(info.curie, relations, model, join.hierarchy)
    if model is not None and model.status is ModelStatus.DRAFTED:
        join.notes.append(
            f"the event model of {info.id} is a draft d3fgraph made from D3FEND, not one an "
            "analyst checked: its entities, and so the official matches on them, rest on the draft"
        )
    if model is None and targets:
        join.notes.append(
            f"d3fgraph has no event model of {info.id}: only the artifacts D3FEND relates it "
            "to were searched"
        )

    if not info.deprecated:
        for target in targets:
            _add_d3fend(join, target)
        if model is not None:
            for item in model.countermeasures:
                _add_curated(join, item, targets, model.technique.id)

    countermeasures = tuple(sorted(join.found.values(), key=_sort_key(targets)))
    if countermeasures and join.narrower_left_out and not include_narrower:
        join.notes.append(
            f"{len(join.narrower_left_out)} countermeasures that act only on a narrower kind of "
            "a target's artifact were left out; include them with --narrower "
            "(include_narrower=True)"
        )
    left_out = 0 if include_narrower else len(join.narrower_left_out)
    reason = None if countermeasures else empty_reason(info, targets, left_out)
    return CountermeasureReport(
        technique_id=info.id,
        technique=info.curie,
        label=info.label,
        modelled=model is not None,
        relations=relations,
        targets=targets,
        countermeasures=countermeasures,
        empty_reason=reason,
        notes=tuple(dict.fromkeys(join.notes)),
        include_narrower=include_narrower,
    )


def _add_d3fend(join: _Join, target: Target) -> None:
    if target.artifact not in join.rows_by_artifact:
        bindings = {"artifact": iri(target.artifact)}
        rows = run_saved_query(join.store, "artifact-countermeasures", bindings)
        # Run even when narrower ones are not wanted, so the report can say how many exist.
        rows += run_saved_query(join.store, "artifact-narrower-countermeasures", bindings)
        join.rows_by_artifact[target.artifact] = rows
    for row in join.rows_by_artifact[target.artifact]:
        link = term_text(row["link"])
        acts_on = curie(row["actsOn"])
        tactic = _tactic(row["tactic"])
        technique = curie(row["countermeasure"])
        narrower = link == "narrower"
        if tactic is None:
            join.notes.append(f"{technique} has no D3FEND tactic and was left out")
            continue
        if narrower and not join.include_narrower:
            join.narrower_left_out.add((technique, target.key, curie(row["property"]), acts_on))
            continue

        official = link == "exact" and target.origin in _MODEL_ORIGINS
        statement = Triple(technique, curie(row["property"]), acts_on)
        candidate = Countermeasure(
            technique=technique,
            d3fend_id=term_text(row["d3fendId"]),
            label=term_text(row["label"]) or technique,
            tactic=tactic,
            target=target,
            property=statement.predicate,
            acts_on=acts_on,
            provenance=(Provenance.OFFICIAL if official else Provenance.INFERRED,),
            path=(*target.lead, *_chain(join, target, acts_on, link), statement),
            narrower=narrower,
        )
        known = join.found.get(candidate.key)
        if known is None or _better(candidate, known):
            join.found[candidate.key] = candidate


def _chain(join: _Join, target: Target, acts_on: str, link: str) -> tuple[Triple, ...]:
    if link == "exact":
        return ()
    start, end = (target.artifact, acts_on) if link == "broader" else (acts_on, target.artifact)
    chain = join.hierarchy.chain(start, end, around=target.artifact)
    if chain is None:
        join.notes.append(
            f"{start} lies below {end} only through anonymous classes; the path shows the "
            "link as rdfs:subClassOf+"
        )
        return (Triple(start, "rdfs:subClassOf+", end),)
    return chain


def _better(candidate: Countermeasure, known: Countermeasure) -> bool:
    """Prefer D3FEND's own assertion, then the shortest path, then the first class by name."""
    rank = (candidate.provenance[0].rank, len(candidate.path), candidate.acts_on)
    return rank < (known.provenance[0].rank, len(known.path), known.acts_on)


def _add_curated(
    join: _Join, item: CuratedCountermeasure, targets: tuple[Target, ...], technique_id: str
) -> None:
    prop = item.property if item.property.startswith("d3f:") else f"d3f:{item.property}"
    if item.entity is not None:
        chosen = [t for t in targets if t.entity == item.entity]
    else:
        chosen = [t for t in targets if t.artifact == item.artifact]
    if not chosen:
        join.notes.append(
            f"{item.technique}, curated in the model, names no entity or artifact of it; left out"
        )
    for target in chosen:
        key = (item.technique, target.key, prop, "")
        known = join.found.get(key)
        if known is not None and Provenance.CURATED in known.provenance:
            continue
        if known is not None:
            provenance = (*known.provenance, Provenance.CURATED)
            join.found[key] = replace(known, provenance=provenance, reason=item.reason)
            continue
        described = _describe(join, item.technique, technique_id)
        if described is None:
            continue
        d3fend_id, label, tactic = described
        join.found[key] = Countermeasure(
            technique=item.technique,
            d3fend_id=d3fend_id,
            label=label,
            tactic=tactic,
            target=target,
            property=prop,
            acts_on=target.artifact,
            provenance=(Provenance.CURATED,),
            path=(Triple(item.technique, prop, target.node),),
            reason=item.reason,
        )


def _describe(join: _Join, technique: str, model_id: str) -> tuple[str, str, Tactic] | None:
    rows = run_saved_query(join.store, "defensive-technique", {"countermeasure": iri(technique)})
    if not rows:
        raise InvalidD3fendClassError(
            technique,
            f"is named as a countermeasure in the model of {model_id} but is not a "
            "D3FEND defensive technique",
        )
    row = rows[0]
    if term_text(row["deprecated"]).lower() in {"true", "1"}:
        join.notes.append(f"{technique}, curated in the model, is deprecated in D3FEND; left out")
        return None
    tactic = _tactic(row["tactic"])
    if tactic is None:
        join.notes.append(f"{technique}, curated in the model, has no D3FEND tactic; left out")
        return None
    return term_text(row["d3fendId"]), term_text(row["label"]) or technique, tactic


def _tactic(term: object) -> Tactic | None:
    return tactic_from_iri(term) if isinstance(term, NamedNode) else None


def _sort_key(targets: tuple[Target, ...]) -> Callable[[Countermeasure], _SortKey]:
    order = {target.key: index for index, target in enumerate(targets)}

    def key(item: Countermeasure) -> _SortKey:
        return (
            item.tactic.rank,
            order[item.target.key],
            item.technique,
            item.property,
            item.acts_on,
        )

    return key
