"""Finding, downloading and describing the upstream D3FEND and OCSF data d3fgraph is built from."""

from __future__ import annotations

from d3fgraph.sources.cache import (
    CACHE_DIR_ENV,
    cache_root,
    clear_cache,
    data_cache_dir,
    release_dir,
)
from d3fgraph.sources.fetch import fetch_data
from d3fgraph.sources.info import D3fendInfo, DataInfo, OcsfInfo, data_info
from d3fgraph.sources.locate import EXPECTED_LAYOUT, locate_data
from d3fgraph.sources.paths import DATA_DIR_ENV, DataPaths, Origin
from d3fgraph.sources.releases import (
    D3FEND,
    D3FEND_RELEASE_FILE,
    D3FEND_SOURCE_FILE,
    OCSF,
    PINNED,
    Release,
    ReleaseSet,
    load_registry,
)

__all__ = [
    "CACHE_DIR_ENV",
    "D3FEND",
    "D3FEND_RELEASE_FILE",
    "D3FEND_SOURCE_FILE",
    "DATA_DIR_ENV",
    "EXPECTED_LAYOUT",
    "OCSF",
    "PINNED",
    "D3fendInfo",
    "DataInfo",
    "DataPaths",
    "OcsfInfo",
    "Origin",
    "Release",
    "ReleaseSet",
    "cache_root",
    "clear_cache",
    "data_cache_dir",
    "data_info",
    "fetch_data",
    "load_registry",
    "locate_data",
    "release_dir",
]
