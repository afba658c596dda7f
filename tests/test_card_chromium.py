"""The HTML card in a real browser: headless Chromium draws the diagram from a local Mermaid.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the Mermaid bundle that
``mermaid-check`` installs; a missing one skips the test, or fails it under
``D3FGRAPH_REQUIRE_CHECKERS=1`` as in CI. The drawing and screenshot code is
``scripts/screenshot_card.py``, which also writes ``docs/img/card-T1055.001.png``.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from types import ModuleType

import pytest

from d3fgraph.card import build_card
from d3fgraph.render.assets import MermaidScript, MermaidScriptError, find_mermaid_js
from d3fgraph.render.card_html import render_card_html

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshot_card.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def unavailable(message: str) -> None:
    if os.environ.get("D3FGRAPH_REQUIRE_CHECKERS") == "1":
        pytest.fail(f"{message}. D3FGRAPH_REQUIRE_CHECKERS=1 makes a missing tool a failure.")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> ModuleType:
    """The screenshot script as a module, once Chromium is known to be there."""
    spec = importlib.util.spec_from_file_location("screenshot_card", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        module.find_chromium()
    except module.ChromiumError as exc:
        unavailable(str(exc))
    return module


@pytest.fixture(scope="module")
def mermaid(mermaid_check, tmp_path_factory) -> MermaidScript:
    """The local Mermaid bundle, inlined so the page needs no network.

    On a fresh cache the bundle appears once mermaid-check has run, so it is run once first.
    """
    try:
        path = find_mermaid_js()
    except MermaidScriptError:
        sample = tmp_path_factory.mktemp("mermaid") / "install.mmd"
        sample.write_text("graph TD\nA --> B\n", encoding="utf-8")
        mermaid_check(sample)
        try:
            path = find_mermaid_js()
        except MermaidScriptError as exc:
            unavailable(str(exc))
    return MermaidScript.from_file(path)


@pytest.fixture(scope="module")
def page(knowledge, t1055_001, mermaid, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("card") / "card-T1055.001.html"
    path.write_text(render_card_html(build_card(knowledge, t1055_001), mermaid), encoding="utf-8")
    return path


@pytest.mark.slow
class TestCardInChromium:
    def test_draws_the_diagram(self, browser, page):
        """After the scripts ran, the DOM holds Mermaid's SVG with the model's nodes."""
        dom = browser.dump_dom(page)
        svg = re.search(r"<svg.*?</svg>", dom, flags=re.DOTALL)

        assert svg is not None, "Chromium drew no SVG"
        assert 'aria-roledescription="flowchart-v2"' in svg.group(0)
        for label in ("Injector Process", "Target Process", "Injection Primitive", "injects into"):
            assert label in svg.group(0)

    def test_keeps_a_screenshot(self, browser, page):
        """A 1200x2000 screenshot of the page's top is written beside it."""
        png = browser.screenshot(page, page.with_suffix(".png"))

        assert png.read_bytes()[:8] == PNG_SIGNATURE
        assert png.stat().st_size > 50_000
