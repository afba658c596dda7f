"""The command line on real data: the main job, and one clear line for every bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from d3fgraph.cli import main, render_model_main

HERE = Path(__file__).parent
REFERENCE = HERE / "golden" / "T1055.001.mmd"
BAD_MODELS = HERE / "bad_input" / "models"
BAD_TURTLE = HERE / "bad_input" / "turtle"


def run(capsys, entry, *argv):
    code = entry(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, *facts: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fact in facts:
        assert fact in lines[0]


class TestRenderModel:
    def test_renders_t1055_001_as_the_golden_diagram(self, capsys, cli_env):
        """render-model T1055.001 prints the card's diagram, byte for byte."""
        code, out, err = run(capsys, render_model_main, "T1055.001")

        assert (code, err) == (0, "")
        assert out == REFERENCE.read_text(encoding="utf-8")

    def test_subcommand_equals_shortcut(self, capsys, cli_env):
        """d3fgraph render-model and render-model print the same text."""
        _, shortcut, _ = run(capsys, render_model_main, "T1055.001")
        _, sub, _ = run(capsys, main, "render-model", "T1055.001")

        assert sub == shortcut

    def test_output_option_writes_the_file(self, capsys, cli_env, tmp_path):
        """--output writes the diagram and prints nothing."""
        target = tmp_path / "t.mmd"

        code, out, _ = run(capsys, render_model_main, "T1055.001", "--output", str(target))

        assert (code, out) == (0, "")
        assert target.read_text(encoding="utf-8") == REFERENCE.read_text(encoding="utf-8")

    def test_renders_a_user_model_file(self, capsys, cli_env, tmp_path):
        """A model file given by path is checked and rendered like a shipped one."""
        shipped = HERE.parent / "ontologies" / "techniques" / "T1055.001.yaml"
        text = shipped.read_text(encoding="utf-8").replace("Injector Process", "'My \"odd\" #1'")
        model = tmp_path / "mine.yaml"
        model.write_text(text, encoding="utf-8")

        code, out, _ = run(capsys, render_model_main, str(model))

        assert code == 0
        assert 'actor_process["My #quot;odd#quot; #35;1\\nactor.process' in out


class TestRenderModelErrors:
    @pytest.mark.parametrize(
        ("technique", "facts"),
        [
            ("T1055.0x", ["Malformed technique id 'T1055.0x'", "T1055.001"]),
            ("t1055.001", ["Malformed technique id 't1055.001'", "did you mean T1055.001?"]),
            ("./my-model", ["Malformed technique id './my-model'", "no such file exists"]),
            ("1055.001", ["Malformed technique id '1055.001'"]),
            ("T1055.01", ["Malformed technique id 'T1055.01'"]),
            ("TA0005", ["Malformed technique id 'TA0005'"]),
            ("T\u0661\u0660\u0665\u0665", ["Malformed technique id 'T\u0661\u0660\u0665\u0665'"]),
        ],
    )
    def test_malformed_id_fails_before_loading(self, capsys, technique, facts, tmp_path):
        """A malformed id is refused at once, even with no data at all."""
        code, out, err = run(
            capsys, render_model_main, technique, "--data-dir", str(tmp_path / "none")
        )

        assert (code, out) == (1, "")
        assert_one_line_error(err, *facts)

    def test_a_folder_is_neither_an_id_nor_a_model_file(self, capsys, tmp_path):
        code, out, err = run(capsys, render_model_main, str(tmp_path))

        assert (code, out) == (1, "")
        assert_one_line_error(err, f"{tmp_path} is a folder", "model file (.yaml)")

    def test_unknown_id_suggests_close_ones(self, capsys, cli_env):
        """A well-formed id D3FEND does not know is exit 1 with suggestions."""
        code, _, err = run(capsys, render_model_main, "T1055.099")

        assert code == 1
        assert_one_line_error(err, "Unknown technique 'T1055.099'", "T1055.009")

    def test_deprecated_id_names_its_successor(self, capsys, cli_env):
        """A revoked technique gets no model, and the line names the successor."""
        code, _, err = run(capsys, render_model_main, "T1002")

        assert code == 1
        assert_one_line_error(err, "No event model for T1002", "successor: T1560")

    @pytest.mark.parametrize("command", [["render-model"], ["card"], ["sigma"]])
    def test_unlinked_technique_says_why_it_has_no_model(self, capsys, cli_env, command):
        """T1027.003 has no artifact link anywhere: every command says so in one line."""
        code, out, err = run(capsys, main, *command, "T1027.003")

        assert (code, out) == (1, "")
        assert_one_line_error(
            err,
            "No event model for T1027.003",
            "links neither it, its parent nor its sub-techniques to a digital artifact",
        )

    def test_missing_data_folder_is_exit_2(self, capsys, tmp_path):
        """A --data-dir that does not exist is a data failure naming the folder."""
        missing = tmp_path / "nowhere"

        code, _, err = run(capsys, render_model_main, "T1055.001", "--data-dir", str(missing))

        assert code == 2
        assert_one_line_error(err, str(missing))

    @pytest.mark.parametrize(
        ("name", "facts"),
        [
            ("undeclared_prefix.ttl", [":3:1:", "foo: has not been declared"]),
            ("datatype_missing.ttl", [":2:13:", "datatype IRI after ^^"]),
            ("unterminated_last_statement.ttl", [":3:", "Unexpected end"]),
            ("empty.ttl", ["holds 0 triples", "empty, truncated or not D3FEND"]),
            ("not_d3fend.ttl", ["holds 1 triples", "not D3FEND"]),
        ],
    )
    def test_malformed_turtle_is_exit_2_with_position(
        self, capsys, data_dir, tmp_path, name, facts
    ):
        """A broken D3FEND file is reported with its line and column, exit 2."""
        folder = tmp_path / "data"
        (folder / "d3fend").mkdir(parents=True)
        shutil.copy(BAD_TURTLE / name, folder / "d3fend" / "d3fend.ttl")
        (folder / "ocsf-schema").symlink_to(data_dir / "ocsf-schema")

        code, _, err = run(
            capsys, render_model_main, "T1055.001", "--data-dir", str(folder), "--no-cache"
        )

        assert code == 2
        assert_one_line_error(err, "d3fend.ttl", *facts)

    @pytest.mark.parametrize(
        ("name", "facts"),
        [
            ("invariance_hyphen.yaml", [":26:", "'attacker-controlled'", "attacker_controlled"]),
            (
                "ocsf_path_unknown.yaml",
                [
                    ":25:11:",
                    "'actor.process.file.pathname'",
                    "did you mean 'actor.process.file.path'",
                ],
            ),
            ("ocsf_path_into_scalar.yaml", [":25:11:", "'process.pid.value'", "scalar"]),
            ("d3fend_class_unknown.yaml", [":17:13:", "'d3f:Proces'", "d3f:Process"]),
            ("d3fend_class_deprecated.yaml", [":17:13:", "'d3f:T1002'", "deprecated"]),
            ("technique_unknown.yaml", ["T1055.099", "T1055.009"]),
            ("ocsf_class_unknown.yaml", [":11:10:", "proces_activity", "process_activity"]),
        ],
    )
    def test_bad_model_file_is_exit_1_with_position(self, capsys, cli_env, name, facts):
        """A model that names what the data lacks is one line with file:line, exit 1."""
        code, out, err = run(capsys, render_model_main, str(BAD_MODELS / name))

        assert (code, out) == (1, "")
        assert_one_line_error(err, *facts)

    def test_debug_shows_the_traceback(self, capsys, cli_env):
        """--debug adds the traceback for bug reports."""
        code, _, err = run(capsys, render_model_main, "T1055.099", "--debug")

        assert code == 1
        assert "Traceback" in err
