"""What D3FEND says about every ATT&CK technique and artifact, fetched in a few batched queries.

Drafting and coverage ask the same questions of all 800-odd techniques: is it deprecated, which
artifacts do its axioms name, what lies above an artifact or a property. Five saved queries
answer them for every technique at once, which is what keeps drafting all of them fast.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from pyoxigraph import Literal, NamedNode, Store

from d3fgraph.namespaces import d3f_curie
from d3fgraph.query import Row, load_saved_query, select, term_text
from d3fgraph.techniques import is_technique_id

__all__ = ["ArtifactLink", "AttackTechnique", "D3fendIndex", "LinkOrigin"]

logger = logging.getLogger(__name__)


class LinkOrigin(StrEnum):
    """Whose axioms link a technique to its artifacts."""

    OWN = "own"
    PARENT = "parent"
    SUB_TECHNIQUES = "sub-techniques"


@dataclass(frozen=True, slots=True)
class AttackTechnique:
    """An ATT&CK technique as D3FEND holds it."""

    id: str
    label: str
    deprecated: bool
    parent: str | None
    successors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArtifactLink:
    """One axiom: ``technique rdfs:subClassOf [owl:onProperty p; owl:someValuesFrom artifact]``."""

    technique: str
    d3fend_property: str
    artifact: str

    @property
    def axiom(self) -> str:
        """The axiom in the compact form notes cite."""
        return f"d3f:{self.technique} {self.d3fend_property} {self.artifact}"


@dataclass(frozen=True, slots=True)
class D3fendIndex:
    """Techniques, their artifact links and the artifact and property hierarchies."""

    techniques: dict[str, AttackTechnique]
    links: dict[str, tuple[ArtifactLink, ...]]
    artifact_supers: dict[str, tuple[str, ...]]
    artifact_labels: dict[str, str]
    deprecated_artifacts: frozenset[str]
    property_supers: dict[str, tuple[str, ...]]
    participants: dict[str, frozenset[str]]
    subs: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store) -> D3fendIndex:
        """Run the five saved queries and index their rows."""
        techniques = _techniques(_rows(store, "attack-techniques"))
        links: defaultdict[str, list[ArtifactLink]] = defaultdict(list)
        for row in _rows(store, "attack-artifact-links"):
            prop, artifact = row["property"], row["artifact"]
            if isinstance(prop, NamedNode) and isinstance(artifact, NamedNode):
                technique_id = term_text(row["id"])
                links[technique_id].append(
                    ArtifactLink(technique_id, d3f_curie(prop), d3f_curie(artifact))
                )

        supers: defaultdict[str, list[str]] = defaultdict(list)
        labels: dict[str, str] = {}
        deprecated: set[str] = set()
        for row in _rows(store, "artifact-classes"):
            name = _curie(row["class"])
            labels.setdefault(name, term_text(row["label"]) or name.removeprefix("d3f:"))
            if _is_true(row["deprecated"]):
                deprecated.add(name)
            if isinstance(row["super"], NamedNode):
                supers[name].append(_curie(row["super"]))

        prop_supers: defaultdict[str, list[str]] = defaultdict(list)
        for row in _rows(store, "object-properties"):
            prop_supers[_curie(row["property"])].extend(
                [_curie(row["super"])] if isinstance(row["super"], NamedNode) else []
            )

        participants: defaultdict[str, set[str]] = defaultdict(set)
        for row in _rows(store, "event-participants"):
            participants[_curie(row["event"])].add(_curie(row["artifact"]))

        subs: defaultdict[str, list[str]] = defaultdict(list)
        for technique in techniques.values():
            if technique.parent and not technique.deprecated:
                subs[technique.parent].append(technique.id)

        logger.debug("Indexed %d techniques and %d artifact classes", len(techniques), len(labels))
        return cls(
            techniques=techniques,
            links={key: tuple(value) for key, value in links.items()},
            artifact_supers={key: tuple(sorted(set(v))) for key, v in supers.items()},
            artifact_labels=labels,
            deprecated_artifacts=frozenset(deprecated),
            property_supers={key: tuple(sorted(set(v))) for key, v in prop_supers.items()},
            participants={key: frozenset(value) for key, value in participants.items()},
            subs={key: tuple(sorted(value)) for key, value in subs.items()},
        )

    def current(self) -> Iterator[AttackTechnique]:
        """Yield the techniques D3FEND does not deprecate, by id."""
        return (t for _, t in sorted(self.techniques.items()) if not t.deprecated)

    def sub_techniques(self, technique_id: str) -> tuple[str, ...]:
        """Return the current sub-techniques of ``technique_id``, sorted."""
        return self.subs.get(technique_id, ())

    def artifact_links(
        self, technique_id: str
    ) -> tuple[LinkOrigin | None, tuple[ArtifactLink, ...]]:
        """Return the links a technique's draft may use and whose axioms they are.

        A technique's own links come first; without any, its parent's; without those, the
        links of its current sub-techniques. ``(None, ())`` means no axiom links it.
        """
        own = self.links.get(technique_id, ())
        if own:
            return LinkOrigin.OWN, own

        technique = self.techniques.get(technique_id)
        parent = technique.parent if technique else None
        if parent and self.links.get(parent):
            return LinkOrigin.PARENT, self.links[parent]

        found = tuple(
            link for sub in self.sub_techniques(technique_id) for link in self.links.get(sub, ())
        )
        if found:
            return LinkOrigin.SUB_TECHNIQUES, found
        return None, ()

    def ancestors(self, artifact: str) -> list[tuple[str, int]]:
        """Return ``artifact`` and every class above it with its distance, nearest first."""
        return _breadth_first(artifact, self.artifact_supers)

    def property_ancestors(self, prop: str) -> list[tuple[str, int]]:
        """Return ``prop`` and every property above it with its distance, nearest first."""
        return _breadth_first(prop, self.property_supers)

    def is_a(self, artifact: str, ancestor: str) -> bool:
        """Whether ``artifact`` is ``ancestor`` or lies below it."""
        return any(name == ancestor for name, _ in self.ancestors(artifact))

    def label(self, artifact: str) -> str:
        """Return D3FEND's label of an artifact class, or its local name."""
        return self.artifact_labels.get(artifact, artifact.removeprefix("d3f:"))


def _rows(store: Store, name: str) -> list[Row]:
    return select(store, load_saved_query(name).text)


def _techniques(rows: list[Row]) -> dict[str, AttackTechnique]:
    grouped: defaultdict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[term_text(row["id"])].append(row)

    techniques = {}
    for technique_id, group in grouped.items():
        first = group[0]
        successors = {term_text(r["successor"]) for r in group}
        techniques[technique_id] = AttackTechnique(
            id=technique_id,
            label=term_text(first["label"]) or technique_id,
            deprecated=any(_is_true(r["deprecated"]) for r in group),
            parent=next((term_text(r["parentId"]) for r in group if r["parentId"]), None),
            successors=tuple(sorted(s for s in successors if is_technique_id(s))),
        )
    return techniques


def _breadth_first(start: str, supers: dict[str, tuple[str, ...]]) -> list[tuple[str, int]]:
    found = {start: 0}
    frontier = [start]
    while frontier:
        following = []
        for name in frontier:
            for parent in supers.get(name, ()):
                if parent not in found:
                    found[parent] = found[name] + 1
                    following.append(parent)
        frontier = following
    return list(found.items())


def _curie(term: object) -> str:
    if isinstance(term, NamedNode):
        return d3f_curie(term)
    return term_text(term) if isinstance(term, Literal) else ""


def _is_true(term: object) -> bool:
    return isinstance(term, Literal) and term.value.lower() in {"true", "1"}
