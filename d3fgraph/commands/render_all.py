"""The ``d3fgraph render-all`` command: every technique's diagram, rules and card in one folder."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from d3fgraph.commands import add_common, load_knowledge, positive_int
from d3fgraph.errors import EXIT_DATA, EXIT_OK

if TYPE_CHECKING:
    from d3fgraph.render_all import RenderAllReport, TechniqueResult

__all__ = ["EXIT_RENDER_FAILED", "register"]

#: Exit code when any technique failed to render (the rest are written all the same): a
#: data failure, as the exit codes of every command count it, not bad usage.
EXIT_RENDER_FAILED: Final = EXIT_DATA

#: Without a progress bar, one line every this many techniques.
_LINE_EVERY: Final = 50


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``render-all`` to the ``d3fgraph`` command family."""
    parser = commands.add_parser(
        "render-all",
        help="write every technique's diagram, Sigma rules and card, with an index",
        description=(
            "Write, for every modelled ATT&CK technique, its Mermaid diagram (ID/diagram.mmd), "
            "one Sigma rule per variant its model can express (ID/sigma-VARIANT.yml) and its "
            "card (ID/card.md, plus ID/card.html with --format html); then index.md, linking "
            "them and saying why the other techniques are not modelled, and summary.json, "
            "listing every file and failure. Files an earlier run wrote are overwritten when "
            "this run writes them again; every other file in OUTDIR is left alone. Exits 2 when "
            "any technique failed to render."
        ),
    )
    add_common(parser, suppress=True)
    parser.add_argument("output_dir", type=Path, metavar="OUTDIR", help="folder to write into")
    parser.add_argument(
        "--format",
        choices=("markdown", "html"),
        default="markdown",
        help="markdown cards, or html to write an HTML page beside each (default: markdown)",
    )
    parser.add_argument(
        "--jobs",
        type=positive_int,
        metavar="N",
        help="techniques rendered at once, on threads (default: one per CPU, at most 4)",
    )
    parser.add_argument(
        "--technique",
        action="append",
        metavar="ID",
        help="render only this technique; repeat for more (default: every technique)",
    )
    parser.set_defaults(handler=_render_all)


def _render_all(args: argparse.Namespace) -> int:
    from d3fgraph.render_all import check_output_folder, render_all
    from d3fgraph.techniques import parse_technique_id

    # A file given as OUTDIR or a malformed id fails before the slow load of the graph.
    check_output_folder(args.output_dir)
    for technique_id in args.technique or ():
        parse_technique_id(technique_id)

    start = time.perf_counter()
    knowledge = load_knowledge(args)
    display = _ProgressDisplay()
    try:
        report = render_all(
            knowledge,
            args.output_dir,
            card_format=args.format,
            jobs=args.jobs,
            techniques=args.technique,
            progress=display,
        )
    finally:
        display.close()

    sys.stdout.write(_summary(report, time.perf_counter() - start))
    for message in report.warnings:
        print(f"warning: {message}", file=sys.stderr)
    return EXIT_RENDER_FAILED if report.failed else EXIT_OK


class _ProgressDisplay:
    """A tqdm bar on a terminal; elsewhere, such as in a CI log, a line now and then."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, done: int, total: int, result: TechniqueResult) -> None:
        if self._bar is None and done == 1 and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="technique", file=sys.stderr, dynamic_ncols=True)
        if self._bar is not None:
            self._bar.set_postfix_str(result.id, refresh=False)
            self._bar.update(1)
        elif done % _LINE_EVERY == 0 or done == total:
            print(f"render-all: {done}/{total} techniques rendered", file=sys.stderr)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _summary(report: RenderAllReport, seconds: float) -> str:
    from d3fgraph.render_all import INDEX_FILE, SUMMARY_FILE, Outcome

    counts = report.counts()
    unseen = counts["not_modelled"]
    lines = [
        (
            f"Rendered {counts['written'] + counts['failed']} modelled techniques into "
            f"{report.output_dir} in {seconds:.1f} s: {counts['files']} files, "
            f"{counts['sigma_rules']} of them Sigma rules "
            f"({counts['sigma_rules_not_written']} rule variants the models cannot express)"
        ),
        f"written: {counts['written']}",
        (
            f"not modelled: {sum(unseen.values())}"
            + "".join(f"\n  {reason}: {count}" for reason, count in unseen.items())
        ),
        f"deprecated: {counts['deprecated']} (listed with their successors)",
        f"failed: {counts['failed']}",
    ]
    lines += [
        f"  {t.id} {failure.artefact}: {failure.message}"
        for t in report.of(Outcome.FAILED)
        for failure in t.failures
    ]
    index, summary = report.output_dir / INDEX_FILE, report.output_dir / SUMMARY_FILE
    lines.append(f"index: {index}; summary: {summary}")
    return "\n".join(lines) + "\n"
