"""Turn the countermeasure report and the built rules into the card's records.

The report lists one countermeasure per target; the card keeps that, grouped by stance and
tactic in D3FEND's order, and gives each entity of the table the countermeasures acting on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from d3fgraph.card.rows import CountermeasureRef, RuleScore, ScoredCondition
from d3fgraph.card.sections import CountermeasureItem, StanceSection, TacticGroup
from d3fgraph.card.wording import LAYER_NAMES
from d3fgraph.countermeasures import (
    Countermeasure,
    CountermeasureReport,
    Provenance,
    Stance,
    Tactic,
)

if TYPE_CHECKING:
    from d3fgraph.detection import DetectionRule

__all__ = ["entity_countermeasures", "rule_score", "stance_section"]

#: The order of tactics in an entity's cell: what a responder does to the entity now (evict,
#: then isolate, then restore), what would have stopped the technique, what would show it.
_ENTITY_TACTICS: Final = (
    Tactic.EVICT,
    Tactic.ISOLATE,
    Tactic.RESTORE,
    Tactic.HARDEN,
    Tactic.MODEL,
    Tactic.DETECT,
    Tactic.DECEIVE,
)
_PROVENANCE_ORDER: Final = ("official", "inferred", "curated")


def item_of(countermeasure: Countermeasure) -> CountermeasureItem:
    """Return the card's record of one countermeasure of the report."""
    c = countermeasure
    return CountermeasureItem(
        technique=c.technique,
        d3fend_id=c.d3fend_id,
        label=c.label,
        tactic=str(c.tactic),
        stance=str(c.stance),
        target=c.target.key,
        target_artifact=c.target.artifact,
        entity=c.target.entity,
        property=c.property,
        acts_on=c.acts_on,
        provenance=tuple(str(p) for p in c.provenance),
        path=tuple((t.subject, t.predicate, t.object) for t in c.path),
        reason=None if c.reason is None else " ".join(c.reason.split()),
    )


def stance_section(
    report: CountermeasureReport,
    stance: str,
    guidance: str | None,
    consequence: tuple[str, ...] = (),
) -> StanceSection:
    """Return the countermeasures of one stance, by tactic, with the model's guidance."""
    wanted = Stance(stance)
    groups = tuple(
        TacticGroup(str(tactic), tuple(item_of(c) for c in found))
        for tactic, found in report.by_tactic().items()
        if tactic.stance is wanted
    )
    reason = None
    if not groups:
        names = ", ".join(str(t) for t in wanted.tactics)
        reason = report.empty_reason or (
            f"D3FEND offers no countermeasure of {names} for what {report.technique_id} touches"
        )
    return StanceSection(
        stance=str(wanted),
        groups=groups,
        guidance=None if guidance is None else " ".join(guidance.split()),
        consequence=consequence,
        empty_reason=reason,
    )


def entity_countermeasures(
    report: CountermeasureReport, entity_id: str
) -> tuple[CountermeasureRef, ...]:
    """Return each countermeasure acting on one entity once, in a responder's order.

    Tactics come as ``_ENTITY_TACTICS`` orders them, curated ones first within a tactic. A
    technique that acts on the entity by two properties is listed once, with the
    provenances of both.
    """
    found = [c for c in report.countermeasures if c.target.entity == entity_id]
    found.sort(
        key=lambda c: (_ENTITY_TACTICS.index(c.tactic), Provenance.CURATED not in c.provenance)
    )
    merged: dict[str, CountermeasureRef] = {}
    for c in found:
        known = merged.get(c.technique)
        provenance = {str(p) for p in c.provenance}
        if known is not None:
            provenance |= set(known.provenance)
        merged[c.technique] = CountermeasureRef(
            technique=c.technique,
            d3fend_id=c.d3fend_id,
            label=c.label,
            tactic=known.tactic if known else str(c.tactic),
            stance=known.stance if known else str(c.stance),
            provenance=tuple(p for p in _PROVENANCE_ORDER if p in provenance),
        )
    return tuple(merged.values())


def rule_score(rule: DetectionRule) -> RuleScore:
    """Return a built rule's score as the card records it, one entry per condition."""
    score = rule.score
    conditions = tuple(
        ScoredCondition(
            rule_field=condition.rule_field,
            ocsf_path=scored.path,
            values=condition.values,
            match=str(condition.match),
            implied=condition.implied,
            invariance=str(scored.invariance),
            level=None if scored.level is None else int(scored.level),
            reason=" ".join(scored.reason.split()),
        )
        for condition, scored in zip(rule.conditions, score.fields, strict=True)
    )
    return RuleScore(
        label=score.label,
        level=int(score.level),
        layer=str(score.layer),
        layer_name=LAYER_NAMES[str(score.layer)],
        conditions=conditions,
        weakest=tuple(f.path for f in score.weakest),
    )
