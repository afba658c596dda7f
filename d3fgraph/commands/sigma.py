"""The ``d3fgraph sigma`` command: a technique's Sigma rules, their robustness, or their queries."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from d3fgraph.commands import add_common, check_target, emit, load_knowledge, target_model
from d3fgraph.errors import EXIT_OK, UsageError

if TYPE_CHECKING:
    from d3fgraph.detection import DetectionRule, SysmonMapping
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
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--score",
        action="store_true",
        help="print each rule's robustness score and its reasons instead of the rule",
    )
    shown.add_argument(
        "--backend",
        metavar="NAME",
        help=(
            "print the rule as a query of an installed pySigma backend, such as splunk, lucene "
            "or esql; an unknown NAME lists the installed ones"
        ),
    )
    parser.add_argument(
        "--pipeline",
        action="append",
        default=[],
        metavar="NAME",
        help="with --backend, also apply this installed pySigma pipeline (repeatable)",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.set_defaults(handler=_sigma)


def _sigma(args: argparse.Namespace) -> int:
    from d3fgraph.detection import build_rule, explain_rule, load_sysmon_mapping
    from d3fgraph.render.sigma import render_rule

    if args.pipeline and not args.backend:
        msg = "--pipeline applies to --backend conversions only; add --backend NAME"
        raise UsageError(msg)
    if args.backend:
        from d3fgraph.evidence import check_plugins

        # Before the slow model load, so a mistyped name is reported at once.
        check_plugins(args.backend, args.pipeline)

    model, tactics = _model_and_tactics(args)
    mapping = load_sysmon_mapping()
    if args.variant == "all":
        rules = _every_rule(model, mapping, args.layer)
    else:
        rules = [build_rule(model, args.variant, mapping, layer=args.layer)]

    if args.score:
        text = "\n".join(explain_rule(rule) for rule in rules)
    elif args.backend:
        text = _queries(args, rules, mapping, tactics)
    else:
        # A YAML stream: pySigma and sigma-check read every document of it as one rule.
        text = "---\n".join(render_rule(rule, tactics) for rule in rules)
    emit(text, args.output)
    return EXIT_OK


def _every_rule(
    model: EventModel, mapping: SysmonMapping, layer: str | None
) -> list[DetectionRule]:
    """Return each variant that can be written, warning once for each that cannot."""
    import warnings

    from d3fgraph.detection import UnsupportedRuleError, build_rule
    from d3fgraph.errors import D3fgraphWarning

    rules, skipped = [], []
    for variant in _VARIANTS:
        try:
            rules.append(build_rule(model, variant, mapping, layer=layer))
        except UnsupportedRuleError as exc:
            skipped.append(exc)
    if not rules:
        raise skipped[0]
    for reason in skipped:
        warnings.warn(f"{reason}; the other variants follow", D3fgraphWarning, stacklevel=2)
    return rules


def _queries(
    args: argparse.Namespace,
    rules: list[DetectionRule],
    mapping: SysmonMapping,
    tactics: tuple[str, ...],
) -> str:
    """Return each rule as the backend's queries, one a line, named by variant when several."""
    from d3fgraph.evidence import convert_rule

    lines = []
    for rule in rules:
        for query in convert_rule(
            rule, args.backend, mapping, pipelines=args.pipeline, tactics=tactics
        ):
            lines.append(query if len(rules) == 1 else f"{rule.variant}: {query}")
    return "\n".join(lines) + "\n"


def _model_and_tactics(args: argparse.Namespace) -> tuple[EventModel, tuple[str, ...]]:
    """Return the model ``args.technique`` names and its D3FEND tactic classes.

    Both come from one knowledge graph, so the graph is opened once; the checks before the
    load are those of ``check_target``, so a malformed id or model file is reported
    without waiting for the ontologies.
    """
    from d3fgraph.detection import find_tactics

    model_file = check_target(args.technique)
    kg = load_knowledge(args)
    model = target_model(kg, args.technique, model_file)
    return model, find_tactics(kg.store, model.technique.id)
