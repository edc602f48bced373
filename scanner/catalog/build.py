"""Building the catalog of one scan: its entries (failed repositories keep their baseline
assets, marked stale) and what the later stages add to each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from scanner.catalog.model import ACTIVE, STALE, Catalog, CatalogEntry
from scanner.catalog.store import EMPTY_BASELINE, Baseline
from scanner.discover import Discovery, issue_for_failed_sync
from scanner.models import (
    Asset,
    DomainAssignment,
    JsonValue,
    ScanIssue,
    Severity,
    Stage,
    SyncResult,
)


@dataclass(frozen=True, slots=True)
class Enrichment:
    """What later stages add to each asset: classification, graph fields, history."""

    domains: Mapping[str, tuple[DomainAssignment, ...]] = field(default_factory=dict)
    ranks: Mapping[str, float] = field(default_factory=dict)
    duplicate_of: Mapping[str, str] = field(default_factory=dict)
    bundles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    first_seen: Mapping[str, Mapping[str, JsonValue]] = field(default_factory=dict)
    annotations: Mapping[str, Mapping[str, JsonValue]] = field(default_factory=dict)
    content_commits: Mapping[str, str] = field(default_factory=dict)

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
            content_commit=self.content_commits.get(key, ""),
        )


@dataclass(frozen=True, slots=True)
class Current:
    """This scan's assets plus the stale ones kept for failed repositories; the sources, a
    failed one keeping the commit it was last scanned at; and the sync issues."""

    entries: tuple[CatalogEntry, ...]  # sorted by asset id
    sources: tuple[SyncResult, ...]  # sorted by name
    issues: tuple[ScanIssue, ...]

    @property
    def assets(self) -> list[Asset]:
        return [e.asset for e in self.entries]


def current_entries(
    sources: Sequence[SyncResult], discovery: Discovery, baseline: Baseline = EMPTY_BASELINE
) -> Current:
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
    return Current(
        tuple(sorted(entries, key=lambda e: e.asset.id)),
        tuple(sorted(kept_sources, key=lambda s: s.name)),
        tuple(issues),
    )


def assemble_catalog(
    current: Current,
    discovery: Discovery,
    enrichment: Enrichment | None = None,
    extra_issues: Sequence[ScanIssue] = (),
) -> Catalog:
    """The catalog of this scan's entries, enriched by the later stages."""
    entries = current.entries
    if enrichment is not None:
        entries = tuple(enrichment.apply(e) for e in entries)
    issues = {*discovery.issues, *current.issues, *extra_issues}
    return Catalog(
        sources=current.sources,
        entries=entries,
        issues=tuple(sorted(issues, key=ScanIssue.sort_key)),
    )


def build_catalog(
    sources: Sequence[SyncResult],
    discovery: Discovery,
    baseline: Baseline = EMPTY_BASELINE,
    enrichment: Enrichment | None = None,
    extra_issues: Sequence[ScanIssue] = (),
) -> Catalog:
    """`current_entries`, then `assemble_catalog`: the catalog without the pipeline."""
    current = current_entries(sources, discovery, baseline)
    return assemble_catalog(current, discovery, enrichment, extra_issues)
