"""ATT&CK technique ids: their shape, and the checks every entry point shares."""

from __future__ import annotations

import re
from typing import Final

from d3fgraph.errors import InvalidTechniqueIdError

__all__ = ["is_technique_id", "parent_id", "parse_technique_id"]

# [0-9], not \d, which also takes the digits of other scripts, such as Arabic-Indic ones.
_TECHNIQUE_ID: Final = re.compile(r"T[0-9]{4}(?:\.[0-9]{3})?")


def is_technique_id(text: object) -> bool:
    """Return whether ``text`` is shaped like ``T1055`` or ``T1055.001``."""
    return isinstance(text, str) and _TECHNIQUE_ID.fullmatch(text) is not None


def parse_technique_id(text: str) -> str:
    """Return ``text`` stripped of surrounding blanks if it is a technique id.

    Lower case and a missing ``T`` are refused rather than repaired: ``t1055`` may be a typo
    for a tactic or a software id, and guessing would hide it.

    Raises:
        InvalidTechniqueIdError: ``text`` is not shaped like an ATT&CK technique id.
    """
    candidate = text.strip()
    if not is_technique_id(candidate):
        raise InvalidTechniqueIdError(text)
    return candidate


def parent_id(technique_id: str) -> str | None:
    """Return ``T1055`` for ``T1055.001``, ``None`` for a technique without a parent."""
    head, dot, _ = technique_id.partition(".")
    return head if dot else None
