"""SPARQL over the merged graph: bound parameters, read-only, no reach to other endpoints.

User text never becomes part of a query string: values travel as substitutions of variables
(SPARQL's ``VALUES`` semantics), so a label with a quote in it cannot change the query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Final

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    Store,
    Triple,
    Variable,
)

from d3fgraph.errors import QueryError
from d3fgraph.namespaces import PREFIXES
from d3fgraph.resources import ontology_resource

__all__ = [
    "Row",
    "SavedQuery",
    "Term",
    "is_update",
    "list_saved_queries",
    "load_saved_query",
    "run_query",
    "select",
    "term_text",
    "uses_service",
]

Term = NamedNode | BlankNode | Literal
Row = dict[str, Term | None]

_SERVICE: Final = re.compile(r"(?<![?$:\w])SERVICE\b", re.IGNORECASE)
_UPDATE: Final = re.compile(
    r"(?<![?$:\w])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b\s*"
    r"(DATA|WHERE|GRAPH|SILENT|ALL|DEFAULT|NAMED|\{|<|[A-Za-z][\w-]*:)",
    re.IGNORECASE,
)
_STRINGS_COMMENTS_IRIS: Final = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|<[^<>\s]*>|#[^\n]*'
)


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """A query shipped in ``ontologies/queries``, with the header that documents it."""

    name: str
    text: str
    purpose: str
    parameters: tuple[str, ...]
    columns: tuple[str, ...]


def run_query(
    store: Store,
    sparql: str,
    bindings: Mapping[str, Term | str] | None = None,
    *,
    allow_service: bool = False,
) -> list[Row] | bool:
    """Run a read-only SPARQL query with bound parameters; return rows, or a bool for ASK.

    A plain ``str`` binding becomes a plain literal; pass a ``NamedNode`` for an IRI.

    Security: a query with a ``SERVICE`` clause would make this process contact another
    SPARQL endpoint chosen by whoever wrote the query, so it is refused unless
    ``allow_service`` is true. Updates are refused always.

    Raises:
        QueryError: The query does not parse, updates the graph, or uses SERVICE unasked.
    """
    if is_update(sparql):
        msg = (
            "SPARQL updates are refused: d3fgraph queries are read-only "
            "(SELECT, ASK, CONSTRUCT, DESCRIBE)"
        )
        raise QueryError(msg)
    if uses_service(sparql) and not allow_service:
        msg = (
            "the query uses SERVICE, which would contact another SPARQL endpoint; "
            "it is refused unless you allow it (--allow-service, or allow_service=True)"
        )
        raise QueryError(msg)

    substitutions: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable(name): Literal(value) if isinstance(value, str) else value
        for name, value in (bindings or {}).items()
    }
    try:
        result = store.query(
            sparql,
            prefixes=PREFIXES,
            use_default_graph_as_union=True,
            substitutions=substitutions,
        )
    except SyntaxError as exc:
        msg = f"the SPARQL query does not parse: {exc.msg}"
        raise QueryError(msg) from exc
    except RuntimeError as exc:
        if "projection" in str(exc):
            msg = (
                f"every bound variable must appear in the SELECT clause ({exc}); "
                "add it there or use SELECT *"
            )
            raise QueryError(msg) from exc
        msg = f"the SPARQL query failed: {exc}"
        raise QueryError(msg) from exc
    except OSError as exc:
        msg = f"the SPARQL query failed: {exc}"
        raise QueryError(msg) from exc

    if isinstance(result, QueryBoolean):
        return bool(result)
    if not isinstance(result, QuerySolutions):
        msg = "CONSTRUCT and DESCRIBE results are not rows; use the export functions instead"
        raise QueryError(msg)
    names = [variable.value for variable in result.variables]
    return [{name: solution[name] for name in names} for solution in result]


def _code(sparql: str) -> str:
    # IRIs keep a token of their own, as an update's grammar can hinge on one (LOAD <iri>).
    return _STRINGS_COMMENTS_IRIS.sub(lambda m: "<>" if m[0].startswith("<") else " ", sparql)


def is_update(sparql: str) -> bool:
    """Return whether ``sparql`` is a SPARQL update rather than a query."""
    return _UPDATE.search(_code(sparql)) is not None


def uses_service(sparql: str) -> bool:
    """Return whether ``sparql`` has a SERVICE clause, which would reach another endpoint."""
    return _SERVICE.search(_code(sparql)) is not None


def select(
    store: Store, sparql: str, bindings: Mapping[str, Term | str] | None = None
) -> list[Row]:
    """Run a SELECT query of our own and return its rows; see ``run_query``.

    Raises:
        QueryError: The query is not a SELECT query, or fails as ``run_query`` describes.
    """
    result = run_query(store, sparql, bindings)
    if isinstance(result, bool):
        msg = "expected a SELECT query, got an ASK query"
        raise QueryError(msg)
    return result


def term_text(term: Term | None) -> str:
    """Return a term's plain text: an IRI, a blank node id or a literal's lexical form."""
    if term is None:
        return ""
    return term.value


def _queries_dir() -> Traversable:
    return ontology_resource("queries")


def list_saved_queries() -> list[str]:
    """Return the names of the shipped queries, sorted."""
    folder = _queries_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))


def load_saved_query(name: str) -> SavedQuery:
    """Return the shipped query called ``name`` with its documented header.

    Raises:
        QueryError: No shipped query has that name; the message lists those that exist.
    """
    path = _queries_dir().joinpath(f"{name}.rq")
    if not path.is_file():
        known = ", ".join(list_saved_queries()) or "none"
        msg = f"no saved query named {name!r}; saved queries: {known}"
        raise QueryError(msg)
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("# ").partition(":")
        if sep:
            header[key.strip().lower()] = value.strip()
    return SavedQuery(
        name=name,
        text=text,
        purpose=header.get("purpose", ""),
        parameters=tuple(_split(header.get("parameters", ""))),
        columns=tuple(_split(header.get("columns", ""))),
    )


def _split(text: str) -> list[str]:
    return [part.strip().split(" ")[0].lstrip("?") for part in text.split(",") if part.strip()]
