"""The HTML card's first view: Detect, Mitigate and Respond side by side, as the reference shows.

Each panel says what matters at a glance (what OCSF sees and the rules' scores, the controls,
what to do now) with the countermeasures as chips; the tables behind them follow the Sigma
rules, in ``d3fgraph.render.card_html_details``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from d3fgraph.card.views import VARIANT_TITLES, technique_chips
from d3fgraph.render.card_html_blocks import badge, e, guidance, listing

if TYPE_CHECKING:
    from d3fgraph.card import StanceSection, TechniqueCard

__all__ = ["overview"]


def overview(card: TechniqueCard) -> str:
    """Return the three panels, in the reference card's order."""
    scores = "".join(
        f'<span class="score">{e(VARIANT_TITLES[r.variant])} {badge(r)}</span>' for r in card.rules
    )
    found = sum(len(card.corrections_in(s)) for s in ("detect", "mitigate", "respond"))
    pointer = (
        f'<p class="muted">{found} correction{"s" if found != 1 else ""} to the reference card '
        'in <a href="#details">the details</a>.</p>'
        if found
        else ""
    )
    detect = [
        f'<div class="scores">{scores}</div>',
        listing(e(s) for s in card.detect.summary),
        guidance(card.detect.guidance),
        _chips(card.detect.countermeasures),
        pointer,
    ]
    respond = [listing(e(s) for s in card.respond.consequence)] if card.respond.consequence else []
    respond += [guidance(card.respond.guidance), _chips(card.respond)]
    mitigate = [guidance(card.mitigate.guidance), _chips(card.mitigate)]
    return (
        '<div class="overview">'
        + _panel("detect", "Detect", detect)
        + _panel("mitigate", "Mitigate", mitigate)
        + _panel("respond", "Respond", respond)
        + "</div>"
    )


def _panel(key: str, title: str, body: Iterable[str]) -> str:
    return f'<section class="panel {key}"><h2>{e(title)}</h2>{"".join(body)}</section>'


def _chips(section: StanceSection) -> str:
    if not section.groups:
        return f'<p class="muted">No countermeasure: {e(section.empty_reason)}.</p>'
    rows: dict[str, list[str]] = {}
    for chip in technique_chips(section.groups):
        marks = [p for p in chip.provenance if p != "official"]
        classes = " ".join(["chip", "cm", section.stance, *marks])
        title = (
            f"{chip.technique} ({chip.d3fend_id}), {', '.join(chip.provenance)}; "
            f"acts on {', '.join(chip.targets)}"
        )
        tag = "".join(f' <span class="mark">{e(m)}</span>' for m in marks)
        rows.setdefault(chip.tactic, []).append(
            f'<span class="{e(classes)}" title="{e(title)}">{e(chip.label)}{tag}</span>'
        )
    return "".join(
        f'<div class="tactic-row"><span class="tactic-name">{e(tactic)}</span>'
        f"{''.join(chips)}</div>"
        for tactic, chips in rows.items()
    )
