"""Event models built by hand, for tests of renderers that need no ontology."""

from __future__ import annotations

from d3fgraph.model.event_model import (
    Entity,
    EventModel,
    OcsfEventRef,
    Primitive,
    Relation,
    TechniqueRef,
)
from d3fgraph.model.vocab import ModelStatus, Role


def make_model(
    entities: tuple[Entity, ...] | None = None, relations: tuple[Relation, ...] = ()
) -> EventModel:
    return EventModel(
        technique=TechniqueRef("T1055.001", "Process Injection: DLL Injection", "T1055"),
        primitive=Primitive("d3f:Process", "write", "d3f:ProcessSegment", "Write a DLL."),
        event=OcsfEventRef("process_activity", "Process Activity", 1007, 4, "Inject"),
        entities=entities
        or (
            Entity(
                "actor_process", "Injector Process", "actor.process", "d3f:Process", Role.ATTACKER
            ),
            Entity("device", "Host", "device", "d3f:Host", Role.TAINTED),
        ),
        relations=relations,
        fields=(),
        status=ModelStatus.CURATED,
    )
