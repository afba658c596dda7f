"""Draw a technique card's HTML page in headless Chromium: its rendered DOM and a screenshot.

The page inlines a local Mermaid bundle (the copy ``mermaid-check`` installs, or one given with
``--mermaid-js-file``), so Chromium draws the diagram without the network. Run from the
repository with the real data::

    D3FGRAPH_DATA_DIR=../shared/data python scripts/screenshot_card.py T1055.001

writes ``docs/img/card-T1055.001.png``. ``tests/test_card_chromium.py`` uses the functions
below to check that the diagram is drawn.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WINDOW = "1200,2000"

#: Chromium runs headless, without a sandbox (containers run as root), and without the
#: background services that would reach the network or slow the first start.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=10000",
)


class ChromiumError(RuntimeError):
    """Chromium is missing, or failed to load the page."""


def find_chromium() -> Path:
    """Return the Chromium to run: ``$D3FGRAPH_CHROMIUM``, else the first on the usual paths.

    Raises:
        ChromiumError: None is found; the message says how to install it.
    """
    given = os.environ.get("D3FGRAPH_CHROMIUM")
    candidates: list[str | None] = [given] if given else []
    candidates += [shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    msg = (
        "Chromium is not installed: apt-get install -y chromium (Debian), or set "
        "D3FGRAPH_CHROMIUM to a Chromium or Chrome binary"
    )
    raise ChromiumError(msg)


def run_chromium(page: Path, *options: str, timeout: float = 120) -> str:
    """Load ``page`` in headless Chromium with ``options``; return what it prints on stdout.

    A fresh profile folder is used for each run, so no state is kept between runs.

    Raises:
        ChromiumError: Chromium exits with an error or takes longer than ``timeout``.
    """
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="d3fgraph-chromium-") as profile:
        command = [str(chromium), *FLAGS, f"--user-data-dir={profile}", *options, page.as_uri()]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            msg = f"Chromium took more than {timeout:.0f} s to load {page}"
            raise ChromiumError(msg) from exc
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        msg = f"Chromium exited with {result.returncode} on {page}:\n{tail}"
        raise ChromiumError(msg)
    return result.stdout


def dump_dom(page: Path) -> str:
    """Return the page's DOM after its scripts ran, as Chromium serialises it."""
    return run_chromium(page, "--dump-dom")


def screenshot(page: Path, png: Path, window: str = WINDOW) -> Path:
    """Write a screenshot of the top of ``page`` (``window`` is ``width,height``) to ``png``."""
    png.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(page, f"--window-size={window}", f"--screenshot={png}")
    if not png.is_file():
        msg = f"Chromium wrote no screenshot to {png}"
        raise ChromiumError(msg)
    return png


def write_card_page(technique: str, page: Path, mermaid_js: Path | None = None) -> Path:
    """Build the card of ``technique`` on the real data and write its page, Mermaid inlined."""
    from d3fgraph.card import build_card
    from d3fgraph.knowledge import KnowledgeGraph
    from d3fgraph.render.assets import MermaidScript, find_mermaid_js
    from d3fgraph.render.card_html import render_card_html

    kg = KnowledgeGraph.load(download=False)
    card = build_card(kg, kg.model(technique))
    script = MermaidScript.from_file(mermaid_js or find_mermaid_js())
    page.write_text(render_card_html(card, script), encoding="utf-8")
    return page


def main(argv: Sequence[str] | None = None) -> int:
    """Write the card page of a technique to a temporary folder and screenshot it."""
    from d3fgraph.errors import D3fgraphError

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("technique", nargs="?", default="T1055.001")
    parser.add_argument("-o", "--output", type=Path, help="PNG to write (default: docs/img/)")
    parser.add_argument("--html", type=Path, help="also keep the HTML page at this path")
    parser.add_argument("--mermaid-js-file", type=Path, help="Mermaid bundle to inline")
    parser.add_argument("--window-size", default=WINDOW, help=f"width,height (default {WINDOW})")
    args = parser.parse_args(argv)

    output = args.output or REPO / "docs" / "img" / f"card-{args.technique}.png"
    with tempfile.TemporaryDirectory(prefix="d3fgraph-card-") as folder:
        page = args.html or Path(folder) / f"card-{args.technique}.html"
        try:
            write_card_page(args.technique, page, args.mermaid_js_file)
            if "<svg" not in dump_dom(page):
                print(f"error: Chromium drew no diagram on {page}", file=sys.stderr)
                return 1
            screenshot(page, output, args.window_size)
        except (ChromiumError, D3fgraphError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
