"""Labels survive all the way to the picture: Chromium draws them with the text the user wrote."""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

import pytest

from d3fgraph.model.event_model import Entity, Relation
from d3fgraph.model.vocab import Role
from d3fgraph.render.mermaid import render_mermaid

from factories import make_model

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshot_card.py"

#: Text that Mermaid would read as markup, comments, entities or syntax if it were not escaped.
LABELS = [
    'say "hi"',
    "a[b]c{d}(e)",
    "#quot; is not a quote",
    "pipe | inside",
    "<b>not bold</b> & co",
    "back`tick`",
    "end",
    "%% not a comment",
    "C:\\Windows\\System32",
]


@pytest.fixture(scope="module")
def drawn_text(tmp_path_factory, mermaid_check) -> str:
    """The text of the SVG Chromium draws for a diagram whose labels are LABELS."""
    spec = importlib.util.spec_from_file_location("screenshot_card", SCRIPT)
    assert spec is not None and spec.loader is not None
    browser = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(browser)
    try:
        browser.find_chromium()
    except browser.ChromiumError as exc:
        pytest.skip(str(exc))

    from d3fgraph.render.assets import MermaidScriptError, find_mermaid_js

    try:
        bundle = find_mermaid_js()
    except MermaidScriptError:
        sample = tmp_path_factory.mktemp("install") / "install.mmd"
        sample.write_text("graph TD\nA --> B\n", encoding="utf-8")
        mermaid_check(sample)
        bundle = find_mermaid_js()

    entities = tuple(
        Entity(f"e{n}", label, "process", "d3f:Process", Role.VICTIM)
        for n, label in enumerate(LABELS)
    )
    relations = (Relation("e0", "e1", LABELS[0]), Relation("e1", "e2", LABELS[4]))
    diagram = render_mermaid(make_model(entities, relations))
    page = tmp_path_factory.mktemp("page") / "labels.html"
    page.write_text(
        "<!DOCTYPE html><html><body>"
        f'<pre class="mermaid">{html.escape(diagram)}</pre>'
        f"<script>{bundle.read_text(encoding='utf-8')}</script>"
        "<script>mermaid.initialize({startOnLoad: true, securityLevel: 'strict'});</script>"
        "</body></html>",
        encoding="utf-8",
    )

    dom = browser.dump_dom(page)
    svg = re.search(r"<svg.*?</svg>", dom, flags=re.DOTALL)
    assert svg is not None, "Chromium drew no diagram"
    text = re.sub(r"<[^>]+>", " ", svg.group(0))
    return " ".join(html.unescape(text).split())


@pytest.mark.slow
class TestLabelsAsDrawn:
    @pytest.mark.parametrize("label", LABELS)
    def test_label_text_is_drawn_as_written(self, drawn_text, label):
        """Each label appears in the drawn SVG exactly as the model states it."""
        assert " ".join(label.split()) in drawn_text
