"""The ``d3fgraph sigma`` command: a technique's Sigma rules, or the robustness of each."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from d3fgraph.commands import add_common, emit, load_knowledge
from d3fgraph.errors import EXIT_OK

if TYPE_CHECKING:
    from d3fgraph.model.event_model import EventModel

__all__ = ["register"]

_VARIANTS = ("definitional", "ocsf-native", "sysmon")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sigma`` to the ``d3fgraph`` command family."""
    parser = commands.add_parser(
        "sigma",
        help="print the Sigma rule of a technique",
        description=(
            "Print a technique's Sigma rule: definitional (the event and its invariant fields), "
            "ocsf-native (only attributes native to the OCSF class) or sysmon (the Sysmon "
            "fallback), or all three as one multi-document YAML stream."
        ),
    )
    add_common(parser, suppress=True)
    parser.add_argument(
        "technique",
        metavar="TECHNIQUE_OR_FILE",
        help="an ATT&CK technique id such as T1055.001, or a model file (.yaml)",
    )
    parser.add_argument(
        "--variant",
        choices=(*_VARIANTS, "all"),
        default="definitional",
        help="which rule to print (default: definitional)",
    )
    parser.add_argument(
        "--layer",
        choices=("A", "U", "K"),
        help=(
            "telemetry layer of your sensor for the robustness score: application, user-mode "
            "or kernel-mode (default: U for OCSF rules, the Sysmon event's own layer for sysmon)"
        ),
    )
    parser.add_argument(
        "--score",
        action="store_true",
        help="print each rule's robustness score and its reasons instead of the rule",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.set_defaults(handler=_sigma)


def _sigma(args: argparse.Namespace) -> int:
    from d3fgraph.detection import build_rule, explain_rule, load_sysmon_mapping
    from d3fgraph.render.sigma import render_rule

    model, tactics = _model_and_tactics(args)
    mapping = load_sysmon_mapping()
    variants = _VARIANTS if args.variant == "all" else (args.variant,)
    rules = [build_rule(model, variant, mapping, layer=args.layer) for variant in variants]

    if args.score:
        text = "\n".join(explain_rule(rule) for rule in rules)
    else:
        # A YAML stream: pySigma and sigma-check read every document of it as one rule.
        text = "---\n".join(render_rule(rule, tactics) for rule in rules)
    emit(text, args.output)
    return EXIT_OK


def _model_and_tactics(args: argparse.Namespace) -> tuple[EventModel, tuple[str, ...]]:
    """Return the model ``args.technique`` names and its D3FEND tactic classes.

    Both come from one knowledge graph, so the graph is opened once; the checks before the
    load are those of ``d3fgraph.cli.load_model``, so a malformed id or model file is reported
    without waiting for the ontologies.
    """
    from d3fgraph.detection import find_tactics
    from d3fgraph.model.model_file import read_model_file
    from d3fgraph.techniques import parse_technique_id

    target: str = args.technique
    is_file = target.endswith((".yaml", ".yml")) or Path(target).is_file()
    if is_file:
        read_model_file(Path(target))
    else:
        parse_technique_id(target)

    kg = load_knowledge(args)
    model = kg.model_from_file(Path(target)) if is_file else kg.model(target)
    return model, find_tactics(kg.store, model.technique.id)
