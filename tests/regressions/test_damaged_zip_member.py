"""A zip whose member has a damaged deflate stream is refused in one line, not with zlib.error."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from d3fgraph.cli import main
from d3fgraph.evidence import EventLogError, read_events


def damaged_zip(folder: Path) -> Path:
    """Write a zip whose one JSON member starts with a deflate block of the reserved type."""
    path = folder / "damaged.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("events.json", b'{"EventID": 1}\n' * 100)

    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("events.json")
    data = bytearray(path.read_bytes())
    # The local header is 30 bytes, then the name; the deflate stream follows. A first byte of
    # 0xFF says "last block, reserved type 3", which zlib refuses to inflate.
    data[info.header_offset + 30 + len(info.filename)] = 0xFF
    path.write_bytes(bytes(data))
    return path


class TestDamagedZipMember:
    def test_read_events_raises_event_log_error(self, tmp_path):
        """The zlib failure becomes an EventLogError naming the archive."""
        path = damaged_zip(tmp_path)

        with pytest.raises(EventLogError) as caught:
            read_events(path)

        assert str(caught.value) == (
            f"{path} is not a readable zip archive (Error -3 while decompressing data: invalid "
            "block type); give an intact copy, such as the original download"
        )
        assert caught.value.path == str(path)

    def test_evidence_command_prints_one_line_and_exits_1(self, capsys, cli_env, tmp_path):
        """d3fgraph evidence reports the damaged archive as bad input on one line."""
        path = damaged_zip(tmp_path)

        code = main(["evidence", "T1055.001", "--events", str(path)])

        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            f"d3fgraph: error: {path} is not a readable zip archive (Error -3 while "
            "decompressing data: invalid block type); give an intact copy, such as the original "
            "download\n"
        )
