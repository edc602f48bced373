"""Paths as references write them, and the lookup over assets and tracked files."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from urllib.parse import unquote

from scanner.formats.rules import PLUGIN_MANIFEST
from scanner.graph.model import (
    URL_SCHEME,
    NodeType,
    RefStatus,
    Target,
    repository_node,
)
from scanner.ids import asset_id
from scanner.models import (
    Asset,
    AssetKind,
)
from scanner.paths import ancestors, escapes_root

# --- paths ---------------------------------------------------------------------------------------


def link_path(raw: str) -> str | None:
    """The path part of a Markdown link target, decoded; None when it is not a file reference
    (a URL, `mailto:`, a pure `#anchor`, or empty)."""
    target = raw.strip()
    if not target or target.startswith(("#", "?", "//")) or URL_SCHEME.match(target):
        return None
    target = target.split("#", 1)[0].split("?", 1)[0]
    target = unquote(target).strip()
    return target or None


def mention_path(raw: str) -> str | None:
    """The path in a code span, or None when it names nothing in a repository."""
    text = raw.strip().split("#", 1)[0]
    if not text or text.startswith(("~", "/", "$", "\\")) or "://" in text:
        return None
    if "[" in text or "]" in text:
        return None  # a placeholder: `reports/[name]-YYYY.md`
    if ":" in text.split("/", 1)[0]:
        return None  # `C:`, `host:path`, `npm:x`
    return text


# --- the lookup over assets and tracked files ----------------------------------------------------


class RefIndex:
    """Read-only lookups: which paths exist, which assets have which names."""

    def __init__(
        self,
        assets: Sequence[Asset],
        repo_files: Mapping[str, frozenset[str]],
        known_repos: Collection[str],
    ) -> None:
        self.assets: dict[str, Asset] = {a.id: a for a in assets}
        self.listed = frozenset(repo_files)
        self.repos = frozenset(repo_files) | {a.repo for a in assets} | frozenset(known_repos)
        self.files: dict[str, frozenset[str]] = {}
        self.dirs: dict[str, frozenset[str]] = {}
        asset_paths: dict[str, set[str]] = defaultdict(set)
        for asset in assets:
            asset_paths[asset.repo].add(asset.path)
        for repo in self.repos:
            paths = frozenset(repo_files.get(repo, frozenset())) | asset_paths.get(repo, set())
            self.files[repo] = paths
            dirs: set[str] = set()
            for path in paths:
                folder = posixpath.dirname(path)
                while folder and folder not in dirs:
                    dirs.add(folder)
                    folder = posixpath.dirname(folder)
            self.dirs[repo] = frozenset(dirs)
        self.skills_by_name: dict[str, list[Asset]] = defaultdict(list)
        self.plugins_by_name: dict[str, list[Asset]] = defaultdict(list)
        for asset in assets:
            if asset.kind is AssetKind.SKILL and asset.name:
                self.skills_by_name[asset.name].append(asset)
            elif asset.kind is AssetKind.PLUGIN_MANIFEST and asset.name:
                self.plugins_by_name[asset.name].append(asset)
        self._go_roots: dict[str, list[str]] = {}
        self._go_dirs: dict[str, frozenset[str]] = {}
        self._by_name: dict[str, dict[str, list[str]]] = {}

    # what exists
    def is_file(self, repo: str, path: str) -> bool:
        return path in self.files.get(repo, frozenset())

    def is_dir(self, repo: str, path: str) -> bool:
        return path in self.dirs.get(repo, frozenset())

    def locate(self, repo: str, path: str) -> Target | None:
        """The node a repository path resolves to, or None when nothing is there."""
        if repo not in self.repos or escapes_root(path):
            return None
        if path == "":
            return Target(RefStatus.RESOLVED, repository_node(repo), NodeType.REPOSITORY, repo)
        node = asset_id(repo, path)
        if node in self.assets:
            return Target(RefStatus.RESOLVED, node, NodeType.ASSET, repo, path)
        if self.is_file(repo, path):
            return Target(RefStatus.RESOLVED, node, NodeType.FILE, repo, path)
        if self.is_dir(repo, path):
            for inner in (PLUGIN_MANIFEST, "SKILL.md"):
                inner_id = asset_id(repo, f"{path}/{inner}")
                if inner_id in self.assets:
                    return Target(
                        RefStatus.RESOLVED, inner_id, NodeType.ASSET, repo, f"{path}/{inner}"
                    )
            return Target(
                RefStatus.RESOLVED, asset_id(repo, f"{path}/"), NodeType.FOLDER, repo, path
            )
        return None

    def missing(self, repo: str, path: str) -> Target:
        """The target of a reference to `path` in `repo` that `locate` did not find."""
        if repo in self.listed:
            return Target(RefStatus.BROKEN, asset_id(repo, path), NodeType.MISSING, repo, path)
        return Target(RefStatus.UNKNOWN, asset_id(repo, path), NodeType.UNKNOWN, repo, path)

    def unique_named(self, repo: str, folder: str, name: str) -> Target | None:
        """The only file called `name` at or below `folder`, if there is exactly one."""
        if repo not in self._by_name:
            names: dict[str, list[str]] = defaultdict(list)
            for path in self.files.get(repo, frozenset()):
                names[posixpath.basename(path)].append(path)
            self._by_name[repo] = names
        prefix = f"{folder}/" if folder else ""
        found = [p for p in self._by_name[repo].get(name, ()) if p.startswith(prefix)]
        return self.locate(repo, found[0]) if len(found) == 1 else None

    # enclosing folders
    def enclosing(self, repo: str, folder: str, marker: str) -> str | None:
        """The nearest folder at or above `folder` that holds `marker`."""
        for candidate in ancestors(folder):
            if self.is_file(repo, f"{candidate}/{marker}" if candidate else marker):
                return candidate
        return None

    def plugin_root(self, asset: Asset) -> str | None:
        return self.enclosing(asset.repo, posixpath.dirname(asset.path), PLUGIN_MANIFEST)

    # Go packages
    def go_roots(self, repo: str) -> list[str]:
        if repo not in self._go_roots:
            self._go_roots[repo] = sorted(
                posixpath.dirname(p)
                for p in self.files.get(repo, frozenset())
                if posixpath.basename(p) == "go.mod"
            )
        return self._go_roots[repo]

    def go_package_dirs(self, repo: str) -> frozenset[str]:
        if repo not in self._go_dirs:
            self._go_dirs[repo] = frozenset(
                posixpath.dirname(p) for p in self.files.get(repo, frozenset()) if p.endswith(".go")
            )
        return self._go_dirs[repo]
