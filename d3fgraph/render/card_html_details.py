"""The HTML card's details, after its rules: the tables behind Detect, Mitigate and Respond.

Detect's tables show OCSF coverage, native stand-ins, the Sysmon fallback with the source of
each mapping row, and each rule's score condition by condition; Mitigate's and Respond's list
every countermeasure with its relation, provenance and reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from d3fgraph.card.views import VARIANT_TITLES
from d3fgraph.card.wording import values_text
from d3fgraph.render.card_html_blocks import (
    code,
    corrections,
    countermeasure_groups,
    e,
    link,
    listing,
    native,
    score_blocks,
    section,
    table,
)

if TYPE_CHECKING:
    from d3fgraph.card import TechniqueCard

__all__ = ["countermeasure_details", "detect_details"]


def detect_details(card: TechniqueCard) -> str:
    """Return what Detect rests on: coverage, stand-ins, fallback, scores, countermeasures."""
    detect = card.detect
    body = [corrections(card, "detect")]
    coverage = [
        [
            code(f.path),
            code(f.entity) if f.entity else "",
            e(f.invariance),
            "" if f.value is None else code(f.value),
            native(f.native, f.requires),
            "yes" if f.in_rule else "no",
        ]
        for f in detect.fields
    ]
    if coverage:
        body.append(f"<h3>The model's fields in OCSF {e(card.event.class_caption)}</h3>")
        header = ["field", "entity", "invariance", "value", "native", "in the definitional rule"]
        body.append(table(header, coverage))
    if detect.native_alternatives or detect.artifact_attributes:
        body.append(f"<h3>What OCSF {e(card.event.class_caption)} offers natively</h3>")
        rows = [
            [
                code(a.path),
                code(a.replaces) if a.replaces else "",
                e(values_text(a.values, a.captions)),
                e(a.rationale),
                link(a.source),
            ]
            for a in detect.native_alternatives
        ]
        if rows:
            body.append(table(["attribute", "in place of", "values", "why", "source"], rows))
        rows = [
            [
                code(a.path),
                f"{e(a.object_caption)}: {e(a.description)}",
                code(a.artifact),
                " ".join(code(p) for p in a.properties),
                e(a.basis),
            ]
            for a in detect.artifact_attributes
        ]
        if rows:
            header = ["attribute", "OCSF object", "stands for", "D3FEND relation", "basis"]
            body.append(table(header, rows))
    body += _fallback(card)
    body += score_blocks(card.rules)
    if detect.evidence:
        rows = [
            [
                e(VARIANT_TITLES[x.variant]),
                link(x.source, x.dataset),
                str(x.events),
                str(x.matched),
                e(x.note),
            ]
            for x in detect.evidence
        ]
        body.append("<h3>Evidence on recorded telemetry</h3>")
        body.append(table(["rule", "recorded telemetry", "events", "matched", "note"], rows))
        verdicts = {x.dataset: x.verdict for x in detect.evidence if x.verdict}
        if verdicts:
            body.append(listing(f"{e(name)}: {e(v)}" for name, v in verdicts.items()))
    body += ["<h3>Detective countermeasures</h3>", *countermeasure_groups(detect.countermeasures)]
    return section("detect", "Detect in detail", body, anchor="details")


def _fallback(card: TechniqueCard) -> list[str]:
    fallback = card.detect.fallback
    if fallback is None:
        return [
            "<h3>Fallback telemetry</h3>",
            f"<p>None is known: {e(card.detect.fallback_reason)}.</p>",
        ]
    implied = ", ".join(f"{code(p)} = {code(v)}" for p, v in fallback.implies)
    about = (
        f"<p>{e(fallback.note)} Sigma category {code(fallback.sigma_category)}; telemetry layer "
        f"{e(fallback.layer)} by {link(fallback.layer_source, 'Summiting the Pyramid')}; "
        f"{link(fallback.source, 'event documentation')}. Every event of this id has "
        f"{implied}.</p>"
    )
    rows = [
        [
            code(r.sysmon),
            code(r.ocsf),
            code(r.entity) if r.entity else "",
            e(r.meaning) + (f'<br><span class="muted">{e(r.note)}</span>' if r.note else ""),
            link(r.source),
        ]
        for r in fallback.fields
    ]
    title = f"<h3>Fallback telemetry: Sysmon Event ID {fallback.event_id} ({e(fallback.name)})</h3>"
    header = ["Sysmon field", "OCSF path", "entity", "meaning", "source"]
    return [title, about, table(header, rows)]


def countermeasure_details(card: TechniqueCard) -> str:
    """Return every countermeasure that mitigates or responds, by tactic, with its reason."""
    body = []
    for stance, title in ((card.mitigate, "Mitigate"), (card.respond, "Respond")):
        body += [f"<h3>{title}</h3>", corrections(card, stance.stance)]
        body += countermeasure_groups(stance)
    return section("countermeasures", "Mitigate and respond in detail", body)
