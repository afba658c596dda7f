"""d3fgraph export and d3fgraph techniques on real data."""

from __future__ import annotations

import json

from pyoxigraph import BlankNode, RdfFormat, parse

from d3fgraph.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestExportCommand:
    def test_choices_are_the_export_formats(self):
        """The command offers exactly the formats the exporter writes."""
        from d3fgraph.commands.export import FORMATS
        from d3fgraph.export import ExportFormat

        assert tuple(member.value for member in ExportFormat) == FORMATS

    def test_writes_a_model_file_atomically(self, capsys, cli_env, tmp_path):
        """-o writes the Turtle of one model, the same text the Python API gives."""
        target = tmp_path / "t1055.001.ttl"

        code, out, err = run(
            capsys, "export", "--technique", "T1055.001", "--format", "turtle", "-o", str(target)
        )

        assert (code, out, err) == (0, "", "")
        text = target.read_text(encoding="utf-8")
        assert "d3gm:T1055.001 a d3g:EventModel ;" in text
        assert [p.name for p in tmp_path.iterdir()] == ["t1055.001.ttl"]

    def test_prints_json_ld(self, capsys, cli_env):
        """JSON-LD goes to stdout and parses as RDF."""
        code, out, _ = run(capsys, "export", "--technique", "T1055.001", "--format", "jsonld")
        _, turtle, _ = run(capsys, "export", "--technique", "T1055.001", "--format", "turtle")

        assert code == 0
        assert isinstance(json.loads(out), list)
        # The same model as the Turtle export, up to blank node names.
        as_jsonld = list(parse(out.encode(), format=RdfFormat.JSON_LD))
        as_turtle = list(parse(turtle.encode(), format=RdfFormat.TURTLE))
        assert len(as_jsonld) == len(as_turtle) > 50
        assert {t for t in as_jsonld if not _has_blank(t)} == {
            t for t in as_turtle if not _has_blank(t)
        }

    def test_unknown_technique_exits_1(self, capsys, cli_env):
        """A technique D3FEND lacks is bad input, reported in one line."""
        code, out, err = run(capsys, "export", "--technique", "T1055.999")

        assert (code, out) == (1, "")
        assert err.startswith("d3fgraph: error: Unknown technique 'T1055.999'")

    def test_endpoint_with_technique_is_refused(self, capsys):
        """--to-endpoint sends the whole graph, so it takes no --technique."""
        code, _, err = run(
            capsys, "export", "--technique", "T1055.001", "--to-endpoint", "http://127.0.0.1:1/"
        )

        assert code == 1
        assert "--to-endpoint sends the whole merged graph" in err


class TestTechniquesCommand:
    def test_search_prints_the_best_match_first(self, capsys, cli_env):
        """The label of T1055.001, in lower case, finds it first."""
        code, out, _ = run(capsys, "techniques", "dynamic-link library injection", "--limit", "1")

        assert code == 0
        assert out.splitlines() == [
            "id         label                           deprecated  match  score",
            "T1055.001  Dynamic-link Library Injection  false       label  0.999",
            "(1 technique)",
        ]

    def test_listing_as_json_has_every_technique(self, capsys, cli_env):
        """Without a text every technique is listed, with its parent."""
        code, out, _ = run(capsys, "techniques", "--format", "json")

        records = json.loads(out)
        assert code == 0
        assert len(records) == 823
        assert {
            "id": "T1055.001",
            "label": "Dynamic-link Library Injection",
            "deprecated": False,
            "parent": "T1055",
        } in records
        # JSON keeps types: a boolean, and null for a technique without a parent.
        assert {"id": "T1055", "deprecated": False, "parent": None}.items() <= next(
            r for r in records if r["id"] == "T1055"
        ).items()


def _has_blank(triple) -> bool:
    return isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode)
