"""D3FEND and the project ontology as owlready2 Python classes, read from the merged store.

owlready2 reads RDF/XML and N-Triples but not Turtle, so the D3FEND and project graphs are
written out of the store as N-Triples and parsed from memory; the sources stay the same
files the rest of d3fgraph loads. Building the view takes 1.5 to 2 s on D3FEND 1.2, opening
its saved quadstore about 0.06 s, so the view is kept as an SQLite file in the cache, named
by a digest of its inputs (the D3FEND file's path, size and time, the shipped ontology, and
the d3fgraph and owlready2 versions). Two kinds of triple are left out: ``owl:imports``, since
both ontologies are loaded from the store and nothing may be fetched, and the triples by which
D3FEND 1.2 makes 240 defensive-technique classes instances of themselves, which owlready2
ignores while printing a warning for each.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import sqlite3
import warnings
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

from pyoxigraph import NamedNode, RdfFormat, Store

from d3fgraph.errors import (
    CacheError,
    D3fgraphWarning,
    InvalidD3fendClassError,
    OntologyLoadError,
)
from d3fgraph.loaders.d3fend import D3FEND_GRAPH
from d3fgraph.loaders.project import PROJECT_GRAPH
from d3fgraph.namespaces import D3F, D3G, OWL, RDF
from d3fgraph.resources import ontology_resource

__all__ = ["OwlView", "clear_owl_cache", "load_owl_view", "owl_cache_file", "owl_cache_key"]

logger = logging.getLogger(__name__)

#: The folder, under the cache root, of saved views.
_OWL_FOLDER: Final = "owl"
_IMPORTS: Final = f"<{OWL.imports.value}>".encode()
_TYPE: Final = f"<{RDF.type.value}>".encode()
_SOURCES: Final = ((D3F.iri, D3FEND_GRAPH), (D3G.iri, PROJECT_GRAPH))


@dataclass(frozen=True, slots=True)
class OwlView:
    """An owlready2 world holding D3FEND and the project ontology as Python classes.

    ``view.d3fend.Process.is_a`` lists the superclasses and restrictions of ``d3f:Process``;
    names that are not Python names are reached by item, ``view.d3fend["T1055.001"]``.

    Attributes:
        world: The owlready2 ``World``; reasoners and SPARQL of owlready2 run on it.
        d3fend: The D3FEND ontology, also the namespace of its terms.
        project: The d3fgraph ontology (``d3g:``), with its OCSF bridge terms.
        path: The SQLite file behind the world, or ``None`` when it lives in memory.
    """

    world: Any
    d3fend: Any
    project: Any
    path: Path | None

    def d3f(self, name: str) -> Any:
        """Return the D3FEND class or property ``d3f:Name`` (or ``Name``).

        Raises:
            InvalidD3fendClassError: D3FEND has no entity of that name.
        """
        entity = self.d3fend[name.removeprefix("d3f:")]
        if entity is None:
            raise InvalidD3fendClassError(name, "does not exist in the loaded D3FEND ontology")
        return entity

    def superclasses(self, name: str) -> list[Any]:
        """Return the named classes ``d3f:Name`` is directly declared a subclass of."""
        import owlready2

        return [c for c in self.d3f(name).is_a if isinstance(c, owlready2.ThingClass)]

    def restrictions(self, name: str) -> list[Any]:
        """Return the restrictions (``invokes.some(SystemCall)``) among its superclasses."""
        import owlready2

        return [c for c in self.d3f(name).is_a if isinstance(c, owlready2.Restriction)]

    def close(self) -> None:
        """Close the world's SQLite file; the view is unusable afterwards."""
        self.world.close()


def owl_cache_file(cache_root: Path, d3fend_file: Path) -> Path:
    """Return where the saved view built from ``d3fend_file`` lives under ``cache_root``."""
    return cache_root / _OWL_FOLDER / f"owl-{owl_cache_key(d3fend_file)[:32]}.sqlite3"


def clear_owl_cache(cache_root: Path) -> list[Path]:
    """Remove every saved view under ``cache_root``, and any left half-written.

    Returns:
        The files removed, sorted.

    Raises:
        CacheError: A file cannot be removed; the message names it.
    """
    folder = cache_root / _OWL_FOLDER
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("owl-", ".owl-")) and path.is_file():
            try:
                path.unlink()
            except OSError as exc:
                msg = (
                    f"cannot remove {path} from the cache: {exc.strerror or exc}; delete it by hand"
                )
                raise CacheError(msg) from exc
            removed.append(path)
    return removed


def owl_cache_key(d3fend_file: Path) -> str:
    """Return the digest that names the saved view built from ``d3fend_file``."""
    from d3fgraph.knowledge import package_version

    stat = d3fend_file.stat()
    digest = hashlib.sha256()
    digest.update(f"{d3fend_file.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    digest.update(f"{package_version()}\0{version('owlready2')}\0".encode())
    for name in ("d3g.ttl", "d3g-ocsf.ttl"):
        resource = ontology_resource(name)
        if resource.is_file():
            digest.update(resource.read_bytes())
    return digest.hexdigest()


def load_owl_view(store: Store, cache_file: Path | None = None) -> OwlView:
    """Return the owlready2 view of the D3FEND and project graphs of ``store``.

    Args:
        store: The merged store.
        cache_file: Where the view's SQLite quadstore is kept; opened when present, written
            when absent. ``None`` builds the view in memory each time.

    Raises:
        OntologyLoadError: owlready2 cannot parse the graphs.
    """
    if cache_file is not None and cache_file.is_file():
        view = _open(cache_file)
        if view is not None:
            logger.info("Opened the cached OWL view %s", cache_file)
            return view
    if cache_file is None:
        return _build(store, None)

    cache_file.parent.mkdir(parents=True, exist_ok=True)
    staging = cache_file.with_name(f".{cache_file.name}.{os.getpid()}")
    _build(store, staging).close()
    staging.replace(cache_file)
    logger.info("Saved the OWL view to %s", cache_file)
    view = _open(cache_file)
    if view is None:
        msg = f"the OWL view just written to {cache_file} cannot be opened"
        raise OntologyLoadError(msg)
    return view


def _build(store: Store, path: Path | None) -> OwlView:
    import owlready2

    world = owlready2.World(filename=str(path)) if path else owlready2.World()
    loaded = []
    try:
        for iri, graph in _SOURCES:
            ntriples = _ntriples(store, graph)
            ontology = world.get_ontology(iri).load(fileobj=io.BytesIO(ntriples), format="ntriples")
            loaded.append(ontology)
        if path is not None:
            world.save()
    except (owlready2.OwlReadyError, ValueError, OSError) as exc:
        world.close()
        msg = f"owlready2 cannot read the D3FEND or project ontology: {exc}"
        raise OntologyLoadError(msg) from exc
    logger.debug("Built the OWL view of %s and %s", D3F.iri, D3G.iri)
    return OwlView(world=world, d3fend=loaded[0], project=loaded[1], path=path)


def _open(path: Path) -> OwlView | None:
    import owlready2

    try:
        world = owlready2.World(filename=str(path), exclusive=False)
        d3fend = world.get_ontology(D3F.iri)
        project = world.get_ontology(D3G.iri)
        if d3fend["DigitalArtifact"] is None or project["EventModel"] is None:
            world.close()
            msg = "it lacks d3f:DigitalArtifact or d3g:EventModel"
            raise ValueError(msg)
    except (owlready2.OwlReadyError, sqlite3.Error, ValueError, OSError) as exc:
        warnings.warn(
            f"The cached OWL view {path} is damaged ({exc}); rebuilding it.",
            D3fgraphWarning,
            stacklevel=3,
        )
        path.unlink(missing_ok=True)
        return None
    return OwlView(world=world, d3fend=d3fend, project=project, path=path)


def _ntriples(store: Store, graph: NamedNode) -> bytes:
    data = store.dump(format=RdfFormat.N_TRIPLES, from_graph=graph)
    if not isinstance(data, bytes):
        msg = f"the store gave no N-Triples for {graph.value}"
        raise OntologyLoadError(msg)
    return b"".join(line for line in data.splitlines(keepends=True) if _kept(line))


def _kept(line: bytes) -> bool:
    subject, predicate, rest = [*line.split(b" ", 2), b"", b""][:3]
    # The other graphs are loaded into the same world, so owlready2 must not fetch imports.
    if predicate == _IMPORTS:
        return False
    # D3FEND types some classes as instances of themselves; owlready2 ignores those triples
    # but prints a warning to stderr for each, so they are left out.
    return not (predicate == _TYPE and rest.startswith(subject + b" "))
