"""Detection rules from event models: Sysmon-to-OCSF mapping, rule variants and ATT&CK tags.

The names below are the public API; the modules behind them are named for what they hold.
"""

from d3fgraph.detection._located import MappingFileError
from d3fgraph.detection.attack_tags import TACTIC_TAGS, attack_tags, find_tactics
from d3fgraph.detection.mapping_model import (
    FieldMapping,
    FieldValues,
    MappedCondition,
    SysmonEvent,
    SysmonMapping,
    TechniqueDetection,
)
from d3fgraph.detection.rule_model import (
    DetectionRule,
    RuleCondition,
    SigmaVariant,
    UnsupportedRuleError,
    ValueMatch,
)
from d3fgraph.detection.rules import DEFAULT_OCSF_LAYER, RULE_LEVELS, build_rule
from d3fgraph.detection.sysmon_mapping import load_sysmon_mapping, read_sysmon_mapping
from d3fgraph.detection.wording import explain_rule

__all__ = [
    "DEFAULT_OCSF_LAYER",
    "RULE_LEVELS",
    "TACTIC_TAGS",
    "DetectionRule",
    "FieldMapping",
    "FieldValues",
    "MappedCondition",
    "MappingFileError",
    "RuleCondition",
    "SigmaVariant",
    "SysmonEvent",
    "SysmonMapping",
    "TechniqueDetection",
    "UnsupportedRuleError",
    "ValueMatch",
    "attack_tags",
    "build_rule",
    "explain_rule",
    "find_tactics",
    "load_sysmon_mapping",
    "read_sysmon_mapping",
]
