"""Dotted OCSF attribute paths, such as ``actor.process.file.path``, checked against a class.

Kept apart from the model so that the records stay plain data; ``OcsfSchema.resolve_path`` is
the entry point and ``ocsf_model`` re-exports ``ResolvedPath``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from d3fgraph.errors import InvalidOcsfPathError

if TYPE_CHECKING:
    from d3fgraph.loaders.ocsf_model import OcsfAttribute, OcsfEventClass, OcsfSchema

__all__ = ["ResolvedPath", "closest", "walk_path"]


@dataclass(frozen=True, slots=True)
class ResolvedPath:
    """A dotted attribute path checked against an event class, one attribute per segment.

    ``requires`` lists what a producer must enable for every segment to exist, as
    ``"profile:<name>"`` and ``"extension:<name>"`` entries in sorted order; it is empty when
    the path is native to the class.
    """

    path: str
    segments: tuple[OcsfAttribute, ...]
    requires: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.segments) != len(self.path.split(".")):
            msg = f"Resolved path {self.path!r} needs exactly one attribute per segment"
            raise ValueError(msg)

    @property
    def native(self) -> bool:
        """Whether the path exists in the class without enabling a profile or extension."""
        return not self.requires

    @property
    def leaf(self) -> OcsfAttribute:
        """The attribute the path ends at."""
        return self.segments[-1]


def closest(word: str, candidates: Mapping[str, str]) -> list[str]:
    """Return up to three ``candidates`` values whose keys are close to ``word``, best first."""
    matches = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    return list(dict.fromkeys(candidates[m] for m in matches))


def walk_path(schema: OcsfSchema, event_class: OcsfEventClass, path: str) -> ResolvedPath:
    """Resolve ``path`` in ``event_class``; see ``OcsfSchema.resolve_path`` for the errors."""
    names = path.split(".")
    if not all(names):
        reason = "it has an empty segment; separate attribute names by single dots"
        raise InvalidOcsfPathError(path, event_class.name, reason)

    attributes: Mapping[str, OcsfAttribute] = event_class.attributes
    owner = f"event class {event_class.name!r}"
    segments: list[OcsfAttribute] = []
    for depth, name in enumerate(names):
        if depth and not segments[-1].is_object:
            parent = segments[-1]
            reason = (
                f"it descends into a scalar: {'.'.join(names[:depth])!r} is {parent.type}, "
                f"which has no attribute {name!r}"
            )
            raise InvalidOcsfPathError(path, event_class.name, reason)

        attribute = attributes.get(name)
        if attribute is None:
            prefix = ".".join([*names[:depth], ""])
            close = closest(name, {n: prefix + n for n in attributes})
            reason = f"segment {name!r} is not an attribute of {owner}"
            raise InvalidOcsfPathError(path, event_class.name, reason, suggestions=close)

        segments.append(attribute)
        if attribute.object_type is not None:
            target = schema.objects[attribute.object_type]
            attributes = target.attributes
            owner = f"object {target.name!r} (at {'.'.join(names[: depth + 1])!r})"

    return ResolvedPath(path, tuple(segments), _requirements(event_class, segments))


def _requirements(event_class: OcsfEventClass, segments: list[OcsfAttribute]) -> tuple[str, ...]:
    needed: set[str] = set()
    for attribute in segments:
        if attribute.profile is not None:
            needed.add(f"profile:{attribute.profile}")
        if attribute.extension is not None and attribute.extension != event_class.extension:
            needed.add(f"extension:{attribute.extension}")
    return tuple(sorted(needed))
