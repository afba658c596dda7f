"""Query rows as pandas DataFrames, and the error that names the extra when pandas is missing."""

from __future__ import annotations

import sys

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode

from d3fgraph.frames import MissingExtraError, cell_value, rows_to_frame

XSD = "http://www.w3.org/2001/XMLSchema#"


class TestCellValue:
    @pytest.mark.parametrize(
        ("term", "expected"),
        [
            (NamedNode("http://example.org/a"), "http://example.org/a"),
            (Literal("42", datatype=NamedNode(XSD + "integer")), 42),
            (Literal("2.5", datatype=NamedNode(XSD + "decimal")), 2.5),
            (Literal("true", datatype=NamedNode(XSD + "boolean")), True),
            (Literal("0", datatype=NamedNode(XSD + "boolean")), False),
            (Literal("Process", language="en"), "Process"),
            (Literal("not a number", datatype=NamedNode(XSD + "integer")), "not a number"),
            (None, None),
        ],
    )
    def test_converts_terms_to_python_values(self, term, expected):
        """IRIs become text, XSD numbers and booleans Python values, the rest lexical forms."""
        assert cell_value(term) == expected

    def test_blank_nodes_keep_their_label(self):
        """A blank node reads as _:label, distinct from any IRI."""
        assert cell_value(BlankNode("b0")) == "_:b0"


class TestRowsToFrame:
    def test_builds_columns_in_order(self):
        """Columns follow the given order and unbound cells are None."""
        pytest.importorskip("pandas")
        rows = [{"a": Literal("x"), "b": None}, {"a": None, "b": NamedNode("http://e/b")}]

        frame = rows_to_frame(rows, ["b", "a"])

        assert list(frame.columns) == ["b", "a"]
        assert frame.to_dict("records") == [
            {"b": None, "a": "x"},
            {"b": "http://e/b", "a": None},
        ]

    def test_missing_pandas_names_the_extra(self, monkeypatch):
        """Without pandas the error says which extra to install."""
        monkeypatch.setitem(sys.modules, "pandas", None)

        with pytest.raises(MissingExtraError) as caught:
            rows_to_frame([])

        assert str(caught.value) == (
            "A DataFrame of query rows needs pandas, which is not installed; "
            "install it with: pip install 'd3fgraph[notebook]'"
        )
        assert isinstance(caught.value, ImportError)


class TestQueryDataFrame:
    def test_query_df_gives_one_row_per_solution(self, knowledge):
        """The saved artifacts of T1055.001 come back as a frame with the query's columns."""
        frame = knowledge.query_df(
            "SELECT ?id ?label WHERE { ?t d3f:attack-id ?id ; rdfs:label ?label }",
            {"id": "T1055.001"},
        )

        assert frame.to_dict("records") == [
            {"id": "T1055.001", "label": "Dynamic-link Library Injection"}
        ]

    def test_empty_result_keeps_the_projected_columns(self, knowledge):
        """No rows still gives the columns the query names."""
        frame = knowledge.query_df(
            "SELECT ?t ?id WHERE { ?t d3f:attack-id ?id }", {"id": "T0000.000"}
        )

        assert list(frame.columns) == ["t", "id"]
        assert len(frame) == 0
