"""ATT&CK tags for Sigma rules, with the tactics read from D3FEND rather than typed by hand.

D3FEND files every ATT&CK technique under one class per tactic (``T1055`` is a
``d3f:DefenseEvasionTechnique`` and a ``d3f:PrivilegeEscalationTechnique``); a sub-technique
inherits them from its parent. Sigma names tactics by ATT&CK's short names, which the table
below gives for each of those D3FEND classes.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from typing import Final

from pyoxigraph import NamedNode, Store

from d3fgraph.errors import D3fgraphWarning
from d3fgraph.namespaces import d3f_curie
from d3fgraph.query import select
from d3fgraph.techniques import parse_technique_id

__all__ = ["TACTIC_TAGS", "attack_tags", "find_tactics"]

logger = logging.getLogger(__name__)

#: Sigma's tag for each D3FEND class that groups the techniques of one ATT&CK tactic.
TACTIC_TAGS: Final[dict[str, str]] = {
    "d3f:ReconnaissanceTechnique": "attack.reconnaissance",
    "d3f:ResourceDevelopmentTechnique": "attack.resource-development",
    "d3f:InitialAccessTechnique": "attack.initial-access",
    "d3f:ExecutionTechnique": "attack.execution",
    "d3f:PersistenceTechnique": "attack.persistence",
    "d3f:PrivilegeEscalationTechnique": "attack.privilege-escalation",
    "d3f:DefenseEvasionTechnique": "attack.defense-evasion",
    "d3f:CredentialAccessTechnique": "attack.credential-access",
    "d3f:DiscoveryTechnique": "attack.discovery",
    "d3f:LateralMovementTechnique": "attack.lateral-movement",
    "d3f:CollectionTechnique": "attack.collection",
    "d3f:CommandAndControlTechnique": "attack.command-and-control",
    "d3f:ExfiltrationTechnique": "attack.exfiltration",
    "d3f:ImpactTechnique": "attack.impact",
}

# A tactic class is a proper ancestor that D3FEND says enables an ATT&CK tactic (TA0005 and so
# on, each a subclass of d3f:OffensiveTactic; OffensiveTechnique itself enables only the
# abstract d3f:OffensiveTactic, hence the one-or-more path to it). Some techniques, such as
# T1068, state d3f:enables themselves, so the technique is left out of its own ancestors. The
# source ontology states "enables" as an OWL restriction, the released one also as a direct
# triple; both are matched.
_TACTICS_QUERY: Final = """
SELECT DISTINCT ?id ?tactic WHERE {
  ?technique d3f:attack-id ?id .
  ?technique rdfs:subClassOf+ ?tactic .
  {
    ?tactic rdfs:subClassOf ?restriction .
    ?restriction owl:onProperty d3f:enables ; owl:someValuesFrom ?goal .
  } UNION {
    ?tactic d3f:enables ?goal .
  }
  ?goal rdfs:subClassOf+ d3f:OffensiveTactic .
}
"""


def find_tactics(store: Store, technique_id: str) -> tuple[str, ...]:
    """Return the D3FEND tactic classes of a technique, as sorted ``d3f:`` names.

    Raises:
        InvalidTechniqueIdError: The id is not shaped like ``T1055.001``.
        QueryError: The query fails on the store.
    """
    technique_id = parse_technique_id(technique_id)
    rows = select(store, _TACTICS_QUERY, {"id": technique_id})
    found = sorted({d3f_curie(t) for row in rows if isinstance(t := row["tactic"], NamedNode)})
    logger.debug("D3FEND files %s under %s", technique_id, ", ".join(found) or "no tactic")
    return tuple(found)


def attack_tags(technique_id: str, tactics: Iterable[str]) -> tuple[str, ...]:
    """Return Sigma's ATT&CK tags: tactics (sorted) first, then the technique.

    A tactic class missing from ``TACTIC_TAGS`` (a newer D3FEND release) is left out with a
    ``D3fgraphWarning``, since a wrong tag is worse than a missing one.

    Raises:
        InvalidTechniqueIdError: The id is not shaped like ``T1055.001``.
    """
    technique_id = parse_technique_id(technique_id)
    tags = set()
    for tactic in tactics:
        tag = TACTIC_TAGS.get(tactic)
        if tag is None:
            msg = (
                f"no Sigma tag is known for the D3FEND tactic class {tactic!r}; the rule for "
                f"{technique_id} leaves it out. Known classes: {', '.join(sorted(TACTIC_TAGS))}"
            )
            warnings.warn(msg, D3fgraphWarning, stacklevel=2)
            continue
        tags.add(tag)
    return (*sorted(tags), f"attack.{technique_id.lower()}")
