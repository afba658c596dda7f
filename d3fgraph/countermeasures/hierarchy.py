"""The subclass chains that explain an inferred countermeasure, written as triples.

SPARQL property paths say that a class lies above another, not through which classes; the
explanation needs the classes in between, so they are rebuilt from the direct links.
"""

from __future__ import annotations

import logging
from collections import deque

from pyoxigraph import Store

from d3fgraph.countermeasures.evidence import Triple
from d3fgraph.countermeasures.queries import run_saved_query
from d3fgraph.countermeasures.terms import curie, iri

__all__ = ["SUBCLASS_OF", "Hierarchy"]

logger = logging.getLogger(__name__)

SUBCLASS_OF = "rdfs:subClassOf"


class Hierarchy:
    """The subclass links around the classes one join touches, fetched once per class."""

    __slots__ = ("_links", "_store")

    def __init__(self, store: Store) -> None:
        self._store = store
        self._links: dict[str, dict[str, tuple[str, ...]]] = {}

    def chain(self, start: str, end: str, *, around: str) -> tuple[Triple, ...] | None:
        """Return the shortest chain of ``rdfs:subClassOf`` triples from ``start`` up to ``end``.

        ``around`` names the class whose neighbourhood holds both: the lower class when going
        up to a broader one, the upper class when coming from a narrower one. Returns ``None``
        when no chain of named classes links them (a link through an anonymous class).
        """
        if start == end:
            return ()
        supers = self._supers(around)
        previous: dict[str, str] = {start: start}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for parent in supers.get(current, ()):
                if parent in previous:
                    continue
                previous[parent] = current
                if parent == end:
                    return self._triples(previous, start, end)
                queue.append(parent)
        logger.debug("No chain of named classes from %s up to %s", start, end)
        return None

    def _supers(self, around: str) -> dict[str, tuple[str, ...]]:
        if around not in self._links:
            rows = run_saved_query(self._store, "class-hierarchy", {"class": iri(around)})
            links: dict[str, list[str]] = {}
            for row in rows:
                links.setdefault(curie(row["sub"]), []).append(curie(row["super"]))
            self._links[around] = {sub: tuple(sorted(sup)) for sub, sup in links.items()}
        return self._links[around]

    @staticmethod
    def _triples(previous: dict[str, str], start: str, end: str) -> tuple[Triple, ...]:
        steps = []
        node = end
        while node != start:
            steps.append(Triple(previous[node], SUBCLASS_OF, node))
            node = previous[node]
        return tuple(reversed(steps))
