"""The merged knowledge graph: D3FEND, the compiled OCSF schema, the project's ontology and models.

One ``KnowledgeGraph`` object holds the store and the OCSF schema that every command needs;
loading it is the only expensive step, and the graph cache makes it cheap after the first run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import Store

from d3fgraph._version import VERSION
from d3fgraph.d3fend_lookup import D3fendClass, TechniqueInfo, find_d3fend_class, find_technique
from d3fgraph.errors import NoModelError, QueryError
from d3fgraph.graph_cache import DIGEST_MEMO, CachedGraph, GraphCache, remembered_digest
from d3fgraph.model.event_model import EventModel
from d3fgraph.query import Row, Term, run_query
from d3fgraph.resources import shipped_model_files
from d3fgraph.techniques import parse_technique_id

if TYPE_CHECKING:
    from pandas import DataFrame
    from rdflib import Graph

    from d3fgraph.drafting import Drafter
    from d3fgraph.export import ExportFormat
    from d3fgraph.loaders.ocsf_model import OcsfSchema
    from d3fgraph.owl_view import OwlView
    from d3fgraph.search import TechniqueMatch, TechniqueSummary
    from d3fgraph.sources import DataPaths

__all__ = ["KnowledgeGraph", "package_version"]

logger = logging.getLogger(__name__)


def package_version() -> str:
    """Return the version of d3fgraph, which is part of every cache key."""
    return VERSION


class KnowledgeGraph:
    """D3FEND, OCSF and the project's models in one SPARQL store, with typed lookups."""

    def __init__(
        self,
        store: Store,
        ocsf: OcsfSchema | None = None,
        data: DataPaths | None = None,
        *,
        cached: CachedGraph | None = None,
    ) -> None:
        if ocsf is None and cached is None:
            msg = "KnowledgeGraph needs the OCSF schema or a cache entry that holds it"
            raise ValueError(msg)
        self.store = store
        self.data = data
        self._ocsf = ocsf
        self._cached = cached
        self._checked_models: dict[str, dict[str, Any]] | None = None
        self._models: dict[str, EventModel] = {}
        self._graph: Graph | None = None
        self._owl: OwlView | None = None
        self._drafter: Drafter | None = None

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
        from d3fgraph.graph_build import OCSF_FILE, cache_inputs, fill_store

        if not use_cache:
            store = Store()
            files, _ = fill_store(store, data)
            return cls(store, _ocsf_from_json(files[OCSF_FILE]), data)

        root = cache_root(cache_dir) / "graphs"
        key = remembered_digest(root / DIGEST_MEMO, cache_inputs(data), package_version())
        cache = GraphCache(root)
        entry = cache.open(key) or cache.build(key, lambda store: fill_store(store, data))
        return cls(entry.store, data=data, cached=entry)

    @property
    def ocsf(self) -> OcsfSchema:
        """The compiled OCSF schema, read from the cache on first use."""
        if self._ocsf is None:
            assert self._cached is not None
            from d3fgraph.graph_build import OCSF_FILE

            self._ocsf = _ocsf_from_json(self._cached.read(OCSF_FILE))
        return self._ocsf

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

    @property
    def drafter(self) -> Drafter:
        """The drafter of models for techniques without a curated one, built on first use."""
        if self._drafter is None:
            from d3fgraph.drafting import Drafter

            self._drafter = Drafter.load(self.store, self.ocsf)
        return self._drafter

    def model(self, technique_id: str) -> EventModel:
        """Return the event model of ``technique_id``: the curated one, else a draft.

        Raises:
            InvalidTechniqueIdError: The id is malformed.
            UnknownTechniqueError: D3FEND does not know the technique.
            NoModelError: The technique is known but has no model, with the reason: it is
                deprecated, or D3FEND links it to no artifact OCSF observes.
        """
        technique_id = parse_technique_id(technique_id)
        if technique_id in self._models:
            return self._models[technique_id]
        checked = self._checked().get(technique_id)
        if checked is not None:
            self._models[technique_id] = EventModel.from_dict(checked)
            return self._models[technique_id]

        info = self.technique(technique_id)
        files = shipped_model_files()
        if technique_id in files:
            from d3fgraph.graph_build import read_shipped
            from d3fgraph.model.build import build_event_model

            model = build_event_model(read_shipped(files[technique_id]), self.store, self.ocsf)
        elif info.deprecated:
            successor = ", ".join(info.successors) or "none named in D3FEND"
            reason = f"it is deprecated in ATT&CK (successor: {successor})"
            raise NoModelError(technique_id, reason)
        else:
            model = self.drafter.draft(technique_id)
        self._models[technique_id] = model
        return model

    def _checked(self) -> dict[str, dict[str, Any]]:
        """The shipped models as the cache build checked them against this same data."""
        if self._checked_models is None:
            from d3fgraph.graph_build import MODELS_FILE

            text = self._cached.read(MODELS_FILE) if self._cached else "{}"
            self._checked_models = json.loads(text)
        return self._checked_models

    def model_from_file(self, path: Path) -> EventModel:
        """Read, check and return the event model in a user's YAML file."""
        from d3fgraph.model.build import build_event_model
        from d3fgraph.model.model_file import read_model_file

        return build_event_model(read_model_file(path), self.store, self.ocsf)

    def techniques(self, *, include_deprecated: bool = True) -> list[TechniqueSummary]:
        """Return every ATT&CK technique D3FEND knows, by id; see ``search.list_techniques``."""
        from d3fgraph.search import list_techniques

        return list_techniques(self.store, include_deprecated=include_deprecated)

    def find_techniques(
        self, text: str, *, limit: int = 10, include_deprecated: bool = False
    ) -> list[TechniqueMatch]:
        """Return techniques matching an id, name or label, best first.

        Case, hyphens and language tags are ignored, so "dynamic-link library injection"
        finds T1055.001; ``d3fgraph.search.find_techniques`` explains the ranking.
        """
        from d3fgraph.search import find_techniques

        return find_techniques(self.store, text, limit=limit, include_deprecated=include_deprecated)

    def query_df(
        self,
        sparql: str,
        bindings: Mapping[str, Term | str] | None = None,
        *,
        allow_service: bool = False,
    ) -> DataFrame:
        """Run a SELECT query and return a pandas DataFrame; see ``d3fgraph.frames``.

        Raises:
            MissingExtraError: pandas is not installed (``pip install 'd3fgraph[notebook]'``).
            QueryError: As ``query`` describes, or the query is an ASK query.
        """
        from d3fgraph.frames import rows_to_frame
        from d3fgraph.sparql_text import projection

        rows = self.query(sparql, bindings, allow_service=allow_service)
        if isinstance(rows, bool):
            msg = "an ASK query gives a boolean, not a table; use query() for it"
            raise QueryError(msg)
        return rows_to_frame(rows, None if rows else projection(sparql) or ())

    def owl(self, *, cache_dir: Path | None = None, use_cache: bool = True) -> OwlView:
        """Return D3FEND and the project ontology as owlready2 classes; see ``owl_view``.

        The view is built once per graph object and kept in the cache folder when the
        D3FEND file is known and ``use_cache`` is true.
        """
        if self._owl is None:
            from d3fgraph.owl_view import load_owl_view, owl_cache_file
            from d3fgraph.sources import cache_root

            cache_file = None
            if use_cache and self.data is not None:
                cache_file = owl_cache_file(cache_root(cache_dir), self.data.d3fend_ttl)
            self._owl = load_owl_view(self.store, cache_file)
        return self._owl

    def export(self, fmt: ExportFormat | str = "turtle", technique: str | None = None) -> str:
        """Return the merged graph, or one technique's model, as RDF text; see ``export``."""
        from d3fgraph.export import export_model, export_store

        if technique is None:
            return export_store(self.store, fmt)
        return export_model(self.model(technique), self.store, fmt)


def _ocsf_from_json(text: str) -> OcsfSchema:
    from d3fgraph.loaders.ocsf_model import OcsfSchema

    return OcsfSchema.from_dict(json.loads(text))
