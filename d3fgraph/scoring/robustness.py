"""Score a detection rule on the Summiting the Pyramid robustness scale, field by field.

MITRE CTID's Summiting the Pyramid rates an analytic by how costly it is for an adversary to
evade: a level from 1 (change a file name) to 5 (change technique) and a column for how deep in
the system the telemetry is produced (application, user mode, kernel mode). d3fgraph derives the
level from what the event model already says about each field, so every score can be checked by
hand against the model; ``docs/scoring.md`` gives the rules with worked examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Final

from d3fgraph.model.event_model import ObservedField
from d3fgraph.model.vocab import InvarianceClass

__all__ = [
    "CORE_TO_LEVELS",
    "FieldScore",
    "RobustnessLevel",
    "RobustnessScore",
    "TelemetryLayer",
    "score_any",
    "score_field",
    "score_rule",
]


class RobustnessLevel(IntEnum):
    """Analytic robustness: what the adversary must change to slip past a rule."""

    #: Values the adversary picks freely: hashes, file names, paths of their own files.
    EPHEMERAL = 1
    #: Fixed by a tool the adversary brought; rebuilding the tool changes it.
    ADVERSARY_TOOL = 2
    #: Fixed by a tool already on the system (a Windows API, a signed binary).
    PREEXISTING_TOOL = 3
    #: Shared by some ways of carrying out the technique, not by all.
    SOME_IMPLEMENTATIONS = 4
    #: Present whenever the technique is carried out, however it is implemented.
    TECHNIQUE = 5


class TelemetryLayer(StrEnum):
    """Event robustness: where the sensor that produced the event observes the system."""

    #: Logs an application writes about itself; the adversary may avoid the application.
    APPLICATION = "A"
    #: Hooks or APIs in user mode; code that calls the kernel directly goes unseen.
    USER_MODE = "U"
    #: Kernel callbacks and drivers; the adversary needs kernel access to hide from them.
    KERNEL_MODE = "K"


#: The level of an invariant field, by what the model says its value is core to.
CORE_TO_LEVELS: Final[dict[str, RobustnessLevel]] = {
    "technique": RobustnessLevel.TECHNIQUE,
    "some_implementations": RobustnessLevel.SOME_IMPLEMENTATIONS,
    "preexisting_tool": RobustnessLevel.PREEXISTING_TOOL,
    "adversary_tool": RobustnessLevel.ADVERSARY_TOOL,
}

_LAYER_ORDER: Final = (
    TelemetryLayer.APPLICATION,
    TelemetryLayer.USER_MODE,
    TelemetryLayer.KERNEL_MODE,
)
_LAYER_NAMES: Final = {
    TelemetryLayer.APPLICATION: "application",
    TelemetryLayer.USER_MODE: "user-mode",
    TelemetryLayer.KERNEL_MODE: "kernel-mode",
}
_CORE_TO_WORDS: Final = {
    "technique": "the technique",
    "some_implementations": "some implementations of the technique",
    "preexisting_tool": "a pre-existing tool",
    "adversary_tool": "an adversary-brought tool",
}


@dataclass(frozen=True, slots=True)
class FieldScore:
    """The level one field contributes, with the reason in words.

    ``level`` is ``None`` for a field that takes no part in the score (a variable field).
    """

    path: str
    invariance: InvarianceClass
    level: RobustnessLevel | None
    reason: str
    value: str | int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "invariance": str(self.invariance),
            "level": None if self.level is None else int(self.level),
            "reason": self.reason,
            "value": self.value,
        }


@dataclass(frozen=True, slots=True)
class RobustnessScore:
    """A rule's place on the Summiting the Pyramid grid, and how it was reached."""

    level: RobustnessLevel
    layer: TelemetryLayer
    fields: tuple[FieldScore, ...]

    def __post_init__(self) -> None:
        scored = [f.level for f in self.fields if f.level is not None]
        if scored and self.level > max(scored):
            msg = f"level {int(self.level)} exceeds every field's level ({max(scored)})"
            raise ValueError(msg)

    @property
    def label(self) -> str:
        """The score as the grid writes it: level then column, such as ``3K``."""
        return f"{int(self.level)}{self.layer}"

    @property
    def weakest(self) -> tuple[FieldScore, ...]:
        """The scored fields at the rule's level: the ones an adversary would change first."""
        return tuple(f for f in self.fields if f.level == self.level)

    def explain(self) -> str:
        """Return the score and one line per field, in plain text ending with a newline."""
        layer_name = _LAYER_NAMES[self.layer]
        lines = [
            f"Robustness {self.label} (Summiting the Pyramid): analytic level {int(self.level)}, "
            f"event robustness {self.layer} ({layer_name})"
        ]
        for item in self.fields:
            shown = item.path if item.value is None else f"{item.path} = {item.value}"
            level = "-" if item.level is None else str(int(item.level))
            lines.append(f"  [{level}] {shown}: {item.reason}")
        weakest = ", ".join(f.path for f in self.weakest)
        lines.append(f"Conditions are AND-ed, so the rule scores as its weakest field ({weakest}).")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "level": int(self.level),
            "layer": str(self.layer),
            "fields": [f.to_dict() for f in self.fields],
        }


def score_field(field: ObservedField) -> FieldScore:
    """Return the level one field contributes to a rule that keys on it.

    Raises:
        ValueError: An invariant field names a ``core_to`` outside ``CORE_TO_LEVELS``.
    """
    if field.invariance is InvarianceClass.ATTACKER_CONTROLLED:
        reason = "attacker-controlled, changed at no cost"
        return FieldScore(
            field.path, field.invariance, RobustnessLevel.EPHEMERAL, reason, field.value
        )

    if field.invariance is InvarianceClass.VARIABLE:
        reason = "variable per run, used to relate events rather than to match; not scored"
        return FieldScore(field.path, field.invariance, None, reason, field.value)

    # An invariant field without a qualifier is fixed by the technique itself, as the
    # vocabulary defines the class.
    core_to = field.core_to or "technique"
    if core_to not in CORE_TO_LEVELS:
        msg = (
            f"field {field.path!r} is core to {core_to!r}, which has no robustness level; "
            f"use one of: {', '.join(CORE_TO_LEVELS)}"
        )
        raise ValueError(msg)
    reason = f"invariant, core to {_CORE_TO_WORDS[core_to]}"
    rationale = " ".join(field.rationale.split())
    if rationale:
        reason += f": {rationale}"
    return FieldScore(field.path, field.invariance, CORE_TO_LEVELS[core_to], reason, field.value)


def score_rule(
    fields_used: Sequence[ObservedField], telemetry_layer: TelemetryLayer | str
) -> RobustnessScore:
    """Score a rule whose conditions on ``fields_used`` are all AND-ed together.

    An adversary evades an AND by defeating any one condition, so the rule is as robust as its
    weakest scored field. Several accepted values of one field (a Sigma list) are one
    observable: list them as one field.

    Args:
        fields_used: Every field the rule keys on, including the event class and activity.
        telemetry_layer: The column of the sensor that produces the event: ``A``, ``U``, ``K``.

    Raises:
        ValueError: No field can be scored (all are variable, or none is given), or the
            layer is not one of ``A``, ``U``, ``K``.
    """
    layer = _layer(telemetry_layer)
    scores = tuple(score_field(field) for field in fields_used)
    levels = [s.level for s in scores if s.level is not None]
    if not levels:
        paths = ", ".join(f.path for f in fields_used) or "none"
        msg = (
            f"a rule needs at least one invariant or attacker-controlled field to be scored; "
            f"it keys on: {paths}"
        )
        raise ValueError(msg)
    return RobustnessScore(min(levels), layer, scores)


def score_any(branches: Sequence[RobustnessScore]) -> RobustnessScore:
    """Score a rule made of OR-ed branches, each scored by ``score_rule``.

    The adversary must evade every branch, so the most robust branch decides: the highest
    level, and on a tie the deepest telemetry layer. Two level-4 branches that together cover
    every implementation would make a level-5 rule; that needs knowledge of all
    implementations, so it is left to the analyst.

    Raises:
        ValueError: No branch is given.
    """
    if not branches:
        msg = "an OR of no branches matches nothing and cannot be scored; give one branch or more"
        raise ValueError(msg)
    return max(branches, key=lambda s: (s.level, _LAYER_ORDER.index(s.layer)))


def _layer(value: TelemetryLayer | str) -> TelemetryLayer:
    try:
        return TelemetryLayer(value)
    except ValueError:
        allowed = ", ".join(f"{layer.value} ({_LAYER_NAMES[layer]})" for layer in _LAYER_ORDER)
        msg = f"unknown telemetry layer {value!r}; use one of: {allowed}"
        raise ValueError(msg) from None
