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

from scanner.graph.build import build_graph
from scanner.graph.export import (
    Neighbourhood,
    graph_files,
    graph_from_json,
    graph_graphml,
    graph_json,
    load_graph_export,
    neighbourhood,
)
from scanner.graph.index import link_path, mention_path
from scanner.graph.model import (
    GraphResult,
    NodeType,
    RefStatus,
    asset_neighbours,
    edge_types,
)
from scanner.graph.rank import pagerank
from scanner.layout import GRAPH_GRAPHML, GRAPH_JSON

__all__ = [
    "GRAPH_GRAPHML",
    "GRAPH_JSON",
    "GraphResult",
    "Neighbourhood",
    "NodeType",
    "RefStatus",
    "asset_neighbours",
    "build_graph",
    "edge_types",
    "graph_files",
    "graph_from_json",
    "graph_graphml",
    "graph_json",
    "link_path",
    "load_graph_export",
    "mention_path",
    "neighbourhood",
    "pagerank",
]
