"""The cross-file checks over a catalog's assets, without the disk."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from scanner.models import (
    Asset,
    AssetKind,
    RefKind,
    ScanIssue,
    Severity,
)
from scanner.validate.cross import (
    ComponentFacts,
    EntryFacts,
    MarketplaceFacts,
    PluginFacts,
    cross_file_findings,
)
from scanner.validate.records import ValidationFinding, join_rel

# --- the same checks over a catalog ------------------------------------------------------------


def catalog_issues(
    assets: Iterable[Asset], repo_files: Mapping[str, frozenset[str]]
) -> tuple[ScanIssue, ...]:
    """The cross-file checks over discovered assets, per repository: declared components that
    do not exist, marketplace entries against their plugin.json (folder, manifest, name,
    version), and skill or agent names shipped twice by the plugins of one marketplace.

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

        def exists(path: str, files: frozenset[str] = files, dirs: frozenset[str] = dirs) -> bool:
            return path in files or path in dirs

        findings = _declared_components_in_catalog(repo_assets, exists)
        plugins = _plugins_from_assets(repo_assets)
        marketplaces = [_marketplace_from_asset(a) for a in repo_assets if _is(a, "marketplace")]
        findings += cross_file_findings(marketplaces, plugins, is_dir)
        issues += [f.to_scan_issue(repo) for f in findings]
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


def _declared_components_in_catalog(
    assets: Sequence[Asset], exists: Callable[[str], bool]
) -> list[ValidationFinding]:
    out = []
    for asset in assets:
        if asset.kind is not AssetKind.PLUGIN_MANIFEST:
            continue
        for ref in asset.references:
            if ref.kind is not RefKind.COMPONENT or not ref.text.startswith("./"):
                continue  # paths that climb out or lack ./ are reported by the handler
            if ref.target.startswith("../") or ref.target == "..":
                continue
            if not exists(ref.target):
                out.append(
                    ValidationFinding(
                        asset.path,
                        ref.line,
                        Severity.ERROR,
                        "component-missing",
                        f"declared component {ref.text!r} does not exist; Claude Code rejects "
                        "the plugin",
                    )
                )
    return out


def _plugins_from_assets(assets: Sequence[Asset]) -> dict[str, PluginFacts]:
    manifests = [a for a in assets if a.kind is AssetKind.PLUGIN_MANIFEST]
    roots: dict[str, Asset] = {}
    for manifest in manifests:
        root = manifest.details.get("root")
        roots[root if isinstance(root, str) else ""] = manifest
    components: dict[str, list[ComponentFacts]] = defaultdict(list)
    ordered = sorted(roots, key=len, reverse=True)  # the innermost plugin owns a file
    for asset in assets:
        if asset.kind not in (AssetKind.SKILL, AssetKind.AGENT):
            continue
        for root in ordered:
            if root and not asset.path.startswith(f"{root}/"):
                continue
            rel = asset.path[len(root) + 1 :] if root else asset.path
            kind = "skill" if asset.kind is AssetKind.SKILL else "agent"
            if _is_component(rel, kind, _declared(roots[root], f"{kind}s")):
                components[root].append(ComponentFacts(kind, asset.name, asset.path))
            break
    out = {}
    for root, manifest in roots.items():
        version = manifest.details.get("version")
        out[root] = PluginFacts(
            root=root,
            has_manifest=True,
            name=manifest.name,
            version=version if isinstance(version, str) else None,
            components=tuple(sorted(components[root], key=lambda c: c.file)),
        )
    return out


def _declared(manifest: Asset, key: str) -> list[str]:
    declared = manifest.details.get("declared")
    paths = declared.get(key) if isinstance(declared, dict) else None
    return [join_rel("", p) for p in paths if isinstance(p, str)] if isinstance(paths, list) else []


def _is_component(rel: str, kind: str, declared: Sequence[str]) -> bool:
    parts = rel.split("/")
    if kind == "skill":
        if len(parts) == 3 and parts[0] == "skills" and parts[2] == "SKILL.md":
            return True
        return any(rel == f"{d}/SKILL.md" or rel.startswith(f"{d}/") for d in declared)
    if parts[0] == "agents" and len(parts) > 1:
        return True
    return any(rel == d or rel.startswith(f"{d}/") for d in declared)


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
