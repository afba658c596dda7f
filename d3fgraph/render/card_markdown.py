"""Render a technique card as GitHub-flavoured Markdown, with the diagram as a mermaid block.

GitHub and Jupyter draw a ```mermaid block, so the Markdown card shows the same diagram as the
HTML one. Texts are escaped by ``d3fgraph.render.card_markdown_blocks``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from d3fgraph.card.views import VARIANT_TITLES
from d3fgraph.card.wording import values_text
from d3fgraph.render.card_markdown_blocks import (
    bullets,
    code,
    corrections,
    countermeasure_groups,
    guidance,
    link,
    score_tables,
    table,
    text,
)

if TYPE_CHECKING:
    from d3fgraph.card import (
        CountermeasureRef,
        DetectSection,
        Fallback,
        RuleEntry,
        StanceSection,
        TechniqueCard,
    )

__all__ = ["render_card_markdown"]


def render_card_markdown(card: TechniqueCard) -> str:
    """Return the card as Markdown, ending with a newline."""
    blocks = [
        *_header(card),
        *_detect(card),
        *_stance(card, card.mitigate, "Mitigate"),
        *_stance(card, card.respond, "Respond"),
        *_event(card),
        *_entities(card),
        *_rules(card),
    ]
    return "\n\n".join(blocks) + "\n"


def _header(card: TechniqueCard) -> list[str]:
    versions = " · ".join(f"{name.upper()} {version}" for name, version in card.versions)
    facts = [f"{card.status.capitalize()} event model", versions]
    if card.technique.d3fend_label:
        facts.append(f"D3FEND label: {card.technique.d3fend_label}")
    if card.technique.parent:
        facts.append(f"sub-technique of {card.technique.parent}")
    blocks = [
        f"# {text(card.title)}",
        f"**{text(card.primitive.summary)}**: {text(card.primitive.description)}",
        text(" · ".join(facts)),
    ]
    if card.notes:
        blocks.append(bullets(f"Model note: {text(note)}" for note in card.notes))
    return blocks


def _detect(card: TechniqueCard) -> list[str]:
    detect = card.detect
    blocks = ["## Detect", bullets(text(s) for s in detect.summary)]
    blocks += guidance(detect.guidance)
    blocks += corrections(card.corrections_in("detect"))
    blocks += _coverage(card, detect)
    blocks += _alternatives(detect, card.event.class_caption)
    blocks += _fallback(detect)
    blocks += score_tables(card.rules)
    if detect.evidence:
        rows = [
            [
                text(VARIANT_TITLES[e.variant]),
                link(e.dataset, e.source),
                str(e.events),
                str(e.matched),
                text(e.note),
            ]
            for e in detect.evidence
        ]
        header = ["rule", "recorded telemetry", "events", "matched", "note"]
        blocks += ["### Evidence on recorded telemetry", table(header, rows)]
        verdicts = {x.dataset: x.verdict for x in detect.evidence if x.verdict}
        if verdicts:
            blocks.append(bullets(f"{text(name)}: {text(v)}" for name, v in verdicts.items()))
    blocks += ["### Detective countermeasures", *countermeasure_groups(detect.countermeasures, 4)]
    return blocks


def _coverage(card: TechniqueCard, detect: DetectSection) -> list[str]:
    rows = []
    for f in detect.fields:
        native = "yes" if f.native else "needs " + ", ".join(code(r) for r in f.requires)
        value = "" if f.value is None else code(f.value)
        entity = "" if f.entity is None else code(f.entity)
        in_rule = "yes" if f.in_rule else "no"
        rows.append([code(f.path), entity, text(f.invariance), value, native, in_rule])
    header = ["field", "entity", "invariance", "value", "native", "in the definitional rule"]
    title = f"### The model's fields in OCSF {text(card.event.class_caption)}"
    return [title, table(header, rows)] if rows else []


def _alternatives(detect: DetectSection, caption: str) -> list[str]:
    if not detect.native_alternatives and not detect.artifact_attributes:
        return []
    blocks = [f"### What OCSF {text(caption)} offers natively"]
    if detect.native_alternatives:
        rows = [
            [
                code(a.path),
                code(a.replaces) if a.replaces else "",
                text(values_text(a.values, a.captions)),
                text(a.rationale),
                link(None, a.source),
            ]
            for a in detect.native_alternatives
        ]
        header = ["attribute", "in place of", "values", "why", "source"]
        blocks.append(table(header, rows))
    if detect.artifact_attributes:
        rows = [
            [
                code(a.path),
                text(f"{a.object_caption}: {a.description}"),
                code(a.artifact),
                ", ".join(code(p) for p in a.properties),
                text(a.basis),
            ]
            for a in detect.artifact_attributes
        ]
        header = ["attribute", "OCSF object", "stands for", "D3FEND relation", "basis"]
        blocks.append(table(header, rows))
    return blocks


def _fallback(detect: DetectSection) -> list[str]:
    fallback: Fallback | None = detect.fallback
    if fallback is None:
        return ["### Fallback telemetry", text(f"None is known: {detect.fallback_reason}.")]
    implied = ", ".join(f"{code(path)} = {code(value)}" for path, value in fallback.implies)
    about = (
        f"{text(fallback.note)} Sigma category {code(fallback.sigma_category)}; telemetry "
        f"layer {fallback.layer} by {link('Summiting the Pyramid', fallback.layer_source)}; "
        f"{link('event documentation', fallback.source)}. Every event of this id has "
        f"{implied}."
    )
    rows = [
        [
            code(r.sysmon),
            code(r.ocsf),
            code(r.entity) if r.entity else "",
            text(f"{r.meaning}. {r.note}".strip()),
            link(None, r.source),
        ]
        for r in fallback.fields
    ]
    header = ["Sysmon field", "OCSF path", "entity", "meaning", "source"]
    title = f"### Fallback telemetry: Sysmon Event ID {fallback.event_id} ({text(fallback.name)})"
    return [title, about, table(header, rows)]


def _stance(card: TechniqueCard, section: StanceSection, title: str) -> list[str]:
    blocks = [f"## {title}"]
    if section.consequence:
        blocks.append(bullets(text(s) for s in section.consequence))
    blocks += guidance(section.guidance)
    blocks += corrections(card.corrections_in(section.stance))
    return blocks + countermeasure_groups(section, 3)


def _event(card: TechniqueCard) -> list[str]:
    event = card.event
    facts = bullets(
        [
            f"Event class: {text(event.class_caption)} ({code(event.class_name)}), "
            f"{code('class_uid')} {event.class_uid}, category {text(event.category)}",
            f"Activity: {code('activity_id')} {event.activity_id}, "
            f"{code('activity_name')} {text(event.activity_caption)}",
            f"{code('type_uid')} {event.type_uid}",
        ]
    )
    diagram = "```mermaid\n" + event.diagram.rstrip("\n") + "\n```"
    return ["## OCSF event model", facts, *corrections(card.corrections_in("event")), diagram]


def _entities(card: TechniqueCard) -> list[str]:
    rows = []
    for row in card.entities:
        who = f"**{text(row.name)}** {code(row.ocsf_path)}" if row.ocsf_path else text(row.name)
        parts = [who]
        if row.d3fend_class:
            parts.append(code(row.d3fend_class))
        if row.role:
            parts.append(text(row.role))
        if not row.native:
            parts.append("needs " + ", ".join(code(r) for r in row.requires))
        parts += [f"names {code(t.term)}" for t in row.terms]
        counters = _entity_countermeasures(row.countermeasures)
        fields = row.fields or ()
        if not fields:
            rows.append([" · ".join(parts), "", "", "", counters])
        for index, field in enumerate(fields):
            rationale = text(field.rationale)
            first = index == 0
            rows.append(
                [
                    " · ".join(parts) if first else "",
                    code(field.path),
                    text(field.invariance),
                    rationale,
                    counters if first else "",
                ]
            )
    header = ["entity · D3FEND class", "field", "invariance", "rationale", "countermeasures"]
    return ["## Entities", table(header, rows), *corrections(card.corrections_in("entities"))]


def _entity_countermeasures(refs: Iterable[CountermeasureRef]) -> str:
    by_tactic: dict[str, list[str]] = {}
    for ref in refs:
        provenance = [p for p in ref.provenance if p != "official"]
        shown = code(ref.technique) + (f" ({', '.join(provenance)})" if provenance else "")
        by_tactic.setdefault(ref.tactic, []).append(shown)
    return "<br>".join(f"{text(t)}: {', '.join(items)}" for t, items in by_tactic.items())


def _rules(card: TechniqueCard) -> list[str]:
    first, *others = card.rules
    blocks = ["## Definitional Sigma rule", *_rule(first)]
    blocks += corrections(card.corrections_in("sigma"))
    for rule in others:
        blocks += [f"### {text(VARIANT_TITLES[rule.variant])} rule", *_rule(rule)]
    return blocks


def _rule(rule: RuleEntry) -> list[str]:
    if rule.sigma is None or rule.score is None:
        return [text(f"This rule cannot be written: {rule.reason}.")]
    lead = f"**{rule.score.label}** on {text(rule.source_name or '')}. {text(rule.summary or '')}"
    return [lead, "```yaml\n" + rule.sigma.rstrip("\n") + "\n```"]
