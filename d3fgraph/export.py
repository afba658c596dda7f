"""The merged graph, or one technique's event model, as Turtle, N-Triples or JSON-LD text.

Named graphs are merged: Turtle and N-Triples hold one graph, so a triple stated in two
graphs is written once. JSON-LD is written by pyoxigraph in expanded form (full IRIs, no
``@context``), which every JSON-LD processor reads. A model's blank nodes are relabelled
with RDFC-1.0 canonical names and its triples sorted, so one model always exports to the
same text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    NamedNode,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from d3fgraph.loaders.project import model_quads
from d3fgraph.namespaces import D3F, OCSF, PREFIXES, RDFS

if TYPE_CHECKING:
    from d3fgraph.model.event_model import EventModel

__all__ = ["ExportFormat", "export_model", "export_store", "model_triples", "serialize_triples"]


class ExportFormat(StrEnum):
    """The RDF syntaxes d3fgraph writes."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"

    @property
    def rdf_format(self) -> RdfFormat:
        """The pyoxigraph format that writes this syntax."""
        return {
            ExportFormat.TURTLE: RdfFormat.TURTLE,
            ExportFormat.NTRIPLES: RdfFormat.N_TRIPLES,
            ExportFormat.JSONLD: RdfFormat.JSON_LD,
        }[self]

    @classmethod
    def parse(cls, name: str) -> ExportFormat:
        """Return the format called ``name``.

        Raises:
            ValueError: No format has that name; the message lists those that do.
        """
        try:
            return cls(name)
        except ValueError:
            allowed = ", ".join(member.value for member in cls)
            msg = f"unknown export format {name!r}; use one of: {allowed}"
            raise ValueError(msg) from None


def serialize_triples(triples: Iterable[Triple], fmt: ExportFormat | str) -> str:
    """Return ``triples`` written in ``fmt``; Turtle uses d3fgraph's prefixes."""
    fmt = ExportFormat.parse(fmt) if isinstance(fmt, str) else fmt
    prefixes = PREFIXES if fmt is ExportFormat.TURTLE else None
    data = serialize(list(triples), format=fmt.rdf_format, prefixes=prefixes)
    text = data.decode("utf-8") if data else ""
    if fmt is ExportFormat.JSONLD:
        return json.dumps(json.loads(text or "[]"), indent=2, ensure_ascii=False) + "\n"
    return text


def export_store(store: Store, fmt: ExportFormat | str) -> str:
    """Return every triple of every graph in ``store``, merged, written in ``fmt``."""
    triples = dict.fromkeys(
        Triple(quad.subject, quad.predicate, quad.object)
        for quad in store.quads_for_pattern(None, None, None, None)
    )
    return serialize_triples(triples, fmt)


def model_triples(model: EventModel, store: Store) -> list[Triple]:
    """Return the triples that state ``model`` and the labels of the terms it names.

    The labels are those the store holds for every D3FEND and OCSF term the model refers
    to, so the export reads without the ontologies beside it.
    """
    dataset = Dataset(model_quads(model))
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    triples = {Triple(q.subject, q.predicate, q.object) for q in dataset}

    named = {
        term
        for triple in list(triples)
        for term in (triple.subject, triple.object)
        if isinstance(term, NamedNode) and (term in D3F or term in OCSF)
    }
    for term in named:
        for quad in store.quads_for_pattern(term, RDFS.label, None, None):
            triples.add(Triple(quad.subject, quad.predicate, quad.object))
    return sorted(triples, key=_sort_key)


def export_model(model: EventModel, store: Store, fmt: ExportFormat | str) -> str:
    """Return ``model_triples`` of ``model`` written in ``fmt``."""
    return serialize_triples(model_triples(model, store), fmt)


def _sort_key(triple: Triple) -> tuple[str, str, str]:
    return str(triple.subject), str(triple.predicate), str(triple.object)
