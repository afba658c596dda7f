"""Render an event model as a Sigma rule, in YAML that pySigma loads and a reviewer can read.

Values go through ``sigma_literal`` so that a ``*`` or ``?`` in a process path is matched as
itself rather than as a wildcard, and through PyYAML's safe emitter so that a title with ``: ``
or a value that looks like a number stays text. Rule ids are UUIDv5 of the technique and the
variant, so a rule keeps its id from one run to the next.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterable
from datetime import date
from typing import Any, Final

import yaml

from d3fgraph.detection.attack_tags import attack_tags
from d3fgraph.detection.mapping_model import SysmonMapping
from d3fgraph.detection.rule_model import DetectionRule, SigmaVariant
from d3fgraph.detection.rules import build_rule
from d3fgraph.detection.sysmon_mapping import load_sysmon_mapping
from d3fgraph.errors import D3fgraphWarning
from d3fgraph.model.event_model import EventModel
from d3fgraph.scoring import TelemetryLayer

__all__ = [
    "AUTHOR",
    "RULES_DATE",
    "RULE_NAMESPACE",
    "TITLE_LIMIT",
    "render_rule",
    "render_sigma",
    "rule_id",
    "rule_title",
    "sigma_literal",
    "title_case",
]

#: UUIDv5 of the URL https://w3id.org/d3fgraph/sigma-rules under the URL namespace: the
#: namespace of every rule id d3fgraph writes.
RULE_NAMESPACE: Final = uuid.UUID("6df44385-5077-5412-890a-b7111401b4d9")

#: When the rule logic last changed. A fixed date keeps generated rules byte-stable; move it
#: forward when a change to this renderer or to the mapping data changes what rules match.
RULES_DATE: Final = date(2026, 12, 4)

AUTHOR: Final = "d3fgraph"

_TITLE_SUFFIX: Final = {
    SigmaVariant.DEFINITIONAL: "",
    SigmaVariant.OCSF_NATIVE: " - OCSF Native Fields",
}
_SHORT_TITLE_SUFFIX: Final = {
    SigmaVariant.DEFINITIONAL: "",
    SigmaVariant.OCSF_NATIVE: " - OCSF Native",
}
_SIGMA_SPECIAL: Final = frozenset("*?\\")

#: The longest title SigmaHQ's title-length validator accepts.
TITLE_LIMIT: Final = 110

#: Words a title in title case leaves in lower case, as SigmaHQ's conventions list them.
_MINOR_WORDS: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "new",
        "of",
        "on",
        "or",
        "over",
        "the",
        "through",
        "to",
        "via",
        "with",
        "without",
    ]
)


def rule_id(technique_id: str, variant: SigmaVariant | str) -> uuid.UUID:
    """Return the stable id of one technique's rule in one variant."""
    return uuid.uuid5(RULE_NAMESPACE, f"{technique_id}/{SigmaVariant(variant).value}")


def sigma_literal(value: str) -> str:
    r"""Return ``value`` written so that Sigma matches it literally.

    Sigma reads ``*`` and ``?`` as wildcards and a backslash as their escape, but keeps a
    backslash before any other character. Only what would change meaning is escaped, so
    Windows paths stay readable: ``C:\Windows\notepad.exe`` is unchanged, while ``a*b``
    becomes ``a\*b``.
    """
    out = []
    for index, char in enumerate(value):
        if char in "*?":
            out.append("\\" + char)
        elif char == "\\":
            following = value[index + 1] if index + 1 < len(value) else ""
            # Before a special character a lone backslash would escape it. At the end, the
            # Sigma specification leaves a lone one undefined, while a doubled one means one
            # backslash to every pySigma release.
            out.append("\\\\" if following in _SIGMA_SPECIAL or not following else "\\")
        else:
            out.append(char)
    return "".join(out)


def render_sigma(
    model: EventModel,
    variant: SigmaVariant | str = SigmaVariant.DEFINITIONAL,
    *,
    mapping: SysmonMapping | None = None,
    tactics: Iterable[str] = (),
    layer: TelemetryLayer | str | None = None,
) -> str:
    """Return the Sigma rule of ``model`` in one variant, as YAML ending with a newline.

    Args:
        model: The technique's event model.
        variant: ``definitional`` (the default), ``ocsf-native`` or ``sysmon``.
        mapping: The Sysmon-to-OCSF mapping; by default the file shipped with d3fgraph.
        tactics: The technique's D3FEND tactic classes, as ``find_tactics`` returns them;
            without them the rule carries only the technique tag.
        layer: The telemetry layer of the sensor, when known (see ``build_rule``).

    Raises:
        UnsupportedRuleError: The variant needs mapping data the file lacks for the technique.
        MappingFileError: The shipped mapping file is broken.
        ValueError: ``variant`` or ``layer`` is not one of the known values.
    """
    if mapping is None:
        mapping = load_sysmon_mapping()
    return render_rule(build_rule(model, variant, mapping, layer=layer), tactics)


def rule_title(rule: DetectionRule) -> str:
    """Return the rule's title: technique, id and variant, within SigmaHQ's length limit.

    A title too long is shortened step by step: the variant by its short name, then the
    technique by its own name without its parent's ("Exfiltration Over Alternative Protocol:
    ..."), and only then cut, with an ellipsis.
    """
    name = title_case(rule.technique.name)
    own_name = name.rpartition(": ")[2]
    suffix = _TITLE_SUFFIX.get(rule.variant, f" - {rule.source_name}")
    short_suffix = _SHORT_TITLE_SUFFIX.get(
        rule.variant, f" - {rule.short_source_name or rule.source_name}"
    )
    candidates = [
        f"{name} ({rule.technique.id}){suffix}",
        f"{name} ({rule.technique.id}){short_suffix}",
        f"{own_name} ({rule.technique.id}){short_suffix}",
    ]
    for title in candidates:
        if len(title) <= TITLE_LIMIT:
            return title
    tail = f" ({rule.technique.id}){short_suffix}"
    return own_name[: TITLE_LIMIT - len(tail) - 1].rstrip() + "\u2026" + tail


def title_case(name: str) -> str:
    """Return an ATT&CK name with each lower-case word capitalised, except the minor ones.

    ATT&CK writes some names in sentence case ("Space after Filename"); Sigma titles are in
    title case. Words holding a dot, slash or underscore, or starting with a digit, are
    names of files and paths and keep their spelling, as do words already capitalised.
    """
    return " ".join(
        word[0].upper() + word[1:]
        if word.islower()
        and word not in _MINOR_WORDS
        and not any(mark in word for mark in "./_")
        and not word[0].isdigit()
        else word
        for word in name.split(" ")
    )


def render_rule(rule: DetectionRule, tactics: Iterable[str] = ()) -> str:
    """Return a built rule as Sigma YAML, ending with a newline.

    Without ``tactics`` the rule is still valid but carries only the technique tag, which
    SigmaHQ's conventions flag; a ``D3fgraphWarning`` says so.
    """
    tactics = tuple(tactics)
    if not tactics:
        msg = (
            f"no ATT&CK tactic was given for {rule.technique.id}, so its Sigma rule carries only "
            "the technique tag; pass tactics=find_tactics(kg.store, technique_id)"
        )
        warnings.warn(msg, D3fgraphWarning, stacklevel=2)
    detection: dict[str, Any] = {
        "selection": {field: _value(values) for field, values in rule.selection.items()},
        "condition": "selection",
    }
    document: dict[str, Any] = {
        "title": rule_title(rule),
        "id": str(rule_id(rule.technique.id, rule.variant)),
        "status": "experimental",
        "description": _Folded(rule.summary),
        "references": list(rule.references),
        "author": AUTHOR,
        "date": RULES_DATE,
        "tags": list(attack_tags(rule.technique.id, tactics)),
        "logsource": {"product": rule.product, "category": rule.category},
        "detection": detection,
        "falsepositives": list(rule.falsepositives),
        "level": rule.level,
    }
    return yaml.dump(
        document,
        Dumper=_RuleDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=96,
    )


def _value(values: tuple[int | str, ...]) -> Any:
    written = [sigma_literal(v) if isinstance(v, str) else v for v in values]
    return written[0] if len(written) == 1 else written


class _Folded(str):
    """Text that reads better folded over several lines; the emitter quotes it instead when
    folding could not keep it exact."""

    __slots__ = ()


class _RuleDumper(yaml.SafeDumper):
    """Safe emitter that indents list items under their key, as Sigma rules are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


# YAML reads these as line breaks. PyYAML writes them unescaped in plain, single-quoted and
# block scalars when unicode output is allowed, and reads them back as folded spaces; only its
# double-quoted style escapes them.
_YAML_BREAKS: Final = frozenset("\x85\u2028\u2029")


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if _YAML_BREAKS.intersection(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_folded(dumper: yaml.SafeDumper, text: _Folded) -> yaml.ScalarNode:
    style = '"' if _YAML_BREAKS.intersection(text) else ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(text), style=style)


_RuleDumper.add_representer(str, _represent_text)
_RuleDumper.add_representer(_Folded, _represent_folded)
