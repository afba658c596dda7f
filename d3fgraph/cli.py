"""The ``d3fgraph`` and ``render-model`` commands.

Every command catches ``D3fgraphError`` here, once, and turns it into one line on stderr and
the exit code its family declares (1 bad usage or input, 2 data or load failure); the full
traceback appears only with ``--debug``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from pathlib import Path
from typing import NoReturn

from d3fgraph.commands import add_common, emit, load_model
from d3fgraph.errors import EXIT_OK, EXIT_USAGE, D3fgraphError, D3fgraphWarning

__all__ = ["main", "render_model_main"]

#: Modules under ``d3fgraph.commands`` that register further subcommands.
_COMMAND_MODULES: tuple[str, ...] = (
    "card",
    "sigma",
    "countermeasures",
    "sparql",
    "coverage",
    "export",
    "techniques",
    "evidence",
    "render_all",
)

logger = logging.getLogger("d3fgraph")

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``d3fgraph`` with ``argv`` (default: the process arguments); return the exit code."""
    parser = _build_parser()
    return _run(parser, argv)


def render_model_main(argv: Sequence[str] | None = None) -> int:
    """Run the ``render-model`` shortcut, the same as ``d3fgraph render-model``."""
    parser = _Parser(
        prog="render-model",
        description="Print the Mermaid event-model diagram of an ATT&CK technique.",
    )
    add_common(parser)
    _add_render_model(parser)
    return _run(parser, argv)


class _VersionAction(argparse.Action):
    """``--version``, which reads the pinned releases only when asked, not on every start."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> NoReturn:
        from d3fgraph._version import VERSION
        from d3fgraph.sources.releases import D3FEND, OCSF

        pinned = f"D3FEND {D3FEND.version}, OCSF {OCSF.version} pinned"
        sys.stdout.write(f"{parser.prog} {VERSION} ({pinned})\n")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other d3fgraph error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        # argparse exits 0 after --help and 2 on bad usage; d3fgraph's code for that is 1.
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE

    _configure_logging(args.verbose, args.debug)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", D3fgraphWarning)
            warnings.showwarning = _show_warning
            return handler(args)
    except D3fgraphError as exc:
        if args.debug:
            logger.exception("failed")
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return 130


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="d3fgraph",
        description=(
            "Event models, Sigma rules, robustness scores and countermeasures for ATT&CK "
            "techniques, joined from MITRE D3FEND and OCSF."
        ),
    )
    add_common(parser)
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="print the version and the D3FEND and OCSF releases it pins, then exit",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    render = commands.add_parser(
        "render-model", help="print the Mermaid event-model diagram of a technique"
    )
    add_common(render, suppress=True)
    _add_render_model(render)

    data = commands.add_parser("data", help="show, fetch or clear the source data and caches")
    add_common(data, suppress=True)
    data_commands = data.add_subparsers(title="data commands", metavar="ACTION")
    info = data_commands.add_parser("info", help="versions, files and origin of the data in use")
    add_common(info, suppress=True)
    info.add_argument("--format", choices=("table", "json"), default="table")
    info.set_defaults(handler=_data_info)
    fetch = data_commands.add_parser("fetch", help="download the pinned releases ahead of time")
    add_common(fetch, suppress=True)
    fetch.set_defaults(handler=_data_fetch)
    clear = data_commands.add_parser("clear-cache", help="remove downloaded data and graph caches")
    add_common(clear, suppress=True)
    clear.set_defaults(handler=_data_clear)

    for name in _COMMAND_MODULES:
        import_module(f"d3fgraph.commands.{name}").register(commands)
    return parser


def _add_render_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "technique",
        metavar="TECHNIQUE_OR_FILE",
        help="an ATT&CK technique id such as T1055.001, or a model file (.yaml)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the diagram to FILE"
    )
    parser.set_defaults(handler=_render_model)


def _render_model(args: argparse.Namespace) -> int:
    from d3fgraph.render.mermaid import render_mermaid

    model = load_model(args, args.technique)
    emit(render_mermaid(model), args.output)
    return EXIT_OK


def _data_info(args: argparse.Namespace) -> int:
    import json

    from d3fgraph.sources import data_info, locate_data

    paths = locate_data(args.data_dir, download=False)
    info = data_info(paths)
    if args.format == "json":
        sys.stdout.write(json.dumps(info, indent=2, default=str) + "\n")
    else:
        sys.stdout.write(_table_from_info(info))
    return EXIT_OK


def _table_from_info(info: Mapping[str, object]) -> str:
    lines = []
    for key, value in info.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  {item}" for item in value)
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def _data_fetch(args: argparse.Namespace) -> int:
    from d3fgraph.sources import fetch_data

    paths = fetch_data()
    sys.stdout.write(f"D3FEND: {paths.d3fend_ttl}\nOCSF: {paths.ocsf_root}\n")
    return EXIT_OK


def _data_clear(args: argparse.Namespace) -> int:
    from d3fgraph.graph_cache import GraphCache
    from d3fgraph.owl_view import clear_owl_cache
    from d3fgraph.sources import cache_root, clear_cache

    removed = [
        *clear_cache(),
        *GraphCache(cache_root() / "graphs").clear(),
        *clear_owl_cache(cache_root()),
    ]
    for path in removed:
        sys.stdout.write(f"removed {path}\n")
    if not removed:
        sys.stdout.write(f"nothing to remove under {cache_root()}\n")
    return EXIT_OK


def _configure_logging(verbose: bool, debug: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("d3fgraph")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class _StderrHandler(logging.Handler):
    """Write to whatever ``sys.stderr`` is at the time, as in-process callers swap it."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except (OSError, ValueError):
            self.handleError(record)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    print(f"warning: {message}", file=sys.stderr)
