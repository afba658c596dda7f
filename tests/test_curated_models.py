"""Every shipped technique model, built on the real D3FEND 1.2.0 and OCSF 1.8.0 data.

The table below is what each model was curated to say: the OCSF event class and activity, the
native flag of every field, and the ATT&CK tactics D3FEND files the technique under. A new model
file needs a row here, so that what it claims is checked, not merely that it loads.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from pyoxigraph import NamedNode

from d3fgraph.namespaces import D3F, d3f_curie
from d3fgraph.resources import shipped_model_files

SHIPPED = sorted(shipped_model_files())

# A tactic class is an ancestor of the technique that D3FEND says enables an ATT&CK tactic
# (d3f:DefenseEvasionTechnique enables TA0005). The source ontology states "enables" as an OWL
# restriction and the released one also as a direct triple, so both are matched.
TACTICS_QUERY = """
SELECT DISTINCT ?id ?tactic WHERE {
  ?technique d3f:attack-id ?id ;
             rdfs:subClassOf* ?tactic .
  {
    ?tactic rdfs:subClassOf ?restriction .
    ?restriction owl:onProperty d3f:enables ;
                 owl:someValuesFrom ?goal .
  } UNION {
    ?tactic d3f:enables ?goal .
  }
  ?goal rdfs:subClassOf+ d3f:OffensiveTactic .
}
"""

# Whether D3FEND itself links a defensive technique to an artifact or to a class above it, as
# ontologies/queries/artifact-countermeasures.rq reads such links.
ASSERTED_QUERY = """
ASK {
  ?countermeasure rdfs:subClassOf ?restriction .
  ?restriction owl:onProperty ?property ;
               owl:someValuesFrom ?actsOn .
  FILTER(?property != d3f:enables)
  ?artifact rdfs:subClassOf* ?actsOn .
}
"""

CREDENTIAL_ACCESS = "d3f:CredentialAccessTechnique"
COMMAND_AND_CONTROL = "d3f:CommandAndControlTechnique"
DEFENSE_EVASION = "d3f:DefenseEvasionTechnique"
EXECUTION = "d3f:ExecutionTechnique"
IMPACT = "d3f:ImpactTechnique"
LATERAL_MOVEMENT = "d3f:LateralMovementTechnique"
PERSISTENCE = "d3f:PersistenceTechnique"
PRIVILEGE_ESCALATION = "d3f:PrivilegeEscalationTechnique"


class Curated(NamedTuple):
    """What one model file was curated to say."""

    class_uid: int
    activity_id: int
    native: dict[str, bool]
    tactics: tuple[str, ...]


EXPECTED: dict[str, Curated] = {
    "T1003.001": Curated(
        1007,
        3,
        {"process.file.name": True, "actual_permissions": True, "actor.process.file.path": True},
        (CREDENTIAL_ACCESS,),
    ),
    "T1021.001": Curated(
        3002,
        1,
        {"logon_type_id": True, "src_endpoint.ip": True, "user.name": True, "session.uid": True},
        (LATERAL_MOVEMENT,),
    ),
    "T1047": Curated(
        1007,
        1,
        {"actor.process.file.name": True, "process.cmd_line": True, "process.file.path": True},
        (EXECUTION,),
    ),
    "T1053.005": Curated(
        1006,
        1,
        {
            "job.name": True,
            "job.cmd_line": True,
            "job.user.name": True,
            "actor.process.file.path": True,
        },
        (EXECUTION, PERSISTENCE, PRIVILEGE_ESCALATION),
    ),
    # api exists on Process Activity only through the cloud profile.
    "T1055.001": Curated(
        1007,
        4,
        {"actor.process.file.path": True, "process.pid": True, "api.operation": False},
        (DEFENSE_EVASION, PRIVILEGE_ESCALATION),
    ),
    "T1055.002": Curated(
        1007,
        4,
        {
            "actor.process.file.path": True,
            "process.pid": True,
            "injection_type_id": True,
            "module.load_type_id": True,
            "module.start_address": True,
        },
        (DEFENSE_EVASION, PRIVILEGE_ESCALATION),
    ),
    "T1055.003": Curated(
        1007,
        4,
        {"actor.process.file.path": True, "process.pid": True, "api.operation": False},
        (DEFENSE_EVASION, PRIVILEGE_ESCALATION),
    ),
    "T1055.004": Curated(
        1007,
        4,
        {
            "actor.process.file.path": True,
            "process.file.path": True,
            "process.pid": True,
            "injection_type_id": True,
        },
        (DEFENSE_EVASION, PRIVILEGE_ESCALATION),
    ),
    "T1055.012": Curated(
        1004,
        8,
        {
            "actor.process.file.path": True,
            "process.file.path": True,
            "base_address": True,
            "size": True,
        },
        (DEFENSE_EVASION, PRIVILEGE_ESCALATION),
    ),
    "T1059.001": Curated(
        1009,
        1,
        {
            "script.type_id": True,
            "script.script_content.value": True,
            "actor.process.file.path": True,
        },
        (EXECUTION,),
    ),
    "T1070.001": Curated(
        1008,
        1,
        {"log_name": True, "actor.user.name": True},
        (DEFENSE_EVASION,),
    ),
    # HTTP Activity holds actor only through the host profile.
    "T1071.001": Curated(
        4002,
        3,
        {
            "connection_info.direction_id": True,
            "http_request.url.hostname": True,
            "http_request.user_agent": True,
            "dst_endpoint.ip": True,
            "actor.process.file.path": False,
        },
        (COMMAND_AND_CONTROL,),
    ),
    # ATT&CK files Rundll32 under Defense Evasion only; D3FEND 1.2.0 adds Execution.
    "T1218.011": Curated(
        1007,
        1,
        {
            "process.file.internal_name": True,
            "process.file.path": True,
            "process.cmd_line": True,
            "actor.process.file.path": True,
        },
        (DEFENSE_EVASION, EXECUTION),
    ),
    "T1486": Curated(
        1001,
        10,
        {"actor.process.file.path": True, "file.path": True},
        (IMPACT,),
    ),
    # Windows extension classes: their own attributes are native.
    "T1543.003": Curated(
        201004,
        1,
        {
            "win_service.name": True,
            "win_service.cmd_line": True,
            "win_service.service_file.path": True,
            "win_service.service_start_type_id": True,
            "actor.process.file.path": True,
        },
        (PERSISTENCE, PRIVILEGE_ESCALATION),
    ),
    "T1547.001": Curated(
        201002,
        2,
        {
            "reg_value.path": True,
            "reg_value.name": True,
            "reg_value.reg_string_data": True,
            "actor.process.file.path": True,
        },
        (PERSISTENCE, PRIVILEGE_ESCALATION),
    ),
}

# Curated countermeasures whose link D3FEND already asserts. T1055.001 names Process Segment
# Execution Prevention, which D3FEND links to d3f:ProcessSegment itself; the model keeps it to
# explain ACG. Every other curated link must be one D3FEND lacks.
ASSERTED_CURATED: dict[str, list[tuple[str, str]]] = {
    "T1055.001": [("d3f:ProcessSegmentExecutionPrevention", "d3f:ProcessSegment")],
}


def tactics_of(knowledge, technique_id: str) -> tuple[str, ...]:
    """The D3FEND tactic classes of a technique, sorted."""
    rows = knowledge.query(TACTICS_QUERY, {"id": technique_id})
    return tuple(sorted({d3f_curie(row["tactic"]) for row in rows}))


def d3f_term(curie: str) -> NamedNode:
    """The IRI of a ``d3f:Name``."""
    return D3F.term(curie.removeprefix("d3f:"))


class TestCuratedModels:
    def test_every_shipped_model_has_a_row(self):
        """The table names exactly the model files that ship, so none goes unchecked."""
        assert sorted(EXPECTED) == SHIPPED

    @pytest.mark.parametrize("technique_id", SHIPPED)
    def test_model_records_the_curated_event(self, knowledge, technique_id):
        """Each model builds on the real data with the class and activity it was curated for."""
        expected = EXPECTED[technique_id]

        model = knowledge.model(technique_id)

        assert model.technique.id == technique_id
        assert (model.event.class_uid, model.event.activity_id) == (
            expected.class_uid,
            expected.activity_id,
        )

    @pytest.mark.parametrize("technique_id", SHIPPED)
    def test_fields_are_native_as_curated(self, knowledge, technique_id):
        """Every field of each model has the native flag the table gives, and no other field."""
        model = knowledge.model(technique_id)

        assert {f.path: f.native for f in model.fields} == EXPECTED[technique_id].native

    @pytest.mark.parametrize("technique_id", SHIPPED)
    def test_tactics_come_from_d3fend_as_curated(self, knowledge, technique_id):
        """D3FEND files each modelled technique under the tactics the table gives."""
        assert tactics_of(knowledge, technique_id) == EXPECTED[technique_id].tactics

    def test_models_cover_eight_tactics(self, knowledge):
        """Together the shipped models cover eight ATT&CK tactics, as D3FEND files them."""
        covered = {tactic for tid in SHIPPED for tactic in tactics_of(knowledge, tid)}

        assert covered == {
            COMMAND_AND_CONTROL,
            CREDENTIAL_ACCESS,
            DEFENSE_EVASION,
            EXECUTION,
            IMPACT,
            LATERAL_MOVEMENT,
            PERSISTENCE,
            PRIVILEGE_ESCALATION,
        }

    @pytest.mark.parametrize("technique_id", SHIPPED)
    def test_curated_countermeasures_add_links_d3fend_lacks(self, knowledge, technique_id):
        """A curated countermeasure states a link D3FEND does not, except the listed ones."""
        model = knowledge.model(technique_id)
        classes = {entity.id: entity.d3fend_class for entity in model.entities}

        asserted = []
        for cm in model.countermeasures:
            artifact = cm.artifact or classes[cm.entity]
            bindings = {"countermeasure": d3f_term(cm.technique), "artifact": d3f_term(artifact)}
            if knowledge.query(ASSERTED_QUERY, bindings):
                asserted.append((cm.technique, artifact))

        assert asserted == ASSERTED_CURATED.get(technique_id, [])
