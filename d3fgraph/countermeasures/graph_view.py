"""A countermeasure report as a networkx graph, for notebooks that walk or draw it.

The graph has three layers: the technique, the targets (entities and artifacts), and the
countermeasures. Each edge carries its property and provenance, and each edge into a
countermeasure carries the path that explains it, so ``explain`` can answer "why this one?"
without going back to the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from d3fgraph.countermeasures.evidence import Provenance, Target, TargetOrigin, Triple
from d3fgraph.countermeasures.report import CountermeasureReport

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["countermeasure_graph", "explain"]

_HAS_ENTITY = "d3g:hasEntity"
_CURATED_ARTIFACT = "d3g:actsOnArtifact"


def countermeasure_graph(report: CountermeasureReport) -> nx.MultiDiGraph:
    """Return ``report`` as a directed multigraph: technique -> target -> countermeasure.

    Nodes are the technique's class, each target's key (an OCSF path for an entity, a CURIE
    for an artifact) and each countermeasure's class, with a ``kind`` attribute naming the
    layer. Edges are keyed by their property; every edge has ``property`` and ``provenance``
    (a tuple of strings), and edges into a countermeasure also have ``path``, ``acts_on``,
    ``narrower``, ``tactic`` and ``reason``.
    """
    import networkx as nx

    graph = nx.MultiDiGraph(technique=report.technique_id)
    graph.add_node(report.technique, kind="technique", label=report.label)

    for target in report.targets:
        graph.add_node(
            target.key,
            kind="target",
            origin=str(target.origin),
            artifact=target.artifact,
            entity=target.entity,
            ocsf_path=target.ocsf_path,
        )
        for prop, provenance in _target_edges(target):
            graph.add_edge(
                report.technique, target.key, key=prop, property=prop, provenance=provenance
            )

    for item in report.countermeasures:
        graph.add_node(
            item.technique,
            kind="countermeasure",
            d3fend_id=item.d3fend_id,
            label=item.label,
            tactic=str(item.tactic),
        )
        graph.add_edge(
            item.target.key,
            item.technique,
            key=f"{item.property} {item.scope or ''}".strip(),
            property=item.property,
            provenance=tuple(str(p) for p in item.provenance),
            path=item.path,
            acts_on=item.acts_on,
            narrower=item.narrower,
            tactic=str(item.tactic),
            reason=item.reason,
        )
    return graph


def explain(
    graph: nx.MultiDiGraph, countermeasure: str, target: str | None = None
) -> list[tuple[Triple, ...]]:
    """Return the paths that explain why ``countermeasure`` is offered, one per reason.

    Args:
        graph: A graph from ``countermeasure_graph``.
        countermeasure: The countermeasure's class, such as ``d3f:ProcessTermination``.
        target: Limit the answer to one target (``actor.process``, ``d3f:SharedLibraryFile``).

    Raises:
        KeyError: The graph has no such countermeasure, or it does not act on ``target``;
            the message lists the ones it has.
    """
    if graph.nodes.get(countermeasure, {}).get("kind") != "countermeasure":
        known = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "countermeasure")
        msg = f"no countermeasure {countermeasure!r} in this graph; it has: {', '.join(known)}"
        raise KeyError(msg)

    edges: list[tuple[str, dict[str, Any]]] = [
        (source, data) for source, _, data in graph.in_edges(countermeasure, data=True)
    ]
    if target is not None:
        edges = [(source, data) for source, data in edges if source == target]
        if not edges:
            sources = sorted({source for source, _ in graph.in_edges(countermeasure)})
            msg = (
                f"{countermeasure} does not act on {target!r} here; it acts on: "
                f"{', '.join(sources)}"
            )
            raise KeyError(msg)
    return [data["path"] for _, data in sorted(edges, key=lambda e: (e[0], e[1]["property"]))]


def _target_edges(target: Target) -> list[tuple[str, tuple[str, ...]]]:
    """Return the properties that link the technique to a target, each with its provenance.

    D3FEND's offensive relations are official; the model's own links (an entity, the
    primitive, an artifact only a curated countermeasure names) are curated.
    """
    official: tuple[str, ...] = (str(Provenance.OFFICIAL),)
    edges = [(prop, official) for prop in target.relations]
    model_link = {
        TargetOrigin.ENTITY: _HAS_ENTITY,
        TargetOrigin.PRIMITIVE: target.lead[0].predicate if target.lead else _HAS_ENTITY,
        TargetOrigin.CURATED: _CURATED_ARTIFACT,
    }.get(target.origin)
    if model_link is not None:
        edges.insert(0, (model_link, (str(Provenance.CURATED),)))
    return edges
