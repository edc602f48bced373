"""Moves between two catalogs' commits: git's rename detection over the checkouts, and the
moves a previous report recorded (hints where there are no checkouts). Only git is asked, through
scanner.git.history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.git import history, store
from scanner.models import JsonValue, SyncResult


@dataclass(frozen=True, slots=True)
class RenameScan:
    renames: dict[str, dict[str, str]]  # repo -> {old path: new path}
    unavailable: tuple[str, ...]  # repositories whose history could not be searched


def detect_renames(
    old_sources: Sequence[SyncResult],
    new_sources: Sequence[SyncResult],
    workdir: Path,
    *,
    timeout: float = history.DEFAULT_HISTORY_TIMEOUT,
) -> RenameScan:
    """Run git's rename detection in `<workdir>/repos/<name>` for every repository that was synced
    in both catalogs at different commits. A repository without a checkout or without one of the
    two commits (history force-pushed away) is listed as unavailable."""
    old_by_name = {s.name: s for s in old_sources}
    new_by_name = {s.name: s for s in new_sources}
    renames: dict[str, dict[str, str]] = {}
    unavailable: list[str] = []
    for name in sorted(old_by_name.keys() & new_by_name.keys()):
        old, new = old_by_name[name], new_by_name[name]
        if not new.ok or not old.commit or not new.commit or old.commit == new.commit:
            continue
        checkout = store.clone_path(workdir, name)
        if not (
            history.commit_exists(checkout, old.commit, timeout=timeout)
            and history.commit_exists(checkout, new.commit, timeout=timeout)
        ):
            unavailable.append(name)
            continue
        renames[name] = history.renames_between(checkout, old.commit, new.commit, timeout=timeout)
    return RenameScan(renames, tuple(unavailable))


def _text(data: Mapping[str, JsonValue], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def recorded_moves(report: Mapping[str, JsonValue] | None) -> dict[str, dict[str, str]]:
    """repo -> {old path: new path} from the `moved` list of a scan-diff.json: the moves a scan
    with the checkouts at hand found, reusable as rename hints where there are none (a pull
    request's check has no checkouts)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    moved = report.get("moved") if report is not None else None
    for move in moved if isinstance(moved, list) else []:
        if not isinstance(move, dict):
            continue
        before, after = move.get("from"), move.get("to")
        if isinstance(before, dict) and isinstance(after, dict):
            repo = _text(before, "repo")
            if repo and repo == _text(after, "repo"):
                out[repo][_text(before, "path")] = _text(after, "path")
    return dict(out)
