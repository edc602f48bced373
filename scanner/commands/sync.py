"""`scanner sync`: clone or update every source repository and report the commit of each."""

from __future__ import annotations

import json
import sys

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scanner.commands.options import stderr_console
from scanner.config import Config
from scanner.errors import AllSourcesFailedError, ExitCode
from scanner.escape import console as escape
from scanner.git.lock import workdir_lock
from scanner.git.store import sync_sources
from scanner.models import SyncResult
from scanner.sources import load_sources


def _table(results: tuple[SyncResult, ...]) -> Table:
    table = Table(title="Source repositories", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("commit", no_wrap=True)
    table.add_column("commit date", no_wrap=True)
    table.add_column("reason", overflow="fold", min_width=24)
    for result in results:
        status = "[green]ok[/green]" if result.ok else "[red]failed[/red]"
        table.add_row(
            escape(result.name),
            status,
            result.commit[:12],
            escape(result.commit_date),
            escape(result.reason),
        )
    return table


def summary_json(results: tuple[SyncResult, ...]) -> str:
    ok = sum(1 for r in results if r.ok)
    summary = {
        "repositories": [r.to_json() for r in results],
        "counts": {"ok": ok, "failed": len(results) - ok},
    }
    return json.dumps(summary, sort_keys=True, indent=2) + "\n"


def run(opts: Config) -> int:
    specs = load_sources(opts.sources)  # a bad manifest stops here: nothing is cloned
    console = stderr_console()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with workdir_lock(opts.workdir), progress:
        task = progress.add_task("syncing repositories", total=len(specs))

        def advance(name: str, action: str) -> None:
            progress.update(task, advance=1, description=f"{name}: {action}")

        results = sync_sources(
            specs,
            opts.workdir,
            timeout=opts.timeout,
            jobs=opts.effective_jobs,
            on_progress=advance,
        )

    console.print(_table(results))
    if opts.json:
        sys.stdout.write(summary_json(results))
        sys.stdout.flush()
    failed = [r for r in results if not r.ok]
    if failed and len(failed) == len(results):
        raise AllSourcesFailedError(
            f"every repository failed to sync ({len(failed)} of {len(results)}); "
            "see the reasons above"
        )
    return int(ExitCode.PARTIAL if failed else ExitCode.OK)
