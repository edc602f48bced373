"""The options every command accepts after its name."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

DEFAULT_SOURCES = Path("manifests/sources.yaml")
DEFAULT_OUTPUT = Path("output")
DEFAULT_WORKDIR = Path(".scanner")
DEFAULT_TIMEOUT = 300.0


@dataclass(frozen=True, slots=True)
class CommonOptions:
    sources: Path = DEFAULT_SOURCES
    workdir: Path = DEFAULT_WORKDIR
    output: Path = DEFAULT_OUTPUT
    json: bool = False
    verbose: int = 0
    timeout: float = DEFAULT_TIMEOUT
    jobs: int = 0  # 0: the CPU count

    @property
    def effective_jobs(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


def resolve_workdir(cli_value: Path | None) -> Path:
    """--workdir wins, then SCANNER_WORKDIR, then .scanner/ in the current directory."""
    if cli_value is not None:
        return cli_value
    env = os.environ.get("SCANNER_WORKDIR")
    return Path(env) if env else DEFAULT_WORKDIR


def stderr_console() -> Console:
    """Where progress and tables go. Logs (CI) have no width limit; at 80 columns a table of
    ten repositories would be squeezed unreadable."""
    console = Console(stderr=True)
    return console if console.is_terminal else Console(stderr=True, width=200)
