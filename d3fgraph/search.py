"""Listing ATT&CK techniques and finding them by id, name or label, best match first.

Labels are compared by their text alone, so a label stored with a language tag and one
without match alike; case, accents folded by NFKC, hyphens and spacing are ignored, so
``"dynamic-link library injection"`` finds "Dynamic-link Library Injection".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from pyoxigraph import Literal, NamedNode, Store

from d3fgraph.namespaces import d3f_curie
from d3fgraph.query import select, term_text
from d3fgraph.techniques import is_technique_id

__all__ = ["MatchKind", "TechniqueMatch", "TechniqueSummary", "find_techniques", "list_techniques"]

_TECHNIQUES_QUERY: Final = """
SELECT ?technique ?id ?deprecated
       (GROUP_CONCAT(DISTINCT STR(?label); SEPARATOR="\\u001f") AS ?labels)
       (GROUP_CONCAT(DISTINCT STR(?name); SEPARATOR="\\u001f") AS ?names)
       (GROUP_CONCAT(DISTINCT ?parentId; SEPARATOR=" ") AS ?parents)
WHERE {
  ?technique d3f:attack-id ?id .
  OPTIONAL { ?technique rdfs:label ?label }
  OPTIONAL {
    VALUES ?nameProperty { skos:altLabel skos:prefLabel d3f:pref-label }
    ?technique ?nameProperty ?name
  }
  OPTIONAL { ?technique owl:deprecated ?deprecated }
  OPTIONAL { ?technique rdfs:subClassOf ?parent . ?parent d3f:attack-id ?parentId }
}
GROUP BY ?technique ?id ?deprecated
"""

_SEPARATOR: Final = "\x1f"
_TAGGED: Final = re.compile(r'^"(.*)"@[A-Za-z]+(?:-[A-Za-z0-9]+)*$', re.DOTALL)


class MatchKind(StrEnum):
    """How a search text matched a technique, from the strongest kind to the weakest."""

    ID = "id"
    LABEL = "label"
    ID_PREFIX = "id-prefix"
    LABEL_PREFIX = "label-prefix"
    ACRONYM = "acronym"
    WORDS = "words"
    SOME_WORDS = "some-words"
    FUZZY = "fuzzy"


_BASE_SCORE: Final = {
    MatchKind.ID: 1.0,
    MatchKind.LABEL: 0.95,
    MatchKind.ID_PREFIX: 0.85,
    MatchKind.LABEL_PREFIX: 0.8,
    MatchKind.ACRONYM: 0.7,
    MatchKind.WORDS: 0.6,
    MatchKind.SOME_WORDS: 0.3,
    MatchKind.FUZZY: 0.0,
}


@dataclass(frozen=True, slots=True)
class TechniqueSummary:
    """One ATT&CK technique as D3FEND lists it: id, label, whether deprecated, parent id."""

    id: str
    iri: NamedNode
    label: str
    deprecated: bool
    parent: str | None
    names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not is_technique_id(self.id):
            msg = f"{self.id!r} is not an ATT&CK technique id such as T1055 or T1055.001"
            raise ValueError(msg)

    @property
    def curie(self) -> str:
        return d3f_curie(self.iri)

    def to_dict(self) -> dict[str, object]:
        """Return the summary as plain JSON-ready values."""
        return {
            "id": self.id,
            "iri": self.iri.value,
            "label": self.label,
            "deprecated": self.deprecated,
            "parent": self.parent,
            "names": list(self.names),
        }


@dataclass(frozen=True, slots=True)
class TechniqueMatch:
    """A technique found by a search, with how well and through which text it matched."""

    technique: TechniqueSummary
    kind: MatchKind
    score: float
    matched: str


def list_techniques(store: Store, *, include_deprecated: bool = True) -> list[TechniqueSummary]:
    """Return every ATT&CK technique D3FEND knows, sorted by id.

    Tactics and other classes that carry an ATT&CK id of another shape are left out.
    """
    techniques = []
    for row in select(store, _TECHNIQUES_QUERY):
        technique_id = term_text(row["id"])
        iri = row["technique"]
        if not is_technique_id(technique_id) or not isinstance(iri, NamedNode):
            continue
        deprecated = _is_true(row["deprecated"])
        if deprecated and not include_deprecated:
            continue
        labels = sorted(filter(None, term_text(row["labels"]).split(_SEPARATOR)))
        parents = [p for p in term_text(row["parents"]).split() if is_technique_id(p)]
        names = sorted(set(filter(None, term_text(row["names"]).split(_SEPARATOR))))
        techniques.append(
            TechniqueSummary(
                id=technique_id,
                iri=iri,
                label=labels[0] if labels else "",
                deprecated=deprecated,
                parent=min(parents) if parents else None,
                names=tuple(labels[1:] + names),
            )
        )
    return sorted(techniques, key=lambda t: _id_key(t.id))


def find_techniques(
    store: Store, text: str, *, limit: int = 10, include_deprecated: bool = False
) -> list[TechniqueMatch]:
    """Return the techniques whose id, label or other name match ``text``, best first.

    An exact id or label ranks first, then ids and labels that start with the text, then
    labels holding every word of it, then labels close in spelling. An exact id match is
    returned even for a deprecated technique; other deprecated ones only when asked for.

    Args:
        store: The merged store.
        text: An id such as ``T1055.001`` (any case), a label or part of one; a label
            written as a tagged literal such as ``"DLL Injection"@en`` is read as its text.
        limit: How many matches to return at most.
        include_deprecated: Also match deprecated techniques by label.
    """
    query = _normalize(_strip_tag(text))
    if not query or limit <= 0:
        return []

    matches = []
    for technique in list_techniques(store):
        match = _match(technique, query)
        if match is None:
            continue
        if technique.deprecated and not include_deprecated and match.kind is not MatchKind.ID:
            continue
        matches.append(match)
    matches.sort(key=lambda m: (-m.score, _id_key(m.technique.id)))
    return matches[:limit]


def _match(technique: TechniqueSummary, query: str) -> TechniqueMatch | None:
    technique_id = technique.id.casefold()
    if query == technique_id:
        return TechniqueMatch(technique, MatchKind.ID, 1.0, technique.id)
    if technique_id.startswith(query) and query[:1] == "t" and len(query) >= 2:
        return _scored(technique, MatchKind.ID_PREFIX, technique.id, query)

    best: TechniqueMatch | None = None
    for name in (technique.label, *technique.names):
        candidate = _normalize(name)
        if not candidate:
            continue
        if candidate == query:
            kind = MatchKind.LABEL
        elif candidate.startswith(query):
            kind = MatchKind.LABEL_PREFIX
        elif len(query) >= 3 and query == "".join(word[0] for word in candidate.split()):
            kind = MatchKind.ACRONYM
        elif query in candidate or _word_coverage(query, candidate) == 1.0:
            kind = MatchKind.WORDS
        elif _word_coverage(query, candidate) > 0:
            kind = MatchKind.SOME_WORDS
        elif _ratio(query, candidate) >= 0.75:
            kind = MatchKind.FUZZY
        else:
            continue
        match = _scored(technique, kind, name, query)
        if best is None or match.score > best.score:
            best = match
    return best


def _scored(technique: TechniqueSummary, kind: MatchKind, text: str, query: str) -> TechniqueMatch:
    # Within a kind, the closer the whole text is to the query, the higher it ranks.
    closeness = _ratio(query, _normalize(text))
    if kind is MatchKind.FUZZY:
        score = closeness * 0.5
    elif kind is MatchKind.SOME_WORDS:
        coverage = _word_coverage(query, _normalize(text))
        score = _BASE_SCORE[kind] + coverage * 0.25 + closeness * 0.049
    else:
        score = _BASE_SCORE[kind] + closeness * 0.049
    return TechniqueMatch(technique, kind, round(score, 4), text)


def _word_coverage(query: str, candidate: str) -> float:
    """Return the share of the query's words (of three letters or more) found in a name.

    A word is found when it begins a word of the name or is the initials of a run of its
    words, since analysts write "dll injection" for Dynamic-link Library Injection.
    """
    words = [word for word in query.split() if len(word) >= 3]
    if not words:
        return 0.0
    names = candidate.split()
    initials = _initials(names)
    found = sum(word in initials or any(n.startswith(word) for n in names) for word in words)
    return found / len(words)


def _initials(words: list[str]) -> set[str]:
    """Return the initials of every run of two to five consecutive words."""
    heads = [word[0] for word in words]
    return {
        "".join(heads[start:end])
        for start in range(len(heads))
        for end in range(start + 2, min(start + 5, len(heads)) + 1)
    }


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w.]+", " ", folded).split())


def _strip_tag(text: str) -> str:
    tagged = _TAGGED.match(text.strip())
    return tagged.group(1) if tagged else text


def _id_key(technique_id: str) -> tuple[int, int]:
    head, _, sub = technique_id[1:].partition(".")
    return int(head), int(sub or -1)


def _is_true(term: object) -> bool:
    return isinstance(term, Literal) and term.value.lower() in {"true", "1"}
