"""What the HTML card needs besides the card: its stylesheet and the Mermaid script.

The Mermaid script is not shipped with d3fgraph. The page loads it from a pinned jsDelivr URL,
checked by Subresource Integrity, or inlines a local copy so that it works offline; the copy
that ``mermaid-check`` installs (the same release, 12.3.0) is found by ``find_mermaid_js``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Final

from d3fgraph.errors import D3fgraphError

__all__ = [
    "DEFAULT_MERMAID_INTEGRITY",
    "DEFAULT_MERMAID_URL",
    "MermaidScript",
    "MermaidScriptError",
    "card_stylesheet",
    "find_mermaid_js",
]

#: Mermaid 12.3.0, the release the shared ``mermaid-check`` parser pins.
DEFAULT_MERMAID_URL: Final = "https://cdn.jsdelivr.net/npm/mermaid@12.3.0/dist/mermaid.min.js"

#: SHA-384 of that file as npm publishes it, which jsDelivr serves unchanged.
DEFAULT_MERMAID_INTEGRITY: Final = (
    "sha384-HHW54r639fK42Ip0coGF3mz8oSiGn0eEoWNTLs75X7H63pLSDBa0Tqs0RwGmLlXE"
)

_DIST: Final = Path("node_modules", "mermaid", "dist", "mermaid.min.js")


class MermaidScriptError(D3fgraphError, FileNotFoundError):
    """No usable Mermaid script at the path given, or none found where mermaid-check puts it."""


@dataclass(frozen=True, slots=True)
class MermaidScript:
    """Where the HTML card gets Mermaid: a URL (``src``) or the script's text (``inline``)."""

    src: str | None = DEFAULT_MERMAID_URL
    inline: str | None = None
    integrity: str | None = DEFAULT_MERMAID_INTEGRITY

    def __post_init__(self) -> None:
        if (self.src is None) == (self.inline is None):
            msg = "a Mermaid script is either loaded from a URL or inlined, not both or neither"
            raise ValueError(msg)

    @classmethod
    def from_url(cls, url: str) -> MermaidScript:
        """Load Mermaid from ``url``; the pinned default keeps its integrity check."""
        return cls(
            src=url, integrity=DEFAULT_MERMAID_INTEGRITY if url == DEFAULT_MERMAID_URL else None
        )

    @classmethod
    def from_file(cls, path: Path) -> MermaidScript:
        """Inline the Mermaid bundle at ``path`` (``mermaid.min.js``), so the page works offline.

        Raises:
            MermaidScriptError: The file cannot be read, or does not look like Mermaid.
        """
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"cannot read the Mermaid script {path}: {getattr(exc, 'strerror', None) or exc}"
            raise MermaidScriptError(msg) from exc
        if "mermaid" not in text[:200_000]:
            msg = f"{path} does not look like Mermaid's browser bundle; give dist/mermaid.min.js"
            raise MermaidScriptError(msg)
        return cls(src=None, inline=text, integrity=None)


def find_mermaid_js() -> Path:
    """Return the ``mermaid.min.js`` that ``mermaid-check`` installed, rendering copy first.

    Raises:
        MermaidScriptError: No copy is found; the message lists where it looked.
    """
    roots = []
    if os.environ.get("MERMAID_CHECK_CACHE"):
        roots.append(Path(os.environ["MERMAID_CHECK_CACHE"]))
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    roots.append(Path(cache_home, "d3fgraph-mermaid-check"))

    candidates = [root / part / _DIST for root in roots for part in ("render", "parse")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    msg = (
        f"no local Mermaid script found (looked at {searched}); run shared/tools/mermaid-check "
        "once to install it, or give one with --mermaid-js-file PATH"
    )
    raise MermaidScriptError(msg)


def card_stylesheet() -> str:
    """Return the HTML card's stylesheet, shipped as ``card.css`` beside this module."""
    return files(__name__).joinpath("card.css").read_text(encoding="utf-8")
