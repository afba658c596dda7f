"""Evidence for detection rules: run them on recorded attacks, and convert them for SIEMs.

A rule never run against an attack is a guess. This package reads recorded event logs
(``read_events``), maps their Sysmon events to OCSF with the project's mapping table
(``SysmonToOcsf``), runs every rule variant of a technique on them with pySigma's SQLite
backend (``collect_evidence``), and reports which rules fired where and why
(``EvidenceReport``). ``convert_rule`` turns the same rules into queries for any installed
pySigma backend. pySigma is an optional dependency: ``pip install 'd3fgraph[evidence]'``.
"""

from d3fgraph.evidence.collect import collect_evidence
from d3fgraph.evidence.conversion import (
    MissingEngineError,
    RuleConversionError,
    UnknownBackendError,
    check_plugins,
    convert_rule,
    installed_backends,
    installed_pipelines,
    sysmon_pipeline,
)
from d3fgraph.evidence.engine import EventTable, FunnelStep, field_value
from d3fgraph.evidence.events import EventLog, EventLogError, SkippedLine, read_events
from d3fgraph.evidence.metadata import (
    DatasetMetadata,
    DatasetMetadataError,
    read_dataset_metadata,
)
from d3fgraph.evidence.report import (
    EventMatch,
    EvidenceReport,
    Outcome,
    RecordingEvidence,
    RuleResult,
    Verdict,
)
from d3fgraph.evidence.sysmon_to_ocsf import SYSMON_CHANNEL, SysmonToOcsf, sysmon_event_id

__all__ = [
    "SYSMON_CHANNEL",
    "DatasetMetadata",
    "DatasetMetadataError",
    "EventLog",
    "EventLogError",
    "EventMatch",
    "EventTable",
    "EvidenceReport",
    "FunnelStep",
    "MissingEngineError",
    "Outcome",
    "RecordingEvidence",
    "RuleConversionError",
    "RuleResult",
    "SkippedLine",
    "SysmonToOcsf",
    "UnknownBackendError",
    "Verdict",
    "check_plugins",
    "collect_evidence",
    "convert_rule",
    "field_value",
    "installed_backends",
    "installed_pipelines",
    "read_dataset_metadata",
    "read_events",
    "sysmon_event_id",
    "sysmon_pipeline",
]
