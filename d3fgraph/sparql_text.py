"""Reading the shape of a SPARQL query's text: its projection and where its WHERE group opens.

A remote endpoint has no pyoxigraph substitutions, so bound parameters reach it as a ``VALUES``
block written into the query. This module finds where that block goes and writes each value
as a SPARQL term from its parts, so a value can only ever be data, never query text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from pyoxigraph import Literal, NamedNode, Store

from d3fgraph.errors import QueryError
from d3fgraph.query import Term, is_update, run_query, uses_service

__all__ = [
    "check_query",
    "mask",
    "projection",
    "values_block",
    "where_group_start",
    "with_values",
]

_OPAQUE: Final = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)
_FORM: Final = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b(?!:)", re.IGNORECASE)
_SELECT_END: Final = re.compile(r"(?<![\w:?$])(WHERE|FROM)\b(?!:)|\{", re.IGNORECASE)
_VARIABLE: Final = re.compile(r"[?$]([A-Za-z_0-9\u00b7\u00c0-\uffff]+)")
_VARIABLE_NAME: Final = re.compile(r"[A-Za-z_0-9\u00c0-\uffff][A-Za-z_0-9\u00b7\u00c0-\uffff]*")
_IRI_FORBIDDEN: Final = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def mask(sparql: str) -> str:
    """Return ``sparql`` with strings, IRIs and comments blanked out, keeping every offset.

    Keywords and braces inside a label, an IRI or a comment then cannot be mistaken for
    syntax by the scans below.
    """
    return _OPAQUE.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), sparql)


def check_query(
    sparql: str, bindings: Mapping[str, Term | str] | None = None, *, allow_service: bool = False
) -> None:
    """Refuse, without any data, what ``run_query`` would refuse on the real graph.

    The query runs on an empty store, which checks its syntax, that it only reads, its use
    of SERVICE and its bound variables, at no cost and before a slow load or a request. An
    allowed SERVICE query is checked for updates only: running it would contact the other
    endpoint, so its syntax is left to whoever runs it.

    Raises:
        QueryError: The query does not parse, updates, uses SERVICE unasked, or binds a
            variable that it does not project.
    """
    if allow_service and uses_service(sparql):
        if is_update(sparql):
            msg = "SPARQL updates are refused: d3fgraph queries are read-only"
            raise QueryError(msg)
        return
    run_query(Store(), sparql, bindings, allow_service=False)


def _query_form(masked: str) -> re.Match[str]:
    form = _FORM.search(masked)
    if form is None:
        msg = "the text is not a SPARQL query: it has no SELECT, ASK, CONSTRUCT or DESCRIBE"
        raise QueryError(msg)
    return form


def where_group_start(sparql: str) -> int:
    """Return the offset just inside the ``{`` that opens the query's outermost WHERE group.

    Raises:
        QueryError: The query is a CONSTRUCT (its results are not rows), or has no group.
    """
    masked = mask(sparql)
    form = _query_form(masked)
    if form.group(1).upper() == "CONSTRUCT":
        msg = "CONSTRUCT results are not rows; use the export functions for graphs instead"
        raise QueryError(msg)

    depth = 0
    for offset in range(form.end(), len(masked)):
        char = masked[offset]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "{" and depth == 0:
            return offset + 1
    msg = "the query has no WHERE group ({ ... }) to bind parameters in"
    raise QueryError(msg)


def projection(sparql: str) -> tuple[str, ...] | None:
    """Return the variables a SELECT query projects, in order; ``None`` for ``SELECT *``.

    An expression ``(... AS ?name)`` projects ``name``. ASK, CONSTRUCT and DESCRIBE queries
    project no variables and give an empty tuple.
    """
    masked = mask(sparql)
    form = _query_form(masked)
    if form.group(1).upper() != "SELECT":
        return ()

    end = _SELECT_END.search(masked, form.end())
    clause = masked[form.end() : end.start() if end else len(masked)]
    names: list[str] = []
    depth = 0
    for piece in re.split(r"([()])", clause):
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
        elif depth == 0:
            if "*" in piece:
                return None
            names.extend(match.group(1) for match in _VARIABLE.finditer(piece))
        else:
            alias = re.search(r"\bAS\s+[?$](\S+)\s*$", piece, re.IGNORECASE)
            if alias:
                names.append(alias.group(1))
    return tuple(dict.fromkeys(names))


def values_block(bindings: Mapping[str, Term]) -> str:
    """Return one ``VALUES`` row binding each name to its value, written as SPARQL terms.

    Raises:
        QueryError: A name is not a SPARQL variable name, or a value is not an IRI or a
            literal (SPARQL allows no blank nodes in ``VALUES``).
    """
    names = []
    terms = []
    for name, value in bindings.items():
        if not _VARIABLE_NAME.fullmatch(name):
            msg = f"{name!r} is not a SPARQL variable name; use letters, digits and _"
            raise QueryError(msg)
        names.append(f"?{name}")
        terms.append(_term(name, value))
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Return ``sparql`` with a ``VALUES`` block opening its outermost WHERE group.

    The block joins before anything else in that group, so the group's triple patterns,
    ``FILTER``, ``OPTIONAL`` and ``EXISTS`` see the bound values. Nested groups and subqueries
    are evaluated on their own and meet the values only in the join: a filter there that
    reads a bound variable the nested pattern does not itself match sees it unbound, where
    pyoxigraph's substitution would have replaced it everywhere.

    Raises:
        QueryError: As ``where_group_start`` and ``values_block`` describe.
    """
    if not bindings:
        return sparql
    start = where_group_start(sparql)
    return f"{sparql[:start]} {values_block(bindings)}\n{sparql[start:]}"


def _term(name: str, value: object) -> str:
    if isinstance(value, NamedNode):
        if _IRI_FORBIDDEN.search(value.value):
            msg = f"the IRI bound to {name!r} holds a character SPARQL forbids in IRIs"
            raise QueryError(msg)
        return f"<{value.value}>"
    if isinstance(value, Literal):
        text = (
            value.value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
        if value.language:
            return f'"{text}"@{value.language}'
        return f'"{text}"^^<{value.datatype.value}>'
    msg = (
        f"the value bound to {name!r} is a {type(value).__name__}; bind an IRI (NamedNode) "
        "or a literal, since SPARQL allows no blank nodes or triples in VALUES"
    )
    raise QueryError(msg)
