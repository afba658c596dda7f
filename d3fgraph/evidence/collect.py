"""Run every rule variant of a technique on recordings, and say which fired, where and why.

The Sysmon rule runs on the recording's events as they were written; the OCSF rules run on
the OCSF events the project's mapper makes of the Sysmon ones, so each rule sees the
telemetry it is written for. Each result keeps the funnel of its conditions, which is what
turns "silent" into a reason: the condition that left no event, and what the events held.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Final

from d3fgraph.detection import (
    SigmaVariant,
    SysmonMapping,
    UnsupportedRuleError,
    build_rule,
    load_sysmon_mapping,
)
from d3fgraph.evidence.engine import CompiledRule, EventTable, FunnelStep, compile_rule
from d3fgraph.evidence.events import EventLog
from d3fgraph.evidence.metadata import DatasetMetadata, DatasetMetadataError
from d3fgraph.evidence.report import (
    EventMatch,
    EvidenceReport,
    RecordingEvidence,
    RuleResult,
)
from d3fgraph.evidence.sysmon_to_ocsf import SysmonToOcsf, sysmon_event_id
from d3fgraph.evidence.wording import describe_match, explain_result, judge_recording
from d3fgraph.model.event_model import EventModel
from d3fgraph.render.sigma import rule_id

__all__ = ["collect_evidence"]

logger = logging.getLogger(__name__)

_RAW: Final = "Sysmon events as recorded"
_MAPPED: Final = "OCSF events mapped from Sysmon"


def collect_evidence(
    model: EventModel,
    logs: Sequence[EventLog],
    *,
    mapping: SysmonMapping | None = None,
    metadata: Sequence[DatasetMetadata] = (),
    tactics: Sequence[str] = (),
) -> EvidenceReport:
    """Run each rule variant of ``model``'s technique on each log and report the matches.

    A variant that cannot be written for the technique (``build_rule`` raises
    ``UnsupportedRuleError``) is reported with the reason instead of a run.

    Args:
        model: The technique's event model.
        logs: Recordings read with ``read_events``.
        mapping: The Sysmon-to-OCSF mapping; by default the file shipped with d3fgraph.
        metadata: Dataset metadata files; each is paired with the log it lists under
            ``files``, or with the only log when one of each is given.
        tactics: The technique's D3FEND tactic classes, used only in the rules' tags.

    Raises:
        MissingEngineError: pySigma or pysigma-backend-sqlite is not installed.
        DatasetMetadataError: A metadata file describes none of the logs.
        RuleConversionError: pySigma cannot run one of the rules.
    """
    if mapping is None:
        mapping = load_sysmon_mapping()
    compiled: list[CompiledRule | tuple[SigmaVariant, str]] = []
    for variant in SigmaVariant:
        try:
            rule = build_rule(model, variant, mapping)
        except UnsupportedRuleError as exc:
            compiled.append((variant, str(exc)))
            continue
        compiled.append(compile_rule(rule, mapping, tactics))

    paired = _pair(logs, metadata)
    recordings = tuple(
        _recording(model, log, compiled, SysmonToOcsf(mapping), paired.get(index))
        for index, log in enumerate(logs)
    )
    return EvidenceReport(model.technique.id, model.technique.name, _engine(), recordings)


def _pair(
    logs: Sequence[EventLog], metadata: Sequence[DatasetMetadata]
) -> dict[int, DatasetMetadata]:
    paired: dict[int, DatasetMetadata] = {}
    for meta in metadata:
        found = [i for i, log in enumerate(logs) if meta.describes(log.name)]
        if not found and len(logs) == 1 and len(metadata) == 1:
            found = [0]
        if not found:
            names = ", ".join(log.name for log in logs)
            listed = ", ".join(meta.files) or "no file"
            msg = (
                f"metadata {meta.path or meta.id} lists {listed} under files, none of the "
                f"recordings given ({names}); give the recording it describes"
            )
            raise DatasetMetadataError(msg)
        paired[found[0]] = meta
    return paired


def _recording(
    model: EventModel,
    log: EventLog,
    compiled: Sequence[CompiledRule | tuple[SigmaVariant, str]],
    mapper: SysmonToOcsf,
    meta: DatasetMetadata | None,
) -> RecordingEvidence:
    mapped: list[tuple[int, dict[str, Any]]] = []
    sysmon = 0
    for index, raw in enumerate(log.events):
        if sysmon_event_id(raw) is not None:
            sysmon += 1
        event = mapper.map(raw)
        if event is not None:
            mapped.append((index, event))
    logger.info("Mapped %d of %d Sysmon events in %s to OCSF", len(mapped), sysmon, log.name)

    ready = [c for c in compiled if isinstance(c, CompiledRule)]
    raw_rules = [c for c in ready if c.rule.variant is SigmaVariant.SYSMON]
    ocsf_rules = [c for c in ready if c.rule.variant is not SigmaVariant.SYSMON]
    ocsf_events = [event for _, event in mapped]
    ocsf_of = dict(mapped)

    runs: dict[SigmaVariant, RuleResult] = {}
    for rules, events, telemetry in (
        (raw_rules, log.events, _RAW),
        (ocsf_rules, ocsf_events, _MAPPED),
    ):
        if not rules:
            continue
        fields = [name for c in rules for name in c.fields]
        with EventTable(events, fields) as table:
            for item in rules:
                hits = table.matches(item.query)
                where: list[tuple[int, dict[str, Any] | None]]
                if telemetry == _MAPPED:
                    where = [mapped[i] for i in hits]
                else:
                    where = [(i, ocsf_of.get(i)) for i in hits]
                matches = tuple(describe_match(log, i, event, log.events[i]) for i, event in where)
                funnel = table.funnel(item.steps)
                absent = table.absent(step.field for step in item.steps)
                runs[item.rule.variant] = _result(
                    item, telemetry, table.size, matches, funnel, absent
                )

    results = tuple(
        runs[c.rule.variant] if isinstance(c, CompiledRule) else _unavailable(model, *c)
        for c in compiled
    )
    verdict = None if meta is None else judge_recording(model.technique.id, meta, results)
    return RecordingEvidence(
        recording=log.name,
        path=log.path,
        events_read=len(log.events),
        sysmon_events=sysmon,
        mapped_events=len(mapped),
        results=results,
        skipped=log.skipped,
        verdict=verdict,
    )


def _result(
    item: CompiledRule,
    telemetry: str,
    scanned: int,
    matches: tuple[EventMatch, ...],
    funnel: tuple[FunnelStep, ...],
    absent: tuple[str, ...],
) -> RuleResult:
    rule = item.rule
    return RuleResult(
        variant=str(rule.variant),
        title=f"{rule.technique.id} {rule.variant} rule on {rule.source_name}",
        rule_id=str(rule_id(rule.technique.id, rule.variant)),
        level=rule.level,
        score=rule.score.label,
        telemetry=telemetry,
        events_scanned=scanned,
        matches=matches,
        funnel=funnel,
        absent_fields=absent,
        reason=explain_result(rule, scanned, funnel, absent),
        query=item.query,
    )


def _unavailable(model: EventModel, variant: SigmaVariant, error: str) -> RuleResult:
    return RuleResult(
        variant=str(variant),
        title=f"{model.technique.id} {variant} rule",
        rule_id=str(rule_id(model.technique.id, variant)),
        level="",
        score="",
        telemetry="",
        events_scanned=0,
        matches=(),
        funnel=(),
        absent_fields=(),
        reason=f"cannot be written: {error}",
        error=error,
    )


def _engine() -> str:
    parts = []
    for package in ("pysigma", "pysigma-backend-sqlite"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} (version unknown)")
    return f"{' with '.join(parts)}, on SQLite {sqlite3.sqlite_version}"
