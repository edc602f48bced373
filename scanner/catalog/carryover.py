"""What a scan carries over from the baseline to the asset that continues it (same id, or moved
from): when the asset was first seen, the commit its current bytes were first scanned at, and
the fields a person added."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from scanner.catalog.identity import Pairing
from scanner.catalog.model import Catalog, CatalogEntry
from scanner.models import Asset, JsonObject, JsonValue, SyncResult


def _first_seen_of(value: Mapping[str, JsonValue]) -> JsonObject | None:
    commit, date = value.get("commit"), value.get("date")
    if isinstance(commit, str) and isinstance(date, str) and commit:
        return {"commit": commit, "date": date}
    return None


def _continued(
    baseline: Catalog | None, current: Iterable[Asset], pairing: Pairing
) -> dict[str, CatalogEntry]:
    """current asset id -> the baseline entry it continues."""
    if baseline is None:
        return {}
    old = baseline.entry_ids()
    origins = pairing.origins()
    return {a.id: old[origins[a.id]] for a in current if a.id in origins}


def first_seen_for(
    baseline: Catalog | None,
    current_assets: Iterable[Asset],
    sources: Sequence[SyncResult],
    pairing: Pairing,
) -> dict[str, JsonObject]:
    """Asset id -> {"commit", "date"}: when each current asset was first seen.

    Carried over from the baseline (following moves); an asset the baseline has without a
    `first_seen` (a catalog older than the field) gets the baseline's commit of its repository;
    a new asset gets this scan's commit and commit date of its repository."""
    assets = sorted(current_assets, key=lambda a: a.id)
    continued = _continued(baseline, assets, pairing)
    old_sources = {s.name: s for s in baseline.sources} if baseline is not None else {}
    now = {s.name: s for s in sources}
    out: dict[str, JsonObject] = {}
    for asset in assets:
        origin = continued.get(asset.id)
        if origin is not None:
            carried = _first_seen_of(origin.first_seen)
            if carried is not None:
                out[asset.id] = carried
                continue
            old = old_sources.get(asset.repo)
            if old is not None and old.commit:
                out[asset.id] = {"commit": old.commit, "date": old.commit_date}
                continue
        sync = now.get(asset.repo)
        out[asset.id] = {
            "commit": sync.commit if sync else "",
            "date": sync.commit_date if sync else "",
        }
    return out


def content_commits_for(
    baseline: Catalog | None, current_assets: Iterable[Asset], sources: Sequence[SyncResult]
) -> dict[str, str]:
    """Asset id -> the first scanned commit at which the file had its current bytes: carried
    over from the baseline entry of the same id with the same blob (a moved file is not at its
    new path in an older commit), else this scan's commit of its repository."""
    old = baseline.entry_ids() if baseline is not None else {}
    old_urls = {s.name: s.url for s in baseline.sources} if baseline is not None else {}
    now = {s.name: s.commit for s in sources}
    urls = {s.name: s.url for s in sources}
    out: dict[str, str] = {}
    for asset in current_assets:
        before = old.get(asset.id)
        if (
            before is not None
            and before.asset.blob_sha == asset.blob_sha
            and before.content_commit
            and old_urls.get(asset.repo) == urls.get(asset.repo)  # the same repository
        ):
            out[asset.id] = before.content_commit
        else:
            out[asset.id] = now.get(asset.repo, "")
    return out


def annotations_for(
    baseline: Catalog | None, current_assets: Iterable[Asset], pairing: Pairing
) -> dict[str, JsonObject]:
    """Asset id -> the annotation fields its baseline entry has (following moves), verbatim.
    Assets without annotations are absent."""
    continued = _continued(baseline, current_assets, pairing)
    return {
        asset_id: dict(entry.annotations)
        for asset_id, entry in sorted(continued.items())
        if entry.annotations
    }
