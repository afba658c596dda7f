"""Downloads the pinned releases into the cache with pooch, checking every file's SHA-256."""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from d3fgraph.errors import CacheError, ChecksumMismatchError, DataNotFoundError
from d3fgraph.sources.cache import CACHE_DIR_ENV, locked_cache, paths_from_cache
from d3fgraph.sources.paths import DATA_DIR_ENV, DataPaths, Origin
from d3fgraph.sources.releases import PINNED, Release, ReleaseSet, load_registry

__all__ = ["fetch_data", "file_sha256", "missing_data_error"]

logger = logging.getLogger(__name__)

# Extra attempts per file; pooch waits one, then two seconds between them.
_RETRIES: Final = 2


def file_sha256(path: Path) -> str:
    """Return the lower-case hexadecimal SHA-256 of a file, read in chunks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def missing_data_error(data_folder: Path, reason: str) -> DataNotFoundError:
    """Build the one error that tells a user every way to provide the data.

    Args:
        data_folder: Where ``d3fgraph data fetch`` stores the releases on this machine.
        reason: What was tried and why it failed, without a final full stop.

    Returns:
        The error, for the caller to raise ``from`` the underlying exception.
    """
    msg = (
        f"No D3FEND and OCSF data available: {reason}. Provide it one of three ways: "
        f"pass --data-dir DIR; or set {DATA_DIR_ENV}=DIR (DIR holding d3fend/d3fend.ttl or "
        "d3fend/d3fend-protege.ttl, and ocsf-schema/); or run 'd3fgraph data fetch' on a "
        f"machine with internet access, which stores the pinned releases in {data_folder} "
        "(copy them into that folder here)"
    )
    return DataNotFoundError(msg)


class _HashMismatchError(ValueError):
    """A downloaded file with the wrong SHA-256.

    It is a ``ValueError`` because pooch retries a download on ``ValueError``, as it does
    after its own hash check, so a corrupted transfer gets another chance.
    """

    def __init__(self, url: str, expected: str, actual: str) -> None:
        self.url = url
        self.expected = expected
        self.actual = actual
        super().__init__(f"SHA-256 of {url} is {actual}, expected {expected}")


class _VerifyingDownloader:
    """A pooch downloader that checks each file itself, to report the actual hash."""

    def __init__(self, expected_by_url: Mapping[str, str]) -> None:
        import pooch

        self._expected_by_url = dict(expected_by_url)
        self._http = pooch.HTTPDownloader(progressbar=False)
        self.downloaded = 0

    def __call__(self, url: str, output_file: str, pup: object) -> None:
        self._http(url, output_file, pup)

        actual = file_sha256(Path(output_file))
        expected = self._expected_by_url[url]
        if actual != expected:
            raise _HashMismatchError(url, expected, actual)

        self.downloaded += 1
        logger.debug("Downloaded %s", url)


@contextmanager
def _quiet_pooch() -> Iterator[None]:
    # pooch's logger has its own stderr handler and logs every file at INFO, which would
    # print hundreds of lines; this module logs the downloads through logging instead.
    import pooch

    pooch_logger = pooch.get_logger()
    level = pooch_logger.level
    pooch_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        pooch_logger.setLevel(level)


def _progress_bar(release: Release, total: int) -> Any | None:
    try:
        tqdm_module = importlib.import_module("tqdm")
    except ImportError:
        logger.debug("tqdm is not installed; downloading without a progress bar")
        return None

    return tqdm_module.tqdm(total=total, desc=release.label, unit="file")


def _network_errors() -> tuple[type[Exception], ...]:
    # requests ships no type information, hence the indirect import; its errors derive from
    # OSError like a full disk does, so they must be told apart before catching OSError.
    requests_exceptions = importlib.import_module("requests.exceptions")
    request_exception: type[Exception] = requests_exceptions.RequestException
    return (request_exception, ConnectionError, TimeoutError)


def _checksum_error(
    release: Release, name: str, target: Path, exc: _HashMismatchError
) -> ChecksumMismatchError:
    msg = (
        f"Checksum mismatch for {release.label} file {name!r} from {exc.url}: expected "
        f"sha256 {exc.expected}, got {exc.actual}; the download was discarded. Delete "
        f"{target} if it exists (or run 'd3fgraph data clear-cache') and run 'd3fgraph data "
        "fetch' again; if the mismatch persists, the file changed upstream after d3fgraph "
        "pinned it, so pass --data-dir with files you trust"
    )
    return ChecksumMismatchError(msg)


def _download_release(release: Release, folder: Path, *, progress: bool) -> int:
    # pooch is imported only when downloading, because it slows every command's start-up.
    import pooch

    network_errors = _network_errors()
    registry = load_registry(release)
    pup = pooch.create(
        path=folder,
        base_url=release.base_url,
        registry={name: f"sha256:{digest}" for name, digest in registry.items()},
        urls=dict(release.file_urls),
        retry_if_failed=_RETRIES,
    )
    downloader = _VerifyingDownloader(
        {release.url_for(name): digest for name, digest in registry.items()}
    )
    bar = _progress_bar(release, len(registry)) if progress else None

    logger.info("Fetching %s (%d files) into %s", release.label, len(registry), folder)
    try:
        for name in registry:
            try:
                pup.fetch(name, downloader=downloader)
            except _HashMismatchError as exc:
                raise _checksum_error(release, name, folder / name, exc) from exc
            except network_errors as exc:
                url = release.url_for(name)
                reason = f"downloading {release.label} file {name!r} from {url} failed ({exc})"
                raise missing_data_error(folder.parent, reason) from exc
            except OSError as exc:
                msg = (
                    f"Cannot write {folder / name} while fetching {release.label}: {exc}; free "
                    f"some space or set {CACHE_DIR_ENV} to a writable folder"
                )
                raise CacheError(msg) from exc

            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()

    logger.info(
        "Downloaded %d of %d files of %s", downloader.downloaded, len(registry), release.label
    )
    return downloader.downloaded


def fetch_data(
    cache_dir: Path | None = None, *, progress: bool = True, releases: ReleaseSet = PINNED
) -> DataPaths:
    """Download the pinned releases into the cache ahead of time, or repair the cache.

    Files already in the cache are hashed, and only missing or altered ones are downloaded
    again, so running it twice is cheap and also fixes a corrupted cache.

    Args:
        cache_dir: Cache root; defaults to ``D3FGRAPH_CACHE_DIR``, then the user cache folder.
        progress: Show a progress bar per release on stderr when tqdm is installed.
        releases: What to download; other sets serve mirrors and tests.

    Returns:
        The cached data, with origin ``download`` when any file was downloaded and ``cache``
        when everything was already there.

    Raises:
        DataNotFoundError: A download failed, for instance without network access.
        ChecksumMismatchError: A downloaded file does not have the pinned SHA-256.
        CacheError: The cache folder cannot be written or is locked by another process.
    """
    with locked_cache(cache_dir) as data_folder, _quiet_pooch():
        downloaded = sum(
            _download_release(release, data_folder / release.folder_name, progress=progress)
            for release in releases
        )

    origin = Origin.DOWNLOAD if downloaded else Origin.CACHE
    paths = paths_from_cache(releases, cache_dir, origin=origin)
    if paths is None:
        msg = (
            f"Files vanished from the cache in {data_folder} right after they were fetched; "
            "another process may have cleared it, so run 'd3fgraph data fetch' again"
        )
        raise CacheError(msg)

    return paths
