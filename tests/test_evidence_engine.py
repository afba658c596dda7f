"""The rule engine: rules as pySigma's SQLite queries, run over events in an in-memory table."""

from __future__ import annotations

import pytest

from d3fgraph.detection import ValueMatch, build_rule, load_sysmon_mapping
from d3fgraph.evidence import (
    EventTable,
    FunnelStep,
    RuleConversionError,
    SysmonToOcsf,
    field_value,
)
from d3fgraph.evidence.engine import FunnelCondition, compile_rule

from sigma_support import T1055_TACTICS, T1547_TACTICS, t1055_001_model, t1547_001_model

SYSMON = "Microsoft-Windows-Sysmon/Operational"


@pytest.fixture(scope="module")
def mapping():
    return load_sysmon_mapping()


def compiled(variant: str, mapping):
    rule = build_rule(t1055_001_model(), variant, mapping)
    return compile_rule(rule, mapping, T1055_TACTICS)


class TestCompileRule:
    def test_definitional_rule_is_its_selection(self, mapping):
        """The definitional rule tests the class, the activity and api.operation."""
        item = compiled("definitional", mapping)

        assert item.query == (
            "SELECT * FROM logs WHERE class_uid=1007 AND activity_id=4 AND "
            "`api.operation`='CreateRemoteThread'"
        )
        assert item.fields == ("activity_id", "api.operation", "class_uid")

    def test_ocsf_native_rule_keys_on_the_injection_type(self, mapping):
        """The OCSF-native rule tests injection_type_id 1 instead of api.operation."""
        item = compiled("ocsf-native", mapping)

        assert item.query == (
            "SELECT * FROM logs WHERE class_uid=1007 AND activity_id=4 AND injection_type_id=1"
        )
        assert item.steps == (
            FunnelCondition("class_uid", (1007,)),
            FunnelCondition("activity_id", (4,)),
            FunnelCondition("injection_type_id", (1,)),
        )

    def test_sysmon_rule_gains_its_channel_and_event_id(self, mapping):
        """The Sysmon log source becomes the Sysmon channel and Event ID 8 in the query."""
        item = compiled("sysmon", mapping)

        assert item.query == (
            "SELECT * FROM logs WHERE Channel='Microsoft-Windows-Sysmon/Operational' AND "
            "(EventID=8 AND (StartFunction='LoadLibraryA' OR StartFunction='LoadLibraryW' OR "
            "StartFunction='LoadLibraryExA' OR StartFunction='LoadLibraryExW'))"
        )
        assert item.steps == (
            FunnelCondition("Channel", (SYSMON,)),
            FunnelCondition("EventID", (8,)),
            FunnelCondition(
                "StartFunction",
                ("LoadLibraryA", "LoadLibraryW", "LoadLibraryExA", "LoadLibraryExW"),
            ),
        )


class TestFieldValue:
    def test_walks_nested_objects(self):
        """A dotted path walks into nested objects."""
        assert field_value({"actor": {"process": {"pid": 4}}}, "actor.process.pid") == 4

    def test_finds_keys_that_hold_dots(self):
        """A key written with dots by an exporter is found as well."""
        event = {"unmapped": {"winlog.channel": "Security"}, "a.b": 1}

        assert field_value(event, "unmapped.winlog.channel") == "Security"
        assert field_value(event, "a.b") == 1

    def test_returns_none_when_absent(self):
        """A path that leads nowhere gives None."""
        assert field_value({"actor": "text"}, "actor.process") is None


class TestEventTable:
    EVENTS = (
        {"EventID": 8, "StartFunction": "loadlibrarya", "Channel": SYSMON},
        {"EventID": "8", "StartFunction": "LoadLibraryW", "Channel": SYSMON},
        {"EventID": 1, "Image": "a.exe", "Channel": SYSMON},
        {"EventID": 8, "StartFunction": "-", "Channel": SYSMON, "Flag": True},
    )
    FIELDS = ("EventID", "StartFunction", "Channel", "Flag", "api.operation")

    def test_matches_text_without_regard_to_case(self):
        """Sigma's string matching ignores case, and so do the table's columns."""
        with EventTable(self.EVENTS, self.FIELDS) as table:
            found = table.matches("SELECT * FROM logs WHERE StartFunction='LoadLibraryA'")

        assert found == (0,)

    def test_matches_numbers_written_as_text(self):
        """EventID 8 matches an exporter's "8" as well as its 8."""
        with EventTable(self.EVENTS, self.FIELDS) as table:
            found = table.matches("SELECT * FROM logs WHERE EventID=8")

        assert found == (0, 1, 3)

    def test_stores_booleans_as_sigma_words(self):
        """A JSON true is stored as 'true', which Sigma rules compare against."""
        with EventTable(self.EVENTS, self.FIELDS) as table:
            found = table.matches("SELECT * FROM logs WHERE Flag='true'")

        assert found == (3,)

    def test_reports_fields_no_event_holds(self):
        """A field missing from every event is named, so a silent rule can say why."""
        with EventTable(self.EVENTS, self.FIELDS) as table:
            assert table.absent(("EventID", "api.operation")) == ("api.operation",)

    def test_funnel_counts_each_condition_and_what_the_last_saw(self):
        """Each step counts the events left; an emptying step lists the values it met."""
        steps = (
            FunnelCondition("EventID", (8,)),
            FunnelCondition("StartFunction", ("LoadLibraryExA",)),
        )

        with EventTable(self.EVENTS, self.FIELDS) as table:
            funnel = table.funnel(steps)

        assert funnel == (
            FunnelStep("EventID", (8,), 3),
            FunnelStep(
                "StartFunction",
                ("LoadLibraryExA",),
                0,
                (("-", 1), ("loadlibrarya", 1), ("LoadLibraryW", 1)),
            ),
        )

    def test_runs_regular_expressions(self):
        """Rules with the re modifier get SQLite's REGEXP operator."""
        with EventTable(self.EVENTS, self.FIELDS) as table:
            found = table.matches("SELECT * FROM logs WHERE StartFunction REGEXP '^Load.*W$'")

        assert found == (1,)

    def test_reports_a_query_sqlite_rejects(self):
        """A malformed query is a conversion error naming the query."""
        with EventTable(self.EVENTS, self.FIELDS) as table, pytest.raises(RuleConversionError):
            table.matches("SELECT * FROM logs WHERE")


class TestSubstringConditions:
    """T1547.001's rules test part of the key path; the engine and the funnel honour that."""

    RUN = "\\Microsoft\\Windows\\CurrentVersion\\Run"
    RUN_ONCE = "\\Microsoft\\Windows\\CurrentVersion\\RunOnce"
    TARGETS = (
        r"HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Run\Updater",
        r"HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\RunServices\Updater",
        r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\RunOnce\A_1",
        r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\RunOnceEx\0001",
    )
    SETS = tuple({"Channel": SYSMON, "EventID": 13, "TargetObject": t} for t in TARGETS)

    def run(self, variant: str, events, mapping):
        item = compile_rule(build_rule(t1547_001_model(), variant, mapping), mapping, T1547_TACTICS)
        with EventTable(events, item.fields) as table:
            return item, table.matches(item.query), table.funnel(item.steps)

    def test_sysmon_rule_matches_a_value_under_the_run_key_only(self, mapping):
        """A value under a user's Run key matches; RunServices and RunOnceEx do not."""
        item, found, funnel = self.run("sysmon", self.SETS, mapping)

        assert "TargetObject LIKE" in item.query
        assert item.steps[-1] == FunnelCondition(
            "TargetObject",
            (self.RUN + "\\", self.RUN_ONCE + "\\"),
            ValueMatch.CONTAINS,
        )
        assert found == (0, 2)
        assert funnel[-1] == FunnelStep(
            "TargetObject", item.steps[-1].values, 2, (), ValueMatch.CONTAINS
        )

    @pytest.mark.parametrize("variant", ["definitional", "ocsf-native"])
    def test_ocsf_rules_match_the_same_events_once_converted(self, mapping, variant):
        """Converted to OCSF, the key path ends with the Run key for the same two events."""
        converter = SysmonToOcsf(mapping)
        events = [converter.map(raw) for raw in self.SETS]

        _, found, funnel = self.run(variant, events, mapping)

        assert events[0]["reg_value"]["path"].endswith("CurrentVersion\\Run")
        assert found == (0, 2)
        assert [step.remaining for step in funnel] == [4, 4, 2]

    def test_funnel_matches_percent_and_underscore_as_themselves(self):
        """LIKE's own wildcards in a value are escaped, so the funnel agrees with Sigma."""
        events = ({"Name": "A_1"}, {"Name": "AB1"}, {"Name": "50%"}, {"Name": "50x"})
        steps = (FunnelCondition("Name", ("_1", "0%"), ValueMatch.ENDSWITH),)

        with EventTable(events, ("Name",)) as table:
            (step,) = table.funnel(steps)

        assert (step.remaining, step.match) == (2, ValueMatch.ENDSWITH)
        assert step.to_dict()["match"] == "endswith"

    def test_funnel_equality_ignores_case_as_sigma_does(self):
        """StartFunction 'loadlibrarya' passes a step on LoadLibraryA, as the rule itself does."""
        events = ({"StartFunction": "loadlibrarya"}, {"StartFunction": "LoadLibraryW"})
        steps = (FunnelCondition("StartFunction", ("LoadLibraryA",)),)

        with EventTable(events, ("StartFunction",)) as table:
            (step,) = table.funnel(steps)

        assert step.remaining == 1

    def test_silent_substring_step_lists_what_the_events_held(self):
        """A step that leaves nothing shows the values met, like an equality step."""
        steps = (FunnelCondition("TargetObject", ("\\RunOnce\\",), ValueMatch.STARTSWITH),)

        with EventTable(self.SETS[:1], ("TargetObject",)) as table:
            (step,) = table.funnel(steps)

        assert (step.remaining, step.seen) == (0, ((self.SETS[0]["TargetObject"], 1),))
