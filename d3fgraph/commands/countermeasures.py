"""The ``d3fgraph countermeasures`` command: what counters a technique, and why."""

from __future__ import annotations

import argparse
from pathlib import Path

from d3fgraph.commands import add_common, check_target, emit, load_knowledge, target_model
from d3fgraph.errors import EXIT_OK

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``countermeasures`` to the ``d3fgraph`` command family."""
    parser = commands.add_parser(
        "countermeasures",
        help="list the D3FEND countermeasures of a technique, with provenance and reasons",
        description=(
            "List the D3FEND defensive techniques that act on what an ATT&CK technique touches, "
            "grouped by stance (respond, mitigate, detect) and tactic. Each says whether D3FEND "
            "asserts it (official), d3fgraph inferred it from D3FEND (with the explaining path) "
            "or the technique's model states it (curated). An empty answer says why."
        ),
    )
    add_common(parser, suppress=True)
    parser.add_argument(
        "technique",
        metavar="TECHNIQUE_OR_FILE",
        help="an ATT&CK id such as T1055.001, or a model file (.yaml) whose model is joined",
    )
    parser.add_argument(
        "--format",
        choices=("table", "json", "markdown"),
        default="table",
        help="output format (default: table)",
    )
    parser.add_argument(
        "--tactic",
        action="extend",
        nargs="+",
        default=[],
        metavar="TACTIC",
        help=(
            "only these tactics (Model, Harden, Detect, Isolate, Deceive, Evict, Restore) or "
            "stances (mitigate, respond); repeatable"
        ),
    )
    parser.add_argument(
        "--narrower",
        action="store_true",
        help="also list countermeasures that act only on a narrower kind of an artifact",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.set_defaults(handler=_countermeasures)


def _countermeasures(args: argparse.Namespace) -> int:
    from d3fgraph.countermeasures import countermeasures_of, find_countermeasures, parse_tactics
    from d3fgraph.render.countermeasures import RENDERERS

    # Bad input fails before the slow load of the graph.
    tactics = parse_tactics(args.tactic)
    model_file = check_target(args.technique)

    knowledge = load_knowledge(args)
    if model_file is None:
        report = countermeasures_of(knowledge, args.technique, include_narrower=args.narrower)
    else:
        model = target_model(knowledge, args.technique, model_file)
        report = find_countermeasures(
            knowledge.store, model.technique.id, model, include_narrower=args.narrower
        )
    emit(RENDERERS[args.format](report.only(tactics)), args.output)
    return EXIT_OK
