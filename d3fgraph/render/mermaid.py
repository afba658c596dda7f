"""Render an event model as a Mermaid flowchart, in the shape of the technique card.

Labels may hold any text a user writes in a model file. Mermaid has no backslash escapes; it
reads ``#name;`` and ``#123;`` entity codes inside quoted labels, so every character that could
end a label, start a comment or be taken for markup is written as such a code.
"""

from __future__ import annotations

import re
from typing import Final

from d3fgraph.model.event_model import Entity, EventModel, Relation
from d3fgraph.model.vocab import Role

__all__ = ["ROLE_STYLES", "escape_label", "node_id", "render_mermaid"]

INIT_DIRECTIVE: Final = (
    '%%{init: {"theme": "dark", "themeVariables": '
    '{"edgeLabelBackground": "#18181b", "lineColor": "#52525b"}}}%%'
)

#: Fill, stroke and text colour of each role, as the card draws them.
ROLE_STYLES: Final[dict[Role, str]] = {
    Role.ATTACKER: "fill:#7c2d12,stroke:#ea580c,color:#fed7aa",
    Role.VICTIM: "fill:#1e3a5f,stroke:#3b82f6,color:#bfdbfe",
    Role.POST_SUCCESS: "fill:#78350f,stroke:#d97706,color:#fde68a",
    Role.TAINTED: "fill:#18181b,stroke:#52525b,color:#a1a1aa",
}

#: Flowchart keywords that break the parser when used as a node id.
_RESERVED_IDS: Final = frozenset(
    {
        "end", "graph", "flowchart", "subgraph", "style", "classdef", "class", "click",
        "linkstyle", "call", "href", "default", "direction", "event",
    }
)  # fmt: skip

_ESCAPES: Final = {
    "#": "#35;",
    '"': "#quot;",
    "\\": "#92;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
}
_LINE_BREAK: Final = "\\n"
_NON_ID: Final = re.compile(r"[^A-Za-z0-9_]")


def escape_label(text: str) -> str:
    """Return ``text`` safe inside a double-quoted Mermaid label, line breaks kept as ``\\n``.

    Characters are replaced one at a time, so the ``#`` that starts an entity code is never
    escaped a second time.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = ["".join(_ESCAPES.get(char, char) for char in line) for line in lines]
    return _LINE_BREAK.join(escaped)


def node_id(entity_id: str) -> str:
    """Return a node id the flowchart parser accepts for ``entity_id``.

    Model ids are already plain words; this guards against the keywords (``end``) and any
    character a hand-built model could still carry.
    """
    candidate = _NON_ID.sub("_", entity_id) or "node"
    if candidate.lower() in _RESERVED_IDS or not candidate[0].isalpha():
        candidate = f"n_{candidate}"
    return candidate


def render_mermaid(model: EventModel) -> str:
    """Return the Mermaid text of ``model``'s event diagram, ending with a newline."""
    lines = [INIT_DIRECTIVE, "graph TD"]
    lines.extend(f"classDef {role} {style}" for role, style in ROLE_STYLES.items())

    event_label = f"{model.event.class_caption}\n· {model.event.activity_caption}"
    lines.append(f'EVENT(["{escape_label(event_label)}"])')
    lines.extend(_entity_node(entity) for entity in model.entities)
    lines.extend(f"EVENT --> {node_id(entity.id)}" for entity in model.entities)
    lines.extend(_relation_edge(rel) for rel in model.relations)
    return "\n".join(lines) + "\n"


def _relation_edge(relation: Relation) -> str:
    source, target = node_id(relation.source), node_id(relation.target)
    # The parser refuses an empty edge label, so an unlabelled relation is a bare arrow.
    if not relation.label.strip():
        return f"{source} -.-> {target}"
    return f'{source} -.->|"{escape_label(relation.label)}"| {target}'


def _entity_node(entity: Entity) -> str:
    parts = [entity.name, entity.ocsf_path, entity.d3fend_class]
    if entity.role is Role.TAINTED:
        parts.append("⚠ tainted")
    label = "\n".join(parts)
    return f'{node_id(entity.id)}["{escape_label(label)}"]:::{entity.role}'
