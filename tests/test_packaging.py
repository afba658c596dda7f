"""What a user installs: the version in one place, and the ontologies inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

import d3fgraph
from d3fgraph._version import VERSION

REPO = Path(__file__).resolve().parent.parent


class TestVersion:
    def test_installed_version_is_the_one_written_in_the_package(self):
        """pyproject reads the version from d3fgraph/_version.py; the metadata agrees."""
        assert version("d3fgraph") == VERSION == d3fgraph.__version__


@pytest.mark.slow
class TestWheel:
    def test_wheel_ships_every_ontology_file(self, tmp_path):
        """The built wheel holds every file of ontologies/ under d3fgraph/ontologies/."""
        build = ["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path)]
        result = subprocess.run(
            [sys.executable, "-m", "pip", *build, str(REPO)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        wheel = next(tmp_path.glob("d3fgraph-*.whl"))

        names = set(zipfile.ZipFile(wheel).namelist())
        shipped = {
            "d3fgraph/ontologies/" + p.relative_to(REPO / "ontologies").as_posix()
            for p in (REPO / "ontologies").rglob("*")
            if p.is_file()
        }

        assert shipped <= names
        assert "d3fgraph/py.typed" in names
