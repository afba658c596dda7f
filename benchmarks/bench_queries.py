"""Time every saved SPARQL query on the merged graph, and the countermeasure join built on them.

Run from the repository root, with the data folder named as the tests name it:

    D3FGRAPH_DATA_DIR=/path/to/data python benchmarks/bench_queries.py

Every saved query runs; one with parameters runs with bindings a user would give, including
the widest class D3FEND has (d3f:DigitalArtifact) as the worst case. ``--sweep`` also runs
technique-countermeasures for every ATT&CK technique D3FEND knows. Times are wall-clock
milliseconds inside one warm process (the graph loaded from the cache), median and maximum of
``--runs`` runs. The table is printed and written into its own section of
docs/performance.md, leaving the rest of the file alone.
"""

from __future__ import annotations

import argparse
import logging
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from d3fgraph.countermeasures import find_countermeasures, run_saved_query
from d3fgraph.countermeasures.terms import iri
from d3fgraph.knowledge import KnowledgeGraph
from d3fgraph.query import list_saved_queries, select, term_text

T = TypeVar("T")

REPO = Path(__file__).resolve().parent.parent
START = "<!-- bench_queries: start -->"
END = "<!-- bench_queries: end -->"

#: Saved query, the binding, and why that binding is worth timing.
CASES = [
    ("technique-artifacts", {"technique": "T1055.001"}, "the modelled technique"),
    ("technique-countermeasures", {"technique": "T1055.001"}, "the modelled technique"),
    ("technique-countermeasures", {"technique": "T1115"}, "an empty answer"),
    ("artifact-countermeasures", {"artifact": "d3f:Process"}, "11 exact matches"),
    ("artifact-countermeasures", {"artifact": "d3f:SharedLibraryFile"}, "two levels up"),
    ("artifact-narrower-countermeasures", {"artifact": "d3f:Host"}, "a typical class"),
    ("artifact-narrower-countermeasures", {"artifact": "d3f:DigitalArtifact"}, "worst case"),
    ("class-hierarchy", {"class": "d3f:SharedLibraryFile"}, "a typical class"),
    ("class-hierarchy", {"class": "d3f:DigitalArtifact"}, "worst case"),
    ("defensive-technique", {"countermeasure": "d3f:NetworkIsolation"}, "a curated one"),
    ("artifact-classes", {}, "whole hierarchy"),
    ("attack-artifact-links", {}, "every technique"),
    ("attack-techniques", {}, "every technique"),
    ("event-participants", {}, "every event class"),
    ("object-properties", {}, "every property"),
]


def timed(action: Callable[[], T], runs: int) -> tuple[float, float, T]:
    """Run ``action`` once to warm up, then ``runs`` times; return median and max in ms."""
    result = action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sweep", action="store_true", help="time every ATT&CK technique")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "performance.md")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    untimed = sorted(set(list_saved_queries()) - {name for name, _, _ in CASES})
    if untimed:
        raise SystemExit(f"no case times these saved queries; add them to CASES: {untimed}")

    loaded = time.perf_counter()
    knowledge = KnowledgeGraph.load()
    store = knowledge.store
    load_s = time.perf_counter() - loaded

    rows = []
    for name, raw, why in CASES:
        bindings = {k: iri(v) if v.startswith("d3f:") else v for k, v in raw.items()}
        median, worst, result = timed(partial(run_saved_query, store, name, bindings), args.runs)
        shown = ", ".join(f"{k}={v}" for k, v in raw.items()) or "none"
        rows.append((f"`{name}`", shown, why, len(result), median, worst))

    model = knowledge.model("T1055.001")
    median, worst, report = timed(
        lambda: find_countermeasures(store, "T1055.001", model), args.runs
    )
    count = len(report.countermeasures)
    rows.append(("join, with its model", "T1055.001", "every query it needs", count, median, worst))

    if args.sweep:
        ids = sorted(
            term_text(r["id"])
            for r in select(store, "SELECT DISTINCT ?id { ?t d3f:attack-id ?id }")
        )
        times = []
        for technique_id in ids:
            started = time.perf_counter()
            run_saved_query(store, "technique-countermeasures", {"technique": technique_id})
            times.append((time.perf_counter() - started) * 1000)
        rows.append(
            (
                "`technique-countermeasures`",
                f"each of {len(ids)} techniques",
                "sweep, one run each",
                len(ids),
                statistics.median(times),
                max(times),
            )
        )

    table = render(rows, len(store), load_s, args.runs)
    sys.stdout.write(table)
    if not args.no_write:
        write_section(args.output, table)
    return 0


def render(
    rows: list[tuple[str, str, str, int, float, float]], triples: int, load_s: float, runs: int
) -> str:
    machine = f"{platform.system()} {platform.machine()}, Python {platform.python_version()}"
    lines = [
        START,
        "## Saved queries",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine}, over the merged graph "
        f"({triples:,} triples, opened in {load_s:.1f} s). Median and maximum of {runs} warm "
        "runs in one process, after one warm-up run; written by `benchmarks/bench_queries.py`.",
        "",
        "| query | binding | case | rows | median ms | max ms |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {q} | {b} | {why} | {n} | {median:.1f} | {worst:.1f} |"
        for q, b, why, n, median, worst in rows
    ]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_section(path: Path, table: str) -> None:
    """Replace this script's section of ``path``, or append it, keeping everything else."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + table + tail
    else:
        text = text.rstrip("\n") + "\n\n" + table
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
