"""Run Sigma rules over recorded events with a real rule engine: pySigma's SQLite backend.

Each set of events is loaded into an in-memory SQLite table with one column per field the
rules test, named by its dotted path (``actor.process.file.path``), and each rule runs as the
query the backend writes for it. SQLite ships with Python, so the engine needs no server and
no native package beyond pySigma's own; the backend is the one Zircolite-style tools use to run
Sigma on exported logs.

Columns have NUMERIC affinity and the NOCASE collation. The affinity lets ``EventID: 8`` match
an exporter's ``"8"`` as well as its ``8``; the collation gives Sigma's case-insensitive
string matching to ``=`` and ``IN``, as SQLite's ``LIKE`` already has it for ASCII.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from d3fgraph.detection.mapping_model import SysmonMapping
from d3fgraph.detection.rule_model import DetectionRule, ValueMatch
from d3fgraph.evidence.conversion import (
    RuleConversionError,
    parse_rule,
    rule_fields,
    sqlite_backend,
    sysmon_pipeline,
)
from d3fgraph.evidence.sysmon_to_ocsf import SYSMON_CHANNEL

__all__ = [
    "CompiledRule",
    "EventTable",
    "FunnelCondition",
    "FunnelStep",
    "compile_rule",
    "field_value",
]

#: The column holding each event's position in the list it was loaded from.
_ROW: Final = "d3fgraph_row"

#: The range of SQLite's INTEGER, a signed 64-bit number.
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1


@dataclass(frozen=True, slots=True)
class FunnelCondition:
    """A step of the funnel: a field and the values it accepts, compared as ``match`` says."""

    field: str
    values: tuple[int | str, ...]
    match: ValueMatch = ValueMatch.EQUALS


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule and the SQLite query pySigma's backend wrote for it.

    ``steps`` are the rule's conditions in order, the log source's first, as the funnel
    that explains a match or a silence walks them.
    """

    rule: DetectionRule
    query: str
    fields: tuple[str, ...]
    steps: tuple[FunnelCondition, ...]


@dataclass(frozen=True, slots=True)
class FunnelStep:
    """How many events are left once one more of a rule's conditions is applied.

    When a step leaves none, ``seen`` holds the values the field had in the events left
    before it (``None`` for events without the field), most frequent first, at most three.
    """

    field: str
    values: tuple[int | str, ...]
    remaining: int
    seen: tuple[tuple[str | None, int], ...] = ()
    match: ValueMatch = ValueMatch.EQUALS

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "values": list(self.values),
            "match": str(self.match),
            "remaining": self.remaining,
            "seen": [{"value": value, "events": count} for value, count in self.seen],
        }


def compile_rule(
    rule: DetectionRule, mapping: SysmonMapping, tactics: Sequence[str] = ()
) -> CompiledRule:
    """Return the SQLite query of ``rule``; a Sysmon rule also tests its channel and Event ID.

    Raises:
        MissingEngineError: pySigma or pysigma-backend-sqlite is not installed.
        RuleConversionError: pySigma cannot read or convert the rule.
    """
    collection = parse_rule(rule, tactics)
    backend = sqlite_backend(sysmon_pipeline(mapping, channel=True))
    from sigma.exceptions import SigmaError

    try:
        queries = backend.convert(collection)
    except SigmaError as exc:
        msg = f"the SQLite backend cannot run the {rule.variant} rule: {exc}"
        raise RuleConversionError(msg) from exc
    if len(queries) != 1:
        msg = f"the SQLite backend wrote {len(queries)} queries for one rule; expected one"
        raise RuleConversionError(msg)

    steps: list[FunnelCondition] = []
    if rule.product == "windows":
        for event in mapping.events:
            if event.sigma_category == rule.category:
                steps += [
                    FunnelCondition("Channel", (SYSMON_CHANNEL,)),
                    FunnelCondition("EventID", (event.event_id,)),
                ]
    steps.extend(FunnelCondition(c.rule_field, c.values, c.match) for c in rule.stated)
    fields = dict.fromkeys((*rule_fields(collection), *(step.field for step in steps)))
    return CompiledRule(rule, queries[0], tuple(fields), tuple(steps))


def field_value(event: Mapping[str, Any], path: str) -> Any:
    """Return the value at a dotted path of a nested event, ``None`` when absent.

    A key that itself holds dots, as some exporters write them, is found as well.
    """
    if path in event:
        return event[path]
    head, dot, rest = path.partition(".")
    while dot:
        child = event.get(head)
        if isinstance(child, Mapping):
            found = field_value(child, rest)
            if found is not None:
                return found
        step, dot, rest = rest.partition(".")
        head = f"{head}.{step}"
    return None


class EventTable:
    """Events loaded into an in-memory SQLite table, one column per field the rules need."""

    __slots__ = ("_columns", "_connection", "size")

    def __init__(self, events: Sequence[Mapping[str, Any]], fields: Iterable[str]) -> None:
        # SQLite column names ignore case, so fields differing only in case share the first
        # spelling's column; Sigma rules name a field one way, so this only merges typos.
        columns: dict[str, str] = {}
        for name in fields:
            columns.setdefault(name.lower(), name)
        self._columns = tuple(columns.values())
        self.size = len(events)

        self._connection = sqlite3.connect(":memory:")
        self._connection.create_function("REGEXP", 2, _regexp, deterministic=True)
        declared = ", ".join(f"{_quote(c)} NUMERIC COLLATE NOCASE" for c in self._columns)
        self._connection.execute(
            f"CREATE TABLE logs ({_quote(_ROW)} INTEGER PRIMARY KEY"
            + (f", {declared})" if declared else ")")
        )
        placeholders = ", ".join("?" for _ in range(len(self._columns) + 1))
        self._connection.executemany(
            f"INSERT INTO logs VALUES ({placeholders})",
            (
                (index, *(_cell(field_value(event, c)) for c in self._columns))
                for index, event in enumerate(events)
            ),
        )

    def __enter__(self) -> EventTable:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the table's memory."""
        self._connection.close()

    def absent(self, fields: Iterable[str]) -> tuple[str, ...]:
        """Return the fields no event of the table holds."""
        return tuple(name for name in fields if self._count(f"{_quote(name)} IS NOT NULL", ()) == 0)

    def matches(self, query: str) -> tuple[int, ...]:
        """Return the indexes of the events a backend's query selects, in load order.

        Raises:
            RuleConversionError: SQLite rejects the query.
        """
        try:
            cursor = self._connection.execute(query)
        except sqlite3.Error as exc:
            msg = f"SQLite rejected the rule's query ({exc}): {query}"
            raise RuleConversionError(msg) from exc
        names = [d[0] for d in cursor.description]
        position = names.index(_ROW)
        return tuple(sorted(row[position] for row in cursor))

    def funnel(self, steps: Sequence[FunnelCondition]) -> tuple[FunnelStep, ...]:
        """Apply ``steps`` one by one and count the events each leaves."""
        result: list[FunnelStep] = []
        where: list[str] = []
        parameters: list[int | str] = []
        for step in steps:
            name, values, match = step.field, step.values, step.match
            before, before_parameters = " AND ".join(where) or "1", tuple(parameters)
            clause, arguments = _clause(name, values, match)
            where.append(clause)
            parameters.extend(arguments)
            remaining = self._count(" AND ".join(where), parameters)
            seen = () if remaining else self._seen(name, before, before_parameters)
            result.append(FunnelStep(name, values, remaining, seen, match))
        return tuple(result)

    def _count(self, where: str, parameters: Sequence[int | str]) -> int:
        row = self._connection.execute(f"SELECT COUNT(*) FROM logs WHERE {where}", parameters)
        return int(row.fetchone()[0])

    def _seen(
        self, name: str, where: str, parameters: Sequence[int | str]
    ) -> tuple[tuple[str | None, int], ...]:
        column = _quote(name)
        rows = self._connection.execute(
            f"SELECT {column}, COUNT(*) AS n FROM logs WHERE {where} "
            f"GROUP BY {column} ORDER BY n DESC, {column} LIMIT 3",
            parameters,
        )
        return tuple((None if value is None else str(value), int(n)) for value, n in rows)


def _clause(
    name: str, values: tuple[int | str, ...], match: ValueMatch
) -> tuple[str, tuple[int | str, ...]]:
    """Return the SQL test of one funnel step and its parameters.

    Sigma compares text without regard to case. Equality therefore uses SQLite's NOCASE
    collation and substring matches LIKE; both fold ASCII letters only, as pySigma's SQLite
    backend does. ``%``, ``_`` and the escape character in a value are escaped so that they
    match themselves.
    """
    column = _quote(name)
    if match is ValueMatch.EQUALS:
        return f"{column} COLLATE NOCASE IN ({', '.join('?' for _ in values)})", values
    before = "" if match is ValueMatch.STARTSWITH else "%"
    after = "" if match is ValueMatch.ENDSWITH else "%"
    patterns = tuple(f"{before}{_like_literal(str(v))}{after}" for v in values)
    tests = " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for _ in values)
    return f"({tests})", patterns


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cell(value: Any) -> Any:
    if isinstance(value, int) and not _INT64_MIN <= value <= _INT64_MAX:
        # sqlite3 refuses to bind an integer wider than 64 bits, so it goes in as its digits;
        # the column's NUMERIC affinity then keeps it as the nearest REAL, as SQLite does for
        # any such number written as text.
        return str(value)
    if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        # Sigma rules compare booleans with the words; the backend accepts 1 and 0 as well.
        return "true" if value else "false"
    return json.dumps(value, sort_keys=True)


def _regexp(pattern: str | None, value: Any) -> bool:
    return pattern is not None and value is not None and re.search(pattern, str(value)) is not None
