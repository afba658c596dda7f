"""Building the merged graph from the source data: what the cache holds and how it is filled.

A warm start needs only the list of inputs; the loaders come in when the graph is built.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pyoxigraph import Quad, Store

from d3fgraph.resources import ontology_resource, shipped_model_files

if TYPE_CHECKING:
    from d3fgraph.graph_cache import Filled
    from d3fgraph.model.model_file import ModelSpec
    from d3fgraph.sources import DataPaths

__all__ = ["MODELS_FILE", "OCSF_FILE", "cache_inputs", "fill_store", "read_shipped"]

logger = logging.getLogger(__name__)

#: The compiled OCSF schema, as ``OcsfSchema.to_dict`` writes it.
OCSF_FILE: Final = "ocsf.json"
#: The shipped models, checked against the same data, as ``EventModel.to_dict`` writes them.
MODELS_FILE: Final = "models.json"


def cache_inputs(data: DataPaths) -> list[tuple[str, bytes | Path]]:
    """Return every input the merged graph is built from, named, for the cache key."""
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


def fill_store(store: Store, data: DataPaths) -> Filled:
    """Load D3FEND, OCSF, the project ontology and the checked models into ``store``.

    The seconds each stage took are recorded in the entry's facts (``build_seconds``), so that
    ``d3fgraph data info`` and the benchmark can say where a first run goes.
    """
    from d3fgraph.loaders.d3fend import load_d3fend
    from d3fgraph.loaders.ocsf import compile_ocsf
    from d3fgraph.loaders.ocsf_rdf import OCSF_GRAPH, ocsf_triples
    from d3fgraph.loaders.project import load_project_ontology, model_quads
    from d3fgraph.model.build import build_event_model

    stages = _Stages()
    with stages("d3fend"):
        load_d3fend(data.d3fend_ttl, store)
    with stages("ocsf_compile"):
        ocsf = compile_ocsf(data.ocsf_root)
    with stages("ocsf_triples"):
        # The store is a fresh staging copy that no reader sees until it is renamed into
        # place, so the bulk loader's lack of transactions costs nothing; on disk it is four
        # times faster than a transaction.
        store.bulk_extend(
            Quad(t.subject, t.predicate, t.object, OCSF_GRAPH) for t in ocsf_triples(ocsf)
        )
    with stages("project"):
        load_project_ontology(store)
        models: dict[str, dict[str, Any]] = {}
        for technique_id, resource in sorted(shipped_model_files().items()):
            model = build_event_model(read_shipped(resource), store, ocsf)
            store.bulk_extend(model_quads(model))
            models[technique_id] = model.to_dict()
            logger.debug("Added the model of %s to the graph", technique_id)
    with stages("serialise"):
        files = {OCSF_FILE: json.dumps(ocsf.to_dict()), MODELS_FILE: json.dumps(models)}

    facts: dict[str, object] = {
        "ocsf_version": ocsf.version,
        "models": len(models),
        "d3fend_file": str(data.d3fend_ttl),
        "ocsf_root": str(data.ocsf_root),
        "pid": os.getpid(),
        "build_seconds": stages.seconds,
    }
    return files, facts


class _Stages:
    """Times named stages of the build, in the order they ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - started, 3)
        logger.info("Graph build: %s took %.2f s", name, self.seconds[name])


def read_shipped(resource: Traversable) -> ModelSpec:
    """Shape-check one shipped model file, named by its place in the repository."""
    from d3fgraph.model.model_file import read_model_text

    text = resource.read_text(encoding="utf-8")
    return read_model_text(text, f"ontologies/techniques/{resource.name}")
