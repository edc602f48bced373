"""The graph's vocabulary: node and edge types, resolved references, the result record."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from scanner.models import (
    Asset,
    AssetKind,
    EdgeType,
    RawReference,
    RefKind,
    Relationship,
    ScanIssue,
)

log = logging.getLogger("scanner")

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
REFERENCE_FOLDERS = frozenset({"references", "reference", "resources"})
NAMED_KINDS = (AssetKind.AGENT, AssetKind.SKILL)

URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MAX_LISTED = 8  # members named in one message


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


@cache
def _types_of(types: str) -> frozenset[EdgeType]:
    return frozenset(EdgeType(t) for t in types.split(","))


def edge_types(data: Mapping[str, Any]) -> frozenset[EdgeType]:
    """Every type of reference an edge stands for (its `type` is only the strongest)."""
    return _types_of(str(data["types"]))
