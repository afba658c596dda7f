"""Reports which D3FEND and OCSF data d3fgraph uses and whether it matches the pinned releases."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TypedDict

from d3fgraph.sources.cache import data_cache_dir
from d3fgraph.sources.fetch import file_sha256
from d3fgraph.sources.paths import DataPaths, Origin
from d3fgraph.sources.releases import D3FEND_SOURCE_FILE, PINNED, ReleaseSet, load_registry

__all__ = ["D3fendInfo", "DataInfo", "OcsfInfo", "data_info"]

logger = logging.getLogger(__name__)

_UNKNOWN_SOURCE_VERSION = "unknown (source file)"


class D3fendInfo(TypedDict):
    """What ``data_info`` reports about the D3FEND ontology file."""

    path: str
    kind: str
    version: str
    version_from: str
    bytes: int
    sha256: str
    pinned_version: str
    matches_pin: bool | None
    licence: str
    homepage: str
    upstream_url: str


class OcsfInfo(TypedDict):
    """What ``data_info`` reports about the OCSF schema source tree."""

    path: str
    version: str
    version_from: str
    files: int
    bytes: int
    pinned_version: str
    matches_pin: bool
    differing_files: int
    missing_files: int
    licence: str
    homepage: str
    upstream_url: str


class DataInfo(TypedDict):
    """What ``data_info`` reports; every leaf is a string, number, boolean or null."""

    origin: str
    cache_dir: str
    d3fend: D3fendInfo
    ocsf: OcsfInfo


def _d3fend_info(paths: DataPaths, releases: ReleaseSet) -> D3fendInfo:
    release = releases.d3fend
    ttl = paths.d3fend_ttl
    digest = file_sha256(ttl)
    is_source = ttl.name == D3FEND_SOURCE_FILE

    # Only the source file is pinned; a released build has its own hash, unknown to us.
    pinned_digest = load_registry(release).get(D3FEND_SOURCE_FILE)
    matches_pin = (digest == pinned_digest) if is_source else None

    if paths.origin in {Origin.CACHE, Origin.DOWNLOAD} and paths.d3fend_version is not None:
        version, version_from = paths.d3fend_version, "pinned release in the cache"
    elif paths.d3fend_version is not None:
        version, version_from = paths.d3fend_version, "owl:versionInfo"
    elif matches_pin:
        version, version_from = release.version, "sha256 of the pinned source file"
    else:
        version = _UNKNOWN_SOURCE_VERSION if is_source else "unknown"
        version_from = "none"

    return {
        "path": str(ttl),
        "kind": "source" if is_source else "release build",
        "version": version,
        "version_from": version_from,
        "bytes": ttl.stat().st_size,
        "sha256": digest,
        "pinned_version": release.version,
        "matches_pin": matches_pin,
        "licence": release.licence,
        "homepage": release.homepage,
        "upstream_url": release.url_for(D3FEND_SOURCE_FILE),
    }


def _tree_files(root: Path) -> list[Path]:
    # Hidden folders such as .git in a checkout are not part of the schema.
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    ]


def _ocsf_info(paths: DataPaths, releases: ReleaseSet) -> OcsfInfo:
    release = releases.ocsf
    root = paths.ocsf_root
    tree = _tree_files(root)

    missing: list[str] = []
    differing: list[str] = []
    for name, digest in load_registry(release).items():
        path = root / name
        if not path.is_file():
            missing.append(name)
        elif file_sha256(path) != digest:
            differing.append(name)

    for name in missing:
        logger.debug("%s lacks %s of %s", root, name, release.label)
    for name in differing:
        logger.debug("%s in %s differs from %s", name, root, release.label)

    return {
        "path": str(root),
        "version": paths.ocsf_version or "unknown",
        "version_from": "version.json" if paths.ocsf_version else "none",
        "files": len(tree),
        "bytes": sum(path.stat().st_size for path in tree),
        "pinned_version": release.version,
        "matches_pin": not missing and not differing,
        "differing_files": len(differing),
        "missing_files": len(missing),
        "licence": release.licence,
        "homepage": release.homepage,
        "upstream_url": release.base_url,
    }


def data_info(
    paths: DataPaths, *, cache_dir: Path | None = None, releases: ReleaseSet = PINNED
) -> DataInfo:
    """Describe the located data: versions, sizes, origin, and how it compares to the pins.

    This hashes every file (about 3.5 MB), which is why ``locate_data`` does not. The D3FEND
    source file has no version header, so its version is ``1.2.0`` only when its SHA-256
    equals the pinned one, and ``unknown (source file)`` otherwise.

    Args:
        paths: What ``locate_data`` or ``fetch_data`` returned.
        cache_dir: Cache root override, reported as where downloads go.
        releases: The releases to compare against.

    Returns:
        A mapping with fixed keys, ready for JSON or for a two-column table per source.
    """
    info: DataInfo = {
        "origin": paths.origin.value,
        "cache_dir": str(data_cache_dir(cache_dir)),
        "d3fend": _d3fend_info(paths, releases),
        "ocsf": _ocsf_info(paths, releases),
    }

    from_cache = paths.origin in {Origin.CACHE, Origin.DOWNLOAD}
    altered = info["d3fend"]["matches_pin"] is False or not info["ocsf"]["matches_pin"]
    if from_cache and altered:
        logger.warning(
            "Cached data in %s differs from the pinned releases; run 'd3fgraph data fetch' to "
            "repair it, or 'd3fgraph data clear-cache' to start over",
            info["cache_dir"],
        )

    return info
