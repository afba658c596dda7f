"""The card's sentences that are derived from its data: Detect's summary, Respond's consequence.

They are plain text; each renderer escapes them for its format.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from d3fgraph.model.vocab import Role

if TYPE_CHECKING:
    from d3fgraph.card.rows import RuleEntry
    from d3fgraph.card.telemetry import (
        ArtifactAttribute,
        Fallback,
        FieldCoverage,
        NativeAlternative,
    )
    from d3fgraph.model.event_model import EventModel

__all__ = ["LAYER_NAMES", "consequence", "detect_summary", "values_text"]

#: The telemetry layers of the Summiting the Pyramid grid, as the card names them.
LAYER_NAMES: Final = {"A": "application", "U": "user-mode", "K": "kernel-mode"}

_CONSEQUENCES: Final = {
    Role.ATTACKER: "{name} ({path}) is the adversary's instrument: whatever it touched is suspect",
    Role.POST_SUCCESS: "{name} ({path}) runs the adversary's code once the technique succeeds",
    Role.VICTIM: "{name} ({path}) was acted upon: check what changed in it",
    Role.TAINTED: "{name} ({path}) ran the technique and cannot be trusted until investigated",
}
_ROLE_ORDER: Final = (Role.POST_SUCCESS, Role.ATTACKER, Role.VICTIM, Role.TAINTED)


def values_text(values: Sequence[int | str], captions: Sequence[str] = ()) -> str:
    """Return ``1 (Remote Thread)`` or ``a, b``: values with their captions when known."""
    shown = ", ".join(str(v) for v in values)
    return f"{shown} ({', '.join(captions)})" if captions else shown


def detect_summary(
    model: EventModel,
    coverage: Sequence[FieldCoverage],
    alternatives: Sequence[NativeAlternative],
    attributes: Sequence[ArtifactAttribute],
    fallback: tuple[Fallback | None, str | None],
    rules: Sequence[RuleEntry],
) -> tuple[str, ...]:
    """Return what OCSF can and cannot see of the technique, and what stands in, in sentences."""
    event = f"OCSF {model.event.class_caption} ({model.event.class_uid})"
    sentences = [
        f"{f.path} is not native to {event}: it needs {', '.join(f.requires) or 'an extension'}."
        for f in coverage
        if not f.native
    ]
    if not sentences:
        sentences.append(f"Every field of the model is native to {event}.")

    for alternative in alternatives:
        shown = values_text(alternative.values, alternative.captions)
        instead = f"In place of {alternative.replaces}, " if alternative.replaces else ""
        sentences.append(f"{instead}{event} natively records {alternative.path} = {shown}.")

    for attribute in attributes:
        props = ", ".join(attribute.properties)
        where = f"{attribute.path} ({attribute.object_caption} object"
        if attribute.in_model:
            sentences.append(
                f"D3FEND relates {model.technique.id} to {attribute.artifact} ({props}), which "
                f"the model records natively as {where})."
            )
            continue
        sentences.append(
            f"D3FEND relates {model.technique.id} to {attribute.artifact} ({props}), which "
            f"{event} records natively in {where}: "
            f"{_lower_first(attribute.description).rstrip('.')}); the model has no entity for "
            "it yet."
        )

    event_found, reason = fallback
    if event_found is not None:
        layer = LAYER_NAMES.get(event_found.layer, event_found.layer)
        sentences.append(
            f"Where OCSF telemetry falls short, Sysmon Event ID {event_found.event_id} "
            f"({event_found.name}) records the technique from {layer} telemetry. "
            f"{event_found.note}"
        )
    else:
        sentences.append(f"No fallback telemetry is known: {reason}.")

    scored = [f"{r.variant} {r.score.label}" for r in rules if r.score is not None]
    refused = [r.variant for r in rules if not r.available]
    text = "Robustness on the Summiting the Pyramid scale: " + (", ".join(scored) or "none")
    if refused:
        text += f"; no {' or '.join(refused)} rule can be written (see the Sigma section)"
    sentences.append(text + ".")
    return tuple(sentences)


def consequence(model: EventModel) -> tuple[str, ...]:
    """Return what holds for each entity once the technique succeeded, by its role."""
    ordered = sorted(model.entities, key=lambda e: _ROLE_ORDER.index(e.role))
    return tuple(_CONSEQUENCES[e.role].format(name=e.name, path=e.ocsf_path) + "." for e in ordered)


def _lower_first(text: str) -> str:
    # "The module that was injected" reads as part of the sentence; "DNS query" keeps its case.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
