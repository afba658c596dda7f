"""Atomic writes: a failed or interrupted write leaves the old file, or none, never half a file."""

from __future__ import annotations

import pytest

from d3fgraph import output
from d3fgraph.errors import D3fgraphError
from d3fgraph.output import write_text_atomically


class TestWriteTextAtomically:
    def test_writes_the_whole_text(self, tmp_path):
        """The file holds exactly the text given."""
        target = tmp_path / "diagram.mmd"

        write_text_atomically(target, "graph TD\n")

        assert target.read_text() == "graph TD\n"

    def test_interrupted_write_keeps_the_old_file_and_no_partial(self, tmp_path, monkeypatch):
        """A KeyboardInterrupt during the write leaves the old content and no staging file."""
        target = tmp_path / "diagram.mmd"
        target.write_text("old\n")

        def interrupt(fd: int) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(output.os, "fsync", interrupt)

        with pytest.raises(KeyboardInterrupt):
            write_text_atomically(target, "new text that never lands\n")

        assert target.read_text() == "old\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["diagram.mmd"]

    def test_missing_folder_is_a_clear_error(self, tmp_path):
        """Writing into a folder that does not exist says so and how to fix it."""
        with pytest.raises(D3fgraphError, match="does not exist; create it first"):
            write_text_atomically(tmp_path / "nope" / "x.mmd", "x")

    def test_written_file_gets_the_usual_mode(self, tmp_path):
        """The file is readable as a plain open() would leave it, not private to its owner."""
        import os

        umask = os.umask(0o022)
        try:
            write_text_atomically(tmp_path / "card.md", "x")
        finally:
            os.umask(umask)

        assert (tmp_path / "card.md").stat().st_mode & 0o777 == 0o644

    def test_folder_as_output_is_a_clear_error(self, tmp_path):
        """Naming a folder as the output file says so and leaves nothing behind."""
        with pytest.raises(D3fgraphError, match="it is a folder; name a file"):
            write_text_atomically(tmp_path, "x")

        assert list(tmp_path.iterdir()) == []
