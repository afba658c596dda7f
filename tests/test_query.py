"""SPARQL helpers: bound parameters, no updates, no SERVICE unless allowed, saved queries."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from d3fgraph.errors import QueryError
from d3fgraph.query import load_saved_query, run_query, select

EX = "http://example.org/"


@pytest.fixture
def store() -> Store:
    result = Store()
    result.add(Quad(NamedNode(EX + "a"), NamedNode(EX + "label"), Literal('quote " and }')))
    result.add(Quad(NamedNode(EX + "b"), NamedNode(EX + "label"), Literal("plain")))
    return result


class TestRunQuery:
    def test_binds_text_without_formatting_it_into_the_query(self, store):
        """A value with quotes and braces matches literally, it is never parsed as SPARQL."""
        rows = select(
            store,
            "SELECT ?s ?label WHERE { ?s <http://example.org/label> ?label }",
            {"label": 'quote " and }'},
        )

        assert [row["s"] for row in rows] == [NamedNode(EX + "a")]

    def test_refuses_service(self, store):
        """A SERVICE clause would reach another endpoint, so it is refused by default."""
        with pytest.raises(QueryError, match="uses SERVICE"):
            run_query(store, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")

    def test_service_inside_a_string_is_not_a_service_call(self, store):
        """The word SERVICE in a literal or comment is harmless text."""
        rows = select(store, 'SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE')

        assert rows == []

    def test_refuses_updates(self, store):
        """Queries are read-only: an INSERT never reaches the store."""
        with pytest.raises(QueryError, match="read-only"):
            run_query(store, "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }")

        assert len(store) == 2

    def test_syntax_error_is_a_query_error(self, store):
        """A malformed query is reported as a QueryError, with the parser's reason."""
        with pytest.raises(QueryError, match="does not parse"):
            run_query(store, "SELECT WHERE {")

    def test_bound_variable_must_be_projected(self, store):
        """Oxigraph keeps bound variables in the result, so they must be selected."""
        with pytest.raises(QueryError, match="must appear in the SELECT clause"):
            run_query(store, "SELECT ?s WHERE { ?s ?p ?label }", {"label": "plain"})

    def test_ask_returns_a_bool(self, store):
        """ASK queries answer True or False."""
        assert run_query(store, "ASK { ?s ?p 'plain' }") is True


class TestSavedQueries:
    def test_unknown_name_lists_the_saved_ones(self):
        """Asking for a query that is not shipped names those that are."""
        with pytest.raises(QueryError, match="no saved query named 'nope'; saved queries:"):
            load_saved_query("nope")


class TestUpdatesAreRefused:
    @pytest.mark.parametrize(
        "update",
        [
            "DROP ALL",
            "CLEAR DEFAULT",
            "LOAD <http://example.org/data.ttl>",
            "CREATE GRAPH <http://example.org/g>",
            "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "delete where { ?s ?p ?o }",
        ],
    )
    def test_every_update_form_is_refused(self, store, update):
        """Each SPARQL 1.1 update form is refused as an update, not as a parse error."""
        with pytest.raises(QueryError, match="SPARQL updates are refused"):
            run_query(store, update)

    @pytest.mark.parametrize(
        "query",
        [
            "SELECT ?load WHERE { ?load ?p ?o }",
            "SELECT ?s WHERE { ?s <http://example.org/drop> ?add }",
            "SELECT ?service WHERE { ?service ?p 'SERVICE' }",
        ],
    )
    def test_keywords_as_variable_names_are_not_updates(self, store, query):
        """Variables and IRIs that spell a keyword leave a query read-only."""
        assert isinstance(run_query(store, query), list)
