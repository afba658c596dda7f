"""d3fgraph sparql with a query text or a .rq file: bindings, formats, and one-line errors."""

from __future__ import annotations

import json

import pytest

from d3fgraph.cli import main

LABEL_QUERY = "SELECT ?t ?id ?label WHERE { ?t d3f:attack-id ?id ; rdfs:label ?label }"


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, *facts: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for fact in facts:
        assert fact in lines[0]


class TestQueryText:
    def test_binds_a_plain_string_and_prints_a_table(self, capsys, cli_env):
        """An ATT&CK id binds as a literal; IRIs print as CURIEs."""
        code, out, err = run(capsys, "sparql", LABEL_QUERY, "--bind", "id=T1055.001")

        assert (code, err) == (0, "")
        assert out == (
            "t              id         label\n"
            "d3f:T1055.001  T1055.001  Dynamic-link Library Injection\n"
            "(1 rows)\n"
        )

    def test_binds_a_curie_as_an_iri_and_writes_csv(self, capsys, cli_env):
        """d3f:Name becomes the D3FEND IRI, so it matches the technique class."""
        code, out, _ = run(
            capsys,
            "sparql",
            "SELECT ?t ?label WHERE { ?t rdfs:label ?label }",
            "--bind",
            "t=d3f:T1055.001",
            "--format",
            "csv",
        )

        assert code == 0
        assert out == "t,label\nd3f:T1055.001,Dynamic-link Library Injection\n"

    def test_binds_a_bracketed_iri(self, capsys, cli_env):
        """<http://...> binds the IRI itself."""
        iri = "<http://d3fend.mitre.org/ontologies/d3fend.owl#T1055.001>"
        code, out, _ = run(
            capsys,
            "sparql",
            "SELECT ?t ?id WHERE { ?t d3f:attack-id ?id }",
            "--bind",
            f"t={iri}",
            "--format",
            "json",
        )

        assert code == 0
        assert json.loads(out) == {
            "columns": ["t", "id"],
            "rows": [{"t": "d3f:T1055.001", "id": "T1055.001"}],
        }

    def test_empty_result_keeps_the_header(self, capsys, cli_env):
        """No rows still prints the projected columns."""
        code, out, _ = run(capsys, "sparql", LABEL_QUERY, "--bind", "id=T0000", "--format", "csv")

        assert (code, out) == (0, "t,id,label\n")


class TestQueryFile:
    def test_runs_an_ask_query_from_a_file(self, capsys, cli_env, tmp_path):
        """A .rq file is read; ASK answers true or false, or SPARQL's JSON boolean."""
        query = tmp_path / "known.rq"
        query.write_text("# Is the id known?\nASK { ?t d3f:attack-id ?id }\n", encoding="utf-8")

        table = run(capsys, "sparql", str(query), "--bind", "id=T1055.001")
        as_json = run(capsys, "sparql", str(query), "--bind", "id=T9999", "--format", "json")

        assert table == (0, "true\n", "")
        assert as_json == (0, '{"boolean": false}\n', "")

    def test_output_option_writes_the_file(self, capsys, cli_env, tmp_path):
        """-o writes the result and prints nothing."""
        target = tmp_path / "rows.csv"

        code, out, _ = run(
            capsys,
            "sparql",
            LABEL_QUERY,
            "--bind",
            "id=T1055",
            "--format",
            "csv",
            "-o",
            str(target),
        )

        assert (code, out) == (0, "")
        assert (
            target.read_text(encoding="utf-8") == "t,id,label\nd3f:T1055,T1055,Process Injection\n"
        )


class TestErrors:
    @pytest.mark.parametrize(
        ("argv", "fact"),
        [
            (["SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"], "--allow-service"),
            (["INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"], "read-only"),
            (["SELECT * WHERE { ?s ?p }"], "does not parse"),
            (["missing.rq"], "cannot read the query file missing.rq: it does not exist"),
            (["SELECT * { ?s ?p ?o }", "--saved", "technique-artifacts"], "not both"),
            (["SELECT ?s { ?s ?p ?o }", "--bind", "o"], "is not NAME=VALUE"),
            ([], "give a query text or .rq file"),
        ],
    )
    def test_bad_query_fails_with_one_line_and_exit_1(self, capsys, monkeypatch, argv, fact):
        """Each refusal is one line on stderr, before the graph is loaded."""
        monkeypatch.setenv("D3FGRAPH_DATA_DIR", "/nonexistent/never-loaded")

        code, out, err = run(capsys, "sparql", *argv)

        assert (code, out) == (1, "")
        assert_one_line_error(err, fact)

    def test_unreachable_endpoint_is_a_data_failure(self, capsys, unused_port):
        """A SPARQL server that does not answer exits 2, naming the endpoint."""
        endpoint = f"http://127.0.0.1:{unused_port}/query"

        code, _, err = run(capsys, "sparql", "ASK { ?s ?p ?o }", "--endpoint", endpoint)

        assert code == 2
        assert_one_line_error(err, f"SPARQL endpoint {endpoint}: cannot be reached")


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
