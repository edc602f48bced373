"""`scanner scan` (sync, then every stage) and `scanner discover` (the same on the checkouts
already in the work directory, without the network)."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from scanner.commands.options import stderr_console
from scanner.config import Config
from scanner.discover import freshness
from scanner.discover.freshness import Unchanged
from scanner.errors import ExitCode
from scanner.escape import console as escape
from scanner.models import JsonObject, JsonValue
from scanner.writer import dump_json


def summary_json(outcome: ScanOutcome) -> JsonObject:
    per_repo: list[JsonValue] = []
    stats = {r.repo: r for r in outcome.discovery.repos}
    kinds = outcome.catalog.counts_by_repo_and_kind()
    for source in outcome.catalog.sources:
        found = stats.get(source.name)
        per_repo.append(
            {
                **source.to_json(),
                "assets": dict(sorted(kinds.get(source.name, {}).items())),
                "files_listed": found.files_listed if found else 0,
                "files_parsed": found.files_parsed if found else 0,
            }
        )
    diff = outcome.analysis.diff
    return {
        "repositories": per_repo,
        "counts": outcome.catalog.counts(),
        "changes": dict[str, JsonValue](diff.counts) if diff is not None else {},
        "changed_files": list(outcome.rendered.changed),
        "versions": dict(outcome.rendered.versions),
        "stages": {name: stage.to_json() for name, stage in outcome.stages.items()},
    }


def print_table(outcome: ScanOutcome, console: Console) -> None:
    kinds = sorted({e.asset.kind.value for e in outcome.catalog.entries})
    table = Table(title="Assets per repository and kind")
    table.add_column("repository")
    table.add_column("status")
    table.add_column("commit")
    for kind in kinds:
        table.add_column(kind, justify="right")
    table.add_column("total", justify="right")
    counts = outcome.catalog.counts_by_repo_and_kind()
    for source in outcome.catalog.sources:
        row = counts.get(source.name, {})
        status = source.status.value if source.ok else f"[red]{source.status.value}[/red]"
        table.add_row(
            escape(source.name),
            status,
            source.commit[:12],
            *(str(row.get(k, 0)) for k in kinds),
            str(sum(row.values())),
        )
    console.print(table)
    for source in outcome.sources:
        if not source.ok:
            console.print(
                f"[red]{escape(source.name)}[/red]: {escape(source.reason)}", highlight=False
            )
    issues = outcome.catalog.counts().get("issues")
    diff = outcome.analysis.diff
    changes = diff.counts if diff is not None else {}
    console.print(f"issues: {issues}", highlight=False)
    console.print(f"changes since the baseline: {changes}", highlight=False)
    console.print(f"files changed: {len(outcome.rendered.changed)}", highlight=False)


if TYPE_CHECKING:
    from scanner.pipeline import ScanOutcome


def unchanged_json(unchanged: Unchanged) -> JsonObject:
    return {
        "unchanged": True,
        "repositories": [
            {"name": name, "commit": commit, "status": "ok" if commit else "failed"}
            for name, commit in sorted(unchanged.commits.items())
        ],
        "changed_files": [],
        "stages": {"sync": {"seconds": round(unchanged.seconds, 3)}},
    }


def run(opts: Config, *, offline: bool) -> int:
    remote: dict[str, str | None] = {}
    if not offline:
        started = time.perf_counter()
        fresh = freshness.check_before_scan(opts)
        if fresh.unchanged is not None:
            seconds = time.perf_counter() - started
            return _report_unchanged(opts, replace(fresh.unchanged, seconds=seconds))
        remote = dict(fresh.remote)
    # Imported here: the stages' modules take a second or more to load, which a rescan with
    # nothing new must not pay.
    from scanner.pipeline import run_scan

    outcome = run_scan(opts, offline=offline, remote=remote)
    print_table(outcome, stderr_console())
    if opts.json:
        sys.stdout.write(dump_json(summary_json(outcome)))
    if any(not s.ok for s in outcome.sources):
        return int(ExitCode.PARTIAL)
    return int(ExitCode.OK)


def _report_unchanged(opts: Config, outcome: Unchanged) -> int:
    failed = ", ".join(outcome.failed)
    stderr_console().print(
        "nothing changed since the last scan (every commit, the manifests, the practices, "
        "the templates and the scanner are as they were); nothing written"
        + (f"; still failing: {failed}" if failed else ""),
        highlight=False,
    )
    if opts.json:
        sys.stdout.write(dump_json(unchanged_json(outcome)))
    return int(ExitCode.PARTIAL if failed else ExitCode.OK)
