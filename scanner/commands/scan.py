"""`scanner scan` (sync, then every stage) and `scanner discover` (the same on the checkouts
already in the work directory, without the network)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table

from scanner.commands.options import stderr_console
from scanner.commands.progress import TerminalProgress
from scanner.config import Config
from scanner.discover import freshness
from scanner.discover.freshness import Unchanged
from scanner.errors import ExitCode
from scanner.escape import console as escape
from scanner.layout import DIFF_MARKDOWN, SITE_DIR
from scanner.models import JsonObject, JsonValue
from scanner.report_file import read_report
from scanner.writer import dump_json

if TYPE_CHECKING:
    from scanner.pipeline import ScanOutcome


def summary_json(outcome: ScanOutcome, output: Path) -> JsonObject:
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
    changes = reported_changes(outcome, output)
    return {
        "repositories": per_repo,
        "counts": outcome.catalog.counts(),
        # What reports/scan-diff.json says (this scan's diff, or the previous one when this
        # scan changed nothing), and its baseline.
        "changes": dict(changes.counts) if changes is not None else {},
        "baseline": changes.baseline if changes is not None else "",
        "catalog_changed": changes.this_scan if changes is not None else False,
        "changed_files": list(outcome.rendered.changed),
        "versions": dict(outcome.rendered.versions),
        "stages": {name: stage.to_json() for name, stage in outcome.stages.items()},
    }


@dataclass(frozen=True, slots=True)
class ReportedChanges:
    """The changes the report in output/ describes, and their baseline: what the terminal
    shows, so that it says what reports/scan-diff.md and `scanner diff` say."""

    counts: Mapping[str, JsonValue]
    baseline: str
    this_scan: bool  # False: this scan changed nothing and left the previous report in place


def reported_changes(outcome: ScanOutcome, output: Path) -> ReportedChanges | None:
    diff = outcome.analysis.diff
    if diff is None:
        return None
    if diff.catalog_unchanged:
        on_disk = read_report(output)
        counts = on_disk.get("counts") if on_disk else None
        if on_disk is not None and isinstance(counts, dict):
            baseline = on_disk.get("baseline")
            return ReportedChanges(counts, baseline if isinstance(baseline, str) else "", False)
    return ReportedChanges(dict(diff.counts), diff.baseline, True)


def _changes_line(changes: ReportedChanges) -> str:
    c = changes.counts
    return (
        f"{c.get('new', 0)} new · {c.get('changed', 0)} changed · {c.get('moved', 0)} moved · "
        f"{c.get('removed', 0)} removed · {c.get('reclassified', 0)} reclassified"
    )


def _issue_counts(outcome: ScanOutcome) -> tuple[dict[str, int], Counter[str]]:
    per_repo: dict[str, int] = Counter(i.repo for i in outcome.catalog.issues)
    return dict(per_repo), Counter(i.severity.value for i in outcome.catalog.issues)


def print_summary(outcome: ScanOutcome, console: Console, output: Path) -> None:
    """One screen: the repositories (a table that keeps whole names at 80 columns), the
    issues, the changes with the baseline they were measured against, and where to look."""
    catalog = outcome.catalog
    per_repo_issues, severities = _issue_counts(outcome)
    counts = catalog.counts_by_repo_and_kind()
    ok = sum(1 for s in catalog.sources if s.ok)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    longest = max((len(s.name) for s in catalog.sources), default=10)
    table.add_column("repository", no_wrap=True, min_width=max(10, longest))
    table.add_column("status", no_wrap=True)
    table.add_column("commit", no_wrap=True)
    table.add_column("assets", justify="right", no_wrap=True)
    table.add_column("issues", justify="right", no_wrap=True)
    for source in catalog.sources:
        status = "ok" if source.ok else f"[red]{escape(source.status.value)}[/red]"
        table.add_row(
            escape(source.name),
            status,
            escape(source.commit[:7]) or "-",
            str(sum(counts.get(source.name, {}).values())),
            str(per_repo_issues.get(source.name, 0)),
        )
    issues = ", ".join(
        f"{severities[s]} {s}" for s in ("error", "warning", "info") if severities[s]
    )
    console.print(
        f"[bold]Scanned {len(catalog.sources)} repositories[/bold] ({ok} ok): "
        f"{len(catalog.entries)} assets, {len(catalog.issues)} issues"
        + (f" ({issues})" if issues else ""),
        highlight=False,
    )
    console.print(table)
    for source in outcome.sources:
        if not source.ok:
            reason = " ".join(source.reason.split())[:200]
            console.print(f"[red]{escape(source.name)}[/red]: {escape(reason)}", highlight=False)
    changes = reported_changes(outcome, output)
    if changes is not None:
        console.print(f"Changes: {_changes_line(changes)}", highlight=False, markup=False)
        console.print(
            f"Baseline: {changes.baseline or 'not recorded'}", highlight=False, markup=False
        )
        if not changes.this_scan:
            console.print(
                "This scan found nothing new: the catalog and the report "
                f"({output / DIFF_MARKDOWN}) are as the previous scan left them.",
                highlight=False,
                markup=False,
            )
    site = (output / SITE_DIR / "index.html").resolve().as_uri()
    for label, text in (
        ("Report", f"{output / DIFF_MARKDOWN} ({len(outcome.rendered.changed)} files changed)"),
        ("Issues", f"scanner issues --output {output}"),
        ("Browse", site),
    ):
        console.print(f"{label}: {text}", highlight=False, markup=False, overflow="fold")


def unchanged_json(unchanged: Unchanged, output: Path) -> JsonObject:
    recorded = read_report(output) or {}
    return {
        "unchanged": True,
        "repositories": [
            {"name": name, "commit": commit, "status": "ok" if commit else "failed"}
            for name, commit in sorted(unchanged.commits.items())
        ],
        "changes": recorded.get("counts") or {},
        "baseline": recorded.get("baseline") or "",
        "catalog_changed": False,
        "changed_files": [],
        "stages": {"sync": {"seconds": round(unchanged.seconds, 3)}},
    }


def run(opts: Config, *, offline: bool) -> int:
    remote: dict[str, str | None] = {}
    inputs = ""
    if not offline:
        started = time.perf_counter()
        fresh = freshness.check_before_scan(opts)
        if fresh.unchanged is not None:
            seconds = time.perf_counter() - started
            return _report_unchanged(opts, replace(fresh.unchanged, seconds=seconds))
        remote, inputs = dict(fresh.remote), fresh.inputs
    # Imported here: the stages' modules take a second or more to load, which a rescan with
    # nothing new must not pay.
    from scanner.pipeline import run_scan

    console = stderr_console()
    with TerminalProgress(console) as progress:
        outcome = run_scan(opts, offline=offline, remote=remote, progress=progress, inputs=inputs)
    print_summary(outcome, console, opts.output)
    if opts.json:
        sys.stdout.write(dump_json(summary_json(outcome, opts.output)))
    if any(not s.ok for s in outcome.sources):
        return int(ExitCode.PARTIAL)
    return int(ExitCode.OK)


def _report_unchanged(opts: Config, outcome: Unchanged) -> int:
    console = stderr_console()
    failed = ", ".join(outcome.failed)
    console.print(
        "nothing changed since the last scan (every commit, the manifests, the practices, "
        "the templates and the scanner are as they were); nothing written"
        + (f"; still failing: {failed}" if failed else ""),
        highlight=False,
        markup=False,
    )
    recorded = read_report(opts.output)
    counts = recorded.get("counts") if recorded else None
    if recorded is not None and isinstance(counts, dict):
        # The report still stands: show its numbers and baseline, as the report says them.
        baseline = recorded.get("baseline")
        changes = ReportedChanges(counts, baseline if isinstance(baseline, str) else "", False)
        console.print(f"Changes: {_changes_line(changes)}", highlight=False, markup=False)
        console.print(
            f"Baseline: {changes.baseline or 'not recorded'}", highlight=False, markup=False
        )
        console.print(
            f"Report: {opts.output / DIFF_MARKDOWN} (as the last scan that changed the "
            "catalog wrote it)",
            highlight=False,
            markup=False,
        )
    if opts.json:
        sys.stdout.write(dump_json(unchanged_json(outcome, opts.output)))
    return int(ExitCode.PARTIAL if failed else ExitCode.OK)
