"""Every diagram d3fgraph writes passes the real Mermaid parser, whatever the labels hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from d3fgraph.model.event_model import Entity, Relation
from d3fgraph.model.vocab import Role
from d3fgraph.render.mermaid import render_mermaid

from factories import make_model

#: Text that has broken Mermaid diagrams: quotes, brackets, comment and entity markers, pipes,
#: markup, newlines, backticks and the flowchart keywords.
NASTY = [
    'say "hi"',
    "a[b]c{d}(e)",
    "#quot; #35; %% comment",
    "pipe | inside",
    "<b>bold</b> & <script>",
    "two\nlines\r\nthree",
    "`markdown` **bold**",
    "end",
    "subgraph",
    "classDef x fill:#000",
    "\\n literal backslash-n",
    ";semicolon; :::class",
    "-.-> arrow -->",
    "",
    "   ",
]


class TestMermaidValidity:
    def test_t1055_001_passes_the_parser(self, mermaid_check, t1055_001, tmp_path):
        """The main job's diagram parses with the real Mermaid parser, with no lint warning."""
        target = tmp_path / "T1055.001.mmd"
        target.write_text(render_mermaid(t1055_001), encoding="utf-8")

        code, out = mermaid_check(target)

        assert code == 0, out
        assert "warning" not in out

    def test_nasty_labels_pass_the_parser(self, mermaid_check, tmp_path):
        """Each troublesome text, as entity name and edge label, still gives a valid diagram."""
        files = []
        for n, text in enumerate(NASTY):
            entities = (
                Entity("end", text, "actor.process", "d3f:Process", Role.ATTACKER),
                Entity("b", "B", "process", "d3f:Process", Role.VICTIM),
            )
            model = make_model(entities, (Relation("end", "b", text),))
            files.append(tmp_path / f"nasty-{n}.mmd")
            files[-1].write_text(render_mermaid(model), encoding="utf-8")

        code, out = mermaid_check(*files)

        assert code == 0, out

    @settings(max_examples=3, deadline=None)
    @given(labels=st.lists(st.text(min_size=0, max_size=40), min_size=20, max_size=20))
    def test_any_text_passes_the_parser(self, mermaid_check, tmp_path_factory, labels):
        """Random text in every label, twenty labels per diagram, always parses."""
        entities = tuple(
            Entity(f"e{n}", label, "process", "d3f:Process", Role.VICTIM)
            for n, label in enumerate(labels)
        )
        relations = tuple(
            Relation(f"e{n}", f"e{n + 1}", label) for n, label in enumerate(labels[:-1])
        )
        target = tmp_path_factory.mktemp("random") / "random.mmd"
        target.write_text(render_mermaid(make_model(entities, relations)), encoding="utf-8")

        code, out = mermaid_check(target)

        assert code == 0, out
