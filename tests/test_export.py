"""The merged graph and one technique's model as Turtle, N-Triples and JSON-LD."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, Triple, parse

from d3fgraph.export import ExportFormat, export_store, model_triples, serialize_triples
from d3fgraph.namespaces import D3F, D3G, D3GM, RDFS

EX = "http://example.org/"


def _triples(text: str, fmt: ExportFormat) -> set[Triple]:
    quads = parse(text.encode(), format=fmt.rdf_format)
    return {Triple(q.subject, q.predicate, q.object) for q in quads}


class TestExportFormat:
    def test_unknown_name_lists_the_formats(self):
        """The message names each format the exporter writes."""
        with pytest.raises(ValueError, match="use one of: turtle, ntriples, jsonld"):
            ExportFormat.parse("rdfxml")


class TestExportStore:
    def test_merges_named_graphs_and_writes_each_triple_once(self):
        """A triple stated in two graphs appears once in the export."""
        store = Store()
        triple = (NamedNode(EX + "a"), RDFS.label, Literal("A"))
        store.add(Quad(*triple, NamedNode(EX + "g1")))
        store.add(Quad(*triple, NamedNode(EX + "g2")))
        store.add(Quad(NamedNode(EX + "b"), RDFS.label, Literal("B"), NamedNode(EX + "g2")))

        text = export_store(store, "ntriples")

        assert sorted(text.splitlines()) == [
            '<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .',
            '<http://example.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "B" .',
        ]

    @pytest.mark.parametrize("fmt", list(ExportFormat))
    def test_every_format_reads_back_to_the_same_triples(self, fmt):
        """Turtle, N-Triples and JSON-LD all carry the same graph."""
        store = Store()
        store.add(Quad(D3F.Process, RDFS.label, Literal("Process", language="en"), D3G.graph))

        text = export_store(store, fmt)

        assert _triples(text, fmt) == {
            Triple(D3F.Process, RDFS.label, Literal("Process", language="en"))
        }

    def test_turtle_uses_the_project_prefixes(self):
        """D3FEND terms are written d3f:Name."""
        text = serialize_triples([Triple(D3F.Process, RDFS.label, Literal("Process"))], "turtle")

        assert 'd3f:Process rdfs:label "Process" .' in text.splitlines()


class TestExportModel:
    def test_model_export_is_stable_and_carries_labels(self, knowledge, t1055_001):
        """Two exports are identical, and every D3FEND class the model names is labelled."""
        first = knowledge.export("turtle", technique="T1055.001")
        second = knowledge.export("turtle", technique="T1055.001")

        triples = _triples(first, ExportFormat.TURTLE)

        assert first == second
        assert Triple(D3F.SystemCall, RDFS.label, Literal("System Call")) in triples
        assert Triple(D3GM.term("T1055.001"), D3G.technique, D3F.term("T1055.001")) in triples
        named = {t.object for t in triples if t.predicate == D3G.d3fendClass}
        labelled = {t.subject for t in triples if t.predicate == RDFS.label}
        assert named <= labelled

    def test_jsonld_model_holds_the_same_triples_as_ntriples(self, knowledge, t1055_001):
        """JSON-LD is valid JSON and parses back to the N-Triples graph."""
        as_json = knowledge.export("jsonld", technique="T1055.001")
        as_nt = knowledge.export("ntriples", technique="T1055.001")

        assert isinstance(json.loads(as_json), list)
        assert len(_triples(as_json, ExportFormat.JSONLD)) == len(
            model_triples(t1055_001, knowledge.store)
        )
        assert _canonical(as_json, RdfFormat.JSON_LD) == _canonical(as_nt, RdfFormat.N_TRIPLES)

    def test_merged_export_holds_every_distinct_triple(self, knowledge):
        """The N-Triples of the merged graph has one line per distinct triple of the store."""
        text = knowledge.export("ntriples")

        distinct = {
            (q.subject, q.predicate, q.object)
            for q in knowledge.store.quads_for_pattern(None, None, None, None)
        }
        assert text.count("\n") == len(distinct)


def _canonical(text: str, fmt: RdfFormat) -> set[str]:
    from pyoxigraph import CanonicalizationAlgorithm, Dataset

    dataset = Dataset(parse(text.encode(), format=fmt))
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}
