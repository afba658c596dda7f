"""An event integer wider than SQLite's 64 bits loads as text instead of raising OverflowError."""

from __future__ import annotations

import json

from d3fgraph.cli import main
from d3fgraph.evidence import EventTable
from d3fgraph.evidence.engine import FunnelCondition

HUGE = 18446744073709551615


class TestIntegerBeyondSqliteRange:
    def test_event_table_loads_and_reports_the_value(self):
        """The table loads the event; SQLite's NUMERIC column keeps the digits as a REAL."""
        events = [{"EventID": HUGE}, {"EventID": -HUGE}, {"EventID": 8}]

        with EventTable(events, ["EventID"]) as table:
            funnel = table.funnel([FunnelCondition("EventID", (1,))])

        assert table.size == 3
        assert funnel[0].remaining == 0
        assert funnel[0].seen == (
            ("-1.8446744073709552e+19", 1),
            ("8", 1),
            ("1.8446744073709552e+19", 1),
        )

    def test_evidence_command_runs_on_the_event(self, capsys, cli_env, tmp_path):
        """d3fgraph evidence reads the event, runs every rule and exits 0."""
        path = tmp_path / "huge.jsonl"
        event = {"EventID": HUGE, "Channel": "Microsoft-Windows-Sysmon/Operational"}
        path.write_text(json.dumps(event) + "\n", encoding="utf-8")

        code = main(["evidence", "T1055.001", "--events", str(path), "--format", "json"])

        out, err = capsys.readouterr()
        recording = json.loads(out)["recordings"][0]
        sysmon = recording["results"][2]
        assert (code, err) == (0, "")
        assert (recording["events_read"], recording["sysmon_events"]) == (1, 1)
        assert (sysmon["variant"], sysmon["events_scanned"], sysmon["matched"]) == ("sysmon", 1, 0)
        assert sysmon["funnel"][1]["seen"] == [{"value": "1.8446744073709552e+19", "events": 1}]
