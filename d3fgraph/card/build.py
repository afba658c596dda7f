"""Build a technique card from the knowledge graph: one call joins every part of d3fgraph.

The card takes the event model, the countermeasure report, the three Sigma rules with their
scores and the Sysmon mapping, and computes from them what each section shows. A model with
no Sysmon mapping or no rule for some variant still gets a card, which says what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from d3fgraph.card.content import Correction, PrimitiveView, TechniqueCard
from d3fgraph.card.detect import (
    artifact_attributes,
    choose_sysmon_event,
    fallback_of,
    field_coverage,
    native_alternatives,
)
from d3fgraph.card.reference import REFERENCE_CARDS, check_reference
from d3fgraph.card.rows import EntityField, EntityRow, EventSection, RuleEntry
from d3fgraph.card.sections import DetectSection
from d3fgraph.card.stances import entity_countermeasures, rule_score, stance_section
from d3fgraph.card.telemetry import Evidence, evidence_from_report
from d3fgraph.card.terms import terms_for
from d3fgraph.card.wording import consequence, detect_summary
from d3fgraph.countermeasures import find_countermeasures
from d3fgraph.detection import (
    DetectionRule,
    SigmaVariant,
    SysmonMapping,
    UnsupportedRuleError,
    build_rule,
    find_tactics,
    load_sysmon_mapping,
)
from d3fgraph.render.mermaid import render_mermaid
from d3fgraph.render.sigma import render_rule
from d3fgraph.sources.releases import D3FEND

if TYPE_CHECKING:
    from d3fgraph.countermeasures import CountermeasureReport
    from d3fgraph.evidence import EvidenceReport
    from d3fgraph.knowledge import KnowledgeGraph
    from d3fgraph.model.event_model import EventModel, ObservedField
    from d3fgraph.scoring import TelemetryLayer

__all__ = ["EVENT_ROW", "build_card"]

#: The id of the entity-table row that holds the fields belonging to no entity.
EVENT_ROW = "(event)"

logger = logging.getLogger(__name__)


def build_card(
    kg: KnowledgeGraph,
    model: EventModel,
    *,
    evidence: EvidenceReport | Sequence[Evidence] | None = None,
    mapping: SysmonMapping | None = None,
    layer: TelemetryLayer | str | None = None,
) -> TechniqueCard:
    """Return the technique card of ``model``, curated or drafted.

    Args:
        kg: The loaded knowledge graph the model was built on.
        model: The technique's event model.
        evidence: How the rules fared on recorded attacks, shown in Detect when given: the
            report of ``d3fgraph.evidence.collect_evidence``, or ``Evidence`` records.
        mapping: The Sysmon-to-OCSF mapping; by default the file shipped with d3fgraph.
        layer: The telemetry layer of the sensor, for every rule's score (see ``build_rule``).

    Raises:
        MappingFileError: A shipped mapping table is broken.
        UnknownTechniqueError: D3FEND does not know the model's technique.
    """
    if mapping is None:
        mapping = load_sysmon_mapping()
    technique_id = model.technique.id
    report = find_countermeasures(kg.store, technique_id, model)
    tactics = find_tactics(kg.store, technique_id)
    built = {v: _rule(model, v, mapping, layer) for v in SigmaVariant}
    rules = tuple(_entry(v, built[v], tactics) for v in SigmaVariant)
    logger.debug("Built the card rules of %s: %s", technique_id, [r.available for r in rules])

    if evidence is None:
        evidence = ()
    elif not isinstance(evidence, Sequence):
        evidence = evidence_from_report(evidence)
    detect = _detect(kg, model, mapping, report, built, rules, evidence)
    entities = _entities(kg, model, report)
    event_class = kg.ocsf.event_class(model.event.class_name)
    event = EventSection(
        class_name=event_class.name,
        class_caption=event_class.caption,
        class_uid=model.event.class_uid,
        category=kg.ocsf.categories[event_class.category].caption,
        activity_id=model.event.activity_id,
        activity_caption=model.event.activity_caption,
        type_uid=model.event.type_uid,
        diagram=render_mermaid(model),
    )

    reference = REFERENCE_CARDS.get(technique_id)
    corrections: tuple[Correction, ...] = ()
    if reference is not None:
        found = (detect.native_alternatives, detect.artifact_attributes)
        corrections = check_reference(reference, model, kg.ocsf, report, rules, found, entities)

    notes = list(model.notes)
    if not tactics:
        notes.append(
            f"D3FEND files {technique_id} under no ATT&CK tactic, so its Sigma rules carry only "
            "the technique tag"
        )
    primitive = model.primitive
    return TechniqueCard(
        technique=model.technique,
        status=str(model.status),
        title=f"{model.technique.name} (ATT&CK {technique_id})",
        primitive=PrimitiveView(
            summary=primitive.summary,
            actor=primitive.actor,
            action=primitive.action,
            target=primitive.target,
            description=" ".join(primitive.description.split()),
        ),
        detect=detect,
        mitigate=stance_section(report, "mitigate", model.guidance.get("mitigate")),
        respond=stance_section(
            report, "respond", model.guidance.get("respond"), consequence(model)
        ),
        event=event,
        entities=entities,
        rules=rules,
        corrections=corrections,
        notes=tuple(notes),
        versions=(("d3fend", D3FEND.version), ("ocsf", kg.ocsf.version)),
        reference=None if reference is None else reference.origin,
    )


def _rule(
    model: EventModel,
    variant: SigmaVariant,
    mapping: SysmonMapping,
    layer: TelemetryLayer | str | None,
) -> DetectionRule | str:
    """Return the rule, or why it cannot be written for this model."""
    try:
        return build_rule(model, variant, mapping, layer=layer)
    except UnsupportedRuleError as exc:
        return str(exc)
    except ValueError as exc:
        # The builder refuses a rule left with nothing to test or nothing to score; for the
        # card that is a variant that cannot be written, and the message says why.
        return str(exc)


def _entry(variant: SigmaVariant, rule: DetectionRule | str, tactics: tuple[str, ...]) -> RuleEntry:
    if isinstance(rule, str):
        return RuleEntry(str(variant), None, None, None, None, reason=rule)
    return RuleEntry(
        variant=str(variant),
        source_name=rule.source_name,
        score=rule_score(rule),
        summary=rule.summary,
        sigma=render_rule(rule, tactics),
    )


def _detect(
    kg: KnowledgeGraph,
    model: EventModel,
    mapping: SysmonMapping,
    report: CountermeasureReport,
    built: dict[SigmaVariant, DetectionRule | str],
    rules: tuple[RuleEntry, ...],
    evidence: Sequence[Evidence],
) -> DetectSection:
    detection = mapping.technique(model.technique.id)
    event_class = kg.ocsf.event_class(model.event.class_name)
    definitional = built[SigmaVariant.DEFINITIONAL]
    rule_paths = []
    if not isinstance(definitional, str):
        rule_paths = [c.field.path for c in definitional.conditions]
    coverage = field_coverage(model, rule_paths)
    alternatives = native_alternatives(detection, event_class, mapping)
    attributes = artifact_attributes(model, report.relations, kg.drafter, kg.ocsf)

    sysmon_event, reason = choose_sysmon_event(model, mapping, detection)
    fallback = None
    if sysmon_event is not None:
        paths = [a.path for a in alternatives] + [a.path for a in attributes]
        paths += [c.path for c in detection.sysmon_conditions]
        fallback = fallback_of(model, sysmon_event, mapping, paths)

    summary = detect_summary(model, coverage, alternatives, attributes, (fallback, reason), rules)
    return DetectSection(
        summary=summary,
        fields=coverage,
        native_alternatives=alternatives,
        artifact_attributes=attributes,
        fallback=fallback,
        fallback_reason=reason,
        countermeasures=stance_section(report, "detect", model.guidance.get("detect")),
        guidance=model.guidance.get("detect"),
        evidence=tuple(evidence),
    )


def _entities(
    kg: KnowledgeGraph, model: EventModel, report: CountermeasureReport
) -> tuple[EntityRow, ...]:
    rows = []
    for entity in model.entities:
        fields = model.fields_of(entity.id)
        rows.append(
            EntityRow(
                id=entity.id,
                name=entity.name,
                ocsf_path=entity.ocsf_path,
                d3fend_class=entity.d3fend_class,
                role=str(entity.role),
                native=entity.native,
                requires=entity.requires,
                fields=tuple(_entity_field(f) for f in fields),
                countermeasures=entity_countermeasures(report, entity.id),
                terms=terms_for(entity, fields, kg.drafter.index, kg.store),
            )
        )

    loose = tuple(f for f in model.fields if f.entity is None)
    if loose:
        rows.append(
            EntityRow(
                id=EVENT_ROW,
                name=f"{model.event.class_caption} event",
                ocsf_path="",
                d3fend_class=None,
                role=None,
                native=True,
                requires=(),
                fields=tuple(_entity_field(f) for f in loose),
                countermeasures=(),
            )
        )
    return tuple(rows)


def _entity_field(field: ObservedField) -> EntityField:
    return EntityField(
        path=field.path,
        invariance=str(field.invariance),
        rationale=" ".join(field.rationale.split()),
        value=field.value,
    )
