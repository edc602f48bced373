"""The report stage's diff: what appeared, changed, moved and vanished since the baseline.

Between the baseline and the current catalog (ARCHITECTURE.md, "Identity and change") an asset
is

- new: its id appeared and nothing moved to it;
- removed: its id vanished and it moved nowhere;
- changed: same id, other content (or another kind);
- moved: paired with a new path by `scanner.catalog.identity` (git's rename detection, edited
  moves included, or identical content);
- reclassified: same asset (or moved), other practice domains.

A repository that failed to sync is stale: its assets stay in the catalog and are never reported
as removed. A repository that left the manifest is reported with every asset it had.

A pure function of two typed catalogs and their pairing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from scanner.catalog import Catalog, CatalogEntry
from scanner.catalog.identity import Pairing
from scanner.ids import pin_to_asset_id, repo_of
from scanner.links import blob_url
from scanner.models import Asset, SyncResult
from scanner.report.model import (
    AssetChange,
    AssetRef,
    BrokenPin,
    FollowedPin,
    Reclassification,
    RepoChange,
    RepoStatus,
    ScanDiff,
)


def domain_labels(entry: CatalogEntry | None) -> tuple[str, ...]:
    """An entry's domains as `practice/domain` labels, sorted."""
    if entry is None:
        return ()
    labels = {f"{d.practice}/{d.domain}" for d in entry.domains if d.practice and d.domain}
    return tuple(sorted(labels))


class _Side:
    """One catalog as the diff reads it: entries by id and sources by name."""

    def __init__(self, catalog: Catalog | None) -> None:
        entries = catalog.entries if catalog is not None else ()
        self.entries: dict[str, CatalogEntry] = {e.asset.id: e for e in entries}
        self.sources: dict[str, SyncResult] = (
            {s.name: s for s in catalog.sources} if catalog is not None else {}
        )
        self.by_repo: dict[str, list[CatalogEntry]] = {}
        for entry in entries:
            self.by_repo.setdefault(entry.asset.repo, []).append(entry)

    def ref(self, asset: Asset) -> AssetRef:
        source = self.sources.get(asset.repo)
        commit = source.commit if source else ""
        return AssetRef(
            repo=asset.repo,
            path=asset.path,
            kind=asset.kind.value,
            blob_sha=asset.blob_sha,
            commit=commit,
            url=blob_url(source.url if source else "", commit, asset.path),
            domains=domain_labels(self.entries.get(asset.id)),
        )


def diff_catalogs(
    baseline: Catalog | None,
    current: Catalog,
    pairing: Pairing,
    pins: Sequence[str] = (),
) -> ScanDiff:
    """Compare two catalogs whose assets `pairing` paired (`scanner.catalog.identity`).

    `pins`: the featured pins of the practice manifests (`<repo>/<path>`, or asset ids)."""
    old, new = _Side(baseline), _Side(current)
    names = sorted(set(old.sources) | set(new.sources) | set(old.by_repo) | set(new.by_repo))

    repositories: list[RepoChange] = []
    added: list[AssetRef] = []
    removed: list[AssetRef] = []
    changed: list[AssetChange] = []
    moved: list[AssetChange] = []
    reclassified: list[Reclassification] = []

    for name in names:
        old_src, new_src = old.sources.get(name), new.sources.get(name)
        before, after = old.by_repo.get(name, []), new.by_repo.get(name, [])
        # A repository that failed in every earlier scan was never really seen: it is added.
        present_before = bool(before) or (old_src is not None and bool(old_src.commit))
        present_now = new_src is not None or bool(after)
        known = new_src or old_src
        base = RepoChange(
            name=name,
            url=known.url if known else "",
            status=RepoStatus.UNCHANGED,
            old_commit=old_src.commit if old_src else "",
            new_commit=new_src.commit if new_src else "",
            old_commit_date=old_src.commit_date if old_src else "",
            new_commit_date=new_src.commit_date if new_src else "",
            assets_before=len(before),
            assets_after=len(after),
        )
        if not present_now:
            gone = [old.ref(e.asset) for e in before]
            removed += gone
            repositories.append(replace(base, status=RepoStatus.REMOVED, removed=len(gone)))
            continue
        if new_src is not None and not new_src.ok:
            repositories.append(
                replace(
                    base,
                    status=RepoStatus.STALE,
                    reason=new_src.reason,
                    # the commit of the assets kept is the baseline's
                    new_commit=base.old_commit,
                    new_commit_date=base.old_commit_date,
                )
            )
            continue

        paired = pairing.repo(name)
        repo_changed = repo_reclassified = 0
        for old_asset, new_asset in paired.same:
            if (old_asset.blob_sha, old_asset.kind) != (new_asset.blob_sha, new_asset.kind):
                changed.append(AssetChange(old.ref(old_asset), new.ref(new_asset)))
                repo_changed += 1
        for old_asset, new_asset, evidence in paired.moved:
            moved.append(AssetChange(old.ref(old_asset), new.ref(new_asset), evidence))
        for old_asset, new_asset in paired.pairs():
            was = domain_labels(old.entries.get(old_asset.id))
            now = domain_labels(new.entries.get(new_asset.id))
            if was != now:
                reclassified.append(
                    Reclassification(
                        asset=new.ref(new_asset),
                        previous_id=old_asset.id,
                        added=tuple(sorted(set(now) - set(was))),
                        removed=tuple(sorted(set(was) - set(now))),
                    )
                )
                repo_reclassified += 1
        added += [new.ref(a) for a in paired.appeared]
        removed += [old.ref(a) for a in paired.gone]
        if not present_before:
            status = RepoStatus.ADDED
        elif base.old_commit != base.new_commit:
            status = RepoStatus.UPDATED
        else:
            status = RepoStatus.UNCHANGED
        detection = ""
        if status is RepoStatus.UPDATED:
            git_ok = name in pairing.rename_detection and name not in pairing.history_unavailable
            detection = "git" if git_ok else "content-only"
        repositories.append(
            replace(
                base,
                status=status,
                rename_detection=detection,
                new=len(paired.appeared),
                removed=len(paired.gone),
                changed=repo_changed,
                moved=len(paired.moved),
                reclassified=repo_reclassified,
            )
        )

    broken, followed = _check_pins(pins, new.entries, moved, removed, repositories)
    return ScanDiff(
        repositories=tuple(repositories),
        new=tuple(sorted(added, key=lambda a: a.id)),
        removed=tuple(sorted(removed, key=lambda a: a.id)),
        changed=tuple(sorted(changed, key=lambda c: c.after.id)),
        moved=tuple(sorted(moved, key=lambda m: m.before.id)),
        reclassified=tuple(sorted(reclassified, key=lambda r: r.asset.id)),
        broken_pins=broken,
        followed_pins=followed,
        # Equal as written: the report is left alone only when catalog.json would not change.
        catalog_unchanged=baseline is not None and baseline.same_json(current),
        has_baseline=baseline is not None,
    )


def _check_pins(
    pins: Sequence[str],
    current: Mapping[str, CatalogEntry],
    moved: Sequence[AssetChange],
    removed: Sequence[AssetRef],
    repositories: Sequence[RepoChange],
) -> tuple[tuple[BrokenPin, ...], tuple[FollowedPin, ...]]:
    moved_from = {m.before.id: m for m in moved}
    removed_by_id = {r.id: r for r in removed}
    status = {r.name: r.status for r in repositories}
    broken: list[BrokenPin] = []
    followed: list[FollowedPin] = []
    for pin in sorted(set(pins)):
        asset_id = pin_to_asset_id(pin)
        repo = repo_of(asset_id)
        if asset_id in current:
            continue
        if asset_id in moved_from:
            move = moved_from[asset_id]
            followed.append(FollowedPin(pin, move.after.id, move.after.url))
        elif status.get(repo) is RepoStatus.STALE:
            continue  # its repository could not be read: nothing is known either way
        elif asset_id in removed_by_id:
            why = (
                "its repository was removed from the manifest"
                if status.get(repo) is RepoStatus.REMOVED
                else "removed upstream"
            )
            broken.append(BrokenPin(pin, why, removed_by_id[asset_id]))
        else:
            broken.append(BrokenPin(pin, "not in the catalog (no such asset)"))
    return tuple(broken), tuple(followed)
