"""The closed vocabularies of an event model: roles of entities and invariance of fields."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["InvarianceClass", "ModelStatus", "Role"]


class Role(StrEnum):
    """What part an entity plays in the technique, seen from the defender's side."""

    #: Controlled by the adversary: the injector process, the primitive it calls.
    ATTACKER = "attacker"
    #: Acted upon and harmed, but not taken over.
    VICTIM = "victim"
    #: Taken over once the technique succeeds: it runs the adversary's code afterwards.
    POST_SUCCESS = "postSuccess"
    #: Not directly acted upon, but no longer trustworthy once the technique ran on it.
    TAINTED = "tainted"


class InvarianceClass(StrEnum):
    """How far an adversary can change a field's value without changing the technique.

    The classes follow the reasoning of the Summiting the Pyramid project: a rule on an
    ``invariant`` field holds for every implementation, one on ``attacker_controlled`` fields
    holds only until the adversary renames a file.
    """

    #: Fixed by the technique itself: the adversary cannot perform it with another value.
    INVARIANT = "invariant"
    #: Changes from run to run, but not by the adversary's choice (a process id).
    VARIABLE = "variable"
    #: Chosen by the adversary (a file path, a command line, a hash of their tool).
    ATTACKER_CONTROLLED = "attacker_controlled"


class ModelStatus(StrEnum):
    """Whether a person checked the model or the library drafted it from D3FEND."""

    CURATED = "curated"
    DRAFTED = "drafted"
