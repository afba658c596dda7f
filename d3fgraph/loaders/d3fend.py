"""Load the D3FEND ontology from Turtle, released build or source file alike.

Both shapes state the relations between techniques and artifacts as ``owl:Restriction``
subclass axioms (the release adds direct triples on top), so every query in d3fgraph reads the
restrictions and the two files give the same answers.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from d3fgraph.errors import OntologyLoadError, SourceLocation
from d3fgraph.namespaces import D3F, D3G

__all__ = ["D3FEND_GRAPH", "load_d3fend", "load_turtle"]

logger = logging.getLogger(__name__)

#: The named graph that holds D3FEND inside the merged store.
D3FEND_GRAPH = D3G.term("graph/d3fend")

_SANITY_QUERY = """
PREFIX d3f: <http://d3fend.mitre.org/ontologies/d3fend.owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK { GRAPH ?g { ?technique d3f:attack-id ?id . d3f:DigitalArtifact rdfs:label ?label } }
"""


def load_turtle(path: Path, store: Store, graph: NamedNode) -> int:
    """Parse the Turtle file at ``path`` into ``graph`` of ``store``; return its triple count.

    Raises:
        OntologyLoadError: The file is missing, unreadable or not valid Turtle; the error
            carries the line and column the parser stopped at.
    """
    before = len(store)
    try:
        store.bulk_load(path=str(path), format=RdfFormat.TURTLE, to_graph=graph)
    except SyntaxError as exc:
        location = SourceLocation(path, exc.lineno, exc.offset)
        reason = str(exc.msg).split(" (", 1)[0]
        msg = f"not valid Turtle: {reason}; fix the file or fetch a fresh copy"
        raise OntologyLoadError(msg, location=location) from exc
    except (OSError, ValueError) as exc:
        msg = f"cannot read the Turtle file: {exc}"
        raise OntologyLoadError(msg, location=SourceLocation(path)) from exc

    count = len(store) - before
    logger.debug("Loaded %d triples from %s", count, path)
    return count


def load_d3fend(path: Path, store: Store) -> int:
    """Load D3FEND from ``path`` into its named graph and check it looks like D3FEND.

    Raises:
        OntologyLoadError: The file does not parse, is empty or truncated, or holds no ATT&CK
            techniques and digital artifacts.
    """
    count = load_turtle(path, store, D3FEND_GRAPH)
    if count == 0 or not store.query(_SANITY_QUERY):
        msg = (
            f"holds {count} triples but no D3FEND ATT&CK techniques or digital artifacts "
            f"({D3F.DigitalArtifact.value}); the file is empty, truncated or not D3FEND. "
            "Use d3fend.ttl from a D3FEND release or src/ontology/d3fend-protege.ttl"
        )
        raise OntologyLoadError(msg, location=SourceLocation(path))
    logger.info("Loaded D3FEND: %d triples from %s", count, path)
    return count
