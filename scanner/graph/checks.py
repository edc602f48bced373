"""Checks over the built graph: broken and cross-repository references, duplicate names and
content, cycles, orphan reference files."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import networkx as nx

from scanner.formats.rules import COMPONENT_MISSING, DUPLICATE_NAME
from scanner.graph.index import RefIndex
from scanner.graph.model import (
    MAX_LISTED,
    NAMED_KINDS,
    POINTING_TYPES,
    REFERENCE_FOLDERS,
    REFERENCE_TYPES,
    NodeType,
    RefStatus,
    ResolvedReference,
    edge_types,
)
from scanner.ids import asset_id, path_of
from scanner.models import (
    Asset,
    AssetKind,
    RefKind,
    ScanIssue,
    Severity,
    Stage,
)

# --- analyses ------------------------------------------------------------------------------------


def _issue(
    severity: Severity, code: str, message: str, repo: str = "", path: str = "", line: int = 0
) -> ScanIssue:
    return ScanIssue(Stage.GRAPH, severity, code, message, repo=repo, path=path, line=line)


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    more = len(items) - MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def _reference_issue(group: list[ResolvedReference]) -> ScanIssue:
    """One issue for every broken reference of one asset to one target, at its first line."""
    first = min(group, key=lambda r: r.ref.line)
    raw, target, line = first.raw, first.target, first.ref.line
    lines = sorted({r.ref.line for r in group if r.ref.line and r.ref.line != line})
    also = f" (also on line{'s' if len(lines) > 1 else ''} {_listed([str(n) for n in lines])})"
    also = also if lines else ""
    where = f"`{asset_id(target.repo, target.path)}`" if target.repo else f"`{target.node}`"
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
        severity, code = Severity.ERROR, COMPONENT_MISSING
        message = f"declares `{raw}`, but {where} does not exist; Claude Code rejects the plugin"
    elif kind is RefKind.IMPORT:
        severity, code = Severity.INFO, "unresolved-import"
        message = f"import `{raw}` names a module of this repository that is not there ({where})"
        message += also
    else:  # a skill's supporting file that is not tracked: discovery and git disagree
        severity, code = Severity.WARNING, "broken-reference"
        message = f"`{raw}` leads nowhere ({where}){also}"
    return _issue(severity, code, message, first.source.repo, first.source.path, line)


def broken_reference_issues(resolved: Sequence[ResolvedReference]) -> list[ScanIssue]:
    groups: dict[tuple[str, RefKind, str, str], list[ResolvedReference]] = defaultdict(list)
    for item in resolved:
        if item.target.status is RefStatus.BROKEN:
            groups[(item.source.id, item.ref.kind, item.raw, item.target.node)].append(item)
    return [_reference_issue(groups[key]) for key in sorted(groups)]


def cross_repo_issues(index: RefIndex, resolved: Sequence[ResolvedReference]) -> list[ScanIssue]:
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


def duplicate_name_issues(assets: Sequence[Asset]) -> list[ScanIssue]:
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
                    DUPLICATE_NAME,
                    f"{kind.value} name `{name}` is also defined by {_listed(others)}; "
                    "plugins installed together collide on it at run time",
                    repo,
                    extra.path,
                )
            )
    return issues


def duplicate_content(assets: Sequence[Asset]) -> tuple[dict[str, str], list[ScanIssue]]:
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


def cycle_issues(graph: Any) -> list[ScanIssue]:
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
        shown = [path_of(m) if len(repos) == 1 else m for m in members]
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


def orphan_reference_issues(graph: Any, assets: Sequence[Asset]) -> list[ScanIssue]:
    """Reference files in a skill's folder that no skill reaches by links or mentions (through
    other files of the same folder): Claude reads supporting files only when pointed at them."""
    by_id = {a.id: a for a in assets}
    reached: set[str] = set()
    for skill in assets:
        if skill.kind is not AssetKind.SKILL:
            continue
        folder = posixpath.dirname(skill.path)
        prefix = asset_id(skill.repo, f"{folder}/" if folder else "")
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
        skill_id = asset_id(asset.repo, skill_path)
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
