"""Read and check an OCSF schema source tree the way ocsf-lib resolves names in it.

ocsf-lib compiles a tree without complaint when ``version.json`` is missing or an ``extends``
or ``$include`` target does not exist, and it drops the source facts that d3fgraph needs
(``references`` and ``"profile": null``). This module parses every source file itself, refuses
those dangling references with an error that names the file and line, and answers questions
about the sources: which file defines a record, its ``extends`` chain, the extension files that
patch it, and the profile each attribute comes through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final

from d3fgraph.errors import OcsfLoadError, SourceLocation

__all__ = ["SCHEMA_REPO", "Source", "SourceTree"]

SCHEMA_REPO: Final = "https://github.com/ocsf/ocsf-schema"
"""Where users get an OCSF source tree; error messages point there."""

_SOURCE_DIRS = ("events", "objects", "profiles", "includes")


# Identity equality: two files are never the same source, and a deep compare of parsed JSON
# would be slow and would make the dataclass unhashable.
@dataclass(frozen=True, slots=True, eq=False)
class Source:
    """One parsed source file; ``extension`` is the extension's name (``win``), not its folder."""

    path: PurePosixPath
    data: dict[str, Any]
    text: str
    extension: str | None
    location: Path

    @property
    def kind(self) -> str:
        """The top folder within the core or extension tree: ``events``, ``objects``, ..."""
        parts = self.path.parts
        return parts[2] if parts[0] == "extensions" and len(parts) > 3 else parts[0]

    @property
    def name(self) -> str:
        """The record's ``name``, or the file stem for files that leave it out."""
        return str(self.data.get("name") or self.path.stem)

    @property
    def attributes(self) -> dict[str, Any]:
        """The ``attributes`` object as written, ``$include`` included."""
        attributes = self.data.get("attributes")
        return attributes if isinstance(attributes, dict) else {}

    @property
    def includes(self) -> list[str]:
        """The ``$include`` targets, whether at top level or inside ``attributes``."""
        found: list[str] = []
        for value in (self.data.get("$include"), self.attributes.get("$include")):
            found.extend([value] if isinstance(value, str) else value or [])
        return found

    @property
    def is_patch(self) -> bool:
        """Whether this extension file adds to a core record instead of defining its own."""
        target = self.data.get("extends")
        name = self.data.get("name")
        return self.extension is not None and target is not None and name in (None, target)

    def at(self, needle: str) -> SourceLocation:
        """Return the location of the first line holding ``needle``, for error messages."""
        index = self.text.find(needle)
        line = self.text.count("\n", 0, index) + 1 if index >= 0 else None
        return SourceLocation(self.location, line)


def _parse(root: Path, path: Path, extension: str | None) -> Source:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"Invalid JSON ({exc.msg}); fix the syntax of this OCSF source file"
        raise OcsfLoadError(msg, location=SourceLocation(path, exc.lineno, exc.colno)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"Cannot read this OCSF source file ({exc}); check that it is readable UTF-8 text"
        raise OcsfLoadError(msg, location=SourceLocation(path)) from exc

    if not isinstance(data, dict):
        msg = "An OCSF source file must hold a JSON object at its top level"
        raise OcsfLoadError(msg, location=SourceLocation(path))
    return Source(PurePosixPath(path.relative_to(root).as_posix()), data, text, extension, path)


def _json_files(folder: Path) -> Iterator[Path]:
    yield from sorted(folder.glob("*.json"))
    for sub in _SOURCE_DIRS:
        yield from sorted((folder / sub).rglob("*.json"))


class SourceTree:
    """The source files of a schema tree, indexed the way ocsf-lib resolves names."""

    __slots__ = ("_by_name", "_by_stem", "_patches", "files", "root", "version")

    def __init__(self, root: Path) -> None:
        self.root = root
        if not root.is_dir():
            msg = (
                f"OCSF schema folder {str(root)!r} does not exist or is not a folder; "
                f"point it at a checkout of {SCHEMA_REPO}"
            )
            raise OcsfLoadError(msg)

        version_file = root / "version.json"
        if not version_file.is_file():
            msg = (
                f"No version.json in {str(root)!r}, so it is not an OCSF schema source tree; "
                f"use the folder that holds version.json, events/ and objects/ ({SCHEMA_REPO})"
            )
            raise OcsfLoadError(msg)

        sources = [_parse(root, path, None) for path in _json_files(root)]
        for folder in sorted(p for p in (root / "extensions").glob("*") if p.is_dir()):
            manifest = folder / "extension.json"
            name = _parse(root, manifest, None).name if manifest.is_file() else folder.name
            sources.extend(_parse(root, path, name) for path in _json_files(folder))
        self.files = {source.path: source for source in sources}

        version = self.files[PurePosixPath("version.json")].data.get("version")
        if not isinstance(version, str) or not version:
            msg = 'version.json needs a "version" string such as "1.8.0"'
            raise OcsfLoadError(msg, location=SourceLocation(version_file))
        self.version = version

        self._by_name: dict[tuple[str | None, str, str], Source] = {}
        self._by_stem: dict[tuple[str | None, str, str], Source] = {}
        for source in self.files.values():
            if source.kind in ("events", "objects") and not source.is_patch:
                self._by_name.setdefault((source.extension, source.kind, source.name), source)
                self._by_stem.setdefault((source.extension, source.kind, source.path.stem), source)

        self._patches: dict[PurePosixPath, list[Source]] = {}
        for source in sorted(sources, key=lambda s: (s.extension or "", str(s.path))):
            parent = self.parent(source) if source.is_patch else None
            if parent is not None:
                self._patches.setdefault(parent.path, []).append(source)

    def record(self, key: str, kind: str) -> Source:
        """Return the file defining a compiled record, keyed like ``process`` or ``win/reg_key``."""
        extension, _, name = key.rpartition("/")
        found = self._by_name.get((extension or None, kind, name))
        if found is None:
            msg = f"ocsf-lib compiled {kind[:-1]} {key!r} but no source file defines it"
            raise OcsfLoadError(msg, location=SourceLocation(self.root))
        return found

    def parent(self, source: Source) -> Source | None:
        """Return the file ``extends`` names, searched in the own extension first, then core."""
        target = source.data.get("extends")
        if not isinstance(target, str):
            return None

        scopes = [None] if source.is_patch else list(dict.fromkeys([source.extension, None]))
        for scope in scopes:
            for index in (self._by_name, self._by_stem):
                found = index.get((scope, source.kind, target))
                if found is not None and found is not source:
                    return found
        return None

    def include(self, source: Source, target: str) -> Source | None:
        """Return the file an ``$include`` names, looked up from the file's folder upwards."""
        names = [target] if target.endswith(".json") else [target, target + ".json"]
        starts = [source.path]
        if source.extension is not None:
            starts.append(PurePosixPath(*source.path.parts[2:]))
        for start in starts:
            for folder in start.parents:
                for name in names:
                    found = self.files.get(folder / name)
                    if found is not None:
                        return found
        return None

    def check(self) -> None:
        """Refuse the dangling references that ocsf-lib would skip without a word."""
        for source in self.files.values():
            record = source.kind in ("events", "objects") and "extends" in source.data
            if record and self.parent(source) is None:
                target = source.data["extends"]
                msg = (
                    f'"extends": {target!r} names no {source.kind[:-1]} of this tree; '
                    f"use the name or file stem of an existing one under {source.kind}/"
                )
                raise OcsfLoadError(msg, location=source.at('"extends"'))

            for target in source.includes:
                if self.include(source, target) is None:
                    msg = (
                        f"$include target {target!r} does not exist; it is looked up from this "
                        "file's folder upwards to the tree root, so fix the path or add the file"
                    )
                    raise OcsfLoadError(msg, location=source.at(target))

    def chain(self, source: Source) -> list[Source]:
        """Return the source and its ancestors through ``extends``, nearest first."""
        chain = [source]
        while (parent := self.parent(chain[-1])) is not None:
            if any(parent is seen for seen in chain):
                names = " -> ".join(s.name for s in [*chain, parent])
                msg = f"extends cycle {names}; break it so every chain ends at a root record"
                raise OcsfLoadError(msg, location=source.at('"extends"'))
            chain.append(parent)
        return chain

    def patches(self, source: Source) -> list[Source]:
        """Return the extension files that add attributes to a core record, by extension."""
        return self._patches.get(source.path, [])

    def declared(self, source: Source) -> dict[str, str | None]:
        """Map each attribute a file brings to the profile it comes through, or ``None``."""
        declared: dict[str, str | None] = {}
        for target in source.includes:
            included = self.include(source, target)
            if included is None:
                continue
            profile = _profile_key(included) if included.kind == "profiles" else None
            declared.update(dict.fromkeys(included.attributes, profile))

        for name, spec in source.attributes.items():
            if name == "$include":
                continue
            if isinstance(spec, dict) and isinstance(spec.get("profile"), str):
                declared[name] = _qualify(spec["profile"], source.extension)
            else:
                declared.setdefault(name, None)
        return declared


def _profile_key(profile: Source) -> str:
    return _qualify(profile.name, profile.extension)


def _qualify(profile: str, extension: str | None) -> str:
    return f"{extension}/{profile}" if extension and "/" not in profile else profile
