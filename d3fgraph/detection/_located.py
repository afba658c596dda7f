"""Typed access to a position-keeping YAML tree, raising errors that point at the bad value."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any

from d3fgraph.errors import EXIT_DATA, D3fgraphError, ModelFileError
from d3fgraph.model.yaml_source import Located, load_located_yaml

__all__ = ["MappingFileError", "items", "only", "optional", "parse", "required", "scalar_list"]

_KINDS: dict[type, str] = {str: "text", int: "an integer", dict: "a mapping", list: "a list"}


class MappingFileError(D3fgraphError, ValueError):
    """A shipped mapping file that cannot be read or does not follow its format.

    The file ships with d3fgraph, so a broken one is a data failure rather than bad input.
    """

    exit_code = EXIT_DATA


def parse(text: str, origin: str) -> Located:
    """Parse one safe YAML document, keeping the position of every value.

    Raises:
        MappingFileError: The text is not YAML, holds a tag or a repeated key, or is empty.
    """
    try:
        return load_located_yaml(text, origin)
    except ModelFileError as exc:
        message = exc.message.replace("a model file is", "a mapping file is")
        raise MappingFileError(message, location=exc.location) from exc


def only(node: Located, allowed: Collection[str]) -> None:
    """Refuse keys outside ``allowed`` in a mapping node, so a misspelt key is not ignored.

    Raises:
        MappingFileError: ``node`` is not a mapping, or holds a key not allowed there.
    """
    for key, child in _mapping(node).items():
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            msg = f"unknown key {key!r}; {hint}keys allowed here: {', '.join(sorted(allowed))}"
            raise MappingFileError(msg, location=child.location)


def optional(node: Located, key: str, kind: type | None = None) -> Located | None:
    """Return the value under ``key`` of a mapping node, or ``None`` when it is absent or null.

    Raises:
        MappingFileError: ``node`` is not a mapping, or the value is not of ``kind``.
    """
    mapping = _mapping(node)
    child = mapping.get(key)
    if child is None or child.value is None:
        return None
    if kind is not None:
        _check(child, key, kind)
    return child


def required(node: Located, key: str, kind: type) -> Located:
    """Return the value under ``key`` of a mapping node, checked to be of ``kind``.

    Raises:
        MappingFileError: The key is missing or null, or its value is of another kind.
    """
    child = optional(node, key, kind)
    if child is None:
        msg = f"missing key {key!r}: it must hold {_KINDS[kind]}"
        raise MappingFileError(msg, location=node.location)
    return child


def items(node: Located) -> list[tuple[str, Located]]:
    """Return the entries of a mapping node in file order.

    Raises:
        MappingFileError: ``node`` is not a mapping.
    """
    return list(_mapping(node).items())


def scalar_list(node: Located) -> tuple[Any, ...]:
    """Return the plain values of a non-empty list of text or integers.

    Raises:
        MappingFileError: ``node`` is not a list, is empty, or holds another kind of value.
    """
    if not isinstance(node.value, list) or not node.value:
        msg = "expected a non-empty list of text or integers, such as [LoadLibraryA, LoadLibraryW]"
        raise MappingFileError(msg, location=node.location)
    for item in node.value:
        if isinstance(item.value, bool) or not isinstance(item.value, str | int):
            msg = f"list entries must be text or integers, not {item.plain()!r}"
            raise MappingFileError(msg, location=item.location)
    return tuple(item.value for item in node.value)


def _mapping(node: Located) -> dict[str, Located]:
    if not isinstance(node.value, dict):
        msg = f"expected a mapping of keys to values, found {type(node.plain()).__name__}"
        raise MappingFileError(msg, location=node.location)
    return node.value


def _check(child: Located, key: str, kind: type) -> None:
    value = child.value
    wrong = isinstance(value, bool) or not isinstance(value, kind)
    if wrong:
        shown = child.plain()
        msg = f"{key!r} must hold {_KINDS[kind]}, not {shown!r}"
        raise MappingFileError(msg, location=child.location)
