"""Where the located D3FEND and OCSF data lives, and the versions readable without hashing it."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

__all__ = ["DATA_DIR_ENV", "DataPaths", "Origin", "read_d3fend_version", "read_ocsf_version"]

logger = logging.getLogger(__name__)

#: Names a data folder when ``--data-dir`` is not given.
DATA_DIR_ENV: Final = "D3FGRAPH_DATA_DIR"

# Released D3FEND builds put the ontology header, with its version, at the top of the file.
_HEADER_LINES: Final = 200

_VERSION_INFO = re.compile(
    r'(?:owl:versionInfo|<http://www\.w3\.org/2002/07/owl#versionInfo>)\s+"(?P<version>[^"]+)"'
)


class Origin(StrEnum):
    """How the data was found, in the order ``locate_data`` tries the places."""

    DATA_DIR = "data-dir"
    ENV = "env"
    CACHE = "cache"
    DOWNLOAD = "download"


@dataclass(frozen=True, slots=True)
class DataPaths:
    """The D3FEND ontology file and OCSF schema source tree to load, and how they were found.

    Attributes:
        d3fend_ttl: The D3FEND ontology in Turtle, either the released build
            (``d3fend.ttl``) or the repository source (``d3fend-protege.ttl``).
        ocsf_root: Root of the OCSF schema source tree, holding ``dictionary.json``,
            ``events/`` and ``objects/``.
        origin: One of the ``Origin`` values; a plain string compares equal.
        d3fend_version: The version when known without hashing the file: from the
            ``owl:versionInfo`` header of a released build, or the pinned version for files
            verified on download. ``None`` for the source file, whose version
            ``data_info`` works out from its checksum.
        ocsf_version: The ``version`` in ``version.json``, or ``None`` when unreadable.
    """

    d3fend_ttl: Path
    ocsf_root: Path
    origin: Origin
    d3fend_version: str | None
    ocsf_version: str | None

    def __post_init__(self) -> None:
        try:
            origin = Origin(self.origin)
        except ValueError as exc:
            allowed = ", ".join(member.value for member in Origin)
            msg = f"Unknown data origin {self.origin!r}; use one of: {allowed}"
            raise ValueError(msg) from exc

        # Plain strings such as "cache" are accepted; the field always holds an Origin.
        object.__setattr__(self, "origin", origin)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataPaths:
        """Build from the mapping ``to_dict`` returns."""
        return cls(
            d3fend_ttl=Path(data["d3fend_ttl"]),
            ocsf_root=Path(data["ocsf_root"]),
            origin=Origin(data["origin"]),
            d3fend_version=data.get("d3fend_version"),
            ocsf_version=data.get("ocsf_version"),
        )

    def to_dict(self) -> dict[str, str | None]:
        """Return a JSON-ready mapping with paths as strings."""
        return {
            "d3fend_ttl": str(self.d3fend_ttl),
            "ocsf_root": str(self.ocsf_root),
            "origin": self.origin.value,
            "d3fend_version": self.d3fend_version,
            "ocsf_version": self.ocsf_version,
        }


def read_d3fend_version(ttl: Path) -> str | None:
    """Read ``owl:versionInfo`` from the header of a D3FEND Turtle file.

    Only the first 200 lines are read, so this is cheap enough to run on every command; the
    repository source file has no such header and gives ``None``.

    Args:
        ttl: The D3FEND ontology file.

    Returns:
        The version string, or ``None`` when the header has none or the file is unreadable.
    """
    try:
        with ttl.open(encoding="utf-8", errors="replace") as handle:
            for _, line in zip(range(_HEADER_LINES), handle, strict=False):
                match = _VERSION_INFO.search(line)
                if match is not None:
                    return match["version"]
    except OSError as exc:
        logger.debug("Cannot read the header of %s: %s", ttl, exc)

    return None


def read_ocsf_version(ocsf_root: Path) -> str | None:
    """Read the schema version from ``version.json`` at the root of an OCSF source tree.

    Args:
        ocsf_root: Root of the OCSF schema source tree.

    Returns:
        The version string, or ``None`` when the file is missing, unreadable or has none.
    """
    version_file = ocsf_root / "version.json"
    try:
        document = json.loads(version_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("Cannot read the OCSF version from %s: %s", version_file, exc)
        return None

    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str):
        logger.warning("%s has no string 'version' field", version_file)
        return None

    return version
