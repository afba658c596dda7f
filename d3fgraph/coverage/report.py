"""How much of ATT&CK d3fgraph can model in OCSF: every technique D3FEND holds, one row each.

A current technique is curated (a shipped model file), drafted (from D3FEND's axioms), or not
seen at all, for one of two reasons: D3FEND links it to no artifact, or OCSF observes none of
the artifacts it is linked to. Deprecated techniques are listed with their successors.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from d3fgraph.coverage.records import (
    CoverageReport,
    CoverageStatus,
    CoverageTotals,
    Robustness,
    TechniqueCoverage,
)
from d3fgraph.drafting import LinkOrigin, Unseen, UnseenReason
from d3fgraph.errors import NoModelError
from d3fgraph.model.vocab import ModelStatus
from d3fgraph.sources.releases import D3FEND

if TYPE_CHECKING:
    from d3fgraph.detection import SysmonMapping
    from d3fgraph.drafting import AttackTechnique, D3fendIndex, DraftPlan
    from d3fgraph.knowledge import KnowledgeGraph
    from d3fgraph.loaders.ocsf_model import OcsfSchema
    from d3fgraph.model.event_model import EventModel

__all__ = ["build_coverage"]

logger = logging.getLogger(__name__)

_UNSEEN_STATUS = {
    UnseenReason.NO_ARTIFACT_LINK: CoverageStatus.NO_ARTIFACT_LINK,
    UnseenReason.NO_OCSF_ROW: CoverageStatus.NO_OCSF_ROW,
    UnseenReason.DEPRECATED: CoverageStatus.DEPRECATED,
}


def build_coverage(
    knowledge: KnowledgeGraph, *, countermeasures: bool = True, workers: int | None = None
) -> CoverageReport:
    """Return the coverage of every ATT&CK technique in D3FEND by the graph's models.

    Args:
        knowledge: The loaded graph; its curated models and its drafter give the models.
        countermeasures: Count each modelled technique's countermeasures through the D3FEND
            join, the slowest column (a few queries per technique).
        workers: Threads for the countermeasure join; by default one per CPU, at most eight.

    Raises:
        ModelFileError: A curated model or a draft fails its checks.
        MappingFileError: A shipped table is broken.
    """
    from d3fgraph.detection import load_sysmon_mapping

    drafter = knowledge.drafter
    mapping = load_sysmon_mapping()
    rows: list[TechniqueCoverage] = []
    models: dict[str, EventModel] = {}
    for technique in sorted(drafter.index.techniques.values(), key=lambda t: t.id):
        plan = drafter.plan(technique.id)
        if isinstance(plan, Unseen) and plan.kind is UnseenReason.DEPRECATED:
            rows.append(_deprecated(technique, plan.reason))
            continue
        try:
            model = knowledge.model(technique.id)
        except NoModelError as exc:
            if not isinstance(plan, Unseen):
                raise
            rows.append(_unseen(technique, plan, exc.reason))
            continue
        models[technique.id] = model
        rows.append(_modelled(technique, plan, model, mapping, knowledge.ocsf))

    left_out = []
    if countermeasures:
        counts = _count_countermeasures(knowledge, models, workers)
        rows = [
            replace(row, countermeasures=counts[row.id]) if row.id in counts else row
            for row in rows
        ]
    else:
        left_out.append(
            "countermeasures: not counted (countermeasures=False, --no-countermeasures)"
        )

    return CoverageReport(
        d3fend_version=D3FEND.version,
        ocsf_version=knowledge.ocsf.version,
        techniques=tuple(rows),
        totals=_totals(rows, drafter.index),
        left_out=tuple(left_out),
    )


def _deprecated(technique: AttackTechnique, reason: str) -> TechniqueCoverage:
    return TechniqueCoverage(
        id=technique.id,
        name=technique.label,
        status=CoverageStatus.DEPRECATED,
        successors=technique.successors,
        reason=reason,
    )


def _unseen(technique: AttackTechnique, plan: Unseen, reason: str) -> TechniqueCoverage:
    return TechniqueCoverage(
        id=technique.id, name=technique.label, status=_UNSEEN_STATUS[plan.kind], reason=reason
    )


def _modelled(
    technique: AttackTechnique,
    plan: DraftPlan | Unseen,
    model: EventModel,
    mapping: SysmonMapping,
    ocsf: OcsfSchema,
) -> TechniqueCoverage:
    curated = model.status is ModelStatus.CURATED
    status = CoverageStatus.CURATED if curated else CoverageStatus.DRAFTED
    others: list[str] = []
    origin: LinkOrigin | None = None
    if not isinstance(plan, Unseen):
        # Classes the technique's other D3FEND links show in, beside the model's own.
        origin = plan.origin
        seen = [r.row for r, _ in plan.used] + [r.row for r in plan.elsewhere]
        others = [row.event_class for row in seen if row is not None]
    classes = dict.fromkeys(
        ocsf.classes[name].caption for name in others if name != model.event.class_name
    )
    return TechniqueCoverage(
        id=technique.id,
        name=model.technique.name,
        status=status,
        link_origin=str(origin) if origin else None,
        event_class=model.event.class_caption,
        class_uid=model.event.class_uid,
        activity=model.event.activity_caption,
        other_classes=tuple(classes),
        native_fields=tuple(f.path for f in model.fields if f.native),
        non_native_fields=tuple((f.path, f.requires) for f in model.fields if not f.native),
        robustness=_best_robustness(model, mapping),
    )


_EVENT_ONLY = frozenset({"class_uid", "activity_id", "type_uid", "category_uid"})


def _best_robustness(model: EventModel, mapping: SysmonMapping) -> Robustness | None:
    from d3fgraph.detection import SigmaVariant, UnsupportedRuleError, build_rule
    from d3fgraph.scoring import score_any

    scored = {}
    for variant in SigmaVariant:
        try:
            rule = build_rule(model, variant, mapping)
        except (UnsupportedRuleError, ValueError) as exc:
            # A variant the mapping cannot express (a Sysmon rule whose every condition the
            # log source implies, for one) has no score; the other variants still count.
            logger.debug("No %s rule for %s: %s", variant, model.technique.id, exc)
            continue
        # A rule on the event class and activity alone matches every such event, whatever
        # technique caused it; its level would say how robust the event is, not the analytic,
        # so it does not count towards the technique's best score.
        if all(c.rule_field in _EVENT_ONLY for c in rule.conditions if not c.implied):
            logger.debug("The %s rule of %s tests the event alone", variant, model.technique.id)
            continue
        scored[variant] = rule.score
    if not scored:
        return None
    best = score_any(list(scored.values()))
    variant = next(v for v, score in scored.items() if score is best)
    return Robustness(best.label, int(best.level), str(variant))


def _count_countermeasures(
    knowledge: KnowledgeGraph, models: dict[str, EventModel], workers: int | None
) -> dict[str, int]:
    from d3fgraph.countermeasures import find_countermeasures

    def count(technique_id: str) -> tuple[str, int]:
        report = find_countermeasures(knowledge.store, technique_id, models[technique_id])
        return technique_id, len(report.countermeasures)

    # Oxigraph answers queries without holding the interpreter lock, so threads overlap them.
    threads = workers or min(8, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return dict(pool.map(count, sorted(models)))


def _totals(rows: list[TechniqueCoverage], index: D3fendIndex) -> CoverageTotals:
    status = Counter(row.status for row in rows)
    current = [row for row in rows if row.status is not CoverageStatus.DEPRECATED]
    linked = sum(1 for row in current if index.artifact_links(row.id)[0] is not None)
    return CoverageTotals(
        techniques=len(rows),
        deprecated=status[CoverageStatus.DEPRECATED],
        current=len(current),
        linked=linked,
        unlinked=len(current) - linked,
        modelled=status[CoverageStatus.CURATED] + status[CoverageStatus.DRAFTED],
        curated=status[CoverageStatus.CURATED],
        drafted=status[CoverageStatus.DRAFTED],
        no_artifact_link=status[CoverageStatus.NO_ARTIFACT_LINK],
        no_ocsf_row=status[CoverageStatus.NO_OCSF_ROW],
    )
