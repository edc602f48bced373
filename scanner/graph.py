"""The graph stage: every reference between assets resolved into one networkx DiGraph.

Nodes are assets, the repositories that hold them, tracked files and folders that references
reach but that are not assets, and the targets of references that resolve to nothing. Edges
point from the asset that wrote a reference to what it names (one side only: queries walk
predecessors for the other direction) and carry a `type`: links-to, mentions, uses-skill,
contains or imports.

How each kind of reference resolves:
- links-to: a Markdown link, relative to the file (a leading `/` is the repository root, as
  GitHub renders it). URLs, `mailto:` and pure `#anchors` are not file references.
- mentions: a path-like code span, tried relative to the file, to the enclosing skill folder,
  to the enclosing plugin root, to the repository root, then as `<repo>/<path>` in another
  repository (the form the practice documents use). `~/` and `/absolute` paths name the
  user's machine, not a repository, and are skipped.
- uses-skill: an agent's `skills:` entry, by name: the same plugin, then the same repository,
  then a unique match anywhere (`plugin:skill` names the plugin).
- contains: plugin and marketplace manifests to what they declare (and a plugin to the
  components Claude Code loads from its default folders); a skill to the files in its folder.
- imports: code to code in the same repository (Python, JS/TS, Rust, Go); imports of packages
  from outside the repository are not references and make no edge.

A reference into a repository that has no file list (it failed to sync, its assets are stale)
is neither resolved nor broken: its status is "unknown", unless it names a known asset.

The graph is built once and never changed afterwards; every output of it is sorted."""

from __future__ import annotations

import json
import logging
import posixpath
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import networkx as nx

from scanner.errors import ScannerError
from scanner.models import (
    SCHEMA_VERSION,
    Asset,
    AssetKind,
    EdgeType,
    JsonObject,
    JsonValue,
    RawReference,
    RefKind,
    Relationship,
    ScanIssue,
    Severity,
    Stage,
)

log = logging.getLogger("scanner")

GRAPH_JSON = "catalog/graph.json"
GRAPH_GRAPHML = "catalog/graph.graphml"
RANK_DIGITS = 6
PAGERANK_DAMPING = 0.85

EDGE_OF_REF: Mapping[RefKind, EdgeType] = {
    RefKind.LINK: EdgeType.LINKS_TO,
    RefKind.MENTION: EdgeType.MENTIONS,
    RefKind.SKILL: EdgeType.USES_SKILL,
    RefKind.COMPONENT: EdgeType.CONTAINS,
    RefKind.FILE: EdgeType.CONTAINS,
    RefKind.IMPORT: EdgeType.IMPORTS,
}
# When one asset refers to the same target in several ways, the edge shows the strongest.
TYPE_PRIORITY: tuple[EdgeType, ...] = (
    EdgeType.CONTAINS,
    EdgeType.USES_SKILL,
    EdgeType.IMPORTS,
    EdgeType.LINKS_TO,
    EdgeType.MENTIONS,
    EdgeType.DERIVED_FROM,
)
# What an asset "refers to" for ranks and cycles: references written in its content.
REFERENCE_TYPES = frozenset(
    {EdgeType.LINKS_TO, EdgeType.MENTIONS, EdgeType.USES_SKILL, EdgeType.IMPORTS}
)
# How a skill points Claude at a supporting file.
POINTING_TYPES = frozenset({EdgeType.LINKS_TO, EdgeType.MENTIONS})
# Mentions are weaker evidence than links: code spans also hold example paths.
RANK_WEIGHTS: Mapping[EdgeType, float] = {
    EdgeType.LINKS_TO: 1.0,
    EdgeType.USES_SKILL: 1.0,
    EdgeType.IMPORTS: 1.0,
    EdgeType.MENTIONS: 0.5,
}
# What is copied with an asset when it is harvested: followed transitively.
BUNDLE_TYPES = frozenset({EdgeType.CONTAINS, EdgeType.USES_SKILL, EdgeType.IMPORTS})

# Folders Claude Code loads a plugin's components from without the manifest naming them.
PLUGIN_DEFAULT_COMPONENTS: tuple[tuple[str, frozenset[AssetKind]], ...] = (
    ("agents/", frozenset({AssetKind.AGENT})),
    ("commands/", frozenset({AssetKind.COMMAND})),
    ("skills/", frozenset({AssetKind.SKILL})),
    ("hooks/hooks.json", frozenset({AssetKind.HOOK})),
    (".mcp.json", frozenset({AssetKind.MCP_CONFIG})),
)
PLUGIN_MANIFEST = ".claude-plugin/plugin.json"
REFERENCE_FOLDERS = frozenset({"references", "reference", "resources"})
NAMED_KINDS = (AssetKind.AGENT, AssetKind.SKILL)

_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_JS_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json")
# TypeScript written for ES modules imports `./x.js` and means the source `./x.ts`.
_JS_RUNTIME_TO_SOURCE = {
    ".js": (".ts", ".tsx"),
    ".jsx": (".tsx",),
    ".mjs": (".mts",),
    ".cjs": (".cts",),
}
_RUST_ROOT_FILES = ("lib.rs", "main.rs")
_MAX_LISTED = 8  # members named in one message


class NodeType(StrEnum):
    ASSET = "asset"
    FILE = "file"  # a tracked file that is not an asset
    FOLDER = "folder"  # a tracked folder (id ends with "/")
    REPOSITORY = "repository"
    MISSING = "missing"  # the target of a broken reference
    UNKNOWN = "unknown"  # a target in a repository whose files are not known


class RefStatus(StrEnum):
    RESOLVED = "resolved"
    BROKEN = "broken"
    UNKNOWN = "unknown"


def repository_node(repo: str) -> str:
    return f"repo:{repo}"


@dataclass(frozen=True, slots=True)
class Target:
    """Where one reference leads."""

    status: RefStatus
    node: str  # node id: an asset id, `<repo>::<path>`, `<repo>::<dir>/`, `repo:<name>`, or a name
    node_type: NodeType
    repo: str = ""
    path: str = ""


@dataclass(frozen=True, slots=True)
class ResolvedReference:
    """One reference of one asset, with where it leads."""

    source: Asset
    ref: RawReference
    type: EdgeType
    target: Target
    implied: bool = False  # by a plugin's default folders, not written anywhere

    @property
    def raw(self) -> str:
        """As written: a manifest's component path before it was joined to the plugin root."""
        if self.implied:
            return ""
        if self.ref.kind is RefKind.COMPONENT and self.ref.text:
            return self.ref.text
        return self.ref.target

    def relationship(self) -> Relationship:
        return Relationship(
            source=self.source.id,
            target=self.target.node,
            type=self.type,
            resolved=self.target.status is RefStatus.RESOLVED,
            raw=self.raw,
            line=self.ref.line,
        )


# --- paths ---------------------------------------------------------------------------------------


def _join(base: str, rel: str) -> str:
    """`rel` from folder `base`, normalised; "" is the repository root. A result that climbs
    out of the repository keeps its leading `../`."""
    joined = posixpath.normpath(posixpath.join(base, rel)) if base else posixpath.normpath(rel)
    return "" if joined == "." else joined


def _escapes(path: str) -> bool:
    return path == ".." or path.startswith("../")


def _strip_climbs(path: str) -> str:
    while path.startswith("../"):
        path = path[3:]
    return "" if path == ".." else path


def _ancestors(folder: str) -> list[str]:
    """`folder` and every folder above it, up to the root ("")."""
    out = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        out.append(folder)
    return out


def link_path(raw: str) -> str | None:
    """The path part of a Markdown link target, decoded; None when it is not a file reference
    (a URL, `mailto:`, a pure `#anchor`, or empty)."""
    target = raw.strip()
    if not target or target.startswith(("#", "?", "//")) or _URL_SCHEME.match(target):
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


class _Index:
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
        if repo not in self.repos or _escapes(path):
            return None
        if path == "":
            return Target(RefStatus.RESOLVED, repository_node(repo), NodeType.REPOSITORY, repo)
        asset_id = f"{repo}::{path}"
        if asset_id in self.assets:
            return Target(RefStatus.RESOLVED, asset_id, NodeType.ASSET, repo, path)
        if self.is_file(repo, path):
            return Target(RefStatus.RESOLVED, asset_id, NodeType.FILE, repo, path)
        if self.is_dir(repo, path):
            for inner in (PLUGIN_MANIFEST, "SKILL.md"):
                inner_id = f"{repo}::{path}/{inner}"
                if inner_id in self.assets:
                    return Target(
                        RefStatus.RESOLVED, inner_id, NodeType.ASSET, repo, f"{path}/{inner}"
                    )
            return Target(RefStatus.RESOLVED, f"{repo}::{path}/", NodeType.FOLDER, repo, path)
        return None

    def missing(self, repo: str, path: str) -> Target:
        """The target of a reference to `path` in `repo` that `locate` did not find."""
        if repo in self.listed:
            return Target(RefStatus.BROKEN, f"{repo}::{path}", NodeType.MISSING, repo, path)
        return Target(RefStatus.UNKNOWN, f"{repo}::{path}", NodeType.UNKNOWN, repo, path)

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
        for candidate in _ancestors(folder):
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


# --- resolving each kind of reference ------------------------------------------------------------


def _resolve_link(index: _Index, asset: Asset, raw: str) -> Target | None:
    path = link_path(raw)
    if path is None:
        return None
    if path.startswith("/"):
        joined = _join("", path.lstrip("/"))
    else:
        joined = _join(posixpath.dirname(asset.path), path)
    found = index.locate(asset.repo, joined)
    if found is not None:
        return found
    if _escapes(joined):
        # `../../<repo>/<path>`: repositories checked out side by side
        across = _across_repositories(index, _strip_climbs(joined))
        if across is not None:
            return across
    return index.missing(asset.repo, joined)


def _across_repositories(index: _Index, path: str) -> Target | None:
    """`<repo>/<path>`: a path in another repository, named by its first segment."""
    repo, _, rest = path.partition("/")
    if not rest or repo not in index.repos:
        return None
    rest = _join("", rest)
    return index.locate(repo, rest) or index.missing(repo, rest)


def _resolve_mention(index: _Index, asset: Asset, raw: str) -> Target | None:
    text = mention_path(raw)
    if text is None:
        return None
    folder = posixpath.dirname(asset.path)
    bases = [folder]
    for marker in ("SKILL.md", PLUGIN_MANIFEST):
        root = index.enclosing(asset.repo, folder, marker)
        if root is not None and root not in bases:
            bases.append(root)
    if "" not in bases:
        bases.append("")
    for base in bases:
        found = index.locate(asset.repo, _join(base, text))
        if found is not None:
            return found
    if "/" not in text.rstrip("/"):
        # A bare file name: the one file of that name in the skill or plugin, if there is
        # exactly one; otherwise it names a kind of file (`package.json`), not a path.
        for base in bases[1:-1]:
            found = index.unique_named(asset.repo, base, text)
            if found is not None:
                return found
        return None
    across = _across_repositories(index, _strip_climbs(_join("", text)))
    if across is not None and across.status is not RefStatus.BROKEN:
        return across
    # `skills/x/SKILL.md` in a plugin is more likely its own missing skill than a missing
    # file of a repository named `skills`: prefer the folder that exists here.
    first = _join("", text).split("/", 1)[0]
    for base in bases:
        if index.is_dir(asset.repo, _join(base, first)):
            return index.missing(asset.repo, _join(base, text))
    return across or index.missing(asset.repo, _join(folder, text))


def _resolve_skill(index: _Index, asset: Asset, raw: str) -> Target:
    name = raw.strip()
    candidates = index.skills_by_name.get(name, [])
    plugin_name, colon, skill_name = name.partition(":")
    if colon and not candidates:
        plugins = index.plugins_by_name.get(plugin_name, [])
        roots = [posixpath.dirname(posixpath.dirname(p.path)) for p in plugins]
        candidates = [
            s
            for s in index.skills_by_name.get(skill_name, [])
            if any(s.path.startswith(f"{root}/" if root else "") for root in roots)
        ]
    chosen: Asset | None = None
    root = index.plugin_root(asset)
    if root is not None:
        prefix = f"{root}/" if root else ""
        chosen = next(
            (s for s in candidates if s.repo == asset.repo and s.path.startswith(prefix)), None
        )
    if chosen is None:
        chosen = next((s for s in candidates if s.repo == asset.repo), None)
    if chosen is None and len(candidates) == 1:
        chosen = candidates[0]
    if chosen is None:
        return Target(RefStatus.BROKEN, name, NodeType.MISSING)
    return Target(RefStatus.RESOLVED, chosen.id, NodeType.ASSET, chosen.repo, chosen.path)


def _resolve_component(index: _Index, asset: Asset, path: str) -> Target:
    joined = _join("", path)
    return index.locate(asset.repo, joined) or index.missing(asset.repo, joined)


def _resolve_file(index: _Index, asset: Asset, rel: str) -> Target:
    joined = _join(posixpath.dirname(asset.path), rel)
    return index.locate(asset.repo, joined) or index.missing(asset.repo, joined)


def _first_located(index: _Index, repo: str, candidates: Iterable[str]) -> Target | None:
    for candidate in candidates:
        if _escapes(candidate):
            continue
        asset_id = f"{repo}::{candidate}"
        if asset_id in index.assets or index.is_file(repo, candidate):
            return index.locate(repo, candidate)
    return None


def _resolve_python(index: _Index, asset: Asset, module: str) -> Target | None:
    folder = posixpath.dirname(asset.path)
    if module.startswith("."):
        dots = len(module) - len(module.lstrip("."))
        package = folder
        for _ in range(dots - 1):
            package = posixpath.dirname(package)
        rest = module[dots:].replace(".", "/")
        base = _join(package, rest) if rest else package
        candidates = [f"{base}.py", f"{base}/__init__.py"] if rest else [f"{base}/__init__.py"]
        found = _first_located(index, asset.repo, candidates)
        if found is None and index.is_dir(asset.repo, base):
            found = index.locate(asset.repo, base)  # a namespace package
        return found or index.missing(asset.repo, candidates[0])
    if module == "__future__":
        return None
    rel = module.replace(".", "/")
    roots = [*_ancestors(folder), "src"]
    for root in roots:
        base = f"{root}/{rel}" if root else rel
        found = _first_located(index, asset.repo, (f"{base}.py", f"{base}/__init__.py"))
        if found is not None:
            return found
    return None  # a package from outside the repository


def _resolve_javascript(index: _Index, asset: Asset, spec: str) -> Target | None:
    if not spec.startswith(("./", "../")) and spec not in (".", ".."):
        return None  # a package, a `node:` builtin, or a bundler alias
    base = _join(posixpath.dirname(asset.path), spec)
    stem, ext = posixpath.splitext(base)
    candidates = [base]
    candidates += [stem + alt for alt in _JS_RUNTIME_TO_SOURCE.get(ext, ())]
    candidates += [base + e for e in _JS_EXTENSIONS]
    candidates += [f"{base}/index{e}" for e in _JS_EXTENSIONS]
    return _first_located(index, asset.repo, candidates) or index.missing(asset.repo, base)


def _rust_module_dir(path: str) -> str:
    """Where the child modules of the module in file `path` live."""
    folder, name = posixpath.split(path)
    if name in ("mod.rs", *_RUST_ROOT_FILES):
        return folder
    return posixpath.join(folder, name.removesuffix(".rs"))


def _rust_module_files(module_dir: str) -> list[str]:
    """The files that can hold the module whose children live in `module_dir`."""
    out = [f"{module_dir}/{root}" for root in ("mod.rs", *_RUST_ROOT_FILES)]
    if module_dir:
        out.insert(0, f"{module_dir}.rs")
    return out


def _rust_crate_dirs(index: _Index, repo: str) -> dict[str, str]:
    """Crate name (with `_` for `-`) -> its `src` folder, for crates in this repository."""
    crates: dict[str, list[str]] = defaultdict(list)
    for path in index.files.get(repo, frozenset()):
        if posixpath.basename(path) == "Cargo.toml":
            folder = posixpath.dirname(path)
            name = posixpath.basename(folder).replace("-", "_")
            if name:
                crates[name].append(f"{folder}/src" if folder else "src")
    return {name: dirs[0] for name, dirs in crates.items() if len(dirs) == 1}


def _resolve_rust(index: _Index, asset: Asset, module: str) -> Target | None:
    here = _rust_module_dir(asset.path)
    if module.startswith("mod:"):
        name = module[4:]
        candidates = [f"{here}/{name}.rs", f"{here}/{name}/mod.rs"]
        return _first_located(index, asset.repo, candidates) or index.missing(
            asset.repo, candidates[0]
        )
    segments = module.split("::")
    head = segments[0]
    internal = head in ("crate", "self", "super")
    if head == "crate":
        crate = index.enclosing(asset.repo, posixpath.dirname(asset.path), "Cargo.toml")
        if crate is None:
            return None  # not inside a Cargo crate this stage can see
        start = f"{crate}/src" if crate else "src"
        segments = segments[1:]
    elif head in ("self", "super"):
        start = here
        while segments and segments[0] in ("self", "super"):
            if segments[0] == "super":
                start = posixpath.dirname(start)
            segments = segments[1:]
    else:
        crate_dir = _rust_crate_dirs(index, asset.repo).get(head)
        if crate_dir is None:
            return None  # an external crate
        start, segments = crate_dir, segments[1:]
    # `use a::b::C` names module a::b or item b of module a: try the longest first.
    for cut in range(len(segments), -1, -1):
        module_dir = "/".join([start, *segments[:cut]]) if start else "/".join(segments[:cut])
        found = _first_located(index, asset.repo, _rust_module_files(module_dir))
        if found is not None:
            return found
    if not internal:
        return None
    return index.missing(asset.repo, "/".join([start, *segments]) + ".rs")


def _resolve_go(index: _Index, asset: Asset, module: str) -> Target | None:
    """Only packages of this repository: `<host>/<owner>/<repo>/<dir>` where `<dir>` holds Go
    files beside a go.mod (the module path itself is in go.mod, which this stage cannot read)."""
    segments = module.split("/")
    if len(segments) < 4 or "." not in segments[0]:
        return None
    rest = "/".join(segments[3:])
    for root in index.go_roots(asset.repo):
        folder = f"{root}/{rest}" if root else rest
        if folder in index.go_package_dirs(asset.repo):
            return index.locate(asset.repo, folder)
    return None


def _resolve_import(index: _Index, asset: Asset, module: str) -> Target | None:
    language = asset.language
    if language == "python":
        return _resolve_python(index, asset, module)
    if language in ("javascript", "typescript", "tsx"):
        return _resolve_javascript(index, asset, module)
    if language == "rust":
        return _resolve_rust(index, asset, module)
    if language == "go":
        return _resolve_go(index, asset, module)
    return None


def _resolve_reference(index: _Index, asset: Asset, ref: RawReference) -> Target | None:
    """Where `ref` of `asset` leads; None when it is not a reference to a file or asset."""
    if ref.kind is RefKind.LINK:
        return _resolve_link(index, asset, ref.target)
    if ref.kind is RefKind.MENTION:
        return _resolve_mention(index, asset, ref.target)
    if ref.kind is RefKind.SKILL:
        return _resolve_skill(index, asset, ref.target) if ref.target.strip() else None
    if ref.kind is RefKind.COMPONENT:
        return _resolve_component(index, asset, ref.target)
    if ref.kind is RefKind.FILE:
        return _resolve_file(index, asset, ref.target)
    return _resolve_import(index, asset, ref.target)


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphResult:
    graph: Any  # networkx.DiGraph; built once, never changed afterwards
    relationships: tuple[Relationship, ...]  # sorted
    issues: tuple[ScanIssue, ...]  # sorted
    ranks: Mapping[str, float]  # asset id -> PageRank over the reference graph
    duplicate_of: Mapping[str, str]  # asset id -> canonical asset id with the same blob SHA
    bundles: Mapping[str, tuple[str, ...]]  # asset id -> what must be copied with it
    repo_stats: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def per_repo_stats(self) -> dict[str, dict[str, int]]:
        """References written in each repository: resolved, broken, unknown (and by kind)."""
        return {repo: dict(stats) for repo, stats in sorted(self.repo_stats.items())}

    def neighbours(self, asset_id: str) -> tuple[str, ...]:
        """The assets that `asset_id` refers to or that refer to it."""
        return asset_neighbours(self.graph, asset_id)


def asset_neighbours(graph: Any, asset_id: str) -> tuple[str, ...]:
    """The assets linked to or from `asset_id` in a built graph or one loaded from graph.json
    (repositories, plain files and missing targets are not assets)."""
    if asset_id not in graph:
        return ()
    found = set(graph.successors(asset_id)) | set(graph.predecessors(asset_id))
    found.discard(asset_id)
    return tuple(sorted(n for n in found if graph.nodes[n].get("node_type") == NodeType.ASSET))


# --- analyses ------------------------------------------------------------------------------------


def _issue(
    severity: Severity, code: str, message: str, repo: str = "", path: str = "", line: int = 0
) -> ScanIssue:
    return ScanIssue(Stage.GRAPH, severity, code, message, repo=repo, path=path, line=line)


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    more = len(items) - _MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def _reference_issue(group: list[ResolvedReference]) -> ScanIssue:
    """One issue for every broken reference of one asset to one target, at its first line."""
    first = min(group, key=lambda r: r.ref.line)
    raw, target, line = first.raw, first.target, first.ref.line
    lines = sorted({r.ref.line for r in group if r.ref.line and r.ref.line != line})
    also = f" (also on line{'s' if len(lines) > 1 else ''} {_listed([str(n) for n in lines])})"
    also = also if lines else ""
    where = f"`{target.repo}::{target.path}`" if target.repo else f"`{target.node}`"
    kind = first.ref.kind
    if kind is RefKind.LINK:
        severity, code = Severity.WARNING, "broken-link"
        message = f"link to `{raw}` leads nowhere: no tracked file or folder {where}{also}"
    elif kind is RefKind.MENTION:
        severity, code = Severity.INFO, "unresolved-mention"
        message = (
            f"`{raw}` names no tracked file or folder (tried relative to this file, its skill, "
            f"its plugin, the repository root and as <repo>/<path>){also}"
        )
    elif kind is RefKind.SKILL:
        severity, code = Severity.WARNING, "unknown-skill"
        message = (
            f"skill `{raw}` is defined nowhere in the catalog (not in this plugin, this "
            "repository or any other); the agent will run without it"
        )
    elif kind is RefKind.COMPONENT:
        severity, code = Severity.ERROR, "manifest-component-missing"
        message = f"declares `{raw}`, but {where} does not exist; Claude Code rejects the plugin"
    elif kind is RefKind.IMPORT:
        severity, code = Severity.INFO, "unresolved-import"
        message = f"import `{raw}` names a module of this repository that is not there ({where})"
        message += also
    else:  # a skill's supporting file that is not tracked: discovery and git disagree
        severity, code = Severity.WARNING, "broken-reference"
        message = f"`{raw}` leads nowhere ({where}){also}"
    return _issue(severity, code, message, first.source.repo, first.source.path, line)


def _broken_reference_issues(resolved: Sequence[ResolvedReference]) -> list[ScanIssue]:
    groups: dict[tuple[str, RefKind, str, str], list[ResolvedReference]] = defaultdict(list)
    for item in resolved:
        if item.target.status is RefStatus.BROKEN:
            groups[(item.source.id, item.ref.kind, item.raw, item.target.node)].append(item)
    return [_reference_issue(groups[key]) for key in sorted(groups)]


def _cross_repo_issues(index: _Index, resolved: Sequence[ResolvedReference]) -> list[ScanIssue]:
    """Plugin content that points into another repository: whoever installs the plugin does not
    have that repository, so for them the reference is broken even when it resolves here."""
    groups: dict[tuple[str, str], list[ResolvedReference]] = defaultdict(list)
    for item in resolved:
        target = item.target
        if target.status is RefStatus.BROKEN or not target.repo:
            continue
        if target.repo != item.source.repo:
            groups[(item.source.id, target.node)].append(item)
    issues = []
    for key in sorted(groups):
        group = groups[key]
        first = min(group, key=lambda r: r.ref.line)
        if index.plugin_root(first.source) is None:
            continue
        state = "resolves" if first.target.status is RefStatus.RESOLVED else "may resolve"
        issues.append(
            _issue(
                Severity.INFO,
                "cross-repo-reference",
                f"`{first.raw}` {state} to `{first.target.node}` in repository "
                f"`{first.target.repo}`, which users of this plugin do not have",
                first.source.repo,
                first.source.path,
                first.ref.line,
            )
        )
    return issues


def _duplicate_names(assets: Sequence[Asset]) -> list[ScanIssue]:
    """The same agent or skill name defined more than once in one repository."""
    groups: dict[tuple[str, AssetKind, str], list[Asset]] = defaultdict(list)
    for asset in assets:
        if asset.kind in NAMED_KINDS and asset.name:
            groups[(asset.repo, asset.kind, asset.name)].append(asset)
    issues = []
    for (repo, kind, name), group in sorted(groups.items()):
        if len(group) < 2:
            continue
        ordered = sorted(group, key=lambda a: a.path)
        for extra in ordered[1:]:
            others = [a.path for a in ordered if a is not extra]
            issues.append(
                _issue(
                    Severity.WARNING,
                    "duplicate-name",
                    f"{kind.value} name `{name}` is also defined by {_listed(others)}; "
                    "plugins installed together collide on it at run time",
                    repo,
                    extra.path,
                )
            )
    return issues


def _duplicate_content(assets: Sequence[Asset]) -> tuple[dict[str, str], list[ScanIssue]]:
    """Assets with byte-identical content (same blob SHA); the smallest id is canonical.
    Empty files are all identical and say nothing; a symlink is its target, not a copy."""
    groups: dict[str, list[Asset]] = defaultdict(list)
    for asset in assets:
        if asset.size > 0 and asset.blob_sha and not asset.symlink_target:
            groups[asset.blob_sha].append(asset)
    duplicate_of: dict[str, str] = {}
    issues = []
    for group in groups.values():
        if len(group) < 2:
            continue
        ordered = sorted(group, key=lambda a: a.id)
        canonical = ordered[0]
        for copy in ordered[1:]:
            duplicate_of[copy.id] = canonical.id
            where = "in another repository" if copy.repo != canonical.repo else "in this repository"
            count = len(ordered) - 2
            others = f" (and {count} other cop{'ies' if count > 1 else 'y'})" if count else ""
            issues.append(
                _issue(
                    Severity.INFO,
                    "duplicate-content",
                    f"byte-identical to `{canonical.id}` {where}{others}",
                    copy.repo,
                    copy.path,
                )
            )
    return dict(sorted(duplicate_of.items())), issues


@cache
def _types_of(types: str) -> frozenset[EdgeType]:
    return frozenset(EdgeType(t) for t in types.split(","))


def edge_types(data: Mapping[str, Any]) -> frozenset[EdgeType]:
    """Every type of reference an edge stands for (its `type` is only the strongest)."""
    return _types_of(str(data["types"]))


def _reference_graph(graph: Any) -> Any:
    """Assets and files, joined by references written in content (no containment)."""
    keep = {NodeType.ASSET, NodeType.FILE}
    nodes = [n for n, d in graph.nodes(data=True) if d["node_type"] in keep]
    kept = set(nodes)
    out = nx.DiGraph()
    out.add_nodes_from(nodes)
    out.add_edges_from(
        (u, v, {"line": d["line"]})
        for u, v, d in graph.edges(data=True)
        if u in kept and v in kept and REFERENCE_TYPES & edge_types(d)
    )
    return out


def _cycles(graph: Any) -> list[ScanIssue]:
    view = _reference_graph(graph)
    issues = []
    for component in nx.strongly_connected_components(view):
        if len(component) < 2:
            continue
        members = sorted(component)
        anchor = members[0]
        data = graph.nodes[anchor]
        line = min(
            (view.edges[anchor, v]["line"] for v in view.successors(anchor) if v in component),
            default=0,
        )
        repos = {graph.nodes[m]["repo"] for m in members}
        shown = [m.split("::", 1)[1] if len(repos) == 1 else m for m in members]
        issues.append(
            _issue(
                Severity.INFO,
                "reference-cycle",
                f"{len(members)} files refer to each other in a cycle: {_listed(shown)}",
                data["repo"],
                data["path"],
                line,
            )
        )
    return issues


def _in_reference_folder(asset: Asset, skill_dir: str) -> bool:
    rel = asset.path[len(skill_dir) + 1 :] if skill_dir else asset.path
    return rel.split("/", 1)[0] in REFERENCE_FOLDERS


def _orphan_references(graph: Any, assets: Sequence[Asset]) -> list[ScanIssue]:
    """Reference files in a skill's folder that no skill reaches by links or mentions (through
    other files of the same folder): Claude reads supporting files only when pointed at them."""
    by_id = {a.id: a for a in assets}
    reached: set[str] = set()
    for skill in assets:
        if skill.kind is not AssetKind.SKILL:
            continue
        folder = posixpath.dirname(skill.path)
        prefix = f"{skill.repo}::{folder}/" if folder else f"{skill.repo}::"
        stack = [skill.id]
        seen = {skill.id}
        while stack:
            node = stack.pop()
            for nxt in graph.successors(node):
                edge = graph.edges[node, nxt]
                if not POINTING_TYPES & edge_types(edge):
                    continue
                if nxt in seen or not nxt.startswith(prefix) or edge["status"] != "resolved":
                    continue
                seen.add(nxt)
                stack.append(nxt)
        reached |= seen
    issues = []
    for asset in assets:
        skill_path = asset.details.get("skill") if asset.kind is AssetKind.REFERENCE else None
        if not isinstance(skill_path, str):
            continue
        if asset.id in reached or skill_path == asset.path:
            continue
        skill_dir = posixpath.dirname(skill_path)
        if not _in_reference_folder(asset, skill_dir):
            continue
        skill_id = f"{asset.repo}::{skill_path}"
        owner = f"`{skill_path}`" if skill_id in by_id else "its skill"
        issues.append(
            _issue(
                Severity.WARNING,
                "orphan-reference",
                f"no skill links to this reference file; link it from {owner} or remove it",
                asset.repo,
                asset.path,
            )
        )
    return issues


def pagerank(
    nodes: Sequence[str], weighted_edges: Sequence[tuple[str, str, float]]
) -> dict[str, float]:
    """PageRank by power iteration (networkx's own needs scipy, which we do not ship).

    A node with no outgoing weight spreads its rank evenly, as in the standard definition."""
    count = len(nodes)
    if count == 0:
        return {}
    position = {n: i for i, n in enumerate(nodes)}
    out_weight = [0.0] * count
    for source, target, weight in weighted_edges:
        if source != target and weight > 0:
            out_weight[position[source]] += weight
    incoming: list[list[tuple[int, float]]] = [[] for _ in range(count)]
    for source, target, weight in weighted_edges:
        if source != target and weight > 0:
            s = position[source]
            incoming[position[target]].append((s, weight / out_weight[s]))
    dangling = [i for i in range(count) if out_weight[i] == 0.0]
    rank = [1.0 / count] * count
    for _ in range(200):
        base = (1.0 - PAGERANK_DAMPING + PAGERANK_DAMPING * sum(rank[i] for i in dangling)) / count
        new = [
            base + PAGERANK_DAMPING * sum(rank[s] * share for s, share in incoming[i])
            for i in range(count)
        ]
        delta = sum(abs(a - b) for a, b in zip(new, rank, strict=True))
        rank = new
        if delta < 1e-10:  # far below the 6 decimals ranks are rounded to
            break
    return {n: rank[i] for n, i in position.items()}


def _ranks(graph: Any, assets: Sequence[Asset], index: _Index) -> dict[str, float]:
    """PageRank over references between assets. References inside one skill folder (a skill
    and its own reference files) are its internals, not evidence that others rely on it."""
    unit: dict[str, tuple[str, str] | None] = {}
    for asset in assets:
        skill_dir = index.enclosing(asset.repo, posixpath.dirname(asset.path), "SKILL.md")
        unit[asset.id] = (asset.repo, skill_dir) if skill_dir is not None else None
    edges = []
    for source, target, data in graph.edges(data=True):
        if source not in unit or target not in unit or data["status"] != "resolved":
            continue
        if unit[source] is not None and unit[source] == unit[target]:
            continue
        weight = max(RANK_WEIGHTS.get(t, 0.0) for t in edge_types(data))
        edges.append((source, target, weight))
    edges.sort()
    ranks = pagerank(sorted(unit), edges)
    return {n: round(r, RANK_DIGITS) for n, r in sorted(ranks.items())}


def _bundles(graph: Any, assets: Sequence[Asset]) -> dict[str, tuple[str, ...]]:
    """What must be copied with each asset: what it contains, the skills it uses and the code
    it imports (transitively), and the files any of those link to. A marketplace's plugins are
    not part of it: a plugin is harvested on its own."""
    kinds = {a.id: a.kind for a in assets}
    copyable = {NodeType.ASSET, NodeType.FILE, NodeType.FOLDER}

    def node_ok(node: str) -> bool:
        return bool(graph.nodes[node]["node_type"] in copyable)

    out: dict[str, tuple[str, ...]] = {}
    for asset in assets:
        members = {asset.id}
        stack = [asset.id]
        while stack:
            node = stack.pop()
            if kinds.get(node) is AssetKind.MARKETPLACE:
                continue
            for nxt in graph.successors(node):
                edge = graph.edges[node, nxt]
                if nxt in members or edge["status"] != "resolved" or not node_ok(nxt):
                    continue
                if BUNDLE_TYPES & edge_types(edge):
                    members.add(nxt)
                    stack.append(nxt)
        linked = set()
        for node in members:
            if kinds.get(node) is AssetKind.MARKETPLACE:
                continue
            for nxt in graph.successors(node):
                edge = graph.edges[node, nxt]
                if (
                    EdgeType.LINKS_TO in edge_types(edge)
                    and edge["status"] == "resolved"
                    and node_ok(nxt)
                ):
                    linked.add(nxt)
        bundle = (members | linked) - {asset.id}
        if bundle:
            out[asset.id] = tuple(sorted(bundle))
    return out


# --- building ------------------------------------------------------------------------------------


def _implicit_plugin_components(
    index: _Index, assets: Sequence[Asset], declared: set[tuple[str, str]]
) -> list[ResolvedReference]:
    """A plugin contains the agents, commands, skills, hooks and MCP config in its default
    folders: Claude Code loads those whether or not the manifest names them."""
    manifests = {
        (m.repo, posixpath.dirname(posixpath.dirname(m.path))): m
        for m in assets
        if m.kind is AssetKind.PLUGIN_MANIFEST
    }
    out = []
    for asset in assets:
        root = index.plugin_root(asset)  # the nearest plugin: a nested one owns its components
        manifest = manifests.get((asset.repo, root)) if root is not None else None
        if manifest is None or manifest is asset or (manifest.id, asset.id) in declared:
            continue
        rel = asset.path[len(root) + 1 :] if root else asset.path
        if not any(
            (rel.startswith(where) if where.endswith("/") else rel == where) and asset.kind in kinds
            for where, kinds in PLUGIN_DEFAULT_COMPONENTS
        ):
            continue
        target = Target(RefStatus.RESOLVED, asset.id, NodeType.ASSET, asset.repo, asset.path)
        ref = RawReference(RefKind.COMPONENT, asset.path, 0, "")
        out.append(ResolvedReference(manifest, ref, EdgeType.CONTAINS, target, implied=True))
    return out


def _repo_stats(
    resolved: Sequence[ResolvedReference], repos: Iterable[str]
) -> dict[str, dict[str, int]]:
    stats: dict[str, dict[str, int]] = {}
    for repo in sorted(repos):
        stats[repo] = {"references": 0, "cross_repo": 0}
        for each in RefStatus:
            stats[repo][each.value] = 0
    for item in resolved:
        repo_stats = stats[item.source.repo]
        status = item.target.status.value
        repo_stats["references"] += 1
        repo_stats[status] += 1
        key = f"{item.ref.kind.value}_{status}"
        repo_stats[key] = repo_stats.get(key, 0) + 1
        if item.target.repo and item.target.repo != item.source.repo:
            repo_stats["cross_repo"] += 1
    return {repo: dict(sorted(s.items())) for repo, s in sorted(stats.items())}


def _label(node_type: NodeType, node: str, name: str) -> str:
    if name:
        return name
    if node_type is NodeType.REPOSITORY:
        return node.removeprefix("repo:")
    path = node.split("::", 1)[1] if "::" in node else node
    return posixpath.basename(path.rstrip("/")) or path


def _node_attrs(
    node_type: NodeType, node: str, repo: str, path: str, asset: Asset | None = None
) -> dict[str, Any]:
    """The same scalar attributes on every node (GraphML wants scalars and one type per key)."""
    name = asset.name if asset is not None else ""
    return {
        "node_type": node_type.value,
        "kind": asset.kind.value if asset is not None else "",
        "repo": repo,
        "path": path,
        "name": name,
        "label": _label(node_type, node, name),
        "rank": 0.0,
        "duplicate_of": "",
        "bundle_size": 0,
    }


def build_graph(
    assets: Sequence[Asset],
    repo_files: Mapping[str, frozenset[str]],
    *,
    known_repos: Collection[str] = (),
) -> GraphResult:
    """Resolve every reference of every asset and analyse the graph they form.

    `repo_files` maps each repository that synced to the paths git tracks in it; `known_repos`
    names the others (they failed to sync): references into them have unknown status."""
    ordered = sorted(assets, key=lambda a: a.id)
    index = _Index(ordered, repo_files, known_repos)

    resolved: list[ResolvedReference] = []
    seen: set[tuple[str, RawReference]] = set()
    for asset in ordered:
        for ref in asset.references:
            if (asset.id, ref) in seen:
                continue
            seen.add((asset.id, ref))
            target = _resolve_reference(index, asset, ref)
            if target is not None:
                resolved.append(ResolvedReference(asset, ref, EDGE_OF_REF[ref.kind], target))
    declared = {(r.source.id, r.target.node) for r in resolved if r.type is EdgeType.CONTAINS}
    implicit = _implicit_plugin_components(index, ordered, declared)
    stats = _repo_stats(resolved, index.repos)
    resolved += implicit

    relationships = tuple(sorted({r.relationship() for r in resolved}, key=Relationship.sort_key))

    # nodes: repositories, assets, and every target
    nodes: dict[str, dict[str, Any]] = {}
    for repo in sorted(index.repos):
        node = repository_node(repo)
        nodes[node] = _node_attrs(NodeType.REPOSITORY, node, repo, "")
    for asset in ordered:
        nodes[asset.id] = _node_attrs(NodeType.ASSET, asset.id, asset.repo, asset.path, asset)
    for item in resolved:
        target = item.target
        if target.node not in nodes:
            nodes[target.node] = _node_attrs(
                target.node_type, target.node, target.repo, target.path
            )

    # edges: one per (source, target), typed by the strongest reference between them
    grouped: dict[tuple[str, str], list[ResolvedReference]] = defaultdict(list)
    for item in resolved:
        grouped[(item.source.id, item.target.node)].append(item)
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for asset in ordered:
        edges[(repository_node(asset.repo), asset.id)] = {
            "type": EdgeType.CONTAINS.value,
            "types": EdgeType.CONTAINS.value,
            "status": RefStatus.RESOLVED.value,
            "count": 1,
            "line": 0,
            "raw": "",
        }
    for key, group in grouped.items():
        types = {g.type for g in group}
        first = min(group, key=lambda g: (g.ref.line == 0, g.ref.line, g.raw))
        edges[key] = {
            "type": next(t for t in TYPE_PRIORITY if t in types).value,
            "types": ",".join(sorted(t.value for t in types)),
            "status": first.target.status.value,
            "count": len(group),
            "line": first.ref.line,
            "raw": first.raw,
        }

    draft = nx.DiGraph()
    draft.add_nodes_from(sorted(nodes.items()))
    draft.add_edges_from((u, v, d) for (u, v), d in sorted(edges.items()))

    ranks = _ranks(draft, ordered, index)
    duplicate_of, duplicate_issues = _duplicate_content(ordered)
    bundles = _bundles(draft, ordered)
    issues = _broken_reference_issues(resolved)
    issues += _cross_repo_issues(index, resolved)
    issues += _duplicate_names(ordered)
    issues += duplicate_issues
    issues += _cycles(draft)
    issues += _orphan_references(draft, ordered)

    for node_id, rank in ranks.items():
        nodes[node_id]["rank"] = rank
    for node_id, canonical in duplicate_of.items():
        nodes[node_id]["duplicate_of"] = canonical
    for node_id, bundle in bundles.items():
        nodes[node_id]["bundle_size"] = len(bundle)
    graph = nx.DiGraph(schema_version=SCHEMA_VERSION)
    graph.add_nodes_from(sorted(nodes.items()))
    graph.add_edges_from((u, v, d) for (u, v), d in sorted(edges.items()))

    return GraphResult(
        graph=graph,
        relationships=relationships,
        issues=tuple(sorted(issues, key=ScanIssue.sort_key)),
        ranks=ranks,
        duplicate_of=duplicate_of,
        bundles=bundles,
        repo_stats=stats,
    )


# --- exports -------------------------------------------------------------------------------------


def graph_json(result: GraphResult) -> JsonObject:
    """Node-link data (nodes sorted by id, edges by source and target), plus the references
    each repository wrote: resolved, broken and unknown."""
    data: JsonObject = nx.node_link_data(result.graph, edges="edges")
    stats: dict[str, JsonValue] = {}
    for repo, counts in result.per_repo_stats().items():
        stats[repo] = dict[str, JsonValue](counts)
    data["reference_stats"] = stats
    return data


def graph_graphml(result: GraphResult) -> str:
    lines = [
        "<?xml version='1.0' encoding='utf-8'?>",
        "<!-- Generated by `scanner scan`; do not edit. -->",
        *nx.generate_graphml(result.graph, prettyprint=True),
    ]
    return "\n".join(lines) + "\n"


def graph_files(result: GraphResult) -> dict[str, str]:
    """The graph exports, relative to the output folder, for the writer."""
    # Imported here: render imports the catalog stage, which may import this one.
    from scanner.writer import dump_json

    return {GRAPH_JSON: dump_json(graph_json(result)), GRAPH_GRAPHML: graph_graphml(result)}


def graph_from_json(data: Mapping[str, JsonValue]) -> Any:
    """The DiGraph back from graph.json (for `scanner graph` and `scanner deps`)."""
    return nx.node_link_graph(dict(data), directed=True, multigraph=False, edges="edges")


def load_graph_export(output: Path) -> tuple[Any, JsonObject]:
    """The graph a scan wrote under `output`, and the raw JSON; no checkout is needed."""
    path = output / GRAPH_JSON
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ScannerError(f"{path} does not exist: run `scanner scan` first") from err
    except OSError as err:
        raise ScannerError(f"{path}: cannot read the graph: {err.strerror}") from err
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ScannerError(
            f"{path}: not valid JSON (line {err.lineno}); rerun `scanner scan`"
        ) from err
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise ScannerError(f"{path}: not a scanner graph (no `nodes` list); rerun `scanner scan`")
    try:
        graph = graph_from_json(data)
    except (KeyError, TypeError, nx.NetworkXError) as err:
        raise ScannerError(f"{path}: unreadable graph ({err}); rerun `scanner scan`") from err
    return graph, data


# --- queries over a built or loaded graph --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """What `root` reaches within `depth` hops (or what reaches it, when `reverse`)."""

    root: str
    reverse: bool
    depth: int
    nodes: tuple[str, ...]  # root first, then in walk order (by distance, then id)
    edges: tuple[tuple[str, str], ...]  # (source, target) as the graph has them, sorted
    distance: Mapping[str, int]


def neighbourhood(graph: Any, root: str, *, reverse: bool = False, depth: int = 1) -> Neighbourhood:
    """Walk references out of `root` (or into it) up to `depth` hops. Repository membership is
    not a reference and is not walked."""
    if root not in graph:
        raise KeyError(root)
    step = graph.predecessors if reverse else graph.successors
    distance = {root: 0}
    order = [root]
    edges: set[tuple[str, str]] = set()
    frontier = [root]
    for hop in range(1, depth + 1):
        following: list[str] = []
        for node in frontier:
            for other in sorted(step(node)):
                if graph.nodes[other].get("node_type") == NodeType.REPOSITORY:
                    continue
                edges.add((other, node) if reverse else (node, other))
                if other not in distance:
                    distance[other] = hop
                    following.append(other)
        following.sort()
        order += following
        frontier = following
    return Neighbourhood(root, reverse, depth, tuple(order), tuple(sorted(edges)), distance)
