"""Subcommands of ``d3fgraph``, one module each, registered by ``d3fgraph.cli``.

Each module offers ``register(commands, add_common)`` and keeps heavy imports inside its
handlers, so building the parser stays cheap for every command.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from d3fgraph.output import write_text_atomically

if TYPE_CHECKING:
    from d3fgraph.knowledge import KnowledgeGraph

__all__ = ["add_common", "emit", "load_knowledge"]

logger = logging.getLogger(__name__)


def load_knowledge(args: argparse.Namespace) -> KnowledgeGraph:
    """Load the knowledge graph as the common options ``--data-dir`` and ``--no-cache`` say."""
    from d3fgraph.knowledge import KnowledgeGraph

    return KnowledgeGraph.load(args.data_dir, use_cache=not args.no_cache)


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
