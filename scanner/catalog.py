"""The catalog stage: one scan's sources, assets and issues as a single deterministic document.

A repository that failed to sync keeps its assets from the baseline (the previous catalog),
marked stale: a failed clone never reads as "everything was deleted"."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from scanner.discover import Discovery, issue_for_failed_sync
from scanner.errors import ScannerError
from scanner.models import (
    SCHEMA_VERSION,
    Asset,
    DomainAssignment,
    JsonObject,
    JsonValue,
    ScanIssue,
    Severity,
    Stage,
    SyncResult,
    asset_from_json,
    assignment_from_json,
    issue_from_json,
    sync_result_from_json,
)

ACTIVE = "active"
STALE = "stale"
# Fields a person may add to an asset in catalog.json; every scan carries them over.
ANNOTATION_FIELDS = ("featured_note", "labels", "notes")


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    asset: Asset
    status: str  # active, or stale (kept from the baseline because its repository failed)
    domains: tuple[DomainAssignment, ...] = ()
    rank: float = 0.0  # PageRank over the reference graph
    duplicate_of: str = ""  # the canonical asset with byte-identical content
    bundle: tuple[str, ...] = ()  # asset ids that must be copied with this one
    first_seen: Mapping[str, JsonValue] = field(default_factory=dict)  # {commit, date}
    annotations: Mapping[str, JsonValue] = field(default_factory=dict)  # human fields, kept

    def to_json(self) -> JsonObject:
        return {
            **self.asset.to_json(),
            **dict(self.annotations),
            "status": self.status,
            "domains": [d.to_json() for d in self.domains],
            "rank": round(self.rank, 6),
            "duplicate_of": self.duplicate_of,
            "bundle": list(self.bundle),
            "first_seen": dict(self.first_seen),
        }


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


@dataclass(frozen=True, slots=True)
class Baseline:
    """The previous catalog, as far as this scan needs it: its assets, the commit each
    repository was at, and the raw document (for the diff and the fields carried over)."""

    entries: tuple[CatalogEntry, ...]
    commits: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # repo -> commit, date
    document: JsonObject | None = None

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
    commits: dict[str, tuple[str, str]] = {}
    raw_sources = data.get("sources")
    for raw in raw_sources if isinstance(raw_sources, list) else []:
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            commit, date = raw.get("commit"), raw.get("commit_date")
            if isinstance(commit, str) and commit and isinstance(date, str):
                commits[str(raw["name"])] = (commit, date)
    return Baseline(tuple(entries), commits, data)


@dataclass(frozen=True, slots=True)
class Enrichment:
    """What later stages add to each asset: classification, graph fields, history."""

    domains: Mapping[str, tuple[DomainAssignment, ...]] = field(default_factory=dict)
    ranks: Mapping[str, float] = field(default_factory=dict)
    duplicate_of: Mapping[str, str] = field(default_factory=dict)
    bundles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    first_seen: Mapping[str, Mapping[str, JsonValue]] = field(default_factory=dict)
    annotations: Mapping[str, Mapping[str, JsonValue]] = field(default_factory=dict)

    def apply(self, entry: CatalogEntry) -> CatalogEntry:
        key = entry.asset.id
        return replace(
            entry,
            domains=self.domains.get(key, ()),
            rank=self.ranks.get(key, 0.0),
            duplicate_of=self.duplicate_of.get(key, ""),
            bundle=self.bundles.get(key, ()),
            first_seen=self.first_seen.get(key, {}),
            annotations=self.annotations.get(key, {}),
        )


def current_entries(
    sources: Sequence[SyncResult], discovery: Discovery, baseline: Baseline = EMPTY_BASELINE
) -> tuple[tuple[CatalogEntry, ...], tuple[SyncResult, ...], list[ScanIssue]]:
    """This scan's assets plus the stale ones kept for failed repositories; the sources, a
    failed one keeping the commit it was last scanned at; and the sync issues."""
    entries = [CatalogEntry(a, ACTIVE) for a in discovery.assets]
    issues: list[ScanIssue] = []
    kept_sources = []
    for sync in sources:
        if sync.ok:
            kept_sources.append(sync)
            continue
        issues.append(issue_for_failed_sync(sync))
        last = baseline.commits.get(sync.name)
        kept_sources.append(replace(sync, commit=last[0], commit_date=last[1]) if last else sync)
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
    return (
        tuple(sorted(entries, key=lambda e: e.asset.id)),
        tuple(sorted(kept_sources, key=lambda s: s.name)),
        issues,
    )


def build_catalog(
    sources: Sequence[SyncResult],
    discovery: Discovery,
    baseline: Baseline = EMPTY_BASELINE,
    enrichment: Enrichment | None = None,
    extra_issues: Sequence[ScanIssue] = (),
) -> Catalog:
    entries, kept_sources, sync_issues = current_entries(sources, discovery, baseline)
    if enrichment is not None:
        entries = tuple(enrichment.apply(e) for e in entries)
    issues = {*discovery.issues, *sync_issues, *extra_issues}
    return Catalog(
        sources=kept_sources,
        entries=entries,
        issues=tuple(sorted(issues, key=ScanIssue.sort_key)),
    )


def _objects(data: JsonObject, key: str) -> list[JsonObject]:
    value = data.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def entry_from_json(raw: JsonObject) -> CatalogEntry:
    """A catalog entry as catalog.json holds it, every enrichment field included."""
    status = raw.get("status")
    rank = raw.get("rank")
    duplicate = raw.get("duplicate_of")
    bundle = raw.get("bundle")
    first_seen = raw.get("first_seen")
    return CatalogEntry(
        asset=asset_from_json(raw),
        status=status if isinstance(status, str) else ACTIVE,
        domains=tuple(assignment_from_json(d) for d in _objects(raw, "domains")),
        rank=float(rank) if isinstance(rank, int | float) else 0.0,
        duplicate_of=duplicate if isinstance(duplicate, str) else "",
        bundle=tuple(b for b in bundle if isinstance(b, str)) if isinstance(bundle, list) else (),
        first_seen=first_seen if isinstance(first_seen, dict) else {},
        annotations={k: raw[k] for k in ANNOTATION_FIELDS if k in raw},
    )


def catalog_from_document(data: JsonObject) -> Catalog:
    """Rebuild a Catalog from catalog.json (for commands that work without a scan)."""
    try:
        entries = tuple(entry_from_json(raw) for raw in _objects(data, "assets"))
        sources = tuple(sync_result_from_json(raw) for raw in _objects(data, "sources"))
        issues = tuple(issue_from_json(raw) for raw in _objects(data, "issues"))
    except ValueError as err:
        raise ScannerError(f"catalog.json has a value this version does not know: {err}") from err
    return Catalog(
        sources=tuple(sorted(sources, key=lambda s: s.name)),
        entries=tuple(sorted(entries, key=lambda e: e.asset.id)),
        issues=tuple(sorted(issues, key=ScanIssue.sort_key)),
    )
