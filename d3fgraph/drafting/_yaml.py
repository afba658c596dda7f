"""Typed reading of the drafting tables' YAML, with errors that point at the offending value."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Final

from d3fgraph.detection import MappingFileError
from d3fgraph.errors import ModelFileError, SourceLocation
from d3fgraph.model.yaml_source import Located, load_located_yaml

__all__ = [
    "MappingFileError",
    "d3f_name",
    "entries",
    "keys",
    "optional",
    "parse_table",
    "read_table",
    "required",
    "text_list",
]

_D3F_NAME: Final = re.compile(r"d3f:[A-Za-z][A-Za-z0-9_.-]*")
_KINDS: Final = {str: "text", int: "a whole number", dict: "a mapping", list: "a list"}


def read_table(resource: Traversable | Path, origin: str, fmt: str) -> Located:
    """Read one table as safe YAML and check its ``format`` key.

    Raises:
        MappingFileError: The file cannot be read, is not safe YAML, or has another format.
    """
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read {origin}: {exc.strerror or exc}"
        raise MappingFileError(msg, location=SourceLocation(origin)) from exc
    return parse_table(text, origin, fmt)


def parse_table(text: str, origin: str, fmt: str) -> Located:
    """Parse table text; ``origin`` names it in error locations. See ``read_table``."""
    try:
        root = load_located_yaml(text, origin)
    except ModelFileError as exc:
        message = exc.message.replace("a model file is", "a drafting table is")
        raise MappingFileError(message, location=exc.location) from exc

    found = required(root, "format", str)
    if found.value != fmt:
        msg = f"format {found.value!r} is not supported; this version of d3fgraph reads {fmt!r}"
        raise MappingFileError(msg, location=found.location)
    return root


def keys(node: Located, allowed: Collection[str], what: str) -> dict[str, Located]:
    """Return a mapping node's entries after refusing keys outside ``allowed``.

    Raises:
        MappingFileError: ``node`` is not a mapping or holds an unknown key.
    """
    if not isinstance(node.value, dict):
        msg = f"{what} must be a mapping of keys to values, found {_kind(node.value)}"
        raise MappingFileError(msg, location=node.location)

    where = node.key_locations or {}
    for key in node.value:
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            msg = f"unknown key {key!r} in {what}{hint}; allowed keys: {', '.join(allowed)}"
            raise MappingFileError(msg, location=where.get(key, node.location))
    return dict(node.value)


def optional(node: Located, key: str, kind: type) -> Located | None:
    """Return the value under ``key``, checked to be of ``kind``, or ``None`` when absent.

    Raises:
        MappingFileError: The value is of another kind.
    """
    child: Located | None = node.value.get(key) if isinstance(node.value, dict) else None
    if child is None or child.value is None:
        return None
    if isinstance(child.value, bool) or not isinstance(child.value, kind):
        msg = f"{key!r} must hold {_KINDS[kind]}, not {_kind(child.value)}"
        raise MappingFileError(msg, location=child.location)
    return child


def required(node: Located, key: str, kind: type) -> Located:
    """Return the value under ``key``, checked to be of ``kind``.

    Raises:
        MappingFileError: The key is missing or null, or its value is of another kind.
    """
    child = optional(node, key, kind)
    if child is None:
        msg = f"missing key {key!r}: it must hold {_KINDS[kind]}"
        raise MappingFileError(msg, location=node.location)
    return child


def entries(node: Located) -> list[Located]:
    """Return the items of a list node.

    Raises:
        MappingFileError: ``node`` is not a non-empty list.
    """
    if not isinstance(node.value, list) or not node.value:
        msg = f"expected a non-empty list, found {_kind(node.value)}"
        raise MappingFileError(msg, location=node.location)
    return list(node.value)


def text_list(node: Located) -> tuple[str, ...]:
    """Return the strings of a non-empty list of text.

    Raises:
        MappingFileError: ``node`` is not a non-empty list of text.
    """
    found = []
    for item in entries(node):
        if not isinstance(item.value, str) or not item.value.strip():
            msg = f"list entries must be non-empty text, not {_kind(item.value)}"
            raise MappingFileError(msg, location=item.location)
        found.append(item.value)
    return tuple(found)


def d3f_name(node: Located) -> str:
    """Return a D3FEND name written as ``d3f:Name``.

    Raises:
        MappingFileError: The value is not text of that shape.
    """
    value = node.value
    if not isinstance(value, str) or not _D3F_NAME.fullmatch(value):
        msg = f"{value!r} is not a D3FEND name; write it as d3f:Name, for example d3f:Process"
        raise MappingFileError(msg, location=node.location)
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
