"""The on-disk graph cache: keyed by its inputs, rebuilt when damaged, built once under a race."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from d3fgraph.errors import D3fgraphWarning
from d3fgraph.graph_cache import GraphCache, digest_inputs, remembered_digest

EX = "http://example.org/"


def fill_two_triples(store: Store) -> tuple[dict[str, str], dict[str, object]]:
    """Stand in for the real loader: two triples and a tiny OCSF document."""
    for n in range(2):
        store.add(Quad(NamedNode(f"{EX}s{n}"), NamedNode(f"{EX}p"), Literal(str(n))))
    return {"ocsf.json": json.dumps({"version": "test"})}, {"models": 0}


def build_in_child(root: str, key: str, log: str) -> None:
    """Build the entry from another process, noting each real build in ``log``."""

    def fill(store: Store) -> tuple[dict[str, str], dict[str, object]]:
        with Path(log).open("a") as handle:
            handle.write("built\n")
        return fill_two_triples(store)

    entry = GraphCache(Path(root)).build(key, fill)
    assert len(entry.store) == 2


class TestDigestInputs:
    def test_changes_when_an_input_changes(self, tmp_path):
        """Editing one input file gives another cache key."""
        source = tmp_path / "d3fend.ttl"
        source.write_text("a")
        before = digest_inputs([("d3fend", source)], "1.0")

        source.write_text("b")

        assert digest_inputs([("d3fend", source)], "1.0") != before

    def test_changes_with_the_package_version(self):
        """A new release of d3fgraph never reads an older release's cache."""
        assert digest_inputs([("x", b"1")], "1.0") != digest_inputs([("x", b"1")], "1.1")

    def test_ignores_input_order(self):
        """The same inputs listed in another order give the same key."""
        a = digest_inputs([("a", b"1"), ("b", b"2")], "1.0")

        assert a == digest_inputs([("b", b"2"), ("a", b"1")], "1.0")


class TestGraphCache:
    def test_builds_then_opens_without_rebuilding(self, tmp_path):
        """The second open finds the entry the first build wrote."""
        cache = GraphCache(tmp_path)
        calls = []

        def fill(store: Store) -> tuple[dict[str, str], dict[str, object]]:
            calls.append(1)
            return fill_two_triples(store)

        cache.build("k" * 64, fill)
        opened = cache.open("k" * 64)

        assert calls == [1]
        assert opened is not None
        assert len(opened.store) == 2
        assert opened.read("ocsf.json") == '{"version": "test"}'

    def test_damaged_entry_warns_and_is_rebuilt(self, tmp_path):
        """A cache whose store was corrupted is reported, removed and built again."""
        cache = GraphCache(tmp_path)
        entry = cache.build("d" * 64, fill_two_triples).path
        del entry
        shutil.rmtree(cache.entry("d" * 64) / "store")
        (cache.entry("d" * 64) / "store").write_text("garbage")

        with pytest.warns(D3fgraphWarning, match="is damaged"):
            rebuilt = cache.open("d" * 64) or cache.build("d" * 64, fill_two_triples)

        assert len(rebuilt.store) == 2

    def test_truncated_store_file_warns_and_is_rebuilt(self, tmp_path):
        """A store file cut short (a full disk, a copy interrupted) is found when opening."""
        cache = GraphCache(tmp_path)
        cache.build("t" * 64, fill_two_triples)
        tables = sorted((cache.entry("t" * 64) / "store").glob("*.sst"))
        assert tables
        with tables[0].open("r+b") as handle:
            handle.truncate(10)

        with pytest.warns(D3fgraphWarning, match="is damaged .*Corruption"):
            rebuilt = cache.open("t" * 64) or cache.build("t" * 64, fill_two_triples)

        assert len(rebuilt.store) == 2

    def test_missing_side_file_warns_and_is_rebuilt(self, tmp_path):
        """An entry that lost one of its files is damaged, not half used."""
        cache = GraphCache(tmp_path)
        cache.build("o" * 64, fill_two_triples)
        (cache.entry("o" * 64) / "ocsf.json").unlink()

        with pytest.warns(D3fgraphWarning, match="lacks ocsf.json"):
            assert cache.open("o" * 64) is None

    def test_truncated_metadata_warns_and_is_rebuilt(self, tmp_path):
        """A half-written meta.json counts as damage, not as a crash."""
        cache = GraphCache(tmp_path)
        cache.build("m" * 64, fill_two_triples)
        (cache.entry("m" * 64) / "meta.json").write_text('{"key": ')

        with pytest.warns(D3fgraphWarning):
            assert cache.open("m" * 64) is None

        assert not cache.entry("m" * 64).exists()

    def test_failed_build_leaves_no_entry(self, tmp_path):
        """An error while filling the store leaves neither an entry nor a staging folder."""
        cache = GraphCache(tmp_path)

        def broken(store: Store) -> tuple[dict[str, str], dict[str, object]]:
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            cache.build("f" * 64, broken)

        assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []

    def test_two_processes_build_the_entry_once(self, tmp_path):
        """Two processes racing for the same key build it once and both read it."""
        log = tmp_path / "builds.log"
        context = multiprocessing.get_context("spawn")
        args = (str(tmp_path / "cache"), "r" * 64, str(log))
        workers = [context.Process(target=build_in_child, args=args) for _ in range(2)]

        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)

        assert [w.exitcode for w in workers] == [0, 0]
        assert log.read_text() == "built\n"

    def test_clear_removes_every_entry(self, tmp_path):
        """clear() removes the entries and says which."""
        cache = GraphCache(tmp_path)
        cache.build("c" * 64, fill_two_triples)

        removed = cache.clear()

        assert removed == [cache.entry("c" * 64)]
        assert not cache.entry("c" * 64).exists()


class TestRememberedDigest:
    def test_equals_the_full_digest(self, tmp_path):
        """The remembered digest is the content digest, first time and after."""
        source = tmp_path / "in.ttl"
        source.write_text("a")
        files = [("d3fend", source), ("model", b"yaml")]

        first = remembered_digest(tmp_path / "memo.json", files, "1.0")
        second = remembered_digest(tmp_path / "memo.json", files, "1.0")

        assert first == second == digest_inputs(files, "1.0")

    def test_edit_is_seen_despite_the_memo(self, tmp_path):
        """Changing a file's content and size gives the new content's digest."""
        source = tmp_path / "in.ttl"
        source.write_text("a")
        remembered_digest(tmp_path / "memo.json", [("d3fend", source)], "1.0")

        source.write_text("bb")

        assert remembered_digest(tmp_path / "memo.json", [("d3fend", source)], "1.0") == (
            digest_inputs([("d3fend", source)], "1.0")
        )

    def test_damaged_memo_is_ignored(self, tmp_path):
        """A memo file that is not JSON is rebuilt rather than trusted."""
        (tmp_path / "memo.json").write_text("{broken")

        digest = remembered_digest(tmp_path / "memo.json", [("x", b"1")], "1.0")

        assert digest == digest_inputs([("x", b"1")], "1.0")


class TestDamagedSideFiles:
    def test_edited_side_file_warns_and_is_rebuilt(self, tmp_path):
        """A side file that no longer matches its recorded digest makes the entry damaged."""
        cache = GraphCache(tmp_path)
        cache.build("j" * 64, fill_two_triples)
        (cache.entry("j" * 64) / "ocsf.json").write_text("[]")

        with pytest.warns(D3fgraphWarning, match="ocsf.json differs from what was written"):
            assert cache.open("j" * 64) is None

    def test_record_that_is_not_an_object_is_damage(self, tmp_path):
        """A meta.json holding a list is reported and rebuilt, not a crash."""
        cache = GraphCache(tmp_path)
        cache.build("l" * 64, fill_two_triples)
        (cache.entry("l" * 64) / "meta.json").write_text("[]")

        with pytest.warns(D3fgraphWarning, match="not a JSON object"):
            assert cache.open("l" * 64) is None
