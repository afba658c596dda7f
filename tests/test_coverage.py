"""Coverage of ATT&CK: counts that agree with SPARQL on the graph, rows, and every format."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from d3fgraph.cli import main
from d3fgraph.countermeasures import find_countermeasures
from d3fgraph.coverage import (
    CSV_COLUMNS,
    CoverageStatus,
    Robustness,
    build_coverage,
    render_coverage_csv,
    render_coverage_table,
    render_navigator_layer,
)
from d3fgraph.drafting import Unseen, UnseenReason
from d3fgraph.query import select

_CURRENT = "FILTER NOT EXISTS { ?t owl:deprecated true }"
_LINK = """
  ?r owl:onProperty ?p ; owl:someValuesFrom ?a .
  ?a rdfs:subClassOf* d3f:DigitalArtifact .
"""
QUERIES = {
    "techniques": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t d3f:attack-id ?id }",
    "deprecated": (
        "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t d3f:attack-id ?id ; owl:deprecated true }"
    ),
    "current": f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?t d3f:attack-id ?id . {_CURRENT} }}",
    # Linked by its own axioms, its parent technique's, or one of its sub-techniques'.
    "linked": f"""
        SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{
          ?t d3f:attack-id ?id . {_CURRENT}
          {{ ?t rdfs:subClassOf ?r }}
          UNION {{ ?t rdfs:subClassOf ?up . ?up d3f:attack-id ?upId . ?up rdfs:subClassOf ?r }}
          UNION {{ ?down rdfs:subClassOf ?t . ?down d3f:attack-id ?downId .
                   FILTER NOT EXISTS {{ ?down owl:deprecated true }}
                   ?down rdfs:subClassOf ?r }}
          {_LINK}
        }}""",
}


def count(knowledge, name: str) -> int:
    rows = select(knowledge.store, QUERIES[name])
    value = rows[0]["n"]
    assert value is not None
    return int(value.value)


@pytest.fixture(scope="module")
def sparql_counts(knowledge):
    """The counts the issue states, computed directly on the graph."""
    counts = {name: count(knowledge, name) for name in QUERIES}
    counts["unlinked"] = counts["current"] - counts["linked"]
    return counts


@pytest.fixture(scope="module")
def report(knowledge):
    """The coverage report without the slow countermeasure column."""
    return build_coverage(knowledge, countermeasures=False)


def rows_by_id(report):
    return {row.id: row for row in report.techniques}


class TestCountsMatchSparql:
    def test_sparql_gives_the_issue_figures(self, sparql_counts):
        """D3FEND 1.2.0 holds 823 techniques: 144 deprecated, 435 of 679 current linked."""
        assert sparql_counts == {
            "techniques": 823,
            "deprecated": 144,
            "current": 679,
            "linked": 435,
            "unlinked": 244,
        }

    def test_coverage_json_totals_match_sparql(self, capsys, cli_env, sparql_counts, tmp_path):
        """d3fgraph coverage --format json adds up to the same figures as SPARQL."""
        target = tmp_path / "coverage.json"

        code = main(["coverage", "--format", "json", "--no-countermeasures", "-o", str(target)])

        assert code == 0
        totals = json.loads(target.read_text(encoding="utf-8"))["totals"]
        assert {key: totals[key] for key in sparql_counts} == sparql_counts

    def test_every_current_technique_is_modelled_or_explained(self, knowledge, report):
        """Modelled and unseen techniques together are all the current ones.

        244 techniques have no artifact link, and every artifact link has a row OCSF observes it
        with; a curated model of an unlinked technique makes it seen.
        """
        totals = report.totals
        drafter = knowledge.drafter
        curated = [row.id for row in report.techniques if row.status is CoverageStatus.CURATED]
        kinds = Counter(plan.kind for t in curated if isinstance(plan := drafter.plan(t), Unseen))

        assert totals.modelled + totals.unseen == totals.current
        assert totals.no_artifact_link + kinds[UnseenReason.NO_ARTIFACT_LINK] == 244
        assert totals.no_ocsf_row + kinds[UnseenReason.NO_OCSF_ROW] == 0
        assert totals.drafted + totals.curated - sum(kinds.values()) == 435
        assert all(row.reason for row in report.unseen())


class TestRows:
    def test_deprecated_rows_name_their_successors(self, report):
        """A deprecated technique is listed with what replaces it."""
        row = rows_by_id(report)["T1002"]

        assert (row.status, row.successors) == (CoverageStatus.DEPRECATED, ("T1560",))

    def test_curated_row_shows_native_and_profile_fields(self, report):
        """T1055.001's api.operation needs the cloud profile; its best rule scores 4U."""
        row = rows_by_id(report)["T1055.001"]

        assert row.status is CoverageStatus.CURATED
        assert (row.event_class, row.class_uid, row.activity) == (
            "Process Activity",
            1007,
            "Inject",
        )
        assert row.native_fields == ("actor.process.file.path", "process.pid")
        assert row.non_native_fields == (("api.operation", ("profile:cloud",)),)
        assert row.robustness == Robustness("4U", 4, "definitional")
        assert row.other_classes == ("Module Activity", "Kernel Activity")

    def test_drafted_row_says_where_its_links_come_from(self, report):
        """T1110 is drafted from its sub-techniques' links."""
        row = rows_by_id(report)["T1110"]

        assert (row.status, row.link_origin, row.event_class) == (
            CoverageStatus.DRAFTED,
            "sub-techniques",
            "Authentication",
        )

    def test_unseen_rows_give_the_reason(self, report):
        """Techniques OCSF cannot see are unlinked ones, and they say so."""
        rows = rows_by_id(report)

        assert rows["T1027.003"].status is CoverageStatus.NO_ARTIFACT_LINK
        assert "links neither it, its parent nor its sub-techniques" in (
            rows["T1027.003"].reason or ""
        )
        assert {row.status for row in report.unseen()} == {CoverageStatus.NO_ARTIFACT_LINK}

    def test_every_linked_technique_is_modelled(self, report):
        """No technique is left for want of an OCSF row; T1115 reads the clipboard."""
        rows = rows_by_id(report)

        assert not [row.id for row in report.techniques if row.status is CoverageStatus.NO_OCSF_ROW]
        assert (rows["T1115"].status, rows["T1115"].event_class, rows["T1115"].activity) == (
            CoverageStatus.DRAFTED,
            "Module Activity",
            "Invoke",
        )


class TestFormats:
    def test_csv_has_one_row_per_technique(self, report):
        """The CSV has the documented header and 823 rows."""
        rows = list(csv.reader(io.StringIO(render_coverage_csv(report))))

        assert tuple(rows[0]) == CSV_COLUMNS
        assert len(rows) == 1 + 823
        t1002 = dict(zip(CSV_COLUMNS, next(r for r in rows if r[0] == "T1002"), strict=True))
        assert (t1002["status"], t1002["successors"]) == ("deprecated", "T1560")

    def test_table_states_the_totals(self, report):
        """The table opens with the counts and lists what OCSF cannot see."""
        text = render_coverage_table(report)

        assert "823 techniques in D3FEND: 144 deprecated, 679 current (435 linked" in text
        totals = report.totals
        assert (
            f"{totals.unseen} unseen by OCSF ({totals.no_artifact_link} without an artifact link, "
            f"{totals.no_ocsf_row} with no OCSF row for their artifacts)"
        ) in text
        assert "0 with no OCSF row for their artifacts" in text
        assert "  T1027.003  no-artifact-link: D3FEND 1.2.0 links neither it" in text
        assert "no-ocsf-row" not in text
        assert "  T1002  successor: T1560" in text

    def test_navigator_layer_is_format_4_5_scored_by_robustness(self, report):
        """The layer lists the current techniques, scored 1 to 5, unseen ones unscored."""
        layer = json.loads(render_navigator_layer(report))
        entries = {entry["techniqueID"]: entry for entry in layer["techniques"]}

        assert layer["versions"] == {"navigator": "4.9.0", "layer": "4.5"}
        assert layer["domain"] == "enterprise-attack"
        assert layer["gradient"]["minValue"] == 1 and layer["gradient"]["maxValue"] == 5
        assert len(entries) == 679
        assert entries["T1055.001"]["score"] == 4
        assert entries["T1055.001"]["comment"].startswith("curated: OCSF Process Activity / Inject")
        assert "score" not in entries["T1027.003"]
        assert entries["T1027.003"]["comment"].startswith("no-artifact-link: D3FEND 1.2.0")
        assert entries["T1115"]["comment"].startswith("drafted: OCSF Module Activity / Invoke")
        assert "T1002" not in entries

    def test_navigator_option_writes_the_layer(self, capsys, cli_env, tmp_path):
        """--navigator FILE writes the layer beside the chosen format."""
        layer = tmp_path / "layer.json"

        code = main(["coverage", "--no-countermeasures", "--navigator", str(layer)])

        assert code == 0
        assert json.loads(layer.read_text(encoding="utf-8"))["versions"]["layer"] == "4.5"
        assert "ATT&CK coverage of d3fgraph" in capsys.readouterr().out


@pytest.mark.slow
class TestCountermeasureColumn:
    def test_counts_agree_with_the_countermeasure_join(self, knowledge):
        """Each modelled technique's count is the join's, and only modelled rows have one."""
        full = build_coverage(knowledge)
        rows = rows_by_id(full)
        model = knowledge.model("T1055.001")

        expected = len(find_countermeasures(knowledge.store, "T1055.001", model).countermeasures)
        assert rows["T1055.001"].countermeasures == expected
        assert all((row.countermeasures is not None) == row.modelled for row in full.techniques)
        assert full.left_out == ()
