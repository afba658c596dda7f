"""d3fgraph: how ATT&CK techniques look in OCSF telemetry, joined from MITRE D3FEND and OCSF.

The names below are imported on first use, so that ``import d3fgraph`` stays cheap for the
command line and for notebooks that need only part of the library.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from d3fgraph.errors import D3fgraphError, D3fgraphWarning

if TYPE_CHECKING:
    from d3fgraph.knowledge import KnowledgeGraph
    from d3fgraph.model.event_model import EventModel
    from d3fgraph.model.vocab import InvarianceClass, Role
    from d3fgraph.remote import RemoteGraph
    from d3fgraph.render.mermaid import render_mermaid

__all__ = [
    "D3fgraphError",
    "D3fgraphWarning",
    "EventModel",
    "InvarianceClass",
    "KnowledgeGraph",
    "RemoteGraph",
    "Role",
    "load",
    "render_mermaid",
]

_LAZY = {
    "KnowledgeGraph": "d3fgraph.knowledge",
    "EventModel": "d3fgraph.model.event_model",
    "InvarianceClass": "d3fgraph.model.vocab",
    "Role": "d3fgraph.model.vocab",
    "RemoteGraph": "d3fgraph.remote",
    "render_mermaid": "d3fgraph.render.mermaid",
}


def load(data_dir: str | None = None, **options: Any) -> KnowledgeGraph:
    """Load the merged knowledge graph; see ``KnowledgeGraph.load`` for the options."""
    from d3fgraph.knowledge import KnowledgeGraph

    return KnowledgeGraph.load(data_dir, **options)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("d3fgraph")
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    msg = f"module 'd3fgraph' has no attribute {name!r}"
    raise AttributeError(msg)
