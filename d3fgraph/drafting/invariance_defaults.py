"""Default invariance of OCSF attributes, which drafted models use until a curator decides.

``ontologies/mappings/invariance-defaults.yaml`` holds the rows and documents the format. A row
keyed ``object.attribute`` wins over one keyed by the bare attribute name; a model file states
the invariance of its own fields and so overrides both.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from d3fgraph.drafting._yaml import (
    MappingFileError,
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
from d3fgraph.model.vocab import InvarianceClass
from d3fgraph.model.yaml_source import Located
from d3fgraph.resources import ontology_resource

if TYPE_CHECKING:
    from d3fgraph.loaders.ocsf_model import OcsfAttribute, OcsfSchema, ResolvedPath

__all__ = [
    "FORMAT",
    "INVARIANCE_DEFAULTS_FILE",
    "InvarianceDefault",
    "InvarianceDefaults",
    "load_invariance_defaults",
    "read_invariance_defaults",
]

FORMAT: Final = "d3fgraph-invariance-defaults/1"
INVARIANCE_DEFAULTS_FILE: Final = "ontologies/mappings/invariance-defaults.yaml"


@dataclass(frozen=True, slots=True)
class InvarianceDefault:
    """The default invariance of one attribute, anywhere (``owner`` None) or in one object."""

    attribute: str
    owner: str | None
    invariance: InvarianceClass
    rationale: str
    location: SourceLocation
    core_to: str | None = None

    @property
    def key(self) -> str:
        """The row's key as the file writes it: ``pid`` or ``win/reg_value.path``."""
        return self.attribute if self.owner is None else f"{self.owner}.{self.attribute}"


@dataclass(frozen=True, slots=True)
class InvarianceDefaults:
    """Every default, and the fields a draft lists for an entity of each OCSF object."""

    rows: dict[str, InvarianceDefault]
    drafted_fields: dict[str, tuple[str, ...]]
    locations: dict[str, SourceLocation]
    origin: str = INVARIANCE_DEFAULTS_FILE

    def lookup(self, owner: str | None, attribute: str) -> InvarianceDefault | None:
        """Return the default of ``attribute`` as found in object ``owner`` (None: the class)."""
        if owner is not None and f"{owner}.{attribute}" in self.rows:
            return self.rows[f"{owner}.{attribute}"]
        return self.rows.get(attribute)

    def for_path(self, resolved: ResolvedPath) -> InvarianceDefault | None:
        """Return the default of the attribute a resolved path ends at."""
        segments = resolved.segments
        owner = segments[-2].object_type if len(segments) > 1 else None
        return self.lookup(owner, resolved.leaf.name)

    def check(self, ocsf: OcsfSchema) -> None:
        """Check every key and drafted field against the OCSF schema.

        Raises:
            MappingFileError: A key names an object or attribute OCSF lacks, or a drafted
                field does not resolve below its object or has no default.
        """
        everywhere = {n for record in _records(ocsf) for n in record}
        for row in self.rows.values():
            if row.owner is None:
                known = row.attribute in everywhere
            else:
                owner = ocsf.objects.get(row.owner)
                known = owner is not None and row.attribute in owner.attributes
            if not known:
                msg = f"OCSF {ocsf.version} has no attribute {row.key!r}; check the spelling"
                raise MappingFileError(msg, location=row.location)

        for object_name, paths in self.drafted_fields.items():
            where = self.locations[object_name]
            if object_name not in ocsf.objects:
                msg = f"OCSF {ocsf.version} has no object {object_name!r}"
                raise MappingFileError(msg, location=where)
            for path in paths:
                leaf_owner, leaf = _walk(ocsf, object_name, path, where)
                if self.lookup(leaf_owner, leaf.name) is None:
                    msg = f"drafted field {object_name}.{path} has no default row; add one"
                    raise MappingFileError(msg, location=where)


def load_invariance_defaults(path: Path | None = None) -> InvarianceDefaults:
    """Read and shape-check the defaults; by default the file shipped with d3fgraph.

    Raises:
        MappingFileError: The file is missing, not safe YAML, or breaks the format; the message
            gives the position as ``file:line:col``.
    """
    resource: Traversable | Path = path or ontology_resource("mappings", "invariance-defaults.yaml")
    origin = str(path) if path else INVARIANCE_DEFAULTS_FILE
    return _defaults(read_table(resource, origin, FORMAT), origin)


def read_invariance_defaults(text: str, origin: str = "<string>") -> InvarianceDefaults:
    """Shape-check defaults text; ``origin`` names it in errors. See the loader."""
    return _defaults(parse_table(text, origin, FORMAT), origin)


def _defaults(root: Located, origin: str) -> InvarianceDefaults:
    keys(root, ("format", "ocsf_version", "attributes", "drafted_fields"), origin)
    rows: dict[str, InvarianceDefault] = {}
    for node in entries(required(root, "attributes", list)):
        row = _row(node)
        if row.key in rows:
            first = rows[row.key].location.line
            msg = f"attribute {row.key!r} has a second row (first at line {first}); keep one"
            raise MappingFileError(msg, location=node.location)
        rows[row.key] = row

    drafted: dict[str, tuple[str, ...]] = {}
    locations: dict[str, SourceLocation] = {}
    fields = required(root, "drafted_fields", dict)
    where = fields.key_locations or {}
    for object_name, node in fields.value.items():
        drafted[object_name] = text_list(node)
        locations[object_name] = where.get(object_name, node.location)
    return InvarianceDefaults(rows, drafted, locations, origin)


def _row(node: Located) -> InvarianceDefault:
    keys(node, ("attribute", "invariance", "core_to", "rationale"), "an attribute row")
    key = required(node, "attribute", str)
    owner, _, attribute = key.value.rpartition(".")
    if not attribute or (owner == "" and "." in key.value):
        msg = f"{key.value!r} is not an attribute key; write name or object.name"
        raise MappingFileError(msg, location=key.location)

    raw = required(node, "invariance", str)
    allowed = [str(value) for value in InvarianceClass]
    if raw.value not in allowed:
        msg = f"invalid invariance class {raw.value!r}; use one of: {', '.join(allowed)}"
        raise MappingFileError(msg, location=raw.location)
    invariance = InvarianceClass(raw.value)

    core_to = optional(node, "core_to", str)
    if core_to is not None and core_to.value not in CORE_TO_VALUES:
        msg = f"core_to {core_to.value!r} is not one of: {', '.join(CORE_TO_VALUES)}"
        raise MappingFileError(msg, location=core_to.location)
    if core_to is not None and invariance is not InvarianceClass.INVARIANT:
        msg = "core_to applies to invariant rows only; remove it or mark the row invariant"
        raise MappingFileError(msg, location=core_to.location)

    rationale = " ".join(required(node, "rationale", str).value.split())
    if not rationale:
        msg = "the rationale is empty; say why the attribute has this invariance"
        raise MappingFileError(msg, location=node.location)
    return InvarianceDefault(
        attribute=attribute,
        owner=owner or None,
        invariance=invariance,
        rationale=rationale,
        location=node.location,
        core_to=core_to.value if core_to else None,
    )


def _records(ocsf: OcsfSchema) -> list[dict[str, OcsfAttribute]]:
    return [o.attributes for o in ocsf.objects.values()] + [
        c.attributes for c in ocsf.classes.values()
    ]


def _walk(
    ocsf: OcsfSchema, object_name: str, path: str, where: SourceLocation
) -> tuple[str, OcsfAttribute]:
    owner = object_name
    attribute = None
    for depth, name in enumerate(path.split(".")):
        if depth and (attribute is None or attribute.object_type is None):
            msg = f"drafted field {object_name}.{path} descends into a scalar at {name!r}"
            raise MappingFileError(msg, location=where)
        if attribute is not None and attribute.object_type is not None:
            owner = attribute.object_type
        attribute = ocsf.objects[owner].attributes.get(name)
        if attribute is None:
            msg = f"drafted field {object_name}.{path}: object {owner!r} has no {name!r}"
            raise MappingFileError(msg, location=where)
    if attribute is None:
        msg = f"drafted field {object_name}.{path!r} is empty"
        raise MappingFileError(msg, location=where)
    return owner, attribute
