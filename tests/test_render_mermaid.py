"""The Mermaid diagram: the card's shape, exact text, and labels that cannot break the parser."""

from __future__ import annotations

from pathlib import Path

from d3fgraph.model.event_model import Entity, Relation
from d3fgraph.model.vocab import Role
from d3fgraph.render.mermaid import escape_label, node_id, render_mermaid

from factories import make_model

GOLDEN = Path(__file__).parent / "golden"


class TestEscapeLabel:
    def test_plain_text_is_unchanged(self):
        """Ordinary names pass through as they are."""
        assert escape_label("Injector Process") == "Injector Process"

    def test_quote_becomes_entity_code(self):
        """A double quote would end the label; Mermaid's #quot; shows it instead."""
        assert escape_label('say "hi"') == "say #quot;hi#quot;"

    def test_hash_is_escaped_without_double_escaping(self):
        """The # of an entity code the escaping adds is not escaped again."""
        assert escape_label('#"') == "#35;#quot;"

    def test_newline_becomes_label_line_break(self):
        """Line breaks in text become the card's \\n separator, in every newline convention."""
        assert escape_label("a\nb\r\nc\rd") == "a\\nb\\nc\\nd"

    def test_markup_characters_are_escaped(self):
        """Angle brackets, ampersands, backticks and backslashes cannot form markup."""
        assert escape_label("<b>&`\\") == "#lt;b#gt;#amp;#96;#92;"


class TestNodeId:
    def test_keeps_plain_ids(self):
        """Model ids that are plain words stay as they are."""
        assert node_id("actor_process") == "actor_process"

    def test_prefixes_reserved_words(self):
        """'end' and other flowchart keywords cannot be node ids."""
        assert [node_id(w) for w in ("end", "End", "subgraph", "EVENT")] == [
            "n_end",
            "n_End",
            "n_subgraph",
            "n_EVENT",
        ]

    def test_replaces_other_characters(self):
        """Characters outside letters, digits and _ are replaced."""
        assert node_id("a-b c") == "a_b_c"
        assert node_id("9lives") == "n_9lives"


class TestRenderMermaid:
    def test_renders_card_shape_exactly(self):
        """A two-entity model renders the init line, the four classes, nodes and edges."""
        model = make_model(
            relations=(Relation("actor_process", "device", "runs on"),),
        )

        text = render_mermaid(model)

        assert text == (GOLDEN / "mermaid-two-entities.mmd").read_text()

    def test_tainted_entity_gets_warning_line(self):
        """A tainted entity's label ends with the warning the card shows."""
        text = render_mermaid(make_model())

        assert 'device["Host\\ndevice\\nd3f:Host\\n⚠ tainted"]:::tainted' in text.splitlines()

    def test_reserved_entity_id_is_renamed_everywhere(self):
        """An entity called 'end' is drawn and linked under its safe id."""
        entities = (
            Entity("end", "End", "actor.process", "d3f:Process", Role.ATTACKER),
            Entity("victim", "Victim", "process", "d3f:Process", Role.VICTIM),
        )
        model = make_model(entities, (Relation("end", "victim", "hits"),))

        lines = render_mermaid(model).splitlines()

        assert "EVENT --> n_end" in lines
        assert 'n_end -.->|"hits"| victim' in lines
