"""Queries the user writes, for ``d3fgraph sparql``: text or a ``.rq`` file, run here or remotely.

A query is checked on an empty store before the merged graph is loaded, so a typo or a refused
update costs milliseconds, not the load.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path

from d3fgraph.commands import emit, load_knowledge
from d3fgraph.errors import EXIT_OK, QueryError
from d3fgraph.query import Row, Term

__all__ = ["read_query_argument", "run_query_text", "run_remote"]


def read_query_argument(argument: str) -> str:
    """Return the query ``argument`` names: the text of a file, or the argument itself.

    An argument ending in ``.rq`` or naming an existing file is read as a file.

    Raises:
        QueryError: The file does not exist or cannot be read as UTF-8 text.
    """
    path = Path(argument)
    looks_like_file = argument.endswith((".rq", ".sparql")) and "\n" not in argument
    if not looks_like_file and not _is_file(path):
        return argument
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        msg = f"cannot read the query file {argument}: it does not exist"
        raise QueryError(msg) from exc
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read the query file {argument}: {exc}"
        raise QueryError(msg) from exc


def run_query_text(args: argparse.Namespace) -> int:
    """Run the query of ``args.query`` with ``args.bind`` and print it as ``args.format``."""
    from d3fgraph.commands.sparql import parse_bindings, render_rows
    from d3fgraph.sparql_text import check_query, projection

    text = read_query_argument(args.query)
    bindings = parse_bindings(args.bind)
    check_query(text, bindings, allow_service=args.allow_service)

    if args.endpoint:
        result = run_remote(args.endpoint, text, bindings, allow_service=args.allow_service)
    else:
        result = load_knowledge(args).query(text, bindings, allow_service=args.allow_service)

    if isinstance(result, bool):
        emit(render_boolean(result, args.format), args.output)
        return EXIT_OK
    columns = tuple(result[0]) if result else projection(text) or ()
    emit(render_rows(result, columns, args.format), args.output)
    return EXIT_OK


def run_remote(
    endpoint: str, text: str, bindings: Mapping[str, Term | str], *, allow_service: bool
) -> list[Row] | bool:
    """Run ``text`` on the SPARQL endpoint at ``endpoint``; see ``RemoteGraph.query``."""
    from d3fgraph.remote import RemoteGraph

    return RemoteGraph(endpoint).query(text, bindings, allow_service=allow_service)


def render_boolean(value: bool, fmt: str) -> str:
    """Return an ASK answer as ``true``/``false``, or as SPARQL's JSON result shape."""
    if fmt == "json":
        return json.dumps({"boolean": value}) + "\n"
    return ("true" if value else "false") + "\n"


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False
