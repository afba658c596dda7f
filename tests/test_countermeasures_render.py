"""The table, JSON and Markdown renderings of a countermeasure report, byte for byte."""

from __future__ import annotations

import json

from d3fgraph.countermeasures import (
    Countermeasure,
    CountermeasureReport,
    Provenance,
    Tactic,
    Target,
    TargetOrigin,
    Triple,
)
from d3fgraph.render.countermeasures import (
    RENDERERS,
    render_countermeasures_json,
    render_countermeasures_markdown,
    render_countermeasures_table,
)

ACTOR = Target(
    key="actor.process",
    artifact="d3f:Process",
    origin=TargetOrigin.ENTITY,
    node="d3gm:T1055.001/entity/actor_process",
    lead=(Triple("d3gm:T1055.001/entity/actor_process", "d3g:d3fendClass", "d3f:Process"),),
    entity="actor_process",
    ocsf_path="actor.process",
)
SEGMENT = Target(
    key="d3f:ProcessSegment",
    artifact="d3f:ProcessSegment",
    origin=TargetOrigin.PRIMITIVE,
    node="d3f:ProcessSegment",
    lead=(Triple("d3gm:T1055.001", "d3g:primitiveTarget", "d3f:ProcessSegment"),),
)
TERMINATION = Countermeasure(
    technique="d3f:ProcessTermination",
    d3fend_id="D3-PT",
    label="Process Termination",
    tactic=Tactic.EVICT,
    target=ACTOR,
    property="d3f:terminates",
    acts_on="d3f:Process",
    provenance=(Provenance.OFFICIAL,),
    path=(*ACTOR.lead, Triple("d3f:ProcessTermination", "d3f:terminates", "d3f:Process")),
)
PREVENTION = Countermeasure(
    technique="d3f:ProcessSegmentExecutionPrevention",
    d3fend_id="D3-PSEP",
    label="Process Segment Execution Prevention",
    tactic=Tactic.HARDEN,
    target=SEGMENT,
    property="d3f:neutralizes",
    acts_on="d3f:ProcessSegment",
    provenance=(Provenance.OFFICIAL, Provenance.CURATED),
    path=(
        *SEGMENT.lead,
        Triple("d3f:ProcessSegmentExecutionPrevention", "d3f:neutralizes", "d3f:ProcessSegment"),
    ),
    reason="ACG | stops it.",
)


def report(*items: Countermeasure, reason: str | None = None) -> CountermeasureReport:
    return CountermeasureReport(
        technique_id="T1055.001",
        technique="d3f:T1055.001",
        label="Dynamic-link Library Injection",
        modelled=True,
        relations=(),
        targets=(ACTOR, SEGMENT),
        countermeasures=items,
        empty_reason=reason,
        notes=("a note",),
    )


class TestRenderTable:
    def test_groups_respond_before_mitigate(self):
        """The responder's question comes first, each stance a table of its own."""
        text = render_countermeasures_table(report(TERMINATION, PREVENTION))

        assert text == (
            "T1055.001  Dynamic-link Library Injection (d3f:T1055.001)\n"
            "2 countermeasure links to 2 defensive techniques; links by provenance: official 2, "
            "curated 1.\n"
            "\n"
            "RESPOND: WHAT TO DO NOW\n"
            "  TACTIC  ID     COUNTERMEASURE       TARGET         PROPERTY    ACTS ON      "
            "PROVENANCE\n"
            "  Evict   D3-PT  Process Termination  actor.process  terminates  d3f:Process  "
            "official\n"
            "\n"
            "MITIGATE: WHAT WOULD HAVE STOPPED IT\n"
            "  TACTIC  ID       COUNTERMEASURE                        TARGET              "
            "PROPERTY     ACTS ON             PROVENANCE\n"
            "  Harden  D3-PSEP  Process Segment Execution Prevention  d3f:ProcessSegment  "
            "neutralizes  d3f:ProcessSegment  official, curated\n"
            "note: a note\n"
        )

    def test_empty_report_prints_the_reason(self):
        """An empty answer is the title, the reason and the notes."""
        text = render_countermeasures_table(report(reason="nothing acts on the clipboard"))

        assert text == (
            "T1055.001  Dynamic-link Library Injection (d3f:T1055.001)\n"
            "No countermeasures: nothing acts on the clipboard.\n"
            "note: a note\n"
        )


class TestRenderMarkdown:
    def test_writes_a_table_per_tactic_with_reasons_and_paths(self):
        """Each row says why, and a pipe in a reason cannot break the table."""
        text = render_countermeasures_markdown(report(PREVENTION))

        assert text == (
            "# Countermeasures for T1055.001: Dynamic-link Library Injection\n"
            "\n"
            "1 countermeasure link to 1 defensive technique; links by provenance: official 1, "
            "curated 1.\n"
            "\n"
            "## Mitigate: what would have stopped it\n"
            "\n"
            "### Harden\n"
            "\n"
            "| D3FEND | Countermeasure | Target | Property | Acts on | Provenance | Why |\n"
            "|---|---|---|---|---|---|---|\n"
            "| D3-PSEP | Process Segment Execution Prevention "
            "(`d3f:ProcessSegmentExecutionPrevention`) | `d3f:ProcessSegment` | neutralizes | "
            "`d3f:ProcessSegment` | official, curated | ACG \\| stops it. (d3gm:T1055.001 "
            "d3g:primitiveTarget d3f:ProcessSegment; d3f:ProcessSegmentExecutionPrevention "
            "d3f:neutralizes d3f:ProcessSegment) |\n"
            "\n"
            "## Notes\n"
            "\n"
            "- a note\n"
        )


class TestRenderJson:
    def test_is_the_report_as_a_dict(self):
        """The JSON holds everything to_dict does, paths as lists of three terms."""
        text = render_countermeasures_json(report(TERMINATION))

        assert json.loads(text) == report(TERMINATION).to_dict()
        assert json.loads(text)["countermeasures"][0]["path"] == [
            ["d3gm:T1055.001/entity/actor_process", "d3g:d3fendClass", "d3f:Process"],
            ["d3f:ProcessTermination", "d3f:terminates", "d3f:Process"],
        ]
        assert text.endswith("}\n")

    def test_every_format_has_a_renderer(self):
        """The command's three formats each map to a renderer."""
        assert sorted(RENDERERS) == ["json", "markdown", "table"]
