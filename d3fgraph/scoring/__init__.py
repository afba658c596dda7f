"""Robustness scores of detection rules on the Summiting the Pyramid scale."""

from d3fgraph.scoring.robustness import (
    CORE_TO_LEVELS,
    FieldScore,
    RobustnessLevel,
    RobustnessScore,
    TelemetryLayer,
    score_any,
    score_field,
    score_rule,
)

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
