"""The building blocks of the HTML card: escaped text, code, links, tables and badges.

Every text goes through ``e`` (``html.escape`` with quotes), so the only markup in a card is
the markup these functions write.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from d3fgraph.card.views import VARIANT_TITLES, countermeasure_lines, source_label
from d3fgraph.detection.rule_model import ValueMatch

if TYPE_CHECKING:
    from d3fgraph.card import RuleEntry, StanceSection, TechniqueCard

__all__ = [
    "badge",
    "code",
    "condition",
    "corrections",
    "countermeasure_groups",
    "e",
    "guidance",
    "link",
    "listing",
    "native",
    "score_blocks",
    "section",
    "table",
]


def e(value: object) -> str:
    """Return ``value`` as escaped HTML text, quotes included."""
    return html.escape(str(value), quote=True)


def code(value: object) -> str:
    """Return ``value`` as escaped inline code."""
    return f"<code>{e(value)}</code>"


def link(url: str, label: str | None = None) -> str:
    """Return a link to ``url``, labelled ``label`` or the URL's last segment.

    A local path, such as a recording's, is written as text: it would not resolve for readers.
    """
    if not url.startswith(("https://", "http://")):
        return e(label or url)
    return f'<a href="{e(url)}" rel="noreferrer">{e(label or source_label(url))}</a>'


def listing(items: Iterable[str]) -> str:
    """Return a bullet list of already-escaped items."""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def section(key: str, title: str, body: Iterable[str], *, anchor: str | None = None) -> str:
    """Return a card section as an open ``details`` element titled by an ``h2``."""
    where = f' id="{e(anchor)}"' if anchor else ""
    return (
        f'<details open class="section {e(key)}"{where}><summary><h2>{e(title)}</h2></summary>'
        + "\n".join(body)
        + "</details>"
    )


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return a table of already-escaped cells under a plain-text header."""
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="table"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def badge(rule: RuleEntry) -> str:
    """Return a rule's score as a badge coloured by its level."""
    if rule.score is None:
        return f'<span class="badge none" title="{e(rule.variant)}: cannot be written">–</span>'
    label = rule.score.label
    return (
        f'<span class="badge level-{rule.score.level}" title="{e(rule.variant)}: {e(label)}">'
        f"{e(label)}</span>"
    )


def corrections(card: TechniqueCard, section: str) -> str:
    """Return the corrections to the reference card that belong in ``section``."""
    return "".join(
        '<aside class="correction"><strong>Correction to the reference card.</strong> '
        f"It {e(c.claim)}; {e(c.finding)}.</aside>"
        for c in card.corrections_in(section)
    )


def guidance(text: str | None) -> str:
    """Return the model's guidance as a paragraph, or nothing."""
    return f'<p class="guidance"><strong>Guidance.</strong> {e(text)}</p>' if text else ""


def native(is_native: bool, requires: Sequence[str]) -> str:
    """Return whether an attribute is native, or what it needs."""
    if is_native:
        return '<span class="ok">native</span>'
    return '<span class="warn">needs ' + ", ".join(code(r) for r in requires) + "</span>"


def condition(field: str, values: Sequence[int | str], match: str = "equals") -> str:
    """Return a rule condition as ``field = value``, ``field in a, b`` or ``field contains a``."""
    shown = ", ".join(code(v) for v in values)
    words = e(ValueMatch(match).words)
    if len(values) > 1:
        words = "in" if match == ValueMatch.EQUALS else f"{words} one of"
    return f"{code(field)} {words} {shown}"


def countermeasure_groups(section: StanceSection) -> list[str]:
    """Return a heading and a table per tactic of the section, or why it is empty."""
    if not section.groups:
        return [f"<p>No countermeasure: {e(section.empty_reason)}.</p>"]
    body = []
    for group in section.groups:
        rows = []
        for line in countermeasure_lines(group.items):
            marks = " ".join(f'<span class="prov {e(p)}">{e(p)}</span>' for p in line.provenance)
            rows.append(
                [
                    f"{e(line.label)} <span class='muted'>{e(line.d3fend_id)}</span>",
                    " ".join(code(t) for t in line.targets),
                    f"{code(line.property)} {code(line.acts_on)}",
                    marks,
                    e(line.why),
                ]
            )
        body.append(f'<h4 class="tactic">{e(group.tactic)}</h4>')
        body.append(table(["countermeasure", "acts on", "relation", "provenance", "why"], rows))
    return body


def score_blocks(rules: Sequence[RuleEntry]) -> list[str]:
    """Return each variant's score with its conditions, or why the variant cannot be written."""
    body = ["<h3>Robustness (Summiting the Pyramid)</h3>"]
    for rule in rules:
        name = e(VARIANT_TITLES[rule.variant])
        if rule.score is None:
            body.append(f"<h4>{name}: cannot be written</h4><p>{e(rule.reason)}</p>")
            continue
        score = rule.score
        rows = [
            [
                str(c.level) if c.level is not None else "–",
                condition(c.rule_field, c.values, c.match),
                code(c.ocsf_path),
                "log source" if c.implied else "detection",
                e(c.reason),
            ]
            for c in score.conditions
        ]
        weakest = ", ".join(code(p) for p in score.weakest)
        body.append(
            f"<h4>{name} {badge(rule)} <span class='muted'>on {e(rule.source_name)}; "
            f"analytic level {score.level}, event robustness {e(score.layer)} "
            f"({e(score.layer_name)}); weakest field {weakest}</span></h4>"
        )
        body.append(table(["level", "condition", "OCSF field", "stated in", "reason"], rows))
    return body
