"""Reading recorded event logs: plain and zipped JSON lines, bad lines, and files with no event."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import pytest

from d3fgraph.errors import EXIT_USAGE
from d3fgraph.evidence import EventLogError, read_events

FIXTURES = Path(__file__).parent / "data" / "evidence"


def zipped(tmp_path: Path, members: dict[str, bytes], name: str = "recording.zip") -> Path:
    target = tmp_path / name
    with zipfile.ZipFile(target, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return target


class TestReadEvents:
    def test_reads_every_object_of_a_plain_file(self):
        """Each line holding a JSON object becomes one event, with its line number."""
        log = read_events(FIXTURES / "sysmon-injection.jsonl")

        assert len(log.events) == 6
        assert log.lines == (1, 2, 3, 4, 5, 6)
        assert log.events[0]["StartFunction"] == "LoadLibraryW"
        assert log.skipped == ()

    def test_reads_the_json_member_of_a_zip(self, tmp_path):
        """A zip's JSON-lines member is read, and events point at archive!member:line."""
        data = (FIXTURES / "sysmon-injection.jsonl").read_bytes()
        archive = zipped(tmp_path, {"README.txt": b"not read", "logs/export.json": data})

        log = read_events(archive)

        assert len(log.events) == 6
        assert str(log.location(2)) == f"{archive}!logs/export.json:3"
        assert log.name == "recording.zip"

    def test_skips_bad_lines_and_keeps_the_valid_ones_around_them(self, caplog):
        """A line that is not JSON, or not an object, is reported as file:line and skipped."""
        path = FIXTURES / "bad-lines.jsonl"

        with caplog.at_level(logging.WARNING, logger="d3fgraph.evidence"):
            log = read_events(path)

        assert log.lines == (1, 4)
        assert [str(line) for line in log.skipped] == [
            f"{path}:2: not JSON (Expecting value at column 1)",
            f"{path}:5: a JSON array, not an event object",
        ]
        assert [r.getMessage() for r in caplog.records] == [
            f"Skipped {path}:2: not JSON (Expecting value at column 1)",
            f"Skipped {path}:5: a JSON array, not an event object",
        ]

    def test_skips_a_line_that_is_not_utf8(self, tmp_path):
        """Bytes that are not UTF-8 make a skipped line, not a failed file."""
        path = tmp_path / "mixed.jsonl"
        path.write_bytes(b'{"EventID": 1}\n{"Image": "caf\xe9"}\n')

        log = read_events(path)

        assert log.lines == (1,)
        assert [line.reason for line in log.skipped] == [
            "not UTF-8 text (invalid continuation byte at byte 14)"
        ]

    def test_accepts_a_byte_order_mark(self, tmp_path):
        """A UTF-8 byte order mark before the first event does not spoil it."""
        path = tmp_path / "bom.jsonl"
        path.write_bytes(b'\xef\xbb\xbf{"EventID": 8}\n')

        assert read_events(path).events == ({"EventID": 8},)


class TestReadEventsErrors:
    def test_rejects_an_empty_file(self):
        """An empty file is an input error that says what to give instead."""
        path = FIXTURES / "empty.jsonl"

        with pytest.raises(EventLogError) as caught:
            read_events(path)

        assert str(caught.value) == (
            f"{path} is empty; give a JSON-lines file with one event object a line"
        )
        assert caught.value.exit_code == EXIT_USAGE

    def test_rejects_a_file_of_blank_lines(self, tmp_path):
        """Blank lines alone hold no event."""
        path = tmp_path / "blank.jsonl"
        path.write_text("\n  \n", encoding="utf-8")

        with pytest.raises(EventLogError) as caught:
            read_events(path)

        assert str(caught.value) == (
            f"{path} holds only blank lines; give a JSON-lines file with one event object a line"
        )

    def test_rejects_a_file_with_no_json_object(self):
        """A file whose every line is bad names the first bad line."""
        path = FIXTURES / "only-bad.jsonl"

        with pytest.raises(EventLogError) as caught:
            read_events(path)

        assert str(caught.value) == (
            f"{path}:1: no line holds a JSON object; this first bad line is not JSON (Expecting "
            "property name enclosed in double quotes at column 2); give a JSON-lines file with "
            "one event object a line"
        )

    def test_rejects_a_zip_without_json(self, tmp_path):
        """A zip with no .json, .jsonl or .ndjson member lists what it holds."""
        archive = zipped(tmp_path, {"notes.txt": b"hello", "data.csv": b"a,b"})

        with pytest.raises(EventLogError) as caught:
            read_events(archive)

        assert str(caught.value) == (
            f"{archive} holds no JSON-lines file (members: notes.txt, data.csv); give a zip "
            "with a member ending in .json, .jsonl, .ndjson"
        )

    def test_rejects_a_zip_name_on_other_content(self, tmp_path):
        """A file named .zip that is not an archive is not read as JSON lines."""
        path = tmp_path / "broken.zip"
        path.write_text('{"EventID": 1}\n', encoding="utf-8")

        with pytest.raises(EventLogError) as caught:
            read_events(path)

        assert str(caught.value) == (
            f"{path} is named .zip but is not a zip archive; give the original download"
        )

    def test_rejects_a_missing_file(self, tmp_path):
        """A path that names no file says so."""
        path = tmp_path / "absent.jsonl"

        with pytest.raises(EventLogError) as caught:
            read_events(path)

        assert str(caught.value) == f"cannot read events from {path}: no such file"
