"""The HTML card: escaping, the Mermaid script it loads or inlines, and the notebook views."""

from __future__ import annotations

import dataclasses
import re

import pytest

from d3fgraph.card import build_card
from d3fgraph.render.assets import (
    DEFAULT_MERMAID_INTEGRITY,
    DEFAULT_MERMAID_URL,
    MermaidScript,
    MermaidScriptError,
)
from d3fgraph.render.card_html import render_card_fragment, render_card_html
from d3fgraph.render.card_markdown import render_card_markdown


@pytest.fixture(scope="module")
def card(knowledge, t1055_001):
    return build_card(knowledge, t1055_001)


class TestHtmlPage:
    def test_sections_follow_the_reference_order(self, card):
        """Detect, Mitigate, Respond, then the event model, entities and rules."""
        page = render_card_html(card)

        titles = re.findall(r"<h2>(.*?)</h2>", page)

        assert titles[:6] == [
            "Detect",
            "Mitigate",
            "Respond",
            "OCSF event model",
            "Entities",
            "Definitional Sigma rule",
        ]

    def test_loads_the_pinned_mermaid_with_its_integrity(self, card):
        """By default the page loads Mermaid 12.3.0 from jsDelivr, checked by SRI."""
        page = render_card_html(card)

        assert (
            f'<script src="{DEFAULT_MERMAID_URL}" integrity="{DEFAULT_MERMAID_INTEGRITY}" '
            'crossorigin="anonymous"></script>'
        ) in page

    def test_another_url_is_loaded_without_the_pinned_hash(self, card):
        """A user's URL may serve another file, so the pinned integrity is not applied."""
        page = render_card_html(card, MermaidScript.from_url("https://cdn.example/m.js?a=1&b=2"))

        assert '<script src="https://cdn.example/m.js?a=1&amp;b=2"></script>' in page
        assert DEFAULT_MERMAID_INTEGRITY not in page

    def test_inlines_a_local_bundle_without_ending_the_script_early(self, card, tmp_path):
        """A '</script' inside the bundle is escaped, so the page keeps working offline."""
        bundle = tmp_path / "mermaid.min.js"
        bundle.write_text('window.mermaid = {s: "</script>"};', encoding="utf-8")

        page = render_card_html(card, MermaidScript.from_file(bundle))

        assert 'window.mermaid = {s: "<\\/script>"};' in page
        assert "cdn.jsdelivr.net" not in page

    def test_a_bundle_holding_a_script_tag_goes_in_as_a_data_url(self, card, tmp_path):
        """A '<script' could keep the element open whatever the escaping, so it is encoded."""
        bundle = tmp_path / "mermaid.min.js"
        bundle.write_text('window.mermaid = {s: "<script>"};', encoding="utf-8")

        page = render_card_html(card, MermaidScript.from_file(bundle))

        assert '<script src="data:text/javascript;base64,' in page
        assert '"<script>"' not in page

    def test_rejects_a_file_that_is_not_mermaid(self, tmp_path):
        """A wrong --mermaid-js-file is refused before anything is written."""
        other = tmp_path / "other.js"
        other.write_text("console.log(1);", encoding="utf-8")

        with pytest.raises(MermaidScriptError, match="does not look like Mermaid"):
            MermaidScript.from_file(other)

    def test_escapes_every_model_text(self, card):
        """Markup in a model's text is shown as text, never run."""
        nasty = '<script>alert("x")</script> & <b>bold</b>'
        detect = dataclasses.replace(card.detect, guidance=nasty)

        page = render_card_html(dataclasses.replace(card, detect=detect))

        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page
        assert "<script>alert" not in page

    def test_diagram_is_escaped_for_mermaid_to_read(self, card):
        """The diagram's arrows are entities in the HTML, which Mermaid decodes."""
        page = render_card_html(card)

        assert '<pre class="mermaid">%%{init: {&quot;theme&quot;' in page
        assert "EVENT --&gt; actor_process" in page


class TestNotebookViews:
    def test_markdown_view_is_the_markdown_card(self, card):
        """Jupyter's text/markdown view is the Markdown renderer's output."""
        assert card._repr_markdown_() == render_card_markdown(card)

    def test_html_view_is_a_fragment_that_loads_mermaid_itself(self, card):
        """The text/html view is one article with its style, and fetches Mermaid when needed."""
        fragment = card._repr_html_()

        assert fragment == render_card_fragment(card)
        assert "<html" not in fragment
        assert '<article class="d3fg-card" id="d3fg-card-T1055-001">' in fragment
        assert f'script.src = "{DEFAULT_MERMAID_URL}";' in fragment
