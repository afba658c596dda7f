"""The house rules that tools can check: ruff's lint and format, and mypy in strict mode."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = ["d3fgraph", "tests", "benchmarks", "docs", "scripts", "examples"]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False
    )


def existing(paths: list[str]) -> list[str]:
    return [p for p in paths if (REPO / p).exists()]


@pytest.mark.slow
class TestCodeQuality:
    def test_ruff_finds_nothing(self):
        """Every Python file passes the lint rules pyproject.toml selects."""
        if shutil.which("ruff") is None and run_tool("ruff", "--version").returncode != 0:
            pytest.skip("ruff is not installed; pip install -e '.[test]' brings it")

        result = run_tool("ruff", "check", *existing(SOURCES))

        assert result.returncode == 0, result.stdout + result.stderr

    def test_ruff_format_is_applied(self):
        """Every Python file is formatted as ruff format writes it."""
        python_files = [str(p.relative_to(REPO)) for p in (REPO / "docs").glob("*.py")]
        folders = [p for p in existing(SOURCES) if p != "docs"]

        result = run_tool("ruff", "format", "--check", *folders, *python_files)

        assert result.returncode == 0, result.stdout + result.stderr

    def test_mypy_strict_passes(self):
        """The package type-checks under mypy --strict, as pyproject.toml configures it."""
        result = run_tool("mypy")

        assert result.returncode == 0, result.stdout + result.stderr
