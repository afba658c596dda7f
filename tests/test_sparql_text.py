"""Reading a query's shape, and VALUES blocks that bind like pyoxigraph substitutions do."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

from d3fgraph.errors import QueryError
from d3fgraph.query import run_query
from d3fgraph.sparql_text import (
    check_query,
    mask,
    projection,
    values_block,
    where_group_start,
    with_values,
)

EX = "http://example.org/"


@pytest.fixture
def store() -> Store:
    result = Store()
    for name, label in (("a", "Alpha"), ("b", 'quote " and } and \\u0022'), ("c", "Gamma")):
        result.add(Quad(NamedNode(EX + name), NamedNode(EX + "label"), Literal(label)))
    result.add(Quad(NamedNode(EX + "a"), NamedNode(EX + "next"), NamedNode(EX + "b")))
    return result


class TestMask:
    def test_blanks_strings_iris_and_comments_keeping_offsets(self):
        """Braces and keywords inside strings, IRIs and comments vanish; lengths stay."""
        text = 'SELECT * WHERE { ?s <http://x/WHERE> "WHERE {" } # {\nLIMIT 1'

        masked = mask(text)

        assert len(masked) == len(text)
        assert masked == "SELECT * WHERE { ?s " + " " * 16 + " " + " " * 9 + " }    \nLIMIT 1"


class TestWhereGroupStart:
    def test_finds_the_brace_after_the_projection(self):
        """The offset is just inside the WHERE group's opening brace."""
        text = 'PREFIX ex: <http://x/{>\nSELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p "{" }'

        assert text[where_group_start(text) - 1] == "{"
        assert text[: where_group_start(text)].endswith("WHERE {")

    def test_accepts_ask_without_where(self):
        """ASK { ... } has no WHERE keyword; its group still opens the pattern."""
        assert where_group_start("ASK { ?s ?p ?o }") == 5

    def test_refuses_construct(self):
        """A CONSTRUCT template is not a pattern, and its results are not rows."""
        with pytest.raises(QueryError, match="CONSTRUCT results are not rows"):
            where_group_start("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def test_refuses_text_that_is_not_a_query(self):
        """Text without a query form is named as such."""
        with pytest.raises(QueryError, match="not a SPARQL query"):
            where_group_start("hello")


class TestProjection:
    def test_lists_variables_and_aliases_in_order(self):
        """Plain variables and (expr AS ?alias) both project a column."""
        text = "SELECT DISTINCT ?a (GROUP_CONCAT(?x; SEPARATOR=' ') AS ?xs) ?b WHERE { }"

        assert projection(text) == ("a", "xs", "b")

    def test_select_star_projects_everything(self):
        """SELECT * has no fixed column list."""
        assert projection("SELECT * { ?s ?p ?o }") is None

    def test_ask_projects_nothing(self):
        """ASK gives a boolean, so there are no columns."""
        assert projection("ASK { ?s ?p ?o }") == ()


class TestValuesBlock:
    def test_writes_iris_and_literals_as_sparql_terms(self):
        """Quotes, backslashes and newlines are escaped; tags and datatypes are kept."""
        block = values_block(
            {
                "s": NamedNode(EX + "a"),
                "t": Literal('say "hi"\\\n', language="en"),
                "n": Literal("5", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            }
        )

        assert block == (
            'VALUES (?s ?t ?n) { (<http://example.org/a> "say \\"hi\\"\\\\\\n"@en '
            '"5"^^<http://www.w3.org/2001/XMLSchema#integer>) }'
        )

    def test_refuses_blank_nodes(self):
        """SPARQL allows no blank nodes in VALUES, so binding one is an error."""
        with pytest.raises(QueryError, match="no blank nodes"):
            values_block({"s": BlankNode()})

    def test_refuses_names_that_are_not_variables(self):
        """A name with spaces or braces could never be a variable."""
        with pytest.raises(QueryError, match="not a SPARQL variable name"):
            values_block({"s } {": Literal("x")})


class TestWithValues:
    def test_binds_like_pyoxigraph_substitution(self, store):
        """The rewritten query gives the rows the substituted one gives, tricky text too."""
        query = "SELECT ?s ?label WHERE { ?s <http://example.org/label> ?label }"
        bindings = {"label": Literal('quote " and } and \\u0022')}

        rewritten = run_query(store, with_values(query, bindings))

        assert rewritten == run_query(store, query, bindings)
        assert rewritten == [
            {"s": NamedNode(EX + "b"), "label": Literal('quote " and } and \\u0022')}
        ]

    def test_filters_and_optionals_of_the_outer_group_see_the_value(self, store):
        """FILTER, OPTIONAL and NOT EXISTS in the outer group read the bound variable."""
        query = (
            "SELECT ?s ?label ?next WHERE { ?s <http://example.org/label> ?label . "
            "OPTIONAL { ?s <http://example.org/next> ?next } "
            "FILTER NOT EXISTS { ?s <http://example.org/label> 'Gamma' } }"
        )

        for value in ("a", "c"):
            bindings = {"s": NamedNode(EX + value)}

            assert run_query(store, with_values(query, bindings)) == run_query(
                store, query, bindings
            )

    def test_leaves_a_query_without_bindings_unchanged(self):
        """No bindings, no VALUES block."""
        assert with_values("SELECT * { ?s ?p ?o }", {}) == "SELECT * { ?s ?p ?o }"


class TestCheckQuery:
    def test_accepts_a_valid_query_with_projected_bindings(self):
        """A parsing, read-only query passes without any data."""
        check_query("SELECT ?id WHERE { ?t d3f:attack-id ?id }", {"id": "T1055"})

    def test_refuses_updates_even_when_service_is_allowed(self):
        """Allowing SERVICE never allows writing."""
        with pytest.raises(QueryError, match="read-only"):
            check_query(
                "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> } # SERVICE",
                allow_service=True,
            )

    def test_refuses_service_unless_allowed(self):
        """SERVICE is refused by default, before any data is touched."""
        with pytest.raises(QueryError, match="uses SERVICE"):
            check_query("SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
