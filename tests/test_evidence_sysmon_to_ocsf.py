"""The Sysmon-to-OCSF mapper: Sysmon events as the OCSF events the mapping file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from d3fgraph.detection import load_sysmon_mapping
from d3fgraph.evidence import SYSMON_CHANNEL, SysmonToOcsf, read_events, sysmon_event_id

FIXTURES = Path(__file__).parent / "data" / "evidence"
RUN_KEY = r"HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Run"

SYSMON_PRODUCT = {
    "version": "1.8.0",
    "product": {"name": "System Monitor (Sysmon)", "vendor_name": "Microsoft"},
    "log_name": SYSMON_CHANNEL,
}


def leaves(value):
    """Return every scalar inside nested dicts and lists."""
    if isinstance(value, dict):
        return [leaf for child in value.values() for leaf in leaves(child)]
    if isinstance(value, list):
        return [leaf for child in value for leaf in leaves(child)]
    return [value]


@pytest.fixture(scope="module")
def mapper():
    return SysmonToOcsf(load_sysmon_mapping())


@pytest.fixture(scope="module")
def events():
    return read_events(FIXTURES / "sysmon-injection.jsonl").events


class TestSysmonEventId:
    def test_reads_numbers_and_text(self, events):
        """Exporters write the Event ID as a number or as text; both are read."""
        assert [sysmon_event_id(e) for e in events] == [8, 8, 1, 10, None, 7]

    def test_ignores_other_channels(self):
        """An event of another log is not Sysmon's, whatever its Event ID."""
        assert sysmon_event_id({"Channel": "Security", "EventID": 8}) is None


class TestSysmonToOcsf:
    def test_maps_the_ids_of_the_mapping_file(self, mapper):
        """The mapper covers the Sysmon events the mapping file lists."""
        assert mapper.event_ids == (1, 8, 10, 11, 13, 14)

    def test_maps_create_remote_thread_to_process_inject(self, mapper, events):
        """Event ID 8 is Inject by remote thread: source to actor, target to process."""
        assert mapper.map(events[0]) == {
            "class_uid": 1007,
            "activity_id": 4,
            "category_uid": 1,
            "type_uid": 100704,
            "severity_id": 1,
            "metadata": {**SYSMON_PRODUCT, "event_code": "8"},
            "injection_type_id": 1,
            "time": 1709287200250,
            "device": {"hostname": "HOST1.example.test"},
            "actor": {
                "process": {
                    "uid": "{11111111-0000-0000-0000-000000000001}",
                    "pid": 4242,
                    "file": {"name": "injector.exe", "path": "C:\\Tools\\injector.exe"},
                    "user": {"domain": "EXAMPLE", "name": "alice"},
                }
            },
            "process": {
                "uid": "{11111111-0000-0000-0000-000000000002}",
                "pid": 777,
                "file": {"name": "notepad.exe", "path": "C:\\Windows\\System32\\notepad.exe"},
                "user": {"domain": "EXAMPLE", "name": "alice"},
                "ptid": 9001,
            },
            "module": {
                "start_address": "0x00007FFF00001000",
                "file": {"name": "KERNEL32.DLL", "path": "C:\\Windows\\System32\\KERNEL32.DLL"},
                "function_name": "LoadLibraryW",
            },
            "unmapped": {"Message": "CreateRemoteThread detected", "port": 5000},
        }

    def test_drops_sysmon_dashes(self, mapper, events):
        """A '-' start module and function become absent attributes, never the text '-'."""
        mapped = mapper.map(events[1])

        assert mapped is not None
        assert mapped["module"] == {"start_address": "0x0000023F00000000"}
        assert "unmapped" not in mapped
        assert "-" not in leaves(mapped)

    def test_maps_process_creation_to_launch(self, mapper, events):
        """Event ID 1 is Launch; hashes, integrity and unmapped fields are converted."""
        mapped = mapper.map(events[2])

        assert mapped is not None
        assert (mapped["class_uid"], mapped["activity_id"], mapped["type_uid"]) == (1007, 1, 100701)
        assert mapped["process"]["file"]["hashes"] == [
            {"algorithm_id": 2, "algorithm": "SHA-1", "value": "0A0B"},
            {"algorithm_id": 1, "algorithm": "MD5", "value": "0C0D"},
            {"algorithm_id": 99, "algorithm": "IMPHASH", "value": "0E0F"},
        ]
        assert (mapped["process"]["integrity"], mapped["process"]["integrity_id"]) == ("High", 4)
        assert mapped["actor"]["process"]["file"]["path"] == "C:\\Windows\\explorer.exe"
        assert mapped["unmapped"] == {
            "LogonGuid": "{22222222-0000-0000-0000-000000000000}",
            "TerminalSessionId": "1",
        }

    def test_maps_process_access_to_open(self, mapper, events):
        """Event ID 10 is Open, with the granted access mask as an integer."""
        mapped = mapper.map(events[3])

        assert mapped is not None
        assert (mapped["activity_id"], mapped["actual_permissions"]) == (3, 0x1FFFFF)
        assert mapped["actor"]["process"]["ptid"] == 12
        assert mapped["unmapped"] == {"CallTrace": "C:\\Windows\\SYSTEM32\\ntdll.dll+9d204"}

    def test_leaves_unmapped_events_out(self, mapper, events):
        """A Security event and a Sysmon event the file does not map give no OCSF event."""
        assert (mapper.map(events[4]), mapper.map(events[5])) == (None, None)

    def test_keeps_a_value_that_does_not_fit_in_unmapped(self, mapper):
        """A process id that is not a number is kept as written, under unmapped."""
        raw = {"Channel": SYSMON_CHANNEL, "EventID": 8, "SourceProcessId": "n/a"}

        mapped = mapper.map(raw)

        assert mapped is not None
        assert mapped["unmapped"] == {"SourceProcessId": "n/a"}
        assert "actor" not in mapped


class TestRegistryAndFileEvents:
    def test_value_set_splits_target_object_into_key_and_name(self, mapper):
        """Event ID 13: the key's path to reg_value.path, the value's name to reg_value.name."""
        raw = {
            "Channel": SYSMON_CHANNEL,
            "EventID": "13",
            "EventType": "SetValue",
            "Image": "C:\\Windows\\System32\\reg.exe",
            "TargetObject": RUN_KEY + "\\Updater",
            "Details": "C:\\Users\\Public\\updater.exe",
            "User": "EXAMPLE\\alice",
        }

        mapped = mapper.map(raw)

        assert mapped is not None
        assert (mapped["class_uid"], mapped["category_uid"], mapped["type_uid"]) == (
            201002,
            1,
            20100202,
        )
        assert mapped["reg_value"] == {
            "path": RUN_KEY,
            "name": "Updater",
            "data": "C:\\Users\\Public\\updater.exe",
        }
        assert mapped["actor"]["process"]["user"] == {"domain": "EXAMPLE", "name": "alice"}
        assert mapped["unmapped"] == {"EventType": "SetValue"}

    def test_key_rename_keeps_the_old_path_as_the_previous_key(self, mapper):
        """Event ID 14: the old path is prev_reg_key, the new one reg_key; keys get no name."""
        raw = {
            "Channel": SYSMON_CHANNEL,
            "EventID": 14,
            "TargetObject": "HKLM\\SOFTWARE\\Example\\Old",
            "NewName": "\\REGISTRY\\MACHINE\\SOFTWARE\\Example\\New",
        }

        mapped = mapper.map(raw)

        assert mapped is not None
        assert (mapped["class_uid"], mapped["activity_id"]) == (201001, 5)
        assert mapped["prev_reg_key"] == {"path": "HKLM\\SOFTWARE\\Example\\Old"}
        assert mapped["reg_key"] == {"path": "\\REGISTRY\\MACHINE\\SOFTWARE\\Example\\New"}

    def test_file_create_converts_the_creation_time(self, mapper):
        """Event ID 11: the file's path and name, and its creation time in milliseconds."""
        raw = {
            "Channel": SYSMON_CHANNEL,
            "EventID": 11,
            "TargetFilename": "C:\\Users\\alice\\Start Menu\\Programs\\Startup\\a.lnk",
            "CreationUtcTime": "2024-03-01 10:00:00.250",
        }

        mapped = mapper.map(raw)

        assert mapped is not None
        assert (mapped["class_uid"], mapped["activity_id"]) == (1001, 1)
        assert mapped["file"] == {
            "name": "a.lnk",
            "path": "C:\\Users\\alice\\Start Menu\\Programs\\Startup\\a.lnk",
            "created_time": 1709287200250,
        }

    def test_leaves_registry_object_create_and_delete_out(self, mapper):
        """Event ID 12 is three OCSF events under one id; none is guessed."""
        raw = {"Channel": SYSMON_CHANNEL, "EventID": 12, "EventType": "CreateKey"}

        assert mapper.map(raw) is None
