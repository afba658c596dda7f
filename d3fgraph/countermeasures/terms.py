"""CURIEs for the terms in a countermeasure's path, and IRIs back from them.

Paths and reports show ``d3f:Process`` rather than full IRIs, since a reader follows them by
eye; the prefixes are the ones every d3fgraph query declares.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from d3fgraph.namespaces import PREFIXES
from d3fgraph.query import Term, term_text

__all__ = ["curie", "iri"]

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)


def curie(term: Term | None) -> str:
    """Return ``prefix:local`` for an IRI in a known namespace, else the term's text."""
    text = term_text(term)
    if not isinstance(term, NamedNode):
        return text
    for prefix, namespace in _BY_LENGTH:
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def iri(name: str) -> NamedNode:
    """Return the IRI a CURIE of a known namespace (or a full IRI in angle brackets) stands for.

    Raises:
        ValueError: The text is not a valid IRI once expanded, such as one holding a space or
            an empty ``<>``; pyoxigraph's message says what is wrong.
    """
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return NamedNode(PREFIXES[prefix] + local)
    return NamedNode(name.removeprefix("<").removesuffix(">"))
