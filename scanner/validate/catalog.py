"""The marketplace checks over a catalog's assets, without the disk."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from scanner.models import (
    Asset,
    AssetKind,
    ScanIssue,
    Stage,
)
from scanner.validate.cross import (
    EntryFacts,
    MarketplaceFacts,
    PluginFacts,
    marketplace_findings,
)

# --- the same checks over a catalog ------------------------------------------------------------


def catalog_issues(
    assets: Iterable[Asset], repo_files: Mapping[str, frozenset[str]]
) -> tuple[ScanIssue, ...]:
    """The cross-file checks over discovered assets, per repository: marketplace entries
    against their plugin.json (folder, manifest, name, version). Declared components that do
    not exist and names defined twice are the graph's checks (`scanner.graph.checks`), which
    see every reference; running them here too reported each problem twice.

    `repo_files` is every tracked path per repository (`Discovery.repo_files`). Per-file checks
    are not repeated: the handlers already ran them. Lines are 0: assets keep no key lines."""
    by_repo: dict[str, list[Asset]] = defaultdict(list)
    for asset in assets:
        by_repo[asset.repo].append(asset)
    issues: list[ScanIssue] = []
    for repo, repo_assets in sorted(by_repo.items()):
        files = repo_files.get(repo, frozenset())
        dirs = _folders_of(files)

        def is_dir(path: str, dirs: frozenset[str] = dirs) -> bool:
            return path in dirs

        plugins = _plugins_from_assets(repo_assets)
        marketplaces = [_marketplace_from_asset(a) for a in repo_assets if _is(a, "marketplace")]
        findings = marketplace_findings(marketplaces, plugins, is_dir)
        # Run beside the graph, over the same assets and tracked files, after discovery.
        issues += [f.to_scan_issue(repo, Stage.GRAPH) for f in findings]
    return tuple(sorted(set(issues), key=ScanIssue.sort_key))


def _is(asset: Asset, kind: str) -> bool:
    return asset.kind.value == kind


def _folders_of(files: Iterable[str]) -> frozenset[str]:
    folders = {""}
    for path in files:
        parent = posixpath.dirname(path)
        while parent and parent not in folders:
            folders.add(parent)
            parent = posixpath.dirname(parent)
    return frozenset(folders)


def _plugins_from_assets(assets: Sequence[Asset]) -> dict[str, PluginFacts]:
    """The plugins of a repository by root, as far as marketplace entries are checked against
    them (their components are the graph's: it owns missing components and name clashes)."""
    out = {}
    for manifest in assets:
        if manifest.kind is not AssetKind.PLUGIN_MANIFEST:
            continue
        root = manifest.details.get("root")
        version = manifest.details.get("version")
        out[root if isinstance(root, str) else ""] = PluginFacts(
            root=root if isinstance(root, str) else "",
            has_manifest=True,
            name=manifest.name,
            version=version if isinstance(version, str) else None,
        )
    return out


def _marketplace_from_asset(asset: Asset) -> MarketplaceFacts:
    entries = []
    plugins = asset.details.get("plugins")
    for entry in plugins if isinstance(plugins, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        source, path, version = entry.get("source"), entry.get("path"), entry.get("version")
        entries.append(
            EntryFacts(
                name=str(entry["name"]),
                source=source if isinstance(source, str) else "",
                local_root=path if isinstance(path, str) else None,
                version=version if isinstance(version, str) else None,
                strict=entry.get("strict") is not False,
            )
        )
    return MarketplaceFacts(asset.path, loaded=True, entries=tuple(entries))
