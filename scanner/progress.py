"""How the pipeline reports its progress: a stage starts (with how many steps, when known),
a step of it is done (one repository synced or discovered), the stage ends. The pipeline only
calls these; the scan command draws them (scanner/commands/progress.py), or nothing does."""

from __future__ import annotations

from typing import Protocol


class ScanProgress(Protocol):
    def stage_started(self, stage: str, total: int | None) -> None: ...

    def step(self, stage: str, item: str, action: str, *, done: bool) -> None:
        """`item` (a repository) is at `action`; `done` counts it as one step finished."""

    def stage_finished(self, stage: str) -> None: ...


class NoProgress:
    """Reports nowhere: the library default, and what a scan without a terminal uses."""

    def stage_started(self, stage: str, total: int | None) -> None:
        return None

    def step(self, stage: str, item: str, action: str, *, done: bool) -> None:
        return None

    def stage_finished(self, stage: str) -> None:
        return None
