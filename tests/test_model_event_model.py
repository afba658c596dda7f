"""Event models survive a round trip through their dictionary form, as the cache stores them."""

from __future__ import annotations

import json

from d3fgraph.model.event_model import EventModel


class TestEventModelRoundTrip:
    def test_t1055_001_round_trips_through_json(self, t1055_001):
        """to_dict, JSON and from_dict give back an equal model."""
        text = json.dumps(t1055_001.to_dict())

        assert EventModel.from_dict(json.loads(text)) == t1055_001

    def test_every_curated_model_round_trips(self, knowledge):
        """Each shipped model comes back equal from its dictionary form."""
        from d3fgraph.resources import shipped_model_files

        for technique_id in sorted(shipped_model_files()):
            model = knowledge.model(technique_id)

            assert EventModel.from_dict(model.to_dict()) == model, technique_id


class TestEventModelInNotebooks:
    def test_markdown_shows_the_diagram_and_every_entity(self, t1055_001):
        """Jupyter's Markdown view holds the Mermaid block and one row per entity."""
        from d3fgraph.render.mermaid import render_mermaid

        shown = t1055_001._repr_markdown_()

        assert f"```mermaid\n{render_mermaid(t1055_001)}```" in shown
        assert shown.startswith("### Process Injection: DLL Injection (T1055.001)")
        for entity in t1055_001.entities:
            assert f"`{entity.ocsf_path}`" in shown
