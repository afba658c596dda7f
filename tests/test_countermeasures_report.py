"""The report types refuse answers without reasons and repeated countermeasures."""

from __future__ import annotations

from dataclasses import replace

import pytest

from d3fgraph.countermeasures import (
    Countermeasure,
    CountermeasureReport,
    Provenance,
    Tactic,
    Target,
    TargetOrigin,
    Triple,
)

HOST = Target(
    key="device",
    artifact="d3f:Host",
    origin=TargetOrigin.ENTITY,
    node="d3gm:T1/entity/device",
    lead=(Triple("d3gm:T1/entity/device", "d3g:d3fendClass", "d3f:Host"),),
    entity="device",
    ocsf_path="device",
)


def restore(**changes) -> Countermeasure:
    item = Countermeasure(
        technique="d3f:RestoreNetworkAccess",
        d3fend_id="D3-RNA",
        label="Restore Network Access",
        tactic=Tactic.RESTORE,
        target=HOST,
        property="d3f:restores",
        acts_on="d3f:Host",
        provenance=(Provenance.OFFICIAL,),
        path=(*HOST.lead, Triple("d3f:RestoreNetworkAccess", "d3f:restores", "d3f:Host")),
    )
    return replace(item, **changes)


def report(*items: Countermeasure, reason: str | None = None) -> CountermeasureReport:
    return CountermeasureReport(
        technique_id="T1055.001",
        technique="d3f:T1055.001",
        label="DLL Injection",
        modelled=True,
        relations=(),
        targets=(HOST,),
        countermeasures=items,
        empty_reason=reason,
    )


class TestTarget:
    def test_entity_target_needs_its_entity(self):
        """An entity target without an entity id is refused."""
        with pytest.raises(ValueError, match="entity id is given exactly for entity targets"):
            replace(HOST, entity=None)

    def test_entity_target_is_keyed_by_its_ocsf_path(self):
        """The key of an entity target is the OCSF path a reader knows it by."""
        with pytest.raises(ValueError, match="keyed by its OCSF path"):
            replace(HOST, key="host")


class TestCountermeasure:
    def test_provenance_must_be_in_order(self):
        """Provenance lists official, inferred, curated in that order, once each."""
        with pytest.raises(ValueError, match="non-empty, unique and in order"):
            restore(provenance=(Provenance.CURATED, Provenance.OFFICIAL), reason="why")

    def test_curated_needs_a_reason(self):
        """An analyst's countermeasure without the analyst's reason is refused."""
        with pytest.raises(ValueError, match="curated ones, and only they, need a reason"):
            restore(provenance=(Provenance.OFFICIAL, Provenance.CURATED))

    def test_narrower_is_inferred_only(self):
        """A countermeasure on a narrower class cannot claim D3FEND asserts it on the target."""
        with pytest.raises(ValueError, match="narrower class is inferred only"):
            restore(narrower=True, acts_on="d3f:MailServer")

    def test_scope_names_the_narrower_class(self):
        """A narrower countermeasure is limited to the class it acts on."""
        item = restore(narrower=True, acts_on="d3f:MailServer", provenance=(Provenance.INFERRED,))

        assert (item.scope, item.key) == (
            "d3f:MailServer",
            ("d3f:RestoreNetworkAccess", "device", "d3f:restores", "d3f:MailServer"),
        )

    def test_stance_follows_the_tactic(self):
        """Restore is a response."""
        assert str(restore().stance) == "respond"


class TestCountermeasureReport:
    def test_refuses_a_repeated_countermeasure(self):
        """The same technique on the same target for the same reason is listed once."""
        with pytest.raises(ValueError, match="countermeasures listed twice"):
            report(restore(), restore())

    def test_empty_report_needs_a_reason(self):
        """An empty answer without a reason is refused."""
        with pytest.raises(ValueError, match="an empty report needs a reason"):
            report()

    def test_counts_each_provenance_of_a_countermeasure(self):
        """A countermeasure both official and curated counts in both."""
        both = restore(provenance=(Provenance.OFFICIAL, Provenance.CURATED), reason="why")

        assert report(both).counts() == {
            "tactic": {"Restore": 1},
            "stance": {"respond": 1},
            "provenance": {"official": 1, "curated": 1},
        }

    def test_only_keeps_the_asked_tactics(self):
        """Cutting to Restore keeps the Restore countermeasure and records the cut."""
        cut = report(restore()).only([Tactic.RESTORE])

        assert (len(cut.countermeasures), cut.tactics, cut.empty_reason) == (
            1,
            (Tactic.RESTORE,),
            None,
        )

    def test_empty_cut_says_where_the_countermeasures_are(self):
        """Asking for Harden where there is only Restore explains the empty answer."""
        cut = report(restore()).only([Tactic.HARDEN])

        assert cut.empty_reason == (
            "none of the 1 countermeasures of T1055.001 is in Harden; they are in: Restore (1)"
        )


class TestRoundTrip:
    def test_a_report_survives_json(self):
        """from_dict reads back what to_dict wrote, paths, targets and reasons included."""
        import json

        both = restore(provenance=(Provenance.OFFICIAL, Provenance.CURATED), reason="why")
        original = report(both).only([Tactic.RESTORE])

        again = CountermeasureReport.from_dict(json.loads(json.dumps(original.to_dict())))

        assert again == original
