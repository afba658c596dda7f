"""Writing results to files so that an error or an interrupt never leaves half a file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from d3fgraph.errors import D3fgraphError

__all__ = ["write_text_atomically"]


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place.

    A reader, or a crash, sees either the old file or the whole new one.

    Raises:
        D3fgraphError: The folder does not exist or cannot be written.
    """
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        msg = f"cannot write {path}: the folder {folder} does not exist; create it first"
        raise D3fgraphError(msg)
    try:
        fd, staging = _create_staging(folder, path.name)
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise D3fgraphError(msg) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(staging).replace(path)
    except OSError as exc:
        Path(staging).unlink(missing_ok=True)
        reason = "it is a folder; name a file" if path.is_dir() else exc.strerror or str(exc)
        msg = f"cannot write {path}: {reason}"
        raise D3fgraphError(msg) from exc
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def _create_staging(folder: Path, name: str) -> tuple[int, Path]:
    """Create a new, empty file beside ``name`` with the mode a plain ``open()`` gives.

    The kernel applies the process's umask to the 0o666 asked for here. Reading the umask
    to apply it by hand would mean setting it for a moment, which races with other threads
    creating files (render-all writes on several).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        staging = folder / f".{name}.{secrets.token_hex(8)}.partial"
        try:
            return os.open(staging, flags, 0o666), staging
        except FileExistsError:
            continue
