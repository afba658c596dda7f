"""Write a coverage report as an ATT&CK Navigator layer, coloured by best robustness level.

The layer follows the Navigator's layer format 4.5. Each current technique is listed: a
modelled one scored with the Summiting the Pyramid level of its most robust rule (1 to 5), one
OCSF cannot see left unscored with the reason in its comment. Deprecated ids are left out, as
the Navigator's current ATT&CK no longer holds them.
"""

from __future__ import annotations

import json
from typing import Any, Final

from d3fgraph.coverage.records import CoverageReport, CoverageStatus, TechniqueCoverage

__all__ = ["LAYER_VERSION", "NAVIGATOR_VERSION", "render_navigator_layer"]

LAYER_VERSION: Final = "4.5"
#: The lowest Navigator release that reads layer format 4.5.
NAVIGATOR_VERSION: Final = "4.9.0"

_LOWEST, _HIGHEST = 1, 5
#: Red for level 1 (the adversary changes a name) through green for level 5 (the technique).
_GRADIENT: Final = ("#ff6666", "#ffe766", "#8ec843")
_LEVEL_NAMES: Final = {
    1: "1 ephemeral values",
    2: "2 adversary tool",
    3: "3 pre-existing tool",
    4: "4 some implementations",
    5: "5 technique",
}
_UNSEEN_COLOUR: Final = "#bdbdbd"


def render_navigator_layer(report: CoverageReport, *, name: str | None = None) -> str:
    """Return the layer as indented JSON, ending with a newline."""
    totals = report.totals
    layer: dict[str, Any] = {
        "name": name or f"d3fgraph coverage (D3FEND {report.d3fend_version})",
        "versions": {"navigator": NAVIGATOR_VERSION, "layer": LAYER_VERSION},
        "domain": "enterprise-attack",
        "description": (
            f"Techniques d3fgraph models in OCSF {report.ocsf_version}, scored by the "
            "Summiting the Pyramid level of their most robust rule: "
            f"{totals.curated} curated, {totals.drafted} drafted, {totals.unseen} unseen. "
            "A drafted model's score rests on default invariance classes and the event its "
            "artifact links suggest, not on review: read it as an upper bound."
        ),
        "sorting": 3,
        "layout": {"layout": "side", "showID": True, "showName": True},
        "hideDisabled": False,
        "techniques": [
            _technique(row)
            for row in report.techniques
            if row.status is not CoverageStatus.DEPRECATED
        ],
        "gradient": {"colors": list(_GRADIENT), "minValue": _LOWEST, "maxValue": _HIGHEST},
        "legendItems": [
            *({"label": label, "color": _colour(level)} for level, label in _LEVEL_NAMES.items()),
            {"label": "not seen by OCSF", "color": _UNSEEN_COLOUR},
        ],
        "metadata": [
            {"name": "D3FEND", "value": report.d3fend_version},
            {"name": "OCSF", "value": report.ocsf_version},
        ],
    }
    return json.dumps(layer, indent=2, ensure_ascii=False) + "\n"


def _technique(row: TechniqueCoverage) -> dict[str, Any]:
    entry: dict[str, Any] = {"techniqueID": row.id, "comment": _comment(row)}
    if row.robustness is not None:
        entry["score"] = row.robustness.level
    elif not row.modelled:
        entry["color"] = _UNSEEN_COLOUR
    return entry


def _comment(row: TechniqueCoverage) -> str:
    if not row.modelled:
        return f"{row.status}: {row.reason}"
    parts = [f"{row.status}: OCSF {row.event_class} / {row.activity}"]
    if row.robustness is not None:
        unreviewed = ", unreviewed draft" if row.status is CoverageStatus.DRAFTED else ""
        parts.append(
            f"robustness {row.robustness.label} ({row.robustness.variant} rule{unreviewed})"
        )
    else:
        parts.append("no score: every rule tests only the event class and activity")
    if row.countermeasures is not None:
        parts.append(f"{row.countermeasures} countermeasures")
    return "; ".join(parts)


def _colour(level: int) -> str:
    # The gradient's own colour at a level, so the legend matches the cells.
    low, middle, high = (_rgb(c) for c in _GRADIENT)
    position = (level - _LOWEST) / (_HIGHEST - _LOWEST) * 2
    start, end = (low, middle) if position <= 1 else (middle, high)
    fraction = position if position <= 1 else position - 1
    mixed = (round(a + (b - a) * fraction) for a, b in zip(start, end, strict=True))
    return "#" + "".join(f"{value:02x}" for value in mixed)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
