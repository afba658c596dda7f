"""Check the artifact-to-OCSF table against the loaded D3FEND ontology and OCSF schema.

A wrong row would draft models that look plausible and are not, so every name is checked: the
artifact and properties exist and are current, the class, activities and paths exist in OCSF,
the entity is the object the row says, and each ``ocsf-*`` source claim holds in OCSF's own
D3FEND references.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from d3fgraph.drafting._yaml import MappingFileError
from d3fgraph.drafting.artifact_map import ArtifactMap, ArtifactRow, RowSource
from d3fgraph.errors import D3fgraphError, SourceLocation

if TYPE_CHECKING:
    from d3fgraph.drafting.invariance_defaults import InvarianceDefaults
    from d3fgraph.drafting.links import D3fendIndex
    from d3fgraph.loaders.ocsf_model import OcsfEventClass, OcsfSchema, ResolvedPath

__all__ = ["check_artifact_map"]

_ARTIFACT_ROOT = "d3f:DigitalArtifact"


def check_artifact_map(
    table: ArtifactMap, index: D3fendIndex, ocsf: OcsfSchema, defaults: InvarianceDefaults
) -> None:
    """Check every row of ``table``; return quietly when all hold.

    Raises:
        MappingFileError: The first row that names something unknown, deprecated or
            inconsistent, with its position as ``file:line:col``.
    """
    used_captions: set[str] = set()
    for row in table.artifacts:
        _check_artifact(row.artifact, index, row.at("artifact"))
        for prop in (*row.when, *row.activities):
            _check_property(prop, index, row.location)

        event_class = _event_class(ocsf, row)
        _activity(event_class, row.activity, row.at("activity"))
        for caption in row.activities.values():
            _activity(event_class, caption, row.at("activities"))
        used_captions.update(c.casefold() for c in event_class.activities.values())

        entity = _resolve(ocsf, event_class, row.entity, row.at("entity"))
        if entity.leaf.object_type != row.object:
            found = entity.leaf.object_type or entity.leaf.type
            msg = f"{row.entity} in {event_class.name} is {found!r}, not object {row.object!r}"
            raise MappingFileError(msg, location=row.at("object"))
        _resolve(ocsf, event_class, row.actor, row.at("actor"))

        for implied in row.implies:
            leaf = _resolve(ocsf, event_class, implied.path, implied.location).leaf
            if leaf.enum and implied.value not in leaf.enum:
                allowed = ", ".join(f"{k} {v}" for k, v in leaf.enum.items())
                msg = f"{implied.path} has no value {implied.value!r}; it takes: {allowed}"
                raise MappingFileError(msg, location=implied.location)
        for path in row.fields:
            resolved = _resolve(ocsf, event_class, path, row.at("fields"))
            if defaults.for_path(resolved) is None:
                msg = f"field {path} has no row in {defaults.origin}; add its default invariance"
                raise MappingFileError(msg, location=row.at("fields"))

        _check_sources(row, event_class, index, ocsf)

    for prop_row in table.properties:
        for prop in prop_row.properties:
            _check_property(prop, index, prop_row.location)
        for caption in prop_row.activities:
            if caption.casefold() not in used_captions:
                msg = (
                    f"activity {caption!r} is not an activity of any event class in the table; "
                    "check the caption against the OCSF classes the rows name"
                )
                raise MappingFileError(msg, location=prop_row.location)


def _check_artifact(name: str, index: D3fendIndex, location: SourceLocation) -> None:
    if name not in index.artifact_labels:
        msg = f"{name} is not a class under {_ARTIFACT_ROOT} in the loaded D3FEND ontology"
        raise MappingFileError(msg, location=location)
    if name in index.deprecated_artifacts:
        msg = f"{name} is deprecated in D3FEND; name its replacement"
        raise MappingFileError(msg, location=location)


def _check_property(name: str, index: D3fendIndex, location: SourceLocation) -> None:
    if name not in index.property_supers:
        msg = f"{name} is not an object property of the loaded D3FEND ontology"
        raise MappingFileError(msg, location=location)


def _event_class(ocsf: OcsfSchema, row: ArtifactRow) -> OcsfEventClass:
    if row.event_class not in ocsf.classes:
        try:
            found = ocsf.event_class(row.event_class).name
            hint = f"; write its name, {found!r}"
        except D3fgraphError:
            hint = "; name a class as OCSF does, such as process_activity"
        msg = f"OCSF {ocsf.version} has no event class named {row.event_class!r}{hint}"
        raise MappingFileError(msg, location=row.at("class"))
    return ocsf.classes[row.event_class]


def _activity(event_class: OcsfEventClass, caption: str, location: SourceLocation) -> None:
    if caption not in event_class.activities.values():
        allowed = ", ".join(event_class.activities.values())
        msg = f"{event_class.name} has no activity {caption!r}; it has: {allowed}"
        raise MappingFileError(msg, location=location)


def _resolve(
    ocsf: OcsfSchema, event_class: OcsfEventClass, path: str, location: SourceLocation
) -> ResolvedPath:
    try:
        return ocsf.resolve_path(event_class, path)
    except D3fgraphError as exc:
        raise MappingFileError(exc.message, location=location) from exc


def _check_sources(
    row: ArtifactRow, event_class: OcsfEventClass, index: D3fendIndex, ocsf: OcsfSchema
) -> None:
    if RowSource.OCSF_CLASS in row.sources:
        participants = {
            artifact
            for event in event_class.d3fend
            for artifact in index.participants.get(f"d3f:{event}", ())
        }
        if not any(index.is_a(row.artifact, p) for p in participants):
            refs = ", ".join(f"d3f:{e}" for e in event_class.d3fend) or "nothing"
            msg = (
                f"source ocsf-class does not hold: {event_class.name} references {refs}, "
                f"whose participants do not include {row.artifact} or an ancestor of it"
            )
            raise MappingFileError(msg, location=row.at("source"))

    if RowSource.OCSF_OBJECT in row.sources:
        object_refs = ocsf.objects[row.object].d3fend
        if not any(index.is_a(row.artifact, f"d3f:{ref}") for ref in object_refs):
            shown = ", ".join(f"d3f:{r}" for r in object_refs) or "nothing"
            msg = (
                f"source ocsf-object does not hold: object {row.object} references {shown}, "
                f"not {row.artifact} or an ancestor of it"
            )
            raise MappingFileError(msg, location=row.at("source"))
