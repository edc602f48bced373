"""The discover stage (see orchestrate.py): sync results in, Assets and ScanIssues out.

The public names load their modules on first use: the no-op check (freshness.py) lives in this
package and must not pay for the handlers, the parsers and the worker pool when it finds
nothing to do."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scanner.discover.orchestrate import (
        PARALLEL_MIN_FILES,
        discover_all,
        discover_repo,
        issue_for_failed_sync,
    )
    from scanner.discover.results import Discovery, RepoDiscovery

_HOMES = {
    "PARALLEL_MIN_FILES": "orchestrate",
    "discover_all": "orchestrate",
    "discover_repo": "orchestrate",
    "issue_for_failed_sync": "orchestrate",
    "Discovery": "results",
    "RepoDiscovery": "results",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "PARALLEL_MIN_FILES",
    "Discovery",
    "RepoDiscovery",
    "discover_all",
    "discover_repo",
    "issue_for_failed_sync",
]
