"""Read a technique model file and check its shape before anything is looked up.

The shape checks live here and the checks against D3FEND and OCSF live in ``build``, so that a
typo in a key is reported without loading any ontology.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

from d3fgraph.errors import (
    InvalidInvarianceClassError,
    InvalidTechniqueIdError,
    ModelFileError,
    SourceLocation,
)
from d3fgraph.model.vocab import InvarianceClass, ModelStatus, Role
from d3fgraph.model.yaml_source import Located, load_located_yaml
from d3fgraph.techniques import is_technique_id

__all__ = [
    "CORE_TO_VALUES",
    "FORMAT",
    "CountermeasureSpec",
    "EntitySpec",
    "FieldSpec",
    "ModelSpec",
    "RelationSpec",
    "read_model_file",
    "read_model_text",
]

FORMAT: Final = "d3fgraph-model/1"

_E = TypeVar("_E", Role, ModelStatus)

#: What an invariant value is core to, after the Summiting the Pyramid robustness levels.
CORE_TO_VALUES: Final = ("technique", "some_implementations", "preexisting_tool", "adversary_tool")


@dataclass(frozen=True, slots=True)
class EntitySpec:
    id: str
    name: str
    path: str
    d3fend: str
    role: Role
    location: SourceLocation
    path_location: SourceLocation
    d3fend_location: SourceLocation


@dataclass(frozen=True, slots=True)
class RelationSpec:
    source: str
    target: str
    label: str
    d3fend_property: str | None
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class FieldSpec:
    path: str
    invariance: InvarianceClass
    rationale: str
    value: str | int | None
    core_to: str | None
    location: SourceLocation
    path_location: SourceLocation


@dataclass(frozen=True, slots=True)
class CountermeasureSpec:
    entity: str | None
    artifact: str | None
    technique: str
    property: str
    reason: str
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A model file whose shape is right; its names are not yet checked against the data."""

    technique_id: str
    parent: str | None
    name: str
    status: ModelStatus
    primitive: Mapping[str, str]
    event_class: str | int
    activity: str | int
    entities: tuple[EntitySpec, ...]
    relations: tuple[RelationSpec, ...]
    fields: tuple[FieldSpec, ...]
    countermeasures: tuple[CountermeasureSpec, ...]
    guidance: Mapping[str, str]
    source: str
    locations: Mapping[str, SourceLocation]


_TOP_KEYS: Final = {
    "format": (str, True),
    "status": (str, False),
    "technique": (dict, True),
    "primitive": (dict, True),
    "event": (dict, True),
    "entities": (list, True),
    "relations": (list, False),
    "fields": (list, False),
    "countermeasures": (list, False),
    "guidance": (dict, False),
}
_TECHNIQUE_KEYS: Final = {"id": (str, True), "parent": (str, False), "name": (str, True)}
_PRIMITIVE_KEYS: Final = {
    "actor": (str, True),
    "action": (str, True),
    "target": (str, True),
    "description": (str, True),
}
_EVENT_KEYS: Final = {"class": ((str, int), True), "activity": ((str, int), True)}
_ENTITY_KEYS: Final = {
    "id": (str, True),
    "name": (str, True),
    "path": (str, True),
    "d3fend": (str, True),
    "role": (str, True),
}
_RELATION_KEYS: Final = {
    "from": (str, True),
    "to": (str, True),
    "label": (str, True),
    "d3fend_property": (str, False),
}
_FIELD_KEYS: Final = {
    "path": (str, True),
    "invariance": (str, True),
    "rationale": (str, True),
    "value": ((str, int), False),
    "core_to": (str, False),
}
_COUNTERMEASURE_KEYS: Final = {
    "entity": (str, False),
    "artifact": (str, False),
    "technique": (str, True),
    "property": (str, True),
    "reason": (str, True),
}
_GUIDANCE_KEYS: Final = {"detect": (str, False), "mitigate": (str, False), "respond": (str, False)}


def read_model_file(path: Path) -> ModelSpec:
    """Read and shape-check the model file at ``path``.

    Raises:
        ModelFileError: The file cannot be read or does not follow ``docs/model-format.md``;
            the error carries the file, line and column.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        msg = "the file is not UTF-8 text; save it as UTF-8"
        raise ModelFileError(msg, location=SourceLocation(path)) from exc
    except OSError as exc:
        msg = f"cannot read the model file: {exc.strerror or exc}"
        raise ModelFileError(msg, location=SourceLocation(path)) from exc
    return read_model_text(text, path)


def read_model_text(text: str, path: Path | str = "<string>") -> ModelSpec:
    """Shape-check a model given as YAML text; ``path`` only names it in errors."""
    root = load_located_yaml(text, path)
    top = _mapping(root, _TOP_KEYS, "the model")

    fmt = top["format"]
    if fmt.value != FORMAT:
        msg = f"unsupported format {fmt.value!r}; this version of d3fgraph reads {FORMAT!r}"
        raise ModelFileError(msg, location=fmt.location)

    technique = _mapping(top["technique"], _TECHNIQUE_KEYS, "'technique'")
    technique_id = _technique_id(technique["id"])
    parent = _technique_id(technique["parent"]) if "parent" in technique else None
    primitive = _mapping(top["primitive"], _PRIMITIVE_KEYS, "'primitive'")
    event = _mapping(top["event"], _EVENT_KEYS, "'event'")

    entities = tuple(_entity(item) for item in _items(top["entities"], "entities"))
    _no_duplicates([(e.id, e.location) for e in entities], "entity id")
    _no_duplicates([(e.path, e.location) for e in entities], "entity path")
    known = {e.id for e in entities}

    relations = tuple(_relation(item, known) for item in _items(top.get("relations"), ""))
    fields = tuple(_field(item) for item in _items(top.get("fields"), ""))
    _no_duplicates([(f.path, f.location) for f in fields], "field path")
    countermeasures = tuple(
        _countermeasure(item, known) for item in _items(top.get("countermeasures"), "")
    )
    guidance = _mapping(top["guidance"], _GUIDANCE_KEYS, "'guidance'") if "guidance" in top else {}

    return ModelSpec(
        technique_id=technique_id,
        parent=parent,
        name=technique["name"].value,
        status=_choice(top["status"], ModelStatus, "status")
        if "status" in top
        else ModelStatus.CURATED,
        primitive={key: item.value for key, item in primitive.items()},
        event_class=event["class"].value,
        activity=event["activity"].value,
        entities=entities,
        relations=relations,
        fields=fields,
        countermeasures=countermeasures,
        guidance={key: item.value for key, item in guidance.items()},
        source=str(path),
        locations={
            "technique": technique["id"].location,
            "event.class": event["class"].location,
            "event.activity": event["activity"].location,
            "primitive.actor": primitive["actor"].location,
            "primitive.target": primitive["target"].location,
        },
    )


def _mapping(node: Located, keys: Mapping[str, tuple[Any, bool]], what: str) -> dict[str, Located]:
    if not isinstance(node.value, dict):
        msg = f"{what} must be a mapping of keys to values, found {_kind(node.value)}"
        raise ModelFileError(msg, location=node.location)

    key_locations = node.key_locations or {}
    for key, item in node.value.items():
        if key not in keys:
            close = difflib.get_close_matches(key, list(keys), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            msg = f"unknown key {key!r} in {what}{hint}; allowed keys: {', '.join(keys)}"
            raise ModelFileError(msg, location=key_locations.get(key, item.location))
        expected, _ = keys[key]
        if isinstance(item.value, bool) or not isinstance(item.value, expected):
            msg = f"{what} key {key!r} must be {_type_name(expected)}, found {_kind(item.value)}"
            raise ModelFileError(msg, location=item.location)

    for key, (_, required) in keys.items():
        if required and key not in node.value:
            msg = f"{what} lacks the required key {key!r}"
            raise ModelFileError(msg, location=node.location)
    return dict(node.value)


def _items(node: Located | None, what: str) -> list[Located]:
    if node is None:
        return []
    if not isinstance(node.value, list):
        msg = f"{what or 'this key'} must be a list, found {_kind(node.value)}"
        raise ModelFileError(msg, location=node.location)
    return list(node.value)


def _entity(node: Located) -> EntitySpec:
    item = _mapping(node, _ENTITY_KEYS, "an entity")
    return EntitySpec(
        id=item["id"].value,
        name=item["name"].value,
        path=item["path"].value,
        d3fend=item["d3fend"].value,
        role=_choice(item["role"], Role, "role"),
        location=node.location,
        path_location=item["path"].location,
        d3fend_location=item["d3fend"].location,
    )


def _relation(node: Located, known: set[str]) -> RelationSpec:
    item = _mapping(node, _RELATION_KEYS, "a relation")
    for key in ("from", "to"):
        _known_entity(item[key], known)
    prop = item.get("d3fend_property")
    return RelationSpec(
        source=item["from"].value,
        target=item["to"].value,
        label=item["label"].value,
        d3fend_property=prop.value if prop else None,
        location=node.location,
    )


def _field(node: Located) -> FieldSpec:
    item = _mapping(node, _FIELD_KEYS, "a field")
    raw = item["invariance"]
    try:
        invariance = InvarianceClass(raw.value)
    except ValueError:
        allowed = [str(v) for v in InvarianceClass]
        raise InvalidInvarianceClassError(raw.value, allowed, location=raw.location) from None
    core_to = item.get("core_to")
    if core_to is not None and core_to.value not in CORE_TO_VALUES:
        msg = f"core_to {core_to.value!r} is not one of: {', '.join(CORE_TO_VALUES)}"
        raise ModelFileError(msg, location=core_to.location)
    if core_to is not None and invariance is not InvarianceClass.INVARIANT:
        msg = "core_to applies to invariant fields only; remove it or mark the field invariant"
        raise ModelFileError(msg, location=core_to.location)
    value = item.get("value")
    return FieldSpec(
        path=item["path"].value,
        invariance=invariance,
        rationale=item["rationale"].value,
        value=value.value if value else None,
        core_to=core_to.value if core_to else None,
        location=node.location,
        path_location=item["path"].location,
    )


def _countermeasure(node: Located, known: set[str]) -> CountermeasureSpec:
    item = _mapping(node, _COUNTERMEASURE_KEYS, "a countermeasure")
    if ("entity" in item) == ("artifact" in item):
        msg = "a countermeasure names either an 'entity' of the model or a D3FEND 'artifact'"
        raise ModelFileError(msg, location=node.location)
    if "entity" in item:
        _known_entity(item["entity"], known)
    return CountermeasureSpec(
        entity=item["entity"].value if "entity" in item else None,
        artifact=item["artifact"].value if "artifact" in item else None,
        technique=item["technique"].value,
        property=item["property"].value,
        reason=item["reason"].value,
        location=node.location,
    )


def _known_entity(node: Located, known: set[str]) -> None:
    if node.value in known:
        return
    close = difflib.get_close_matches(node.value, sorted(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    msg = (
        f"entity {node.value!r} is referenced but never declared under 'entities'{hint}; "
        f"declared entities: {', '.join(sorted(known))}"
    )
    raise ModelFileError(msg, location=node.location)


def _choice(node: Located, enum: type[_E], what: str) -> _E:
    try:
        return enum(node.value)
    except ValueError:
        allowed = [str(v) for v in enum]
        close = difflib.get_close_matches(str(node.value), allowed, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        msg = f"invalid {what} {node.value!r}{hint}; allowed: {', '.join(allowed)}"
        raise ModelFileError(msg, location=node.location) from None


def _technique_id(node: Located) -> str:
    if not is_technique_id(node.value):
        raise InvalidTechniqueIdError(node.value, location=node.location)
    return str(node.value)


def _no_duplicates(pairs: list[tuple[str, SourceLocation]], what: str) -> None:
    seen: dict[str, SourceLocation] = {}
    for key, location in pairs:
        if key in seen:
            msg = f"duplicate {what} {key!r} (first declared at line {seen[key].line})"
            raise ModelFileError(msg, location=location)
        seen[key] = location


def _kind(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _type_name(expected: Any) -> str:
    names = {str: "text", int: "a whole number", dict: "a mapping", list: "a list"}
    if isinstance(expected, tuple):
        return " or ".join(names[t] for t in expected)
    return names[expected]
