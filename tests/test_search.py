"""Listing ATT&CK techniques and finding them by id, name or label."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, Quad, Store

from d3fgraph.namespaces import D3F, OWL, RDFS, XSD
from d3fgraph.search import MatchKind, TechniqueSummary, find_techniques, list_techniques


@pytest.fixture
def store() -> Store:
    """Four techniques: a parent, a child with a tagged label, a deprecated one, and a tactic."""
    result = Store()
    facts = [
        (D3F.term("T1055"), RDFS.label, Literal("Process Injection")),
        (
            D3F.term("T1055.001"),
            RDFS.label,
            Literal("Dynamic-link Library Injection", language="en"),
        ),
        (D3F.term("T1055.001"), RDFS.subClassOf, D3F.term("T1055")),
        (D3F.term("T1064"), RDFS.label, Literal("Scripting")),
        (
            D3F.term("T1064"),
            OWL.deprecated,
            Literal(
                "true",
                datatype=XSD.boolean,
            ),
        ),
        (D3F.term("TA0005"), RDFS.label, Literal("Defense Evasion")),
    ]
    for subject, predicate, obj in facts:
        result.add(Quad(subject, predicate, obj))
    for local in ("T1055", "T1055.001", "T1064", "TA0005"):
        result.add(Quad(D3F.term(local), D3F.term("attack-id"), Literal(local)))
    return result


class TestListTechniques:
    def test_lists_techniques_by_id_with_parent_and_deprecation(self, store):
        """Tactic ids are left out; the sub-technique names its parent."""
        assert [(t.id, t.label, t.deprecated, t.parent) for t in list_techniques(store)] == [
            ("T1055", "Process Injection", False, None),
            ("T1055.001", "Dynamic-link Library Injection", False, "T1055"),
            ("T1064", "Scripting", True, None),
        ]

    def test_can_leave_out_deprecated_techniques(self, store):
        """include_deprecated=False drops what ATT&CK retired."""
        ids = [t.id for t in list_techniques(store, include_deprecated=False)]

        assert ids == ["T1055", "T1055.001"]

    def test_summary_refuses_a_malformed_id(self):
        """A summary is always of a well-formed technique id."""
        with pytest.raises(ValueError, match="not an ATT&CK technique id"):
            TechniqueSummary("TA0005", D3F.term("TA0005"), "x", deprecated=False, parent=None)


class TestFindTechniques:
    def test_label_matches_ignoring_case_hyphens_and_language_tag(self, store):
        """The stored label is tagged @en; a lower-case query finds it all the same."""
        matches = find_techniques(store, "dynamic-link library injection")

        assert [(m.technique.id, m.kind) for m in matches[:1]] == [("T1055.001", MatchKind.LABEL)]

    def test_tagged_query_text_reads_as_its_label(self, store):
        """A query written as a tagged literal matches like its text."""
        matches = find_techniques(store, '"Dynamic-link Library Injection"@en')

        assert matches[0].technique.id == "T1055.001"
        assert matches[0].kind is MatchKind.LABEL

    def test_id_in_any_case_ranks_first_then_its_sub_techniques(self, store):
        """An exact id beats the sub-techniques its prefix also matches."""
        matches = find_techniques(store, "t1055")

        assert [(m.technique.id, m.kind) for m in matches] == [
            ("T1055", MatchKind.ID),
            ("T1055.001", MatchKind.ID_PREFIX),
        ]

    def test_partial_words_rank_below_whole_labels(self, store):
        """A query word shared by two labels finds both, the exact label first."""
        matches = find_techniques(store, "process injection")

        assert [(m.technique.id, m.kind) for m in matches] == [
            ("T1055", MatchKind.LABEL),
            ("T1055.001", MatchKind.SOME_WORDS),
        ]

    def test_deprecated_techniques_match_by_id_only_unless_asked(self, store):
        """A retired technique is found by id, and by label only with include_deprecated."""
        assert find_techniques(store, "scripting") == []
        assert [m.technique.id for m in find_techniques(store, "T1064")] == ["T1064"]
        assert [
            m.technique.id for m in find_techniques(store, "scripting", include_deprecated=True)
        ] == ["T1064"]

    def test_blank_query_finds_nothing(self, store):
        """Whitespace is not a search."""
        assert find_techniques(store, "  ") == []


class TestOnRealData:
    def test_finds_t1055_001_by_label(self, knowledge):
        """The example of the issue: the label, lower-cased, finds T1055.001 first."""
        matches = knowledge.find_techniques("dynamic-link library injection")

        assert matches[0].technique.id == "T1055.001"
        assert matches[0].kind is MatchKind.LABEL

    def test_lists_every_technique_of_d3fend(self, knowledge):
        """D3FEND 1.2 names 823 ATT&CK techniques, 144 of them deprecated."""
        techniques = knowledge.techniques()

        assert len(techniques) == 823
        assert sum(t.deprecated for t in techniques) == 144
        assert next(t for t in techniques if t.id == "T1055.001").parent == "T1055"

    @pytest.mark.parametrize(
        ("text", "first", "kind"),
        [
            ("dll injection", "T1055.001", MatchKind.WORDS),
            ("wmi", "T1047", MatchKind.ACRONYM),
            ("rdp", "T1563.002", MatchKind.LABEL_PREFIX),
        ],
    )
    def test_initials_stand_for_the_words_analysts_shorten(self, knowledge, text, first, kind):
        """DLL, WMI and RDP find the techniques spelt out in full, ahead of chance matches."""
        matches = knowledge.find_techniques(text)

        assert (matches[0].technique.id, matches[0].kind) == (first, kind)

    def test_rdp_also_finds_remote_desktop_protocol(self, knowledge):
        ids = [m.technique.id for m in knowledge.find_techniques("rdp")]

        assert ids == ["T1563.002", "T1021.001"]
