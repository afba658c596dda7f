"""The words of an evidence report: why a rule fired or stayed silent, what a match shows,
and what a recording's metadata and its matches say together.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import PureWindowsPath
from typing import Any, Final

from d3fgraph.detection.rule_model import DetectionRule, ValueMatch
from d3fgraph.detection.wording import match_text
from d3fgraph.evidence.engine import FunnelStep
from d3fgraph.evidence.events import EventLog
from d3fgraph.evidence.metadata import DatasetMetadata
from d3fgraph.evidence.report import EventMatch, Outcome, RuleResult, Verdict
from d3fgraph.techniques import parent_id

__all__ = ["describe_match", "explain_result", "judge_recording"]

#: A start address in a match's detail; events that differ only there are summed up together.
_ADDRESS: Final = re.compile(r" at 0x[0-9A-Fa-f]+")

#: OCSF classes whose matches get a detail: Process Activity's activities (Launch, Open,
#: Inject) mean different things, and a registry value's data says what it starts.
_PROCESS_ACTIVITY: Final = 1007
_REGISTRY_VALUE_ACTIVITY: Final = 201002


def explain_result(
    rule: DetectionRule, scanned: int, funnel: Sequence[FunnelStep], absent: Sequence[str]
) -> str:
    """Say why a rule fired or stayed silent, from the funnel of its conditions.

    A silent rule is explained by the first condition that left no event: either no event
    carries the field at all (then the profile or extension the field needs is named), or the
    events that got that far hold other values, which are listed.
    """
    steps = "; ".join(f"{_condition(s)}: {s.remaining:,}" for s in funnel)
    if not funnel or not scanned:
        return f"silent: the recording has no event for this rule ({scanned:,} scanned)"
    if funnel[-1].remaining:
        return f"fires on {funnel[-1].remaining:,} of {scanned:,} events ({steps})"

    empty = next(i for i, s in enumerate(funnel) if not s.remaining)
    step = funnel[empty]
    if step.field in absent:
        text = f"silent: none of the {scanned:,} events carries {step.field}"
        needs = next((c.field.requires for c in rule.conditions if c.rule_field == step.field), ())
        if needs:
            text += (
                f", which OCSF has only with {', '.join(needs)}: the rule can fire only on "
                "telemetry that carries it"
            )
        return f"{text} ({steps})"

    left = funnel[empty - 1].remaining if empty else scanned
    seen = ", ".join(_seen(value, count) for value, count in step.seen)
    if step.match is ValueMatch.EQUALS:
        wanted = "never " + ", ".join(str(v) for v in step.values)
    else:
        wanted = "none of which " + match_text("", step.values, step.match).strip()
    passed = "; ".join(_condition(s) for s in funnel[:empty])
    one = left == 1
    events = f"{left:,} event{'' if one else 's'}"
    owner = "its" if one else "their"
    subject = f"{events} {'passes' if one else 'pass'} {passed}, and {owner}" if passed else owner
    return f"silent: {subject} {step.field} is {seen}, {wanted}"


def _condition(step: FunnelStep) -> str:
    return match_text(step.field, step.values, step.match)


def _seen(value: str | None, count: int) -> str:
    events = f"{count:,} event{'s' if count != 1 else ''}"
    if value is None:
        return f"absent ({events})"
    if value == "-":
        return f"'-', Sysmon's word for no value ({events})"
    return f"{value!r} ({events})"


def describe_match(
    log: EventLog, index: int, ocsf: Mapping[str, Any] | None, raw: Mapping[str, Any]
) -> EventMatch:
    """Describe event ``index`` of ``log`` from its OCSF form, or its time alone without one."""
    location = str(log.location(index))
    if ocsf is None:
        time = raw.get("UtcTime") or raw.get("@timestamp")
        return EventMatch(location, None if time is None else str(time), None, None)

    moment = ocsf.get("time")
    time = None
    if isinstance(moment, int):
        stamp = datetime.fromtimestamp(moment / 1000, tz=UTC)
        time = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return EventMatch(
        location=location,
        time=time,
        actor=_process(ocsf.get("actor", {}).get("process")),
        target=_process(ocsf.get("process")) or _written(ocsf),
        detail=_detail(ocsf),
    )


def _process(process: Any) -> str | None:
    if not isinstance(process, Mapping):
        return None
    path = process.get("file", {}).get("path")
    pid = process.get("pid")
    if path is None:
        return None if pid is None else f"pid {pid}"
    return str(path) if pid is None else f"{path} ({pid})"


def _written(ocsf: Mapping[str, Any]) -> str | None:
    """Name the registry value, key or file an event acts on, as Sysmon writes its path."""
    value = ocsf.get("reg_value")
    if isinstance(value, Mapping) and value.get("path"):
        return "\\".join(str(part) for part in (value["path"], value.get("name")) if part)
    for name in ("reg_key", "file"):
        found = ocsf.get(name)
        if isinstance(found, Mapping) and found.get("path"):
            return str(found["path"])
    return None


def _detail(ocsf: Mapping[str, Any]) -> str | None:
    """Say how the actor acted: where an injected thread starts, what a new process runs."""
    if ocsf.get("class_uid") == _REGISTRY_VALUE_ACTIVITY:
        data = (ocsf.get("reg_value") or {}).get("data")
        return None if data is None else f"value data {data}"
    if ocsf.get("class_uid") != _PROCESS_ACTIVITY:
        return None
    activity = ocsf.get("activity_id")
    if activity == 4:
        module = ocsf.get("module") or {}
        function = module.get("function_name")
        path = module.get("file", {}).get("path")
        if function and path:
            return f"thread starts at {function} in {path}"
        if path:
            return f"thread starts in {path}"
        address = module.get("start_address")
        where = f" at {address}" if address else ""
        return f"thread starts{where} outside every loaded module"
    if activity == 1:
        command = ocsf.get("process", {}).get("cmd_line")
        return None if command is None else f"command line {command}"
    if activity == 3 and isinstance(ocsf.get("actual_permissions"), int):
        return f"access granted {ocsf['actual_permissions']:#x}"
    return None


def judge_recording(
    technique: str, meta: DatasetMetadata, results: Sequence[RuleResult]
) -> Verdict:
    """Say whether the technique the metadata names was caught by ``technique``'s rules."""
    fired = tuple(r.variant for r in results if r.fired)
    claimed = ", ".join(meta.techniques)
    rules = f"the {_and(fired)} rule{'s' if len(fired) > 1 else ''}" if fired else ""

    if technique in meta.techniques:
        outcome = Outcome.CAUGHT if fired else Outcome.MISSED
        if fired:
            text = f"Caught: {meta.id} simulates {technique}, and {rules} of {technique} fired."
        else:
            text = f"Missed: {meta.id} simulates {technique}, and no rule of {technique} fired."
    elif fired:
        outcome = Outcome.FIRED_ON_OTHER
        text = f"{meta.id} simulates {claimed} by its metadata, not {technique}, yet {rules} fired."
        shared = {parent_id(t) or t for t in meta.techniques} & {parent_id(technique)}
        if shared:
            parent = shared.pop()
            text += (
                f" Both are sub-techniques of {parent}, so this is evidence for {parent}, "
                f"not for {technique} itself."
            )
    else:
        outcome = Outcome.SILENT_ON_OTHER
        text = f"{meta.id} simulates {claimed} by its metadata, and no rule of {technique} fired."

    described = f"{meta.title}: {meta.description}" if meta.description else meta.title
    text += f" The metadata describes it as {described.rstrip('.')}."
    shown = _events_shown(results)
    if shown:
        text += f" The matching events show: {shown}."
    return Verdict(meta, technique, outcome, fired, text)


def _events_shown(results: Sequence[RuleResult]) -> str:
    seen: dict[str, EventMatch] = {}
    for result in results:
        for match in result.matches:
            seen.setdefault(match.location, match)
    groups = Counter(
        f"{_name(m.actor)} into {_name(m.target)}, {_ADDRESS.sub('', m.detail)}"
        if m.detail
        else _name(m.actor)
        for m in seen.values()
    )
    return "; ".join(f"{count:,} × {text}" for text, count in groups.most_common())


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _name(process: str | None) -> str:
    if process is None:
        return "an unknown process"
    return PureWindowsPath(process.rsplit(" (", 1)[0]).name
