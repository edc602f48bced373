"""The scan's progress on a terminal: one line per stage, with a bar and the repository being
worked on; drawn on stderr and cleared when the scan ends (the summary takes its place).
Nothing is drawn when stderr is not a terminal (CI logs, pipes, --json consumers)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from scanner.escape import console as escape


class TerminalProgress:
    """A ScanProgress drawn with rich.progress; a context manager around the scan."""

    def __init__(self, console: Console) -> None:
        self.enabled = console.is_terminal
        self._bars = Progress(
            TextColumn("{task.fields[stage]:<9}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
            disable=not self.enabled,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> TerminalProgress:
        self._bars.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bars.__exit__(exc_type, exc, tb)

    def stage_started(self, stage: str, total: int | None) -> None:
        self._tasks[stage] = self._bars.add_task("", total=total or 1, stage=stage)

    def step(self, stage: str, item: str, action: str, *, done: bool) -> None:
        task = self._tasks.get(stage)
        if task is not None:
            label = escape(f"{item}: {action}")
            self._bars.update(task, advance=1 if done else 0, description=label)

    def stage_finished(self, stage: str) -> None:
        task = self._tasks.get(stage)
        if task is not None:
            total = self._bars.tasks[task].total or 1
            self._bars.update(task, completed=total, description="done")
