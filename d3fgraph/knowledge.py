"""The merged knowledge graph: D3FEND, the compiled OCSF schema, the project's ontology and models.

One ``KnowledgeGraph`` object holds the store and the OCSF schema that every command needs;
loading it is the only expensive step, and the graph cache makes it cheap after the first run.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Quad, Store

from d3fgraph.d3fend_lookup import D3fendClass, TechniqueInfo, find_d3fend_class, find_technique
from d3fgraph.errors import NoModelError
from d3fgraph.graph_cache import GraphCache, remembered_digest
from d3fgraph.loaders.d3fend import load_d3fend
from d3fgraph.loaders.project import load_project_ontology, model_quads
from d3fgraph.model.build import build_event_model
from d3fgraph.model.event_model import EventModel
from d3fgraph.model.model_file import ModelSpec, read_model_file, read_model_text
from d3fgraph.query import Row, Term, run_query
from d3fgraph.resources import ontology_resource, shipped_model_files
from d3fgraph.techniques import parse_technique_id

if TYPE_CHECKING:
    from rdflib import Graph

    from d3fgraph.loaders.ocsf_model import OcsfSchema
    from d3fgraph.sources import DataPaths

__all__ = ["KnowledgeGraph", "package_version"]

logger = logging.getLogger(__name__)


def package_version() -> str:
    """Return the installed version of d3fgraph."""
    try:
        return version("d3fgraph")
    except PackageNotFoundError:
        return "0+unknown"


class KnowledgeGraph:
    """D3FEND, OCSF and the project's models in one SPARQL store, with typed lookups."""

    def __init__(self, store: Store, ocsf: OcsfSchema, data: DataPaths | None = None) -> None:
        self.store = store
        self.ocsf = ocsf
        self.data = data
        self._models: dict[str, EventModel] = {}
        self._graph: Graph | None = None

    @classmethod
    def load(
        cls,
        data_dir: Path | str | None = None,
        *,
        use_cache: bool = True,
        download: bool = True,
        cache_dir: Path | None = None,
    ) -> KnowledgeGraph:
        """Find the source data, then open the cached graph or build it.

        Args:
            data_dir: A folder laid out as ``d3fend/`` and ``ocsf-schema/``; by default the
                ``D3FGRAPH_DATA_DIR`` variable, then the download cache.
            use_cache: Build in memory and write no cache when false.
            download: Download the pinned releases when no data is found.
            cache_dir: Where caches live; by default the user cache folder.

        Raises:
            DataNotFoundError: No data folder, cache or download could provide the data.
            OntologyLoadError: The D3FEND file does not parse or is not D3FEND.
            OcsfLoadError: The OCSF tree cannot be compiled.
        """
        from d3fgraph.sources import cache_root, locate_data

        data = locate_data(
            Path(data_dir) if data_dir else None, download=download, cache_dir=cache_dir
        )
        if not use_cache:
            store = Store()
            ocsf_json, _ = _fill_store(store, data)
            return cls(store, _ocsf_from_json(ocsf_json), data)

        root = cache_root(cache_dir) / "graphs"
        key = remembered_digest(root / "inputs.json", _cache_inputs(data), package_version())
        cache = GraphCache(root)
        entry = cache.open(key) or cache.build(key, lambda store: _fill_store(store, data))
        return cls(entry.store, _ocsf_from_json(entry.ocsf_json), data)

    @property
    def graph(self) -> Graph:
        """The merged graph as an rdflib ``Graph`` over the same Oxigraph store."""
        if self._graph is None:
            from oxrdflib import OxigraphStore
            from rdflib import Dataset

            dataset = Dataset(store=OxigraphStore(store=self.store), default_union=True)
            self._graph = dataset
        return self._graph

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term | str] | None = None,
        *,
        allow_service: bool = False,
    ) -> list[Row] | bool:
        """Run read-only SPARQL with bound parameters; see ``d3fgraph.query.run_query``."""
        return run_query(self.store, sparql, bindings, allow_service=allow_service)

    def technique(self, technique_id: str) -> TechniqueInfo:
        """Return D3FEND's record of an ATT&CK technique."""
        return find_technique(self.store, technique_id)

    def d3fend_class(self, name: str) -> D3fendClass:
        """Return a current D3FEND class by ``d3f:Name``."""
        return find_d3fend_class(self.store, name)

    def model(self, technique_id: str) -> EventModel:
        """Return the event model of ``technique_id``.

        Raises:
            InvalidTechniqueIdError: The id is malformed.
            UnknownTechniqueError: D3FEND does not know the technique.
            NoModelError: The technique is known but has no model, with the reason.
        """
        technique_id = parse_technique_id(technique_id)
        if technique_id in self._models:
            return self._models[technique_id]

        info = self.technique(technique_id)
        files = shipped_model_files()
        if technique_id not in files:
            if info.deprecated:
                successor = ", ".join(info.successors) or "none named in D3FEND"
                reason = f"it is deprecated in ATT&CK (successor: {successor})"
            else:
                reason = "no curated model exists yet and drafting is not available"
            raise NoModelError(technique_id, reason)

        model = build_event_model(_read_shipped(files[technique_id]), self.store, self.ocsf)
        self._models[technique_id] = model
        return model

    def model_from_file(self, path: Path) -> EventModel:
        """Read, check and return the event model in a user's YAML file."""
        return build_event_model(read_model_file(path), self.store, self.ocsf)


def _cache_inputs(data: DataPaths) -> list[tuple[str, bytes | Path]]:
    inputs: list[tuple[str, bytes | Path]] = [("d3fend", data.d3fend_ttl)]
    for path in sorted(data.ocsf_root.rglob("*.json")):
        inputs.append((f"ocsf/{path.relative_to(data.ocsf_root).as_posix()}", path))
    for folder in ("", "techniques", "queries", "mappings"):
        resource = ontology_resource(folder) if folder else ontology_resource()
        if not resource.is_dir():
            continue
        for entry in resource.iterdir():
            if entry.is_file():
                inputs.append((f"ontologies/{folder}/{entry.name}", entry.read_bytes()))
    return inputs


def _fill_store(store: Store, data: DataPaths) -> tuple[str, dict[str, object]]:
    from d3fgraph.loaders.ocsf import compile_ocsf
    from d3fgraph.loaders.ocsf_rdf import OCSF_GRAPH, ocsf_triples

    load_d3fend(data.d3fend_ttl, store)
    ocsf = compile_ocsf(data.ocsf_root)
    store.extend(Quad(t.subject, t.predicate, t.object, OCSF_GRAPH) for t in ocsf_triples(ocsf))
    load_project_ontology(store)

    models = 0
    for technique_id, resource in sorted(shipped_model_files().items()):
        model = build_event_model(_read_shipped(resource), store, ocsf)
        store.extend(model_quads(model))
        models += 1
        logger.debug("Added the model of %s to the graph", technique_id)

    facts: dict[str, object] = {
        "ocsf_version": ocsf.version,
        "models": models,
        "d3fend_file": str(data.d3fend_ttl),
        "ocsf_root": str(data.ocsf_root),
        "pid": os.getpid(),
    }
    return json.dumps(ocsf.to_dict()), facts


def _read_shipped(resource: Traversable) -> ModelSpec:
    text = resource.read_text(encoding="utf-8")
    return read_model_text(text, f"ontologies/techniques/{resource.name}")


def _ocsf_from_json(text: str) -> OcsfSchema:
    from d3fgraph.loaders.ocsf_model import OcsfSchema

    return OcsfSchema.from_dict(json.loads(text))
