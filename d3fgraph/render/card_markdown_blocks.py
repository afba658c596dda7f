"""The building blocks of the Markdown card: escaped text, code spans, links and tables.

Every text from a model or a mapping file goes through ``text`` or ``code``, so a ``|`` in a
rationale cannot split a table cell and a ``*`` cannot start emphasis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from d3fgraph.card.views import VARIANT_TITLES, countermeasure_lines, source_label
from d3fgraph.detection.rule_model import ValueMatch

if TYPE_CHECKING:
    from d3fgraph.card import Correction, RuleEntry, StanceSection

__all__ = [
    "bullets",
    "code",
    "condition",
    "corrections",
    "countermeasure_groups",
    "guidance",
    "link",
    "score_tables",
    "table",
    "text",
]

_SPECIAL: Final = re.compile(r"([\\`*\[\]<|~])")
# An underscore inside a word starts no emphasis in GitHub-flavoured Markdown, so
# injection_type_id stays readable; one at a word's edge is escaped.
_EDGE_UNDERSCORE: Final = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY: Final = re.compile(r"&(?=#?\w+;)")
_BLOCK_START: Final = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+](?=\s))")
_ORDERED_START: Final = re.compile(r"^(\d+)([.)])(?=\s|$)")


def text(value: object) -> str:
    """Return ``value`` as Markdown text that renders literally, on one line."""
    escaped = _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    escaped = _EDGE_UNDERSCORE.sub(r"\\_", escaped)
    escaped = _ENTITY.sub(r"\\&", escaped)
    escaped = _BLOCK_START.sub(r"\\\1", escaped)
    return _ORDERED_START.sub(r"\1\\\2", escaped)


def code(value: object) -> str:
    """Return ``value`` as an inline code span that is also safe inside a table cell."""
    content = " ".join(str(value).split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def link(label: str | None, url: str) -> str:
    """Return a link to ``url``, labelled ``label`` or the URL's last segment.

    A local path, such as a recording's, is written as text: it would not resolve for readers.
    """
    if not url.startswith(("https://", "http://")):
        return text(label or url)
    target = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{text(label or source_label(url))}]({target})"


def bullets(items: Iterable[str]) -> str:
    """Return a bullet list of already-escaped items."""
    return "\n".join(f"- {item}" for item in items)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return a table of already-escaped cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def guidance(value: str | None) -> list[str]:
    """Return the model's guidance as a paragraph, or nothing."""
    return [f"**Guidance.** {text(value)}"] if value else []


def corrections(found: Sequence[Correction]) -> list[str]:
    """Return each correction to the reference card as a quote block."""
    return [
        f"> **Correction to the reference card.** It {text(c.claim)}; {text(c.finding)}."
        for c in found
    ]


def condition(field: str, values: Sequence[int | str], match: str = "equals") -> str:
    """Return a rule condition as ``field = value``, ``field in a, b`` or ``field contains a``."""
    words = ValueMatch(match).words
    if len(values) == 1:
        return f"{code(field)} {words} {code(values[0])}"
    listed = ", ".join(code(v) for v in values)
    return f"{code(field)} {'in' if match == ValueMatch.EQUALS else words + ' one of'} {listed}"


def countermeasure_groups(section: StanceSection, level: int) -> list[str]:
    """Return a table per tactic of the section, under headings of ``level``."""
    if not section.groups:
        return [text(f"No countermeasure: {section.empty_reason}.")]
    blocks = []
    for group in section.groups:
        rows = [
            [
                text(f"{line.label} ({line.d3fend_id})"),
                ", ".join(code(t) for t in line.targets),
                f"{code(line.property)} {code(line.acts_on)}",
                text(", ".join(line.provenance)),
                text(line.why),
            ]
            for line in countermeasure_lines(group.items)
        ]
        header = ["countermeasure", "acts on", "relation", "provenance", "why"]
        blocks += [f"{'#' * level} {text(group.tactic)}", table(header, rows)]
    return blocks


def score_tables(rules: Sequence[RuleEntry]) -> list[str]:
    """Return the scores of all variants, then each written rule's score condition by condition."""
    rows = []
    for rule in rules:
        name = text(VARIANT_TITLES[rule.variant])
        if rule.score is None:
            rows.append([name, "", "cannot be written", ""])
            continue
        weakest = ", ".join(code(p) for p in rule.score.weakest)
        rows.append([name, text(rule.source_name or ""), f"**{rule.score.label}**", weakest])
    blocks = [
        "### Robustness (Summiting the Pyramid)",
        table(["rule", "telemetry", "score", "weakest field"], rows),
    ]
    for rule in rules:
        if rule.score is None:
            continue
        score = rule.score
        lines = [
            [
                str(c.level) if c.level is not None else "-",
                condition(c.rule_field, c.values, c.match),
                code(c.ocsf_path),
                "log source" if c.implied else "detection",
                text(c.reason),
            ]
            for c in score.conditions
        ]
        lead = (
            f"Analytic level {score.level}, event robustness {score.layer} ({score.layer_name}). "
            "Conditions are AND-ed, so the rule scores as its weakest field."
        )
        header = ["level", "condition", "OCSF field", "stated in", "reason"]
        title = f"#### {text(VARIANT_TITLES[rule.variant])}: {score.label}"
        blocks += [title, lead, table(header, lines)]
    return blocks
