"""Compile an OCSF schema source tree into d3fgraph's slim model, keeping what ocsf-lib drops.

ocsf-lib (0.10) compiles the tree, but its output loses the ``references`` where OCSF cites
D3FEND and the ``"profile": null`` overrides that make profile attributes part of a class, and
lets extension patches overwrite a core record's caption. This module runs ocsf-lib and then
restores those facts from the source files, read and checked by ``ocsf_source``.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from d3fgraph.errors import OcsfLoadError, SourceLocation
from d3fgraph.loaders.ocsf_model import (
    OBJECT_TYPE,
    EnumKey,
    OcsfAttribute,
    OcsfCategory,
    OcsfEventClass,
    OcsfObject,
    OcsfSchema,
    Requirement,
)
from d3fgraph.loaders.ocsf_source import SCHEMA_REPO, Source, SourceTree

if TYPE_CHECKING:
    from ocsf.schema import OcsfAttr, OcsfEvent
    from ocsf.schema import OcsfObject as LibObject
    from ocsf.schema import OcsfSchema as LibSchema

__all__ = ["compile_ocsf"]

logger = logging.getLogger(__name__)

_D3FEND_URL = re.compile(r"^https?://(?:[\w-]+\.)*d3fend\.mitre\.org/\S*?\bd3f:([A-Za-z]\w*)")


def _d3fend(sources: list[Source]) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for source in sources:
        for reference in source.data.get("references") or []:
            match = _D3FEND_URL.match(str(reference.get("url", "")))
            if match:
                names[match.group(1)] = None
    return tuple(names)


def _enum_key(key: str) -> EnumKey:
    return int(key) if key.lstrip("-").isdigit() else key


def _sort_key(item: tuple[EnumKey, str]) -> tuple[int, int, str]:
    key = item[0]
    return (0, key, "") if isinstance(key, int) else (1, 0, key)


class _Converter:
    """Turns ocsf-lib's compiled records into slim ones, with provenance from the sources."""

    __slots__ = ("lib", "tree")

    def __init__(self, tree: SourceTree, lib: LibSchema) -> None:
        self.tree = tree
        self.lib = lib

    def profile(self, value: str | list[str] | None, where: str) -> str | None:
        if isinstance(value, list):
            msg = (
                f"{where} lists several profiles {value}; d3fgraph models one profile per "
                "attribute, as every OCSF release up to 1.8.0 has"
            )
            raise OcsfLoadError(msg, location=SourceLocation(self.tree.root))
        if value is None or value in (self.lib.profiles or {}):
            return value

        candidates = [key for key in self.lib.profiles or {} if key.endswith("/" + value)]
        if len(candidates) != 1:
            msg = f"{where} comes from profile {value!r}, which the compiled schema lacks"
            raise OcsfLoadError(msg, location=SourceLocation(self.tree.root))
        return candidates[0]

    def attributes(
        self, key: str, source: Source, lib_attrs: dict[str, OcsfAttr]
    ) -> dict[str, OcsfAttribute]:
        chain = self.tree.chain(source)
        explicit_null = {
            name
            for s in chain
            for name, spec in s.attributes.items()
            if isinstance(spec, dict) and "profile" in spec and spec["profile"] is None
        }
        own: set[str] = set()
        for s in chain:
            own.update(self.tree.declared(s))

        added_by: dict[str, tuple[str | None, str | None]] = {}
        for ancestor in (s for s in chain if s.extension is None):
            for patch in self.tree.patches(ancestor):
                if patch.extension == source.extension:
                    continue
                for name, profile in self.tree.declared(patch).items():
                    if name not in own:
                        added_by.setdefault(name, (patch.extension, profile))

        result: dict[str, OcsfAttribute] = {}
        for name, attr in lib_attrs.items():
            where = f"attribute {name!r} of {key!r}"
            if name in added_by:
                extension, profile = added_by[name]
            else:
                extension = None
                profile = None if name in explicit_null else self.profile(attr.profile, where)
            result[name] = self.attribute(name, attr, profile, extension, where)
        return result

    def attribute(
        self, name: str, attr: OcsfAttr, profile: str | None, extension: str | None, where: str
    ) -> OcsfAttribute:
        object_type = attr.object_type if attr.type == "object" else None
        if object_type is None and attr.type in self.lib.objects:
            object_type = attr.type
        if object_type is None and attr.type not in self.lib.types:
            msg = f"{where} has type {attr.type!r}, which is neither a data type nor an object"
            raise OcsfLoadError(msg, location=SourceLocation(self.tree.root))

        enum = sorted(
            ((_enum_key(k), m.caption) for k, m in (attr.enum or {}).items()), key=_sort_key
        )
        return OcsfAttribute(
            name=name,
            caption=attr.caption,
            description=attr.description or "",
            type=OBJECT_TYPE if object_type else attr.type,
            object_type=object_type,
            is_array=attr.is_array,
            requirement=Requirement(attr.requirement),
            enum=dict(enum),
            profile=profile,
            group=attr.group,
            deprecated=attr.deprecated is not None,
            extension=extension,
        )

    def event_class(self, key: str, event: OcsfEvent) -> OcsfEventClass:
        source = self.tree.record(key, "events")
        category = event.category or "other"
        if category in (self.lib.categories or {}):
            category_uid = (self.lib.categories or {})[category].uid
        else:
            # Base Event sits outside categories.json; its category_uid enum holds the one value.
            category_uid = int(next(iter(_enum_of(event, "category_uid")), "0"))

        activity_enum = _enum_of(event, "activity_id")
        caption, description = _texts(source, event)
        return OcsfEventClass(
            name=key,
            caption=caption,
            description=description,
            uid=event.uid or 0,
            category=category,
            category_uid=category_uid,
            activities={int(k): m.caption for k, m in sorted(activity_enum.items(), key=_id)},
            attributes=self.attributes(key, source, event.attributes),
            profiles=tuple(sorted(self.profile(p, key) or p for p in event.profiles or [])),
            extension=source.extension,
            d3fend=_d3fend([source, *self.tree.patches(source)]),
            deprecated=event.deprecated is not None,
        )

    def object(self, key: str, obj: LibObject) -> OcsfObject:
        source = self.tree.record(key, "objects")
        caption, description = _texts(source, obj)
        return OcsfObject(
            name=key,
            caption=caption,
            description=description,
            attributes=self.attributes(key, source, obj.attributes),
            d3fend=_d3fend([source, *self.tree.patches(source)]),
            extension=source.extension,
            deprecated=obj.deprecated is not None,
        )


def _texts(source: Source, record: OcsfEvent | LibObject) -> tuple[str, str]:
    # ocsf-lib lets the last extension patch overwrite a core record's caption and description
    # (process becomes "macOS Process"), so the record's own file wins where it has them.
    caption = source.data.get("caption") or record.caption
    description = source.data.get("description") or record.description or ""
    return str(caption), str(description)


def _id(item: tuple[str, Any]) -> int:
    return int(item[0])


def _enum_of(event: OcsfEvent, name: str) -> dict[str, Any]:
    attribute = event.attributes.get(name)
    return dict(attribute.enum or {}) if attribute is not None else {}


def _run_ocsf_lib(root: Path) -> LibSchema:
    from ocsf.compile import Compilation, CompilationOptions
    from ocsf.repository import read_repo

    try:
        repo = read_repo(root, preserve_raw_data=False)
        # The defaults enable every profile and every extension under extensions/.
        return Compilation(repo, CompilationOptions()).build()
    except Exception as exc:
        # ocsf-lib signals problems with bare Exception, AssertionError and KeyError alike.
        cause = f" ({exc.__cause__})" if exc.__cause__ else ""
        msg = (
            f"ocsf-lib cannot compile the OCSF schema in {str(root)!r}: "
            f"{type(exc).__name__}: {exc}{cause}; fix the file it names, or check the tree "
            f"against {SCHEMA_REPO}"
        )
        raise OcsfLoadError(msg) from exc


def compile_ocsf(root: Path) -> OcsfSchema:
    """Compile an OCSF schema source tree, with every profile and extension enabled.

    This takes about four seconds for OCSF 1.8.0, so callers cache the result through
    ``OcsfSchema.to_dict`` and ``OcsfSchema.from_dict``.

    Args:
        root: The folder holding ``version.json``, ``events/`` and ``objects/``, such as a
            checkout of https://github.com/ocsf/ocsf-schema.

    Returns:
        The slim model, with the D3FEND references of each class and object and with each
        attribute's profile and extension provenance as the source files declare it.

    Raises:
        OcsfLoadError: The folder or ``version.json`` is missing, a file is not valid JSON, an
            ``extends`` or ``$include`` target does not exist, or ocsf-lib fails.
    """
    started = time.perf_counter()
    tree = SourceTree(Path(root))
    tree.check()
    lib = _run_ocsf_lib(tree.root)

    converter = _Converter(tree, lib)
    try:
        schema = OcsfSchema(
            version=tree.version,
            classes={k: converter.event_class(k, v) for k, v in sorted(lib.classes.items())},
            objects={k: converter.object(k, v) for k, v in sorted(lib.objects.items())},
            categories={
                k: OcsfCategory(k, v.uid, v.caption, v.description or "")
                for k, v in sorted((lib.categories or {}).items(), key=lambda kv: kv[1].uid)
            },
            profiles=tuple(sorted(lib.profiles or {})),
            extensions=tuple(sorted(lib.extensions or {})),
        )
    except (KeyError, TypeError, ValueError) as exc:
        msg = (
            f"The OCSF schema compiled from {str(tree.root)!r} is inconsistent "
            f"({type(exc).__name__}: {exc}); check the tree against {SCHEMA_REPO}"
        )
        raise OcsfLoadError(msg) from exc
    logger.info(
        "Compiled OCSF %s from %s: %d classes, %d objects in %.1f s",
        schema.version,
        tree.root,
        len(schema.classes),
        len(schema.objects),
        time.perf_counter() - started,
    )
    return schema
