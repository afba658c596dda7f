"""The one table of upstream releases d3fgraph is pinned to, so versions live in one place."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from d3fgraph.errors import D3fgraphError, SourceLocation

__all__ = [
    "D3FEND",
    "D3FEND_RELEASE_FILE",
    "D3FEND_SOURCE_FILE",
    "OCSF",
    "PINNED",
    "RELEASE_NAMES",
    "Release",
    "ReleaseSet",
    "load_registry",
]

RELEASE_NAMES: Final = frozenset({"d3fend", "ocsf"})

#: The ontology as kept in the D3FEND repository; it has no ``owl:versionInfo`` header.
D3FEND_SOURCE_FILE: Final = "d3fend-protege.ttl"

#: The ontology as built and published by MITRE; preferred when a data folder holds both.
D3FEND_RELEASE_FILE: Final = "d3fend.ttl"

_REGISTRY_LINE = re.compile(r"(?P<path>\S+)\s+sha256:(?P<hex>[0-9a-f]{64})")


@dataclass(frozen=True, slots=True)
class Release:
    """One pinned upstream release: where its files are downloaded from and how it is licensed.

    The file list and SHA-256 of each file live in a pooch registry file rather than here,
    because the OCSF source tree alone has over three hundred files.

    Attributes:
        name: Which upstream project, one of ``RELEASE_NAMES``.
        version: The git tag the files were taken from.
        base_url: URL prefix that a registry path is appended to; ends with ``/``.
        registry_file: File name of the registry, one ``relative/path sha256:HEX`` per line.
        licence: SPDX identifier of the upstream licence.
        homepage: Where a person reads about the project.
        file_urls: ``(registry path, URL)`` pairs for files that do not live under
            ``base_url``, such as a licence at the repository root.
        registry_dir: Folder holding ``registry_file``; ``None`` means the registry folder
            shipped inside d3fgraph. Mirrors and tests point it elsewhere.
    """

    name: str
    version: str
    base_url: str
    registry_file: str
    licence: str
    homepage: str
    file_urls: tuple[tuple[str, str], ...] = ()
    registry_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.name not in RELEASE_NAMES:
            allowed = ", ".join(sorted(RELEASE_NAMES))
            msg = f"Unknown release name {self.name!r}; use one of: {allowed}"
            raise ValueError(msg)

        if not self.version:
            msg = f"Release {self.name!r} needs a version"
            raise ValueError(msg)

        if not self.base_url.endswith("/"):
            msg = f"base_url of release {self.name!r} must end with '/', got {self.base_url!r}"
            raise ValueError(msg)

    @property
    def label(self) -> str:
        """Name and version as people write them, e.g. ``ocsf 1.8.0``."""
        return f"{self.name} {self.version}"

    @property
    def folder_name(self) -> str:
        """Name of this release's folder in the cache, e.g. ``ocsf-1.8.0``."""
        return f"{self.name}-{self.version}"

    def url_for(self, path: str) -> str:
        """Return the download URL of one registry path, honouring ``file_urls``."""
        return dict(self.file_urls).get(path, self.base_url + path)

    def to_dict(self) -> dict[str, str]:
        """Return the fields people need to trace the data back to upstream."""
        return {
            "name": self.name,
            "version": self.version,
            "base_url": self.base_url,
            "licence": self.licence,
            "homepage": self.homepage,
        }


@dataclass(frozen=True, slots=True)
class ReleaseSet:
    """The D3FEND and OCSF releases that are used together."""

    d3fend: Release
    ocsf: Release

    def __post_init__(self) -> None:
        if self.d3fend.name != "d3fend" or self.ocsf.name != "ocsf":
            msg = (
                "ReleaseSet takes a 'd3fend' release then an 'ocsf' release, got "
                f"{self.d3fend.name!r} and {self.ocsf.name!r}"
            )
            raise ValueError(msg)

    def __iter__(self) -> Iterator[Release]:
        return iter((self.d3fend, self.ocsf))


D3FEND: Final = Release(
    name="d3fend",
    version="1.2.0",
    base_url="https://raw.githubusercontent.com/d3fend/d3fend-ontology/1.2.0/src/ontology/",
    registry_file="d3fend-1.2.0.txt",
    licence="MIT",
    homepage="https://d3fend.mitre.org/",
    file_urls=(
        ("LICENSE.md", "https://raw.githubusercontent.com/d3fend/d3fend-ontology/1.2.0/LICENSE.md"),
    ),
)

OCSF: Final = Release(
    name="ocsf",
    version="1.8.0",
    base_url="https://raw.githubusercontent.com/ocsf/ocsf-schema/1.8.0/",
    registry_file="ocsf-1.8.0.txt",
    licence="Apache-2.0",
    homepage="https://schema.ocsf.io/",
)

#: The releases this version of d3fgraph is built and tested against.
PINNED: Final = ReleaseSet(d3fend=D3FEND, ocsf=OCSF)


def _registry_resource(release: Release) -> Traversable | Path:
    if release.registry_dir is not None:
        return release.registry_dir / release.registry_file
    return files("d3fgraph.sources").joinpath("registry", release.registry_file)


def _is_safe_relative(path: str) -> bool:
    # A registry path becomes a file path in the cache, so it must stay inside the release folder.
    parts = path.split("/")
    return not path.startswith("/") and ".." not in parts and "" not in parts and "\\" not in path


def load_registry(release: Release) -> dict[str, str]:
    """Read the registry of a release.

    Blank lines and ``#`` comments are skipped, as pooch skips them.

    Args:
        release: The release whose registry file to read.

    Returns:
        Each registry path (``/``-separated, relative to the release folder) mapped to its
        lower-case hexadecimal SHA-256, in file order.

    Raises:
        D3fgraphError: The registry file is missing or a line is malformed, which means the
            d3fgraph installation is broken.
    """
    resource = _registry_resource(release)
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"Cannot read the registry of {release.label} ({exc}); reinstall d3fgraph"
        raise D3fgraphError(msg) from exc

    registry: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue

        match = _REGISTRY_LINE.fullmatch(stripped)
        if match is None or not _is_safe_relative(match["path"]) or match["path"] in registry:
            msg = (
                f"Malformed or repeated registry line {stripped!r}; each line must be a unique "
                "'relative/path sha256:HEX' with a path inside the release folder and 64 "
                "lower-case hexadecimal digits"
            )
            raise D3fgraphError(
                msg, location=SourceLocation(f"registry/{release.registry_file}", number)
            )

        registry[match["path"]] = match["hex"]

    return registry
