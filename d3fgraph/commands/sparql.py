"""The ``d3fgraph sparql`` command: a saved query by name, or a query text or file.

Values given with ``--bind`` travel as bound variables, never as query text, so no value can
change what a query does. Query texts and files are run by ``d3fgraph.commands.sparql_adhoc``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from d3fgraph.commands import add_common, emit, load_knowledge
from d3fgraph.errors import EXIT_OK, QueryError
from d3fgraph.query import Row, Term

__all__ = ["parse_binding", "parse_bindings", "register", "render_rows"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sparql`` to the ``d3fgraph`` command family."""
    parser = commands.add_parser(
        "sparql",
        help="run a read-only SPARQL query, or a saved one, over the merged graph",
        description=(
            "Run a read-only SPARQL query over the merged graph: a query text, a .rq file, or "
            "a query shipped in ontologies/queries named with --saved. --bind NAME=VALUE binds "
            "a variable; a value written d3f:Name (or any known prefix) or <IRI> binds an IRI, "
            "anything else a plain string, such as an ATT&CK id. --list shows each saved query "
            "with its purpose, parameters and columns."
        ),
    )
    add_common(parser, suppress=True)
    parser.add_argument(
        "query", nargs="?", metavar="QUERY_OR_FILE", help="a query text or a .rq file"
    )
    parser.add_argument("--saved", metavar="NAME", help="run the saved query NAME")
    parser.add_argument(
        "--bind",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a variable of the query; repeat for each",
    )
    parser.add_argument("--list", action="store_true", help="list the saved queries and exit")
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table)",
    )
    parser.add_argument(
        "--allow-service",
        action="store_true",
        help="allow SERVICE, which makes the query contact another SPARQL endpoint",
    )
    parser.add_argument(
        "--endpoint", metavar="URL", help="run on this SPARQL server instead of loading here"
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.set_defaults(handler=_sparql)


def _sparql(args: argparse.Namespace) -> int:
    from d3fgraph.commands.sparql_adhoc import run_query_text
    from d3fgraph.query import list_saved_queries

    if args.list:
        emit(_catalogue(list_saved_queries()), args.output)
        return EXIT_OK
    if args.query is not None and args.saved is not None:
        msg = "give a query text or .rq file, or --saved NAME, not both"
        raise QueryError(msg)
    if args.query is not None:
        return run_query_text(args)
    if args.saved is None:
        msg = "give a query text or .rq file, or --saved NAME (list them with --list)"
        raise QueryError(msg)
    return _run_saved(args)


def _run_saved(args: argparse.Namespace) -> int:
    from d3fgraph.commands.sparql_adhoc import run_remote
    from d3fgraph.countermeasures.queries import check_bindings, run_saved_query
    from d3fgraph.query import load_saved_query

    # Bad names and bindings fail before the slow load of the graph.
    query = load_saved_query(args.saved)
    bindings = parse_bindings(args.bind)
    check_bindings(query, bindings)

    if args.endpoint:
        result = run_remote(args.endpoint, query.text, bindings, allow_service=False)
        if isinstance(result, bool):
            msg = f"saved query {query.name!r} is not a SELECT query"
            raise QueryError(msg)
        rows = result
    else:
        rows = run_saved_query(load_knowledge(args).store, query.name, bindings)
    columns = query.columns or (tuple(rows[0]) if rows else ())
    emit(render_rows(rows, columns, args.format), args.output)
    return EXIT_OK


def parse_bindings(texts: Sequence[str]) -> dict[str, Term | str]:
    """Return the ``--bind NAME=VALUE`` options as a mapping; see ``parse_binding``.

    Raises:
        QueryError: One is malformed, or two bind the same name (one would silently win).
    """
    bindings: dict[str, Term | str] = {}
    for text in texts:
        name, value = parse_binding(text)
        if name in bindings:
            msg = f"--bind {name} is given twice; give each name one value"
            raise QueryError(msg)
        bindings[name] = value
    return bindings


def parse_binding(text: str) -> tuple[str, Term | str]:
    """Return the parameter name and value of ``NAME=VALUE``.

    ``d3f:Name`` (or another known prefix) and ``<IRI>`` become IRIs; anything else stays a
    plain string.

    Raises:
        QueryError: The text has no ``=`` or no name before it, or the value is written as an
            IRI but is not a valid one.
    """
    from d3fgraph.countermeasures.terms import iri
    from d3fgraph.namespaces import PREFIXES

    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not name:
        msg = f"--bind {text!r} is not NAME=VALUE; write it as --bind technique=T1055.001"
        raise QueryError(msg)
    prefix, colon, local = value.partition(":")
    if (value.startswith("<") and value.endswith(">")) or (
        colon and prefix in PREFIXES and not local.startswith("//")
    ):
        try:
            return name, iri(value)
        except ValueError as exc:
            msg = (
                f"--bind {text!r}: {value!r} is not a valid IRI ({exc}); write <http://…> or "
                "d3f:Name"
            )
            raise QueryError(msg) from exc
    return name, value


def render_rows(rows: Sequence[Row], columns: Sequence[str], fmt: str) -> str:
    """Return query rows as an aligned table, CSV or JSON; IRIs are written as CURIEs.

    An unbound cell is empty in a table or CSV, and ``null`` in JSON, where an empty literal
    is ``""``.
    """
    from d3fgraph.countermeasures.terms import curie

    if fmt == "json":
        records = [
            {
                column: None if row.get(column) is None else curie(row.get(column))
                for column in columns
            }
            for row in rows
        ]
        return json.dumps({"columns": list(columns), "rows": records}, indent=2) + "\n"
    cells = [[curie(row.get(column)) for column in columns] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return buffer.getvalue()
    table = [list(columns), *cells]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in table
    ]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines) + "\n"


def _catalogue(names: Sequence[str]) -> str:
    from d3fgraph.query import load_saved_query

    blocks = []
    for name in names:
        query = load_saved_query(name)
        blocks.append(
            f"{name}\n  purpose: {query.purpose}\n"
            f"  parameters: {', '.join(query.parameters) or 'none'}\n"
            f"  columns: {', '.join(query.columns)}"
        )
    return "\n\n".join(blocks) + "\n"
