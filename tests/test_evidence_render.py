"""The evidence report as a terminal table and as the card's Markdown section, against goldens."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from d3fgraph.evidence import collect_evidence, read_dataset_metadata, read_events
from d3fgraph.render.evidence import MATCHES_SHOWN, render_evidence_markdown, render_evidence_table

from sigma_support import T1055_TACTICS, t1055_001_model

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests") / "data" / "evidence"


@pytest.fixture
def report(monkeypatch):
    """The report on the fixture with bad lines, read by a path relative to the repository.

    The engine's versions are replaced, so the goldens do not change with pySigma's release.
    """
    monkeypatch.chdir(REPO)
    log = read_events(FIXTURES / "bad-lines.jsonl")
    metadata = read_dataset_metadata(FIXTURES / "synthetic-metadata.yaml")
    found = collect_evidence(t1055_001_model(), [log], metadata=[metadata], tactics=T1055_TACTICS)
    return dataclasses.replace(found, engine="pySigma with its SQLite backend")


class TestRenderEvidence:
    def test_table_matches_its_golden(self, report):
        """The terminal table lists rules, reasons, matches, the verdict and skipped lines."""
        golden = (REPO / FIXTURES / "golden-report.txt").read_text(encoding="utf-8")

        assert render_evidence_table(report) == golden

    def test_markdown_matches_its_golden(self, report):
        """The Markdown section nests under the heading level the card asks for."""
        golden = (REPO / FIXTURES / "golden-report.md").read_text(encoding="utf-8")

        assert render_evidence_markdown(report, level=3) == golden

    def test_markdown_escapes_table_cells(self, report):
        """A pipe in a reason cannot break the table."""
        recording = report.recordings[0]
        piped = dataclasses.replace(recording.results[0], reason="silent | because")
        changed = dataclasses.replace(recording, results=(piped, *recording.results[1:]))

        text = render_evidence_markdown(dataclasses.replace(report, recordings=(changed,)))

        assert "| silent \\| because |" in text

    def test_rejects_a_heading_level_without_room_below(self, report):
        """Recordings take the level below the section's, so 6 is refused."""
        with pytest.raises(ValueError) as caught:
            render_evidence_markdown(report, level=6)

        assert str(caught.value) == (
            "heading level 6 is outside 1 to 5; recordings need the level below it"
        )

    def test_table_cuts_long_match_lists(self, report):
        """Past MATCHES_SHOWN matches a rule's list ends with how many more there are."""
        recording = report.recordings[0]
        native = recording.results[1]
        many = dataclasses.replace(
            native, matches=native.matches[:1] * (MATCHES_SHOWN + 3), events_scanned=20
        )
        changed = dataclasses.replace(recording, results=(many,))

        text = render_evidence_table(dataclasses.replace(report, recordings=(changed,)))

        assert text.count("ocsf-native: 2024-03-01T10:00:00.250Z") == MATCHES_SHOWN
        assert "  ... and 3 more ocsf-native matches; the JSON report lists them all" in text
