"""D3FEND's tactics, their stances, and the names users may give for them."""

from __future__ import annotations

import pytest

from d3fgraph.countermeasures.tactics import (
    InvalidTacticError,
    Stance,
    Tactic,
    parse_tactics,
    tactic_from_iri,
)
from d3fgraph.namespaces import D3F, OWL


class TestStance:
    def test_respond_is_isolate_evict_and_restore(self):
        """Respond holds the tactics a responder uses once the technique ran."""
        assert Stance.RESPOND.tactics == (Tactic.ISOLATE, Tactic.EVICT, Tactic.RESTORE)

    def test_mitigate_is_model_and_harden(self):
        """Mitigate holds hardening, and modelling of what there is to harden."""
        assert Stance.MITIGATE.tactics == (Tactic.MODEL, Tactic.HARDEN)

    def test_detect_holds_deception(self):
        """Decoys serve detection, so Deceive sits beside Detect."""
        assert Stance.DETECT.tactics == (Tactic.DETECT, Tactic.DECEIVE)


class TestTactic:
    def test_order_is_d3fends(self):
        """Tactics sort as D3FEND's matrix shows them, from Model to Restore."""
        assert [t.value for t in Tactic] == [
            "Model", "Harden", "Detect", "Isolate", "Deceive", "Evict", "Restore",
        ]  # fmt: skip

    def test_iri_is_the_d3fend_class(self):
        """Each tactic names its D3FEND class."""
        assert Tactic.EVICT.iri == D3F.Evict

    def test_reads_a_tactic_class(self):
        """A D3FEND tactic class maps back to its tactic."""
        assert tactic_from_iri(D3F.Isolate) is Tactic.ISOLATE

    def test_other_classes_are_no_tactic(self):
        """The abstract DefensiveTactic and non-D3FEND terms give None."""
        assert (tactic_from_iri(D3F.DefensiveTactic), tactic_from_iri(OWL.Class)) == (None, None)


class TestParseTactics:
    def test_accepts_any_case_in_d3fend_order(self):
        """Names are matched without case and returned in D3FEND's order, once each."""
        assert parse_tactics(["evict", "HARDEN", "Evict"]) == (Tactic.HARDEN, Tactic.EVICT)

    def test_a_stance_stands_for_its_tactics(self):
        """respond expands to Isolate, Evict and Restore."""
        assert parse_tactics(["respond"]) == (Tactic.ISOLATE, Tactic.EVICT, Tactic.RESTORE)

    def test_detect_means_the_tactic_not_the_stance(self):
        """detect is a tactic first, so Deceive must be asked for by name."""
        assert parse_tactics(["detect"]) == (Tactic.DETECT,)

    def test_no_names_is_no_filter(self):
        """An empty list asks for nothing in particular."""
        assert parse_tactics([]) == ()

    def test_rejects_unknown_name_listing_the_valid_ones(self):
        """A typo fails with every tactic and stance in the message."""
        with pytest.raises(InvalidTacticError) as caught:
            parse_tactics(["Evcit"])

        assert caught.value.exit_code == 1
        assert str(caught.value) == (
            "Unknown tactic 'Evcit'; use a D3FEND tactic (Model, Harden, Detect, Isolate, "
            "Deceive, Evict, Restore) or a stance that stands for its tactics (mitigate, "
            "detect, respond)"
        )
