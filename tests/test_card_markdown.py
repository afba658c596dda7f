"""The Markdown card: golden output, the reference card's sections in order, valid blocks."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from d3fgraph.card import RuleEntry, build_card
from d3fgraph.render.card_markdown import render_card_markdown
from d3fgraph.render.card_markdown_blocks import code, table, text

GOLDEN = Path(__file__).parent / "golden" / "card-T1055.001.md"

#: The reference card's sections, in its order, as the Markdown card heads them.
SECTIONS = [
    "Detect",
    "Mitigate",
    "Respond",
    "OCSF event model",
    "Entities",
    "Definitional Sigma rule",
]


@pytest.fixture(scope="module")
def card(knowledge, t1055_001):
    return build_card(knowledge, t1055_001)


@pytest.fixture(scope="module")
def markdown(card) -> str:
    return render_card_markdown(card)


def fenced(markdown: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL)


class TestMarkdownCard:
    def test_matches_the_golden_card(self, markdown):
        """T1055.001's card on the real data is the golden file, byte for byte."""
        assert markdown == GOLDEN.read_text(encoding="utf-8")

    def test_has_the_reference_sections_in_order(self, markdown):
        """Title, primitive, then Detect to the definitional rule, in the reference's order."""
        blocks = markdown.split("\n\n")
        headings = re.findall(r"^## (.+)$", markdown, flags=re.MULTILINE)

        assert blocks[0] == "# Process Injection: DLL Injection (ATT&CK T1055.001)"
        assert blocks[1].startswith("**Process Write ProcessSegment**: Write a DLL")
        assert headings == SECTIONS

    def test_diagram_block_passes_the_mermaid_parser(self, markdown, mermaid_check, tmp_path):
        """The mermaid block GitHub draws is valid for the real Mermaid parser."""
        (diagram,) = fenced(markdown, "mermaid")
        source = tmp_path / "card.mmd"
        source.write_text(diagram, encoding="utf-8")

        code_, output = mermaid_check(source)

        assert code_ == 0, output

    def test_rule_blocks_are_the_rules_yaml(self, card, markdown):
        """Each yaml block parses and is the Sigma rule of one variant, definitional first."""
        blocks = fenced(markdown, "yaml")

        assert blocks == [rule.sigma for rule in card.rules]
        assert [yaml.safe_load(b)["level"] for b in blocks] == ["informational", "low", "medium"]

    def test_a_rule_that_cannot_be_written_says_why(self, card):
        """A refused variant keeps its heading and gives the reason instead of YAML."""
        refused = RuleEntry("sysmon", None, None, None, None, reason="no Sysmon event is mapped")
        changed = dataclasses.replace(card, rules=(*card.rules[:2], refused))

        markdown = render_card_markdown(changed)

        assert (
            "### Sysmon rule\n\nThis rule cannot be written: no Sysmon event is mapped." in markdown
        )
        assert "| Sysmon |   | cannot be written |   |" in markdown
        assert len(fenced(markdown, "yaml")) == 2

    def test_model_text_cannot_break_the_markup(self, card):
        """A guidance text with markup and pipes stays one literal paragraph."""
        nasty = "a | b *c* <script>x</script> [l](u) `t` # h"
        detect = dataclasses.replace(card.detect, guidance=nasty)

        markdown = render_card_markdown(dataclasses.replace(card, detect=detect))

        assert (
            "**Guidance.** a \\| b \\*c\\* \\<script>x\\</script> \\[l\\](u) \\`t\\` # h"
            in markdown
        )


class TestMarkdownText:
    @pytest.mark.parametrize(
        ("raw", "written"),
        [
            ("injection_type_id", "injection_type_id"),
            ("_private", "\\_private"),
            ("a|b", "a\\|b"),
            ("# title", "\\# title"),
            ("- item", "\\- item"),
            ("1. item", "1\\. item"),
            ("&amp; and AT&T", "\\&amp; and AT&T"),
            ("two\nlines", "two lines"),
        ],
    )
    def test_escapes_what_would_become_markup(self, raw, written):
        """Only characters that would change the rendering are escaped."""
        assert text(raw) == written

    @pytest.mark.parametrize(
        ("raw", "written"),
        [("api.name", "`api.name`"), ("a`b", "`` a`b ``"), ("x|y", "`x\\|y`")],
    )
    def test_code_spans_survive_backticks_and_pipes(self, raw, written):
        """A code span holds any text and stays inside its table cell."""
        assert code(raw) == written

    def test_tables_keep_empty_cells(self):
        """An empty cell is written as a space, so the row keeps its columns."""
        assert table(["a", "b"], [["1", ""]]) == "| a | b |\n|---|---|\n| 1 |   |"
