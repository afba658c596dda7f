"""D3FEND and the project ontology as owlready2 classes, built from the merged store."""

from __future__ import annotations

import time
import warnings

import pytest

from d3fgraph.errors import D3fgraphWarning, InvalidD3fendClassError
from d3fgraph.owl_view import load_owl_view, owl_cache_key


@pytest.fixture(scope="module")
def view(knowledge, tmp_path_factory):
    """The view of the real data, built once into this module's own cache folder."""
    return knowledge.owl(cache_dir=tmp_path_factory.mktemp("owl-cache"))


class TestOwlView:
    def test_technique_restrictions_are_python_expressions(self, view):
        """T1055.001 is a T1055 that invokes some system call and loads a shared library."""
        d3f = view.d3fend
        technique = d3f["T1055.001"]

        assert d3f.invokes.some(d3f.SystemCall) in technique.is_a
        assert d3f.loads.some(d3f.SharedLibraryFile) in technique.is_a
        assert view.superclasses("T1055.001") == [d3f.T1055]

    def test_process_hierarchy_and_restrictions(self, view):
        """d3f:Process sits under DigitalInformationBearer and may execute threads."""
        d3f = view.d3fend

        assert d3f.Process.is_a[0] is d3f.DigitalInformationBearer
        assert d3f["may-execute"].some(d3f.Thread) in view.restrictions("d3f:Process")
        assert d3f.DigitalArtifact in d3f.Process.ancestors()

    def test_project_ontology_is_loaded_beside_d3fend(self, view):
        """The d3g classes are Python classes of the same world."""
        assert view.project.EventModel.name == "EventModel"
        assert view.project.Entity.iri == "https://w3id.org/d3fgraph/ontology#Entity"

    def test_listing_every_class_prints_nothing(self, view, capfd):
        """Self-typed D3FEND classes are left out, so owlready2 has no warning to print."""
        classes = list(view.d3fend.classes())

        assert len(classes) > 3000
        assert capfd.readouterr().err == ""

    def test_unknown_name_is_an_invalid_d3fend_class(self, view):
        """A name D3FEND lacks raises the error every other lookup raises."""
        with pytest.raises(InvalidD3fendClassError, match="d3f:NoSuchThing"):
            view.d3f("d3f:NoSuchThing")

    def test_view_is_built_once_per_graph(self, knowledge, view, tmp_path):
        """A second call returns the same object without loading again."""
        assert knowledge.owl(cache_dir=tmp_path) is view


class TestOwlCache:
    def test_saved_view_reopens_fast_with_the_same_classes(self, knowledge, data_dir, tmp_path):
        """The second load opens the SQLite file instead of parsing D3FEND again."""
        cache_file = tmp_path / f"owl-{owl_cache_key(data_dir / 'd3fend' / 'd3fend-protege.ttl')}"
        load_owl_view(knowledge.store, cache_file).close()

        started = time.perf_counter()
        reopened = load_owl_view(knowledge.store, cache_file)
        elapsed = time.perf_counter() - started

        assert reopened.path == cache_file
        assert reopened.d3fend.invokes.some(reopened.d3fend.SystemCall) in (
            reopened.d3fend["T1055.001"].is_a
        )
        assert elapsed < 1.0
        reopened.close()

    def test_damaged_cache_is_rebuilt_with_a_warning(self, knowledge, tmp_path):
        """A file that is not a quadstore is replaced, and the user is told."""
        cache_file = tmp_path / "owl-damaged.sqlite3"
        cache_file.write_bytes(b"not sqlite at all" * 64)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            view = load_owl_view(knowledge.store, cache_file)

        assert [w.category for w in caught] == [D3fgraphWarning]
        assert "is damaged" in str(caught[0].message)
        assert view.d3fend.Process is not None
        view.close()
