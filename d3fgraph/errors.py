"""The one error family of d3fgraph, so callers can catch everything we raise in one place."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "EXIT_DATA",
    "EXIT_OK",
    "EXIT_USAGE",
    "CacheError",
    "ChecksumMismatchError",
    "D3fgraphError",
    "D3fgraphWarning",
    "DataNotFoundError",
    "InvalidD3fendClassError",
    "InvalidInvarianceClassError",
    "InvalidOcsfPathError",
    "InvalidTechniqueIdError",
    "ModelFileError",
    "NoModelError",
    "OcsfLoadError",
    "OntologyLoadError",
    "QueryError",
    "SourceLocation",
    "UnknownOcsfActivityError",
    "UnknownOcsfClassError",
    "UnknownTechniqueError",
    "UsageError",
]

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_DATA = 2


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where in a file a problem was found, printed as ``path:line:col`` like compilers do."""

    path: Path | str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = str(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class D3fgraphError(Exception):
    """Root of every error d3fgraph raises on purpose.

    Each subclass says which exit code the command line uses for it, so the mapping from
    error family to exit status lives in one place.
    """

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str, *, location: SourceLocation | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(message)

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class D3fgraphWarning(UserWarning):
    """Degraded but usable results: a rebuilt cache, a skipped optional file."""


def _allowed(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


class InvalidTechniqueIdError(D3fgraphError, ValueError):
    """A technique id that is not shaped like an ATT&CK technique id."""

    def __init__(self, technique_id: str, *, location: SourceLocation | None = None) -> None:
        self.technique_id = technique_id
        msg = (
            f"Malformed technique id {technique_id!r}; ATT&CK technique ids look like "
            "T1055 or T1055.001 (capital T, four digits, optionally a dot and three digits)"
        )
        upper = technique_id.strip().upper()
        if re.fullmatch(r"T[0-9]{4}(?:\.[0-9]{3})?", upper):
            # Not repaired silently (t1055 may be a typo for something else), but offered.
            msg += f"; did you mean {upper}?"
        elif "/" in technique_id or "\\" in technique_id:
            msg += "; if it names a model file, check the path: no such file exists"
        super().__init__(msg, location=location)


class UnknownTechniqueError(D3fgraphError, LookupError):
    """A well-formed technique id that D3FEND does not know."""

    def __init__(self, technique_id: str, *, suggestions: Iterable[str] = ()) -> None:
        self.technique_id = technique_id
        self.suggestions = tuple(suggestions)
        msg = f"Unknown technique {technique_id!r}: D3FEND has no ATT&CK technique with that id"
        if self.suggestions:
            msg += f"; did you mean {', '.join(self.suggestions)}?"
        else:
            msg += "; run 'd3fgraph coverage' or 'd3fgraph techniques' to list the known ones"
        super().__init__(msg)


class NoModelError(D3fgraphError, LookupError):
    """A known technique for which d3fgraph has no event model, with the reason why."""

    def __init__(self, technique_id: str, reason: str) -> None:
        self.technique_id = technique_id
        self.reason = reason
        super().__init__(f"No event model for {technique_id}: {reason}")


class ModelFileError(D3fgraphError, ValueError):
    """A technique model file (YAML) that cannot be read or does not follow the format."""


class InvalidInvarianceClassError(ModelFileError):
    """An invariance class outside the closed set."""

    def __init__(
        self, value: object, allowed: Iterable[str], *, location: SourceLocation | None = None
    ) -> None:
        self.value = value
        self.allowed = tuple(sorted(allowed))
        msg = f"Invalid invariance class {value!r}; use one of: {_allowed(self.allowed)}"
        super().__init__(msg, location=location)


class InvalidOcsfPathError(ModelFileError):
    """An OCSF attribute path that does not exist in the event class."""

    def __init__(
        self,
        path: str,
        event_class: str,
        reason: str,
        *,
        suggestions: Iterable[str] = (),
        location: SourceLocation | None = None,
    ) -> None:
        self.path = path
        self.event_class = event_class
        self.reason = reason
        self.suggestions = tuple(suggestions)
        msg = f"OCSF path {path!r} is not valid for event class {event_class!r}: {reason}"
        if self.suggestions:
            msg += f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?"
        super().__init__(msg, location=location)


class UnknownOcsfClassError(ModelFileError):
    """An OCSF event class named by a name, caption or class_uid that the schema lacks."""

    def __init__(
        self,
        key: str | int,
        *,
        suggestions: Iterable[str] = (),
        location: SourceLocation | None = None,
    ) -> None:
        self.key = key
        self.suggestions = tuple(suggestions)
        msg = f"Unknown OCSF event class {key!r}"
        if self.suggestions:
            msg += f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?"
        msg += (
            "; name a class by its name ('process_activity'), caption ('Process Activity') "
            "or class_uid (1007), and list them all with sorted(OcsfSchema.classes)"
        )
        super().__init__(msg, location=location)


class UnknownOcsfActivityError(ModelFileError):
    """An activity, by id or caption, that the OCSF event class does not define."""

    def __init__(
        self,
        key: str | int,
        event_class: str,
        allowed: Iterable[str],
        *,
        location: SourceLocation | None = None,
    ) -> None:
        self.key = key
        self.event_class = event_class
        self.allowed = tuple(allowed)
        msg = (
            f"Unknown activity {key!r} for OCSF event class {event_class!r}; "
            f"use an activity id or caption: {', '.join(self.allowed)}"
        )
        super().__init__(msg, location=location)


class InvalidD3fendClassError(ModelFileError):
    """A D3FEND class that does not exist, or is deprecated, in the loaded ontology."""

    def __init__(
        self,
        name: str,
        reason: str,
        *,
        suggestions: Iterable[str] = (),
        location: SourceLocation | None = None,
    ) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        msg = f"D3FEND class {name!r} {reason}"
        if self.suggestions:
            msg += f"; did you mean {', '.join(self.suggestions)}?"
        super().__init__(msg, location=location)


class UsageError(D3fgraphError, ValueError):
    """Command options or arguments that do not fit together, or a value no option accepts."""


class QueryError(D3fgraphError, ValueError):
    """A SPARQL query that is malformed, not read-only, or asks for a missing binding."""


class DataNotFoundError(D3fgraphError, FileNotFoundError):
    """Neither a data folder, the cache nor a download could provide the source data."""

    exit_code = EXIT_DATA


class OntologyLoadError(D3fgraphError):
    """An RDF file (D3FEND or the project's ontology) that does not parse."""

    exit_code = EXIT_DATA


class OcsfLoadError(D3fgraphError):
    """An OCSF schema source tree that cannot be read or compiled."""

    exit_code = EXIT_DATA


class CacheError(D3fgraphError):
    """The cache folder cannot be written or read."""

    exit_code = EXIT_DATA


class ChecksumMismatchError(D3fgraphError):
    """A downloaded or cached file whose SHA-256 differs from the pinned release."""

    exit_code = EXIT_DATA
