"""``d3fgraph render-all``: every technique's files, an index and a summary that hide nothing."""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from d3fgraph import output
from d3fgraph.cli import main
from d3fgraph.coverage import CoverageStatus, Robustness, TechniqueCoverage, build_coverage
from d3fgraph.detection import (
    SigmaVariant,
    UnsupportedRuleError,
    build_rule,
    find_tactics,
    load_sysmon_mapping,
)
from d3fgraph.errors import D3fgraphWarning
from d3fgraph.render.mermaid import render_mermaid
from d3fgraph.render.sigma import render_rule
from d3fgraph.render_all import (
    CardFormat,
    Failure,
    Outcome,
    RenderAllReport,
    TechniqueResult,
    render_all,
    render_index,
)
from d3fgraph.render_all import run as run_module

from checkers import find_checker, run_checker

#: A curated model with all three rules, a draft whose Sysmon rule would test nothing, a
#: technique D3FEND links to no artifact, and a deprecated one.
FEW = ("T1055.001", "T1003.002", "T1027.003", "T1002")

#: Files per checker call: each call pays the checker's start-up once.
BATCH = 100

_LINK = re.compile(r"\]\(([^)]+)\)")
_ROW_ID = re.compile(r"^\| \[?(T\d{4}(?:\.\d{3})?)[\]| ]")


@pytest.fixture(scope="module")
def coverage(knowledge):
    """The coverage report render-all's counts must agree with."""
    return build_coverage(knowledge, countermeasures=False)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory, data_dir, cache_dir):
    """One run of render-all --format html over every technique, into a folder in use.

    The folder already holds a user's file and a stale diagram from an earlier run.
    """
    out = tmp_path_factory.mktemp("render-all") / "site"
    (out / "T1055.001").mkdir(parents=True)
    (out / "T1055.001" / "diagram.mmd").write_text("stale\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("D3FGRAPH_DATA_DIR", str(data_dir))
        patch.setenv("D3FGRAPH_CACHE_DIR", str(cache_dir))
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["render-all", str(out), "--format", "html", "--jobs", "2"])

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return code, out, summary, stdout.getvalue(), stderr.getvalue()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_few(capsys, out: Path, *extra: str) -> tuple[int, str, str]:
    options = [arg for technique in FEW for arg in ("--technique", technique)]
    return run(capsys, "render-all", str(out), *options, *extra)


def in_batches(files: list[Path]) -> list[list[Path]]:
    return [files[i : i + BATCH] for i in range(0, len(files), BATCH)]


def check_all(checker: str, files: list[Path]) -> list[tuple[int, str]]:
    """Run a checker over ``files`` in batches, two calls at a time."""
    find_checker(checker)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda batch: run_checker(checker, *batch), in_batches(files)))


@pytest.mark.slow
class TestFullRun:
    def test_exits_zero_with_the_counts_of_coverage(self, full_run, coverage):
        """Written, not modelled by reason and deprecated add up to coverage's totals."""
        code, _, summary, _, _ = full_run
        totals = coverage.totals

        written = summary["written"]
        files = [f for entry in written for f in entry["files"]]
        rules = [f for f in files if f.rsplit("/", 1)[-1].startswith("sigma-")]

        assert code == 0
        # A diagram, a Markdown card and an HTML page (the run asks for --format html) per
        # technique, and its rules.
        assert len(files) == 3 * totals.modelled + len(rules)
        assert summary["counts"] == {
            "techniques": totals.techniques,
            "written": totals.modelled,
            "failed": 0,
            # Only the reasons some technique has: every linked technique is modelled.
            "not_modelled": {"no-artifact-link": totals.no_artifact_link},
            "deprecated": totals.deprecated,
            "files": len(files),
            "sigma_rules": len(rules),
            "sigma_rules_not_written": sum(len(e["rules_not_written"]) for e in written),
        }
        assert len(rules) + summary["counts"]["sigma_rules_not_written"] == 3 * totals.modelled
        assert (totals.modelled, totals.no_artifact_link, totals.no_ocsf_row) == (436, 243, 0)

    def test_prints_the_counts_and_the_reasons(self, full_run, coverage):
        """The printed counts are the summary's, the unseen ones split by reason."""
        _, _, summary, out, err = full_run
        counts = summary["counts"]

        assert f"written: {counts['written']}\n" in out
        assert f"not modelled: {coverage.totals.unseen}\n" in out
        assert f"  no-artifact-link: {coverage.totals.no_artifact_link}\n" in out
        assert coverage.totals.no_ocsf_row == 0
        assert "no-ocsf-row" not in out
        assert f"deprecated: {coverage.totals.deprecated} " in out
        assert "failed: 0\n" in out
        modelled = coverage.totals.modelled
        assert f"render-all: {modelled}/{modelled} techniques rendered\n" in err

    def test_every_modelled_technique_gets_its_diagram_rules_and_cards(self, full_run, coverage):
        """Each folder holds the diagram, both cards and a rule per variant not refused."""
        _, out, summary, _, _ = full_run
        written = {entry["id"]: entry for entry in summary["written"]}

        for row in coverage.techniques:
            if not row.modelled:
                assert not (out / row.id).exists(), row.id
                continue
            entry = written[row.id]
            rules = [f"sigma-{v}.yml" for v in SigmaVariant if v not in entry["rules_not_written"]]
            expected = ["diagram.mmd", *rules, "card.md", "card.html"]

            assert entry["files"] == [f"{row.id}/{name}" for name in expected]
            assert sorted(p.name for p in (out / row.id).iterdir()) == sorted(expected)

    def test_records_each_technique_as_coverage_does(self, full_run, coverage):
        """Status and best score come from coverage; the unseen keep their one-line reason."""
        _, _, summary, _, _ = full_run
        groups = ("written", "not_modelled", "deprecated")
        entries = {entry["id"]: entry for group in groups for entry in summary[group]}

        assert len(entries) == len(coverage.techniques)
        for row in coverage.techniques:
            entry = entries[row.id]
            assert entry["status"] == str(row.status)
            if row.status is CoverageStatus.DEPRECATED:
                assert entry["successors"] == list(row.successors)
            elif not row.modelled:
                assert entry["reason"] == row.reason
                assert "\n" not in entry["reason"]
            else:
                expected = row.robustness.to_dict() if row.robustness else None
                assert entry["robustness"] == expected

    def test_rules_are_what_render_rule_writes(self, full_run, knowledge):
        """Sigma files equal render_rule's YAML; refused variants carry the builder's reason."""
        _, out, summary, _, _ = full_run
        mapping = load_sysmon_mapping()
        refused = {e["id"]: e["rules_not_written"] for e in summary["written"]}

        for technique in ("T1055.001", "T1055.003", "T1003.002", "T1001"):
            model = knowledge.model(technique)
            tactics = find_tactics(knowledge.store, technique)
            for variant in SigmaVariant:
                target = out / technique / f"sigma-{variant}.yml"
                try:
                    rule = build_rule(model, variant, mapping)
                except (UnsupportedRuleError, ValueError) as exc:
                    assert refused[technique][variant] == str(exc)
                    assert not target.exists()
                    continue
                assert target.read_text(encoding="utf-8") == render_rule(rule, tactics)

    def test_index_lists_every_technique_once(self, full_run, coverage):
        """index.md has one row per technique, the unseen with their reason."""
        _, out, _, _, _ = full_run
        index = (out / "index.md").read_text(encoding="utf-8")
        rows = [m.group(1) for line in index.splitlines() if (m := _ROW_ID.match(line))]

        assert sorted(rows) == sorted(row.id for row in coverage.techniques)
        for row in coverage.unseen():
            assert f"| {row.id} | {row.name} | {row.status}: {row.reason} |" in index

    def test_index_links_only_to_files_written(self, full_run):
        """Every link in index.md names a file of the run."""
        _, out, _, _, _ = full_run
        index = (out / "index.md").read_text(encoding="utf-8")
        targets = set(_LINK.findall(index))

        assert len(targets) > 436 * 4
        assert [t for t in sorted(targets) if not (out / t).is_file()] == []

    def test_overwrites_its_own_files_and_keeps_the_others(self, full_run, knowledge):
        """A stale diagram is replaced, a user's file kept, and no staging file is left."""
        _, out, _, _, _ = full_run

        assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
        diagram = (out / "T1055.001" / "diagram.mmd").read_text(encoding="utf-8")
        assert diagram == render_mermaid(knowledge.model("T1055.001"))
        assert list(out.rglob("*.partial")) == []

    def test_every_diagram_passes_the_mermaid_parser(self, full_run):
        """The real Mermaid parser accepts every diagram.mmd."""
        _, out, _, _, _ = full_run
        files = sorted(out.glob("*/diagram.mmd"))

        results = check_all("mermaid-check", files)

        assert len(files) == 436
        for code, text in results:
            assert code == 0, text
        assert sum(int(re.search(r"(\d+) passed, 0 failed", t)[1]) for _, t in results) == 436

    def test_every_sigma_rule_passes_sigma_check(self, full_run):
        """pySigma and the SigmaHQ validators accept every sigma-*.yml."""
        _, out, summary, _, _ = full_run
        files = sorted(out.glob("*/sigma-*.yml"))

        results = check_all("sigma-check", files)

        assert len(files) == summary["counts"]["sigma_rules"]
        failures = [line for _, text in results for line in text.splitlines() if "FAIL" in line]
        assert failures == []
        assert [code for code, _ in results] == [0] * len(results)


class TestFailures:
    def test_a_renderer_error_is_reported_and_exits_two(
        self, capsys, cli_env, tmp_path, monkeypatch
    ):
        """A diagram that fails for one technique is in the summary; the rest is written."""

        def broken(model):
            if model.technique.id == "T1055.001":
                raise RuntimeError("the renderer broke")
            return render_mermaid(model)

        monkeypatch.setattr(run_module, "render_mermaid", broken)

        code, out, _ = run_few(capsys, tmp_path)

        assert code == 2
        summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
        assert summary["counts"]["failed"] == 1
        assert summary["counts"]["written"] == 1
        [failed] = summary["failed"]
        assert failed["id"] == "T1055.001"
        assert failed["failures"] == [
            {"artefact": "diagram.mmd", "message": "RuntimeError: the renderer broke"}
        ]
        assert "T1055.001/card.md" in failed["files"]
        assert not (tmp_path / "T1055.001" / "diagram.mmd").exists()
        assert "failed: 1\n  T1055.001 diagram.mmd: RuntimeError: the renderer broke\n" in out
        assert "**failed**: diagram.mmd" in (tmp_path / "index.md").read_text(encoding="utf-8")

    def test_rules_are_written_when_the_card_fails(self, capsys, cli_env, tmp_path, monkeypatch):
        """Without a card the rules are built directly, and are the same files."""
        code, _, _ = run_few(capsys, tmp_path / "good")

        def broken(*args, **kwargs):
            raise RuntimeError("no card today")

        monkeypatch.setattr(run_module, "build_card", broken)
        broken_code, _, _ = run_few(capsys, tmp_path / "bad")

        assert (code, broken_code) == (0, 2)
        for technique in ("T1055.001", "T1003.002"):
            good, bad = tmp_path / "good" / technique, tmp_path / "bad" / technique
            rules = sorted(p.name for p in good.glob("sigma-*.yml"))
            assert sorted(p.name for p in bad.glob("sigma-*.yml")) == rules
            for name in rules:
                assert (bad / name).read_bytes() == (good / name).read_bytes()
            assert not (bad / "card.md").exists()

    @pytest.mark.parametrize("jobs", ["1", "2"])
    def test_an_interrupt_mid_write_leaves_no_partial_file(
        self, capsys, cli_env, knowledge, tmp_path, monkeypatch, jobs
    ):
        """Ctrl-C while a file is written keeps the old file whole and leaves no staging file.

        ``knowledge`` has built the graph cache already, so the only file written is ours.
        """
        folder = tmp_path / "T1055.001"
        folder.mkdir()
        (folder / "diagram.mmd").write_text("old\n", encoding="utf-8")

        def interrupt(fd):
            raise KeyboardInterrupt

        monkeypatch.setattr(output.os, "fsync", interrupt)

        code, out, err = run(
            capsys, "render-all", str(tmp_path), "--technique", "T1055.001", "--jobs", jobs
        )

        assert (code, out) == (130, "")
        assert "interrupted" in err
        assert (folder / "diagram.mmd").read_text(encoding="utf-8") == "old\n"
        assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
            "T1055.001",
            "T1055.001/diagram.mmd",
        ]


class TestCommandLine:
    def test_refuses_a_file_as_the_output_folder(self, capsys, tmp_path):
        """OUTDIR naming a file is one line on stderr and exit 1, before any loading."""
        target = tmp_path / "index.md"
        target.write_text("a file\n", encoding="utf-8")

        code, out, err = run(capsys, "render-all", str(target))

        assert (code, out) == (1, "")
        assert err == f"d3fgraph: error: cannot render into {target}: it is a file; " + (
            "name a folder, new or existing\n"
        )

    def test_refuses_fewer_than_one_job(self, capsys, tmp_path):
        """--jobs 0 is bad usage."""
        code, _, err = run(capsys, "render-all", str(tmp_path), "--jobs", "0")

        assert code == 1
        assert "argument --jobs: '0' is not a whole number of 1 or more" in err

    def test_an_unknown_technique_is_one_line(self, capsys, cli_env, tmp_path):
        """An id D3FEND does not hold fails with the lookup's message, writing nothing."""
        code, _, err = run(capsys, "render-all", str(tmp_path / "out"), "--technique", "T9999")

        assert code == 1
        assert "Unknown technique 'T9999'" in err
        assert not (tmp_path / "out").exists()

    def test_a_short_run_prints_a_progress_line_at_the_end(self, capsys, cli_env, tmp_path):
        """Without a terminal, progress is a plain line, and the last one says all are done."""
        code, _, err = run_few(capsys, tmp_path)

        assert code == 0
        assert err.splitlines() == ["render-all: 2/2 techniques rendered"]

    def test_draws_a_bar_on_a_terminal(self, capsys, cli_env, tmp_path, monkeypatch):
        """On a terminal, progress is one bar instead of lines."""
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

        code, _, err = run_few(capsys, tmp_path)

        assert code == 0
        assert "2/2 [" in err
        assert "render-all: 2/2" not in err


class TestRenderAllLibrary:
    def test_reports_progress_once_per_modelled_technique(self, knowledge, tmp_path):
        """The callback sees each modelled technique once, counting up to the total."""
        seen = []

        report = render_all(
            knowledge,
            tmp_path,
            techniques=FEW,
            progress=lambda done, total, result: seen.append((done, total, result.id)),
        )

        assert [(done, total) for done, total, _ in seen] == [(1, 2), (2, 2)]
        assert sorted(t for _, _, t in seen) == ["T1003.002", "T1055.001"]
        assert [t.outcome for t in report.techniques] == [
            Outcome.DEPRECATED,
            Outcome.WRITTEN,
            Outcome.NOT_MODELLED,
            Outcome.WRITTEN,
        ]

    def test_collects_warnings_instead_of_showing_them(
        self, knowledge, tmp_path, recwarn, monkeypatch
    ):
        """Warnings raised on any thread are in the report, each once, not shown to the caller."""
        draw = run_module.render_mermaid

        def draw_and_warn(model):
            warnings.warn("a note on the diagram", D3fgraphWarning, stacklevel=1)
            return draw(model)

        monkeypatch.setattr(run_module, "render_mermaid", draw_and_warn)
        report = render_all(knowledge, tmp_path, techniques=["T1068", "T1055.001"], jobs=2)

        assert report.warnings == ("a note on the diagram",)
        assert len(recwarn) == 0

    def test_rejects_an_unknown_card_format(self, knowledge, tmp_path):
        """The message lists the formats there are."""
        with pytest.raises(
            ValueError, match="unknown card format 'pdf'; use one of: markdown, html"
        ):
            render_all(knowledge, tmp_path, card_format="pdf")


def _row(technique_id: str, status: CoverageStatus, **fields) -> TechniqueCoverage:
    return TechniqueCoverage(
        id=technique_id, name=f"Name of {technique_id}", status=status, **fields
    )


def _report(*techniques: TechniqueResult) -> RenderAllReport:
    return RenderAllReport(Path("out"), CardFormat.MARKDOWN, "1.2.0", "1.8.0", techniques)


class TestIndexAndRecords:
    def test_index_marks_a_failed_technique_and_lists_its_error(self):
        """A failed technique keeps its row, flagged, and its error is listed above the table."""
        failed = TechniqueResult(
            _row("T1055", CoverageStatus.DRAFTED),
            files=("T1055/card.md",),
            failures=(Failure("diagram.mmd", "RuntimeError: boom"),),
        )

        index = render_index(_report(failed))

        assert "## Failed\n\n- T1055 diagram.mmd: RuntimeError: boom\n" in index
        assert "| [T1055](T1055/card.md) | Name of T1055 | drafted, **failed**: diagram.mmd |" in (
            index
        )

    def test_index_keeps_bars_and_markup_inside_a_cell(self):
        """A reason holding '|', '<' and a line break stays in its cell."""
        row = _row("T1001", CoverageStatus.NO_OCSF_ROW, reason="a | b <i>\nc")

        index = render_index(_report(TechniqueResult(row)))

        assert "| T1001 | Name of T1001 | no-ocsf-row: a \\| b &lt;i> c |" in index

    def test_index_gives_score_and_variant(self):
        """The best score is shown with the variant that earns it."""
        robust = Robustness("4U", 4, "sysmon")
        result = TechniqueResult(
            _row("T1055.001", CoverageStatus.CURATED, robustness=robust),
            files=("T1055.001/diagram.mmd", "T1055.001/sigma-sysmon.yml", "T1055.001/card.md"),
        )

        index = render_index(_report(result))

        assert (
            "| [T1055.001](T1055.001/card.md) | Name of T1055.001 | curated | 4U (sysmon) "
            "| [mmd](T1055.001/diagram.mmd) | [sysmon](T1055.001/sigma-sysmon.yml) "
            "| [md](T1055.001/card.md) |"
        ) in index

    def test_a_deprecated_technique_has_no_files(self):
        """Files for a technique that is not modelled are refused."""
        with pytest.raises(ValueError, match="T1002 is deprecated, so nothing is rendered"):
            TechniqueResult(_row("T1002", CoverageStatus.DEPRECATED), files=("T1002/x",))

    def test_counts_split_the_unseen_by_reason(self):
        """Counts give each outcome, the unseen by status, and the files and rules written."""
        report = _report(
            TechniqueResult(_row("T1001", CoverageStatus.NO_OCSF_ROW, reason="r")),
            TechniqueResult(_row("T1002", CoverageStatus.DEPRECATED)),
            TechniqueResult(_row("T1003", CoverageStatus.NO_ARTIFACT_LINK, reason="r")),
            TechniqueResult(
                _row("T1055", CoverageStatus.DRAFTED),
                files=("T1055/diagram.mmd", "T1055/sigma-definitional.yml"),
                unwritten_rules=(("sysmon", "no event"),),
            ),
        )

        assert report.counts() == {
            "techniques": 4,
            "written": 1,
            "failed": 0,
            "not_modelled": {"no-artifact-link": 1, "no-ocsf-row": 1},
            "deprecated": 1,
            "files": 2,
            "sigma_rules": 1,
            "sigma_rules_not_written": 1,
        }
        assert report.failed is False
