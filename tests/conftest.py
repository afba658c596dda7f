"""Shared fixtures: the real D3FEND and OCSF data, loaded once, and a network that stays shut."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytest_socket import socket_allow_hosts

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _offline() -> None:
    """Keep every test off the network; loopback stays open for local test servers."""
    socket_allow_hosts(["127.0.0.1", "localhost", "::1"], allow_unix_socket=True)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder with the real data, named by D3FGRAPH_DATA_DIR (CI sets it)."""
    value = os.environ.get("D3FGRAPH_DATA_DIR")
    if not value:
        pytest.skip(
            "D3FGRAPH_DATA_DIR is not set: point it at a folder holding d3fend/ and "
            "ocsf-schema/ (see the README) to run the tests on real data"
        )
    return Path(value)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph cache for this test session only."""
    return tmp_path_factory.mktemp("graph-cache")


@pytest.fixture(scope="session")
def knowledge(data_dir: Path, cache_dir: Path):
    """The merged knowledge graph built from the real data, once per session."""
    from d3fgraph.knowledge import KnowledgeGraph

    return KnowledgeGraph.load(data_dir, cache_dir=cache_dir, download=False)


@pytest.fixture(scope="session")
def t1055_001(knowledge):
    """The curated event model of T1055.001 built on the real data."""
    return knowledge.model("T1055.001")


@pytest.fixture
def cli_env(data_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for in-process CLI runs: the real data and the session's graph cache."""
    monkeypatch.setenv("D3FGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("D3FGRAPH_CACHE_DIR", str(cache_dir))
    return data_dir


@pytest.fixture(scope="session")
def mermaid_check():
    """Run the real Mermaid parser over files; returns (exit code, output)."""
    from checkers import find_checker, run_checker

    find_checker("mermaid-check")

    def check(*files: Path, svg_dir: Path | None = None) -> tuple[int, str]:
        options = ["--svg", str(svg_dir)] if svg_dir is not None else []
        return run_checker("mermaid-check", *options, *files)

    return check
