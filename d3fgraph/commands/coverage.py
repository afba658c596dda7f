"""The ``d3fgraph coverage`` command: every ATT&CK technique, modelled or not, and how well."""

from __future__ import annotations

import argparse
from pathlib import Path

from d3fgraph.commands import add_common, emit, load_knowledge
from d3fgraph.errors import EXIT_OK

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``coverage`` to the ``d3fgraph`` command family."""
    parser = commands.add_parser(
        "coverage",
        help="list every ATT&CK technique and what OCSF sees of it",
        description=(
            "List every ATT&CK technique D3FEND holds: curated or drafted models with their "
            "OCSF class, native and non-native fields, best robustness score and countermeasure "
            "count; the techniques OCSF cannot see, with the reason; deprecated ones with their "
            "successors; and the totals."
        ),
    )
    add_common(parser, suppress=True)
    parser.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output format (default: table)",
    )
    parser.add_argument(
        "--navigator",
        type=Path,
        metavar="FILE",
        help="also write an ATT&CK Navigator layer (format 4.5) coloured by robustness to FILE",
    )
    parser.add_argument(
        "--no-countermeasures",
        action="store_true",
        help="skip the countermeasure count, the slowest column",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.set_defaults(handler=_coverage)


def _coverage(args: argparse.Namespace) -> int:
    from d3fgraph.coverage import (
        build_coverage,
        render_coverage_csv,
        render_coverage_json,
        render_coverage_table,
        render_navigator_layer,
    )

    knowledge = load_knowledge(args)
    report = build_coverage(knowledge, countermeasures=not args.no_countermeasures)
    renderers = {
        "table": render_coverage_table,
        "json": render_coverage_json,
        "csv": render_coverage_csv,
    }
    if args.navigator is not None:
        emit(render_navigator_layer(report), args.navigator)
    emit(renderers[args.format](report), args.output)
    return EXIT_OK
