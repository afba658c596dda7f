"""sparql --format json writes an unbound cell as null, apart from an empty literal's ""."""

from __future__ import annotations

import json

from d3fgraph.cli import main


class TestSparqlJsonUnboundCells:
    def test_unbound_is_null_and_empty_literal_is_empty_string(self, capsys, cli_env):
        """An UNDEF cell comes out as null and a "" literal as the empty string."""
        query = 'SELECT ?empty ?unbound WHERE { VALUES (?empty ?unbound) { ("" UNDEF) } }'

        code = main(["sparql", query, "--format", "json"])

        out, err = capsys.readouterr()
        assert (code, err) == (0, "")
        assert json.loads(out) == {
            "columns": ["empty", "unbound"],
            "rows": [{"empty": "", "unbound": None}],
        }
