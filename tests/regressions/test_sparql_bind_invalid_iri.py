"""A --bind value written as an IRI but not a valid one is a one-line QueryError."""

from __future__ import annotations

import pytest

from d3fgraph.cli import main

QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


class TestSparqlBindInvalidIri:
    @pytest.mark.parametrize(
        ("binding", "value", "reason"),
        [
            ("s=<a b>", "<a b>", "Invalid IRI code point ' '"),
            ("s=<>", "<>", "No scheme found in an absolute IRI"),
            ("s=d3f:a b", "d3f:a b", "Invalid IRI code point ' '"),
        ],
    )
    def test_invalid_iri_is_refused_in_one_line(self, capsys, cli_env, binding, value, reason):
        """The error quotes the --bind text and the value, says why, and shows both IRI forms."""
        code = main(["sparql", QUERY, "--bind", binding])

        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            f"d3fgraph: error: --bind {binding!r}: {value!r} is not a valid IRI ({reason}); "
            "write <http://…> or d3f:Name\n"
        )
