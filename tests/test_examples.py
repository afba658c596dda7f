"""The notebooks in examples/ run top to bottom on the real data and show what their text says."""

from __future__ import annotations

import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from d3fgraph.coverage import build_coverage
from d3fgraph.resources import shipped_model_files

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"
NOTEBOOKS = ("quickstart.ipynb", "sparql-tour.ipynb", "coverage.ipynb")
KERNEL = "python3"

# No cell needs more than a few seconds once the session's graph cache exists; the limit stops a
# hung cell, with room for a slow CI machine.
CELL_TIMEOUT = 180

# jupyter_client starts a kernel whose command names one of these with sys.executable instead.
_THIS_PYTHON = {
    "python",
    f"python{sys.version_info[0]}",
    f"python{sys.version_info[0]}.{sys.version_info[1]}",
    sys.executable,
}


@pytest.fixture(scope="session")
def kernel_specs(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """Kernel specs in which the python3 kernel runs this interpreter, and so this d3fgraph.

    pip installs ipykernel's spec into the venv, and jupyter_client puts the venv's specs
    first; a python3 spec of another interpreter found first (a user-wide one outside a
    venv) would import another d3fgraph or none, so then the tests write their own spec.
    """
    installed = KernelSpecManager()
    try:
        argv = installed.get_kernel_spec(KERNEL).argv
    except NoSuchKernel:
        argv = []
    if argv and argv[0] in _THIS_PYTHON:
        return installed

    from ipykernel.kernelspec import write_kernel_spec

    kernels = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(kernels / KERNEL)
    return KernelSpecManager(kernel_dirs=[str(kernels)])


def execute(
    name: str, specs: KernelSpecManager, env: dict[str, str], workdir: Path
) -> nbformat.NotebookNode:
    """Run a notebook from examples/ in a fresh kernel and return it with its outputs."""
    notebook = nbformat.read(EXAMPLES / name, as_version=4)
    manager = AsyncKernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(workdir)}},
    )

    # The kernel inherits the environment it starts in.
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        client.execute()
    return notebook


Executed = tuple[nbformat.NotebookNode, Path]


@pytest.fixture(scope="module")
def run(
    knowledge, data_dir: Path, cache_dir: Path, kernel_specs, tmp_path_factory
) -> Callable[[str], Executed]:
    """Run notebooks on the real data and the session's graph cache, each in its own folder.

    ``knowledge`` builds the graph cache first, so every kernel opens it instead of building
    it again; ``TMPDIR`` keeps the files a notebook writes in the test's temporary folder.
    """

    def run_notebook(name: str) -> Executed:
        workdir = tmp_path_factory.mktemp(Path(name).stem)
        env = {
            "D3FGRAPH_DATA_DIR": str(data_dir),
            "D3FGRAPH_CACHE_DIR": str(cache_dir),
            "TMPDIR": str(workdir),
        }
        return execute(name, kernel_specs, env, workdir), workdir

    return run_notebook


def tagged(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    """Return the one code cell carrying ``tag``."""
    cells = [c for c in notebook.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def shown(cell: nbformat.NotebookNode, mime: str) -> list[str]:
    """Return every value of type ``mime`` the cell displayed, in order."""
    kinds = ("execute_result", "display_data")
    return [o.data[mime] for o in cell.outputs if o.output_type in kinds and mime in o.data]


class _BodyRows(HTMLParser):
    """The body rows of an HTML table as pandas writes it, each a list of its cells' text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(cell: nbformat.NotebookNode) -> list[list[str]]:
    """Return the body rows of the one DataFrame the cell displayed, index first."""
    (html,) = shown(cell, "text/html")
    parser = _BodyRows()
    parser.feed(html)
    return parser.rows


class TestCommittedNotebooks:
    @pytest.mark.parametrize("name", NOTEBOOKS)
    def test_is_committed_without_outputs(self, name):
        """A committed notebook holds no outputs or execution counts, so diffs show only code."""
        notebook = nbformat.read(EXAMPLES / name, as_version=4)

        code = [c for c in notebook.cells if c.cell_type == "code"]

        assert [(c.outputs, c.execution_count) for c in code] == [([], None)] * len(code)

    @pytest.mark.parametrize("name", NOTEBOOKS)
    def test_opens_by_saying_where_its_data_comes_from(self, name):
        """The first cell is Markdown naming D3FGRAPH_DATA_DIR and the download fallback."""
        notebook = nbformat.read(EXAMPLES / name, as_version=4)

        first = notebook.cells[0]

        assert first.cell_type == "markdown"
        assert "`D3FGRAPH_DATA_DIR`" in first.source
        assert "downloads the pinned releases" in first.source

    @pytest.mark.parametrize("name", NOTEBOOKS)
    def test_asks_for_the_python3_kernel(self, name):
        """Each notebook names the kernel the tests and a default Jupyter install provide."""
        notebook = nbformat.read(EXAMPLES / name, as_version=4)

        assert notebook.metadata.kernelspec.name == KERNEL


@pytest.fixture(scope="module")
def quickstart(run):
    """The quick start notebook, run once for its tests."""
    return run("quickstart.ipynb")[0]


@pytest.fixture(scope="module")
def sparql_tour(run):
    """The SPARQL tour notebook, run once for its tests."""
    return run("sparql-tour.ipynb")[0]


@pytest.fixture(scope="module")
def coverage_notebook(run):
    """The coverage notebook, run once for its tests, and the folder it ran in."""
    return run("coverage.ipynb")


@pytest.mark.slow
class TestQuickstart:
    @pytest.fixture
    def notebook(self, quickstart):
        return quickstart

    def test_diagram_is_the_t1055_001_model_in_a_mermaid_block(self, notebook):
        """The diagram cell shows Markdown whose mermaid block is the golden diagram."""
        golden = (GOLDEN / "T1055.001.mmd").read_text(encoding="utf-8")

        (markdown,) = shown(tagged(notebook, "diagram"), "text/markdown")

        assert markdown == f"```mermaid\n{golden}\n```"
        assert 'EVENT(["Process Activity\\n· Inject"])' in markdown.splitlines()

    def test_field_table_lists_the_model_fields(self, notebook):
        """The field table has one row per field of the model, with its entity and invariance."""
        rows = table_rows(tagged(notebook, "fields"))

        assert [row[1:4] for row in rows] == [
            ["actor.process.file.path", "actor_process", "attacker_controlled"],
            ["process.pid", "target_process", "variable"],
            ["api.operation", "injection_api", "invariant"],
        ]

    def test_card_shows_itself_as_html_and_markdown(self, notebook):
        """Displaying the card gives Jupyter both of its views, titled with the technique."""
        cell = tagged(notebook, "card")

        (markdown,) = shown(cell, "text/markdown")
        (html,) = shown(cell, "text/html")

        assert markdown.splitlines()[0] == "# Process Injection: DLL Injection (ATT&CK T1055.001)"
        assert "<article" in html

    def test_scores_are_4u_4u_and_3k(self, notebook):
        """The score table gives each rule variant its Summiting the Pyramid label."""
        rows = table_rows(tagged(notebook, "scores"))

        assert [(row[1], row[3]) for row in rows] == [
            ("definitional", "4U"),
            ("ocsf-native", "4U"),
            ("sysmon", "3K"),
        ]

    def test_sigma_rules_are_the_golden_rules(self, notebook):
        """Each rule shows as its variant, score and YAML, the same as the golden files."""
        expected = [
            f"**{variant}** ({label})\n\n```yaml\n"
            + (GOLDEN / f"sigma-T1055.001-{variant}.yml").read_text(encoding="utf-8")
            + "```"
            for variant, label in (("definitional", "4U"), ("ocsf-native", "4U"), ("sysmon", "3K"))
        ]

        assert shown(tagged(notebook, "sigma"), "text/markdown") == expected

    def test_countermeasure_counts_per_tactic(self, notebook):
        """The counts cell prints the report's counts per tactic, stance and provenance."""
        lines = stdout(tagged(notebook, "countermeasure-counts")).splitlines()

        assert lines[:3] == [
            "per tactic: {'Model': 3, 'Harden': 3, 'Detect': 10, 'Isolate': 16, 'Deceive': 1, "
            "'Evict': 9, 'Restore': 2}",
            "per stance: {'mitigate': 6, 'detect': 11, 'respond': 27}",
            "per provenance: {'official': 27, 'inferred': 15, 'curated': 3}",
        ]

    def test_countermeasures_are_grouped_by_tactic(self, notebook):
        """The list names each tactic once with its stance, in D3FEND's order."""
        (markdown,) = shown(tagged(notebook, "countermeasures"), "text/markdown")

        headings = [line for line in markdown.splitlines() if line.startswith("**")]

        assert headings == [
            "**Model** (mitigate)",
            "**Harden** (mitigate)",
            "**Detect** (detect)",
            "**Isolate** (respond)",
            "**Deceive** (detect)",
            "**Evict** (respond)",
            "**Restore** (respond)",
        ]
        assert "- Network Isolation (D3-NI) on `device`: curated" in markdown.splitlines()


@pytest.mark.slow
class TestSparqlTour:
    @pytest.fixture
    def notebook(self, sparql_tour):
        return sparql_tour

    def test_restrictions_of_t1055_001(self, notebook):
        """The restriction query lists D3FEND's three axioms on DLL injection."""
        rows = table_rows(tagged(notebook, "restrictions"))

        assert [row[1:] for row in rows] == [
            ["T1055.001", "d3f:adds", "d3f:SharedLibraryFile", "Shared Library File"],
            ["T1055.001", "d3f:invokes", "d3f:SystemCall", "System Call"],
            ["T1055.001", "d3f:loads", "d3f:SharedLibraryFile", "Shared Library File"],
        ]

    def test_ocsf_process_activity_cites_process_event(self, notebook):
        """OCSF's Process Activity class is linked to D3FEND's ProcessEvent."""
        rows = table_rows(tagged(notebook, "ocsf-classes"))

        assert ["System Activity", "1007", "Process Activity", "d3f:ProcessEvent"] in [
            row[1:] for row in rows
        ]

    def test_models_query_lists_every_curated_model(self, notebook):
        """The models query finds one curated model per shipped model file, joined to OCSF."""
        rows = table_rows(tagged(notebook, "models"))

        assert [row[1] for row in rows] == sorted(shipped_model_files())
        assert {row[-1] for row in rows} == {"curated"}
        assert [
            "T1055.001",
            "Dynamic-link Library Injection",
            "Process Activity",
            "Inject",
            "100704",
            "curated",
        ] in [row[1:] for row in rows]

    def test_saved_query_runs_by_name_with_a_binding(self, notebook):
        """technique-artifacts bound to T1055.001 gives its three artifact links."""
        lines = stdout(tagged(notebook, "saved-query")).splitlines()

        assert sorted(lines[2:]) == [
            "T1055.001 d3f:adds d3f:SharedLibraryFile",
            "T1055.001 d3f:invokes d3f:SystemCall",
            "T1055.001 d3f:loads d3f:SharedLibraryFile",
        ]

    def test_iri_binding_finds_the_process_segment_countermeasures(self, notebook):
        """artifact-countermeasures bound to d3f:ProcessSegment gives D3FEND's two, in Harden."""
        rows = table_rows(tagged(notebook, "saved-iri"))

        assert [row[1:] for row in rows] == [
            [
                "exact",
                "d3f:ProcessSegment",
                "Process Segment Execution Prevention",
                "d3f:neutralizes",
                "d3f:Harden",
            ],
            [
                "exact",
                "d3f:ProcessSegment",
                "Segment Address Offset Randomization",
                "d3f:obfuscates",
                "d3f:Harden",
            ],
        ]

    def test_dataframe_totals_every_curated_model(self, notebook):
        """The crosstab has a row per curated model, then the total row."""
        rows = table_rows(tagged(notebook, "dataframe"))

        assert [row[0] for row in rows] == [*sorted(shipped_model_files()), "total"]

    def test_owl_view_shows_the_hierarchy_and_restrictions(self, notebook):
        """owlready2 sees T1055.001 under T1055 and both tactics, with its three restrictions."""
        hierarchy = stdout(tagged(notebook, "owl-hierarchy")).splitlines()
        restrictions = stdout(tagged(notebook, "owl-restrictions")).splitlines()

        assert hierarchy[:3] == ["T1055.001", "    T1055", "        DefenseEvasionTechnique"]
        assert "        PrivilegeEscalationTechnique" in hierarchy
        assert restrictions[0] == "superclasses: ['T1055']"
        assert sorted(restrictions[1:]) == [
            "restriction: adds some SharedLibraryFile",
            "restriction: invokes some SystemCall",
            "restriction: loads some SharedLibraryFile",
        ]


@pytest.mark.slow
class TestCoverage:
    @pytest.fixture
    def executed(self, coverage_notebook):
        return coverage_notebook

    def test_prints_the_totals_of_the_report(self, executed, knowledge):
        """The totals are D3FEND 1.2.0's figures and the library's own count of the models."""
        notebook, _ = executed
        totals = build_coverage(knowledge, countermeasures=False).totals

        lines = stdout(tagged(notebook, "totals")).splitlines()

        assert lines == [
            "823 ATT&CK techniques in D3FEND 1.2.0: 144 deprecated, 679 current",
            f"{totals.modelled} modelled in OCSF 1.8.0 "
            f"({totals.curated} curated, {totals.drafted} drafted)",
            f"{totals.unseen} unseen: {totals.no_artifact_link} without an artifact link, "
            f"{totals.no_ocsf_row} with no OCSF row for their artifacts",
        ]
        assert totals.curated == len(shipped_model_files())

    def test_tactic_table_covers_the_fourteen_tactics(self, executed):
        """The per-tactic table has a row for each of ATT&CK's fourteen enterprise tactics."""
        notebook, _ = executed

        rows = table_rows(tagged(notebook, "by-tactic"))

        assert sorted(row[0] for row in rows) == [
            "Collection",
            "Command and Control",
            "Credential Access",
            "Defense Evasion",
            "Discovery",
            "Execution",
            "Exfiltration",
            "Impact",
            "Initial Access",
            "Lateral Movement",
            "Persistence",
            "Privilege Escalation",
            "Reconnaissance",
            "Resource Development",
        ]

    def test_saves_the_plot_as_png_in_a_temporary_folder(self, executed):
        """The plot cell draws the figure and saves it as a PNG outside the repository."""
        notebook, workdir = executed
        cell = tagged(notebook, "plot")

        (line,) = stdout(cell).splitlines()
        png = Path(line.removeprefix("saved "))

        assert shown(cell, "image/png")
        assert png.parent.parent == workdir
        assert png.name == "coverage.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
