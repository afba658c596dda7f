"""RDF vocabularies used across d3fgraph, as attribute-style namespaces of pyoxigraph terms.

The terms are pyoxigraph ``NamedNode`` objects rather than rdflib ``URIRef`` so that the fast
paths (``render-model`` on a warm cache) never pay for importing rdflib.
"""

from __future__ import annotations

from typing import Final

from pyoxigraph import NamedNode

__all__ = [
    "D3F",
    "D3G",
    "D3GM",
    "OCSF",
    "OWL",
    "PREFIXES",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
    "Namespace",
    "d3f_curie",
]


class Namespace:
    """An IRI prefix whose attributes and ``term()`` calls give ``NamedNode`` terms."""

    __slots__ = ("iri",)

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def term(self, local_name: str) -> NamedNode:
        """Return the term for ``local_name``, which may hold characters attributes cannot.

        ATT&CK classes in D3FEND are named like ``T1055.001``, which is not a Python name.
        """
        return NamedNode(self.iri + local_name)

    def __getattr__(self, local_name: str) -> NamedNode:
        if local_name.startswith("__"):
            raise AttributeError(local_name)
        return self.term(local_name)

    def __contains__(self, node: object) -> bool:
        return isinstance(node, NamedNode) and node.value.startswith(self.iri)

    def local_name(self, node: NamedNode) -> str:
        """Return the part of ``node`` after this namespace's IRI."""
        if node not in self:
            msg = f"{node.value!r} is not in namespace {self.iri!r}"
            raise ValueError(msg)
        return node.value[len(self.iri) :]

    def __repr__(self) -> str:
        return f"Namespace({self.iri!r})"


D3F: Final = Namespace("http://d3fend.mitre.org/ontologies/d3fend.owl#")
D3G: Final = Namespace("https://w3id.org/d3fgraph/ontology#")
D3GM: Final = Namespace("https://w3id.org/d3fgraph/model/")
OCSF: Final = Namespace("https://w3id.org/d3fgraph/ocsf/")
OWL: Final = Namespace("http://www.w3.org/2002/07/owl#")
RDF: Final = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS: Final = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS: Final = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD: Final = Namespace("http://www.w3.org/2001/XMLSchema#")

PREFIXES: Final[dict[str, str]] = {
    "d3f": D3F.iri,
    "d3g": D3G.iri,
    "d3gm": D3GM.iri,
    "ocsf": OCSF.iri,
    "owl": OWL.iri,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "skos": SKOS.iri,
    "xsd": XSD.iri,
}


def d3f_curie(node: NamedNode) -> str:
    """Return ``d3f:Local`` for a D3FEND term, the full IRI in angle brackets otherwise."""
    if node in D3F:
        return "d3f:" + D3F.local_name(node)
    return f"<{node.value}>"
