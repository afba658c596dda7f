"""The artifact-to-OCSF table: which OCSF event class observes an action on a D3FEND artifact.

``ontologies/mappings/artifact-ocsf.yaml`` holds the rows and documents the format; this module
reads it and checks its shape. ``d3fgraph.drafting.artifact_check`` then checks every name in it
against the loaded D3FEND ontology and OCSF schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from d3fgraph.drafting._yaml import (
    MappingFileError,
    d3f_name,
    entries,
    keys,
    optional,
    parse_table,
    read_table,
    required,
    text_list,
)
from d3fgraph.errors import SourceLocation
from d3fgraph.model.model_file import CORE_TO_VALUES
from d3fgraph.model.vocab import Role
from d3fgraph.model.yaml_source import Located
from d3fgraph.resources import ontology_resource

__all__ = [
    "ARTIFACT_MAP_FILE",
    "FORMAT",
    "ArtifactMap",
    "ArtifactRow",
    "ImpliedField",
    "PropertyRow",
    "RowSource",
    "load_artifact_map",
    "read_artifact_map",
]

FORMAT: Final = "d3fgraph-artifact-ocsf/1"
ARTIFACT_MAP_FILE: Final = "ontologies/mappings/artifact-ocsf.yaml"
DEFAULT_ACTOR: Final = "actor.process"

_ROW_KEYS: Final = (
    "artifact",
    "class",
    "entity",
    "object",
    "activity",
    "activities",
    "when",
    "actor",
    "implies",
    "fields",
    "source",
    "rationale",
)
_IMPLIED_KEYS: Final = ("path", "value", "core_to", "rationale")
_PROPERTY_KEYS: Final = ("properties", "activities", "role", "rationale")


class RowSource(StrEnum):
    """What supports a row of the table."""

    #: The class's own D3FEND reference has the artifact, or an ancestor, as participant.
    OCSF_CLASS = "ocsf-class"
    #: The entity's object has the artifact, or an ancestor, as its own D3FEND reference.
    OCSF_OBJECT = "ocsf-object"
    #: Neither; the row's rationale carries the argument.
    ANALYST = "analyst"


@dataclass(frozen=True, slots=True)
class ImpliedField:
    """A field whose value an artifact row fixes, such as ``kernel.type_id`` = 2."""

    path: str
    value: int | str
    core_to: str | None
    rationale: str
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class ArtifactRow:
    """One row: the OCSF class, activity and object that observe actions on an artifact."""

    index: int
    artifact: str
    event_class: str
    entity: str
    object: str
    activity: str
    sources: tuple[RowSource, ...]
    rationale: str
    location: SourceLocation
    activities: dict[str, str] = field(default_factory=dict)
    when: tuple[str, ...] = ()
    actor: str = DEFAULT_ACTOR
    implies: tuple[ImpliedField, ...] = ()
    fields: tuple[str, ...] = ()
    locations: dict[str, SourceLocation] = field(default_factory=dict)

    def at(self, key: str) -> SourceLocation:
        """Return where the row states ``key``, or where the row starts."""
        return self.locations.get(key, self.location)

    @property
    def label(self) -> str:
        """The row as notes cite it: ``d3f:File -> file_activity.file``."""
        return f"{self.artifact} -> {self.event_class}.{self.entity}"


@dataclass(frozen=True, slots=True)
class PropertyRow:
    """What one or more D3FEND properties mean as OCSF activities, and the role they give."""

    index: int
    properties: tuple[str, ...]
    activities: tuple[str, ...]
    role: Role
    rationale: str
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class ArtifactMap:
    """The whole table, rows in file order (which is their order of preference)."""

    artifacts: tuple[ArtifactRow, ...]
    properties: tuple[PropertyRow, ...]
    origin: str = ARTIFACT_MAP_FILE

    def rows_of(self, artifact: str) -> tuple[ArtifactRow, ...]:
        """Return the rows naming ``artifact`` itself, in file order."""
        return tuple(row for row in self.artifacts if row.artifact == artifact)

    def property_row(self, prop: str) -> PropertyRow | None:
        """Return the row naming ``prop`` itself, if any."""
        return next((row for row in self.properties if prop in row.properties), None)


def load_artifact_map(path: Path | None = None) -> ArtifactMap:
    """Read and shape-check the table; by default the one shipped with d3fgraph.

    Raises:
        MappingFileError: The file is missing, not safe YAML, or breaks the format; the message
            gives the position as ``file:line:col``.
    """
    resource: Traversable | Path = path or ontology_resource("mappings", "artifact-ocsf.yaml")
    origin = str(path) if path else ARTIFACT_MAP_FILE
    return _artifact_map(read_table(resource, origin, FORMAT), origin)


def read_artifact_map(text: str, origin: str = "<string>") -> ArtifactMap:
    """Shape-check table text; ``origin`` names it in errors. See ``load_artifact_map``."""
    return _artifact_map(parse_table(text, origin, FORMAT), origin)


def _artifact_map(root: Located, origin: str) -> ArtifactMap:
    keys(root, ("format", "d3fend_version", "ocsf_version", "artifacts", "properties"), origin)
    rows = tuple(
        _row(index, node) for index, node in enumerate(entries(required(root, "artifacts", list)))
    )
    seen: dict[tuple[str, frozenset[str]], ArtifactRow] = {}
    for row in rows:
        key = (row.artifact, frozenset(row.when))
        if key in seen:
            msg = (
                f"{row.artifact} has a second row for the same actions (first at line "
                f"{seen[key].location.line}); merge them or tell them apart with 'when'"
            )
            raise MappingFileError(msg, location=row.location)
        seen[key] = row

    properties = tuple(
        _property(index, node)
        for index, node in enumerate(entries(required(root, "properties", list)))
    )
    named: dict[str, PropertyRow] = {}
    for prop_row in properties:
        for prop in prop_row.properties:
            if prop in named:
                msg = f"{prop} is in two property rows (first at line {named[prop].location.line})"
                raise MappingFileError(msg, location=prop_row.location)
            named[prop] = prop_row
    return ArtifactMap(rows, properties, origin)


def _row(index: int, node: Located) -> ArtifactRow:
    item = keys(node, _ROW_KEYS, "an artifact row")
    activities = optional(node, "activities", dict)
    when = optional(node, "when", list)
    implies = optional(node, "implies", list)
    fields = optional(node, "fields", list)
    actor = optional(node, "actor", str)
    return ArtifactRow(
        index=index,
        artifact=d3f_name(required(node, "artifact", str)),
        event_class=required(node, "class", str).value,
        entity=required(node, "entity", str).value,
        object=required(node, "object", str).value,
        activity=required(node, "activity", str).value,
        sources=_sources(required(node, "source", list)),
        rationale=_prose(required(node, "rationale", str)),
        location=node.location,
        activities=_activity_overrides(activities) if activities else {},
        when=tuple(d3f_name(entry) for entry in entries(when)) if when else (),
        actor=actor.value if actor else DEFAULT_ACTOR,
        implies=tuple(_implied(entry) for entry in entries(implies)) if implies else (),
        fields=text_list(fields) if fields else (),
        locations={key: value.location for key, value in item.items()},
    )


def _sources(node: Located) -> tuple[RowSource, ...]:
    allowed = [str(source) for source in RowSource]
    found = []
    for entry in entries(node):
        if entry.value not in allowed:
            msg = f"unknown source {entry.value!r}; use one or more of: {', '.join(allowed)}"
            raise MappingFileError(msg, location=entry.location)
        found.append(RowSource(entry.value))
    if RowSource.ANALYST in found and len(found) > 1:
        msg = "'analyst' means OCSF carries no link for the row; do not combine it with ocsf-*"
        raise MappingFileError(msg, location=node.location)
    return tuple(dict.fromkeys(found))


def _activity_overrides(node: Located) -> dict[str, str]:
    overrides = {}
    where = node.key_locations or {}
    for key, value in node.value.items():
        d3f_name(Located(key, where.get(key, node.location)))
        if not isinstance(value.value, str):
            msg = f"the activity for {key} must be an activity caption such as Create"
            raise MappingFileError(msg, location=value.location)
        overrides[key] = value.value
    return overrides


def _implied(node: Located) -> ImpliedField:
    keys(node, _IMPLIED_KEYS, "an implied field")
    value = node.value.get("value")
    if value is None or isinstance(value.value, bool) or not isinstance(value.value, int | str):
        msg = "an implied field needs a 'value': the enum id or text the field always holds"
        raise MappingFileError(msg, location=node.location)
    core_to = optional(node, "core_to", str)
    if core_to is not None and core_to.value not in CORE_TO_VALUES:
        msg = f"core_to {core_to.value!r} is not one of: {', '.join(CORE_TO_VALUES)}"
        raise MappingFileError(msg, location=core_to.location)
    return ImpliedField(
        path=required(node, "path", str).value,
        value=value.value,
        core_to=core_to.value if core_to else None,
        rationale=_prose(required(node, "rationale", str)),
        location=node.location,
    )


def _property(index: int, node: Located) -> PropertyRow:
    keys(node, _PROPERTY_KEYS, "a property row")
    role = required(node, "role", str)
    allowed = [str(r) for r in Role]
    if role.value not in allowed:
        msg = f"unknown role {role.value!r}; use one of: {', '.join(allowed)}"
        raise MappingFileError(msg, location=role.location)
    return PropertyRow(
        index=index,
        properties=tuple(d3f_name(e) for e in entries(required(node, "properties", list))),
        activities=text_list(required(node, "activities", list)),
        role=Role(role.value),
        rationale=_prose(required(node, "rationale", str)),
        location=node.location,
    )


def _prose(node: Located) -> str:
    text = " ".join(node.value.split())
    if not text:
        msg = "the rationale is empty; say why the row holds"
        raise MappingFileError(msg, location=node.location)
    return text
