"""Subcommands of ``d3fgraph``, one module each, registered by ``d3fgraph.cli``.

Each module offers ``register(commands)`` and keeps heavy imports inside its handlers, so
building the parser stays cheap for every command.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from d3fgraph.errors import UsageError
from d3fgraph.output import write_text_atomically

if TYPE_CHECKING:
    from d3fgraph.knowledge import KnowledgeGraph
    from d3fgraph.model.event_model import EventModel

__all__ = [
    "add_common",
    "check_target",
    "emit",
    "load_knowledge",
    "load_model",
    "positive_int",
    "target_model",
]

logger = logging.getLogger(__name__)


def load_knowledge(args: argparse.Namespace) -> KnowledgeGraph:
    """Load the knowledge graph as the common options ``--data-dir`` and ``--no-cache`` say."""
    from d3fgraph.knowledge import KnowledgeGraph

    return KnowledgeGraph.load(args.data_dir, use_cache=not args.no_cache)


def check_target(target: str) -> Path | None:
    """Check a technique id or model file named on the command line, before the slow load.

    A name ending in ``.yaml`` or ``.yml``, or naming a file, is a model file: its shape is
    checked, which needs no ontology. Anything else must be a well-formed ATT&CK id.

    Returns:
        The model file, or ``None`` when ``target`` is a technique id.

    Raises:
        ModelFileError: The model file is missing or malformed.
        InvalidTechniqueIdError: ``target`` is neither a file nor a well-formed id.
        UsageError: ``target`` names a folder.
    """
    if Path(target).is_dir():
        msg = f"{target} is a folder; give a technique id such as T1055.001 or a model file (.yaml)"
        raise UsageError(msg)
    if target.endswith((".yaml", ".yml")) or Path(target).is_file():
        from d3fgraph.model.model_file import read_model_file

        read_model_file(Path(target))
        return Path(target)
    from d3fgraph.techniques import parse_technique_id

    parse_technique_id(target)
    return None


def target_model(kg: KnowledgeGraph, target: str, model_file: Path | None) -> EventModel:
    """Return the model ``check_target`` vouched for: the file's, or the technique's."""
    return kg.model_from_file(model_file) if model_file else kg.model(target)


def load_model(args: argparse.Namespace, target: str) -> EventModel:
    """Return the model of a technique id or of a model file, as ``target`` names one."""
    model_file = check_target(target)
    return target_model(load_knowledge(args), target, model_file)


def positive_int(text: str) -> int:
    """Read an option's whole number of 1 or more; ``type=`` for argparse.

    Zero or less would ask for nothing (no matches, no threads), which is never meant.
    """
    msg = f"{text!r} is not a whole number of 1 or more"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(msg) from None
    if value < 1:
        raise argparse.ArgumentTypeError(msg)
    return value


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it atomically to ``output`` when one is given."""
    if output is None:
        sys.stdout.write(text)
        return
    write_text_atomically(output, text)
    logger.info("Wrote %s", output)


def add_common(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """Add the options every command takes; subcommands pass ``suppress=True``.

    Suppressed defaults let an option given before the subcommand name survive, while one
    given after it still wins.
    """
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default,
        metavar="DIR",
        help="folder holding d3fend/ and ocsf-schema/ (default: $D3FGRAPH_DATA_DIR, the cache)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="build the graph in memory and write no cache",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="log progress to stderr",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="log details and show tracebacks",
    )
