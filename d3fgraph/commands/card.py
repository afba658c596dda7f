"""The ``d3fgraph card`` command: a technique's card as Markdown, one HTML page, or JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from d3fgraph.commands import add_common, check_target, emit, load_knowledge, target_model
from d3fgraph.errors import EXIT_OK, UsageError

if TYPE_CHECKING:
    from d3fgraph.evidence import EventLog
    from d3fgraph.render.assets import MermaidScript

__all__ = ["register"]

_FORMATS = ("markdown", "html", "json")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``card`` to the ``d3fgraph`` command family."""
    from d3fgraph.render.assets import DEFAULT_MERMAID_URL

    parser = commands.add_parser(
        "card",
        help="print the technique card: detect, mitigate, respond, event model and Sigma rules",
        description=(
            "Print a technique's card: what OCSF sees of it and what stands in where it does "
            "not, its countermeasures with provenance, its OCSF event model and diagram, the "
            "entity table and its Sigma rules with their robustness scores. Markdown embeds the "
            "diagram as a mermaid block; HTML is one self-contained page; JSON is the card's "
            "data, as docs/card.schema.json describes it."
        ),
    )
    add_common(parser, suppress=True)
    parser.add_argument(
        "technique",
        metavar="TECHNIQUE_OR_FILE",
        help="an ATT&CK technique id such as T1055.001, or a model file (.yaml)",
    )
    parser.add_argument(
        "--format",
        choices=_FORMATS,
        default="markdown",
        help="output format (default: markdown)",
    )
    parser.add_argument(
        "--layer",
        choices=("A", "U", "K"),
        help="telemetry layer of your sensor, for every rule's robustness score (see sigma)",
    )
    script = parser.add_mutually_exclusive_group()
    script.add_argument(
        "--mermaid-js",
        metavar="URL",
        help=f"HTML only: load Mermaid from URL (default: {DEFAULT_MERMAID_URL})",
    )
    script.add_argument(
        "--mermaid-js-file",
        type=Path,
        metavar="PATH",
        help="HTML only: inline the Mermaid bundle at PATH (mermaid.min.js), for offline use",
    )
    script.add_argument(
        "--inline-mermaid",
        action="store_true",
        help="HTML only: inline the copy of Mermaid that mermaid-check installed",
    )
    parser.add_argument(
        "--events",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="add an Evidence section: run the rules on this recording (JSON lines, plain or "
        "zipped; repeatable), as 'd3fgraph evidence' does",
    )
    parser.add_argument(
        "--metadata",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="with --events, a dataset metadata file naming the simulated technique",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.set_defaults(handler=_card)


def _card(args: argparse.Namespace) -> int:
    from d3fgraph.card import build_card

    # Bad options, ids and model files fail before the slow load of the graph, which is
    # then loaded once for the model and the card.
    mermaid = _mermaid(args)
    model_file = check_target(args.technique)

    if args.metadata and not args.events:
        msg = "--metadata describes recordings; give them with --events FILE"
        raise UsageError(msg)
    logs = _read_recordings(args.events)

    kg = load_knowledge(args)
    model = target_model(kg, args.technique, model_file)
    evidence = None
    if logs:
        from d3fgraph.detection import find_tactics
        from d3fgraph.evidence import collect_evidence, read_dataset_metadata

        evidence = collect_evidence(
            model,
            logs,
            metadata=[read_dataset_metadata(path) for path in args.metadata],
            tactics=find_tactics(kg.store, model.technique.id),
        )
    card = build_card(kg, model, evidence=evidence, layer=args.layer)

    if args.format == "json":
        text = json.dumps(card.to_dict(), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "html":
        from d3fgraph.render.card_html import render_card_html

        text = render_card_html(card, mermaid)
    else:
        from d3fgraph.render.card_markdown import render_card_markdown

        text = render_card_markdown(card)
    emit(text, args.output)
    return EXIT_OK


def _read_recordings(paths: list[Path]) -> list[EventLog]:
    """Read the recordings first, so a bad file fails before the graph loads."""
    if not paths:
        return []
    from d3fgraph.evidence import read_events

    return [read_events(path) for path in paths]


def _mermaid(args: argparse.Namespace) -> MermaidScript:
    from d3fgraph.render.assets import MermaidScript, find_mermaid_js

    chosen = [
        name
        for name, given in (
            ("--mermaid-js", args.mermaid_js is not None),
            ("--mermaid-js-file", args.mermaid_js_file is not None),
            ("--inline-mermaid", args.inline_mermaid),
        )
        if given
    ]
    if chosen and args.format != "html":
        msg = f"{chosen[0]} applies to --format html only, not {args.format}"
        raise UsageError(msg)
    if args.mermaid_js is not None:
        return MermaidScript.from_url(args.mermaid_js)
    if args.mermaid_js_file is not None:
        return MermaidScript.from_file(args.mermaid_js_file)
    if args.inline_mermaid:
        return MermaidScript.from_file(find_mermaid_js())
    return MermaidScript()
