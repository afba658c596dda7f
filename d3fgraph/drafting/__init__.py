"""Drafted event models: techniques without a curated model, modelled from D3FEND's axioms.

Two project tables drive the drafts: ``ontologies/mappings/artifact-ocsf.yaml`` says which OCSF
event observes an action on each D3FEND artifact, ``invariance-defaults.yaml`` how far an
adversary controls each OCSF attribute. ``Drafter`` joins them with D3FEND.
"""

from d3fgraph.drafting._yaml import MappingFileError
from d3fgraph.drafting.artifact_check import check_artifact_map
from d3fgraph.drafting.artifact_map import (
    ArtifactMap,
    ArtifactRow,
    ImpliedField,
    PropertyRow,
    RowSource,
    load_artifact_map,
    read_artifact_map,
)
from d3fgraph.drafting.draft import Drafter
from d3fgraph.drafting.invariance_defaults import (
    InvarianceDefault,
    InvarianceDefaults,
    load_invariance_defaults,
    read_invariance_defaults,
)
from d3fgraph.drafting.links import ArtifactLink, AttackTechnique, D3fendIndex, LinkOrigin
from d3fgraph.drafting.plan import DraftPlan, Unseen, UnseenReason
from d3fgraph.drafting.resolve import LinkResolution, Resolver

__all__ = [
    "ArtifactLink",
    "ArtifactMap",
    "ArtifactRow",
    "AttackTechnique",
    "D3fendIndex",
    "DraftPlan",
    "Drafter",
    "ImpliedField",
    "InvarianceDefault",
    "InvarianceDefaults",
    "LinkOrigin",
    "LinkResolution",
    "MappingFileError",
    "PropertyRow",
    "Resolver",
    "RowSource",
    "Unseen",
    "UnseenReason",
    "check_artifact_map",
    "load_artifact_map",
    "load_invariance_defaults",
    "read_artifact_map",
    "read_invariance_defaults",
]
