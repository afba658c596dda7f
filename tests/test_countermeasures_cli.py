"""``d3fgraph countermeasures`` and ``d3fgraph sparql``, run in-process on the real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from d3fgraph.cli import main
from d3fgraph.commands.sparql import parse_binding
from d3fgraph.countermeasures import find_countermeasures
from d3fgraph.errors import QueryError
from d3fgraph.namespaces import D3F
from d3fgraph.render.countermeasures import RENDERERS

GOLDEN = Path(__file__).parent / "golden" / "countermeasures-T1055.001.json"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestCountermeasuresCommand:
    def test_json_is_the_golden_answer(self, capsys, cli_env):
        """countermeasures T1055.001 --format json prints the golden file."""
        code, out, err = run(capsys, "countermeasures", "T1055.001", "--format", "json")

        assert (code, err) == (0, "")
        assert out == GOLDEN.read_text(encoding="utf-8")

    def test_a_model_file_is_joined_like_its_technique(self, capsys, cli_env, tmp_path):
        """A user's copy of the T1055.001 model gives the golden answer, from the file."""
        shipped = Path(__file__).parent.parent / "ontologies" / "techniques" / "T1055.001.yaml"
        copy = tmp_path / "my-dll-injection.yaml"
        copy.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")

        code, out, err = run(capsys, "countermeasures", str(copy), "--format", "json")

        assert (code, err) == (0, "")
        assert out == GOLDEN.read_text(encoding="utf-8")

    def test_a_missing_model_file_is_one_line(self, capsys, cli_env, tmp_path):
        code, out, err = run(capsys, "countermeasures", str(tmp_path / "none.yaml"))

        assert (code, out) == (1, "")
        assert err == (
            f"d3fgraph: error: {tmp_path / 'none.yaml'}: cannot read the model file: "
            "No such file or directory\n"
        )

    def test_table_opens_with_the_summary(self, capsys, cli_env):
        """The table names the technique, counts by provenance and starts with Respond."""
        code, out, _ = run(capsys, "countermeasures", "T1055.001")

        assert code == 0
        assert out.splitlines()[:4] == [
            "T1055.001  Dynamic-link Library Injection (d3f:T1055.001)",
            "44 countermeasure links to 32 defensive techniques; "
            "links by provenance: official 27, inferred 15, curated 3.",
            "",
            "RESPOND: WHAT TO DO NOW",
        ]

    def test_tactic_filter_keeps_the_response(self, capsys, cli_env):
        """--tactic respond keeps Isolate, Evict and Restore, and says it did."""
        code, out, _ = run(
            capsys, "countermeasures", "T1055.001", "--tactic", "respond", "--format", "json"
        )
        answer = json.loads(out)

        assert code == 0
        assert answer["tactics"] == ["Isolate", "Evict", "Restore"]
        assert answer["counts"]["tactic"] == {"Isolate": 16, "Evict": 9, "Restore": 2}

    def test_repeated_tactics_add_up(self, capsys, cli_env):
        """--tactic Harden --tactic Evict keeps both tactics."""
        _, out, _ = run(
            capsys,
            "countermeasures",
            "T1055.001",
            "--tactic",
            "Harden",
            "--tactic",
            "Evict",
            "--format",
            "json",
        )

        assert json.loads(out)["counts"]["tactic"] == {"Harden": 3, "Evict": 9}

    def test_markdown_has_a_section_per_stance(self, capsys, cli_env):
        """The Markdown answer has Respond, Mitigate and Detect sections in that order."""
        _, out, _ = run(capsys, "countermeasures", "T1055.001", "--format", "markdown")

        assert [line for line in out.splitlines() if line.startswith("## ")] == [
            "## Respond: what to do now",
            "## Mitigate: what would have stopped it",
            "## Detect: how to see it",
            "## Notes",
        ]

    def test_empty_answer_is_explained(self, knowledge):
        """D3FEND has nothing acting on the clipboard: joined without a model, the answer says so.

        The command joins T1115's drafted model, whose process and host have countermeasures;
        the Python API also answers from D3FEND's artifact links alone.
        """
        report = find_countermeasures(knowledge.store, "T1115")

        assert RENDERERS["table"](report) == (
            "T1115  Clipboard Data (d3f:T1115)\n"
            "No countermeasures: none of the artifacts of T1115 (d3f:Clipboard) has a "
            "countermeasure in D3FEND: no current defensive technique acts on them or on a "
            "class above them.\n"
            "note: d3fgraph has no event model of T1115: only the artifacts D3FEND relates it "
            "to were searched\n"
        )

    def test_technique_without_relations_or_model_is_explained(self, capsys, cli_env):
        """Indicator Removal from Tools has no artifact relation, nor has its parent."""
        code, out, _ = run(capsys, "countermeasures", "T1027.005", "--format", "json")

        assert code == 0
        assert json.loads(out)["empty_reason"] == (
            "D3FEND relates T1027.005 to no digital artifact (neither T1027.005 nor its parent "
            "T1027 has an offensive relation), and d3fgraph has no event model of it, so there "
            "is nothing for a countermeasure to act on"
        )

    def test_unknown_technique_fails_with_one_line(self, capsys, cli_env):
        """An id D3FEND lacks exits 1 with a single line naming close ids."""
        code, out, err = run(capsys, "countermeasures", "T9999")

        assert (code, out) == (1, "")
        assert err == (
            "d3fgraph: error: Unknown technique 'T9999': D3FEND has no ATT&CK technique with "
            "that id; did you mean T1599, T1499, T1199?\n"
        )

    def test_malformed_technique_fails_before_loading(self, capsys, monkeypatch):
        """A malformed id is refused without any data at hand."""
        monkeypatch.setenv("D3FGRAPH_DATA_DIR", "/nonexistent")

        code, _, err = run(capsys, "countermeasures", "T1055.0x")

        assert code == 1
        assert err.startswith("d3fgraph: error: Malformed technique id 'T1055.0x'")

    def test_unknown_tactic_fails_before_loading(self, capsys, monkeypatch):
        """A misspelt tactic is refused with the valid names, without any data at hand."""
        monkeypatch.setenv("D3FGRAPH_DATA_DIR", "/nonexistent")

        code, _, err = run(capsys, "countermeasures", "T1055.001", "--tactic", "Evcit")

        assert code == 1
        assert err.startswith("d3fgraph: error: Unknown tactic 'Evcit'; use a D3FEND tactic")

    def test_output_option_writes_the_file(self, capsys, cli_env, tmp_path):
        """-o writes the answer and prints nothing."""
        target = tmp_path / "cm.json"

        code, out, _ = run(
            capsys, "countermeasures", "T1055.001", "--format", "json", "-o", str(target)
        )

        assert (code, out) == (0, "")
        assert target.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")


class TestSparqlCommand:
    def test_runs_a_saved_query_with_a_bound_technique(self, capsys, cli_env):
        """--bind technique=T1055.001 binds a plain string; the table shows CURIEs."""
        code, out, err = run(
            capsys, "sparql", "--saved", "technique-artifacts", "--bind", "technique=T1055.001"
        )

        assert (code, err) == (0, "")
        assert out == (
            "technique  techniqueClass  source         sourceId   property     artifact\n"
            "T1055.001  d3f:T1055.001   d3f:T1055.001  T1055.001  d3f:adds     "
            "d3f:SharedLibraryFile\n"
            "T1055.001  d3f:T1055.001   d3f:T1055.001  T1055.001  d3f:loads    "
            "d3f:SharedLibraryFile\n"
            "T1055.001  d3f:T1055.001   d3f:T1055.001  T1055.001  d3f:invokes  d3f:SystemCall\n"
            "(3 rows)\n"
        )

    def test_csv_binds_an_iri(self, capsys, cli_env):
        """d3f:Host binds the class; CSV has the header row and one row per answer."""
        code, out, _ = run(
            capsys,
            "sparql",
            "--saved",
            "artifact-countermeasures",
            "--bind",
            "artifact=d3f:Host",
            "--format",
            "csv",
        )

        assert code == 0
        assert out.splitlines()[:2] == [
            "artifact,link,actsOn,countermeasure,d3fendId,label,property,tactic",
            "d3f:Host,broader,d3f:NetworkNode,d3f:EndpointHealthBeacon,D3-EHB,"
            "Endpoint Health Beacon,d3f:monitors,d3f:Detect",
        ]
        assert len(out.splitlines()) == 6

    def test_json_lists_columns_and_rows(self, capsys, cli_env):
        """JSON holds the documented columns and a record per row."""
        code, out, _ = run(
            capsys,
            "sparql",
            "--saved",
            "technique-countermeasures",
            "--bind",
            "technique=T1055.001",
            "--format",
            "json",
        )
        answer = json.loads(out)

        assert code == 0
        assert answer["columns"][:3] == ["technique", "offensiveProperty", "artifact"]
        assert len(answer["rows"]) == 24

    def test_missing_binding_fails_before_loading(self, capsys, monkeypatch):
        """A saved query run without its parameter is refused, naming the parameter."""
        monkeypatch.setenv("D3FGRAPH_DATA_DIR", "/nonexistent")

        code, _, err = run(capsys, "sparql", "--saved", "technique-countermeasures")

        assert code == 1
        assert err == (
            "d3fgraph: error: saved query 'technique-countermeasures' takes the parameters: "
            "technique (missing technique); bind each one, as in --bind technique=VALUE\n"
        )

    def test_unknown_query_lists_the_saved_ones(self, capsys, monkeypatch):
        """A wrong name fails with the names that exist."""
        monkeypatch.setenv("D3FGRAPH_DATA_DIR", "/nonexistent")

        code, _, err = run(capsys, "sparql", "--saved", "nope")

        assert code == 1
        assert err.startswith("d3fgraph: error: no saved query named 'nope'; saved queries: ")
        assert ", technique-countermeasures" in err

    def test_list_shows_each_query_with_its_header(self, capsys, monkeypatch):
        """--list needs no data and shows purpose, parameters and columns."""
        monkeypatch.setenv("D3FGRAPH_DATA_DIR", "/nonexistent")

        code, out, _ = run(capsys, "sparql", "--list")

        assert code == 0
        assert "technique-countermeasures\n  purpose: D3FEND's own answer" in out
        assert "  parameters: technique\n" in out


class TestParseBinding:
    def test_plain_value_is_a_string(self):
        """An ATT&CK id stays a string."""
        assert parse_binding("technique=T1055.001") == ("technique", "T1055.001")

    def test_prefixed_name_is_an_iri(self):
        """d3f:Process binds D3FEND's class."""
        assert parse_binding("artifact=d3f:Process") == ("artifact", D3F.Process)

    def test_angle_brackets_bind_a_full_iri(self):
        """<...> binds any IRI."""
        assert parse_binding("class=<http://example.org/x>") == (
            "class",
            NamedNode("http://example.org/x"),
        )

    def test_text_with_a_colon_that_is_no_prefix_stays_a_string(self):
        """A value like 'note: x' is not taken for a prefixed name."""
        assert parse_binding("label=note: x") == ("label", "note: x")

    def test_rejects_a_name_bound_twice(self, capsys, tmp_path):
        """Two values for one name would leave one silently unused."""
        code, out, err = run(
            capsys,
            "sparql",
            "--saved",
            "technique-artifacts",
            "--bind",
            "technique=T1055.001",
            "--bind",
            "technique=T1055.002",
            "--data-dir",
            str(tmp_path / "none"),
        )

        assert (code, out) == (1, "")
        assert err == "d3fgraph: error: --bind technique is given twice; give each name one value\n"

    def test_rejects_a_binding_without_equals(self):
        """NAME alone is a usage error with an example."""
        with pytest.raises(QueryError) as caught:
            parse_binding("technique")

        assert str(caught.value) == (
            "--bind 'technique' is not NAME=VALUE; write it as --bind technique=T1055.001"
        )


class TestCountermeasuresOf:
    def test_uses_the_shipped_model_of_the_merged_graph(self, knowledge):
        """On the merged graph, T1055.001's answer is the golden one."""
        from d3fgraph.countermeasures import countermeasures_of
        from d3fgraph.render.countermeasures import render_countermeasures_json

        report = countermeasures_of(knowledge, "T1055.001")

        assert render_countermeasures_json(report) == GOLDEN.read_text(encoding="utf-8")

    def test_answers_a_technique_without_a_model_from_d3fend(self, knowledge, monkeypatch):
        """Without a model, the answer comes from D3FEND's relations alone, and says so."""
        from d3fgraph.countermeasures import countermeasures_of, parse_tactics
        from d3fgraph.errors import NoModelError

        def no_model(technique_id: str):
            raise NoModelError(technique_id, "none for this test")

        monkeypatch.setattr(knowledge, "model", no_model)

        report = countermeasures_of(knowledge, "T1055.002")
        respond = report.only(parse_tactics(["respond"]))

        assert (report.modelled, [t.key for t in report.targets]) == (False, ["d3f:ObjectFile"])
        assert respond.counts()["tactic"] == {"Isolate": 5, "Evict": 1, "Restore": 1}
        assert report.notes == (
            "d3fgraph has no event model of T1055.002: only the artifacts D3FEND relates it to "
            "were searched",
        )
