"""The merged graph on a real Oxigraph SPARQL server, queried like the in-process store.

The server is the Oxigraph CLI from the ``oxigraph`` package, started on a free loopback port
for this module and stopped after it. D3FEND, the project ontology and the models are loaded;
the OCSF graph is left out to keep the load short, as no query here reads it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from d3fgraph.errors import QueryError
from d3fgraph.loaders.d3fend import D3FEND_GRAPH
from d3fgraph.loaders.project import MODELS_GRAPH, PROJECT_GRAPH
from d3fgraph.query import load_saved_query
from d3fgraph.remote import RemoteEndpointError, RemoteGraph, load_into_endpoint

GRAPHS = (D3FEND_GRAPH, PROJECT_GRAPH, MODELS_GRAPH)


def _oxigraph() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found:
        return found
    msg = "the oxigraph server is not installed; pip install 'd3fgraph[server]' to run this test"
    if os.environ.get("D3FGRAPH_REQUIRE_CHECKERS") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A running Oxigraph server on loopback; yields its base URL and stops it afterwards."""
    import requests

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("oxigraph") / "server.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [
                _oxigraph(),
                "serve",
                "--location",
                str(tmp_path_factory.mktemp("oxigraph-data")),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None:
                    pytest.fail(f"oxigraph serve exited: {log.read_text()}")
                time.sleep(0.1)
        else:
            pytest.fail(f"oxigraph serve did not answer within 10 s: {log.read_text()}")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def remote(server, knowledge):
    """The server loaded with D3FEND, the project ontology and the models."""
    load_into_endpoint(knowledge.store, f"{server}/store", graphs=GRAPHS)
    return RemoteGraph(f"{server}/query", graphs=GRAPHS)


def _sorted(rows):
    return sorted(rows, key=lambda row: [str(value) for value in row.values()])


class TestLoad:
    def test_reports_each_graph_and_replaces_on_reload(self, server, knowledge, remote):
        """Loading twice leaves one copy: the Graph Store Protocol PUT replaces the graph."""
        sent = load_into_endpoint(knowledge.store, f"{server}/store", graphs=[MODELS_GRAPH])

        count = remote.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")

        in_process = sum(
            1
            for graph in GRAPHS
            for _ in knowledge.store.quads_for_pattern(None, None, None, graph)
        )
        models = sum(1 for _ in knowledge.store.quads_for_pattern(None, None, None, MODELS_GRAPH))
        assert sent == {MODELS_GRAPH.value: models}
        assert int(count[0]["n"].value) == in_process


class TestSameRowsAsInProcess:
    def test_saved_technique_artifacts_query(self, knowledge, remote):
        """The saved query gives T1055.001's artifacts, row for row, on both sides."""
        query = load_saved_query("technique-artifacts").text

        here = knowledge.query(query, {"technique": "T1055.001"})
        there = remote.query(query, {"technique": "T1055.001"})

        assert there == here
        assert [row["artifact"].value.rsplit("#", 1)[1] for row in there] == [
            "SharedLibraryFile",
            "SharedLibraryFile",
            "SystemCall",
        ]

    def test_saved_query_with_an_iri_binding(self, knowledge, remote):
        """An IRI binding reaches the server as an IRI; the rows match in any order."""
        query = load_saved_query("class-hierarchy").text
        bindings = {"class": NamedNode("http://d3fend.mitre.org/ontologies/d3fend.owl#Process")}

        there = remote.query(query, bindings)

        assert _sorted(there) == _sorted(knowledge.query(query, bindings))
        assert len(there) > 0

    def test_tricky_literal_binding_is_data_not_query_text(self, knowledge, remote):
        """Quotes, braces, backslashes and newlines arrive unchanged."""
        value = 'a "quoted" } value \\u0022 with\na newline'
        query = "SELECT ?x ?n WHERE { BIND(STRLEN(?x) AS ?n) }"

        there = remote.query(query, {"x": value})

        assert there == knowledge.query(query, {"x": value})
        assert there[0]["x"].value == value

    def test_ask_gives_a_boolean(self, remote):
        """ASK answers True or False, as in process."""
        query = "ASK { ?t d3f:attack-id ?id }"

        assert remote.query(query, {"id": "T1055.001"}) is True
        assert remote.query(query, {"id": "T0000"}) is False

    def test_query_df_gives_a_frame(self, remote):
        """The remote graph offers the same DataFrame view."""
        pytest.importorskip("pandas")

        frame = remote.query_df(
            "SELECT ?id ?label WHERE { ?t d3f:attack-id ?id ; rdfs:label ?label }",
            {"id": "T1055"},
        )

        assert frame.to_dict("records") == [{"id": "T1055", "label": "Process Injection"}]


class TestCommandLine:
    def test_saved_query_through_the_endpoint_prints_the_local_table(
        self, capsys, cli_env, server, remote
    ):
        """d3fgraph sparql --endpoint prints what the in-process run prints."""
        from d3fgraph.cli import main

        argv = ["sparql", "--saved", "technique-artifacts", "--bind", "technique=T1055.001"]
        local = main(argv), capsys.readouterr()
        through = main([*argv, "--endpoint", f"{server}/query"]), capsys.readouterr()

        assert through[0] == local[0] == 0
        assert through[1].out == local[1].out
        assert through[1].out.endswith("(3 rows)\n")

    def test_query_text_through_the_endpoint(self, capsys, server, remote):
        """A query text with a CURIE binding runs remotely without loading the graph."""
        from d3fgraph.cli import main

        code = main(
            [
                "--data-dir",
                "/nonexistent/never-loaded",
                "sparql",
                "SELECT ?t ?label WHERE { ?t rdfs:label ?label }",
                "--bind",
                "t=d3f:T1055",
                "--format",
                "csv",
                "--endpoint",
                f"{server}/query",
            ]
        )

        assert (code, capsys.readouterr().out) == (0, "t,label\nd3f:T1055,Process Injection\n")


class TestRefusals:
    def test_service_is_refused_before_any_request(self):
        """SERVICE is refused locally, so no request is sent to a server that is not there."""
        graph = RemoteGraph("http://127.0.0.1:1/query")

        with pytest.raises(QueryError, match="uses SERVICE"):
            graph.query("SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")

    def test_server_syntax_error_is_a_query_error(self, remote):
        """A query only the server reads (SERVICE allowed) reports the server's reason."""
        with pytest.raises(QueryError, match="the server rejected the query"):
            remote.query("SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p } }", allow_service=True)

    def test_unreachable_server_is_an_endpoint_error(self):
        """Nothing listening on the port gives an error naming the endpoint, exit code 2."""
        endpoint = f"http://127.0.0.1:{_free_port()}/query"

        with pytest.raises(RemoteEndpointError, match="cannot be reached") as caught:
            RemoteGraph(endpoint).query("ASK { ?s ?p ?o }")

        assert caught.value.exit_code == 2
        assert caught.value.endpoint == endpoint

    def test_refused_load_names_the_http_status(self, server, knowledge):
        """A URL that is no Graph Store Protocol endpoint fails with the server's status."""
        with pytest.raises(RemoteEndpointError, match=r"HTTP 4\d\d") as caught:
            load_into_endpoint(knowledge.store, f"{server}/no-such-path", graphs=[MODELS_GRAPH])

        assert caught.value.endpoint == f"{server}/no-such-path"

    def test_answer_that_is_not_sparql_json_is_an_endpoint_error(self, html_server):
        """A web page where results were expected is reported, not parsed as rows."""
        with pytest.raises(RemoteEndpointError, match="not SPARQL JSON results"):
            RemoteGraph(html_server).query("ASK { ?s ?p ?o }")


@pytest.fixture
def html_server():
    """A loopback HTTP server answering every POST with an HTML page; stopped after the test."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_POST(self):
            body = b"<html><body>login</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/query"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
