"""The catalog: one scan's sources, assets and issues as a single deterministic document.

A repository that failed to sync keeps its assets from the baseline (the previous catalog),
marked stale: a failed clone never reads as "everything was deleted"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from scanner.models import (
    SCHEMA_VERSION,
    Asset,
    DomainAssignment,
    JsonObject,
    JsonValue,
    ScanIssue,
    SyncResult,
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
    # The first scanned commit at which the file had its current bytes (the site links to the
    # file there: a page changes when its file does, not whenever its repository moves).
    content_commit: str = ""

    def to_json(self) -> JsonObject:
        return {
            **self.asset.to_json(),
            **dict(self.annotations),
            "status": self.status,
            "domains": [d.to_json() for d in self.domains],
            # An asset may serve several practices; this says which at a glance.
            "practices": list[JsonValue](sorted({d.practice for d in self.domains})),
            "rank": round(self.rank, 6),
            "duplicate_of": self.duplicate_of,
            "bundle": list(self.bundle),
            "first_seen": dict(self.first_seen),
            "content_commit": self.content_commit,
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

    def same_json(self, other: Catalog) -> bool:
        """`self.to_json() == other.to_json()`, compared part by part, cheapest first, and
        stopping at the first difference: a rescan after any change (a new commit is one)
        need not build either 5 MB document to find out."""
        return (
            len(self.entries) == len(other.entries)
            and len(self.issues) == len(other.issues)
            and [s.to_json() for s in self.sources] == [s.to_json() for s in other.sources]
            and self.counts() == other.counts()
            and all(
                a.to_json() == b.to_json() for a, b in zip(self.issues, other.issues, strict=True)
            )
            and all(
                a.to_json() == b.to_json() for a, b in zip(self.entries, other.entries, strict=True)
            )
        )

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

    def entry_ids(self) -> dict[str, CatalogEntry]:
        return {e.asset.id: e for e in self.entries}
