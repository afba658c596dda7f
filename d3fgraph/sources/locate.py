"""Finds the D3FEND and OCSF data every command needs: a named folder, the cache, a download."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Final

from d3fgraph.errors import DataNotFoundError
from d3fgraph.sources.cache import data_cache_dir, paths_from_cache
from d3fgraph.sources.fetch import fetch_data, missing_data_error
from d3fgraph.sources.paths import (
    DATA_DIR_ENV,
    DataPaths,
    Origin,
    read_d3fend_version,
    read_ocsf_version,
)
from d3fgraph.sources.releases import (
    D3FEND_RELEASE_FILE,
    D3FEND_SOURCE_FILE,
    PINNED,
    ReleaseSet,
)

__all__ = ["EXPECTED_LAYOUT", "locate_data"]

logger = logging.getLogger(__name__)

EXPECTED_LAYOUT: Final = (
    f"DIR/d3fend/{D3FEND_RELEASE_FILE} (the released build) or "
    f"DIR/d3fend/{D3FEND_SOURCE_FILE} (the repository source), and DIR/ocsf-schema/ "
    "(the OCSF schema source tree, holding dictionary.json, events/ and objects/)"
)


def _named_folder(data_dir: Path | None) -> tuple[Path, Origin, str] | None:
    if data_dir is not None:
        return Path(data_dir).expanduser(), Origin.DATA_DIR, "--data-dir"

    from_env = os.environ.get(DATA_DIR_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser(), Origin.ENV, DATA_DIR_ENV

    return None


def _paths_from_folder(folder: Path, origin: Origin, named_by: str) -> DataPaths:
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        msg = f"Data folder {folder} (from {named_by}) {what}; expected layout: {EXPECTED_LAYOUT}"
        raise DataNotFoundError(msg)

    d3fend_folder = folder / "d3fend"
    candidates = [d3fend_folder / D3FEND_RELEASE_FILE, d3fend_folder / D3FEND_SOURCE_FILE]
    ttl = next((candidate for candidate in candidates if candidate.is_file()), None)
    ocsf_root = folder / "ocsf-schema"

    missing: list[str] = []
    if ttl is None:
        missing.append(f"neither {candidates[0]} nor {candidates[1]} exists")
    if not ocsf_root.is_dir():
        missing.append(f"{ocsf_root} is not a folder")
    if ttl is None or missing:
        msg = (
            f"Data folder {folder} (from {named_by}) is incomplete: {'; '.join(missing)}. "
            f"Expected layout: {EXPECTED_LAYOUT}"
        )
        raise DataNotFoundError(msg)

    logger.info("Using data from %s (named by %s)", folder, named_by)
    return DataPaths(
        d3fend_ttl=ttl,
        ocsf_root=ocsf_root,
        origin=origin,
        d3fend_version=read_d3fend_version(ttl),
        ocsf_version=read_ocsf_version(ocsf_root),
    )


def locate_data(
    data_dir: Path | None = None,
    *,
    download: bool = True,
    cache_dir: Path | None = None,
    progress: bool = True,
    releases: ReleaseSet = PINNED,
) -> DataPaths:
    """Find the D3FEND ontology and OCSF schema, downloading them only as a last resort.

    The places are tried in order: ``data_dir`` (the ``--data-dir`` option), the
    ``D3FGRAPH_DATA_DIR`` environment variable, the cache, then a download into the cache. A
    named folder is used or rejected, never silently replaced by the cache. Nothing is hashed
    here, as this runs on every command; ``data_info`` does the checking.

    Args:
        data_dir: A folder laid out as ``DIR/d3fend/`` and ``DIR/ocsf-schema/``; inside
            ``d3fend/``, ``d3fend.ttl`` is preferred over ``d3fend-protege.ttl``.
        download: Whether to download the pinned releases when the cache is incomplete.
        cache_dir: Cache root; defaults to ``D3FGRAPH_CACHE_DIR``, then the user cache folder.
        progress: Show a progress bar while downloading when tqdm is installed.
        releases: The releases the cache holds and downloads fetch.

    Returns:
        The paths to load and how they were found.

    Raises:
        DataNotFoundError: A named folder is missing or incomplete (the message names the
            missing path), or nothing was found and downloading was off or failed (the
            message names ``--data-dir``, ``D3FGRAPH_DATA_DIR`` and ``d3fgraph data fetch``).
        ChecksumMismatchError: A downloaded file does not have the pinned SHA-256.
        CacheError: The cache folder cannot be written or is locked by another process.
    """
    named = _named_folder(data_dir)
    if named is not None:
        return _paths_from_folder(*named)

    cached = paths_from_cache(releases, cache_dir)
    if cached is not None:
        logger.info("Using cached data in %s", data_cache_dir(cache_dir))
        return cached

    if not download:
        reason = (
            f"no data folder was named and the cache in {data_cache_dir(cache_dir)} is "
            "incomplete, and downloading is turned off"
        )
        raise missing_data_error(data_cache_dir(cache_dir), reason)

    logger.info("The cache in %s is incomplete; downloading", data_cache_dir(cache_dir))
    return fetch_data(cache_dir, progress=progress, releases=releases)
