"""Safe YAML reading that keeps the line of every value, so errors can point at it.

PyYAML's safe loader refuses tags that build Python objects but forgets where each value came
from and silently keeps the last of two equal keys. Walking the composed node tree ourselves
keeps both the position and the duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from d3fgraph.errors import ModelFileError, SourceLocation

__all__ = ["Located", "load_located_yaml"]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True, slots=True)
class Located:
    """A YAML value with the place it was read from.

    Mappings hold ``dict[str, Located]``, sequences ``list[Located]``, scalars Python values.
    """

    value: Any
    location: SourceLocation
    key_locations: dict[str, SourceLocation] | None = None

    def plain(self) -> Any:
        """Return the value with every position stripped."""
        if isinstance(self.value, dict):
            return {key: item.plain() for key, item in self.value.items()}
        if isinstance(self.value, list):
            return [item.plain() for item in self.value]
        return self.value


def load_located_yaml(text: str, path: Path | str) -> Located:
    """Parse ``text`` as one YAML document, keeping positions.

    Args:
        text: The YAML source.
        path: Where it came from, used in error locations only.

    Raises:
        ModelFileError: The text is not YAML, holds several documents, uses a tag that would
            build an object, or repeats a key in one mapping.
    """
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = _location(path, mark)
        msg = f"not valid YAML: {exc.problem or exc.context}; fix the syntax at this position"
        raise ModelFileError(msg, location=location) from exc
    except yaml.YAMLError as exc:
        msg = f"not valid YAML: {exc}"
        raise ModelFileError(msg, location=SourceLocation(path)) from exc

    if not nodes:
        msg = "the file is empty; a model file is a YAML mapping (see docs/model-format.md)"
        raise ModelFileError(msg, location=SourceLocation(path))
    if len(nodes) > 1:
        msg = "the file holds several YAML documents; put one model in each file"
        raise ModelFileError(msg, location=_location(path, nodes[1].start_mark))
    return _convert(nodes[0], path, set())


def _convert(node: yaml.Node, path: Path | str, seen: set[int]) -> Located:
    location = _location(path, node.start_mark)

    # An alias hands back the node of its anchor: refusing a node seen before stops both the
    # anchor that contains itself and the alias chains that blow up to billions of nodes.
    if isinstance(node, yaml.CollectionNode):
        if id(node) in seen:
            msg = (
                "this value is repeated through an alias (* of an & anchor); anchors and "
                "aliases are not allowed in model files, write the value out"
            )
            raise ModelFileError(msg, location=location)
        seen.add(id(node))

    if isinstance(node, yaml.MappingNode):
        items: dict[str, Located] = {}
        keys: dict[str, SourceLocation] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, path, seen)
            if not isinstance(key.value, str):
                msg = f"mapping keys must be text, found {key.value!r}"
                raise ModelFileError(msg, location=key.location)
            if key.value in items:
                first = items[key.value].location.line
                msg = f"key {key.value!r} appears twice in one mapping (first at line {first})"
                raise ModelFileError(msg, location=key.location)
            items[key.value] = _convert(value_node, path, seen)
            keys[key.value] = key.location
        return Located(items, location, keys)

    if isinstance(node, yaml.SequenceNode):
        return Located([_convert(item, path, seen) for item in node.value], location)

    if node.tag not in _SCALAR_TAGS:
        msg = (
            f"YAML tag {node.tag!r} is not allowed: model files are plain data, and tags that "
            "construct objects are refused; remove the tag"
        )
        raise ModelFileError(msg, location=location)

    constructor = yaml.SafeLoader(stream="")
    try:
        value = constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        msg = f"cannot read the value {node.value!r}: {exc}"
        raise ModelFileError(msg, location=location) from exc
    finally:
        constructor.dispose()
    return Located(value, location)


def _location(path: Path | str, mark: yaml.Mark | None) -> SourceLocation:
    if mark is None:
        return SourceLocation(path)
    return SourceLocation(path, mark.line + 1, mark.column + 1)
