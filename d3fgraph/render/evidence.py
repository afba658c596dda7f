"""Write an evidence report as a terminal table or as the technique card's Evidence section.

Both show, per recording, each rule's score, the events it scanned, its matches and the reason
it fired or stayed silent, then the matching events and the verdict on the recording's
metadata. The Markdown uses the card's own escaping, so the card can embed it as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from d3fgraph.evidence.report import EvidenceReport, RecordingEvidence, RuleResult
from d3fgraph.render.card_markdown_blocks import code, table, text

__all__ = ["MATCHES_SHOWN", "render_evidence_markdown", "render_evidence_table"]

#: Matching events listed per rule; the JSON report lists them all.
MATCHES_SHOWN: Final = 10


def render_evidence_table(report: EvidenceReport) -> str:
    """Return the report as plain text for a terminal, ending with a newline."""
    lines = [
        f"Evidence for {report.technique} {report.technique_name}",
        f"Engine: {report.engine}",
    ]
    for recording in report.recordings:
        lines += ["", _heading(recording)]
        lines += _rule_rows(recording.results)
        lines += _match_lines(recording.results)
        if recording.verdict is not None:
            lines += ["", f"Verdict: {recording.verdict.outcome}. {recording.verdict.text}"]
        if recording.skipped:
            lines += ["", f"Warnings: {len(recording.skipped)} lines skipped"]
            lines += [f"  {line}" for line in recording.skipped[:MATCHES_SHOWN]]
            lines += _more(len(recording.skipped), "lines")
    return "\n".join(lines) + "\n"


def render_evidence_markdown(report: EvidenceReport, *, level: int = 2) -> str:
    """Return the report as a Markdown section headed at ``level``, ending with a newline.

    Args:
        report: What ``collect_evidence`` returned.
        level: The heading level of the section; recordings get the level below.

    Raises:
        ValueError: ``level`` is not between 1 and 5.
    """
    if not 1 <= level <= 5:
        msg = f"heading level {level} is outside 1 to 5; recordings need the level below it"
        raise ValueError(msg)
    mark = "#" * level
    blocks = [
        f"{mark} Evidence",
        text(
            f"The rules of {report.technique} run on recorded attacks with {report.engine}. "
            "The Sysmon rule sees the recorded Sysmon events; the OCSF rules see the OCSF "
            "events d3fgraph maps from them."
        ),
    ]
    for recording in report.recordings:
        blocks += [f"{mark}# {text(recording.recording)}", text(_counts(recording))]
        rows = [
            [
                text(r.variant),
                text(r.score or "-"),
                f"{r.events_scanned:,}",
                f"{r.matched:,}",
                text(r.reason),
            ]
            for r in recording.results
        ]
        header = ["rule", "score", "events scanned", "matches", "why"]
        blocks.append(table(header, rows))
        matches = _match_bullets(recording.results)
        if matches:
            blocks += ["Matching events:", "\n".join(matches)]
        if recording.verdict is not None:
            verdict = recording.verdict
            blocks.append(f"**Verdict: {text(verdict.outcome)}.** {text(verdict.text)}")
        if recording.skipped:
            shown = [f"- {code(line.location)}: {text(line.reason)}" for line in recording.skipped]
            blocks += [
                f"**Warning:** {len(recording.skipped)} lines held no event and were skipped:",
                "\n".join(shown[:MATCHES_SHOWN] + _more(len(shown), "lines")),
            ]
    return "\n\n".join(blocks) + "\n"


def _heading(recording: RecordingEvidence) -> str:
    return f"{recording.recording}: {_counts(recording)}"


def _counts(recording: RecordingEvidence) -> str:
    return (
        f"{recording.events_read:,} events read, {recording.sysmon_events:,} of them from "
        f"Sysmon, {recording.mapped_events:,} mapped to OCSF."
    )


def _rule_rows(results: Sequence[RuleResult]) -> list[str]:
    width = max(len(r.variant) for r in results)
    lines = [f"  {'RULE':<{width}}  SCORE  {'SCANNED':>8}  {'MATCHES':>7}"]
    for r in results:
        lines.append(
            f"  {r.variant:<{width}}  {r.score or '-':<5}  {r.events_scanned:>8,}  {r.matched:>7,}"
        )
        lines.append(f"  {'':<{width}}  {r.reason}")
    return lines


def _match_lines(results: Sequence[RuleResult]) -> list[str]:
    lines: list[str] = []
    for r in results:
        for m in r.matches[:MATCHES_SHOWN]:
            who = f"{m.actor or '?'} -> {m.target or '?'}"
            how = f", {m.detail}" if m.detail else ""
            lines.append(f"  {r.variant}: {m.time or 'no time'} {who}{how} [{m.location}]")
        lines += [f"  {line}" for line in _more(r.matched, f"{r.variant} matches")]
    return ["", "Matching events:", *lines] if lines else []


def _match_bullets(results: Sequence[RuleResult]) -> list[str]:
    bullets: list[str] = []
    for r in results:
        for m in r.matches[:MATCHES_SHOWN]:
            who = f"{code(m.actor or '?')} → {code(m.target or '?')}"
            how = f", {text(m.detail)}" if m.detail else ""
            when = text(m.time or "no time")
            bullets.append(f"- {text(r.variant)}, {when}: {who}{how} ({code(m.location)})")
        bullets += [f"- {line}" for line in _more(r.matched, f"{r.variant} matches")]
    return bullets


def _more(total: int, what: str) -> list[str]:
    extra = total - MATCHES_SHOWN
    return [f"... and {extra:,} more {what}; the JSON report lists them all"] if extra > 0 else []
