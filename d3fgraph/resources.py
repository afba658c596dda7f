"""Files that ship inside the package: the project's ontology, models and saved queries.

``d3fgraph/ontologies`` is a link to the repository's ``ontologies/`` folder, so a source
checkout and an installed wheel find the files the same way.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["ontology_resource", "shipped_model_files"]


def ontology_resource(*parts: str) -> Traversable:
    """Return the shipped file or folder at ``ontologies/<parts>``."""
    return files("d3fgraph").joinpath("ontologies", *parts)


def shipped_model_files() -> dict[str, Traversable]:
    """Return the curated model files by technique id, read from their file names."""
    folder = ontology_resource("techniques")
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }
