"""Read the metadata file that says which ATT&CK technique a recording simulates.

OTRF Security-Datasets describes each recording in a YAML file (``SDWIN-190518221344.yaml``)
with a title, a description, ``attack_mappings`` that name a technique and sub-technique, and
the links of the recording's files. The technique is what the metadata claims; the evidence
report sets it beside what the events show, since the two can disagree.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from d3fgraph.errors import EXIT_USAGE, D3fgraphError, SourceLocation
from d3fgraph.techniques import is_technique_id

__all__ = ["DatasetMetadata", "DatasetMetadataError", "read_dataset_metadata"]


class DatasetMetadataError(D3fgraphError, ValueError):
    """A dataset metadata file that cannot be read or names no ATT&CK technique."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True, slots=True)
class DatasetMetadata:
    """What a recording's metadata says it holds."""

    id: str
    title: str
    description: str
    techniques: tuple[str, ...]
    files: tuple[str, ...]
    path: str = ""

    def __post_init__(self) -> None:
        bad = [t for t in self.techniques if not is_technique_id(t)]
        if bad or not self.techniques:
            msg = f"metadata {self.id} needs ATT&CK technique ids like T1055.001, not {bad}"
            raise ValueError(msg)

    def describes(self, recording: str) -> bool:
        """Tell whether the metadata lists a file named like ``recording`` (no folder)."""
        return Path(recording).name in self.files

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "techniques": list(self.techniques),
            "files": list(self.files),
            "path": self.path,
        }


def read_dataset_metadata(path: Path | str) -> DatasetMetadata:
    """Read a Security-Datasets metadata file.

    Raises:
        DatasetMetadataError: The file cannot be read, is not YAML, has no
            ``attack_mappings`` entry with a technique, or has ``files`` that is not a list.
    """
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"cannot read dataset metadata {path}: {exc.strerror or exc}"
        raise DatasetMetadataError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"dataset metadata {path} is not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise DatasetMetadataError(msg) from exc
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, path) from exc
    if not isinstance(document, Mapping):
        msg = f"dataset metadata {path} must be a YAML mapping with attack_mappings"
        raise DatasetMetadataError(msg)

    techniques = _techniques(document.get("attack_mappings"), path)
    listed = document.get("files")
    if listed is not None and not isinstance(listed, list):
        msg = (
            f"dataset metadata {path} has files: {reprlib.repr(listed)}, not a list; write files "
            "as a list of entries such as - link: https://example.org/recording.zip"
        )
        raise DatasetMetadataError(msg)
    files = tuple(
        PurePosixPath(str(item.get("link", ""))).name
        for item in listed or ()
        if isinstance(item, Mapping) and item.get("link")
    )
    return DatasetMetadata(
        id=str(document.get("id") or path.stem),
        title=" ".join(str(document.get("title") or "").split()),
        description=" ".join(str(document.get("description") or "").split()),
        techniques=techniques,
        files=files,
        path=str(path),
    )


def _syntax_error(exc: yaml.YAMLError, path: Path) -> DatasetMetadataError:
    """Return the error for YAML that does not parse, placed where the parser stopped."""
    mark, problem = None, None
    if isinstance(exc, yaml.MarkedYAMLError):
        mark, problem = exc.problem_mark, exc.problem
    reason = " ".join(str(problem or exc).split())
    if mark is None:
        msg = f"dataset metadata {path} is not YAML: {reason}; fix its syntax"
        return DatasetMetadataError(msg)

    msg = f"dataset metadata is not YAML: {reason}; fix the syntax at this line and column"
    return DatasetMetadataError(msg, location=SourceLocation(path, mark.line + 1, mark.column + 1))


def _techniques(mappings: Any, path: Path) -> tuple[str, ...]:
    found: list[str] = []
    for item in mappings if isinstance(mappings, list) else ():
        if not isinstance(item, Mapping) or not item.get("technique"):
            continue
        technique = str(item["technique"]).strip()
        sub = item.get("sub-technique")
        if sub not in (None, ""):
            technique = (
                f"{technique}.{int(sub):03d}" if str(sub).isdigit() else f"{technique}.{sub}"
            )
        found.append(technique)
    bad = [t for t in found if not is_technique_id(t)]
    if bad or not found:
        shown = f"; {bad[0]!r} is not an id such as T1055.001" if bad else ""
        msg = (
            f"dataset metadata {path} names no ATT&CK technique under attack_mappings"
            f"{shown}; each entry needs technique: T1055 and optionally sub-technique: '001'"
        )
        raise DatasetMetadataError(msg)
    return tuple(dict.fromkeys(found))
