"""Building the graph from assets and the tracked files of each repository."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from scanner.graph.checks import (
    broken_reference_issues,
    cross_repo_issues,
    cycle_issues,
    duplicate_content,
    duplicate_name_issues,
    orphan_reference_issues,
)
from scanner.graph.index import RefIndex
from scanner.graph.memo import GraphMemo, Structure, structure_key
from scanner.graph.model import (
    EDGE_OF_REF,
    PLUGIN_DEFAULT_COMPONENTS,
    TYPE_PRIORITY,
    GraphResult,
    NodeType,
    RefStatus,
    ResolvedReference,
    Target,
    repository_node,
)
from scanner.graph.rank import asset_bundles, asset_ranks
from scanner.graph.resolve import resolve_reference
from scanner.ids import path_of
from scanner.models import (
    SCHEMA_VERSION,
    Asset,
    AssetKind,
    EdgeType,
    RawReference,
    RefKind,
    Relationship,
    ScanIssue,
)
from scanner.stage_memo import StageMemo

# --- building ------------------------------------------------------------------------------------


def _implicit_plugin_components(
    index: RefIndex, assets: Sequence[Asset], declared: set[tuple[str, str]]
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
    path = path_of(node)
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
    ranks_memo: StageMemo | None = None,
    memo: GraphMemo | None = None,
) -> GraphResult:
    """Resolve every reference of every asset and analyse the graph they form.

    `repo_files` maps each repository that synced to the paths git tracks in it; `known_repos`
    names the others (they failed to sync): references into them have unknown status. With a
    `memo` (scanner.graph.memo), the last scan's structure is reused when everything it is
    built from is the same; only the duplicate content, which reads the blobs, is found again."""
    ordered = sorted(assets, key=lambda a: a.id)
    key = structure_key(ordered, repo_files, known_repos) if memo is not None else ""
    structure = memo.get(key) if memo is not None else None
    if structure is None:
        structure = _structure(ordered, repo_files, known_repos, ranks_memo)
        if memo is not None:
            memo.put(key, structure)
    duplicate_of, duplicate_issues = duplicate_content(ordered)
    nodes = structure.nodes
    graph = nx.DiGraph(schema_version=SCHEMA_VERSION)
    graph.add_nodes_from(
        (node, {**data, "duplicate_of": duplicate_of[node]} if node in duplicate_of else data)
        for node, data in nodes
    )
    graph.add_edges_from(structure.edges)
    return GraphResult(
        graph=graph,
        relationships=structure.relationships,
        issues=tuple(sorted([*structure.issues, *duplicate_issues], key=ScanIssue.sort_key)),
        ranks=structure.ranks,
        duplicate_of=duplicate_of,
        bundles=structure.bundles,
        repo_stats=structure.repo_stats,
    )


def _structure(
    ordered: Sequence[Asset],
    repo_files: Mapping[str, frozenset[str]],
    known_repos: Collection[str],
    ranks_memo: StageMemo | None,
) -> Structure:
    index = RefIndex(ordered, repo_files, known_repos)

    resolved: list[ResolvedReference] = []
    seen: set[tuple[str, RawReference]] = set()
    for asset in ordered:
        for ref in asset.references:
            if (asset.id, ref) in seen:
                continue
            seen.add((asset.id, ref))
            target = resolve_reference(index, asset, ref)
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

    ranks = asset_ranks(draft, ordered, index, ranks_memo)
    bundles = asset_bundles(draft, ordered)
    issues = broken_reference_issues(resolved)
    issues += cross_repo_issues(index, resolved)
    issues += duplicate_name_issues(ordered)
    issues += cycle_issues(draft)
    issues += orphan_reference_issues(draft, ordered)

    for node_id, rank in ranks.items():
        nodes[node_id]["rank"] = rank
    for node_id, bundle in bundles.items():
        nodes[node_id]["bundle_size"] = len(bundle)
    return Structure(
        nodes=tuple(sorted(nodes.items())),
        edges=tuple((u, v, d) for (u, v), d in sorted(edges.items())),
        relationships=relationships,
        issues=tuple(issues),
        ranks=ranks,
        bundles=bundles,
        repo_stats=stats,
    )
