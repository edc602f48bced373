"""Ranks (PageRank over references) and bundles (what is copied with an asset)."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from scanner.cache_file import code_digest, digest
from scanner.graph.index import RefIndex
from scanner.graph.model import (
    BUNDLE_TYPES,
    PAGERANK_DAMPING,
    RANK_DIGITS,
    RANK_WEIGHTS,
    NodeType,
    edge_types,
)
from scanner.models import (
    Asset,
    AssetKind,
    EdgeType,
    JsonValue,
)
from scanner.stage_memo import StageMemo


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


def asset_ranks(
    graph: Any, assets: Sequence[Asset], index: RefIndex, memo: StageMemo | None = None
) -> dict[str, float]:
    """PageRank over references between assets. References inside one skill folder (a skill
    and its own reference files) are its internals, not evidence that others rely on it. With
    a `memo`, the last scan's ranks are reused when the nodes and weighted edges are the same."""
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
    nodes = sorted(unit)
    inputs = digest(_code(), repr(nodes), repr(edges)) if memo is not None else ""
    if memo is not None:
        found = memo.get(inputs)
        if (
            isinstance(found, dict)
            and list(found) == nodes
            and all(type(v) is float for v in found.values())
        ):
            return {n: float(r) for n, r in found.items() if isinstance(r, float)}
    ranks = pagerank(nodes, edges)
    result = {n: round(r, RANK_DIGITS) for n, r in sorted(ranks.items())}
    if memo is not None:
        memo.put(inputs, dict[str, JsonValue](result))
    return result


@cache
def _code() -> str:
    """The code PageRank's result depends on (its iteration and the constants it reads)."""
    folder = Path(__file__).parent
    return code_digest([folder / "rank.py", folder / "model.py"])


def asset_bundles(graph: Any, assets: Sequence[Asset]) -> dict[str, tuple[str, ...]]:
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
