"""Turn Sysmon events into OCSF events, row by row from the project's Sysmon-to-OCSF table.

The rows are those of ``ontologies/mappings/sysmon-ocsf.yaml``, the table the technique
card's Sysmon section shows, so the events the OCSF rules are tried on are the events the card
promises. A Sysmon field the table maps goes to its OCSF path, converted to the attribute's
type; a field the table leaves unmapped, and any field the table does not list, is kept under
``unmapped`` by its Sysmon name. Sysmon writes ``-`` for a value it does not have; such a value
becomes an absent attribute, never the text ``-``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from d3fgraph.detection.mapping_model import SysmonMapping

__all__ = ["SYSMON_CHANNEL", "SysmonToOcsf", "sysmon_event_id"]

#: The Windows event log channel Sysmon writes to.
SYSMON_CHANNEL: Final = "Microsoft-Windows-Sysmon/Operational"

#: Values with which Sysmon and event log exporters say a field has no value.
_ABSENT: Final = frozenset({"-", ""})

#: Other names exporters give the fields the table lists: NXLog, which wrote the OTRF
#: Security-Datasets recordings, writes the event record's Computer property as Hostname.
_EXPORT_NAMES: Final = {"Computer": ("Computer", "Hostname")}

#: Fields that identify the Sysmon event itself; they fill ``metadata``, not ``unmapped``.
_ENVELOPE: Final = frozenset({"EventID", "Channel"})

#: OCSF fingerprint algorithm id and caption of each algorithm Sysmon hashes with; others,
#: such as IMPHASH, are 99 (Other) under Sysmon's own name.
_HASH_ALGORITHMS: Final = {
    "MD5": (1, "MD5"),
    "SHA1": (2, "SHA-1"),
    "SHA256": (3, "SHA-256"),
    "SHA512": (4, "SHA-512"),
}

#: OCSF integrity_id of each integrity level Sysmon reports.
_INTEGRITY_IDS: Final = {
    "untrusted": 1,
    "low": 2,
    "medium": 3,
    "high": 4,
    "system": 5,
    "protected": 6,
}

_INTEGER: Final = re.compile(r"[0-9]+")
_HEX: Final = re.compile(r"0[xX][0-9a-fA-F]+")


def sysmon_event_id(raw: Mapping[str, Any]) -> int | None:
    """Return the Sysmon Event ID of a Windows event record, or ``None`` for another source.

    An event is Sysmon's when its channel is ``SYSMON_CHANNEL``; exporters write the id as a
    number or as text, and both are read.
    """
    if raw.get("Channel") != SYSMON_CHANNEL:
        return None
    value = raw.get("EventID")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return None


class SysmonToOcsf:
    """Maps Sysmon events to OCSF events with the rows of one Sysmon-to-OCSF mapping."""

    __slots__ = ("_events", "_version")

    def __init__(self, mapping: SysmonMapping) -> None:
        self._events = {event.event_id: event for event in mapping.events}
        self._version = mapping.ocsf_version

    @property
    def event_ids(self) -> tuple[int, ...]:
        """The Sysmon Event IDs the mapping covers, in ascending order."""
        return tuple(sorted(self._events))

    def map(self, raw: Mapping[str, Any]) -> dict[str, Any] | None:
        """Return ``raw`` as an OCSF event, or ``None`` when the mapping does not cover it."""
        event_id = sysmon_event_id(raw)
        event = None if event_id is None else self._events.get(event_id)
        if event is None:
            return None

        ocsf: dict[str, Any] = {
            "class_uid": event.class_uid,
            "activity_id": event.activity_id,
            # An extension class's uid starts with the extension's (201002 is Windows, System
            # Activity, class 2); the category is the two digits before the class's own three.
            "category_uid": event.class_uid // 1000 % 100,
            "type_uid": event.class_uid * 100 + event.activity_id,
            # Sysmon logs every event at level 4, Information.
            "severity_id": 1,
            "metadata": {
                "version": self._version,
                "product": {"name": "System Monitor (Sysmon)", "vendor_name": "Microsoft"},
                "event_code": str(event.event_id),
                "log_name": SYSMON_CHANNEL,
            },
        }
        for path, value in event.implies:
            _put(ocsf, path, value)

        unmapped: dict[str, Any] = {}
        used = set(_ENVELOPE)
        for row in event.fields:
            name, value = _lookup(raw, row.sysmon)
            used.add(name)
            if value is None:
                continue
            if not row.ocsf or not _fill(ocsf, row.ocsf, value):
                unmapped[row.sysmon] = value

        for name, value in raw.items():
            if name not in used and _present(value) is not None:
                unmapped[name] = value
        if unmapped:
            ocsf["unmapped"] = unmapped
        return ocsf


def _lookup(raw: Mapping[str, Any], name: str) -> tuple[str, Any]:
    """Return the name a field has in ``raw`` and its value, ``None`` when absent."""
    for candidate in _EXPORT_NAMES.get(name, (name,)):
        if candidate in raw:
            return candidate, _present(raw[candidate])
    return name, None


def _present(value: Any) -> Any:
    if value is None or (isinstance(value, str) and value.strip() in _ABSENT):
        return None
    return value


def _fill(ocsf: dict[str, Any], path: str, value: Any) -> bool:
    """Set the OCSF attribute at ``path``; return ``False`` when ``value`` does not fit it."""
    parent, _, leaf = path.rpartition(".")
    sibling = f"{parent}." if parent else ""

    if path == "time" or leaf.endswith("_time"):
        converted: Any = _epoch_millis(value)
    elif leaf in {"pid", "ptid"} or path == "actual_permissions":
        converted = _integer(value)
    elif leaf == "hashes":
        converted = _fingerprints(value)
    else:
        converted = value
    if converted is None:
        return False

    if leaf == "name" and parent.endswith("user") and isinstance(value, str) and "\\" in value:
        domain, _, converted = value.partition("\\")
        _put(ocsf, f"{sibling}domain", domain)
    elif leaf == "path" and parent.endswith("reg_value") and "\\" in str(value):
        # Sysmon's TargetObject is the key's path and the value's name in one; OCSF keeps the
        # key in reg_value.path and the name apart. A value name holding a backslash, which
        # Windows allows but programs seldom use, is split at its last backslash.
        converted, _, name = str(value).rpartition("\\")
        _put(ocsf, f"{sibling}name", name)
    elif leaf == "path" and parent.endswith("file") and isinstance(value, str):
        # OCSF requires a file's name; it is the last part of the path Sysmon gives.
        _put(ocsf, f"{sibling}name", re.split(r"[\\/]", value)[-1])
    elif leaf == "integrity" and isinstance(value, str):
        _put(ocsf, f"{sibling}integrity_id", _INTEGRITY_IDS.get(value.lower(), 99))
    _put(ocsf, path, converted)
    return True


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    target[leaf] = value


def _epoch_millis(value: Any) -> int | None:
    """Return Sysmon's UtcTime, ``2020-07-22 04:01:03.866``, as OCSF's milliseconds since 1970."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def _integer(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _INTEGER.fullmatch(text):
            return int(text)
        if _HEX.fullmatch(text):
            return int(text, 16)
    return None


def _fingerprints(value: Any) -> list[dict[str, Any]] | None:
    """Return ``SHA1=ab12,MD5=cd34`` as OCSF fingerprint objects, one per pair."""
    if not isinstance(value, str):
        return None
    prints = []
    for pair in value.split(","):
        algorithm, _, digest = pair.strip().partition("=")
        if not digest:
            return None
        name = algorithm.strip().upper()
        algorithm_id, caption = _HASH_ALGORITHMS.get(name, (99, name))
        prints.append({"algorithm_id": algorithm_id, "algorithm": caption, "value": digest.strip()})
    return prints
