"""Render a technique card as one self-contained HTML page, or a fragment for a notebook.

The page draws the diagram with Mermaid, loaded from a pinned URL or inlined from a local file
(``MermaidScript``), and carries its dark stylesheet, whose colours are the diagram's. Every
text is escaped by ``d3fgraph.render.card_html_blocks``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from d3fgraph.card.views import VARIANT_TITLES
from d3fgraph.render.assets import MermaidScript, card_stylesheet
from d3fgraph.render.card_html_blocks import (
    badge,
    code,
    corrections,
    e,
    listing,
    native,
    section,
    table,
)
from d3fgraph.render.card_html_details import countermeasure_details, detect_details
from d3fgraph.render.card_html_overview import overview

if TYPE_CHECKING:
    from d3fgraph.card import CountermeasureRef, RuleEntry, TechniqueCard

__all__ = ["render_card_fragment", "render_card_html"]

_NON_ID: Final = re.compile(r"[^A-Za-z0-9_-]")
_SCRIPT_END: Final = re.compile(r"</(script)", re.IGNORECASE)
_SCRIPT_START: Final = re.compile(r"<script", re.IGNORECASE)

# Runs Mermaid on this card's diagram once the library is there: loaded by the page's own
# script element, or fetched here when a notebook shows the card as a fragment.
_RUNNER: Final = """(function () {
  var root = document.getElementById(%(id)s);
  function draw() {
    window.mermaid.initialize({startOnLoad: false, securityLevel: "strict", theme: "dark"});
    window.mermaid.run({nodes: root.querySelectorAll("pre.mermaid")});
  }
  if (window.mermaid) { draw(); return; }
  if (!%(src)s) { return; }
  var script = document.createElement("script");
  script.src = %(src)s;
  if (%(integrity)s) { script.integrity = %(integrity)s; script.crossOrigin = "anonymous"; }
  script.onload = draw;
  document.head.appendChild(script);
})();"""


def render_card_html(card: TechniqueCard, mermaid: MermaidScript | None = None) -> str:
    """Return the card as a complete HTML page, ending with a newline.

    Args:
        card: The card to render.
        mermaid: Where the page gets Mermaid; by default the pinned jsDelivr URL.
    """
    mermaid = mermaid or MermaidScript()
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{e(card.title)}</title>",
                f"<style>\n{card_stylesheet()}</style>",
                "</head>",
                '<body class="d3fg-page">',
                _body(card),
                _library(mermaid),
                f"<script>\n{_runner(card, mermaid)}\n</script>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def render_card_fragment(card: TechniqueCard, mermaid: MermaidScript | None = None) -> str:
    """Return the card as one ``div`` with its style and script, for Jupyter's ``text/html``."""
    mermaid = mermaid or MermaidScript()
    parts = [f"<style>\n{card_stylesheet()}</style>", _body(card)]
    if mermaid.inline is not None:
        parts.append(_library(mermaid))
    parts.append(f"<script>\n{_runner(card, mermaid)}\n</script>")
    return "\n".join(parts) + "\n"


def _card_id(card: TechniqueCard) -> str:
    return "d3fg-card-" + _NON_ID.sub("-", card.technique.id)


def _library(mermaid: MermaidScript) -> str:
    if mermaid.inline is None:
        integrity = ""
        if mermaid.integrity:
            integrity = f' integrity="{e(mermaid.integrity)}" crossorigin="anonymous"'
        return f'<script src="{e(mermaid.src)}"{integrity}></script>'
    # A "<script" inside an inline script can keep the element open past its end tag, which no
    # escape in the JavaScript fixes; such a bundle goes in as a data URL instead.
    if _SCRIPT_START.search(mermaid.inline):
        encoded = base64.b64encode(mermaid.inline.encode("utf-8")).decode("ascii")
        return f'<script src="data:text/javascript;base64,{encoded}"></script>'
    return "<script>\n" + _SCRIPT_END.sub(r"<\\/\1", mermaid.inline) + "\n</script>"


def _runner(card: TechniqueCard, mermaid: MermaidScript) -> str:
    values = {
        "id": json.dumps(_card_id(card)),
        "src": json.dumps(mermaid.src or ""),
        "integrity": json.dumps(mermaid.integrity or ""),
    }
    return _RUNNER % {k: v.replace("</", "<\\/") for k, v in values.items()}


def _body(card: TechniqueCard) -> str:
    return "\n".join(
        [
            f'<article class="d3fg-card" id="{e(_card_id(card))}">',
            _header(card),
            overview(card),
            _event(card),
            _entities(card),
            _rules(card),
            detect_details(card),
            countermeasure_details(card),
            "</article>",
        ]
    )


def _header(card: TechniqueCard) -> str:
    chips = [f'<span class="chip status-{e(card.status)}">{e(card.status)} model</span>']
    chips += [f'<span class="chip">{e(n.upper())} {e(v)}</span>' for n, v in card.versions]
    if card.technique.d3fend_label:
        chips.append(f'<span class="chip">D3FEND: {e(card.technique.d3fend_label)}</span>')
    if card.technique.parent:
        chips.append(f'<span class="chip">sub-technique of {e(card.technique.parent)}</span>')
    notes = listing(e(n) for n in card.notes) if card.notes else ""
    return (
        f"<header><h1>{e(card.technique.name)} "
        f'<span class="tid">ATT&amp;CK {e(card.technique.id)}</span></h1>'
        f'<p class="primitive"><span class="chip primitive-chip">{e(card.primitive.summary)}</span>'
        f" {e(card.primitive.description)}</p>"
        f'<p class="chips">{"".join(chips)}</p>{notes}</header>'
    )


def _event(card: TechniqueCard) -> str:
    ev = card.event
    facts = (
        f'<p class="chips"><span class="chip">{e(ev.class_caption)} · class_uid {ev.class_uid}'
        f'</span><span class="chip">activity_id {ev.activity_id} · {e(ev.activity_caption)}</span>'
        f'<span class="chip">type_uid {ev.type_uid}</span>'
        f'<span class="chip">{e(ev.category)}</span></p>'
    )
    diagram = f'<div class="diagram"><pre class="mermaid">{e(ev.diagram)}</pre></div>'
    body = [facts, corrections(card, "event"), diagram]
    return section("event", "OCSF event model", body)


def _entities(card: TechniqueCard) -> str:
    rows = []
    for row in card.entities:
        role = f'<span class="role {e(row.role)}">{e(row.role)}</span>' if row.role else ""
        who = f"<strong>{e(row.name)}</strong> {code(row.ocsf_path) if row.ocsf_path else ''}"
        parts = [who, code(row.d3fend_class) if row.d3fend_class else "", role]
        if not row.native:
            parts.append(native(False, row.requires))
        parts += [f"names {code(t.term)}" for t in row.terms]
        fields = "".join(
            f"<div class='field'>{code(f.path)} <span class='inv {e(f.invariance)}'>"
            f"{e(f.invariance)}</span><br><span class='muted'>{e(f.rationale)}</span></div>"
            for f in row.fields
        )
        rows.append(["<br>".join(p for p in parts if p), fields, _chips(row.countermeasures)])
    entities = table(["entity · D3FEND class", "fields", "countermeasures"], rows)
    return section("entities", "Entities", [entities, corrections(card, "entities")])


def _chips(refs: Iterable[CountermeasureRef]) -> str:
    chips = []
    for ref in refs:
        marks = "".join(f" {p}" for p in ref.provenance if p != "official")
        title = f"{ref.label} ({ref.d3fend_id}), {ref.tactic}, {', '.join(ref.provenance)}"
        chips.append(
            f'<span class="chip cm {e(ref.stance)}{e(marks)}" title="{e(title)}">'
            f"{e(ref.technique)}{e(marks)}</span>"
        )
    return " ".join(chips)


def _rules(card: TechniqueCard) -> str:
    first, *others = card.rules
    body = [*_rule(first), corrections(card, "sigma")]
    for rule in others:
        inner = "\n".join(_rule(rule))
        body.append(
            f"<details class='variant'><summary><h3>{e(VARIANT_TITLES[rule.variant])} rule "
            f"{badge(rule)}</h3></summary>{inner}</details>"
        )
    return section("sigma", "Definitional Sigma rule", body)


def _rule(rule: RuleEntry) -> list[str]:
    if rule.sigma is None or rule.score is None:
        return [f"<p>This rule cannot be written: {e(rule.reason)}.</p>"]
    lead = f"<p>{badge(rule)} on {e(rule.source_name)}. {e(rule.summary)}</p>"
    return [lead, f'<pre class="yaml"><code>{e(rule.sigma)}</code></pre>']
