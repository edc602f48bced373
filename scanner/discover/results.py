"""What discovery found: per repository, and for the whole scan."""

from __future__ import annotations

from dataclasses import dataclass

from scanner.models import Asset, ScanIssue


@dataclass(frozen=True, slots=True)
class RepoDiscovery:
    repo: str
    assets: tuple[Asset, ...]
    issues: tuple[ScanIssue, ...]
    files_listed: int
    files_parsed: int  # files for which a parse (tree-sitter, YAML, JSON) actually ran
    seconds: float
    paths: frozenset[str] = frozenset()  # every tracked path: the graph resolves links to them
    cache_hits: int = 0  # candidate files whose results or parses came from the cache
    reused: bool = False  # the whole result came from the cache: the commit had not changed


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

    def stats(self) -> dict[str, int]:
        """Counters of the discover stage for the scan summary (no timings: the caller times
        the stage)."""
        return {
            "files_listed": sum(r.files_listed for r in self.repos),
            "files_parsed": sum(r.files_parsed for r in self.repos),
            "cache_hits": sum(r.cache_hits for r in self.repos),
            "repos": len(self.repos),
            "repos_reused": sum(1 for r in self.repos if r.reused),
        }
