"""Turn an event model into the conditions of a detection rule, in one of three variants.

A variant is a choice of telemetry and of how far the rule narrows:

- ``definitional``: the event and the model's invariant fields, as the technique card defines
  the technique. Broad on purpose, and possibly needing attributes the event class lacks. An
  invariant field for which the model names no single value is tested with the values the
  mapping file spells for it (``field_values``), or not at all.
- ``ocsf-native``: the same, using only attributes native to the OCSF class; a non-native
  invariant is replaced by the native alternative the mapping file names for the technique.
- ``sysmon``: the practical fallback on a Sysmon event, with the narrowing conditions the
  mapping file gives, written in Sysmon's field names.

Every condition keeps the OCSF field it tests, so the rule is scored field by field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from d3fgraph.detection.mapping_model import (
    FieldValues,
    MappedCondition,
    SysmonEvent,
    SysmonMapping,
)
from d3fgraph.detection.rule_model import (
    DetectionRule,
    RuleCondition,
    SigmaVariant,
    UnsupportedRuleError,
    ValueMatch,
)
from d3fgraph.detection.wording import condition_text, first_sentence, not_native, summary
from d3fgraph.model.event_model import EventModel, ObservedField
from d3fgraph.model.vocab import InvarianceClass
from d3fgraph.scoring import TelemetryLayer, score_rule

__all__ = ["DEFAULT_OCSF_LAYER", "RULE_LEVELS", "build_rule"]

#: Layer assumed for OCSF events when the sensor is not known: endpoint sensors that report
#: API calls mostly hook user mode.
DEFAULT_OCSF_LAYER: Final = TelemetryLayer.USER_MODE

#: Sigma level of each variant, which says how urgent a match is. The definitional rule
#: defines rather than alerts; the OCSF-native one matches every remote-thread injection,
#: benign ones included; the Sysmon one keeps only threads that start in the DLL loader,
#: which benign software seldom does.
RULE_LEVELS: Final = {
    SigmaVariant.DEFINITIONAL: "informational",
    SigmaVariant.OCSF_NATIVE: "low",
    SigmaVariant.SYSMON: "medium",
}

_DEFAULT_FALSEPOSITIVES: Final = (
    "Legitimate software performing the same operation; review matches before alerting",
)


def build_rule(
    model: EventModel,
    variant: SigmaVariant | str,
    mapping: SysmonMapping,
    *,
    layer: TelemetryLayer | str | None = None,
) -> DetectionRule:
    """Return the conditions, score and wording of one rule variant for ``model``.

    Args:
        model: The technique's event model.
        variant: ``definitional``, ``ocsf-native`` or ``sysmon``.
        mapping: The Sysmon-to-OCSF mapping with the technique's detection data.
        layer: The telemetry layer of the sensor, when known; by default ``U`` for the OCSF
            variants and the Sysmon event's own layer for ``sysmon``.

    Raises:
        UnsupportedRuleError: The variant needs mapping data the file lacks for the technique.
        ValueError: ``variant`` or ``layer`` is not one of the known values.
    """
    variant = _variant(variant)
    detection = mapping.technique(model.technique.id)
    conditions = _event_conditions(model) + _invariant_conditions(model)
    references = [f"https://d3fend.mitre.org/offensive-technique/attack/{model.technique.id}/"]
    # Extension classes are named like win/registry_value_activity; Sigma categories are
    # lower_snake_case, so the extension prefix joins the name with an underscore.
    product, category = "ocsf", model.event.class_name.replace("/", "_")
    source_name = f"OCSF {model.event.class_caption}"
    short_source_name = ""
    telemetry = DEFAULT_OCSF_LAYER

    value_notes: list[str] = []
    if variant is not SigmaVariant.SYSMON:
        # Sysmon writes some of these attributes differently (TargetObject holds the key
        # and the value name), so the Sysmon rule states its own conditions instead.
        conditions += tuple(
            _field_values_condition(model, values, mapping.origin)
            for values in detection.field_values
        )
        value_notes = [first_sentence(v.rationale) for v in detection.field_values]

    if variant is SigmaVariant.DEFINITIONAL:
        caption = model.event.class_caption
        notes = [not_native(c.field, caption) for c in conditions if not c.field.native]
    else:
        conditions, notes = _native(model, conditions, detection.native_alternative)
    notes = value_notes + notes

    if variant is SigmaVariant.SYSMON:
        event = _sysmon_event(model, mapping, detection.sysmon_event)
        extra = tuple(_mapped(c) for c in detection.sysmon_conditions)
        conditions = tuple(_in_sysmon(model, event, c) for c in conditions + extra)
        product, category = "windows", event.sigma_category
        short_source_name = f"Sysmon Event ID {event.event_id}"
        source_name = f"{short_source_name} {event.name}"
        telemetry = event.layer
        notes = [event.note, *(first_sentence(c.rationale) for c in detection.sysmon_conditions)]
        references.append(mapping.source(event.source))
    else:
        references.append(
            f"https://schema.ocsf.io/{mapping.ocsf_version}/classes/{model.event.class_name}"
        )

    if all(c.implied for c in conditions):
        msg = (
            f"the {variant} rule of {model.technique.id} would have no condition of its own: "
            f"{source_name} already implies every one, so the log source alone is the rule"
        )
        raise UnsupportedRuleError(msg)
    score = score_rule([c.field for c in conditions], layer or telemetry)
    references.extend(detection.references_of(variant))
    return DetectionRule(
        technique=model.technique,
        variant=variant,
        product=product,
        category=category,
        source_name=source_name,
        conditions=conditions,
        score=score,
        level=RULE_LEVELS[variant],
        summary=summary(model, variant, source_name, conditions, notes, score),
        falsepositives=detection.falsepositives_of(variant) or _DEFAULT_FALSEPOSITIVES,
        references=tuple(dict.fromkeys(references)),
        short_source_name=short_source_name,
    )


def _variant(value: SigmaVariant | str) -> SigmaVariant:
    try:
        return SigmaVariant(value)
    except ValueError:
        allowed = ", ".join(v.value for v in SigmaVariant)
        msg = f"unknown Sigma rule variant {value!r}; use one of: {allowed}"
        raise ValueError(msg) from None


def _event_conditions(model: EventModel) -> tuple[RuleCondition, ...]:
    event = model.event
    # The model's event class and activity are the technique's action as a sensor records
    # it, so they are as invariant as the technique itself.
    class_field = ObservedField(
        path="class_uid",
        entity=None,
        invariance=InvarianceClass.INVARIANT,
        rationale=f"the {event.class_caption} class records the technique's action",
        value=event.class_uid,
        core_to="technique",
        ocsf_type="integer_t",
    )
    activity_field = ObservedField(
        path="activity_id",
        entity=None,
        invariance=InvarianceClass.INVARIANT,
        rationale=f"activity {event.activity_caption} is the technique's action itself",
        value=event.activity_id,
        core_to="technique",
        ocsf_type="integer_t",
    )
    return (
        RuleCondition("class_uid", (event.class_uid,), class_field),
        RuleCondition("activity_id", (event.activity_id,), activity_field),
    )


def _invariant_conditions(model: EventModel) -> tuple[RuleCondition, ...]:
    return tuple(
        RuleCondition(f.path, (f.value,), f)
        for f in model.fields
        if f.invariance is InvarianceClass.INVARIANT and f.value is not None
    )


def _field_values_condition(model: EventModel, values: FieldValues, origin: str) -> RuleCondition:
    """Return the condition a ``field_values`` entry writes for an invariant model field.

    An entry that does not fit the model makes the OCSF variants unwritable for it rather
    than wrong; the shipped file is checked against the shipped models by the tests.
    """
    field = next((f for f in model.fields if f.path == values.path), None)
    where = f"techniques: {model.technique.id}: field_values in {origin or 'the Sysmon mapping'}"
    if field is None:
        msg = (
            f"{where} gives values for {values.path}, which is not a field of the model; "
            "remove the entry"
        )
        raise UnsupportedRuleError(msg)
    if field.invariance is not InvarianceClass.INVARIANT or field.value is not None:
        msg = (
            f"{where} gives values for {values.path}, but the model marks that field "
            f"{field.invariance}"
            f"{'' if field.value is None else f' with the value {field.value!r}'}; only an "
            "invariant field without a value takes them"
        )
        raise UnsupportedRuleError(msg)
    return RuleCondition(values.path, values.values, field, match=values.match)


def _native(
    model: EventModel,
    conditions: tuple[RuleCondition, ...],
    alternatives_of: Callable[[str], tuple[MappedCondition, ...]],
) -> tuple[tuple[RuleCondition, ...], list[str]]:
    kept: list[RuleCondition] = []
    notes = []
    caption = model.event.class_caption
    for condition in conditions:
        if condition.field.native:
            kept.append(condition)
            continue
        alternatives = alternatives_of(condition.field.path)
        if not alternatives:
            msg = (
                f"{not_native(condition.field, caption)}, and "
                "ontologies/mappings/sysmon-ocsf.yaml names no native alternative for it under "
                f"techniques: {model.technique.id}: native_alternatives; add one there, or use "
                "the definitional variant"
            )
            raise UnsupportedRuleError(msg)
        needs = ", ".join(condition.field.requires) or "an extension"
        for alternative in alternatives:
            kept.append(_mapped(alternative))
            notes.append(
                f"{condition_text(kept[-1])} stands in for {condition_text(condition)}, "
                f"which OCSF {caption} has only with {needs}"
            )
    return tuple(kept), notes


def _mapped(condition: MappedCondition) -> RuleCondition:
    field = ObservedField(
        path=condition.path,
        entity=None,
        invariance=condition.invariance,
        rationale=condition.rationale,
        # A single value is the field's value only when the condition tests the whole field.
        value=(
            condition.values[0]
            if len(condition.values) == 1 and condition.match is ValueMatch.EQUALS
            else None
        ),
        core_to=condition.core_to,
    )
    return RuleCondition(condition.path, condition.values, field, match=condition.match)


def _sysmon_event(model: EventModel, mapping: SysmonMapping, event_id: int | None) -> SysmonEvent:
    if event_id is not None:
        return mapping.event(event_id)
    key = (model.event.class_uid, model.event.activity_id)
    matches = [e for e in mapping.events if (e.class_uid, e.activity_id) == key]
    if len(matches) != 1:
        what = f"OCSF {model.event.class_caption} / {model.event.activity_caption}"
        if matches:
            found = ", ".join(str(e.event_id) for e in matches)
            why = f"{what} matches several Sysmon events ({found}) and none is chosen for it"
        else:
            why = f"Sysmon reports no event that d3fgraph maps to {what}"
        msg = (
            f"no Sysmon rule for {model.technique.id}: {why}; use the definitional or "
            f"ocsf-native rule (to add one, name the event under techniques: "
            f"{model.technique.id}: sysmon: event_id in {mapping.origin or 'the Sysmon mapping'})"
        )
        raise UnsupportedRuleError(msg)
    return matches[0]


def _in_sysmon(model: EventModel, event: SysmonEvent, condition: RuleCondition) -> RuleCondition:
    path = condition.field.path
    constants = event.constants()
    if path in constants:
        if condition.values != (constants[path],) or condition.match is not ValueMatch.EQUALS:
            msg = (
                f"Sysmon Event ID {event.event_id} always has {path} = {constants[path]}, so it "
                f"cannot express {condition_text(condition)} for {model.technique.id}"
            )
            raise UnsupportedRuleError(msg)
        return RuleCondition(path, condition.values, condition.field, implied=True)

    name = event.sysmon_field(path)
    if name is None:
        msg = (
            f"no field of Sysmon Event ID {event.event_id} fills OCSF {path}, so the sysmon "
            f"rule of {model.technique.id} cannot test it; map one in "
            "ontologies/mappings/sysmon-ocsf.yaml"
        )
        raise UnsupportedRuleError(msg)
    return RuleCondition(name, condition.values, condition.field, match=condition.match)
