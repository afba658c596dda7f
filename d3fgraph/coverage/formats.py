"""Write a coverage report as a text table, CSV or JSON; each returns text and does no I/O."""

from __future__ import annotations

import csv
import io
import json
from typing import Final

from d3fgraph.coverage.records import CoverageReport, CoverageStatus, TechniqueCoverage

__all__ = ["CSV_COLUMNS", "render_coverage_csv", "render_coverage_json", "render_coverage_table"]

#: The CSV header, one column per field of a technique's row; lists are joined with "; ".
CSV_COLUMNS: Final = (
    "id",
    "name",
    "status",
    "link_origin",
    "event_class",
    "class_uid",
    "activity",
    "other_classes",
    "native_fields",
    "non_native_fields",
    "robustness",
    "robustness_variant",
    "countermeasures",
    "successors",
    "reason",
)

_LIST_SEPARATOR: Final = "; "


def render_coverage_json(report: CoverageReport) -> str:
    """Return the report as indented JSON, ending with a newline."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_coverage_csv(report: CoverageReport) -> str:
    """Return one CSV row per technique under ``CSV_COLUMNS``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.techniques:
        writer.writerow(_csv_row(row))
    return buffer.getvalue()


def render_coverage_table(report: CoverageReport) -> str:
    """Return the totals, one line per technique and the techniques OCSF cannot see."""
    totals = report.totals
    lines = [
        f"ATT&CK coverage of d3fgraph: D3FEND {report.d3fend_version}, OCSF {report.ocsf_version}",
        (
            f"{totals.techniques} techniques in D3FEND: {totals.deprecated} deprecated, "
            f"{totals.current} current ({totals.linked} linked to an artifact, "
            f"{totals.unlinked} not)"
        ),
        (
            f"{totals.modelled} modelled ({totals.curated} curated, {totals.drafted} drafted); "
            f"{totals.unseen} unseen by OCSF ({totals.no_artifact_link} without an artifact "
            f"link, {totals.no_ocsf_row} with no OCSF row for their artifacts)"
        ),
        *(f"left out: {item}" for item in report.left_out),
        "",
    ]

    header = ("ID", "STATUS", "OCSF EVENT", "FIELDS", "ROBUSTNESS", "CM")
    table = [header]
    for row in report.techniques:
        if row.modelled:
            table.append(_table_row(row))
    widths = [max(len(cells[i]) for cells in table) for i in range(len(header))]
    lines.extend(
        "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        for cells in table
    )

    lines += ["", "Not seen by OCSF:"]
    lines.extend(f"  {row.id}  {row.status}: {row.reason}" for row in report.unseen())
    lines += ["", "Deprecated:"]
    lines.extend(
        f"  {row.id}  successor: {', '.join(row.successors) or 'none named'}"
        for row in report.techniques
        if row.status is CoverageStatus.DEPRECATED
    )
    return "\n".join(lines) + "\n"


def _table_row(row: TechniqueCoverage) -> tuple[str, str, str, str, str, str]:
    event = f"{row.event_class} / {row.activity}"
    if row.other_classes:
        event += f" (+{len(row.other_classes)})"
    fields = f"{len(row.native_fields)} native"
    if row.non_native_fields:
        fields += f", {len(row.non_native_fields)} not"
    robustness = "-" if row.robustness is None else row.robustness.label
    count = "" if row.countermeasures is None else str(row.countermeasures)
    return (row.id, str(row.status), event, fields, robustness, count)


def _csv_row(row: TechniqueCoverage) -> list[str | int]:
    non_native = [f"{path} ({', '.join(needs)})" for path, needs in row.non_native_fields]
    return [
        row.id,
        row.name,
        str(row.status),
        row.link_origin or "",
        row.event_class or "",
        row.class_uid if row.class_uid is not None else "",
        row.activity or "",
        _LIST_SEPARATOR.join(row.other_classes),
        _LIST_SEPARATOR.join(row.native_fields),
        _LIST_SEPARATOR.join(non_native),
        row.robustness.label if row.robustness else "",
        row.robustness.variant if row.robustness else "",
        row.countermeasures if row.countermeasures is not None else "",
        _LIST_SEPARATOR.join(row.successors),
        row.reason or "",
    ]
