"""Which current asset continues which baseline asset: the one pairing of old and new.

Identity follows ARCHITECTURE.md ("Identity and change"): an asset is `<repo>::<path>`, its
content the git blob SHA. Per repository, a baseline asset is paired with the current asset of
the same id; else, when its path vanished, with the path git's rename detection moved it to
(edited moves included) or, failing that, with a new path holding the same content. What stays
unpaired is gone (baseline) or appeared (current). The carry-over of `first_seen` and
annotations and the report's diff both read this one pairing."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from scanner.catalog.model import Catalog
from scanner.catalog.renames import detect_renames
from scanner.git import history
from scanner.ids import asset_id
from scanner.models import Asset, SyncResult


class MoveEvidence(StrEnum):
    GIT_RENAME = "git-rename"  # git's rename detection between the two commits
    SAME_CONTENT = "same-content"  # the old path's blob appeared at the new path


@dataclass(frozen=True, slots=True)
class RepoPairing:
    """How one repository's baseline assets map onto its current ones (each tuple in id order)."""

    same: tuple[tuple[Asset, Asset], ...] = ()
    moved: tuple[tuple[Asset, Asset, MoveEvidence], ...] = ()
    gone: tuple[Asset, ...] = ()
    appeared: tuple[Asset, ...] = ()

    def pairs(self) -> list[tuple[Asset, Asset]]:
        """Every (baseline, current) pair: same id first, then moves."""
        return [*self.same, *((old, new) for old, new, _ in self.moved)]


@dataclass(frozen=True, slots=True)
class Pairing:
    repos: Mapping[str, RepoPairing] = field(default_factory=dict)
    # Repositories whose history was searched for renames, and those whose could not be.
    rename_detection: frozenset[str] = frozenset()
    history_unavailable: tuple[str, ...] = ()

    def repo(self, name: str) -> RepoPairing:
        return self.repos.get(name, RepoPairing())

    def origins(self) -> dict[str, str]:
        """current asset id -> the baseline asset id it continues."""
        return {new.id: old.id for p in self.repos.values() for old, new in p.pairs()}


def _by_repo(assets: Iterable[Asset]) -> dict[str, dict[str, Asset]]:
    out: dict[str, dict[str, Asset]] = defaultdict(dict)
    for asset in sorted(assets, key=lambda a: a.id):
        out[asset.repo][asset.id] = asset
    return out


def _pair_repo(
    repo: str, old: Mapping[str, Asset], new: Mapping[str, Asset], renames: Mapping[str, str]
) -> RepoPairing:
    same = [(old[i], new[i]) for i in sorted(old.keys() & new.keys())]
    moved: list[tuple[Asset, Asset, MoveEvidence]] = []
    gone = {i: old[i] for i in sorted(old.keys() - new.keys())}
    appeared = {i: new[i] for i in sorted(new.keys() - old.keys())}
    # Git's rename detection first: it also pairs moves whose content was edited.
    for old_id, before in list(gone.items()):
        target = renames.get(before.path)
        after = appeared.get(asset_id(repo, target)) if target else None
        if after is not None:
            moved.append((before, after, MoveEvidence.GIT_RENAME))
            del gone[old_id], appeared[after.id]
    # Then identical content. Several candidates with one blob (copies of a file): prefer the
    # same file name, then path order, so that the pairing is deterministic.
    by_blob: dict[str, list[Asset]] = defaultdict(list)
    for after in appeared.values():
        if after.blob_sha:
            by_blob[after.blob_sha].append(after)
    for same_name_only in (True, False):
        for old_id, before in list(gone.items()):
            candidates = by_blob.get(before.blob_sha) if before.blob_sha else None
            name = posixpath.basename(before.path)
            found = next(
                (
                    c
                    for c in candidates or ()
                    if not same_name_only or posixpath.basename(c.path) == name
                ),
                None,
            )
            if candidates is None or found is None:
                continue
            candidates.remove(found)
            moved.append((before, found, MoveEvidence.SAME_CONTENT))
            del gone[old_id], appeared[found.id]
    return RepoPairing(tuple(same), tuple(moved), tuple(gone.values()), tuple(appeared.values()))


def pair_assets(
    baseline: Iterable[Asset],
    current: Iterable[Asset],
    renames: Mapping[str, Mapping[str, str]] | None = None,
    *,
    history_unavailable: Iterable[str] = (),
) -> Pairing:
    """Pair every repository's baseline assets with its current ones. `renames`: repo ->
    {old path: new path} from git's rename detection (`detect_renames`) or recorded moves."""
    renames = renames or {}
    old, new = _by_repo(baseline), _by_repo(current)
    repos = {
        repo: _pair_repo(repo, old.get(repo, {}), new.get(repo, {}), renames.get(repo, {}))
        for repo in sorted(old.keys() | new.keys())
    }
    return Pairing(repos, frozenset(renames), tuple(history_unavailable))


def match_baseline(
    baseline: Catalog | None,
    current_assets: Iterable[Asset],
    current_sources: Sequence[SyncResult],
    workdir: Path,
    *,
    timeout: float = history.DEFAULT_HISTORY_TIMEOUT,
    hints: Mapping[str, Mapping[str, str]] | None = None,
) -> Pairing:
    """Pair the baseline's assets with the current ones: git's rename detection in the work
    directory's checkouts for repositories whose commit changed, over `hints` (moves recorded
    by an earlier report, for where there are no checkouts; git's own detection wins)."""
    old_sources = baseline.sources if baseline is not None else ()
    detected = detect_renames(old_sources, current_sources, workdir, timeout=timeout)
    renames: dict[str, dict[str, str]] = {
        repo: dict(moves) for repo, moves in (hints or {}).items()
    }
    for repo, found in detected.renames.items():
        renames[repo] = {**renames.get(repo, {}), **found}
    old_assets = [e.asset for e in baseline.entries] if baseline is not None else []
    return pair_assets(
        old_assets, current_assets, renames, history_unavailable=detected.unavailable
    )
