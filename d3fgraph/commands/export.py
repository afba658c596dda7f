"""The ``d3fgraph export`` command: the merged graph or one model as RDF, or onto a server."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from d3fgraph.commands import add_common, check_target, emit, load_knowledge, target_model
from d3fgraph.errors import EXIT_OK, UsageError

__all__ = ["FORMATS", "register"]

#: The values of ``d3fgraph.export.ExportFormat``, kept here so building the parser imports
#: no RDF code; a test checks that the two agree.
FORMATS = ("turtle", "ntriples", "jsonld")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` to the ``d3fgraph`` command family."""
    parser = commands.add_parser(
        "export",
        help="write the merged graph, or one technique's model, as Turtle, N-Triples or JSON-LD",
        description=(
            "Write the merged graph (D3FEND, OCSF, the d3fgraph ontology and every model, its "
            "named graphs merged into one) or, with --technique, one event model with the "
            "labels of the D3FEND and OCSF terms it names. With --to-endpoint the merged "
            "graph is put, graph by graph, on a SPARQL 1.1 Graph Store Protocol endpoint "
            "instead, such as http://127.0.0.1:7878/store of 'oxigraph serve'."
        ),
    )
    add_common(parser, suppress=True)
    parser.add_argument(
        "--technique",
        metavar="TECHNIQUE_OR_FILE",
        help="export only this technique's model: an id such as T1055.001 or a model file",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="turtle",
        help="RDF syntax (default: turtle)",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.add_argument(
        "--to-endpoint",
        metavar="URL",
        help="put the merged graph's named graphs on this Graph Store Protocol endpoint",
    )
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from d3fgraph.export import export_model, export_store

    if args.to_endpoint:
        if args.technique or args.output:
            msg = "--to-endpoint sends the whole merged graph; drop --technique and --output"
            raise UsageError(msg)
        return _push(args)

    if args.technique:
        model_file = check_target(args.technique)
        knowledge = load_knowledge(args)
        model = target_model(knowledge, args.technique, model_file)
        emit(export_model(model, knowledge.store, args.format), args.output)
        return EXIT_OK

    emit(export_store(load_knowledge(args).store, args.format), args.output)
    return EXIT_OK


def _push(args: argparse.Namespace) -> int:
    from d3fgraph.remote import load_into_endpoint

    sent = load_into_endpoint(load_knowledge(args).store, args.to_endpoint)
    for graph, count in sent.items():
        sys.stdout.write(f"{graph}: {count} triples\n")
    return EXIT_OK
