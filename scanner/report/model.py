"""What the report says changed between two catalogs: per repository, per asset, per pin."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scanner.catalog.identity import MoveEvidence
from scanner.ids import as_pin_form, pin_to_asset_id
from scanner.links import compare_url
from scanner.models import JsonObject, JsonValue

REPORT_SCHEMA_VERSION = 1


class RepoStatus(StrEnum):
    UNCHANGED = "unchanged"  # same commit
    UPDATED = "updated"  # another commit
    ADDED = "added"  # new in the manifest
    REMOVED = "removed"  # gone from the manifest
    STALE = "stale"  # could not be synced: assets kept from the baseline


@dataclass(frozen=True, slots=True)
class AssetRef:
    """One asset at one commit, as the report shows it."""

    repo: str
    path: str
    kind: str
    blob_sha: str
    commit: str
    url: str  # a link to the file at `commit`, or ""
    domains: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.repo}::{self.path}"

    def to_json(self) -> JsonObject:
        return {
            "id": self.id,
            "repo": self.repo,
            "path": self.path,
            "kind": self.kind,
            "blob_sha": self.blob_sha,
            "commit": self.commit,
            "url": self.url,
            "domains": list(self.domains),
        }


@dataclass(frozen=True, slots=True)
class AssetChange:
    """The same asset before and after: changed (same id) or moved (another path)."""

    before: AssetRef
    after: AssetRef
    evidence: MoveEvidence | None = None  # set for moves

    @property
    def edited(self) -> bool:
        return self.before.blob_sha != self.after.blob_sha

    def to_json(self) -> JsonObject:
        data: JsonObject = {
            "id": self.after.id,
            "from": self.before.to_json(),
            "to": self.after.to_json(),
        }
        if self.evidence is not None:
            data["edited"] = self.edited
            data["detected_by"] = self.evidence.value
        return data


@dataclass(frozen=True, slots=True)
class Reclassification:
    asset: AssetRef
    previous_id: str  # differs from asset.id when the asset also moved
    added: tuple[str, ...]  # "practice/domain"
    removed: tuple[str, ...]

    def to_json(self) -> JsonObject:
        return {
            "id": self.asset.id,
            "previous_id": self.previous_id,
            "url": self.asset.url,
            "added": list(self.added),
            "removed": list(self.removed),
        }


@dataclass(frozen=True, slots=True)
class RepoChange:
    name: str
    url: str
    status: RepoStatus
    old_commit: str
    new_commit: str
    old_commit_date: str
    new_commit_date: str
    reason: str = ""  # why the sync failed (stale)
    rename_detection: str = ""  # "git" or "content-only" for updated repositories
    assets_before: int = 0
    assets_after: int = 0
    new: int = 0
    removed: int = 0
    changed: int = 0
    moved: int = 0
    reclassified: int = 0

    @property
    def compare_url(self) -> str:
        return compare_url(self.url, self.old_commit, self.new_commit)

    @property
    def asset_changes(self) -> int:
        return self.new + self.removed + self.changed + self.moved + self.reclassified

    def to_json(self) -> JsonObject:
        return {
            "name": self.name,
            "url": self.url,
            "status": self.status.value,
            "old_commit": self.old_commit,
            "new_commit": self.new_commit,
            "old_commit_date": self.old_commit_date,
            "new_commit_date": self.new_commit_date,
            "compare_url": self.compare_url,
            "reason": self.reason,
            "rename_detection": self.rename_detection,
            "counts": {
                "assets_before": self.assets_before,
                "assets_after": self.assets_after,
                "new": self.new,
                "removed": self.removed,
                "changed": self.changed,
                "moved": self.moved,
                "reclassified": self.reclassified,
            },
        }


@dataclass(frozen=True, slots=True)
class BrokenPin:
    pin: str  # as the practice manifest writes it
    reason: str
    last_seen: AssetRef | None = None  # where it was in the baseline

    def to_json(self) -> JsonObject:
        return {
            "pin": self.pin,
            "id": pin_to_asset_id(self.pin),
            "reason": self.reason,
            "last_seen_url": self.last_seen.url if self.last_seen else "",
        }


@dataclass(frozen=True, slots=True)
class FollowedPin:
    pin: str  # as the practice manifest writes it
    to: str  # the asset id it moved to
    url: str = ""

    @property
    def new_pin(self) -> str:
        return as_pin_form(self.pin, self.to)

    @property
    def suggested_edit(self) -> str:
        return f"- {self.pin}\n+ {self.new_pin}"

    def to_json(self) -> JsonObject:
        return {
            "pin": self.pin,
            "from": pin_to_asset_id(self.pin),
            "to": self.to,
            "url": self.url,
            "suggested_edit": self.suggested_edit,
        }


@dataclass(frozen=True, slots=True)
class ScanDiff:
    """What changed between two catalogs. Every tuple is sorted by asset id or name."""

    repositories: tuple[RepoChange, ...]
    new: tuple[AssetRef, ...]
    removed: tuple[AssetRef, ...]
    changed: tuple[AssetChange, ...]
    moved: tuple[AssetChange, ...]
    reclassified: tuple[Reclassification, ...]
    broken_pins: tuple[BrokenPin, ...] = ()
    followed_pins: tuple[FollowedPin, ...] = ()
    # The two documents are equal: a rescan that found nothing. Callers then leave an existing
    # report alone, so that such a rescan changes no file in output/.
    catalog_unchanged: bool = False
    has_baseline: bool = True
    # Practices below the publishing threshold: (plugin, reasons); left out of marketplace.json.
    withheld: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # What the catalog was compared with, in words: every place that shows the numbers (the
    # terminal, the report, `scanner diff`) names it, so that their numbers can be checked.
    baseline: str = ""

    def repos_with(self, status: RepoStatus) -> tuple[RepoChange, ...]:
        return tuple(r for r in self.repositories if r.status is status)

    @property
    def has_changes(self) -> bool:
        """Anything in the assets or the set of repositories (what `--exit-code` checks). New
        commits with no asset change and stale repositories do not count."""
        return bool(
            self.new
            or self.removed
            or self.changed
            or self.moved
            or self.reclassified
            or self.repos_with(RepoStatus.ADDED)
            or self.repos_with(RepoStatus.REMOVED)
        )

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "moved": len(self.moved),
            "reclassified": len(self.reclassified),
            "broken_pins": len(self.broken_pins),
            "followed_pins": len(self.followed_pins),
            "repositories": len(self.repositories),
            "updated_repositories": len(self.repos_with(RepoStatus.UPDATED)),
            "added_repositories": len(self.repos_with(RepoStatus.ADDED)),
            "removed_repositories": len(self.repos_with(RepoStatus.REMOVED)),
            "stale_repositories": len(self.repos_with(RepoStatus.STALE)),
            "assets_before": sum(r.assets_before for r in self.repositories),
            "assets_after": sum(r.assets_after for r in self.repositories),
        }

    def to_json(self) -> JsonObject:
        counts: dict[str, JsonValue] = dict(self.counts)
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "has_baseline": self.has_baseline,
            "baseline": self.baseline,
            "counts": counts,
            "repositories": [r.to_json() for r in self.repositories],
            "new": [a.to_json() for a in self.new],
            "removed": [a.to_json() for a in self.removed],
            "changed": [c.to_json() for c in self.changed],
            "moved": [m.to_json() for m in self.moved],
            "reclassified": [r.to_json() for r in self.reclassified],
            "stale_repositories": [
                {
                    "name": r.name,
                    "commit": r.old_commit,
                    "assets_kept": r.assets_after,
                    "reason": r.reason,
                }
                for r in self.repos_with(RepoStatus.STALE)
            ],
            "removed_repositories": [
                {"name": r.name, "commit": r.old_commit, "assets": r.assets_before}
                for r in self.repos_with(RepoStatus.REMOVED)
            ],
            "broken_pins": [p.to_json() for p in self.broken_pins],
            "followed_pins": [p.to_json() for p in self.followed_pins],
            "withheld_plugins": [
                {"plugin": plugin, "reasons": list(reasons)} for plugin, reasons in self.withheld
            ],
        }
