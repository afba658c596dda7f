"""Why a technique has no countermeasure: the sentence an empty answer carries.

D3FEND's site leaves an empty result unexplained; a responder needs to know whether D3FEND
knows nothing of the technique's artifacts, or knows them but has no defence acting on them.
"""

from __future__ import annotations

from d3fgraph.countermeasures.evidence import Target
from d3fgraph.d3fend_lookup import TechniqueInfo

__all__ = ["empty_reason"]


def empty_reason(info: TechniqueInfo, targets: tuple[Target, ...], narrower_left_out: int) -> str:
    """Return why a technique has no countermeasure, in words a responder can act on.

    Args:
        info: D3FEND's record of the technique.
        targets: What countermeasures could have acted on; empty when there was nothing.
        narrower_left_out: How many countermeasures on narrower kinds were left out.
    """
    if info.deprecated:
        successors = ", ".join(info.successors) or "none named in D3FEND"
        return (
            f"{info.id} is deprecated in ATT&CK (successor: {successors}); ask about its successor"
        )
    if not targets:
        holders = (
            f"neither {info.id} nor its parent {info.parent} has an offensive relation"
            if info.parent
            else f"{info.id} has no offensive relation"
        )
        return (
            f"D3FEND relates {info.id} to no digital artifact ({holders}), and d3fgraph has no "
            "event model of it, so there is nothing for a countermeasure to act on"
        )
    artifacts = ", ".join(sorted({t.artifact for t in targets}))
    reason = (
        f"none of the artifacts of {info.id} ({artifacts}) has a countermeasure in D3FEND: no "
        "current defensive technique acts on them or on a class above them"
    )
    if narrower_left_out:
        reason += f"; {narrower_left_out} act on a narrower kind only, shown with --narrower"
    return reason
