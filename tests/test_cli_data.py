"""``d3fgraph data info`` and ``d3fgraph data clear-cache``, run in-process."""

from __future__ import annotations

import json

from d3fgraph.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestDataInfo:
    def test_names_the_versions_and_where_the_data_came_from(self, capsys, cli_env):
        """The shared data folder is named by the environment and matches both pins."""
        code, out, err = run(capsys, "data", "info", "--format", "json")

        info = json.loads(out)
        assert (code, err) == (0, "")
        assert info["origin"] == "env"
        assert {k: info["d3fend"][k] for k in ("version", "pinned_version", "matches_pin")} == {
            "version": "1.2.0",
            "pinned_version": "1.2.0",
            "matches_pin": True,
        }
        assert info["d3fend"]["path"].startswith(str(cli_env))
        assert {k: info["ocsf"][k] for k in ("version", "matches_pin", "differing_files")} == {
            "version": "1.8.0",
            "matches_pin": True,
            "differing_files": 0,
        }

    def test_table_lists_the_same_facts(self, capsys, cli_env):
        """The table writes each fact of the JSON form as key: value, nested ones indented."""
        code, out, _ = run(capsys, "data", "info")
        _, as_json, _ = run(capsys, "data", "info", "--format", "json")

        assert code == 0
        lines = out.splitlines()
        assert "origin: env" in lines
        assert "  version: 1.8.0" in lines
        assert f"  sha256: {json.loads(as_json)['d3fend']['sha256']}" in lines


class TestClearCache:
    def test_removes_graphs_views_half_built_entries_and_the_digest(
        self, capsys, tmp_path, monkeypatch
    ):
        """Everything d3fgraph put in its cache goes, and each removal is named."""
        monkeypatch.setenv("D3FGRAPH_CACHE_DIR", str(tmp_path))
        graphs, owl = tmp_path / "graphs", tmp_path / "owl"
        (graphs / "graph-abc" / "store").mkdir(parents=True)
        (graphs / ".graph-building-x1").mkdir()
        (graphs / "inputs.json").write_text("{}")
        (graphs / "graph-abc.lock").write_text("")
        owl.mkdir()
        (owl / "owl-abc.sqlite3").write_bytes(b"x")
        (owl / ".owl-abc.sqlite3.123").write_bytes(b"x")
        (tmp_path / "notes.txt").write_text("the user's own file")

        code, out, _ = run(capsys, "data", "clear-cache")

        assert code == 0
        assert sorted(out.splitlines()) == sorted(
            f"removed {path}"
            for path in (
                graphs / "graph-abc",
                graphs / ".graph-building-x1",
                graphs / "inputs.json",
                owl / "owl-abc.sqlite3",
                owl / ".owl-abc.sqlite3.123",
            )
        )
        assert sorted(p.name for p in graphs.iterdir()) == ["graph-abc.lock"]
        assert list(owl.iterdir()) == []
        assert (tmp_path / "notes.txt").read_text() == "the user's own file"

    def test_says_when_there_is_nothing_to_remove(self, capsys, tmp_path, monkeypatch):
        monkeypatch.setenv("D3FGRAPH_CACHE_DIR", str(tmp_path))

        code, out, _ = run(capsys, "data", "clear-cache")

        assert (code, out) == (0, f"nothing to remove under {tmp_path}\n")


class TestVersion:
    def test_names_the_package_and_the_pinned_releases(self, capsys):
        """--version prints the version and the data releases the package pins, and exits 0."""
        from d3fgraph._version import VERSION

        code, out, _ = run(capsys, "--version")

        assert (code, out) == (0, f"d3fgraph {VERSION} (D3FEND 1.2.0, OCSF 1.8.0 pinned)\n")
