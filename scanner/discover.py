"""The discover stage: from synced checkouts to Assets and ScanIssues.

Glob rules select candidate files (no reads for the rest), the resolver hands each candidate's
text to the handlers in registry order, and the first that accepts it owns the asset."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from scanner.handlers import HandlerResult, select_handlers
from scanner.handlers.base import FileInput
from scanner.models import Asset, ScanIssue, Severity, Stage, SyncResult
from scanner.resolver import DEFAULT_MAX_FILE_BYTES, Loaded, Resolver

log = logging.getLogger("scanner")


@dataclass(frozen=True, slots=True)
class RepoDiscovery:
    repo: str
    assets: tuple[Asset, ...]
    issues: tuple[ScanIssue, ...]
    files_listed: int
    files_parsed: int
    seconds: float
    paths: frozenset[str] = frozenset()  # every tracked path: the graph resolves links to them


@dataclass(frozen=True, slots=True)
class Discovery:
    repos: tuple[RepoDiscovery, ...]

    @property
    def assets(self) -> tuple[Asset, ...]:
        return tuple(sorted((a for r in self.repos for a in r.assets), key=lambda a: a.id))

    @property
    def repo_files(self) -> dict[str, frozenset[str]]:
        return {r.repo: r.paths for r in self.repos}

    @property
    def issues(self) -> tuple[ScanIssue, ...]:
        return tuple(sorted((i for r in self.repos for i in r.issues), key=ScanIssue.sort_key))


def _parse_with_handlers(fi: FileInput, loaded: Loaded) -> HandlerResult | None:
    for handler in select_handlers(fi.path):
        try:
            result = handler.parse(fi)
        except (ValueError, RecursionError, UnicodeError) as err:
            # A parser defect on odd input costs this file, not the scan.
            issue = fi.issue(
                Severity.ERROR,
                "parse-failed",
                f"{handler.id} handler could not parse this file: {type(err).__name__}: {err}",
            )
            return HandlerResult(None, (issue,))
        if result is not None:
            return result
    return None


def discover_repo(
    sync: SyncResult, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> RepoDiscovery:
    """Every asset in one synced checkout."""
    if sync.checkout is None:
        raise ValueError(f"{sync.name} has no checkout to discover")
    started = time.perf_counter()
    resolver = Resolver(
        sync.name,
        sync.checkout,
        include=sync.include,
        exclude=sync.exclude,
        max_file_bytes=max_file_bytes,
    )
    repo_paths = frozenset(resolver.by_path)
    assets: list[Asset] = []
    issues: list[ScanIssue] = []
    parsed = 0
    with resolver.opened():
        for entry in resolver.files:
            if entry.is_submodule:
                loaded_issue = resolver.load(entry)  # recorded, never entered
                if isinstance(loaded_issue, ScanIssue):
                    issues.append(loaded_issue)
                continue
            handlers = select_handlers(entry.path)
            if not handlers:
                continue
            loaded = resolver.load(entry)
            if isinstance(loaded, ScanIssue):
                if all(h.id == "code" for h in handlers) and loaded.severity is Severity.WARNING:
                    # Large or binary source files are common and not our concern.
                    loaded = ScanIssue(
                        loaded.stage,
                        Severity.INFO,
                        loaded.code,
                        loaded.message,
                        loaded.repo,
                        loaded.path,
                        loaded.line,
                    )
                issues.append(loaded)
                continue
            parsed += 1
            fi = FileInput(
                sync.name,
                entry.path,
                loaded.content_sha,
                loaded.size,
                loaded.text,
                repo_paths,
                symlink_target=loaded.symlink_target,
            )
            result = _parse_with_handlers(fi, loaded)
            if result is None:
                continue
            issues.extend(result.issues)
            if result.asset is not None:
                assets.append(result.asset)
    seconds = time.perf_counter() - started
    log.info("%s: %d assets from %d files in %.2fs", sync.name, len(assets), parsed, seconds)
    return RepoDiscovery(
        repo=sync.name,
        assets=tuple(sorted(assets, key=lambda a: a.id)),
        issues=tuple(sorted(issues, key=ScanIssue.sort_key)),
        files_listed=len(resolver.files),
        files_parsed=parsed,
        seconds=seconds,
        paths=repo_paths,
    )


def discover_all(results: Sequence[SyncResult]) -> Discovery:
    """Discover every repository that synced; failed ones contribute nothing here (the catalog
    stage keeps their previous assets as stale)."""
    repos = []
    for sync in results:
        if not sync.ok:
            continue
        repos.append(discover_repo(sync))
    return Discovery(tuple(repos))


def issue_for_failed_sync(sync: SyncResult) -> ScanIssue:
    return ScanIssue(
        Stage.SYNC,
        Severity.ERROR,
        "sync-failed",
        f"could not sync {sync.url}: {sync.reason}",
        repo=sync.name,
    )
