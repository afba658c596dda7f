"""Look up ATT&CK techniques and D3FEND classes in the loaded ontology by id or name."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Final

from pyoxigraph import Literal, NamedNode, Store

from d3fgraph.errors import InvalidD3fendClassError, SourceLocation, UnknownTechniqueError
from d3fgraph.namespaces import D3F, d3f_curie
from d3fgraph.query import select, term_text
from d3fgraph.techniques import is_technique_id, parse_technique_id

__all__ = ["D3fendClass", "TechniqueInfo", "find_d3fend_class", "find_technique"]

_TECHNIQUE_QUERY: Final = """
SELECT ?id ?technique ?label ?deprecated ?parentId
       (GROUP_CONCAT(DISTINCT ?successorId; SEPARATOR=" ") AS ?successors)
WHERE {
  ?technique d3f:attack-id ?id .
  OPTIONAL { ?technique rdfs:label ?label }
  OPTIONAL { ?technique owl:deprecated ?deprecated }
  OPTIONAL { ?technique rdfs:subClassOf ?parent . ?parent d3f:attack-id ?parentId }
  OPTIONAL {
    ?technique rdfs:seeAlso ?see .
    OPTIONAL { ?see d3f:attack-id ?seeId }
    BIND(COALESCE(?seeId, IF(isLiteral(?see), STR(?see), "")) AS ?successorId)
  }
}
GROUP BY ?id ?technique ?label ?deprecated ?parentId
"""

_CLASS_QUERY: Final = """
SELECT ?class ?label ?deprecated ?kind WHERE {
  ?class a owl:Class .
  OPTIONAL { ?class rdfs:label ?label }
  OPTIONAL { ?class owl:deprecated ?deprecated }
  OPTIONAL {
    VALUES ?kind { d3f:DigitalArtifact d3f:DefensiveTechnique d3f:OffensiveTechnique }
    ?class rdfs:subClassOf* ?kind
  }
}
"""

_ALL_IDS_QUERY: Final = "SELECT DISTINCT ?id WHERE { ?t d3f:attack-id ?id }"


@dataclass(frozen=True, slots=True)
class TechniqueInfo:
    """What D3FEND says of one ATT&CK technique."""

    id: str
    iri: NamedNode
    label: str
    parent: str | None
    deprecated: bool
    successors: tuple[str, ...]

    @property
    def curie(self) -> str:
        return d3f_curie(self.iri)


@dataclass(frozen=True, slots=True)
class D3fendClass:
    """A D3FEND class found in the ontology."""

    curie: str
    iri: NamedNode
    label: str
    deprecated: bool
    kinds: tuple[str, ...]


def find_technique(store: Store, technique_id: str) -> TechniqueInfo:
    """Return D3FEND's record of ``technique_id``.

    Raises:
        InvalidTechniqueIdError: The id is not shaped like ``T1055`` or ``T1055.001``.
        UnknownTechniqueError: D3FEND has no technique with that id.
    """
    technique_id = parse_technique_id(technique_id)
    rows = select(store, _TECHNIQUE_QUERY, {"id": technique_id})
    if not rows:
        ids = [term_text(row["id"]) for row in select(store, _ALL_IDS_QUERY)]
        raise UnknownTechniqueError(
            technique_id, suggestions=difflib.get_close_matches(technique_id, ids, n=3)
        )

    row = rows[0]
    iri = row["technique"]
    if not isinstance(iri, NamedNode):
        msg = f"D3FEND gives technique {technique_id} a blank node instead of a class IRI"
        raise UnknownTechniqueError(technique_id) from ValueError(msg)
    # D3FEND names successors in rdfs:seeAlso, as a literal id or as the technique's class.
    successors = sorted(
        {s for r in rows for s in term_text(r["successors"]).split() if is_technique_id(s)}
    )
    return TechniqueInfo(
        id=technique_id,
        iri=iri,
        label=term_text(row["label"]),
        parent=term_text(row["parentId"]) or None,
        deprecated=_is_true(row["deprecated"]),
        successors=tuple(successors),
    )


def find_d3fend_class(
    store: Store, name: str, *, location: SourceLocation | None = None
) -> D3fendClass:
    """Return the D3FEND class named ``d3f:Local`` (or its full IRI).

    Raises:
        InvalidD3fendClassError: The name is not a D3FEND term, no such class exists (with
            close names suggested), or the class is deprecated.
    """
    iri = _d3fend_iri(name, location)
    rows = select(store, _CLASS_QUERY, {"class": iri})
    if not rows:
        raise InvalidD3fendClassError(
            name,
            "does not exist in the loaded D3FEND ontology",
            suggestions=_close_classes(store, D3F.local_name(iri)),
            location=location,
        )

    label = term_text(rows[0]["label"])
    deprecated = any(_is_true(row["deprecated"]) for row in rows)
    if deprecated:
        raise InvalidD3fendClassError(
            name, "is deprecated in D3FEND; use its replacement", location=location
        )
    kinds = tuple(sorted({d3f_curie(k) for row in rows if isinstance(k := row["kind"], NamedNode)}))
    return D3fendClass(curie=d3f_curie(iri), iri=iri, label=label, deprecated=False, kinds=kinds)


def _d3fend_iri(name: str, location: SourceLocation | None) -> NamedNode:
    if name.startswith("d3f:") and len(name) > 4:
        return D3F.term(name[4:])
    if name.startswith(D3F.iri) and len(name) > len(D3F.iri):
        return NamedNode(name)
    raise InvalidD3fendClassError(
        name,
        "is not a D3FEND name; write it as d3f:LocalName, for example d3f:Process",
        location=location,
    )


def _close_classes(store: Store, local: str) -> list[str]:
    rows = select(store, "SELECT DISTINCT ?c WHERE { ?c a owl:Class . FILTER(isIRI(?c)) }")
    names = [D3F.local_name(c) for row in rows if isinstance(c := row["c"], NamedNode) and c in D3F]
    return ["d3f:" + n for n in difflib.get_close_matches(local, names, n=3)]


def _is_true(term: object) -> bool:
    return isinstance(term, Literal) and term.value.lower() in {"true", "1"}
