"""Run a shipped query by name, with every parameter its header declares bound and no other.

An unbound parameter is not an error to SPARQL: the variable simply matches everything, so a
forgotten ``technique`` would join every technique in D3FEND. Checking the bindings against
the header turns that into a clear error instead of a slow, wrong answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from pyoxigraph import Store

from d3fgraph.errors import QueryError
from d3fgraph.query import Row, SavedQuery, Term, load_saved_query, select

__all__ = ["check_bindings", "run_saved_query"]

logger = logging.getLogger(__name__)


def check_bindings(query: SavedQuery, bindings: Mapping[str, object]) -> None:
    """Check that ``bindings`` bind exactly the parameters ``query`` declares.

    Raises:
        QueryError: A declared parameter is unbound, or a binding names no parameter.
    """
    declared = set(query.parameters)
    missing = sorted(declared - bindings.keys())
    unknown = sorted(bindings.keys() - declared)
    if not missing and not unknown:
        return
    expected = ", ".join(query.parameters) or "none"
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown {', '.join(unknown)}")
    msg = (
        f"saved query {query.name!r} takes the parameters: {expected} "
        f"({'; '.join(problems)}); bind each one, as in --bind {query.parameters[0]}=VALUE"
        if query.parameters
        else f"saved query {query.name!r} takes no parameters ({'; '.join(problems)})"
    )
    raise QueryError(msg)


def run_saved_query(store: Store, name: str, bindings: Mapping[str, Term | str]) -> list[Row]:
    """Run the shipped SELECT query ``name`` with its parameters bound; return its rows.

    Raises:
        QueryError: No query has that name, the bindings do not match its parameters, or the
            query fails.
    """
    query = load_saved_query(name)
    check_bindings(query, bindings)
    started = time.perf_counter()
    rows = select(store, query.text, bindings)
    logger.debug(
        "Saved query %s gave %d rows in %.1f ms",
        name,
        len(rows),
        (time.perf_counter() - started) * 1e3,
    )
    return rows
