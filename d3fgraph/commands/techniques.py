"""The ``d3fgraph techniques`` command: list the ATT&CK techniques D3FEND knows, or search them."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from d3fgraph.commands import add_common, emit, load_knowledge, positive_int
from d3fgraph.errors import EXIT_OK, UsageError

__all__ = ["register"]

_COLUMNS = ("id", "label", "deprecated", "parent")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``techniques`` to the ``d3fgraph`` command family."""
    parser = commands.add_parser(
        "techniques",
        help="list ATT&CK techniques, or find them by id, name or label",
        description=(
            "List every ATT&CK technique in D3FEND with its label, whether it is deprecated "
            "and its parent; given a text, list those whose id, name or label match it, best "
            "match first. Case, hyphens and language tags are ignored."
        ),
    )
    add_common(parser, suppress=True)
    parser.add_argument("text", nargs="?", metavar="TEXT", help="an id, name or label to find")
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=10,
        metavar="N",
        help="matches to show, at least 1 (default: 10)",
    )
    parser.add_argument(
        "--include-deprecated",
        action="store_true",
        help="also match deprecated techniques by label (ids always match)",
    )
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table)",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.set_defaults(handler=_techniques)


def _techniques(args: argparse.Namespace) -> int:
    if args.text is not None and not args.text.strip():
        msg = (
            "the search text is empty; give an id, name or label such as T1055.001 or "
            "'process injection', or leave TEXT out to list every technique"
        )
        raise UsageError(msg)

    knowledge = load_knowledge(args)
    if args.text is None:
        records = [
            _record(t.id, t.label, t.deprecated, t.parent)
            for t in knowledge.techniques(include_deprecated=True)
        ]
        columns: Sequence[str] = _COLUMNS
    else:
        matches = knowledge.find_techniques(
            args.text, limit=args.limit, include_deprecated=args.include_deprecated
        )
        records = [
            {
                "id": m.technique.id,
                "label": m.technique.label,
                "deprecated": m.technique.deprecated,
                "match": m.kind.value,
                "score": round(m.score, 3),
            }
            for m in matches
        ]
        columns = ("id", "label", "deprecated", "match", "score")
    emit(_render(records, columns, args.format), args.output)
    return EXIT_OK


#: A cell of a record: JSON keeps its type, a table or CSV shows it as text.
_Cell = str | bool | float | None


def _record(
    technique_id: str, label: str, deprecated: bool, parent: str | None
) -> dict[str, _Cell]:
    return {"id": technique_id, "label": label, "deprecated": deprecated, "parent": parent}


def _text(value: _Cell) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else value


def _render(records: list[dict[str, _Cell]], columns: Sequence[str], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    texts = [{column: _text(record[column]) for column in columns} for record in records]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(texts)
        return buffer.getvalue()
    table = [list(columns), *[[r[c] for c in columns] for r in texts]]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in table
    ]
    lines.append(f"({len(records)} technique{'' if len(records) == 1 else 's'})")
    return "\n".join(lines) + "\n"
