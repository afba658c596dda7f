"""The index page and the summary of a render-all run; each returns text and does no I/O."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from d3fgraph.detection import SigmaVariant
from d3fgraph.render_all.records import (
    DIAGRAM_FILE,
    SUMMARY_FILE,
    CardFormat,
    Outcome,
    RenderAllReport,
    TechniqueResult,
    card_file,
    sigma_file,
)

__all__ = ["render_index", "render_summary"]


def render_summary(report: RenderAllReport) -> str:
    """Return the report as indented JSON, ending with a newline."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_index(report: RenderAllReport) -> str:
    """Return a Markdown page linking every technique's files, with why the others have none.

    Modelled techniques are listed with their status and best robustness score, failed ones
    with what failed; the others with the reason they are not modelled, or their successor.
    """
    counts = report.counts()
    modelled = [t for t in report.techniques if t.coverage.modelled]
    unseen = report.of(Outcome.NOT_MODELLED)
    deprecated = report.of(Outcome.DEPRECATED)
    lines = [
        "# ATT&CK techniques rendered by d3fgraph",
        "",
        (
            f"D3FEND {report.d3fend_version}, OCSF {report.ocsf_version}. "
            f"{len(modelled)} techniques modelled: {counts['written']} rendered, "
            f"{counts['failed']} failed. {len(unseen)} not modelled; {len(deprecated)} "
            f"deprecated. [{SUMMARY_FILE}]({SUMMARY_FILE}) lists every file written and every "
            "failure."
        ),
        "",
        (
            "Best score is the Summiting the Pyramid robustness of the technique's strongest "
            "rule that tests more than the event class and activity; *none* means every rule "
            "of the model tests only those, so it defines the technique but cannot alert on "
            "it until the model names a field value."
        ),
    ]

    failed = report.of(Outcome.FAILED)
    if failed:
        lines += ["", "## Failed", ""]
        lines += [
            f"- {t.id} {failure.artefact}: {_cell(failure.message)}"
            for t in failed
            for failure in t.failures
        ]

    lines += _table(
        "Modelled",
        ("Technique", "Name", "Status", "Best score", "Diagram", "Sigma rules", "Card"),
        (_modelled_row(t) for t in modelled),
    )
    lines += _table(
        "Not modelled",
        ("Technique", "Name", "Why not"),
        ((t.id, _cell(t.coverage.name), _cell(_reason(t))) for t in unseen),
    )
    lines += _table(
        "Deprecated",
        ("Technique", "Name", "Successor"),
        (
            (t.id, _cell(t.coverage.name), ", ".join(t.coverage.successors) or "none named")
            for t in deprecated
        ),
    )
    return "\n".join(lines) + "\n"


def _table(title: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    body = [f"| {' | '.join(cells)} |" for cells in rows]
    if not body:
        return []
    return [
        "",
        f"## {title}",
        "",
        f"| {' | '.join(header)} |",
        f"|{'|'.join(' --- ' for _ in header)}|",
        *body,
    ]


def _modelled_row(result: TechniqueResult) -> tuple[str, ...]:
    row = result.coverage
    status = str(row.status)
    if result.outcome is Outcome.FAILED:
        status += ", **failed**: " + ", ".join(f.artefact for f in result.failures)
    score = (
        "none" if row.robustness is None else f"{row.robustness.label} ({row.robustness.variant})"
    )
    rules = [
        _link(result, sigma_file(variant), str(variant))
        for variant in SigmaVariant
        if _written(result, sigma_file(variant))
    ]
    cards = [
        _link(result, card_file(kind), card_file(kind).rpartition(".")[2])
        for kind in CardFormat
        if _written(result, card_file(kind))
    ]
    markdown = card_file(CardFormat.MARKDOWN)
    technique = _link(result, markdown, result.id) if _written(result, markdown) else result.id
    diagram = [_link(result, DIAGRAM_FILE, "mmd")] if _written(result, DIAGRAM_FILE) else []
    return (
        technique,
        _cell(row.name),
        status,
        score,
        ", ".join(diagram),
        ", ".join(rules),
        ", ".join(cards),
    )


def _written(result: TechniqueResult, *names: str) -> list[str]:
    """Return those of ``names`` written into the technique's folder, in the order given."""
    return [name for name in names if f"{result.id}/{name}" in result.files]


def _link(result: TechniqueResult, name: str, text: str) -> str:
    return f"[{text}]({result.id}/{name})"


def _reason(result: TechniqueResult) -> str:
    return f"{result.coverage.status}: {result.coverage.reason or 'no reason given'}"


def _cell(text: str) -> str:
    """Keep text inside one table cell: no line breaks, no column bars, no raw HTML."""
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;")
