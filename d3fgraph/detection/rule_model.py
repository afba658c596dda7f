"""The content of a detection rule before it is written out: conditions, score and wording."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from d3fgraph.errors import D3fgraphError
from d3fgraph.model.event_model import ObservedField, TechniqueRef
from d3fgraph.scoring import RobustnessScore

__all__ = ["DetectionRule", "RuleCondition", "SigmaVariant", "UnsupportedRuleError", "ValueMatch"]


class SigmaVariant(StrEnum):
    """Which telemetry a rule is written for and how far it narrows."""

    #: The event and the model's invariant fields, as the technique card defines them.
    DEFINITIONAL = "definitional"
    #: The same in attributes native to the OCSF class only.
    OCSF_NATIVE = "ocsf-native"
    #: The practical fallback on a Sysmon event, in Sysmon's field names.
    SYSMON = "sysmon"


class ValueMatch(StrEnum):
    """How a condition compares a field with its values; all but ``equals`` are Sigma modifiers.

    Every kind ignores the case of text, as Sigma's string matching does.
    """

    #: The field holds one of the values, whole.
    EQUALS = "equals"
    #: One of the values occurs somewhere in the field.
    CONTAINS = "contains"
    #: The field begins with one of the values.
    STARTSWITH = "startswith"
    #: The field ends with one of the values.
    ENDSWITH = "endswith"

    @property
    def words(self) -> str:
        """The comparison in words, as descriptions and explanations write it."""
        return _MATCH_WORDS[self]


_MATCH_WORDS: Final = {
    ValueMatch.EQUALS: "=",
    ValueMatch.CONTAINS: "contains",
    ValueMatch.STARTSWITH: "starts with",
    ValueMatch.ENDSWITH: "ends with",
}


class UnsupportedRuleError(D3fgraphError, LookupError):
    """A rule variant that cannot be written for a model with the mapping data at hand."""


@dataclass(frozen=True, slots=True)
class RuleCondition:
    """One AND-ed condition of a rule.

    ``rule_field`` is the field as the rule names it, ``values`` the values it accepts (any of
    them), ``match`` how it compares them, and ``field`` the OCSF field it tests, which is what
    gets scored. An ``implied`` condition holds for every event of the rule's log source, so
    the rule states it through the log source rather than in its detection.
    """

    rule_field: str
    values: tuple[int | str, ...]
    field: ObservedField
    implied: bool = False
    match: ValueMatch = ValueMatch.EQUALS

    def __post_init__(self) -> None:
        if not self.values:
            msg = f"condition on {self.rule_field!r} accepts no value; give one or more"
            raise ValueError(msg)
        if "|" in self.rule_field or not self.rule_field.strip():
            msg = f"rule field {self.rule_field!r} is empty or holds '|', Sigma's modifier mark"
            raise ValueError(msg)
        if self.match is not ValueMatch.EQUALS:
            numbers = [v for v in self.values if not isinstance(v, str)]
            if numbers or not all(self.values):
                msg = (
                    f"condition {self.rule_field}|{self.match} needs non-empty text values, "
                    f"not {list(self.values)!r}: Sigma matches parts of text only"
                )
                raise ValueError(msg)

    @property
    def sigma_key(self) -> str:
        """The field as Sigma writes it, with its modifier: ``TargetObject|contains``."""
        if self.match is ValueMatch.EQUALS:
            return self.rule_field
        return f"{self.rule_field}|{self.match}"


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
    #: The log source in fewer words (``Sysmon Event ID 13``), for a title that would be too
    #: long with ``source_name``.
    short_source_name: str = ""

    def __post_init__(self) -> None:
        if all(c.implied for c in self.conditions):
            msg = f"the {self.variant} rule of {self.technique.id} has no condition to write"
            raise ValueError(msg)

    @property
    def selection(self) -> dict[str, tuple[int | str, ...]]:
        """The conditions the detection states, keyed as Sigma writes them (``field|modifier``)."""
        return {c.sigma_key: c.values for c in self.conditions if not c.implied}

    @property
    def stated(self) -> tuple[RuleCondition, ...]:
        """The conditions the detection states, in order; the log source implies the others."""
        return tuple(c for c in self.conditions if not c.implied)
