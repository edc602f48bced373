"""The discover stage (see orchestrate.py): sync results in, Assets and ScanIssues out."""

from scanner.discover.orchestrate import (
    PARALLEL_MIN_FILES,
    discover_all,
    discover_repo,
    issue_for_failed_sync,
)
from scanner.discover.results import Discovery, RepoDiscovery

__all__ = [
    "PARALLEL_MIN_FILES",
    "Discovery",
    "RepoDiscovery",
    "discover_all",
    "discover_repo",
    "issue_for_failed_sync",
]
