"""The discover stage: from synced clones to Assets and ScanIssues.

Glob rules select candidate files (no reads for the rest), the resolver hands each candidate's
text to the handlers in registry order, and the first that accepts it owns the asset.

Incremental: with an ExtractionCache (cache.py) a repository whose commit has not changed is not
read at all, and in one whose commit changed only the files whose blob changed are parsed again
(plan.py). Parsing runs in a process pool when there is enough of it to pay for the workers
(pool.py); results are sorted, so serial and parallel runs are identical."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from scanner.discover.cache import ExtractionCache, extraction_version
from scanner.discover.plan import RepoPlan, key_of_repo, reuse_repo
from scanner.discover.pool import Chunk, Workers
from scanner.discover.resolver import DEFAULT_MAX_FILE_BYTES
from scanner.discover.results import Discovery, RepoDiscovery
from scanner.models import ScanIssue, Severity, Stage, SyncResult

#: Below this many files to parse in a scan, a process pool costs more than it saves: its
#: start-up takes about 0.2 s on two cores, a file 1-5 ms.
PARALLEL_MIN_FILES = 200


def discover_all(
    results: Sequence[SyncResult],
    *,
    jobs: int = 1,
    cache: ExtractionCache | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    on_progress: Callable[[str, str, bool], None] | None = None,
) -> Discovery:
    """Discover every repository that synced; failed ones contribute nothing here (the catalog
    stage keeps their previous assets as stale). `on_progress(repo, action, done)` reports
    each repository: parsing (a chunk of its files), then done or cached.

    `cache` makes it incremental. `jobs` > 1 parses in that many worker processes when the scan
    has at least PARALLEL_MIN_FILES files to parse; one stream of chunks crosses repository
    boundaries, so no worker waits for the next repository to be read."""
    synced = [sync for sync in results if sync.ok]
    return _discover(
        synced, jobs=jobs, cache=cache, max_file_bytes=max_file_bytes, on_progress=on_progress
    )


def discover_repo(
    sync: SyncResult,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    cache: ExtractionCache | None = None,
    jobs: int = 1,
) -> RepoDiscovery:
    """Every asset in one synced clone."""
    (found,) = _discover([sync], jobs=jobs, cache=cache, max_file_bytes=max_file_bytes).repos
    return found


def _discover(
    syncs: Sequence[SyncResult],
    *,
    jobs: int,
    cache: ExtractionCache | None,
    max_file_bytes: int,
    on_progress: Callable[[str, str, bool], None] | None = None,
) -> Discovery:
    report = on_progress or (lambda repo, action, done: None)
    version = cache.version if cache is not None else extraction_version()
    found: dict[int, RepoDiscovery] = {}
    changed: list[tuple[int, SyncResult]] = []
    for index, sync in enumerate(syncs):
        if sync.checkout is None:
            raise ValueError(f"{sync.name} has no clone to discover")
        repo_key = key_of_repo(sync, max_file_bytes, version) if sync.commit else ""
        reused = reuse_repo(sync, cache, repo_key)
        if reused is not None:
            found[index] = reused
            report(sync.name, "unchanged, from the cache", True)
        else:
            changed.append((index, sync))

    # Plan repositories (list files, match globs, look up the cache) until there is enough to
    # parse to start the pool; the rest are planned while the workers parse.
    plans: dict[int, RepoPlan] = {}
    to_plan = iter(changed)
    to_parse = 0
    for index, sync in to_plan:
        plans[index] = RepoPlan(index, sync, cache, max_file_bytes, version)
        to_parse += len(plans[index].misses)
        if to_parse >= PARALLEL_MIN_FILES:
            break

    def all_chunks() -> Iterator[Chunk]:
        for plan in list(plans.values()):
            yield from plan.chunks()
        for index, sync in to_plan:
            plans[index] = RepoPlan(index, sync, cache, max_file_bytes, version)
            yield from plans[index].chunks()

    workers = Workers(jobs)
    try:
        for index, outcomes in workers.run(all_chunks(), parallel=to_parse >= PARALLEL_MIN_FILES):
            plans[index].absorb(outcomes)
            report(syncs[index].name, "parsing", False)
    finally:
        workers.close()
    for index, plan in plans.items():
        found[index] = plan.finish()
        report(syncs[index].name, "done", True)
    return Discovery(tuple(found[index] for index in sorted(found)))


def issue_for_failed_sync(sync: SyncResult) -> ScanIssue:
    return ScanIssue(
        Stage.SYNC,
        Severity.ERROR,
        "sync-failed",
        f"could not sync {sync.url}: {sync.reason}",
        repo=sync.name,
    )
