"""The content of a detection rule before it is written out: conditions, score and wording."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from d3fgraph.errors import D3fgraphError
from d3fgraph.model.event_model import ObservedField, TechniqueRef
from d3fgraph.scoring import RobustnessScore

__all__ = ["DetectionRule", "RuleCondition", "SigmaVariant", "UnsupportedRuleError"]


class SigmaVariant(StrEnum):
    """Which telemetry a rule is written for and how far it narrows."""

    #: The event and the model's invariant fields, as the technique card defines them.
    DEFINITIONAL = "definitional"
    #: The same in attributes native to the OCSF class only.
    OCSF_NATIVE = "ocsf-native"
    #: The practical fallback on a Sysmon event, in Sysmon's field names.
    SYSMON = "sysmon"


class UnsupportedRuleError(D3fgraphError, LookupError):
    """A rule variant that cannot be written for a model with the mapping data at hand."""


@dataclass(frozen=True, slots=True)
class RuleCondition:
    """One AND-ed condition of a rule.

    ``rule_field`` is the field as the rule names it, ``values`` the values it accepts (any of
    them), and ``field`` the OCSF field it tests, which is what gets scored. An ``implied``
    condition holds for every event of the rule's log source, so the rule states it through
    the log source rather than in its detection.
    """

    rule_field: str
    values: tuple[int | str, ...]
    field: ObservedField
    implied: bool = False

    def __post_init__(self) -> None:
        if not self.values:
            msg = f"condition on {self.rule_field!r} accepts no value; give one or more"
            raise ValueError(msg)
        if "|" in self.rule_field or not self.rule_field.strip():
            msg = f"rule field {self.rule_field!r} is empty or holds '|', Sigma's modifier mark"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class DetectionRule:
    """A detection rule's content, ready to be written as Sigma YAML."""

    technique: TechniqueRef
    variant: SigmaVariant
    product: str
    category: str
    source_name: str
    conditions: tuple[RuleCondition, ...]
    score: RobustnessScore
    level: str
    summary: str
    falsepositives: tuple[str, ...]
    references: tuple[str, ...]

    def __post_init__(self) -> None:
        if all(c.implied for c in self.conditions):
            msg = f"the {self.variant} rule of {self.technique.id} has no condition to write"
            raise ValueError(msg)

    @property
    def selection(self) -> dict[str, tuple[int | str, ...]]:
        """The conditions the detection states, by the rule's field names, in order."""
        return {c.rule_field: c.values for c in self.conditions if not c.implied}
