"""Find and run the shared validity checkers, ``sigma-check`` and ``mermaid-check``.

They live in ``$D3FGRAPH_TOOLS_DIR``, by default ``shared/tools`` beside the repository. A
missing checker skips the test that needs it, with a message saying how to get it; in CI,
where ``D3FGRAPH_REQUIRE_CHECKERS=1``, it fails the test instead, so a broken setup cannot
pass for a clean run.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

__all__ = [
    "CHECKERS",
    "find_checker",
    "offline_sigma_validators",
    "run_checker",
    "tools_dir",
]

REPO = Path(__file__).resolve().parent.parent
CHECKERS = ("sigma-check", "mermaid-check")

# Run through their interpreters, so a copy that lost its execute bits still works.
_INTERPRETER = {"sigma-check": "python3", "mermaid-check": "bash"}


def tools_dir() -> Path:
    """Return the folder the checkers are looked for in."""
    return Path(os.environ.get("D3FGRAPH_TOOLS_DIR") or REPO.parent / "shared" / "tools")


def find_checker(name: str) -> Path:
    """Return the path of a checker, or skip (fail under D3FGRAPH_REQUIRE_CHECKERS=1)."""
    if name not in CHECKERS:
        msg = f"unknown checker {name!r}; the checkers are: {', '.join(CHECKERS)}"
        raise ValueError(msg)
    path = tools_dir() / name
    if path.is_file():
        return path
    msg = (
        f"the {name} checker is missing: there is no file {path}. Put the shared tools folder "
        f"(holding {' and '.join(CHECKERS)}) beside the repository as shared/tools, or set "
        "D3FGRAPH_TOOLS_DIR to it; shared/tools/README.md says what each checker needs"
    )
    if os.environ.get("D3FGRAPH_REQUIRE_CHECKERS") == "1":
        pytest.fail(f"{msg}. D3FGRAPH_REQUIRE_CHECKERS=1 makes a missing checker a failure.")
    pytest.skip(msg)


def run_checker(name: str, *arguments: str | Path, timeout: float = 600) -> tuple[int, str]:
    """Run a checker on ``arguments``; return its exit code and its output (stdout, stderr).

    sigma-check runs without the validators that need reference data from the internet
    when it cannot reach it (see ``offline_sigma_validators``).
    """
    options = (
        [f"--exclude={v}" for v in offline_sigma_validators()] if name == "sigma-check" else []
    )
    return _run(name, *options, *map(str, arguments), timeout=timeout)


@functools.cache
def offline_sigma_validators() -> tuple[str, ...]:
    """Return the validators sigma-check skips for want of internet access.

    sigma-check builds every validator anew for each file, and one that downloads reference
    data tries the network again each time, which costs seconds per file where name lookups
    are slow. Such validators cannot run offline in any case, so one run on a small rule
    names them and later runs leave them out. With internet access the list is empty.
    """
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.yml"
        probe.write_text(_PROBE_RULE, encoding="utf-8")
        _, output = _run("sigma-check", str(probe), timeout=600)
    for line in output.splitlines():
        if line.startswith(_SKIPPED):
            return tuple(name.strip() for name in line[len(_SKIPPED) :].split(","))
    return ()


def _run(name: str, *arguments: str, timeout: float) -> tuple[int, str]:
    command = [_INTERPRETER[name], str(find_checker(name)), *arguments]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=_outside_venv(), check=False
    )
    return result.returncode, result.stdout + result.stderr


_SKIPPED = "skipped (need internet for reference data):"

_PROBE_RULE = """\
title: Probe rule for finding the validators that need the internet
id: 5f0d7f3c-2b8e-4d51-9a7c-3c1e2f9b8a10
status: experimental
description: A minimal valid rule; sigma-check lists the validators it had to skip.
author: d3fgraph tests
date: 2026-01-01
tags:
  - attack.execution
  - attack.t1059
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\cmd.exe'
  condition: selection
falsepositives:
  - None; it is never deployed
level: low
"""


def _outside_venv() -> dict[str, str]:
    """The environment without the test virtualenv.

    sigma-check uses the pySigma of the python3 that starts it when there is one, and
    otherwise its own pinned venv with the SigmaHQ validators. Started from the test venv it
    would skip those validators, so it runs with the python3 the system provides.
    """
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONHOME", None)
    if sys.prefix != sys.base_prefix:
        venv_bin = str(Path(sys.prefix) / "bin")
        path = env.get("PATH", "").split(os.pathsep)
        env["PATH"] = os.pathsep.join(p for p in path if p != venv_bin)
    return env
