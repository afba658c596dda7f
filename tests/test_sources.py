"""Tests of finding, downloading, describing and clearing the D3FEND and OCSF data, offline."""

from __future__ import annotations

import hashlib
import http.server
import re
import sys
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pooch.core
import pytest
import requests

from d3fgraph.errors import CacheError, ChecksumMismatchError, D3fgraphError, DataNotFoundError
from d3fgraph.sources import (
    CACHE_DIR_ENV,
    D3FEND,
    DATA_DIR_ENV,
    EXPECTED_LAYOUT,
    OCSF,
    DataPaths,
    Origin,
    Release,
    ReleaseSet,
    cache_root,
    clear_cache,
    data_info,
    fetch_data,
    load_registry,
    locate_data,
    release_dir,
)

SOURCE_TTL = b"@prefix d3f: <http://d3fend.mitre.org/ontologies/d3fend.owl#> .\nd3f:A a d3f:B .\n"
RELEASE_TTL = (
    b"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    b'<http://d3fend.mitre.org/ontologies/d3fend.owl> a owl:Ontology ; owl:versionInfo "9.9.9" .\n'
)
LICENCE = b"MIT licence text\n"
VERSION_JSON = b'{"version": "7.7.7"}\n'
BASE_EVENT = b'{"name": "base_event"}\n'

# What the fake upstream serves, by URL path; d3fend's licence sits outside its base URL.
UPSTREAM = {
    "d3fend/src/d3fend-protege.ttl": SOURCE_TTL,
    "d3fend/LICENSE.md": LICENCE,
    "ocsf/version.json": VERSION_JSON,
    "ocsf/events/base_event.json": BASE_EVENT,
}

THREE_WAYS = (
    "Provide it one of three ways: pass --data-dir DIR; or set D3FGRAPH_DATA_DIR=DIR (DIR "
    "holding d3fend/d3fend.ttl or d3fend/d3fend-protege.ttl, and ocsf-schema/); or run "
    "'d3fgraph data fetch' on a machine with internet access, which stores the pinned "
    "releases in {folder} (copy them into that folder here)"
)


def sha256(data: bytes) -> str:
    """Hash bytes the way the registries do."""
    return hashlib.sha256(data).hexdigest()


def write(path: Path, data: bytes) -> Path:
    """Write a file, creating its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_data_folder(root: Path, *ttl_names: str, ocsf: bool = True) -> Path:
    """Lay out a data folder with the given D3FEND files and, optionally, an OCSF tree."""
    for name in ttl_names:
        write(root / "d3fend" / name, RELEASE_TTL if name == "d3fend.ttl" else SOURCE_TTL)
    if ocsf:
        write(root / "ocsf-schema" / "version.json", VERSION_JSON)
    root.mkdir(parents=True, exist_ok=True)
    return root


def make_releases(tmp_path: Path, base: str) -> ReleaseSet:
    """Build releases whose registries pin the fake upstream files, downloaded from ``base``."""
    registries = tmp_path / "registries"
    registries.mkdir()
    (registries / "d3fend-test.txt").write_text(
        "# fake D3FEND\n"
        f"d3fend-protege.ttl sha256:{sha256(SOURCE_TTL)}\n"
        f"LICENSE.md sha256:{sha256(LICENCE)}\n",
        encoding="utf-8",
    )
    (registries / "ocsf-test.txt").write_text(
        f"version.json sha256:{sha256(VERSION_JSON)}\n"
        f"events/base_event.json sha256:{sha256(BASE_EVENT)}\n",
        encoding="utf-8",
    )
    d3fend = Release(
        name="d3fend",
        version="0.1-test",
        base_url=f"{base}/d3fend/src/",
        registry_file="d3fend-test.txt",
        licence="MIT",
        homepage="https://d3fend.example/",
        file_urls=(("LICENSE.md", f"{base}/d3fend/LICENSE.md"),),
        registry_dir=registries,
    )
    ocsf = Release(
        name="ocsf",
        version="0.2-test",
        base_url=f"{base}/ocsf/",
        registry_file="ocsf-test.txt",
        licence="Apache-2.0",
        homepage="https://ocsf.example/",
        registry_dir=registries,
    )
    return ReleaseSet(d3fend=d3fend, ocsf=ocsf)


def fill_cache(releases: ReleaseSet, cache: Path) -> None:
    """Put every fake upstream file where the cache keeps it."""
    write(release_dir(releases.d3fend, cache) / "d3fend-protege.ttl", SOURCE_TTL)
    write(release_dir(releases.d3fend, cache) / "LICENSE.md", LICENCE)
    write(release_dir(releases.ocsf, cache) / "version.json", VERSION_JSON)
    write(release_dir(releases.ocsf, cache) / "events" / "base_event.json", BASE_EVENT)


@dataclass
class Upstream:
    """A loopback HTTP server standing in for raw.githubusercontent.com."""

    root: Path
    base: str
    requests: list[str]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    log_requests: list[str]

    def log_message(self, format: str, *args: object) -> None:
        self.log_requests.append(self.path)


@pytest.fixture(autouse=True)
def _no_data_env(monkeypatch, tmp_path):
    """Keep the caller's data and cache settings out of every test."""
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "env-cache"))


@pytest.fixture
def no_retry_wait(monkeypatch):
    """Make pooch's pauses between download attempts instant."""
    monkeypatch.setattr(pooch.core, "time", types.SimpleNamespace(sleep=lambda _seconds: None))


@pytest.fixture
def upstream(tmp_path, monkeypatch, no_retry_wait) -> Iterator[Upstream]:
    """Serve the fake upstream files over HTTP on 127.0.0.1 only."""
    for variable in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")

    root = tmp_path / "upstream"
    for name, data in UPSTREAM.items():
        write(root / name, data)

    seen: list[str] = []
    handler = type("Handler", (_QuietHandler,), {"log_requests": seen})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(handler, directory=str(root))
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield Upstream(root, f"http://127.0.0.1:{server.server_port}", seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class TestLocateDataFromNamedFolder:
    def test_data_dir_wins_over_env_var(self, tmp_path, monkeypatch):
        """A folder passed as data_dir is used even when D3FGRAPH_DATA_DIR names another."""
        named = make_data_folder(tmp_path / "named", "d3fend-protege.ttl")
        monkeypatch.setenv(DATA_DIR_ENV, str(make_data_folder(tmp_path / "env", "d3fend.ttl")))

        paths = locate_data(named)

        assert paths == DataPaths(
            d3fend_ttl=named / "d3fend" / "d3fend-protege.ttl",
            ocsf_root=named / "ocsf-schema",
            origin=Origin.DATA_DIR,
            d3fend_version=None,
            ocsf_version="7.7.7",
        )

    def test_env_var_is_used_without_data_dir(self, tmp_path, monkeypatch):
        """D3FGRAPH_DATA_DIR is used when no data_dir is passed."""
        folder = make_data_folder(tmp_path / "env", "d3fend-protege.ttl")
        monkeypatch.setenv(DATA_DIR_ENV, str(folder))

        paths = locate_data()

        assert (paths.origin, paths.d3fend_ttl) == ("env", folder / "d3fend" / "d3fend-protege.ttl")

    def test_release_build_is_preferred_over_source_file(self, tmp_path):
        """With both D3FEND files present, the released build and its header version win."""
        folder = make_data_folder(tmp_path / "both", "d3fend-protege.ttl", "d3fend.ttl")

        paths = locate_data(folder)

        assert (paths.d3fend_ttl.name, paths.d3fend_version) == ("d3fend.ttl", "9.9.9")

    def test_missing_folder_is_reported_with_its_path(self, tmp_path):
        """A named folder that does not exist raises with its path and the expected layout."""
        folder = tmp_path / "nowhere"

        with pytest.raises(DataNotFoundError) as caught:
            locate_data(folder)

        assert str(caught.value) == (
            f"Data folder {folder} (from --data-dir) does not exist; "
            f"expected layout: {EXPECTED_LAYOUT}"
        )

    def test_missing_env_folder_names_the_env_var(self, tmp_path, monkeypatch):
        """A missing folder named by the environment says the variable named it."""
        folder = tmp_path / "nowhere"
        monkeypatch.setenv(DATA_DIR_ENV, str(folder))

        with pytest.raises(DataNotFoundError) as caught:
            locate_data()

        assert str(caught.value) == (
            f"Data folder {folder} (from D3FGRAPH_DATA_DIR) does not exist; "
            f"expected layout: {EXPECTED_LAYOUT}"
        )

    def test_folder_without_ocsf_schema_is_reported(self, tmp_path):
        """A folder lacking ocsf-schema/ raises naming that path."""
        folder = make_data_folder(tmp_path / "half", "d3fend-protege.ttl", ocsf=False)

        with pytest.raises(DataNotFoundError) as caught:
            locate_data(folder)

        assert str(caught.value) == (
            f"Data folder {folder} (from --data-dir) is incomplete: "
            f"{folder / 'ocsf-schema'} is not a folder. Expected layout: {EXPECTED_LAYOUT}"
        )

    def test_folder_without_ttl_is_reported(self, tmp_path):
        """A folder lacking both D3FEND files raises naming both accepted paths."""
        folder = make_data_folder(tmp_path / "half")

        with pytest.raises(DataNotFoundError) as caught:
            locate_data(folder)

        d3fend = folder / "d3fend"
        assert str(caught.value) == (
            f"Data folder {folder} (from --data-dir) is incomplete: neither "
            f"{d3fend / 'd3fend.ttl'} nor {d3fend / 'd3fend-protege.ttl'} exists. "
            f"Expected layout: {EXPECTED_LAYOUT}"
        )

    def test_named_folder_is_not_replaced_by_a_complete_cache(self, tmp_path):
        """A bad named folder raises even when the cache could serve the data."""
        releases = make_releases(tmp_path, "http://127.0.0.1:9")
        fill_cache(releases, tmp_path / "cache")

        with pytest.raises(DataNotFoundError, match="does not exist"):
            locate_data(tmp_path / "nowhere", cache_dir=tmp_path / "cache", releases=releases)


class TestLocateDataFromCache:
    def test_complete_cache_is_used(self, tmp_path):
        """A cache holding every registry file is used with the pinned versions."""
        releases = make_releases(tmp_path, "http://127.0.0.1:9")
        cache = tmp_path / "cache"
        fill_cache(releases, cache)

        paths = locate_data(cache_dir=cache, download=False, releases=releases)

        assert paths == DataPaths(
            d3fend_ttl=cache / "data" / "d3fend-0.1-test" / "d3fend-protege.ttl",
            ocsf_root=cache / "data" / "ocsf-0.2-test",
            origin=Origin.CACHE,
            d3fend_version="0.1-test",
            ocsf_version="0.2-test",
        )

    def test_cache_dir_env_var_is_honoured(self, tmp_path, monkeypatch):
        """D3FGRAPH_CACHE_DIR moves the cache when no cache_dir is passed."""
        releases = make_releases(tmp_path, "http://127.0.0.1:9")
        fill_cache(releases, tmp_path / "moved")
        monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "moved"))

        paths = locate_data(download=False, releases=releases)

        assert paths.ocsf_root == tmp_path / "moved" / "data" / "ocsf-0.2-test"

    def test_incomplete_cache_is_not_used(self, tmp_path):
        """A cache missing one registry file is ignored, and without downloads that is an error."""
        releases = make_releases(tmp_path, "http://127.0.0.1:9")
        cache = tmp_path / "cache"
        fill_cache(releases, cache)
        (release_dir(releases.ocsf, cache) / "events" / "base_event.json").unlink()

        with pytest.raises(DataNotFoundError) as caught:
            locate_data(cache_dir=cache, download=False, releases=releases)

        folder = cache / "data"
        assert str(caught.value) == (
            f"No D3FEND and OCSF data available: no data folder was named and the cache in "
            f"{folder} is incomplete, and downloading is turned off. "
            + THREE_WAYS.format(folder=folder)
        )

    def test_default_cache_is_the_platform_user_cache(self, monkeypatch):
        """Without overrides the cache root is platformdirs' user cache folder for d3fgraph."""
        import platformdirs

        monkeypatch.delenv(CACHE_DIR_ENV)

        assert cache_root() == Path(platformdirs.user_cache_dir("d3fgraph", appauthor=False))


class TestFetchData:
    def test_downloads_every_registry_file(self, tmp_path, upstream):
        """Every file is downloaded into the release folders, the licence from its own URL."""
        releases = make_releases(tmp_path, upstream.base)
        cache = tmp_path / "cache"

        paths = fetch_data(cache, progress=False, releases=releases)

        assert paths.origin == "download"
        assert {
            path.relative_to(cache / "data").as_posix(): path.read_bytes()
            for path in (cache / "data").rglob("*")
            if path.is_file()
        } == {
            "d3fend-0.1-test/d3fend-protege.ttl": SOURCE_TTL,
            "d3fend-0.1-test/LICENSE.md": LICENCE,
            "ocsf-0.2-test/version.json": VERSION_JSON,
            "ocsf-0.2-test/events/base_event.json": BASE_EVENT,
        }

    def test_second_fetch_downloads_nothing(self, tmp_path, upstream):
        """Fetching into a complete, intact cache requests no file and reports the cache."""
        releases = make_releases(tmp_path, upstream.base)
        fetch_data(tmp_path / "cache", progress=False, releases=releases)
        upstream.requests.clear()

        paths = fetch_data(tmp_path / "cache", progress=False, releases=releases)

        assert (paths.origin, upstream.requests) == ("cache", [])

    def test_fetch_repairs_an_altered_cached_file(self, tmp_path, upstream):
        """A cached file whose content changed is downloaded again."""
        releases = make_releases(tmp_path, upstream.base)
        fetch_data(tmp_path / "cache", progress=False, releases=releases)
        altered = release_dir(releases.ocsf, tmp_path / "cache") / "version.json"
        altered.write_bytes(b"{}")
        upstream.requests.clear()

        fetch_data(tmp_path / "cache", progress=False, releases=releases)

        assert (altered.read_bytes(), upstream.requests) == (VERSION_JSON, ["/ocsf/version.json"])

    def test_locate_data_downloads_when_the_cache_is_incomplete(self, tmp_path, upstream):
        """With nothing named and an empty cache, locate_data downloads."""
        releases = make_releases(tmp_path, upstream.base)

        paths = locate_data(cache_dir=tmp_path / "cache", progress=False, releases=releases)

        assert (paths.origin, paths.d3fend_ttl.read_bytes()) == ("download", SOURCE_TTL)

    def test_mismatching_download_raises_checksum_error(self, tmp_path, upstream):
        """A served file that differs from its pinned hash raises with both hashes and the fix."""
        releases = make_releases(tmp_path, upstream.base)
        tampered = b'{"name": "tampered"}\n'
        write(upstream.root / "ocsf" / "events" / "base_event.json", tampered)
        target = tmp_path / "cache" / "data" / "ocsf-0.2-test" / "events" / "base_event.json"

        with pytest.raises(ChecksumMismatchError) as caught:
            fetch_data(tmp_path / "cache", progress=False, releases=releases)

        assert str(caught.value) == (
            "Checksum mismatch for ocsf 0.2-test file 'events/base_event.json' from "
            f"{upstream.base}/ocsf/events/base_event.json: expected sha256 {sha256(BASE_EVENT)}, "
            f"got {sha256(tampered)}; the download was discarded. Delete {target} if it exists "
            "(or run 'd3fgraph data clear-cache') and run 'd3fgraph data fetch' again; if the "
            "mismatch persists, the file changed upstream after d3fgraph pinned it, so pass "
            "--data-dir with files you trust"
        )
        assert not target.exists()

    def test_progress_bar_counts_files_when_tqdm_is_importable(
        self, tmp_path, upstream, monkeypatch
    ):
        """With tqdm importable, one bar per release advances once per file and is closed."""
        bars: list[dict[str, object]] = []

        class FakeBar:
            def __init__(self, total, desc, unit):
                self.state = {
                    "total": total,
                    "desc": desc,
                    "unit": unit,
                    "done": 0,
                    "closed": False,
                }
                bars.append(self.state)

            def update(self, n):
                self.state["done"] += n

            def close(self):
                self.state["closed"] = True

        monkeypatch.setitem(sys.modules, "tqdm", types.SimpleNamespace(tqdm=FakeBar))
        releases = make_releases(tmp_path, upstream.base)

        fetch_data(tmp_path / "cache", releases=releases)

        assert bars == [
            {"total": 2, "desc": "d3fend 0.1-test", "unit": "file", "done": 2, "closed": True},
            {"total": 2, "desc": "ocsf 0.2-test", "unit": "file", "done": 2, "closed": True},
        ]


class TestOffline:
    def test_connection_error_names_the_three_ways(self, tmp_path, monkeypatch, no_retry_wait):
        """A download that cannot connect raises one DataNotFoundError naming every remedy."""

        class Unreachable:
            def __init__(self, **_kwargs):
                pass

            def __call__(self, url, output_file, pup, check_only=False):
                raise requests.exceptions.ConnectionError(f"cannot reach {url}")

        monkeypatch.setattr(pooch, "HTTPDownloader", Unreachable)
        releases = make_releases(tmp_path, "https://upstream.invalid")
        cache = tmp_path / "cache"

        with pytest.raises(DataNotFoundError) as caught:
            locate_data(cache_dir=cache, progress=False, releases=releases)

        url = "https://upstream.invalid/d3fend/src/d3fend-protege.ttl"
        assert str(caught.value) == (
            "No D3FEND and OCSF data available: downloading d3fend 0.1-test file "
            f"'d3fend-protege.ttl' from {url} failed (cannot reach {url}). "
            + THREE_WAYS.format(folder=cache / "data")
        )
        assert isinstance(caught.value.__cause__, requests.exceptions.ConnectionError)

    def test_write_failure_is_a_cache_error(self, tmp_path, monkeypatch, no_retry_wait):
        """A download that cannot be written is reported as a cache problem, not as offline."""

        class DiskFull:
            def __init__(self, **_kwargs):
                pass

            def __call__(self, url, output_file, pup, check_only=False):
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(pooch, "HTTPDownloader", DiskFull)
        releases = make_releases(tmp_path, "https://upstream.invalid")
        target = tmp_path / "cache" / "data" / "d3fend-0.1-test" / "d3fend-protege.ttl"

        with pytest.raises(CacheError) as caught:
            fetch_data(tmp_path / "cache", progress=False, releases=releases)

        assert str(caught.value) == (
            f"Cannot write {target} while fetching d3fend 0.1-test: [Errno 28] No space left "
            "on device; free some space or set D3FGRAPH_CACHE_DIR to a writable folder"
        )


class TestClearCache:
    def test_removes_release_folders_and_returns_them(self, tmp_path):
        """Every entry of the data folder is removed and listed, sorted."""
        releases = make_releases(tmp_path, "http://127.0.0.1:9")
        cache = tmp_path / "cache"
        fill_cache(releases, cache)

        removed = clear_cache(cache)

        assert (removed, list((cache / "data").iterdir())) == (
            [cache / "data" / "d3fend-0.1-test", cache / "data" / "ocsf-0.2-test"],
            [],
        )

    def test_leaves_files_outside_the_data_folder(self, tmp_path):
        """Files beside data/ in the cache root survive, as the root may be shared."""
        cache = tmp_path / "cache"
        other = write(cache / "graphs" / "store.bin", b"x")
        write(cache / "data" / "stray.txt", b"x")

        removed = clear_cache(cache)

        assert (removed, other.read_bytes()) == ([cache / "data" / "stray.txt"], b"x")

    def test_missing_cache_removes_nothing(self, tmp_path):
        """Clearing a cache that was never created returns an empty list."""
        assert clear_cache(tmp_path / "never") == []


class TestDataInfo:
    def test_source_file_with_pinned_hash_reports_pinned_version(self, tmp_path):
        """The source file has no version header, so its pinned hash gives the version."""
        releases = make_releases(tmp_path, "http://127.0.0.1:9")
        paths = locate_data(make_data_folder(tmp_path / "dir", "d3fend-protege.ttl"))

        info = data_info(paths, cache_dir=tmp_path / "cache", releases=releases)

        assert info["d3fend"] == {
            "path": str(paths.d3fend_ttl),
            "kind": "source",
            "version": "0.1-test",
            "version_from": "sha256 of the pinned source file",
            "bytes": len(SOURCE_TTL),
            "sha256": sha256(SOURCE_TTL),
            "pinned_version": "0.1-test",
            "matches_pin": True,
            "licence": "MIT",
            "homepage": "https://d3fend.example/",
            "upstream_url": "http://127.0.0.1:9/d3fend/src/d3fend-protege.ttl",
        }

    def test_altered_source_file_reports_unknown_version(self, tmp_path):
        """A source file with another hash has version 'unknown (source file)'."""
        releases = make_releases(tmp_path, "http://127.0.0.1:9")
        folder = make_data_folder(tmp_path / "dir", "d3fend-protege.ttl")
        (folder / "d3fend" / "d3fend-protege.ttl").write_bytes(b"# edited\n")

        info = data_info(locate_data(folder), releases=releases)

        assert (info["d3fend"]["version"], info["d3fend"]["matches_pin"]) == (
            "unknown (source file)",
            False,
        )

    def test_release_build_reports_header_version(self, tmp_path):
        """A released build reports its owl:versionInfo, and no pin to compare against."""
        releases = make_releases(tmp_path, "http://127.0.0.1:9")
        paths = locate_data(make_data_folder(tmp_path / "dir", "d3fend.ttl"))

        info = data_info(paths, releases=releases)

        assert (
            info["d3fend"]["kind"],
            info["d3fend"]["version"],
            info["d3fend"]["version_from"],
            info["d3fend"]["matches_pin"],
        ) == ("release build", "9.9.9", "owl:versionInfo", None)

    def test_ocsf_tree_is_counted_and_compared(self, tmp_path):
        """OCSF files are counted, and missing or differing registry files are reported."""
        releases = make_releases(tmp_path, "http://127.0.0.1:9")
        folder = make_data_folder(tmp_path / "dir", "d3fend-protege.ttl")
        write(folder / "ocsf-schema" / ".git" / "HEAD", b"ref")
        write(folder / "ocsf-schema" / "extra.json", b"{}")
        paths = locate_data(folder)

        info = data_info(paths, cache_dir=tmp_path / "cache", releases=releases)

        assert info["origin"] == "data-dir"
        assert info["cache_dir"] == str(tmp_path / "cache" / "data")
        assert info["ocsf"] == {
            "path": str(folder / "ocsf-schema"),
            "version": "7.7.7",
            "version_from": "version.json",
            "files": 2,
            "bytes": len(VERSION_JSON) + 2,
            "pinned_version": "0.2-test",
            "matches_pin": False,
            "differing_files": 0,
            "missing_files": 1,
            "licence": "Apache-2.0",
            "homepage": "https://ocsf.example/",
            "upstream_url": "http://127.0.0.1:9/ocsf/",
        }

    def test_real_data_matches_the_pins(self, data_dir):
        """The real data folder is D3FEND 1.2.0 and OCSF 1.8.0 byte for byte."""
        info = data_info(locate_data(data_dir))

        assert (
            info["d3fend"]["version"],
            info["d3fend"]["matches_pin"],
            info["ocsf"]["version"],
            info["ocsf"]["matches_pin"],
        ) == ("1.2.0", True, "1.8.0", True)


class TestRegistries:
    def test_shipped_registries_list_the_expected_files(self):
        """The D3FEND registry pins the source and licence; the OCSF one pins 315 files."""
        ocsf = load_registry(OCSF)

        assert list(load_registry(D3FEND)) == ["LICENSE.md", "d3fend-protege.ttl"]
        assert (len(ocsf), "dictionary.json" in ocsf, "version.json" in ocsf) == (315, True, True)

    def test_every_registry_hash_matches_the_real_file(self, data_dir):
        """Each registry line's SHA-256 equals that of the file in the real data folder."""
        mismatched = [
            f"{folder}/{name}"
            for release, folder in ((D3FEND, "d3fend"), (OCSF, "ocsf-schema"))
            for name, digest in load_registry(release).items()
            if sha256((data_dir / folder / name).read_bytes()) != digest
        ]

        assert mismatched == []

    def test_registries_list_exactly_the_readme_files(self, data_dir):
        """The registries hold every OCSF file the data README lists, with its hash."""
        readme = data_dir / "README.md"
        if not readme.is_file():
            pytest.skip(f"{readme} is missing; it lists the files and hashes of the data")
        listed = dict(
            re.findall(
                r"^- `((?:d3fend|ocsf-schema)/[^`]+)` \d+ `([0-9a-f]{64})`",
                readme.read_text(encoding="utf-8"),
                flags=re.MULTILINE,
            )
        )
        pinned = {f"d3fend/{k}": v for k, v in load_registry(D3FEND).items()}
        pinned |= {f"ocsf-schema/{k}": v for k, v in load_registry(OCSF).items()}

        assert {k: v for k, v in listed.items() if k.startswith("ocsf-schema/")} == {
            k: v for k, v in pinned.items() if k.startswith("ocsf-schema/")
        }
        assert {k: listed[k] for k in pinned if k.startswith("d3fend/")} == {
            k: v for k, v in pinned.items() if k.startswith("d3fend/")
        }

    def test_malformed_registry_line_is_reported_with_its_location(self, tmp_path):
        """A registry line without a sha256 raises naming the file and line number."""
        write(tmp_path / "bad.txt", b"# header\nversion.json md5:abc\n")
        release = Release(
            name="ocsf",
            version="0",
            base_url="https://example.invalid/",
            registry_file="bad.txt",
            licence="Apache-2.0",
            homepage="https://example.invalid/",
            registry_dir=tmp_path,
        )

        with pytest.raises(D3fgraphError) as caught:
            load_registry(release)

        assert str(caught.value) == (
            "registry/bad.txt:2: Malformed or repeated registry line 'version.json md5:abc'; "
            "each line must be a unique 'relative/path sha256:HEX' with a path inside the "
            "release folder and 64 lower-case hexadecimal digits"
        )

    def test_registry_path_leaving_the_release_folder_is_rejected(self, tmp_path):
        """A registry path with '..' would write outside the cache, so it is refused."""
        write(tmp_path / "bad.txt", f"../escape.json sha256:{'0' * 64}\n".encode())
        release = Release(
            name="ocsf",
            version="0",
            base_url="https://example.invalid/",
            registry_file="bad.txt",
            licence="Apache-2.0",
            homepage="https://example.invalid/",
            registry_dir=tmp_path,
        )

        with pytest.raises(D3fgraphError, match="Malformed or repeated registry line"):
            load_registry(release)


class TestRelease:
    def test_file_urls_override_the_base_url(self):
        """The D3FEND licence is downloaded from the repository root, not the ontology folder."""
        assert (D3FEND.url_for("LICENSE.md"), D3FEND.url_for("d3fend-protege.ttl")) == (
            "https://raw.githubusercontent.com/d3fend/d3fend-ontology/1.2.0/LICENSE.md",
            "https://raw.githubusercontent.com/d3fend/d3fend-ontology/1.2.0/src/ontology/"
            "d3fend-protege.ttl",
        )

    def test_rejects_unknown_name(self):
        """A release named outside the closed set is refused with the valid names."""
        with pytest.raises(
            ValueError, match=r"^Unknown release name 'attack'; use one of: d3fend, ocsf$"
        ):
            Release("attack", "1", "https://x/", "r.txt", "MIT", "https://x/")

    def test_release_set_rejects_swapped_releases(self):
        """Passing OCSF where D3FEND belongs is refused."""
        with pytest.raises(ValueError, match="takes a 'd3fend' release then an 'ocsf' release"):
            ReleaseSet(d3fend=OCSF, ocsf=D3FEND)


class TestDataPaths:
    def test_round_trips_through_a_dict(self, tmp_path):
        """to_dict then from_dict gives back an equal value."""
        paths = DataPaths(tmp_path / "a.ttl", tmp_path / "o", Origin.ENV, None, "1.8.0")

        assert DataPaths.from_dict(paths.to_dict()) == paths

    def test_accepts_origin_as_plain_string(self, tmp_path):
        """An origin given as its string value is stored as the Origin member."""
        paths = DataPaths(tmp_path / "a.ttl", tmp_path / "o", "cache", None, None)

        assert paths.origin is Origin.CACHE

    def test_rejects_unknown_origin(self, tmp_path):
        """An origin outside the four values is refused, listing them."""
        with pytest.raises(
            ValueError,
            match=r"^Unknown data origin 'web'; use one of: data-dir, env, cache, download$",
        ):
            DataPaths(tmp_path / "a.ttl", tmp_path / "o", "web", None, None)
