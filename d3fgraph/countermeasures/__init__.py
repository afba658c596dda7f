"""Countermeasures of ATT&CK techniques: D3FEND's defensive techniques, with their reasons.

``find_countermeasures`` joins a technique to D3FEND through the artifacts it touches and
says, for each countermeasure, whether D3FEND asserts it, d3fgraph inferred it (with the
triples that explain it) or an analyst curated it; ``countermeasure_graph`` turns the answer
into a networkx graph for notebooks.
"""

from __future__ import annotations

from d3fgraph.countermeasures.evidence import (
    OffensiveRelation,
    Provenance,
    Target,
    TargetOrigin,
    Triple,
)
from d3fgraph.countermeasures.graph_view import countermeasure_graph, explain
from d3fgraph.countermeasures.join import countermeasures_of, find_countermeasures
from d3fgraph.countermeasures.queries import run_saved_query
from d3fgraph.countermeasures.report import Countermeasure, CountermeasureReport
from d3fgraph.countermeasures.tactics import InvalidTacticError, Stance, Tactic, parse_tactics

__all__ = [
    "Countermeasure",
    "CountermeasureReport",
    "InvalidTacticError",
    "OffensiveRelation",
    "Provenance",
    "Stance",
    "Tactic",
    "Target",
    "TargetOrigin",
    "Triple",
    "countermeasure_graph",
    "countermeasures_of",
    "explain",
    "find_countermeasures",
    "parse_tactics",
    "run_saved_query",
]
