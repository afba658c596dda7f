"""The merged graph on a SPARQL server: load it there, then query it as in process.

Loading uses the SPARQL 1.1 Graph Store Protocol: each named graph of the store is sent with
``PUT <store endpoint>?graph=<name>`` as N-Triples, replacing what the server held under that
name. Queries use the SPARQL 1.1 Protocol (an URL-encoded POST asking for
``application/sparql-results+json``) and name the four d3fgraph graphs as the default graph
(``default-graph-uri``) and as named graphs (``named-graph-uri``), so a query sees the same
union default graph that ``KnowledgeGraph.query`` gives, on any conforming server.

pyoxigraph substitutions do not exist over HTTP, so bound parameters are written into the
query as a ``VALUES`` block opening its outermost WHERE group (``sparql_text.with_values``).
That equals substitution for every variable used in that group, which covers the shipped
queries; a variable read only inside a nested group or subquery that does not match it
itself is unbound there, where substitution would have replaced it. Values are written from
their parts, never pasted, so no value can change the query.

Security: ``SERVICE`` is refused unless ``allow_service`` is true, as in process; with it,
the server, not this process, contacts the other endpoint.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from pyoxigraph import (
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse_query_results,
)

from d3fgraph.errors import EXIT_DATA, D3fgraphError, QueryError
from d3fgraph.loaders.d3fend import D3FEND_GRAPH
from d3fgraph.loaders.ocsf_rdf import OCSF_GRAPH
from d3fgraph.loaders.project import MODELS_GRAPH, PROJECT_GRAPH
from d3fgraph.namespaces import PREFIXES
from d3fgraph.query import Row, Term
from d3fgraph.sparql_text import check_query, with_values

if TYPE_CHECKING:
    import requests
    from pandas import DataFrame

__all__ = ["D3FGRAPH_GRAPHS", "RemoteEndpointError", "RemoteGraph", "load_into_endpoint"]

logger = logging.getLogger(__name__)

#: The named graphs of the merged store, in the order they are loaded.
D3FGRAPH_GRAPHS: Final = (D3FEND_GRAPH, OCSF_GRAPH, PROJECT_GRAPH, MODELS_GRAPH)

_RESULTS_JSON: Final = "application/sparql-results+json"


class RemoteEndpointError(D3fgraphError, ConnectionError):
    """A SPARQL server that cannot be reached, or answers with an error other than syntax."""

    exit_code = EXIT_DATA

    def __init__(self, endpoint: str, reason: str) -> None:
        self.endpoint = endpoint
        self.reason = reason
        super().__init__(f"SPARQL endpoint {endpoint}: {reason}")


class RemoteGraph:
    """A SPARQL 1.1 query endpoint holding the merged graph, queried like the local store.

    Args:
        endpoint: The query URL, such as ``http://127.0.0.1:7878/query`` for Oxigraph.
        graphs: The graphs that form the default graph and the named graphs of each query;
            ``None`` leaves the dataset to the server.
        timeout: Seconds to wait for connecting and for each answer.
        session: A ``requests.Session`` to reuse, for example one carrying credentials.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        graphs: Sequence[NamedNode] | None = D3FGRAPH_GRAPHS,
        timeout: float = 60.0,
        session: requests.Session | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.graphs = tuple(graphs) if graphs is not None else None
        self.timeout = timeout
        self._session = session

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term | str] | None = None,
        *,
        allow_service: bool = False,
    ) -> list[Row] | bool:
        """Run read-only SPARQL on the server; return rows like ``KnowledgeGraph.query``.

        Raises:
            QueryError: The query does not parse, updates, uses SERVICE unasked, binds a
                blank node, or the server rejects it.
            RemoteEndpointError: The server cannot be reached or fails.
        """
        values = {
            name: Literal(value) if isinstance(value, str) else value
            for name, value in (bindings or {}).items()
        }
        check_query(sparql, values, allow_service=allow_service)
        text = with_values(sparql, values)
        prologue = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())

        form: list[tuple[str, str]] = [("query", prologue + text)]
        for graph in self.graphs or ():
            form += [("default-graph-uri", graph.value), ("named-graph-uri", graph.value)]
        response = self._post(form)
        if response.status_code == 400:
            msg = f"the server rejected the query: {_first_line(response.text)}"
            raise QueryError(msg)
        _raise_for_status(self.endpoint, response)

        try:
            result = parse_query_results(response.content, QueryResultsFormat.JSON)
        except SyntaxError as exc:
            reason = f"the answer is not SPARQL JSON results ({exc.msg})"
            raise RemoteEndpointError(self.endpoint, reason) from exc
        if isinstance(result, QueryBoolean):
            return bool(result)
        if not isinstance(result, QuerySolutions):
            msg = "the server answered with something other than rows or a boolean"
            raise RemoteEndpointError(self.endpoint, msg)
        names = [variable.value for variable in result.variables]
        return [{name: solution[name] for name in names} for solution in result]

    def query_df(
        self,
        sparql: str,
        bindings: Mapping[str, Term | str] | None = None,
        *,
        allow_service: bool = False,
    ) -> DataFrame:
        """Run ``query`` and return the rows as a pandas DataFrame; see ``frames``."""
        from d3fgraph.frames import rows_to_frame
        from d3fgraph.sparql_text import projection

        rows = self.query(sparql, bindings, allow_service=allow_service)
        if isinstance(rows, bool):
            msg = "an ASK query gives a boolean, not a table; use query() for it"
            raise QueryError(msg)
        return rows_to_frame(rows, None if rows else projection(sparql) or ())

    def _post(self, form: list[tuple[str, str]]) -> requests.Response:
        import requests

        session = self._session or requests.Session()
        try:
            return session.post(
                self.endpoint,
                data=form,
                headers={"Accept": _RESULTS_JSON},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise RemoteEndpointError(self.endpoint, f"cannot be reached ({exc})") from exc
        finally:
            if self._session is None:
                session.close()


def load_into_endpoint(
    store: Store,
    store_endpoint: str,
    *,
    graphs: Iterable[NamedNode] = D3FGRAPH_GRAPHS,
    timeout: float = 300.0,
    session: requests.Session | None = None,
) -> dict[str, int]:
    """Put each of ``graphs`` of ``store`` on a Graph Store Protocol endpoint.

    Each graph replaces the server's graph of the same name, so loading twice leaves one
    copy. Returns the number of triples sent per graph IRI.

    Args:
        store: The merged store.
        store_endpoint: The Graph Store Protocol URL, such as ``http://127.0.0.1:7878/store``.
        graphs: The named graphs to send.
        timeout: Seconds to wait for each graph to be accepted.
        session: A ``requests.Session`` to reuse.

    Raises:
        RemoteEndpointError: The server cannot be reached or refuses a graph.
    """
    import requests

    own = session or requests.Session()
    sent: dict[str, int] = {}
    try:
        for graph in graphs:
            body = store.dump(format=RdfFormat.N_TRIPLES, from_graph=graph) or b""
            # N-Triples writes one triple per line and escapes newlines inside literals.
            count = body.count(b"\n")
            try:
                response = own.put(
                    store_endpoint,
                    params={"graph": graph.value},
                    data=body,
                    headers={"Content-Type": RdfFormat.N_TRIPLES.media_type},
                    timeout=timeout,
                )
            except requests.RequestException as exc:
                reason = f"cannot be reached ({exc})"
                raise RemoteEndpointError(store_endpoint, reason) from exc
            _raise_for_status(store_endpoint, response)
            sent[graph.value] = count
            logger.info("Loaded %d triples into %s on %s", count, graph.value, store_endpoint)
    finally:
        if session is None:
            own.close()
    return sent


def _raise_for_status(endpoint: str, response: requests.Response) -> None:
    if response.status_code >= 400:
        reason = f"HTTP {response.status_code}: {_first_line(response.text)}"
        raise RemoteEndpointError(endpoint, reason)


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "no message"
    return line[:300]
