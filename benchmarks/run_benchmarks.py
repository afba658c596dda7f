"""Time d3fgraph's commands against a plain rdflib parse of D3FEND, and write the table.

Run from the repository root, with the data folder named as the tests name it:

    D3FGRAPH_DATA_DIR=/path/to/data python benchmarks/run_benchmarks.py

Each whole-process figure is the median of several runs of a fresh process; peak memory is
the largest resident set of that process, read from the operating system's accounting of the
finished child. The table is printed and written to docs/performance.md with the machine's
description, and each target from the performance issue is marked met or missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# A child's resource use is only visible once it has been waited for, so each measured run is
# wrapped in a small Python process that runs the command and reports its own children's peak.
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "rss_kb": usage.ru_maxrss, "code": code}))
"""


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    median_s: float
    min_s: float
    max_s: float
    peak_mb: float
    runs: int
    note: str = ""


def measure(
    name: str,
    command: Sequence[str],
    runs: int,
    env: dict[str, str],
    before_each: object = None,
) -> Result:
    walls, peaks = [], []
    for _ in range(runs):
        if callable(before_each):
            before_each()
        out = subprocess.run(
            [sys.executable, "-c", _WRAPPER, *command],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        record = json.loads(out.stdout)
        if record["code"] != 0:
            # A failing command has no time worth quoting; the table says it failed.
            note = f"failed: {' '.join(command[-2:])} exited with {record['code']}"
            return Result(name, float("nan"), float("nan"), float("nan"), 0.0, 0, note)
        walls.append(record["wall"])
        peaks.append(record["rss_kb"] / 1024)
    return Result(name, statistics.median(walls), min(walls), max(walls), max(peaks), runs)


def query_timings(env: dict[str, str], repeats: int) -> list[Result]:
    """Time each saved query inside one process, with the bindings bench_queries.py uses."""
    script = f"""
import json, statistics, sys, time
sys.path.insert(0, {str(REPO / "benchmarks")!r})
from bench_queries import CASES
from d3fgraph.countermeasures import run_saved_query
from d3fgraph.countermeasures.terms import iri
from d3fgraph.knowledge import KnowledgeGraph
store = KnowledgeGraph.load().store
out = []
for name, raw, why in CASES:
    bindings = {{k: iri(v) if v.startswith("d3f:") else v for k, v in raw.items()}}
    run_saved_query(store, name, bindings)
    times = []
    for _ in range({repeats}):
        start = time.perf_counter()
        run_saved_query(store, name, bindings)
        times.append(time.perf_counter() - start)
    shown = ", ".join(f"{{k}}={{v}}" for k, v in raw.items())
    label = f"{{name}} ({{shown}})" if shown else name
    out.append([label, statistics.median(times), min(times), max(times)])
print(json.dumps(out))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    return [
        Result(f"(d) query {name}", med, lo, hi, 0.0, repeats)
        for name, med, lo, hi in json.loads(out.stdout)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "performance.md")
    args = parser.parse_args(argv)

    data_dir = os.environ.get("D3FGRAPH_DATA_DIR")
    if not data_dir:
        raise SystemExit("set D3FGRAPH_DATA_DIR to the folder holding d3fend/ and ocsf-schema/")
    d3fend = next(p for p in sorted((Path(data_dir) / "d3fend").glob("d3fend*.ttl")))
    work = Path(tempfile.mkdtemp(prefix="d3fgraph-bench-"))
    env = {**os.environ, "D3FGRAPH_CACHE_DIR": str(work / "warm")}
    cold_env = {**env, "D3FGRAPH_CACHE_DIR": str(work / "cold")}
    render = [str(BIN / "render-model"), "T1055.001"]

    results = [
        measure(
            "(a) baseline: rdflib parses D3FEND",
            [sys.executable, "-c", f"import rdflib; rdflib.Graph().parse({str(d3fend)!r})"],
            args.runs,
            env,
        ),
        measure(
            "(b) render-model T1055.001, no cache",
            render,
            args.runs,
            cold_env,
            before_each=lambda: shutil.rmtree(work / "cold", ignore_errors=True),
        ),
    ]
    stages = build_stages(work / "cold")
    subprocess.run(render, env=env, capture_output=True, check=True)
    results.append(measure("(c) render-model T1055.001, warm cache", render, args.runs, env))
    results.extend(query_timings(env, repeats=20))
    out_dir = work / "all"
    results.append(
        measure(
            "(e) render-all, every technique",
            [str(BIN / "d3fgraph"), "render-all", str(out_dir)],
            max(1, args.runs // 2),
            env,
            before_each=lambda: shutil.rmtree(out_dir, ignore_errors=True),
        )
    )

    text = report(results, stages)
    print(text)
    write_section(args.output, text)
    shutil.rmtree(work, ignore_errors=True)
    failed = [r.name for r in results if r.note]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def build_stages(cache_dir: Path) -> dict[str, float]:
    """Return the seconds each stage of the cache build in ``cache_dir`` took, from its record.

    ``cache_dir`` is the folder ``D3FGRAPH_CACHE_DIR`` named for the build.
    """
    for meta_file in sorted(cache_dir.glob("graphs/graph-*/meta.json")):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        stages = dict(meta.get("build_seconds", {}))
        stages["store flush and optimise, files"] = meta["write_seconds"] - sum(stages.values())
        return stages
    return {}


def report(results: list[Result], stages: dict[str, float]) -> str:
    baseline = results[0].median_s
    by_name = {r.name[:3]: r for r in results}
    warm, cold, everything = by_name["(c)"], by_name["(b)"], by_name["(e)"]
    # Why a miss is a miss, in figures this run measured.
    slowest = max(stages.items(), key=lambda item: item[1], default=None)
    cold_why = f"{cold.median_s:.2f} s, {cold.median_s / baseline:.2f} x (a)"
    if slowest is not None:
        name, seconds = slowest
        cold_why += (
            f"; the first run builds the whole cache, and its longest stage, {name}, took "
            f"{seconds:.2f} s ({seconds / baseline:.2f} x (a)) on its own; see the stages below"
        )
    checks = [
        (
            "(c) warm render-model at most 0.25 x (a)",
            warm.median_s <= 0.25 * baseline,
            f"{warm.median_s * 1000:.0f} ms, {warm.median_s / baseline:.2f} x (a)",
        ),
        ("(b) first run at most 1.0 x (a)", cold.median_s <= baseline, cold_why),
    ]
    queries = [r for r in results if r.name.startswith("(d)")]
    slow = [r.name for r in queries if r.median_s >= 0.05]
    checks.append(
        ("(d) every saved query under 50 ms", not slow, f"over: {', '.join(slow)}"),
    )
    checks.append(
        ("(e) render-all under 30 s", everything.median_s < 30, f"{everything.median_s:.1f} s")
    )
    heavy = [f"{r.name} ({r.peak_mb:.0f} MB)" for r in results if r.peak_mb >= 300]
    checks.append(("peak memory of every command under 300 MB", not heavy, ", ".join(heavy)))

    lines = [
        "## Whole commands and saved queries",
        "",
        "Measured by `benchmarks/run_benchmarks.py`; rerun it from the repository root with",
        "",
        "```sh",
        "D3FGRAPH_DATA_DIR=/path/to/data python benchmarks/run_benchmarks.py",
        "```",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d}: {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}. Whole-process times are "
        "medians of fresh processes; query times are medians inside one process.",
        "",
        "| measurement | median | min | max | ratio to (a) | peak memory | runs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        if r.note:
            lines.append(f"| {r.name} | {r.note} | | | | | |")
            continue
        peak = f"{r.peak_mb:.0f} MB" if r.peak_mb else "n/a (in-process)"
        lines.append(
            f"| {r.name} | {_ms(r.median_s)} | {_ms(r.min_s)} | {_ms(r.max_s)} | "
            f"{r.median_s / baseline:.2f} | {peak} | {r.runs} |"
        )
    lines += ["", "## Targets", "", "| target | result |", "| --- | --- |"]
    lines += [f"| {name} | {'met' if ok else 'missed: ' + why} |" for name, ok, why in checks]
    if stages:
        lines += [
            "",
            "## Where the first run goes",
            "",
            f"Stages of the last cache build of (b), from the cache entry's `meta.json`; the "
            f"rest of (b)'s {_ms(cold.median_s)} is start-up, hashing the inputs and "
            "rendering.",
            "",
            "| stage | seconds |",
            "| --- | ---: |",
        ]
        lines += [f"| {name} | {seconds:.2f} |" for name, seconds in stages.items()]
    lines.append("")
    return "\n".join(lines)


START = "<!-- run_benchmarks: start -->"
END = "<!-- run_benchmarks: end -->"


def write_section(path: Path, text: str) -> None:
    """Put ``text`` between this script's markers, keeping the rest of the file."""
    section = f"{START}\n{text}{END}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if START in old and END in old:
        head, _, rest = old.partition(START)
        _, _, tail = rest.partition(END)
        new = head + section + tail.lstrip("\n")
    else:
        title, _, body = old.partition("\n")
        new = f"{title}\n\n{section}\n{body.lstrip()}"
    path.write_text(new, encoding="utf-8")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    sys.exit(main())
