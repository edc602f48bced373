"""The catalog stage: one scan's sources, assets and issues as a single deterministic document.

A repository that failed to sync keeps its assets from the baseline (the previous catalog),
marked stale: a failed clone never reads as "everything was deleted"."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.discover import Discovery, issue_for_failed_sync
from scanner.errors import ScannerError
from scanner.models import (
    SCHEMA_VERSION,
    Asset,
    JsonObject,
    JsonValue,
    ScanIssue,
    Severity,
    Stage,
    SyncResult,
    asset_from_json,
)

ACTIVE = "active"
STALE = "stale"


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    asset: Asset
    status: str  # active, or stale (kept from the baseline because its repository failed)

    def to_json(self) -> JsonObject:
        return {**self.asset.to_json(), "status": self.status}


@dataclass(frozen=True, slots=True)
class Catalog:
    sources: tuple[SyncResult, ...]
    entries: tuple[CatalogEntry, ...]  # sorted by asset id
    issues: tuple[ScanIssue, ...]  # sorted

    def to_json(self) -> JsonObject:
        return {
            "schema_version": SCHEMA_VERSION,
            "sources": [s.to_json() for s in self.sources],
            "counts": self.counts(),
            "assets": [e.to_json() for e in self.entries],
            "issues": [i.to_json() for i in self.issues],
        }

    def counts(self) -> JsonObject:
        by_repo: dict[str, JsonValue] = {}
        for repo, kinds in sorted(self.counts_by_repo_and_kind().items()):
            by_repo[repo] = dict(sorted(kinds.items()))
        by_kind = Counter(e.asset.kind.value for e in self.entries)
        severities = Counter(i.severity.value for i in self.issues)
        return {
            "assets": len(self.entries),
            "stale_assets": sum(1 for e in self.entries if e.status == STALE),
            "by_repository": by_repo,
            "by_kind": dict(sorted(by_kind.items())),
            "issues": dict(sorted(severities.items())),
        }

    def counts_by_repo_and_kind(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for entry in self.entries:
            kinds = out.setdefault(entry.asset.repo, {})
            kinds[entry.asset.kind.value] = kinds.get(entry.asset.kind.value, 0) + 1
        return out

    def find(self, asset_id: str) -> CatalogEntry | None:
        for entry in self.entries:
            if entry.asset.id == asset_id:
                return entry
        return None


@dataclass(frozen=True, slots=True)
class Baseline:
    """The previous catalog's assets, as far as this scan needs them."""

    entries: tuple[CatalogEntry, ...]

    def for_repo(self, repo: str) -> list[Asset]:
        return [e.asset for e in self.entries if e.asset.repo == repo]


EMPTY_BASELINE = Baseline(())


def load_catalog_json(path: Path) -> JsonObject:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ScannerError(f"{path}: cannot read catalog: {err.strerror}") from err
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ScannerError(f"{path}: catalog is not valid JSON (line {err.lineno})") from err
    if not isinstance(data, dict) or not isinstance(data.get("assets"), list):
        raise ScannerError(f"{path}: not a scanner catalog (no `assets` list)")
    return data


def load_baseline(path: Path) -> Baseline:
    """The catalog a previous scan wrote; an absent file is an empty baseline."""
    if not path.exists():
        return EMPTY_BASELINE
    data = load_catalog_json(path)
    entries = []
    raw_assets = data.get("assets")
    for raw in raw_assets if isinstance(raw_assets, list) else []:
        if isinstance(raw, dict):
            try:
                asset = asset_from_json(raw)
            except ValueError as err:  # an asset kind this version does not know
                raise ScannerError(f"{path}: unreadable asset {raw.get('id')!r}: {err}") from err
            status = raw.get("status")
            entries.append(CatalogEntry(asset, status if isinstance(status, str) else ACTIVE))
    return Baseline(tuple(entries))


def build_catalog(
    sources: Sequence[SyncResult], discovery: Discovery, baseline: Baseline = EMPTY_BASELINE
) -> Catalog:
    entries = [CatalogEntry(a, ACTIVE) for a in discovery.assets]
    issues = list(discovery.issues)
    for sync in sources:
        if sync.ok:
            continue
        issues.append(issue_for_failed_sync(sync))
        kept = baseline.for_repo(sync.name)
        entries += [CatalogEntry(a, STALE) for a in kept]
        if kept:
            issues.append(
                ScanIssue(
                    Stage.SYNC,
                    Severity.WARNING,
                    "repository-stale",
                    f"kept {len(kept)} assets from the previous catalog, marked stale",
                    repo=sync.name,
                )
            )
    return Catalog(
        sources=tuple(sorted(sources, key=lambda s: s.name)),
        entries=tuple(sorted(entries, key=lambda e: e.asset.id)),
        issues=tuple(sorted(issues, key=ScanIssue.sort_key)),
    )
