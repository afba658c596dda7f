"""The sentences that describe a rule to the analyst who reads it or checks its score."""

from __future__ import annotations

from collections.abc import Sequence

from d3fgraph.detection.rule_model import DetectionRule, RuleCondition, SigmaVariant, ValueMatch
from d3fgraph.model.event_model import EventModel, ObservedField
from d3fgraph.model.vocab import InvarianceClass
from d3fgraph.scoring import RobustnessScore

__all__ = [
    "condition_text",
    "explain_rule",
    "first_sentence",
    "match_text",
    "not_native",
    "summary",
]

_EVENT_PATHS = ("class_uid", "activity_id")


def summary(
    model: EventModel,
    variant: SigmaVariant,
    source_name: str,
    conditions: Sequence[RuleCondition],
    notes: Sequence[str],
    score: RobustnessScore,
) -> str:
    """Return the rule's description: what it matches, why, and its robustness."""
    technique = f"{model.technique.name} ({model.technique.id})"
    event = (
        f"OCSF {model.event.class_caption} ({model.event.class_uid}) events of activity "
        f"{model.event.activity_caption} ({model.event.activity_id})"
    )
    stated = " and ".join(
        condition_text(c) for c in conditions if not c.implied and c.field.path not in _EVENT_PATHS
    )
    where = f" where {stated}" if stated else ""
    tested = {c.field.path for c in conditions}
    unvalued = [
        f.path
        for f in model.fields
        if f.invariance is InvarianceClass.INVARIANT and f.value is None and f.path not in tested
    ]

    if variant is SigmaVariant.DEFINITIONAL:
        lead = (
            f"Definitional rule for {technique}: {event}{where}. Broad by design, it defines "
            "the technique rather than alerting; narrow it with conditions on variable or "
            "attacker-controlled fields for production use."
        )
    elif variant is SigmaVariant.OCSF_NATIVE:
        lead = f"{technique} in attributes native to OCSF: {event}{where}."
    else:
        lead = f"{technique} in {source_name} events{where}."

    sentences = [lead, *(note.rstrip(".") + "." for note in notes if note)]
    if not stated:
        sentences.append(
            f"On class and activity alone it matches every {model.event.class_caption} event "
            f"of activity {model.event.activity_caption}, whatever its target"
            + (
                f": the model names no single value for its invariant {', '.join(unvalued)}"
                if unvalued
                else ""
            )
            + "."
        )
    weakest = ", ".join(f.path for f in score.weakest)
    sentences.append(
        f"Summiting the Pyramid robustness {score.label}, set by its weakest field ({weakest})."
    )
    return " ".join(sentences)


def explain_rule(rule: DetectionRule) -> str:
    """Return the rule's score with one line per condition, in plain text.

    Each line shows the level, the condition as the rule writes it, the OCSF field it tests
    and the reason for the level, so the score can be checked by hand against the model.
    """
    score = rule.score
    lines = [
        f"{rule.technique.id} {rule.variant} rule on {rule.source_name}",
        score.explain().splitlines()[0],
    ]
    for condition, scored in zip(rule.conditions, score.fields, strict=True):
        level = "-" if scored.level is None else str(int(scored.level))
        where = "log source" if condition.implied else "detection"
        ocsf = "" if condition.rule_field == condition.field.path else f" (OCSF {scored.path})"
        lines.append(f"  [{level}] {condition_text(condition)}{ocsf}, in the {where}")
        lines.append(f"      {scored.reason}")
    weakest = ", ".join(f.path for f in score.weakest)
    lines.append(f"Conditions are AND-ed, so the rule scores as its weakest field ({weakest}).")
    return "\n".join(lines) + "\n"


def condition_text(condition: RuleCondition) -> str:
    """Return a condition as ``field = value``, ``field in (a, b)`` or ``field contains a``."""
    return match_text(condition.rule_field, condition.values, condition.match)


def match_text(
    field: str, values: Sequence[int | str], match: ValueMatch = ValueMatch.EQUALS
) -> str:
    """Return a comparison in words: ``f = a``, ``f in (a, b)``, ``f ends with one of (a, b)``."""
    shown = [str(v) for v in values]
    if len(shown) == 1:
        return f"{field} {match.words} {shown[0]}"
    listed = f"({', '.join(shown)})"
    if match is ValueMatch.EQUALS:
        return f"{field} in {listed}"
    return f"{field} {match.words} one of {listed}"


def not_native(field: ObservedField, class_caption: str) -> str:
    """Return why a field is missing from the event class, naming what it needs."""
    needs = ", ".join(field.requires) or "an extension"
    return f"{field.path} is not native to OCSF {class_caption}: it needs {needs}"


def first_sentence(text: str) -> str:
    """Return the first sentence of ``text``, up to and including its full stop."""
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text
