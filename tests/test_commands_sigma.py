"""``d3fgraph sigma``, run in-process: the rules it prints, its options and its errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from d3fgraph.cli import main
from d3fgraph.commands import sigma as sigma_command
from d3fgraph.detection import SigmaVariant

from checkers import run_checker
from sigma_support import T1055_TACTICS, t1055_001_model

GOLDEN = Path(__file__).parent / "golden"
VARIANTS = tuple(v.value for v in SigmaVariant)
SHIPPED_MODEL = Path(__file__).parent.parent / "ontologies" / "techniques" / "T1055.001.yaml"


def golden(variant: str) -> str:
    return (GOLDEN / f"sigma-T1055.001-{variant}.yml").read_text(encoding="utf-8")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def hand_built(monkeypatch):
    """Serve the hand-built T1055.001 model, so the command runs without the ontologies."""
    model = t1055_001_model()
    monkeypatch.setattr(sigma_command, "_model_and_tactics", lambda args: (model, T1055_TACTICS))
    return model


class TestSigmaCommand:
    def test_prints_the_definitional_rule_by_default(self, capsys, hand_built):
        """With no --variant the command prints the definitional rule."""
        code, out, err = run(capsys, "sigma", "T1055.001")

        assert (code, err) == (0, "")
        assert out == golden("definitional")

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_prints_the_chosen_variant(self, capsys, hand_built, variant):
        """--variant picks which of the three rules is printed."""
        code, out, _ = run(capsys, "sigma", "T1055.001", "--variant", variant)

        assert (code, out) == (0, golden(variant))

    def test_all_variants_form_one_yaml_stream(self, capsys, hand_built):
        """--variant all prints the three rules as documents of one YAML stream."""
        code, out, _ = run(capsys, "sigma", "T1055.001", "--variant", "all")

        assert code == 0
        assert out == "---\n".join(golden(v) for v in VARIANTS)

    def test_output_option_writes_the_file(self, capsys, hand_built, tmp_path):
        """--output writes the rule and prints nothing."""
        target = tmp_path / "rule.yml"

        code, out, _ = run(capsys, "sigma", "T1055.001", "--variant", "sysmon", "-o", str(target))

        assert (code, out) == (0, "")
        assert target.read_text(encoding="utf-8") == golden("sysmon")

    def test_score_option_explains_the_robustness(self, capsys, hand_built):
        """--score prints the score of the rule and the reason for each condition's level."""
        code, out, _ = run(capsys, "sigma", "T1055.001", "--variant", "ocsf-native", "--score")

        assert code == 0
        assert out.splitlines()[:3] == [
            "T1055.001 ocsf-native rule on OCSF Process Activity",
            "Robustness 4U (Summiting the Pyramid): analytic level 4, event robustness U "
            "(user-mode)",
            "  [5] class_uid = 1007, in the detection",
        ]

    def test_layer_option_sets_the_column(self, capsys, hand_built):
        """--layer K scores the definitional rule for a kernel-mode OCSF sensor."""
        code, out, _ = run(capsys, "sigma", "T1055.001", "--score", "--layer", "K")

        assert code == 0
        assert "Robustness 4K" in out.splitlines()[1]

    def test_unsupported_variant_is_one_line_error(self, capsys, monkeypatch):
        """A technique with no native alternative gets one clear line and exit code 1."""
        model = t1055_001_model()
        other = dataclasses.replace(
            model, technique=dataclasses.replace(model.technique, id="T1055.002")
        )
        monkeypatch.setattr(sigma_command, "_model_and_tactics", lambda args: (other, ()))

        code, out, err = run(capsys, "sigma", "T1055.002", "--variant", "ocsf-native")

        assert (code, out) == (1, "")
        assert len(err.strip().splitlines()) == 1
        assert "names no native alternative for it under techniques: T1055.002" in err

    def test_malformed_technique_id_fails_before_loading(self, capsys, monkeypatch):
        """A bad id is reported at once, without looking for the ontologies."""
        monkeypatch.setattr(
            sigma_command, "load_knowledge", lambda args: pytest.fail("the graph was loaded")
        )

        code, out, err = run(capsys, "sigma", "T1055.0x")

        assert (code, out) == (1, "")
        assert err.startswith("d3fgraph: error: Malformed technique id 'T1055.0x'")


class TestSigmaCommandOnRealData:
    @pytest.mark.parametrize("variant", VARIANTS)
    def test_prints_the_golden_rules(self, capsys, cli_env, variant):
        """On the real D3FEND and OCSF, each variant is its golden rule, tags from D3FEND."""
        code, out, err = run(capsys, "sigma", "T1055.001", "--variant", variant)

        assert (code, err) == (0, "")
        assert out == golden(variant)

    def test_reads_a_model_file(self, capsys, cli_env):
        """A model file given by path gives the same rule as its technique id."""
        code, out, _ = run(capsys, "sigma", str(SHIPPED_MODEL), "--variant", "sysmon")

        assert (code, out) == (0, golden("sysmon"))

    @pytest.mark.slow
    def test_stream_of_all_rules_passes_sigma_check(self, capsys, cli_env, tmp_path):
        """The three rules written as one file load in pySigma with no issue."""
        target = tmp_path / "t1055_001_rules.yml"
        run(capsys, "sigma", "T1055.001", "--variant", "all", "--output", str(target))

        code, output = run_checker("sigma-check", target)

        assert code == 0, output
        assert [line for line in output.splitlines() if line.startswith("  ")] == []


class TestEveryVariant:
    def test_all_writes_what_can_be_written_and_warns_for_the_rest(self, capsys, cli_env):
        """--variant all prints the rules a model allows and names the one it cannot have."""
        from d3fgraph.cli import main

        code = main(["sigma", "T1543.003", "--variant", "all"])
        captured = capsys.readouterr()

        assert code == 0
        assert captured.out.count("\ntitle: ") + captured.out.startswith("title: ") == 2
        assert "warning: no Sysmon rule for T1543.003: Sysmon reports no event" in captured.err

    def test_run_keys_get_all_three_rules(self, capsys, cli_env):
        """T1547.001 prints its three golden rules, the Sysmon one on Event ID 13, unwarned."""
        code, out, err = run(capsys, "sigma", "T1547.001", "--variant", "all")

        expected = [
            (GOLDEN / f"sigma-T1547.001-{v}.yml").read_text(encoding="utf-8") for v in VARIANTS
        ]
        assert (code, err) == (0, "")
        assert out == "---\n".join(expected)

    @pytest.mark.slow
    def test_run_key_rules_pass_sigma_check(self, capsys, cli_env, tmp_path):
        """Each T1547.001 rule, written to its own file, loads in pySigma with no issue."""
        files = []
        for variant in VARIANTS:
            target = tmp_path / f"t1547_001_{variant}.yml"
            run(capsys, "sigma", "T1547.001", "--variant", variant, "--output", str(target))
            files.append(target)

        code, output = run_checker("sigma-check", *files)

        assert code == 0, output
        assert "3 passed, 0 failed" in output
        assert [line for line in output.splitlines() if line.startswith("  ")] == []
