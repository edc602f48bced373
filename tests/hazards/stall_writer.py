"""`python -m tests.hazards.stall_writer <scanner arguments>`: the scanner, stalled inside its
writer so that a test can kill it (SIGKILL) or start a second scan at a chosen moment.

Every rename into HAZARD_OUTPUT (os.replace, which Path.replace also uses) is counted. After the
one HAZARD_STALL_AT picks (`<n>`: the n-th rename; `swap`: the first that moves a folder aside,
halfway through swapping a plugin in), the path renamed is written to HAZARD_STALLED and the
process waits: for HAZARD_RELEASE to exist, or 60 seconds at most."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from scanner.cli import main
from scanner.writer import OLD_PREFIX

_real_replace = os.replace
_renames = 0


def _stall(target: Path) -> None:
    stalled = Path(os.environ["HAZARD_STALLED"])
    partial = stalled.with_name(stalled.name + ".partial")
    partial.write_text(str(target), encoding="utf-8")
    _real_replace(partial, stalled)  # the test sees the whole path or nothing
    release = Path(os.environ.get("HAZARD_RELEASE", "/nonexistent"))
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _counting_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    global _renames
    _real_replace(src, dst)
    output = Path(os.environ["HAZARD_OUTPUT"]).absolute()
    target = Path(dst).absolute()
    if output not in target.parents:
        return
    _renames += 1
    when = os.environ["HAZARD_STALL_AT"]
    if (when == "swap" and target.name.startswith(OLD_PREFIX)) or when == str(_renames):
        _stall(target)


if __name__ == "__main__":
    os.replace = _counting_replace
    sys.exit(main(sys.argv[1:]))
