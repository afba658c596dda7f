"""D3FEND classes named by a field's invariant value, such as ``d3f:WindowsCreateRemoteThread``.

A model types an entity by a broad class (``d3f:SystemCall``) while its invariant field names
the exact call (``CreateRemoteThread``); when D3FEND has a class for that value, the card shows
it with the triples that tie it to the entity's class, so the reader can check the link.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, NamedNode, Store

from d3fgraph.card.rows import D3fendTerm
from d3fgraph.countermeasures.terms import iri
from d3fgraph.model.vocab import InvarianceClass
from d3fgraph.namespaces import OWL, RDFS, d3f_curie

if TYPE_CHECKING:
    from d3fgraph.drafting import D3fendIndex
    from d3fgraph.model.event_model import Entity, ObservedField

__all__ = ["terms_for"]

_Triple = tuple[str, str, str]
_SUBCLASS = "rdfs:subClassOf"


def terms_for(
    entity: Entity, fields: tuple[ObservedField, ...], index: D3fendIndex, store: Store
) -> tuple[D3fendTerm, ...]:
    """Return the D3FEND classes whose name ends with an invariant text value of ``entity``."""
    found = []
    for field in fields:
        if field.invariance is not InvarianceClass.INVARIANT or not isinstance(field.value, str):
            continue
        value = field.value
        for term in sorted(index.artifact_labels):
            if not term.removeprefix("d3f:").endswith(value) or term in index.deprecated_artifacts:
                continue
            path = _link(term, entity.d3fend_class, index, store)
            found.append(D3fendTerm(value, term, index.label(term), path))
    return tuple(found)


def _link(term: str, target: str, index: D3fendIndex, store: Store) -> tuple[_Triple, ...]:
    """Return the triples from ``term`` to ``target``: subclass steps, or one relation between.

    D3FEND files OS API functions apart from the system calls they invoke, so the link is
    either ``term`` below ``target``, or an ancestor of ``term`` restricted by a property to a
    class below ``target``. Returns no triple when neither holds.
    """
    direct = _chain(term, target, index)
    if direct is not None:
        return direct

    for ancestor, _ in index.ancestors(term):
        for prop, value in _restrictions(ancestor, store):
            tail = _chain(value, target, index)
            if tail is None:
                continue
            head = _chain(term, ancestor, index) or ()
            return (*head, (ancestor, prop, value), *tail)
    return ()


def _restrictions(name: str, store: Store) -> list[tuple[str, str]]:
    """Return ``(property, class)`` of each ``someValuesFrom`` restriction on class ``name``."""
    found = []
    for quad in store.quads_for_pattern(iri(name), RDFS.subClassOf, None, None):
        node = quad.object
        if not isinstance(node, BlankNode):
            continue
        props = [q.object for q in store.quads_for_pattern(node, OWL.onProperty, None, None)]
        values = [q.object for q in store.quads_for_pattern(node, OWL.someValuesFrom, None, None)]
        for prop in props:
            for value in values:
                if isinstance(prop, NamedNode) and isinstance(value, NamedNode):
                    found.append((d3f_curie(prop), d3f_curie(value)))
    return sorted(set(found))


def _chain(start: str, end: str, index: D3fendIndex) -> tuple[_Triple, ...] | None:
    """Return the shortest ``rdfs:subClassOf`` chain from ``start`` up to ``end``, if any."""
    previous = {start: start}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current == end:
            steps = []
            while current != start:
                steps.append((previous[current], _SUBCLASS, current))
                current = previous[current]
            return tuple(reversed(steps))
        for parent in index.artifact_supers.get(current, ()):
            if parent not in previous:
                previous[parent] = current
                queue.append(parent)
    return None
