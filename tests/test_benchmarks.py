"""The benchmark scripts time what the performance targets name and explain each miss."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from d3fgraph.query import list_saved_queries

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # Dataclasses look their module up by name while the class is made.
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


class TestQueryCases:
    def test_every_saved_query_is_timed(self):
        """A saved query added without a benchmark case would escape the 50 ms target."""
        cases = {name for name, _, _ in load("bench_queries").CASES}

        assert cases == set(list_saved_queries())


class TestReport:
    def results(self, module: ModuleType, cold_s: float, query_s: float) -> list:
        result = module.Result
        return [
            result("(a) baseline: rdflib parses D3FEND", 1.0, 0.9, 1.1, 80.0, 5),
            result("(b) render-model T1055.001, no cache", cold_s, cold_s, cold_s, 160.0, 5),
            result("(c) render-model T1055.001, warm cache", 0.1, 0.1, 0.1, 40.0, 5),
            result("(d) query class-hierarchy (class=d3f:Thing)", query_s, 0.0, 0.1, 0.0, 20),
            result("(e) render-all, every technique", 12.0, 12.0, 12.0, 250.0, 2),
        ]

    def test_a_miss_says_why_with_the_measured_stages(self):
        module = load("run_benchmarks")
        stages = {"d3fend": 0.15, "ocsf_compile": 1.2, "store flush and optimise, files": 0.4}

        text = module.report(self.results(module, 3.0, 0.07), stages)

        assert (
            "| (b) first run at most 1.0 x (a) | missed: 3.00 s, 3.00 x (a); the first run builds "
            "the whole cache, and its longest stage, ocsf_compile, took 1.20 s (1.20 x (a)) on "
            "its own"
        ) in text
        assert (
            "| (d) every saved query under 50 ms | missed: over: "
            "(d) query class-hierarchy (class=d3f:Thing) |"
        ) in text
        assert "| ocsf_compile | 1.20 |" in text
        assert "| (c) warm render-model at most 0.25 x (a) | met |" in text
        assert "| (e) render-all under 30 s | met |" in text

    def test_targets_met_say_met(self):
        module = load("run_benchmarks")

        text = module.report(self.results(module, 0.9, 0.01), {})

        assert text.count("| met |") == 5
        assert "missed" not in text


class TestBuildStages:
    def test_the_cache_entry_records_each_stage_of_its_build(self, knowledge, cache_dir):
        """The benchmark's account of a first run comes from what the build itself timed."""
        stages = load("run_benchmarks").build_stages(cache_dir)

        assert list(stages) == [
            "d3fend",
            "ocsf_compile",
            "ocsf_triples",
            "project",
            "serialise",
            "store flush and optimise, files",
        ]
        assert all(seconds >= 0 for seconds in stages.values())
        assert stages["ocsf_compile"] > 0
