"""The documentation site builds without a warning, with a page for every saved query."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from d3fgraph.query import list_saved_queries, load_saved_query

REPO = Path(__file__).resolve().parent.parent


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "gen_query_pages", REPO / "docs" / "gen_query_pages.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built by mkdocs --strict into a temporary folder."""
    if importlib.util.find_spec("mkdocs") is None:
        msg = "mkdocs is not installed; pip install 'd3fgraph[docs]' to build the documentation"
        if os.environ.get("D3FGRAPH_REQUIRE_CHECKERS") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    folder = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    return folder


class TestSite:
    def test_every_saved_query_has_a_page(self, site):
        """Each .rq file in ontologies/queries gets its page, with its purpose on it."""
        for name in list_saved_queries():
            page = site / "queries" / name / "index.html"

            assert page.is_file(), name
            assert name in page.read_text(encoding="utf-8")

    def test_main_pages_are_built(self, site):
        """The pages the navigation lists are all in the site."""
        for page in ("cli", "concepts", "python-api", "sparql", "model-format", "data-sources"):
            assert (site / page / "index.html").is_file(), page

    def test_cli_page_has_the_exit_code_table(self, site):
        """The CLI reference states the three exit codes."""
        text = (site / "cli" / "index.html").read_text(encoding="utf-8")

        for row in ("bad usage or input", "data or load failure"):
            assert row in text


class TestQueryPages:
    def test_examples_come_from_the_header(self):
        """The example binding is the value the header's description names."""
        generator = _load_generator()

        values = generator.examples(
            "technique (an ATT&CK id as a plain string such as T1055.001)", ("technique",)
        )

        assert values == {"technique": "T1055.001"}

    def test_every_example_runs_on_real_data(self, knowledge):
        """The binding each page shows is accepted by its query."""
        from d3fgraph.countermeasures.queries import run_saved_query
        from d3fgraph.namespaces import D3F

        generator = _load_generator()
        for name in list_saved_queries():
            query = load_saved_query(name)
            fields = generator.header_fields(query.text)
            values = generator.examples(fields.get("parameters", ""), query.parameters)
            bindings = {
                key: D3F.term(value[4:]) if value.startswith("d3f:") else value
                for key, value in values.items()
            }

            rows = run_saved_query(knowledge.store, name, bindings)

            assert isinstance(rows, list), name
