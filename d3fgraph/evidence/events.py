"""Read recorded event logs, one JSON object a line, from plain files or zip archives.

Recordings such as OTRF's Security-Datasets ship as a zip holding one JSON-lines export of
Windows event logs. A line that is not a JSON object is skipped and reported with its
position, so the valid lines around it still count; a file with no event at all is an error,
since a rule run on nothing proves nothing.
"""

from __future__ import annotations

import json
import logging
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from d3fgraph.errors import EXIT_USAGE, D3fgraphError, SourceLocation

__all__ = ["EventLog", "EventLogError", "SkippedLine", "read_events"]

logger = logging.getLogger(__name__)

#: Names a zip member must end with to be read as JSON lines.
JSON_SUFFIXES: Final = (".json", ".jsonl", ".ndjson")

_JSON_KINDS: Final[dict[type, str]] = {
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


class EventLogError(D3fgraphError, ValueError):
    """An event log that cannot be read, or holds no event to run rules on."""

    exit_code = EXIT_USAGE

    def __init__(
        self, message: str, path: Path | str, *, location: SourceLocation | None = None
    ) -> None:
        self.path = str(path)
        super().__init__(message, location=location)


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A line of a log that holds no event, and why it was skipped."""

    location: SourceLocation
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"location": str(self.location), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class EventLog:
    """The events of one recording, each with the line it came from.

    ``origin`` names the file, or ``archive.zip!member.json`` for a zip member, so that
    ``f"{origin}:{line}"`` points at an event.
    """

    path: str
    events: tuple[Mapping[str, Any], ...]
    origins: tuple[str, ...]
    lines: tuple[int, ...]
    skipped: tuple[SkippedLine, ...] = ()

    def __post_init__(self) -> None:
        if not len(self.events) == len(self.origins) == len(self.lines):
            msg = "every event needs one origin and one line number"
            raise ValueError(msg)

    @property
    def name(self) -> str:
        """The file name of the recording, without its folder."""
        return Path(self.path).name

    def location(self, index: int) -> SourceLocation:
        """Return where event ``index`` was read, as ``file:line``."""
        return SourceLocation(self.origins[index], self.lines[index])


def read_events(path: Path | str) -> EventLog:
    """Read every JSON object of a JSON-lines file, or of the JSON members of a zip archive.

    Blank lines are ignored. A line that is not UTF-8 JSON, is JSON but not an object, or
    nests deeper than Python's parser can follow, is skipped and listed in
    ``EventLog.skipped``, with a warning logged.

    Raises:
        EventLogError: The file cannot be read, is empty, is a damaged zip or one without a
            ``.json``, ``.jsonl`` or ``.ndjson`` member, or has no line holding a JSON object.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"cannot read events from {path}: no such file"
        raise EventLogError(msg, path)
    try:
        if path.stat().st_size == 0:
            msg = f"{path} is empty; give a JSON-lines file with one event object a line"
            raise EventLogError(msg, path)
        if zipfile.is_zipfile(path):
            return _read_zip(path)
        if path.suffix.lower() == ".zip":
            msg = f"{path} is named .zip but is not a zip archive; give the original download"
            raise EventLogError(msg, path)
        with path.open("rb") as stream:
            return _collect(path, [(str(path), stream)])
    except OSError as exc:
        msg = f"cannot read events from {path}: {exc.strerror or exc}"
        raise EventLogError(msg, path) from exc


def _read_zip(path: Path) -> EventLog:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir() and info.filename.lower().endswith(JSON_SUFFIXES)
            ]
            if not members:
                names = ", ".join(i.filename for i in archive.infolist()) or "none"
                msg = (
                    f"{path} holds no JSON-lines file (members: {names}); give a zip with a "
                    f"member ending in {', '.join(JSON_SUFFIXES)}"
                )
                raise EventLogError(msg, path)
            streams = [(f"{path}!{info.filename}", archive.open(info)) for info in members]
            try:
                return _collect(path, streams)
            finally:
                for _, stream in streams:
                    stream.close()
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        # A damaged or cut-off member surfaces only once it is read, as zlib's error or an
        # early end of its stream, so the reading in _collect stays inside this try.
        msg = (
            f"{path} is not a readable zip archive ({exc}); give an intact copy, such as the "
            "original download"
        )
        raise EventLogError(msg, path) from exc


def _collect(path: Path, streams: Iterable[tuple[str, IO[bytes]]]) -> EventLog:
    events: list[Mapping[str, Any]] = []
    origins: list[str] = []
    lines: list[int] = []
    skipped: list[SkippedLine] = []
    for origin, stream in streams:
        for number, value, problem in _parse_lines(stream):
            if problem is not None:
                skipped.append(SkippedLine(SourceLocation(origin, number), problem))
                continue
            events.append(value)
            origins.append(origin)
            lines.append(number)

    if not events:
        if skipped:
            first = skipped[0]
            msg = (
                f"no line holds a JSON object; this first bad line is {first.reason}; give a "
                "JSON-lines file with one event object a line"
            )
            raise EventLogError(msg, path, location=first.location)
        msg = f"{path} holds only blank lines; give a JSON-lines file with one event object a line"
        raise EventLogError(msg, path)
    for line in skipped:
        logger.warning("Skipped %s", line)
    logger.info("Read %d events from %s", len(events), path)
    return EventLog(str(path), tuple(events), tuple(origins), tuple(lines), tuple(skipped))


def _parse_lines(stream: IO[bytes]) -> Iterator[tuple[int, Any, str | None]]:
    """Yield each non-blank line's number with its object, or with why it holds none."""
    for number, raw in enumerate(stream, start=1):
        data = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
        if not data.strip():
            continue
        try:
            value = json.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield number, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
            continue
        except json.JSONDecodeError as exc:
            yield number, None, f"not JSON ({exc.msg} at column {exc.colno})"
            continue
        except RecursionError:
            # Python's parser recurses once per array or object it opens, so a line nested
            # deeper than the interpreter's recursion limit cannot be read as an event.
            yield number, None, "JSON nested too deeply"
            continue
        if not isinstance(value, dict):
            kind = _JSON_KINDS.get(type(value), "value")
            yield number, None, f"a JSON {kind}, not an event object"
            continue
        yield number, value, None
