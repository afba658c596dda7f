"""A cache of the merged graph on disk, so that a warm command opens it in milliseconds.

A cache entry is a folder named by a digest of every input (the D3FEND file, the OCSF tree,
the shipped ontology, models and queries) and the package version. It is built beside its
final place and renamed into it, so a reader sees a complete entry or none; a lock keeps two
processes from building the same entry twice. An entry that fails to open is reported with a
warning, removed and built again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pyoxigraph import Store

from d3fgraph.errors import CacheError, D3fgraphWarning

__all__ = ["DIGEST_MEMO", "CachedGraph", "GraphCache", "digest_inputs", "remembered_digest"]

logger = logging.getLogger(__name__)

_META: Final = "meta.json"
#: The file under the cache root where ``remembered_digest`` keeps its last answer.
DIGEST_MEMO: Final = "inputs.json"
_STORE: Final = "store"
_FORMAT: Final = 3


@dataclass(frozen=True, slots=True)
class CachedGraph:
    """An opened cache entry: the read-only store and the files written beside it."""

    store: Store
    meta: dict[str, object]
    path: Path

    def read(self, name: str) -> str:
        """Return the text of a file the entry was built with, such as ``ocsf.json``.

        Raises:
            CacheError: The entry holds no such file, or it cannot be read.
        """
        try:
            return (self.path / name).read_text(encoding="utf-8")
        except OSError as exc:
            msg = (
                f"cannot read {name} from the graph cache {self.path}: {exc.strerror or exc}; "
                "run 'd3fgraph data clear-cache' and try again"
            )
            raise CacheError(msg) from exc


#: What a cache builder returns: the files to write beside the store, by name, and facts to
#: record in the entry's metadata.
Filled = tuple[dict[str, str], dict[str, object]]


def digest_inputs(files: Iterable[tuple[str, bytes | Path]], version: str) -> str:
    """Return a SHA-256 digest of named inputs (bytes, or files read whole) and ``version``."""
    digest = hashlib.sha256(f"d3fgraph-cache/{_FORMAT}/{version}\n".encode())
    for name, content in sorted(files, key=lambda item: item[0]):
        data = content.read_bytes() if isinstance(content, Path) else content
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def remembered_digest(
    memo_file: Path, files: Iterable[tuple[str, bytes | Path]], version: str
) -> str:
    """Return ``digest_inputs`` of ``files``, reusing the digest of unchanged files.

    Hashing the OCSF tree and D3FEND costs more than the rest of a warm start, so the digest
    is remembered under a fingerprint of each file's size and modification time; any edit
    changes the fingerprint and the files are hashed again.
    """
    items = list(files)
    fingerprint = hashlib.sha256(f"{_FORMAT}/{version}".encode())
    for name, content in sorted(items, key=lambda item: item[0]):
        if isinstance(content, Path):
            stat = content.stat()
            fingerprint.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        else:
            fingerprint.update(f"{name}\0".encode() + hashlib.sha256(content).digest())
    token = fingerprint.hexdigest()

    try:
        memo = json.loads(memo_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    if isinstance(memo, dict) and isinstance(memo.get(token), str):
        return str(memo[token])

    digest = digest_inputs(items, version)
    try:
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        staging = memo_file.with_name(f".{memo_file.name}.{os.getpid()}")
        staging.write_text(json.dumps({token: digest}), encoding="utf-8")
        staging.replace(memo_file)
    except OSError as exc:
        logger.debug("Could not remember the input digest in %s: %s", memo_file, exc)
    return digest


class GraphCache:
    """Cache entries under one folder, keyed by input digests."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def entry(self, key: str) -> Path:
        return self.root / f"graph-{key[:32]}"

    def open(self, key: str) -> CachedGraph | None:
        """Return the entry for ``key``, or ``None`` when there is none or it was damaged."""
        path = self.entry(key)
        if not path.exists():
            return None
        try:
            meta = json.loads((path / _META).read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                msg = "its record is not a JSON object"
                raise ValueError(msg)
            if meta.get("key") != key or meta.get("format") != _FORMAT:
                msg = "its key or format does not match"
                raise ValueError(msg)
            for name, digest in _files(meta.get("files")).items():
                if not (path / name).is_file():
                    msg = f"it lacks {name}"
                    raise ValueError(msg)
                if hashlib.sha256((path / name).read_bytes()).hexdigest() != digest:
                    msg = f"{name} differs from what was written"
                    raise ValueError(msg)
            store = Store.read_only(str(path / _STORE))
            # Counting every triple costs tens of milliseconds; one lookup proves the store
            # opens and holds data, and the record was written after the store was complete.
            if not store.query("ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"):
                msg = f"its store is empty, its record says {meta.get('triples')} triples"
                raise ValueError(msg)
        # pyoxigraph reports a store whose files RocksDB finds damaged as a RuntimeError.
        except (OSError, ValueError, RuntimeError) as exc:
            warnings.warn(
                f"The graph cache at {path} is damaged ({exc}); rebuilding it.",
                D3fgraphWarning,
                stacklevel=2,
            )
            self._remove(path)
            return None
        logger.info("Opened the cached graph %s", path)
        return CachedGraph(store=store, meta=meta, path=path)

    def build(self, key: str, fill: Callable[[Store], Filled]) -> CachedGraph:
        """Build the entry for ``key`` with ``fill`` unless another process just did.

        ``fill`` loads everything into the empty on-disk store it is given and returns the
        files to write beside it (the compiled OCSF schema, the checked models) and facts to
        record.

        Raises:
            CacheError: The cache folder cannot be written, or the lock is held too long.
        """
        from filelock import FileLock, Timeout

        try:
            self.root.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.root / f"graph-{key[:32]}.lock"), timeout=300)
            with lock:
                existing = self.open(key)
                if existing is not None:
                    return existing
                self._write(key, fill)
        except Timeout as exc:
            msg = f"waited 300 s for another d3fgraph process to build the cache in {self.root}"
            raise CacheError(msg) from exc
        except OSError as exc:
            msg = (
                f"cannot write the graph cache in {self.root}: {exc.strerror or exc}; "
                "set D3FGRAPH_CACHE_DIR to a writable folder or pass --no-cache"
            )
            raise CacheError(msg) from exc

        opened = self.open(key)
        if opened is None:
            msg = f"the graph cache entry {self.entry(key)} could not be read back after writing"
            raise CacheError(msg)
        return opened

    def _write(self, key: str, fill: Callable[[Store], Filled]) -> None:
        staging = Path(tempfile.mkdtemp(prefix=".graph-building-", dir=self.root))
        started = time.perf_counter()
        try:
            store = Store(str(staging / _STORE))
            files, facts = fill(store)
            store.flush()
            store.optimize()
            triples = len(store)
            del store
            digests = {}
            for name, text in files.items():
                data = text.encode("utf-8")
                (staging / name).write_bytes(data)
                digests[name] = hashlib.sha256(data).hexdigest()
            meta = {"key": key, "format": _FORMAT, "triples": triples, "files": digests}
            meta.update(facts)
            meta["write_seconds"] = round(time.perf_counter() - started, 3)
            (staging / _META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
            staging.replace(self.entry(key))
        except BaseException:
            self._remove(staging)
            raise
        logger.info("Wrote the graph cache %s (%d triples)", self.entry(key), triples)

    def clear(self) -> list[Path]:
        """Remove every entry, every half-built one and the remembered digest.

        Lock files stay, since another process may hold one; they are empty.

        Returns:
            The paths removed, sorted.

        Raises:
            CacheError: A path cannot be removed; the message names it.
        """
        if not self.root.is_dir():
            return []
        removed = []
        for path in sorted(self.root.iterdir()):
            ours = path.name.startswith(("graph-", ".graph-building-")) and path.is_dir()
            if ours or path.name == DIGEST_MEMO:
                try:
                    if path.is_dir():
                        shutil.rmtree(path)
                    else:
                        path.unlink()
                except OSError as exc:
                    msg = (
                        f"cannot remove {path} from the graph cache: {exc.strerror or exc}; "
                        "delete it by hand"
                    )
                    raise CacheError(msg) from exc
                removed.append(path)
        return removed

    @staticmethod
    def _remove(path: Path) -> None:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _files(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        msg = "its record does not list its files and their digests"
        raise ValueError(msg)
    return value
