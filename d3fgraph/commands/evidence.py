"""The ``d3fgraph evidence`` command: which of a technique's rules fire on recorded attacks."""

from __future__ import annotations

import argparse
from pathlib import Path

from d3fgraph.commands import add_common, emit
from d3fgraph.errors import EXIT_OK

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``evidence`` to the ``d3fgraph`` command family."""
    parser = commands.add_parser(
        "evidence",
        help="run a technique's Sigma rules on recorded event logs",
        description=(
            "Run every Sigma rule variant of a technique on recorded event logs (JSON lines, "
            "plain or zipped) with pySigma's SQLite backend: the sysmon rule on the recorded "
            "events, the OCSF rules on the OCSF events mapped from their Sysmon events. Report "
            "per rule the events scanned, the matches and why it fired or stayed silent, and, "
            "with a dataset's metadata file, whether the simulated technique was caught."
        ),
    )
    add_common(parser, suppress=True)
    parser.add_argument(
        "technique",
        metavar="TECHNIQUE_OR_FILE",
        help="an ATT&CK technique id such as T1055.001, or a model file (.yaml)",
    )
    parser.add_argument(
        "--events",
        action="append",
        type=Path,
        required=True,
        metavar="FILE",
        help="a JSON-lines event log, or a zip holding one; repeat for several recordings",
    )
    parser.add_argument(
        "--metadata",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help=(
            "a Security-Datasets metadata YAML naming the simulated technique; it is paired "
            "with the recording it lists under files; repeat for several"
        ),
    )
    parser.add_argument(
        "--format",
        choices=("table", "json", "markdown"),
        default="table",
        help="table for reading, json for tools, markdown for the technique card (default: table)",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.set_defaults(handler=_evidence)


def _evidence(args: argparse.Namespace) -> int:
    import json

    from d3fgraph.commands import load_model
    from d3fgraph.evidence import collect_evidence, read_dataset_metadata, read_events
    from d3fgraph.render.evidence import render_evidence_markdown, render_evidence_table

    # The logs are read before the ontologies load, so a bad file is reported at once.
    logs = [read_events(path) for path in args.events]
    metadata = [read_dataset_metadata(path) for path in args.metadata]
    model = load_model(args, args.technique)
    report = collect_evidence(model, logs, metadata=metadata)

    if args.format == "json":
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "markdown":
        text = render_evidence_markdown(report)
    else:
        text = render_evidence_table(report)
    emit(text, args.output)
    return EXIT_OK
