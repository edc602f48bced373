"""The report stage: what appeared, changed, moved and vanished since the baseline catalog.

Identity follows ARCHITECTURE.md ("Identity and change"): an asset is `<repo>::<path>`, its
content the git blob SHA. Between the baseline and the current catalog an asset is

- new: its id appeared and nothing moved to it;
- removed: its id vanished and it moved nowhere;
- changed: same id, other content (or another kind);
- moved: its old path vanished and its new path appeared, paired by git's rename detection over
  the history between the two commits (edited moves included) or, failing that, by identical
  content;
- reclassified: same asset (or moved), other practice domains.

A repository that failed to sync is stale: its assets stay in the catalog and are never reported
as removed. A repository that left the manifest is reported with every asset it had.

Everything here is a pure function of two catalog JSON documents (the shape of
`Catalog.to_json()`); a missing field reads as empty. Only `detect_renames` touches git, through
gitops."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from scanner import gitops
from scanner.catalog import ANNOTATION_FIELDS
from scanner.models import Asset, JsonObject, JsonValue, SyncResult
from scanner.writer import dump_json

REPORT_SCHEMA_VERSION = 1
DIFF_JSON = "reports/scan-diff.json"
DIFF_MARKDOWN = "reports/scan-diff.md"

#: GitHub refuses pull-request bodies and comments over 65,536 characters; leave room for the
#: sticky-comment action's marker.
MARKDOWN_BUDGET = 60_000

_FAILED = "failed"
_STALE = "stale"
_NO_DOMAIN = "(no domain)"
_T = TypeVar("_T")


class RepoStatus(StrEnum):
    UNCHANGED = "unchanged"  # same commit
    UPDATED = "updated"  # another commit
    ADDED = "added"  # new in the manifest
    REMOVED = "removed"  # gone from the manifest
    STALE = "stale"  # could not be synced: assets kept from the baseline


class MoveEvidence(StrEnum):
    GIT_RENAME = "git-rename"  # git's rename detection between the two commits
    SAME_CONTENT = "same-content"  # the old path's blob appeared at the new path


# --- reading catalog documents ------------------------------------------------------------------


def _text(data: Mapping[str, JsonValue], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _objects(data: Mapping[str, JsonValue] | None, key: str) -> list[JsonObject]:
    if data is None:
        return []
    value = data.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _domain_labels(raw: Mapping[str, JsonValue]) -> tuple[str, ...]:
    labels = set()
    for item in _objects(raw, "domains"):
        practice, domain = _text(item, "practice"), _text(item, "domain")
        if practice and domain:
            labels.add(f"{practice}/{domain}")
    return tuple(sorted(labels))


@dataclass(frozen=True, slots=True)
class _Record:
    """The fields of one catalog asset entry that the report reads."""

    repo: str
    path: str
    kind: str
    blob_sha: str
    status: str = "active"
    domains: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.repo}::{self.path}"


def _record(raw: Mapping[str, JsonValue]) -> _Record | None:
    repo, path = _text(raw, "repo"), _text(raw, "path")
    if not (repo and path):
        asset_id = _text(raw, "id")
        repo, sep, path = asset_id.partition("::")
        if not (sep and repo and path):
            return None
    return _Record(
        repo=repo,
        path=path,
        kind=_text(raw, "kind"),
        blob_sha=_text(raw, "blob_sha"),
        status=_text(raw, "status") or "active",
        domains=_domain_labels(raw),
    )


def _records(doc: Mapping[str, JsonValue] | None) -> dict[str, dict[str, _Record]]:
    """repo -> id -> record."""
    out: dict[str, dict[str, _Record]] = defaultdict(dict)
    for raw in _objects(doc, "assets"):
        rec = _record(raw)
        if rec is not None:
            out[rec.repo][rec.id] = rec
    return out


@dataclass(frozen=True, slots=True)
class _Source:
    name: str
    url: str
    commit: str
    commit_date: str
    status: str
    reason: str

    @property
    def failed(self) -> bool:
        return self.status == _FAILED


def _sources(doc: Mapping[str, JsonValue] | None) -> dict[str, _Source]:
    out = {}
    for raw in _objects(doc, "sources"):
        name = _text(raw, "name")
        if name:
            out[name] = _Source(
                name=name,
                url=_text(raw, "url"),
                commit=_text(raw, "commit"),
                commit_date=_text(raw, "commit_date"),
                status=_text(raw, "status") or "ok",
                reason=_text(raw, "reason"),
            )
    return out


# --- links ----------------------------------------------------------------------------------------

_GITHUB_RE = re.compile(
    r"^(?:https?://(?:[^/@]*@)?(?:www\.)?github\.com/|ssh://git@github\.com/|git@github\.com:)"
    r"(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)


def github_repository(url: str) -> str:
    """`owner/name` for a github.com repository URL, "" for any other URL."""
    match = _GITHUB_RE.match(url)
    return f"{match.group('owner')}/{match.group('name')}" if match else ""


def blob_url(source_url: str, commit: str, path: str) -> str:
    """A link to a file at a commit on GitHub; "" when the source is not on github.com."""
    repo = github_repository(source_url)
    if not (repo and commit and path):
        return ""
    return f"https://github.com/{repo}/blob/{commit}/{quote(path, safe='/')}"


def compare_url(source_url: str, old: str, new: str) -> str:
    repo = github_repository(source_url)
    if not (repo and old and new) or old == new:
        return ""
    return f"https://github.com/{repo}/compare/{old}...{new}"


# --- the diff -------------------------------------------------------------------------------------


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


def pin_asset_id(pin: str) -> str:
    """The asset id a featured pin names: pins are `<repo>/<path>` in the practice manifests
    (as the seed document cites them); an asset id (`<repo>::<path>`) is taken as it is."""
    if "::" in pin:
        return pin
    repo, _, path = pin.partition("/")
    return f"{repo}::{path}"


def _same_form_as(pin: str, asset_id: str) -> str:
    """`asset_id` written the way `pin` is written."""
    return asset_id if "::" in pin else asset_id.replace("::", "/", 1)


@dataclass(frozen=True, slots=True)
class BrokenPin:
    pin: str  # as the practice manifest writes it
    reason: str
    last_seen: AssetRef | None = None  # where it was in the baseline

    def to_json(self) -> JsonObject:
        return {
            "pin": self.pin,
            "id": pin_asset_id(self.pin),
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
        return _same_form_as(self.pin, self.to)

    @property
    def suggested_edit(self) -> str:
        return f"- {self.pin}\n+ {self.new_pin}"

    def to_json(self) -> JsonObject:
        return {
            "pin": self.pin,
            "from": pin_asset_id(self.pin),
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

    def new_in_practice(self, practice: str) -> int:
        """How many new assets fall in a practice ("K newly discovered in latest scan")."""
        prefix = f"{practice}/"
        return sum(1 for a in self.new if any(d.startswith(prefix) for d in a.domains))

    def to_json(self) -> JsonObject:
        counts: dict[str, JsonValue] = dict(self.counts)
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "has_baseline": self.has_baseline,
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
        }


def newly_discovered(report: Mapping[str, JsonValue] | None, practice: str | None = None) -> int:
    """K of "K newly discovered in latest scan", read from a scan-diff.json: the new assets of
    the last scan that changed the catalog (all of them, or those in `practice`). Read from the
    report, not from a fresh diff, so that a rescan that found nothing (and so left the report
    alone) renders the same K and changes no file."""
    count = 0
    for item in _objects(report, "new"):
        domains = item.get("domains")
        labels = [d for d in domains if isinstance(d, str)] if isinstance(domains, list) else []
        if practice is None or any(d.startswith(f"{practice}/") for d in labels):
            count += 1
    return count


@dataclass(slots=True)
class _Pairing:
    """How one repository's baseline assets map onto its current ones."""

    same: list[tuple[_Record, _Record]] = field(default_factory=list)
    moved: list[tuple[_Record, _Record, MoveEvidence]] = field(default_factory=list)
    gone: list[_Record] = field(default_factory=list)
    appeared: list[_Record] = field(default_factory=list)


def _pair_repo(
    repo: str,
    old: Mapping[str, _Record],
    new: Mapping[str, _Record],
    renames: Mapping[str, str],
) -> _Pairing:
    pairing = _Pairing()
    for asset_id in sorted(old.keys() & new.keys()):
        pairing.same.append((old[asset_id], new[asset_id]))
    gone = {i: old[i] for i in sorted(old.keys() - new.keys())}
    appeared = {i: new[i] for i in sorted(new.keys() - old.keys())}
    # Git's rename detection first: it also pairs moves whose content was edited.
    for old_id, before in list(gone.items()):
        target = renames.get(before.path)
        after = appeared.get(f"{repo}::{target}") if target else None
        if after is not None:
            pairing.moved.append((before, after, MoveEvidence.GIT_RENAME))
            del gone[old_id], appeared[after.id]
    # Then identical content. Several candidates with one blob (copies of a file): prefer the
    # same file name, then path order, so that the pairing is deterministic.
    by_blob: dict[str, list[_Record]] = defaultdict(list)
    for after in appeared.values():
        if after.blob_sha:
            by_blob[after.blob_sha].append(after)
    for same_name_only in (True, False):
        for old_id, before in list(gone.items()):
            candidates = by_blob.get(before.blob_sha) if before.blob_sha else None
            name = posixpath.basename(before.path)
            after = next(
                (
                    c
                    for c in candidates or ()
                    if not same_name_only or posixpath.basename(c.path) == name
                ),
                None,
            )
            if candidates is None or after is None:
                continue
            candidates.remove(after)
            pairing.moved.append((before, after, MoveEvidence.SAME_CONTENT))
            del gone[old_id], appeared[after.id]
    pairing.gone = list(gone.values())
    pairing.appeared = list(appeared.values())
    return pairing


def _ref(rec: _Record, source: _Source | None) -> AssetRef:
    commit = source.commit if source else ""
    return AssetRef(
        repo=rec.repo,
        path=rec.path,
        kind=rec.kind,
        blob_sha=rec.blob_sha,
        commit=commit,
        url=blob_url(source.url if source else "", commit, rec.path),
        domains=rec.domains,
    )


def diff_catalogs(
    baseline: JsonObject | None,
    current: JsonObject,
    renames: Mapping[str, Mapping[str, str]] | None = None,
    pins: Sequence[str] = (),
    *,
    history_unavailable: Collection[str] = (),
) -> ScanDiff:
    """Compare two catalog documents.

    `renames`: repo -> {old path: new path} from `gitops.renames_between` (or `detect_renames`),
    for repositories whose commit changed. `pins`: the featured pins of the practice manifests
    (`<repo>/<path>`, or asset ids). `history_unavailable`: repositories whose history could not
    be searched for renames (their edited moves read as removed + new; the report says so)."""
    renames = renames or {}
    old_sources, new_sources = _sources(baseline), _sources(current)
    old_assets, new_assets = _records(baseline), _records(current)
    names = sorted(set(old_sources) | set(new_sources) | set(old_assets) | set(new_assets))

    repositories: list[RepoChange] = []
    new: list[AssetRef] = []
    removed: list[AssetRef] = []
    changed: list[AssetChange] = []
    moved: list[AssetChange] = []
    reclassified: list[Reclassification] = []

    for name in names:
        old_src, new_src = old_sources.get(name), new_sources.get(name)
        before, after = old_assets.get(name, {}), new_assets.get(name, {})
        # A repository that failed in every earlier scan was never really seen: it is added.
        present_before = bool(before) or (old_src is not None and bool(old_src.commit))
        present_now = new_src is not None or bool(after)
        known = new_src or old_src
        url = known.url if known else ""
        base = RepoChange(
            name=name,
            url=url,
            status=RepoStatus.UNCHANGED,
            old_commit=old_src.commit if old_src else "",
            new_commit=new_src.commit if new_src else "",
            old_commit_date=old_src.commit_date if old_src else "",
            new_commit_date=new_src.commit_date if new_src else "",
            assets_before=len(before),
            assets_after=len(after),
        )
        if not present_now:
            gone = [_ref(r, old_src) for r in before.values()]
            removed += gone
            repositories.append(replace(base, status=RepoStatus.REMOVED, removed=len(gone)))
            continue
        if new_src is not None and new_src.failed:
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

        pairing = _pair_repo(name, before, after, renames.get(name, {}))
        repo_changed = repo_moved = repo_reclassified = 0
        for old_rec, new_rec in pairing.same:
            if (old_rec.blob_sha, old_rec.kind) != (new_rec.blob_sha, new_rec.kind):
                changed.append(AssetChange(_ref(old_rec, old_src), _ref(new_rec, new_src)))
                repo_changed += 1
        for old_rec, new_rec, evidence in pairing.moved:
            moved.append(AssetChange(_ref(old_rec, old_src), _ref(new_rec, new_src), evidence))
            repo_moved += 1
        pairs = [(o, n) for o, n in pairing.same] + [(o, n) for o, n, _ in pairing.moved]
        for old_rec, new_rec in pairs:
            if old_rec.domains != new_rec.domains:
                reclassified.append(
                    Reclassification(
                        asset=_ref(new_rec, new_src),
                        previous_id=old_rec.id,
                        added=tuple(sorted(set(new_rec.domains) - set(old_rec.domains))),
                        removed=tuple(sorted(set(old_rec.domains) - set(new_rec.domains))),
                    )
                )
                repo_reclassified += 1
        new += [_ref(r, new_src) for r in pairing.appeared]
        removed += [_ref(r, old_src) for r in pairing.gone]
        if not present_before:
            status = RepoStatus.ADDED
        elif base.old_commit != base.new_commit:
            status = RepoStatus.UPDATED
        else:
            status = RepoStatus.UNCHANGED
        detection = ""
        if status is RepoStatus.UPDATED:
            git_ok = name in renames and name not in history_unavailable
            detection = "git" if git_ok else "content-only"
        repositories.append(
            replace(
                base,
                status=status,
                rename_detection=detection,
                new=len(pairing.appeared),
                removed=len(pairing.gone),
                changed=repo_changed,
                moved=repo_moved,
                reclassified=repo_reclassified,
            )
        )

    broken, followed = _check_pins(pins, new_assets, moved, removed, repositories)
    return ScanDiff(
        repositories=tuple(repositories),
        new=tuple(sorted(new, key=lambda a: a.id)),
        removed=tuple(sorted(removed, key=lambda a: a.id)),
        changed=tuple(sorted(changed, key=lambda c: c.after.id)),
        moved=tuple(sorted(moved, key=lambda m: m.before.id)),
        reclassified=tuple(sorted(reclassified, key=lambda r: r.asset.id)),
        broken_pins=broken,
        followed_pins=followed,
        catalog_unchanged=baseline is not None and baseline == current,
        has_baseline=baseline is not None,
    )


def _check_pins(
    pins: Sequence[str],
    new_assets: Mapping[str, Mapping[str, _Record]],
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
        asset_id = pin_asset_id(pin)
        repo = asset_id.partition("::")[0]
        if asset_id in new_assets.get(repo, {}):
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


# --- carrying over first_seen and annotations -----------------------------------------------------


def _current_records(assets: Iterable[Asset]) -> dict[str, dict[str, _Record]]:
    out: dict[str, dict[str, _Record]] = defaultdict(dict)
    for asset in assets:
        rec = _Record(asset.repo, asset.path, asset.kind.value, asset.blob_sha)
        out[rec.repo][rec.id] = rec
    return out


def _baseline_origins(
    baseline: JsonObject | None,
    current_assets: Iterable[Asset],
    renames: Mapping[str, Mapping[str, str]] | None,
) -> tuple[dict[str, str], dict[str, JsonObject]]:
    """current id -> the baseline id it continues (same id, or moved from), and the baseline's
    raw entries by id."""
    renames = renames or {}
    raw_by_id = {}
    for raw in _objects(baseline, "assets"):
        rec = _record(raw)
        if rec is not None:
            raw_by_id[rec.id] = raw
    old_assets = _records(baseline)
    new_assets = _current_records(current_assets)
    origins: dict[str, str] = {}
    for repo, after in new_assets.items():
        pairing = _pair_repo(repo, old_assets.get(repo, {}), after, renames.get(repo, {}))
        for old_rec, new_rec in pairing.same:
            origins[new_rec.id] = old_rec.id
        for old_rec, new_rec, _ in pairing.moved:
            origins[new_rec.id] = old_rec.id
    return origins, raw_by_id


def _first_seen_of(raw: Mapping[str, JsonValue]) -> JsonObject | None:
    value = raw.get("first_seen")
    if isinstance(value, dict):
        commit, date = value.get("commit"), value.get("date")
        if isinstance(commit, str) and isinstance(date, str) and commit:
            return {"commit": commit, "date": date}
    return None


def first_seen_for(
    baseline: JsonObject | None,
    current_assets: Iterable[Asset],
    sources: Sequence[SyncResult],
    renames: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, JsonObject]:
    """Asset id -> {"commit", "date"}: when each current asset was first seen.

    Carried over from the baseline (following moves); an asset the baseline has without a
    `first_seen` (a catalog older than the field) gets the baseline's commit of its repository;
    a new asset gets this scan's commit and commit date of its repository."""
    assets = list(current_assets)
    origins, raw_by_id = _baseline_origins(baseline, assets, renames)
    old_sources = _sources(baseline)
    now = {s.name: s for s in sources}
    out: dict[str, JsonObject] = {}
    for asset in sorted(assets, key=lambda a: a.id):
        origin = origins.get(asset.id)
        if origin is not None:
            carried = _first_seen_of(raw_by_id[origin])
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


def annotations_for(
    baseline: JsonObject | None,
    current_assets: Iterable[Asset],
    renames: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, JsonObject]:
    """Asset id -> the ANNOTATION_FIELDS its baseline entry has (following moves), verbatim.
    Assets without annotations are absent."""
    assets = list(current_assets)
    origins, raw_by_id = _baseline_origins(baseline, assets, renames)
    out: dict[str, JsonObject] = {}
    for asset in sorted(assets, key=lambda a: a.id):
        origin = origins.get(asset.id)
        if origin is None:
            continue
        raw = raw_by_id[origin]
        kept = {key: raw[key] for key in ANNOTATION_FIELDS if key in raw}
        if kept:
            out[asset.id] = kept
    return out


# --- rename detection over the checkouts --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenameScan:
    renames: dict[str, dict[str, str]]  # repo -> {old path: new path}
    unavailable: tuple[str, ...]  # repositories whose history could not be searched


def detect_renames(
    baseline: JsonObject | None,
    current: JsonObject,
    workdir: Path,
    *,
    timeout: float = gitops.DEFAULT_HISTORY_TIMEOUT,
) -> RenameScan:
    """Run git's rename detection in `<workdir>/repos/<name>` for every repository that was synced
    in both catalogs at different commits. A repository without a checkout or without one of the
    two commits (history force-pushed away) is listed as unavailable."""
    old_sources, new_sources = _sources(baseline), _sources(current)
    renames: dict[str, dict[str, str]] = {}
    unavailable: list[str] = []
    for name in sorted(old_sources.keys() & new_sources.keys()):
        old, new = old_sources[name], new_sources[name]
        if new.failed or not old.commit or not new.commit or old.commit == new.commit:
            continue
        checkout = gitops.checkout_path(workdir, name)
        if not (
            gitops.commit_exists(checkout, old.commit, timeout=timeout)
            and gitops.commit_exists(checkout, new.commit, timeout=timeout)
        ):
            unavailable.append(name)
            continue
        renames[name] = gitops.renames_between(checkout, old.commit, new.commit, timeout=timeout)
    return RenameScan(renames, tuple(unavailable))


def recorded_moves(report: Mapping[str, JsonValue] | None) -> dict[str, dict[str, str]]:
    """repo -> {old path: new path} from the `moved` list of a scan-diff.json: the moves a scan
    with the checkouts at hand found, reusable as rename hints where there are none (a pull
    request's check has no checkouts)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for move in _objects(report, "moved"):
        before, after = move.get("from"), move.get("to")
        if isinstance(before, dict) and isinstance(after, dict):
            repo = _text(before, "repo")
            if repo and repo == _text(after, "repo"):
                out[repo][_text(before, "path")] = _text(after, "path")
    return dict(out)


# --- Markdown -------------------------------------------------------------------------------------


def _code(text: str) -> str:
    """An inline code span that survives backticks inside `text`."""
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _short(commit: str) -> str:
    return commit[:7] if commit else "?"


def _linked(ref: AssetRef, text: str | None = None) -> str:
    shown = _code(text if text is not None else ref.path)
    return f"[{shown}]({ref.url})" if ref.url else shown


def _commit_range(repo: RepoChange) -> str:
    if repo.status is RepoStatus.REMOVED:
        return f"removed from the manifest (was {_code(_short(repo.old_commit))})"
    if repo.status is RepoStatus.STALE:
        if not repo.old_commit:
            return "**stale**: sync failed (never scanned)"
        return f"**stale**: sync failed (kept {_code(_short(repo.old_commit))})"
    if repo.status is RepoStatus.ADDED:
        return f"added at {_code(_short(repo.new_commit))}"
    if repo.status is RepoStatus.UNCHANGED:
        return f"{_code(_short(repo.new_commit))} (unchanged)"
    text = f"{_short(repo.old_commit)}...{_short(repo.new_commit)}"
    return f"[{_code(text)}]({repo.compare_url})" if repo.compare_url else _code(text)


def _count(n: int) -> str:
    return str(n) if n else "·"


def _summary_lines(diff: ScanDiff) -> list[str]:
    c = diff.counts
    lines = [
        f"**{c['new']} new · {c['changed']} changed · {c['moved']} moved · "
        f"{c['removed']} removed · {c['reclassified']} reclassified** "
        f"({c['assets_before']} → {c['assets_after']} assets in {c['repositories']} repositories)",
        "",
    ]
    if not diff.has_baseline:
        lines += ["No baseline catalog: every asset counts as new.", ""]
    elif not diff.has_changes:
        lines += ["No asset changed since the baseline.", ""]
    lines += [
        "| repository | commits | new | changed | moved | removed | reclassified |",
        "| --- | --- | --: | --: | --: | --: | --: |",
    ]
    for repo in diff.repositories:
        if repo.status is RepoStatus.STALE:
            cells = ["–"] * 5
        else:
            cells = [
                _count(n)
                for n in (repo.new, repo.changed, repo.moved, repo.removed, repo.reclassified)
            ]
        lines.append(f"| {repo.name} | {_commit_range(repo)} | " + " | ".join(cells) + " |")
    totals = [c["new"], c["changed"], c["moved"], c["removed"], c["reclassified"]]
    lines.append("| **total** | | " + " | ".join(f"**{n}**" for n in totals) + " |")
    return [*lines, ""]


def _pin_lines(diff: ScanDiff) -> list[str]:
    lines: list[str] = []
    if diff.broken_pins:
        lines += [
            "> [!CAUTION]",
            f"> **{len(diff.broken_pins)} broken featured pin(s)**: these featured assets are "
            "gone. Fix the practice manifest.",
            ">",
        ]
        for pin in diff.broken_pins:
            seen = (
                f" (last seen [here]({pin.last_seen.url}))"
                if pin.last_seen and (pin.last_seen.url)
                else ""
            )
            lines.append(f"> - {_code(pin.pin)}: {pin.reason}{seen}")
        lines.append("")
    if diff.followed_pins:
        lines += [
            "### Featured pins that moved",
            "",
            "The pins follow their assets; update the practice manifest to the new paths:",
            "",
            "```diff",
        ]
        lines += [pin.suggested_edit for pin in diff.followed_pins]
        lines += ["```", ""]
    return lines


def _stale_lines(diff: ScanDiff) -> list[str]:
    stale = diff.repos_with(RepoStatus.STALE)
    if not stale:
        return []
    lines = [
        "> [!WARNING]",
        "> **Stale repositories**: these could not be synced. Their assets are kept from the "
        "previous scan, marked stale, and are not reported as removed.",
        ">",
    ]
    for repo in stale:
        where = (
            f"{repo.assets_after} assets kept, last scanned at {_code(_short(repo.old_commit))}"
            if repo.old_commit
            else "never scanned"
        )
        lines.append(f"> - **{repo.name}** ({where}): {repo.reason or 'sync failed'}")
    return [*lines, ""]


def _domain_lines(diff: ScanDiff) -> list[str]:
    columns = ("new", "changed", "moved", "removed", "reclassified in", "reclassified out")
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(columns, 0))

    def count(domains: Sequence[str], column: str) -> None:
        for domain in domains or (_NO_DOMAIN,):
            table[domain][column] += 1

    for ref in diff.new:
        count(ref.domains, "new")
    for change in diff.changed:
        count(change.after.domains, "changed")
    for change in diff.moved:
        count(change.after.domains, "moved")
    for ref in diff.removed:
        count(ref.domains, "removed")
    for item in diff.reclassified:
        for domain in item.added:
            table[domain]["reclassified in"] += 1
        for domain in item.removed:
            table[domain]["reclassified out"] += 1
    if not table:
        return []
    lines = [
        "### Changes per domain",
        "",
        "| domain | " + " | ".join(columns) + " |",
        "| --- |" + " --: |" * len(columns),
    ]
    for domain in sorted(table, key=lambda d: (d == _NO_DOMAIN, d)):
        row = table[domain]
        lines.append(f"| {domain} | " + " | ".join(_count(row[c]) for c in columns) + " |")
    return [*lines, ""]


def _capped(items: list[str], cap: int | None) -> list[str]:
    if cap is None or len(items) <= cap:
        return items
    return [*items[:cap], f"- … and {len(items) - cap} more (see scan-diff.json)"]


def _repo_sections(diff: ScanDiff, cap: int | None) -> list[str]:
    new_by = _group(diff.new, lambda a: a.repo)
    removed_by = _group(diff.removed, lambda a: a.repo)
    changed_by = _group(diff.changed, lambda c: c.after.repo)
    moved_by = _group(diff.moved, lambda m: m.after.repo)
    reclassified_by = _group(diff.reclassified, lambda r: r.asset.repo)
    lines: list[str] = []
    for repo in diff.repositories:
        if not repo.asset_changes:
            continue
        parts = [
            f"{n} {label}"
            for n, label in (
                (repo.new, "new"),
                (repo.changed, "changed"),
                (repo.moved, "moved"),
                (repo.removed, "removed"),
                (repo.reclassified, "reclassified"),
            )
            if n
        ]
        summary = f"<b>{repo.name}</b>: {', '.join(parts)}"
        lines += ["<details>", f"<summary>{summary}</summary>", ""]
        lines += [f"Commits: {_commit_range(repo)}", ""]
        if repo.rename_detection == "content-only" and repo.moved + repo.new + repo.removed:
            lines += [
                "_History unavailable: only unedited moves are detected here; an edited move "
                "reads as removed + new._",
                "",
            ]
        sections: list[tuple[str, list[str]]] = [
            ("New", [f"- {_linked(a)} ({a.kind})" for a in new_by.get(repo.name, [])]),
            (
                "Changed",
                [
                    f"- {_linked(c.after)} ({_kind_change(c)}, "
                    f"{_code(c.before.blob_sha[:7])} → {_code(c.after.blob_sha[:7])})"
                    for c in changed_by.get(repo.name, [])
                ],
            ),
            (
                "Moved",
                [
                    f"- {_code(m.before.path)} → {_linked(m.after)} ({m.after.kind}"
                    f"{', edited' if m.edited else ''})"
                    for m in moved_by.get(repo.name, [])
                ],
            ),
            (
                "Removed",
                [f"- {_linked(a)} ({a.kind})" for a in removed_by.get(repo.name, [])],
            ),
            (
                "Reclassified",
                [
                    f"- {_linked(r.asset)}: "
                    + ", ".join([f"+{d}" for d in r.added] + [f"−{d}" for d in r.removed])
                    for r in reclassified_by.get(repo.name, [])
                ],
            ),
        ]
        for title, items in sections:
            if items:
                lines += [f"**{title}**", "", *_capped(items, cap), ""]
        lines += ["</details>", ""]
    return lines


def _kind_change(change: AssetChange) -> str:
    if change.before.kind != change.after.kind:
        return f"{change.before.kind} → {change.after.kind}"
    return change.after.kind


def _group(items: Iterable[_T], key: Callable[[_T], str]) -> dict[str, list[_T]]:
    out: dict[str, list[_T]] = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return out


_HEADER = "<!-- Generated by the ProAgent asset scanner (scanner diff). Do not edit. -->"


def _render(diff: ScanDiff, cap: int | None) -> str:
    lines = [_HEADER, "## Scan diff", ""]
    lines += _pin_lines(diff)
    lines += _summary_lines(diff)
    lines += _stale_lines(diff)
    lines += _domain_lines(diff)
    sections = _repo_sections(diff, cap)
    if sections:
        lines += ["### Per repository", "", *sections]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def render_diff_markdown(diff: ScanDiff, *, budget: int = MARKDOWN_BUDGET) -> str:
    """The report for a pull request body or comment: broken pins first, a summary table, stale
    repositories, changes per domain, then one collapsible section per repository. Lists are
    shortened (the rest is in scan-diff.json) until the text fits `budget` characters."""
    text = _render(diff, None)
    for cap in (200, 100, 50, 20, 10, 5, 0):
        if len(text) <= budget:
            break
        text = _render(diff, cap)
    return text


def diff_files(diff: ScanDiff) -> dict[str, str]:
    """The report files, relative to the output folder."""
    return {
        DIFF_JSON: dump_json(diff.to_json()),
        DIFF_MARKDOWN: render_diff_markdown(diff),
    }


def report_files(diff: ScanDiff) -> dict[str, str]:
    """The report files a scan writes: none when the catalog did not change at all, so that a
    rescan with no upstream change leaves the previous report (and every other file) in place;
    otherwise `diff_files`."""
    return {} if diff.catalog_unchanged else diff_files(diff)
