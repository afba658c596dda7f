"""Render a countermeasure report as a text table, JSON or Markdown, grouped by stance.

The stances put the responder's two questions first: what to do now (respond) and what would
have stopped it (mitigate); the tactics inside each keep D3FEND's order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Final

from d3fgraph.countermeasures.report import Countermeasure, CountermeasureReport
from d3fgraph.countermeasures.tactics import Stance

__all__ = [
    "RENDERERS",
    "render_countermeasures_json",
    "render_countermeasures_markdown",
    "render_countermeasures_table",
]

_HEADERS: Final = ("TACTIC", "ID", "COUNTERMEASURE", "TARGET", "PROPERTY", "ACTS ON", "PROVENANCE")
_STANCE_TITLES: Final = {
    Stance.RESPOND: "Respond: what to do now",
    Stance.MITIGATE: "Mitigate: what would have stopped it",
    Stance.DETECT: "Detect: how to see it",
}
_STANCE_ORDER: Final = (Stance.RESPOND, Stance.MITIGATE, Stance.DETECT)


def render_countermeasures_json(report: CountermeasureReport) -> str:
    """Return the report as indented JSON, every countermeasure with its path."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_countermeasures_table(report: CountermeasureReport) -> str:
    """Return the report as aligned plain-text tables, one per stance that has any."""
    lines = [_title(report), _summary(report)]
    for stance, items in _by_stance(report):
        rows = [_HEADERS, *(_cells(item) for item in items)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADERS))]
        lines += ["", _STANCE_TITLES[stance].upper()]
        lines += [
            "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
    lines += [f"note: {note}" for note in _notes(report)]
    return "\n".join(lines) + "\n"


def render_countermeasures_markdown(report: CountermeasureReport) -> str:
    """Return the report as Markdown: a section per stance, a table per tactic, with reasons."""
    lines = [
        f"# Countermeasures for {report.technique_id}: {_md(report.label)}",
        "",
        _summary(report),
    ]
    for stance, items in _by_stance(report):
        lines += ["", f"## {_STANCE_TITLES[stance]}"]
        for tactic in stance.tactics:
            group = [item for item in items if item.tactic is tactic]
            if not group:
                continue
            lines += ["", f"### {tactic}", ""]
            lines += [
                "| D3FEND | Countermeasure | Target | Property | Acts on | Provenance | Why |",
                "|---|---|---|---|---|---|---|",
            ]
            lines += [_markdown_row(item) for item in group]
    notes = _notes(report)
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {_md(note)}" for note in notes]
    return "\n".join(lines) + "\n"


#: The renderer of each ``--format`` value.
RENDERERS: Final[dict[str, Callable[[CountermeasureReport], str]]] = {
    "table": render_countermeasures_table,
    "json": render_countermeasures_json,
    "markdown": render_countermeasures_markdown,
}


def _title(report: CountermeasureReport) -> str:
    return f"{report.technique_id}  {report.label} ({report.technique})"


def _summary(report: CountermeasureReport) -> str:
    if report.empty_reason is not None:
        return f"No countermeasures: {report.empty_reason}."
    provenance = ", ".join(f"{k} {v}" for k, v in report.counts()["provenance"].items())
    scope = f" in {', '.join(str(t) for t in report.tactics)}" if report.tactics else ""
    count = len(report.countermeasures)
    techniques = len({item.technique for item in report.countermeasures})
    links = "link" if count == 1 else "links"
    kinds = "defensive technique" if techniques == 1 else "defensive techniques"
    # A link may have two provenances (D3FEND asserts it and the model states it), so the
    # provenance counts can add up to more than the links.
    return (
        f"{count} countermeasure {links}{scope} to {techniques} {kinds}; "
        f"links by provenance: {provenance}."
    )


def _by_stance(report: CountermeasureReport) -> list[tuple[Stance, list[Countermeasure]]]:
    groups = []
    for stance in _STANCE_ORDER:
        items = [item for item in report.countermeasures if item.stance is stance]
        if items:
            groups.append((stance, items))
    return groups


def _cells(item: Countermeasure) -> tuple[str, ...]:
    return (
        str(item.tactic),
        item.d3fend_id,
        item.label,
        item.target.key,
        _local(item.property),
        item.acts_on + (" (only)" if item.narrower else ""),
        ", ".join(str(p) for p in item.provenance),
    )


def _markdown_row(item: Countermeasure) -> str:
    why = "; ".join(f"{t}" for t in item.path)
    if item.reason is not None:
        why = f"{item.reason} ({why})"
    acts_on = f"`{item.acts_on}`" + (" only" if item.narrower else "")
    cells = (
        item.d3fend_id,
        f"{item.label} (`{item.technique}`)",
        f"`{item.target.key}`",
        _local(item.property),
        acts_on,
        ", ".join(str(p) for p in item.provenance),
        why,
    )
    return "| " + " | ".join(_md(cell) for cell in cells) + " |"


def _notes(report: CountermeasureReport) -> list[str]:
    return list(report.notes)


def _local(curie: str) -> str:
    return curie.split(":", 1)[1] if curie.startswith("d3f:") else curie


def _md(text: str) -> str:
    """Keep a cell on one line and its pipes from ending it."""
    return " ".join(text.split()).replace("|", "\\|")
