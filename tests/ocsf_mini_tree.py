"""A synthetic OCSF schema source tree, written out for the loader tests that need no real data.

Gadgets, widgets and the Acme extension exist only here: the tree exercises what the loader
must handle (inheritance, profiles, an extension, deprecations, enums) in a few files. It is
kept as Python rather than as JSON files so that nothing in the repository looks like, or is
taken for, the upstream schema, which the tests read from ``D3FGRAPH_DATA_DIR`` alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["FILES", "write_tree"]

#: Each file of the tree, by its path under the tree's root, as parsed JSON.
FILES: dict[str, Any] = {
    "categories.json": {
        "caption": "Categories",
        "description": "Categories of the synthetic test schema.",
        "name": "category",
        "attributes": {
            "demo": {"uid": 9, "caption": "Demo Activity", "description": "Things gadgets do."}
        },
    },
    "dictionary.json": {
        "caption": "Attribute Dictionary",
        "description": "Attributes of the synthetic test schema.",
        "name": "dictionary",
        "attributes": {
            "activity_id": {
                "caption": "Activity ID",
                "description": "What happened.",
                "type": "integer_t",
                "enum": {"0": {"caption": "Unknown"}, "99": {"caption": "Other"}},
            },
            "category_uid": {
                "caption": "Category ID",
                "description": "The category.",
                "type": "integer_t",
            },
            "class_uid": {"caption": "Class ID", "description": "The class.", "type": "integer_t"},
            "gadget": {
                "caption": "Gadget",
                "description": "The <code>gadget</code> involved.",
                "type": "gadget",
            },
            "host": {
                "caption": "Host",
                "description": "The gadget that hosts the event.",
                "type": "gadget",
            },
            "legacy_id": {
                "caption": "Legacy ID",
                "description": "An identifier nobody should use.",
                "type": "string_t",
                "@deprecated": {"message": "Use <code>name</code>.", "since": "0.1.0"},
            },
            "mode": {
                "caption": "Mode",
                "description": "How fast the gadget went.",
                "type": "string_t",
                "enum": {"FAST": {"caption": "Fast"}, "SLOW": {"caption": "Slow"}},
            },
            "name": {"caption": "Name", "description": "A name.", "type": "string_t"},
            "parts": {
                "caption": "Parts",
                "description": "Spare parts.",
                "type": "string_t",
                "is_array": True,
            },
            "pid": {"caption": "PID", "description": "A process identifier.", "type": "integer_t"},
            "region": {"caption": "Region", "description": "A cloud region.", "type": "string_t"},
            "time": {"caption": "Time", "description": "When it happened.", "type": "timestamp_t"},
            "type_id": {
                "caption": "Type ID",
                "description": "The observable type.",
                "type": "integer_t",
            },
            "type_uid": {"caption": "Type ID", "description": "The event type.", "type": "long_t"},
        },
        "types": {
            "caption": "Data Types",
            "description": "Data types of the synthetic test schema.",
            "attributes": {
                "integer_t": {"caption": "Integer", "description": "A signed integer."},
                "long_t": {"caption": "Long", "description": "A signed long integer."},
                "string_t": {"caption": "String", "description": "A UTF-8 string."},
                "timestamp_t": {
                    "caption": "Timestamp",
                    "description": "Milliseconds since the epoch.",
                    "type": "long_t",
                    "type_name": "Long",
                },
            },
        },
    },
    "events/base_event.json": {
        "caption": "Base Event",
        "description": "The root of every test class.",
        "name": "base_event",
        "category": "other",
        "attributes": {
            "$include": ["profiles/cloud.json", "profiles/host.json"],
            "activity_id": {"requirement": "required"},
            "category_uid": {
                "requirement": "required",
                "enum": {"0": {"caption": "Uncategorized"}},
            },
            "class_uid": {"requirement": "required"},
            "time": {"requirement": "required"},
            "type_uid": {"requirement": "required"},
        },
        "profiles": ["cloud", "host"],
    },
    "events/demo/demo.json": {
        "caption": "Demo",
        "description": "The category base, which makes the host "
        "profile attribute part of every demo class.",
        "name": "demo",
        "category": "demo",
        "extends": "base_event",
        "attributes": {"host": {"requirement": "required", "profile": None}},
    },
    "events/demo/gadget_activity.json": {
        "uid": 3,
        "caption": "Gadget Activity",
        "description": "A gadget was poked or prodded.",
        "name": "gadget_activity",
        "extends": "demo",
        "attributes": {
            "activity_id": {"enum": {"1": {"caption": "Poke"}, "2": {"caption": "Prod"}}},
            "gadget": {"group": "primary", "requirement": "required"},
            "mode": {"requirement": "optional"},
        },
        "references": [
            {
                "description": "D3FEND d3f:ProcessEvent",
                "url": "https://d3fend.mitre.org/event/d3f:ProcessEvent/",
            }
        ],
    },
    "extensions/acme/dictionary.json": {
        "caption": "Acme Dictionary",
        "description": "Attributes the Acme extension adds.",
        "name": "dictionary",
        "attributes": {
            "serial": {
                "caption": "Serial",
                "description": "An Acme serial number.",
                "type": "string_t",
            },
            "tag": {"caption": "Tag", "description": "An Acme tracking tag.", "type": "string_t"},
            "widget": {"caption": "Widget", "description": "An Acme widget.", "type": "widget"},
        },
    },
    "extensions/acme/events/widget_activity.json": {
        "uid": 1,
        "caption": "Widget Activity",
        "description": "An Acme widget spun.",
        "name": "widget_activity",
        "extends": "demo",
        "attributes": {
            "activity_id": {"enum": {"1": {"caption": "Spin"}}},
            "widget": {"requirement": "required"},
        },
    },
    "extensions/acme/extension.json": {
        "uid": 7,
        "caption": "Acme",
        "description": "The Acme test extension.",
        "name": "acme",
        "version": "0.1.0",
    },
    "extensions/acme/objects/gadget.json": {
        "caption": "Gadget",
        "description": "Adds Acme fields to the gadget object.",
        "extends": "gadget",
        "attributes": {
            "$include": ["profiles/tracking.json"],
            "serial": {"requirement": "optional"},
        },
    },
    "extensions/acme/objects/widget.json": {
        "caption": "Widget",
        "description": "An Acme widget.",
        "name": "widget",
        "attributes": {"gadget": {"requirement": "optional"}, "name": {"requirement": "required"}},
        "references": [
            {
                "description": "D3FEND d3f:Sensor",
                "url": "https://next.d3fend.mitre.org/dao/artifact/d3f:Sensor/",
            }
        ],
    },
    "extensions/acme/profiles/tracking.json": {
        "caption": "Tracking",
        "description": "Acme tracking attributes.",
        "meta": "profile",
        "name": "tracking",
        "attributes": {"tag": {"requirement": "optional"}},
    },
    "objects/gadget.json": {
        "caption": "Gadget",
        "description": "A <b>gadget</b> &amp; its parts.",
        "name": "gadget",
        "attributes": {
            "gadget": {
                "description": "The gadget this one is plugged into.",
                "requirement": "optional",
            },
            "legacy_id": {"requirement": "optional"},
            "name": {"requirement": "required"},
            "parts": {"requirement": "optional"},
            "pid": {"requirement": "recommended"},
            "region": {"requirement": "optional", "profile": "cloud"},
        },
        "references": [
            {
                "description": "D3FEND d3f:Process",
                "url": "https://d3fend.mitre.org/dao/artifact/d3f:Process/",
            },
            {"description": "Not D3FEND", "url": "https://example.org/gadgets"},
        ],
    },
    "objects/observable.json": {
        "caption": "Observable",
        "description": "ocsf-lib needs this object to build observable type ids.",
        "name": "observable",
        "attributes": {
            "name": {"requirement": "required"},
            "type_id": {"requirement": "required", "enum": {"0": {"caption": "Unknown"}}},
        },
    },
    "profiles/cloud.json": {
        "caption": "Cloud",
        "description": "Attributes of cloud events.",
        "meta": "profile",
        "name": "cloud",
        "attributes": {"region": {"requirement": "optional"}},
    },
    "profiles/host.json": {
        "caption": "Host",
        "description": "Attributes of events on a host.",
        "meta": "profile",
        "name": "host",
        "attributes": {"host": {"requirement": "recommended"}},
    },
    "version.json": {"version": "0.1.0"},
}


def write_tree(root: Path) -> Path:
    """Write the tree under ``root`` and return ``root``."""
    for name, content in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return root
