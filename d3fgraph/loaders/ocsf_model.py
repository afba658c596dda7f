"""A slim, JSON-cacheable view of a compiled OCSF schema, with lookups by name, caption and uid.

ocsf-lib's compiled schema holds everything the OCSF server publishes and takes seconds to
build. Event models need only names, types, enums and where each attribute comes from (the
class itself, a profile or an extension), and the warm path must load them from a cache in
milliseconds, so this module imports nothing from ocsf-lib.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Final, TypeAlias

from d3fgraph.errors import OcsfLoadError, UnknownOcsfActivityError, UnknownOcsfClassError
from d3fgraph.loaders.ocsf_path import ResolvedPath, closest, walk_path

__all__ = [
    "MODEL_FORMAT",
    "OBJECT_TYPE",
    "EnumKey",
    "OcsfAttribute",
    "OcsfCategory",
    "OcsfEventClass",
    "OcsfObject",
    "OcsfSchema",
    "Requirement",
    "ResolvedPath",
]

OBJECT_TYPE: Final = "object_t"
"""The ``type`` of an attribute whose value is an OCSF object, named in ``object_type``."""

MODEL_FORMAT: Final = 1
"""Version of the ``to_dict`` layout, so a cache written by another layout is rejected."""

EnumKey: TypeAlias = int | str
"""Enum keys are integers, except for a few string enums such as ``http_method`` (``GET``)."""


class Requirement(StrEnum):
    """How strongly OCSF asks producers to fill an attribute."""

    REQUIRED = "required"
    RECOMMENDED = "recommended"
    OPTIONAL = "optional"


# A plain dict lookup is several times faster than calling the enum, which from_dict does 2,500
# times on the warm path.
_REQUIREMENTS: Final = {r.value: r for r in Requirement}


def _plain(record: Any, **converted: Any) -> dict[str, Any]:
    # Every field, in declaration order, with the non-JSON ones replaced by their conversions.
    return {f.name: converted.get(f.name, getattr(record, f.name)) for f in fields(record)}


def _pairs(mapping: Mapping[Any, str]) -> list[list[Any]]:
    # JSON objects only have string keys; pairs keep 4 and "GET" apart through a round trip.
    return [[key, caption] for key, caption in mapping.items()]


@dataclass(frozen=True, slots=True)
class OcsfAttribute:
    """One attribute of an event class or object, as seen from that class or object.

    ``profile`` and ``extension`` describe what a producer must enable for the attribute to
    exist: ``profile`` is a key of ``OcsfSchema.profiles`` (``"cloud"``,
    ``"linux/linux_users"``) and ``extension`` the extension that adds the attribute to a record
    it does not own. Both are ``None`` for attributes that belong to the record itself. When
    several extensions add the same attribute, the first extension by name is recorded with the
    profile it brings the attribute through, which is one sufficient way to get it.
    """

    name: str
    caption: str
    description: str
    type: str
    object_type: str | None = None
    is_array: bool = False
    requirement: Requirement = Requirement.OPTIONAL
    enum: dict[EnumKey, str] = field(default_factory=dict)
    profile: str | None = None
    group: str | None = None
    deprecated: bool = False
    extension: str | None = None

    def __post_init__(self) -> None:
        if not self.name:
            msg = "An OCSF attribute needs a non-empty name"
            raise ValueError(msg)

        if (self.type == OBJECT_TYPE) != (self.object_type is not None):
            msg = (
                f"OCSF attribute {self.name!r} has type {self.type!r} and object_type "
                f"{self.object_type!r}; object_type is set exactly when type is {OBJECT_TYPE!r}"
            )
            raise ValueError(msg)

        if not isinstance(self.requirement, Requirement):
            if self.requirement not in _REQUIREMENTS:
                allowed = ", ".join(_REQUIREMENTS)
                msg = f"OCSF attribute {self.name!r}: requirement must be one of {allowed}"
                raise ValueError(msg)
            object.__setattr__(self, "requirement", _REQUIREMENTS[self.requirement])

    @property
    def is_object(self) -> bool:
        """Whether the value is an OCSF object, so a path may continue below it."""
        return self.object_type is not None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict that ``from_dict`` turns back into an equal attribute."""
        return _plain(self, requirement=self.requirement.value, enum=_pairs(self.enum))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OcsfAttribute:
        """Rebuild an attribute from ``to_dict`` output."""
        return cls(
            name=data["name"],
            caption=data["caption"],
            description=data["description"],
            type=data["type"],
            object_type=data["object_type"],
            is_array=data["is_array"],
            requirement=_REQUIREMENTS[data["requirement"]],
            enum=dict(data["enum"]),
            profile=data["profile"],
            group=data["group"],
            deprecated=data["deprecated"],
            extension=data["extension"],
        )


def _check_keys(owner: str, attributes: Mapping[str, OcsfAttribute]) -> None:
    for key, attribute in attributes.items():
        if key != attribute.name:
            msg = f"{owner}: attribute stored under {key!r} is named {attribute.name!r}"
            raise ValueError(msg)


def _attributes_from(
    data: Mapping[str, Any], shared: Sequence[OcsfAttribute] | None
) -> dict[str, OcsfAttribute]:
    if shared is None:
        return {item["name"]: OcsfAttribute.from_dict(item) for item in data["attributes"]}
    return {shared[i].name: shared[i] for i in data["attributes"]}


@dataclass(frozen=True, slots=True)
class OcsfObject:
    """An OCSF object such as ``process``; extension objects are named ``win/reg_key``.

    ``d3fend`` holds the local names of the D3FEND classes that the object's own source file
    (and any extension file patching it) cites in ``references``, e.g. ``("Process",)``.
    """

    name: str
    caption: str
    description: str
    attributes: dict[str, OcsfAttribute]
    d3fend: tuple[str, ...] = ()
    extension: str | None = None
    deprecated: bool = False

    def __post_init__(self) -> None:
        _check_keys(f"OCSF object {self.name!r}", self.attributes)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict that ``from_dict`` turns back into an equal object."""
        attributes = [a.to_dict() for a in self.attributes.values()]
        return _plain(self, attributes=attributes, d3fend=list(self.d3fend))

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], shared: Sequence[OcsfAttribute] | None = None
    ) -> OcsfObject:
        """Rebuild an object from ``to_dict`` output.

        Args:
            data: The dict; its ``attributes`` are indices into ``shared`` when that is given.
            shared: The attribute table of a schema dict, see ``OcsfSchema.to_dict``.
        """
        return cls(
            name=data["name"],
            caption=data["caption"],
            description=data["description"],
            attributes=_attributes_from(data, shared),
            d3fend=tuple(data["d3fend"]),
            extension=data["extension"],
            deprecated=data["deprecated"],
        )


@dataclass(frozen=True, slots=True)
class OcsfCategory:
    """An OCSF event category such as ``system`` (uid 1)."""

    name: str
    uid: int
    caption: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class OcsfEventClass:
    """An OCSF event class such as ``process_activity``, with every profile's attributes.

    ``uid`` is the published ``class_uid``: ``category_uid * 1000 + uid`` for core classes and
    ``extension_uid * 100000 + category_uid * 1000 + uid`` for extension classes (Registry Key
    Activity of the Windows extension is 201001). ``extension`` names the extension that defines
    the class, and then ``name`` carries it as a prefix (``win/registry_key_activity``).
    """

    name: str
    caption: str
    description: str
    uid: int
    category: str
    category_uid: int
    activities: dict[int, str]
    attributes: dict[str, OcsfAttribute]
    profiles: tuple[str, ...] = ()
    extension: str | None = None
    d3fend: tuple[str, ...] = ()
    deprecated: bool = False

    def __post_init__(self) -> None:
        if self.uid < 0 or self.category_uid < 0:
            msg = f"OCSF event class {self.name!r}: uid and category_uid cannot be negative"
            raise ValueError(msg)

        _check_keys(f"OCSF event class {self.name!r}", self.attributes)

    def activity(self, key: str | int) -> tuple[int, str]:
        """Return ``(activity_id, caption)`` for an activity id or caption.

        Args:
            key: ``4``, ``"4"`` or the caption in any case (``"inject"``).

        Raises:
            UnknownOcsfActivityError: The class defines no such activity; the message lists
                the ones it does.
        """
        text = str(key).strip()
        if text.isdigit() and int(text) in self.activities:
            return int(text), self.activities[int(text)]

        for activity_id, caption in self.activities.items():
            if caption.casefold() == text.casefold():
                return activity_id, caption

        allowed = [f"{i} {caption}" for i, caption in sorted(self.activities.items())]
        raise UnknownOcsfActivityError(key, self.name, allowed)

    def type_uid(self, activity: str | int) -> int:
        """Return the OCSF ``type_uid`` (``class_uid * 100 + activity_id``) of an activity.

        Raises:
            UnknownOcsfActivityError: The class defines no such activity.
        """
        activity_id, _ = self.activity(activity)
        return self.uid * 100 + activity_id

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict that ``from_dict`` turns back into an equal class."""
        return _plain(
            self,
            activities=_pairs(self.activities),
            attributes=[a.to_dict() for a in self.attributes.values()],
            profiles=list(self.profiles),
            d3fend=list(self.d3fend),
        )

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], shared: Sequence[OcsfAttribute] | None = None
    ) -> OcsfEventClass:
        """Rebuild an event class from ``to_dict`` output.

        Args:
            data: The dict; its ``attributes`` are indices into ``shared`` when that is given.
            shared: The attribute table of a schema dict, see ``OcsfSchema.to_dict``.
        """
        return cls(
            name=data["name"],
            caption=data["caption"],
            description=data["description"],
            uid=data["uid"],
            category=data["category"],
            category_uid=data["category_uid"],
            activities=dict(data["activities"]),
            attributes=_attributes_from(data, shared),
            profiles=tuple(data["profiles"]),
            extension=data["extension"],
            d3fend=tuple(data["d3fend"]),
            deprecated=data["deprecated"],
        )


@dataclass(frozen=True, slots=True)
class OcsfSchema:
    """The slim OCSF model: event classes, objects, categories, profiles and extensions."""

    version: str
    classes: dict[str, OcsfEventClass]
    objects: dict[str, OcsfObject]
    categories: dict[str, OcsfCategory]
    profiles: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        records: list[tuple[str, OcsfEventClass | OcsfObject]] = [
            *self.classes.items(),
            *self.objects.items(),
        ]
        for name, record in records:
            if name != record.name:
                msg = f"OCSF record stored under {name!r} is named {record.name!r}"
                raise ValueError(msg)

            # Path resolution follows object_type blindly, so a dangling one must fail here.
            for attribute in record.attributes.values():
                if attribute.object_type is not None and attribute.object_type not in self.objects:
                    msg = (
                        f"OCSF attribute {name}.{attribute.name} has object type "
                        f"{attribute.object_type!r}, which is not an object of the schema"
                    )
                    raise ValueError(msg)

    def event_class(self, key: str | int) -> OcsfEventClass:
        """Return the event class with this name, caption (any case) or class_uid.

        Args:
            key: ``"process_activity"``, ``"Process Activity"``, ``1007`` or ``"1007"``.

        Raises:
            UnknownOcsfClassError: No class matches; the message suggests close names.
        """
        text = str(key).strip()
        if text in self.classes:
            return self.classes[text]

        folded = text.casefold()
        for event_class in self.classes.values():
            if event_class.caption.casefold() == folded or str(event_class.uid) == text:
                return event_class

        pool = {name: name for name in self.classes}
        pool.update({c.caption.casefold(): c.caption for c in self.classes.values()})
        raise UnknownOcsfClassError(key, suggestions=closest(folded, pool))

    def resolve_path(self, event_class: OcsfEventClass | str | int, path: str) -> ResolvedPath:
        """Walk a dotted path such as ``actor.process.file.path`` through attributes and objects.

        Args:
            event_class: The class, or a key accepted by ``event_class``.
            path: Attribute names separated by dots; arrays are walked like single values.

        Raises:
            InvalidOcsfPathError: A segment is empty, is not an attribute of the object reached
                so far (with close names suggested), or follows a scalar attribute.
            UnknownOcsfClassError: ``event_class`` names no class.
        """
        if not isinstance(event_class, OcsfEventClass):
            event_class = self.event_class(event_class)
        return walk_path(self, event_class, path)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict that ``from_dict`` turns back into an equal schema.

        Attributes inherited from a common ancestor are equal in every class, so they are
        written once in an ``attributes`` table and classes and objects list indices into it:
        2,516 distinct attributes instead of 7,203 for OCSF 1.8.0, which is what keeps
        ``from_dict`` fast.
        """
        table: dict[tuple[Any, ...], int] = {}
        rows: list[dict[str, Any]] = []

        def refs(attributes: Mapping[str, OcsfAttribute]) -> list[int]:
            found = []
            for attribute in attributes.values():
                row = attribute.to_dict()
                key = tuple((k, repr(v)) for k, v in row.items())
                if key not in table:
                    table[key] = len(rows)
                    rows.append(row)
                found.append(table[key])
            return found

        objects = [{**o.to_dict(), "attributes": refs(o.attributes)} for o in self.objects.values()]
        classes = [{**c.to_dict(), "attributes": refs(c.attributes)} for c in self.classes.values()]
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "categories": [
                [c.name, c.uid, c.caption, c.description] for c in self.categories.values()
            ],
            "profiles": list(self.profiles),
            "extensions": list(self.extensions),
            "attributes": rows,
            "objects": objects,
            "classes": classes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OcsfSchema:
        """Rebuild the schema from ``to_dict`` output, typically read back from a JSON cache.

        Equal attributes come back as one shared instance, which is safe as they are frozen.

        Raises:
            OcsfLoadError: The data was written by another layout or is damaged; compile the
                OCSF source again with ``compile_ocsf`` and rewrite the cache.
        """
        try:
            if data["format"] != MODEL_FORMAT:
                msg = f"layout {data['format']!r} where this d3fgraph reads {MODEL_FORMAT}"
                raise ValueError(msg)

            shared = [OcsfAttribute.from_dict(row) for row in data["attributes"]]
            return cls(
                version=data["version"],
                classes={c["name"]: OcsfEventClass.from_dict(c, shared) for c in data["classes"]},
                objects={o["name"]: OcsfObject.from_dict(o, shared) for o in data["objects"]},
                categories={c[0]: OcsfCategory(*c) for c in data["categories"]},
                profiles=tuple(data["profiles"]),
                extensions=tuple(data["extensions"]),
            )
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            msg = (
                f"Cannot read the cached OCSF model ({type(exc).__name__}: {exc}); "
                "compile the OCSF source again with compile_ocsf and rewrite the cache"
            )
            raise OcsfLoadError(msg) from exc
