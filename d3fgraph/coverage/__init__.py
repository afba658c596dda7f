"""Coverage of ATT&CK by d3fgraph's event models: which techniques OCSF can see, and how well.

``build_coverage`` walks every technique D3FEND holds; the ``render_*`` functions turn the
report into a table, CSV, JSON or an ATT&CK Navigator layer, without doing any I/O.
"""

from d3fgraph.coverage.formats import (
    CSV_COLUMNS,
    render_coverage_csv,
    render_coverage_json,
    render_coverage_table,
)
from d3fgraph.coverage.navigator import LAYER_VERSION, render_navigator_layer
from d3fgraph.coverage.records import (
    CoverageReport,
    CoverageStatus,
    CoverageTotals,
    Robustness,
    TechniqueCoverage,
)
from d3fgraph.coverage.report import build_coverage

__all__ = [
    "CSV_COLUMNS",
    "LAYER_VERSION",
    "CoverageReport",
    "CoverageStatus",
    "CoverageTotals",
    "Robustness",
    "TechniqueCoverage",
    "build_coverage",
    "render_coverage_csv",
    "render_coverage_json",
    "render_coverage_table",
    "render_navigator_layer",
]
