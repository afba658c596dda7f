"""A technique that states d3f:enables itself is not taken for a tactic class of its own."""

from __future__ import annotations

import yaml

from d3fgraph.cli import main
from d3fgraph.detection import find_tactics


class TestTechniqueOwnEnablesTactic:
    def test_find_tactics_leaves_out_the_technique_itself(self, knowledge):
        """T1068 enables a tactic itself; only its ancestor tactic class is returned."""
        tactics = find_tactics(knowledge.store, "T1068")

        assert tactics == ("d3f:PrivilegeEscalationTechnique",)

    def test_sigma_prints_no_warning_and_the_right_tags(self, capsys, cli_env):
        """d3fgraph sigma T1068 warns of no unknown tactic class and tags its one tactic."""
        code = main(["sigma", "T1068"])

        out, err = capsys.readouterr()
        assert (code, err) == (0, "")
        assert yaml.safe_load(out)["tags"] == ["attack.privilege-escalation", "attack.t1068"]
