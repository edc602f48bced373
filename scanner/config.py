"""What the pipeline takes: the options of a run, with their defaults. The CLI builds one from
its flags (scanner/cli.py); nothing below the commands reads flags or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SOURCES = Path("manifests/sources.yaml")
DEFAULT_OUTPUT = Path("output")
DEFAULT_PRACTICES = Path("manifests/practices")
PRACTICES_DIR_NAME = "practices"
DEFAULT_WORKDIR = Path(".scanner")
DEFAULT_TIMEOUT = 300.0
WORKDIR_ENV = "SCANNER_WORKDIR"


@dataclass(frozen=True, slots=True)
class Config:
    sources: Path = DEFAULT_SOURCES
    workdir: Path = DEFAULT_WORKDIR
    output: Path = DEFAULT_OUTPUT
    json: bool = False  # machine-readable summary on stdout
    verbose: int = 0
    timeout: float = DEFAULT_TIMEOUT
    jobs: int = 0  # 0: the CPU count
    practices: Path | None = None  # --practices; None: see practices_dir

    @property
    def practices_dir(self) -> Path:
        """--practices wins; else the `practices/` folder beside the sources manifest (so the
        demo's examples/sources.yaml brings examples/practices/); else manifests/practices/.
        The marketplace manifest is `marketplace.yaml` beside the folder found."""
        if self.practices is not None:
            return self.practices
        beside = self.sources.parent / PRACTICES_DIR_NAME
        return beside if beside.is_dir() else DEFAULT_PRACTICES

    @property
    def effective_jobs(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


def resolve_workdir(cli_value: Path | None) -> Path:
    """--workdir wins, then SCANNER_WORKDIR, then .scanner/ in the current directory."""
    if cli_value is not None:
        return cli_value
    env = os.environ.get(WORKDIR_ENV)
    return Path(env) if env else DEFAULT_WORKDIR
