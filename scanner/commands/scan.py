"""`scanner scan` (sync, then every stage) and `scanner discover` (the same on the checkouts
already in the work directory, without the network)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from scanner import gitops
from scanner.catalog import Catalog, build_catalog, load_baseline
from scanner.commands.options import CommonOptions, stderr_console
from scanner.discover import Discovery, discover_all
from scanner.errors import AllSourcesFailedError, ExitCode
from scanner.models import JsonObject, JsonValue, SyncResult
from scanner.render import catalog_files, dump_json, write_files
from scanner.sources import load_sources


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    sources: tuple[SyncResult, ...]
    discovery: Discovery
    catalog: Catalog
    changed_files: tuple[str, ...]
    timings: dict[str, float]


def run_pipeline(opts: CommonOptions, *, offline: bool) -> ScanOutcome:
    specs = load_sources(opts.sources)
    timings: dict[str, float] = {}
    with gitops.workdir_lock(opts.workdir):
        started = time.perf_counter()
        if offline:
            sources = gitops.inspect_checkouts(specs, opts.workdir)
        else:
            sources = gitops.sync_sources(
                specs, opts.workdir, timeout=opts.timeout, jobs=opts.effective_jobs
            )
        timings["sync"] = time.perf_counter() - started
        if not any(s.ok for s in sources):
            reasons = "; ".join(f"{s.name}: {s.reason}" for s in sources)
            raise AllSourcesFailedError(f"every repository failed, nothing written ({reasons})")
        started = time.perf_counter()
        discovery = discover_all(sources)
        timings["discover"] = time.perf_counter() - started
    started = time.perf_counter()
    baseline = load_baseline(opts.output / "catalog" / "catalog.json")
    catalog = build_catalog(sources, discovery, baseline)
    timings["catalog"] = time.perf_counter() - started
    started = time.perf_counter()
    changed = write_files(opts.output, catalog_files(catalog))
    timings["render"] = time.perf_counter() - started
    return ScanOutcome(tuple(sources), discovery, catalog, tuple(changed), timings)


def summary_json(outcome: ScanOutcome) -> JsonObject:
    per_repo: list[JsonValue] = []
    stats = {r.repo: r for r in outcome.discovery.repos}
    kinds = outcome.catalog.counts_by_repo_and_kind()
    for source in outcome.sources:
        found = stats.get(source.name)
        per_repo.append(
            {
                **source.to_json(),
                "assets": dict(sorted(kinds.get(source.name, {}).items())),
                "files_listed": found.files_listed if found else 0,
                "files_parsed": found.files_parsed if found else 0,
            }
        )
    return {
        "repositories": per_repo,
        "counts": outcome.catalog.counts(),
        "changed_files": list(outcome.changed_files),
        "stages": {name: {"seconds": round(s, 3)} for name, s in outcome.timings.items()},
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
    for source in outcome.sources:
        row = counts.get(source.name, {})
        status = source.status.value if source.ok else f"[red]{source.status.value}[/red]"
        table.add_row(
            source.name,
            status,
            source.commit[:12],
            *(str(row.get(k, 0)) for k in kinds),
            str(sum(row.values())),
        )
    console.print(table)
    for source in outcome.sources:
        if not source.ok:
            console.print(f"[red]{source.name}[/red]: {source.reason}")
    severities = outcome.catalog.counts().get("issues")
    console.print(f"issues: {severities}; files changed: {len(outcome.changed_files)}")


def run(opts: CommonOptions, *, offline: bool) -> int:
    outcome = run_pipeline(opts, offline=offline)
    print_table(outcome, stderr_console())
    if opts.json:
        sys.stdout.write(dump_json(summary_json(outcome)))
    if any(not s.ok for s in outcome.sources):
        return int(ExitCode.PARTIAL)
    return int(ExitCode.OK)
