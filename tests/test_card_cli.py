"""``d3fgraph card``, run in-process on the real data: formats, files and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from d3fgraph.cli import main

GOLDEN = Path(__file__).parent / "golden"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, *facts: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for fact in facts:
        assert fact in lines[0]


class TestCardCommand:
    def test_prints_the_golden_markdown_by_default(self, capsys, cli_env):
        """With no --format the command prints the Markdown card."""
        code, out, err = run(capsys, "card", "T1055.001")

        assert (code, err) == (0, "")
        assert out == (GOLDEN / "card-T1055.001.md").read_text(encoding="utf-8")

    def test_writes_the_golden_json_to_a_file(self, capsys, cli_env, tmp_path):
        """--format json -o FILE writes the card's data and prints nothing."""
        target = tmp_path / "card.json"

        code, out, _ = run(capsys, "card", "T1055.001", "--format", "json", "-o", str(target))

        assert (code, out) == (0, "")
        assert target.read_text(encoding="utf-8") == (GOLDEN / "card-T1055.001.json").read_text(
            encoding="utf-8"
        )

    def test_inlines_the_mermaid_file_it_is_given(self, capsys, cli_env, tmp_path):
        """--mermaid-js-file puts the bundle in the page, so it needs no network."""
        bundle = tmp_path / "mermaid.min.js"
        bundle.write_text("window.mermaid = {}; // a mermaid stand-in", encoding="utf-8")

        code, out, _ = run(
            capsys, "card", "T1055.001", "--format", "html", "--mermaid-js-file", str(bundle)
        )

        assert code == 0
        assert out.startswith("<!DOCTYPE html>")
        assert "window.mermaid = {}; // a mermaid stand-in" in out
        assert "cdn.jsdelivr.net" not in out

    def test_loads_mermaid_from_the_url_it_is_given(self, capsys, cli_env):
        """--mermaid-js URL replaces the pinned jsDelivr address."""
        code, out, _ = run(
            capsys,
            "card",
            "T1055.001",
            "--format",
            "html",
            "--mermaid-js",
            "https://m.example/m.js",
        )

        assert code == 0
        assert '<script src="https://m.example/m.js"></script>' in out

    def test_a_model_file_gets_its_card(self, capsys, cli_env):
        """A model file is accepted like a technique id."""
        shipped = Path(__file__).parent.parent / "ontologies" / "techniques" / "T1055.001.yaml"

        code, out, _ = run(capsys, "card", str(shipped), "--format", "json")

        assert code == 0
        assert json.loads(out)["technique"]["id"] == "T1055.001"


class TestCardErrors:
    def test_a_mermaid_script_for_markdown_is_bad_usage(self, capsys, tmp_path):
        """Mermaid options apply to HTML only; the error names both, before any load."""
        code, out, err = run(capsys, "card", "T1055.001", "--mermaid-js", "https://m.example/m.js")

        assert (code, out) == (1, "")
        assert_one_line_error(err, "--mermaid-js applies to --format html only")

    def test_a_missing_mermaid_file_is_one_line(self, capsys, tmp_path):
        """A --mermaid-js-file that does not exist fails with its path, exit code 1."""
        missing = tmp_path / "nope.js"

        code, _, err = run(
            capsys, "card", "T1055.001", "--format", "html", "--mermaid-js-file", str(missing)
        )

        assert code == 1
        assert_one_line_error(err, "cannot read the Mermaid script", str(missing))

    def test_a_malformed_id_is_one_line(self, capsys):
        """A malformed technique id is reported before the graph is loaded."""
        code, _, err = run(capsys, "card", "T1055.0x")

        assert code == 1
        assert_one_line_error(err, "Malformed technique id 'T1055.0x'")

    def test_mermaid_sources_exclude_each_other(self, capsys):
        """Only one Mermaid source may be named; naming two is bad usage."""
        code, _, err = run(
            capsys, "card", "T1055.001", "--format", "html", "--mermaid-js", "u", "--inline-mermaid"
        )

        assert code == 1
        assert "argument --inline-mermaid: not allowed with argument --mermaid-js" in err

    def test_no_local_mermaid_to_inline_is_one_line(self, capsys, tmp_path, monkeypatch):
        """--inline-mermaid without mermaid-check's copy says where it looked and what to do."""
        monkeypatch.setenv("MERMAID_CHECK_CACHE", str(tmp_path / "a"))
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "b"))

        code, _, err = run(capsys, "card", "T1055.001", "--format", "html", "--inline-mermaid")

        assert code == 1
        assert_one_line_error(err, "no local Mermaid script found", "--mermaid-js-file PATH")
