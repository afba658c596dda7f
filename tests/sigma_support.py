"""Hand-built event models for the scoring and Sigma tests, so they need no ontology loaded.

``t1055_001_model()`` states what ``ontologies/techniques/T1055.001.yaml`` holds after it is
checked against D3FEND 1.2.0 and OCSF 1.8.0, and ``t1547_001_model()`` the same of T1547.001;
the real-data tests compare each with the shipped model.
"""

from __future__ import annotations

import dataclasses

from d3fgraph.model.event_model import (
    Entity,
    EventModel,
    ObservedField,
    OcsfEventRef,
    Primitive,
    Relation,
    TechniqueRef,
)
from d3fgraph.model.vocab import InvarianceClass, ModelStatus, Role

#: D3FEND files T1055, and so T1055.001, under these tactic classes.
T1055_TACTICS = ("d3f:DefenseEvasionTechnique", "d3f:PrivilegeEscalationTechnique")

#: D3FEND files T1547.001 under these tactic classes.
T1547_TACTICS = ("d3f:PersistenceTechnique", "d3f:PrivilegeEscalationTechnique")

API_OPERATION = ObservedField(
    path="api.operation",
    entity="injection_api",
    invariance=InvarianceClass.INVARIANT,
    rationale=(
        "= CreateRemoteThread. The call that starts the injected code; other T1055.001 "
        "implementations use NtCreateThreadEx, RtlCreateUserThread or APC queues instead."
    ),
    value="CreateRemoteThread",
    core_to="some_implementations",
    native=False,
    requires=("profile:cloud",),
    ocsf_type="string_t",
)
INJECTOR_PATH = ObservedField(
    path="actor.process.file.path",
    entity="actor_process",
    invariance=InvarianceClass.ATTACKER_CONTROLLED,
    rationale="Injector binary path — attacker-chosen, easily changed",
    ocsf_type="file_path_t",
)
TARGET_PID = ObservedField(
    path="process.pid",
    entity="target_process",
    invariance=InvarianceClass.VARIABLE,
    rationale="Target process identifier — OS-assigned, varies per execution",
    ocsf_type="integer_t",
)


def t1055_001_model() -> EventModel:
    """Return the curated T1055.001 model as the YAML and the build step make it."""
    return EventModel(
        technique=TechniqueRef(
            id="T1055.001",
            name="Process Injection: DLL Injection",
            parent="T1055",
            d3fend_label="Dynamic-link Library Injection",
        ),
        primitive=Primitive(
            actor="d3f:Process",
            action="write",
            target="d3f:ProcessSegment",
            description=(
                "Write a DLL or shellcode into a target process's address space and execute "
                "it by spawning a remote thread via CreateRemoteThread."
            ),
        ),
        event=OcsfEventRef(
            class_name="process_activity",
            class_caption="Process Activity",
            class_uid=1007,
            activity_id=4,
            activity_caption="Inject",
        ),
        entities=(
            Entity(
                "actor_process", "Injector Process", "actor.process", "d3f:Process", Role.ATTACKER
            ),
            Entity("target_process", "Target Process", "process", "d3f:Process", Role.POST_SUCCESS),
            Entity(
                "injection_api",
                "Injection Primitive",
                "api",
                "d3f:SystemCall",
                Role.ATTACKER,
                native=False,
                requires=("profile:cloud",),
            ),
            Entity("device", "Host", "device", "d3f:Host", Role.TAINTED),
        ),
        relations=(Relation("actor_process", "target_process", "injects into"),),
        fields=(INJECTOR_PATH, TARGET_PID, API_OPERATION),
        status=ModelStatus.CURATED,
        source="ontologies/techniques/T1055.001.yaml",
    )


def with_api_operation(value: str) -> EventModel:
    """Return the T1055.001 model with another value for its invariant ``api.operation``."""
    model = t1055_001_model()
    fields = tuple(
        dataclasses.replace(f, value=value) if f.path == "api.operation" else f
        for f in model.fields
    )
    return dataclasses.replace(model, fields=fields)


RUN_KEY_PATH = ObservedField(
    path="reg_value.path",
    entity="run_value",
    invariance=InvarianceClass.INVARIANT,
    rationale=(
        "The key holding the value: Software\\Microsoft\\Windows\\CurrentVersion\\Run or "
        "RunOnce, in HKLM or in a user's hive. The technique is these keys, but the field holds "
        "one of several and producers spell hives differently (HKLM, HKEY_LOCAL_MACHINE, "
        "HKU\\<SID>), so the model names no single value."
    ),
    core_to="technique",
    ocsf_type="reg_key_path_t",
)


def t1547_001_model() -> EventModel:
    """Return the curated T1547.001 model as the YAML and the build step make it."""
    return EventModel(
        technique=TechniqueRef(
            id="T1547.001",
            name="Boot or Logon Autostart Execution: Registry Run Keys / Startup Folder",
            parent="T1547",
            d3fend_label="Registry Run Keys / Startup Folder",
        ),
        primitive=Primitive(
            actor="d3f:Process",
            action="modify",
            target="d3f:SystemConfigurationInitDatabaseRecord",
            description=(
                "Add a value under a Run or RunOnce registry key so Windows starts the "
                "adversary's program every time a user logs on."
            ),
        ),
        event=OcsfEventRef(
            class_name="win/registry_value_activity",
            class_caption="Registry Value Activity",
            class_uid=201002,
            activity_id=2,
            activity_caption="Set",
        ),
        entities=(
            Entity(
                "actor_process", "Writing Process", "actor.process", "d3f:Process", Role.ATTACKER
            ),
            Entity(
                "run_value",
                "Run Key Value",
                "reg_value",
                "d3f:SystemConfigurationInitDatabaseRecord",
                Role.ATTACKER,
            ),
            Entity("device", "Host", "device", "d3f:Host", Role.TAINTED),
        ),
        relations=(Relation("actor_process", "run_value", "writes", "d3f:modifies"),),
        fields=(
            RUN_KEY_PATH,
            ObservedField(
                path="reg_value.name",
                entity="run_value",
                invariance=InvarianceClass.ATTACKER_CONTROLLED,
                rationale=(
                    "Name of the new value, chosen by the adversary, often imitating a vendor's"
                ),
                ocsf_type="string_t",
            ),
            ObservedField(
                path="reg_value.reg_string_data",
                entity="run_value",
                invariance=InvarianceClass.ATTACKER_CONTROLLED,
                rationale=(
                    "The command Windows runs at logon, the adversary's program and its arguments"
                ),
                ocsf_type="string_t",
            ),
            ObservedField(
                path="actor.process.file.path",
                entity="actor_process",
                invariance=InvarianceClass.ATTACKER_CONTROLLED,
                rationale=(
                    "reg.exe, PowerShell or the implant itself; the adversary picks the writer"
                ),
                ocsf_type="file_path_t",
            ),
        ),
        status=ModelStatus.CURATED,
        source="ontologies/techniques/T1547.001.yaml",
    )
