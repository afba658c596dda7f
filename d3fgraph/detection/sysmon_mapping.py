"""Read the project's Sysmon-to-OCSF mapping and per-technique detection data, checked.

``ontologies/mappings/sysmon-ocsf.yaml`` says which OCSF 1.8.0 attribute each Sysmon field
fills, where each claim comes from, and what the Sigma rules need beyond an event model (OCSF
attributes that stand in for non-native ones, Sysmon narrowing conditions). Rules built from a
wrong row would silently match nothing, so the file is checked as strictly as a model file.
"""

from __future__ import annotations

import re
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from d3fgraph.detection._located import (
    MappingFileError,
    items,
    only,
    optional,
    parse,
    required,
    scalar_list,
)
from d3fgraph.detection.mapping_model import (
    FieldMapping,
    FieldValues,
    MappedCondition,
    SysmonEvent,
    SysmonMapping,
    TechniqueDetection,
)
from d3fgraph.detection.rule_model import SigmaVariant, ValueMatch
from d3fgraph.model.vocab import InvarianceClass
from d3fgraph.model.yaml_source import Located
from d3fgraph.resources import ontology_resource
from d3fgraph.scoring import CORE_TO_LEVELS, TelemetryLayer
from d3fgraph.techniques import is_technique_id

__all__ = [
    "FORMAT",
    "FieldMapping",
    "FieldValues",
    "MappedCondition",
    "MappingFileError",
    "SysmonEvent",
    "SysmonMapping",
    "TechniqueDetection",
    "load_sysmon_mapping",
    "read_sysmon_mapping",
]

FORMAT: Final = "d3fgraph-sysmon-ocsf/1"

_OCSF_PATH: Final = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")
_SYSMON_FIELD: Final = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CATEGORY: Final = re.compile(r"[a-z][a-z0-9_]*")
_VARIANTS: Final = tuple(v.value for v in SigmaVariant)

_ROOT_KEYS: Final = ("format", "ocsf_version", "sources", "events", "techniques")
_EVENT_KEYS: Final = (
    "event_id", "name", "sigma_category", "source", "layer", "layer_source", "note", "ocsf",
    "fields",
)  # fmt: skip
_OCSF_KEYS: Final = ("class_uid", "activity_id", "implies")
_FIELD_KEYS: Final = ("sysmon", "ocsf", "meaning", "source", "target", "note")
_TECHNIQUE_KEYS: Final = (
    "native_alternatives", "field_values", "sysmon", "falsepositives", "references",
)  # fmt: skip
_SYSMON_KEYS: Final = ("event_id", "conditions")
_CONDITION_KEYS: Final = ("path", "values", "match", "invariance", "core_to", "rationale", "source")
_FIELD_VALUES_KEYS: Final = ("path", "values", "match", "rationale", "source")
_MATCHES: Final = tuple(m.value for m in ValueMatch)


def load_sysmon_mapping(path: Path | None = None) -> SysmonMapping:
    """Read and check the mapping file; by default the one shipped with d3fgraph.

    Raises:
        MappingFileError: The file is missing, is not safe YAML, or breaks the format; the
            message gives the position as ``file:line:col``.
    """
    resource: Traversable | Path = path or ontology_resource("mappings", "sysmon-ocsf.yaml")
    origin = str(path) if path else "ontologies/mappings/sysmon-ocsf.yaml"
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read the Sysmon mapping {origin}: {exc.strerror or exc}"
        raise MappingFileError(msg) from exc
    return read_sysmon_mapping(text, origin)


def read_sysmon_mapping(text: str, origin: str) -> SysmonMapping:
    """Parse and check mapping text; ``origin`` names it in error messages.

    Raises:
        MappingFileError: See ``load_sysmon_mapping``.
    """
    root = parse(text, origin)
    only(root, _ROOT_KEYS)
    fmt = required(root, "format", str)
    if fmt.value != FORMAT:
        msg = f"format {fmt.value!r} is not supported; this version of d3fgraph reads {FORMAT!r}"
        raise MappingFileError(msg, location=fmt.location)

    sources = {key: _text(node, key) for key, node in items(required(root, "sources", dict))}
    events: dict[int, SysmonEvent] = {}
    for node in required(root, "events", list).value:
        event = _event(node, sources)
        if event.event_id in events:
            msg = f"Sysmon Event ID {event.event_id} is mapped twice; keep one entry"
            raise MappingFileError(msg, location=node.location)
        events[event.event_id] = event

    techniques = optional(root, "techniques", dict)
    return SysmonMapping(
        ocsf_version=required(root, "ocsf_version", str).value,
        sources=tuple(sources.items()),
        events=tuple(events.values()),
        techniques=tuple(
            _technique(key, node, sources, set(events))
            for key, node in (items(techniques) if techniques else [])
        ),
        origin=origin,
    )


def _event(node: Located, sources: dict[str, str]) -> SysmonEvent:
    only(node, _EVENT_KEYS)
    category = required(node, "sigma_category", str)
    if not _CATEGORY.fullmatch(category.value):
        msg = f"Sigma category {category.value!r} must be lower_snake_case, like process_creation"
        raise MappingFileError(msg, location=category.location)
    layer = required(node, "layer", str)
    if layer.value not in {m.value for m in TelemetryLayer}:
        msg = f"layer {layer.value!r} is not A (application), U (user-mode) or K (kernel-mode)"
        raise MappingFileError(msg, location=layer.location)

    ocsf = required(node, "ocsf", dict)
    only(ocsf, _OCSF_KEYS)
    implied = optional(ocsf, "implies", dict)
    implies = tuple(
        (_path(key, value), _scalar(value, key))
        for key, value in (items(implied) if implied else [])
    )

    fields: dict[str, FieldMapping] = {}
    for item in required(node, "fields", list).value:
        row = _field(item, sources)
        if row.sysmon in fields:
            msg = f"Sysmon field {row.sysmon!r} is mapped twice in this event; keep one row"
            raise MappingFileError(msg, location=item.location)
        fields[row.sysmon] = row

    return SysmonEvent(
        event_id=required(node, "event_id", int).value,
        name=required(node, "name", str).value,
        sigma_category=category.value,
        source=_source(node, "source", sources),
        layer=TelemetryLayer(layer.value),
        layer_source=_source(node, "layer_source", sources),
        note=" ".join(required(node, "note", str).value.split()),
        class_uid=required(ocsf, "class_uid", int).value,
        activity_id=required(ocsf, "activity_id", int).value,
        implies=implies,
        fields=tuple(fields.values()),
    )


def _field(node: Located, sources: dict[str, str]) -> FieldMapping:
    only(node, _FIELD_KEYS)
    sysmon = required(node, "sysmon", str)
    if not _SYSMON_FIELD.fullmatch(sysmon.value):
        msg = f"Sysmon field name {sysmon.value!r} must be letters and digits, like SourceImage"
        raise MappingFileError(msg, location=sysmon.location)
    if not isinstance(node.value, dict) or "ocsf" not in node.value:
        msg = "every row needs an 'ocsf' key: an OCSF path, or null with a 'note' saying why"
        raise MappingFileError(msg, location=node.location)

    ocsf = optional(node, "ocsf", str)
    note = optional(node, "note", str)
    target = optional(node, "target", str)
    if ocsf is None and note is None:
        msg = f"{sysmon.value} maps to no OCSF attribute; add a 'note' saying why"
        raise MappingFileError(msg, location=node.location)
    if ocsf is not None and target is None:
        msg = f"{sysmon.value} needs a 'target': the OCSF schema file that defines {ocsf.value}"
        raise MappingFileError(msg, location=node.location)

    return FieldMapping(
        sysmon=sysmon.value,
        ocsf=None if ocsf is None else _path(ocsf.value, ocsf),
        meaning=required(node, "meaning", str).value,
        source=_source(node, "source", sources),
        target=None if target is None else target.value,
        note="" if note is None else " ".join(note.value.split()),
    )


def _technique(
    technique_id: str, node: Located, sources: dict[str, str], event_ids: set[int]
) -> TechniqueDetection:
    if not is_technique_id(technique_id):
        msg = f"{technique_id!r} is not an ATT&CK technique id such as T1055 or T1055.001"
        raise MappingFileError(msg, location=node.location)
    only(node, _TECHNIQUE_KEYS)

    listed = optional(node, "native_alternatives", list)
    alternatives = tuple(
        _condition(c, sources, replacing=True) for c in (listed.value if listed else [])
    )
    values_node = optional(node, "field_values", list)
    field_values = tuple(
        _field_values(v, sources) for v in (values_node.value if values_node else [])
    )

    event_id: int | None = None
    conditions: tuple[MappedCondition, ...] = ()
    sysmon = optional(node, "sysmon", dict)
    if sysmon is not None:
        only(sysmon, _SYSMON_KEYS)
        event = required(sysmon, "event_id", int)
        if event.value not in event_ids:
            msg = f"Sysmon Event ID {event.value} has no entry under 'events'; map it first"
            raise MappingFileError(msg, location=event.location)
        event_id = event.value
        extra = optional(sysmon, "conditions", list)
        conditions = tuple(
            _condition(c, sources, replacing=False) for c in (extra.value if extra else [])
        )

    return TechniqueDetection(
        technique_id=technique_id,
        native_alternatives=alternatives,
        field_values=field_values,
        sysmon_event=event_id,
        sysmon_conditions=conditions,
        falsepositives=_per_variant(optional(node, "falsepositives", dict), None),
        references=_per_variant(optional(node, "references", dict), sources),
    )


def _condition(node: Located, sources: dict[str, str], *, replacing: bool) -> MappedCondition:
    only(node, (*_CONDITION_KEYS, "replaces") if replacing else _CONDITION_KEYS)
    invariance = required(node, "invariance", str)
    if invariance.value not in {m.value for m in InvarianceClass}:
        allowed = ", ".join(m.value for m in InvarianceClass)
        msg = f"invariance {invariance.value!r} is not one of: {allowed}"
        raise MappingFileError(msg, location=invariance.location)
    core_to = optional(node, "core_to", str)
    if core_to is not None and core_to.value not in CORE_TO_LEVELS:
        msg = f"core_to {core_to.value!r} is not one of: {', '.join(CORE_TO_LEVELS)}"
        raise MappingFileError(msg, location=core_to.location)
    if core_to is not None and invariance.value != InvarianceClass.INVARIANT:
        msg = "core_to applies to invariant conditions only; remove it or mark them invariant"
        raise MappingFileError(msg, location=core_to.location)

    path = required(node, "path", str)
    replaces = required(node, "replaces", str) if replacing else None
    match = _match(node)
    return MappedCondition(
        path=_path(path.value, path),
        values=_values(required(node, "values", list), match),
        invariance=InvarianceClass(invariance.value),
        core_to=None if core_to is None else core_to.value,
        rationale=" ".join(required(node, "rationale", str).value.split()),
        source=_source(node, "source", sources),
        replaces=None if replaces is None else _path(replaces.value, replaces),
        match=match,
    )


def _field_values(node: Located, sources: dict[str, str]) -> FieldValues:
    only(node, _FIELD_VALUES_KEYS)
    path = required(node, "path", str)
    match = _match(node)
    values = _values(required(node, "values", list), match)
    if not all(isinstance(v, str) for v in values):
        msg = f"values of {path.value} must be text, as the key paths and names they spell are"
        raise MappingFileError(msg, location=node.location)
    return FieldValues(
        path=_path(path.value, path),
        values=tuple(str(v) for v in values),
        match=match,
        rationale=" ".join(required(node, "rationale", str).value.split()),
        source=_source(node, "source", sources),
    )


def _match(node: Located) -> ValueMatch:
    """Read a condition's optional ``match``; equality when absent."""
    match = optional(node, "match")
    if match is None:
        return ValueMatch.EQUALS
    if not isinstance(match.value, str) or match.value not in _MATCHES:
        msg = (
            f"match {match.plain()!r} is not one of: {', '.join(_MATCHES)} "
            "(equals is the default; the others are Sigma's modifiers of the same name)"
        )
        raise MappingFileError(msg, location=match.location)
    return ValueMatch(match.value)


def _values(node: Located, match: ValueMatch) -> tuple[int | str, ...]:
    values = scalar_list(node)
    if match is not ValueMatch.EQUALS:
        wrong = next((v for v in node.value if not isinstance(v.value, str) or not v.value), None)
        if wrong is not None:
            msg = (
                f"match {match.value} compares parts of text, so each value must be non-empty "
                f"text, not {wrong.plain()!r}; quote a number to match its digits"
            )
            raise MappingFileError(msg, location=wrong.location)
    return values


def _per_variant(
    node: Located | None, sources: dict[str, str] | None
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Read a mapping of rule variant to texts; with ``sources``, the texts are source keys."""
    result = []
    for variant, entries in items(node) if node else []:
        if variant not in _VARIANTS:
            msg = f"unknown rule variant {variant!r}; use one of: {', '.join(_VARIANTS)}"
            raise MappingFileError(msg, location=entries.location)
        texts = [" ".join(str(text).split()) for text in scalar_list(entries)]
        if sources is not None:
            unknown = [key for key in texts if key not in sources]
            if unknown:
                msg = f"unknown source {unknown[0]!r}; define it under 'sources' first"
                raise MappingFileError(msg, location=entries.location)
            texts = [sources[key] for key in texts]
        result.append((variant, tuple(texts)))
    return tuple(result)


def _source(node: Located, key: str, sources: dict[str, str]) -> str:
    value = required(node, key, str)
    if value.value not in sources:
        known = ", ".join(sorted(sources))
        msg = f"unknown source {value.value!r}; define it under 'sources' or use one of: {known}"
        raise MappingFileError(msg, location=value.location)
    return str(value.value)


def _text(node: Located, key: str) -> str:
    if not isinstance(node.value, str) or not node.value.startswith("https://"):
        msg = f"source {key!r} must be an https:// URL, ideally a permalink to a fixed version"
        raise MappingFileError(msg, location=node.location)
    return node.value


def _scalar(node: Located, key: str) -> int | str:
    if isinstance(node.value, bool) or not isinstance(node.value, int | str):
        msg = f"{key!r} must hold text or an integer, not {node.plain()!r}"
        raise MappingFileError(msg, location=node.location)
    return node.value


def _path(text: str, node: Located) -> str:
    if not _OCSF_PATH.fullmatch(text):
        msg = f"{text!r} is not an OCSF attribute path such as actor.process.file.path"
        raise MappingFileError(msg, location=node.location)
    return text
