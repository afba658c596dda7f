"""The d3fgraph download cache: where it lives, when a release in it is whole, and clearing it."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from d3fgraph.errors import CacheError
from d3fgraph.sources.paths import DataPaths, Origin
from d3fgraph.sources.releases import D3FEND_SOURCE_FILE, Release, ReleaseSet, load_registry

__all__ = [
    "CACHE_DIR_ENV",
    "cache_root",
    "clear_cache",
    "data_cache_dir",
    "locked_cache",
    "missing_files",
    "paths_from_cache",
    "release_dir",
]

logger = logging.getLogger(__name__)

CACHE_DIR_ENV: Final = "D3FGRAPH_CACHE_DIR"

# Held while downloading or clearing, so two processes never write the same release at once.
# It sits beside data/ rather than in it, so clearing data/ never deletes a held lock.
_LOCK_FILE: Final = "data.lock"

# Downloading both releases file by file takes about a minute; ten means the holder is stuck.
_DOWNLOAD_LOCK_TIMEOUT: Final = 600.0
_CLEAR_LOCK_TIMEOUT: Final = 10.0


def cache_root(cache_dir: Path | None = None) -> Path:
    """Return the d3fgraph cache folder.

    Args:
        cache_dir: Explicit folder; wins over the ``D3FGRAPH_CACHE_DIR`` environment variable,
            which wins over the platform's user cache folder for ``d3fgraph``.

    Returns:
        The folder, which may not exist yet.
    """
    if cache_dir is not None:
        return Path(cache_dir).expanduser()

    from_env = os.environ.get(CACHE_DIR_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()

    import platformdirs

    return Path(platformdirs.user_cache_dir("d3fgraph", appauthor=False))


def data_cache_dir(cache_dir: Path | None = None) -> Path:
    """Return the folder under the cache root that holds one sub-folder per release."""
    return cache_root(cache_dir) / "data"


def release_dir(release: Release, cache_dir: Path | None = None) -> Path:
    """Return the cache folder of one release, e.g. ``<cache>/data/ocsf-1.8.0``."""
    return data_cache_dir(cache_dir) / release.folder_name


def missing_files(release: Release, folder: Path) -> list[str]:
    """List the registry paths of a release that are not files under ``folder``.

    Only presence is checked, not content, because this runs on every command; pooch
    verified each file's SHA-256 when it was downloaded, and ``data_info`` re-checks them.
    """
    return [name for name in load_registry(release) if not (folder / name).is_file()]


def paths_from_cache(
    releases: ReleaseSet, cache_dir: Path | None = None, *, origin: Origin = Origin.CACHE
) -> DataPaths | None:
    """Return the cached data when every registry file of both releases is present.

    Args:
        releases: The releases to look for.
        cache_dir: Cache root override, as for ``cache_root``.
        origin: Origin to record; ``Origin.DOWNLOAD`` right after a download.

    Returns:
        The paths, with the pinned versions, or ``None`` when any file is missing.
    """
    for release in releases:
        folder = release_dir(release, cache_dir)
        missing = missing_files(release, folder)
        if missing:
            logger.debug(
                "Cache of %s in %s lacks %d files, first %s",
                release.label,
                folder,
                len(missing),
                missing[0],
            )
            return None

    d3fend_ttl = release_dir(releases.d3fend, cache_dir) / D3FEND_SOURCE_FILE
    if not d3fend_ttl.is_file():
        logger.debug("The registry of %s does not list %s", releases.d3fend.label, d3fend_ttl.name)
        return None

    return DataPaths(
        d3fend_ttl=d3fend_ttl,
        ocsf_root=release_dir(releases.ocsf, cache_dir),
        origin=origin,
        d3fend_version=releases.d3fend.version,
        ocsf_version=releases.ocsf.version,
    )


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = (
            f"Cannot create the cache folder {folder}: {exc}; set {CACHE_DIR_ENV} to a "
            "writable folder, or pass --data-dir to use data you already have"
        )
        raise CacheError(msg) from exc


@contextmanager
def locked_cache(
    cache_dir: Path | None = None, *, timeout: float = _DOWNLOAD_LOCK_TIMEOUT
) -> Iterator[Path]:
    """Hold the cache lock, creating the cache folders first.

    Args:
        cache_dir: Cache root override, as for ``cache_root``.
        timeout: Seconds to wait for another d3fgraph process to release the lock.

    Yields:
        The ``data`` folder under the cache root.

    Raises:
        CacheError: The folders cannot be created or the lock was not released in time.
    """
    # Imported here, not at the top, because locating data runs on every command and needs
    # no lock.
    from filelock import FileLock, Timeout

    root = cache_root(cache_dir)
    data = root / "data"
    _make_folder(data)

    lock = FileLock(root / _LOCK_FILE, timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        msg = (
            f"Another d3fgraph process has held the lock {lock.lock_file} for over "
            f"{timeout:.0f} s; wait for it to finish, or end it and delete the lock file"
        )
        raise CacheError(msg) from exc
    except OSError as exc:
        msg = (
            f"Cannot lock the cache folder {root}: {exc}; set {CACHE_DIR_ENV} to a writable folder"
        )
        raise CacheError(msg) from exc

    try:
        yield data
    finally:
        lock.release()


def clear_cache(cache_dir: Path | None = None) -> list[Path]:
    """Delete everything d3fgraph downloaded into its cache.

    Only the ``data`` folder under the cache root is emptied, because ``D3FGRAPH_CACHE_DIR``
    may name a folder that also holds files d3fgraph did not put there.

    Args:
        cache_dir: Cache root override, as for ``cache_root``.

    Returns:
        The removed entries of the ``data`` folder (release folders and stray files), sorted;
        empty when there was nothing to remove.

    Raises:
        CacheError: An entry cannot be removed, or a download holds the cache lock.
    """
    if not data_cache_dir(cache_dir).is_dir():
        return []

    removed: list[Path] = []
    with locked_cache(cache_dir, timeout=_CLEAR_LOCK_TIMEOUT) as data:
        for entry in sorted(data.iterdir()):
            try:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except OSError as exc:
                msg = f"Cannot remove {entry} from the cache: {exc}; delete it by hand"
                raise CacheError(msg) from exc

            removed.append(entry)

    logger.info("Removed %d entries from %s", len(removed), data_cache_dir(cache_dir))
    return removed
