"""Render every ATT&CK technique at once: diagrams, Sigma rules and cards, an index and a summary.

``render_all`` writes one folder per modelled technique and reports, for every technique
D3FEND holds, what was written, why it is not modelled, or what failed; ``render_index`` and
``render_summary`` turn that report into the run's ``index.md`` and ``summary.json``.
"""

from d3fgraph.render_all.index import render_index, render_summary
from d3fgraph.render_all.records import (
    DIAGRAM_FILE,
    INDEX_FILE,
    SUMMARY_FILE,
    CardFormat,
    Failure,
    Outcome,
    RenderAllReport,
    TechniqueResult,
    card_file,
    sigma_file,
)
from d3fgraph.render_all.run import (
    OutputFolderError,
    Progress,
    check_output_folder,
    default_jobs,
    render_all,
)

__all__ = [
    "DIAGRAM_FILE",
    "INDEX_FILE",
    "SUMMARY_FILE",
    "CardFormat",
    "Failure",
    "Outcome",
    "OutputFolderError",
    "Progress",
    "RenderAllReport",
    "TechniqueResult",
    "card_file",
    "check_output_folder",
    "default_jobs",
    "render_all",
    "render_index",
    "render_summary",
    "sigma_file",
]
