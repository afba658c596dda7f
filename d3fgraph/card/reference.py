"""What the reference technique cards claim, checked against the data to correct them.

The claims are transcribed from the reference card the product must reproduce (the team's copy
is ``shared/reference/T1055.001-technique-card.txt``); each check below tests one claim against
the loaded OCSF schema, D3FEND and the card's own rules, so a correction appears only while the
data still contradicts the claim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import yaml

from d3fgraph.card.content import CardSection, Correction
from d3fgraph.errors import InvalidOcsfPathError
from d3fgraph.sources.releases import D3FEND

if TYPE_CHECKING:
    from d3fgraph.card.rows import EntityRow, RuleEntry
    from d3fgraph.card.telemetry import ArtifactAttribute, NativeAlternative
    from d3fgraph.countermeasures import CountermeasureReport
    from d3fgraph.loaders.ocsf_model import OcsfSchema
    from d3fgraph.model.event_model import EventModel

__all__ = ["REFERENCE_CARDS", "ReferenceCard", "check_reference"]

_SIGMA_CATEGORY: Final = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class ReferenceCard:
    """The checkable claims of one reference card, as it writes them."""

    technique_id: str
    origin: str
    #: OCSF paths its rule and entity table test.
    fields: tuple[str, ...]
    #: The value its rule gives ``activity_id``.
    activity_value: str
    #: Its Sigma rule's unquoted title line and logsource category.
    sigma_title: str
    logsource_category: str
    #: Its robustness score, as printed.
    score: str
    #: Countermeasures it puts on entities, as (OCSF path, D3FEND technique).
    countermeasures: tuple[tuple[str, str], ...]
    #: D3FEND artifacts its entity table shows.
    artifacts: tuple[str, ...]


#: The reference cards d3fgraph knows, by technique id.
REFERENCE_CARDS: Final[dict[str, ReferenceCard]] = {
    "T1055.001": ReferenceCard(
        technique_id="T1055.001",
        origin="the reference technique card of T1055.001",
        fields=("actor.process.file.path", "process.pid", "api.name"),
        activity_value="Inject",
        sigma_title="title: Process Injection: DLL Injection (T1055.001)",
        logsource_category="Process Activity (1007)",
        score="STP 3",
        countermeasures=(
            ("actor.process", "d3f:ProcessTermination"),
            ("process", "d3f:ProcessTermination"),
            ("device", "d3f:NetworkIsolation"),
        ),
        artifacts=("d3f:Process", "d3f:SystemCall", "d3f:Host"),
    ),
}


def check_reference(
    reference: ReferenceCard,
    model: EventModel,
    ocsf: OcsfSchema,
    report: CountermeasureReport,
    rules: Sequence[RuleEntry],
    found: tuple[Sequence[NativeAlternative], Sequence[ArtifactAttribute]],
    entities: Sequence[EntityRow],
) -> tuple[Correction, ...]:
    """Return the corrections the data makes to ``reference``, in card section order."""
    event_class = ocsf.event_class(model.event.class_name)
    corrections: list[Correction] = []

    for path in reference.fields:
        try:
            resolved = ocsf.resolve_path(event_class, path)
        except InvalidOcsfPathError as exc:
            corrections.append(_missing_path(path, model, exc, ocsf.version))
            continue
        if not resolved.native:
            needs = ", ".join(resolved.requires)
            finding = f"{path} exists in OCSF {ocsf.version} only with {needs}"
            corrections.append(Correction(CardSection.DETECT, f"tests {path}", finding))

    alternatives, attributes = found
    offered = [a.path for a in alternatives] + [a.path for a in attributes]
    if offered:
        finding = (
            f"OCSF {ocsf.version} {event_class.caption} natively offers {', '.join(offered)}, "
            "as shown below"
        )
        claim = "names no native alternative"
        corrections.append(Correction(CardSection.DETECT, claim, finding))

    scores = [f"{r.variant} {r.score.label}" for r in rules if r.score is not None]
    finding = (
        "a Summiting the Pyramid score has an analytic level and an event-robustness column "
        f"(A, U or K), each for a reason; the rules below score {', '.join(scores)}"
    )
    corrections.append(Correction(CardSection.DETECT, f"scores {reference.score}", finding))

    corrections.extend(_countermeasure_links(reference, report))
    corrections.extend(_artifacts(reference, report, entities))

    activity = event_class.attributes["activity_id"]
    caption = event_class.activities.get(model.event.activity_id, model.event.activity_caption)
    finding = (
        f"activity_id is an {activity.type} attribute: {model.event.activity_id} means {caption}, "
        f"and activity_name holds the caption; class_uid is {event_class.uid}"
    )
    claim = f"writes activity_id: '{reference.activity_value}'"
    corrections.append(Correction(CardSection.EVENT, claim, finding))
    corrections.extend(_sigma(reference, event_class.name))
    return tuple(corrections)


def _missing_path(
    path: str, model: EventModel, error: InvalidOcsfPathError, version: str
) -> Correction:
    parent = path.rpartition(".")[0]
    instead = [f for f in model.fields if parent and f.path.startswith(parent + ".")]
    finding = f"{path} does not exist in OCSF {version}: {error.reason}"
    if instead:
        used = instead[0]
        needs = ", ".join(used.requires)
        where = f", which needs {needs}" if needs else ""
        finding += f"; the model tests {used.path} instead{where}"
    return Correction(CardSection.DETECT, f"tests {path}", finding)


def _countermeasure_links(
    reference: ReferenceCard, report: CountermeasureReport
) -> list[Correction]:
    corrections = []
    for path, technique in reference.countermeasures:
        matches = [
            c for c in report.countermeasures if c.target.key == path and c.technique == technique
        ]
        claim = f"puts {technique} on {path}"
        if not matches:
            finding = f"neither D3FEND nor the model links {technique} to {path}"
        elif all(str(p) == "curated" for m in matches for p in m.provenance):
            target = matches[0].target.artifact
            finding = (
                f"D3FEND {D3FEND.version} asserts no link from {technique} to {target}; "
                "it is an analyst's link, curated in the model with its reason"
            )
        else:
            continue
        corrections.append(Correction(CardSection.ENTITIES, claim, finding))
    return corrections


def _artifacts(
    reference: ReferenceCard, report: CountermeasureReport, entities: Sequence[EntityRow]
) -> list[Correction]:
    corrections = []
    missed: dict[str, list[str]] = {}
    for relation in report.relations:
        if relation.artifact not in reference.artifacts:
            missed.setdefault(relation.artifact, []).append(relation.property)
    for artifact, props in missed.items():
        finding = (
            f"D3FEND {D3FEND.version} relates {report.technique_id} to it by {', '.join(props)}"
        )
        claim = f"leaves {artifact} out of its entity table"
        corrections.append(Correction(CardSection.ENTITIES, claim, finding))

    for row in entities:
        for term in row.terms:
            finding = (
                f"that class is broad: D3FEND names {term.value} itself as {term.term} "
                f"({term.label})"
            )
            claim = f"types {row.ocsf_path} as {row.d3fend_class}"
            corrections.append(Correction(CardSection.ENTITIES, claim, finding))
    return corrections


def _sigma(reference: ReferenceCard, class_name: str) -> list[Correction]:
    corrections = []
    try:
        yaml.safe_load(reference.sigma_title)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        finding = (
            f"so its rule is not valid YAML ({problem}), as the title holds ': '; the rules "
            "below are written by a YAML emitter, which quotes it"
        )
        claim = f"leaves the title unquoted ({reference.sigma_title})"
        corrections.append(Correction(CardSection.SIGMA, claim, finding))

    if not _SIGMA_CATEGORY.fullmatch(reference.logsource_category):
        finding = (
            "Sigma log source categories are lower_snake_case; the rules below use the OCSF "
            f"class name, {class_name}"
        )
        claim = f"gives the log source category {reference.logsource_category}"
        corrections.append(Correction(CardSection.SIGMA, claim, finding))
    return corrections
