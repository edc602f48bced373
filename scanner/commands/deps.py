"""`scanner deps ID`: what an asset references (or, with --reverse, what references it), from
the graph the last scan wrote; as text, JSON, or a Mermaid flowchart. Needs no checkout."""

from __future__ import annotations

import sys
from typing import Any

from scanner.config import Config
from scanner.errors import ScannerError
from scanner.escape import visible
from scanner.graph import Neighbourhood, NodeType, load_graph_export, neighbourhood
from scanner.mermaid import to_mermaid
from scanner.models import JsonObject, JsonValue
from scanner.suggest import unknown_asset
from scanner.writer import dump_json

FORMATS = ("text", "json", "mermaid")


def _node_json(graph: Any, node: str, hood: Neighbourhood) -> JsonObject:
    data = graph.nodes[node]
    return {
        "id": node,
        "node_type": data.get("node_type", ""),
        "kind": data.get("kind", ""),
        "name": data.get("name", ""),
        "repo": data.get("repo", ""),
        "path": data.get("path", ""),
        "distance": hood.distance[node],
    }


def _edge_json(graph: Any, source: str, target: str) -> JsonObject:
    data = graph.edges[source, target]
    return {
        "source": source,
        "target": target,
        "type": data.get("type", ""),
        "types": str(data.get("types", "")).split(","),
        "status": data.get("status", ""),
        "line": data.get("line", 0),
        "raw": data.get("raw", ""),
    }


def as_json(graph: Any, hood: Neighbourhood) -> JsonObject:
    return {
        "root": hood.root,
        "reverse": hood.reverse,
        "depth": hood.depth,
        "nodes": list[JsonValue](_node_json(graph, n, hood) for n in hood.nodes),
        "edges": list[JsonValue](_edge_json(graph, s, t) for s, t in hood.edges),
    }


def _describe(graph: Any, node: str) -> str:
    data = graph.nodes[node]
    what = data.get("kind") or data.get("node_type") or ""
    return f"{node} ({what})"


def as_text(graph: Any, hood: Neighbourhood) -> str:
    """An indented tree: each node under the node it was first reached from."""
    arrow = "<-" if hood.reverse else "->"
    lines = [_describe(graph, hood.root)]
    printed = {hood.root}

    def walk(node: str, level: int) -> None:
        if level > hood.depth:
            return
        pairs = [(s, t) for s, t in hood.edges if (t == node if hood.reverse else s == node)]
        for source, target in pairs:
            other = source if hood.reverse else target
            if other == hood.root:
                continue  # back to where the walk started: a cycle, shown once
            data = graph.edges[source, target]
            status = data.get("status", "")
            notes = "" if status == "resolved" else f"  [{status}]"
            line = data.get("line", 0)
            where = f"  line {line}" if line and not hood.reverse else ""
            raw = data.get("raw", "")
            written = f"  `{raw}`" if raw and status != "resolved" else ""
            types = str(data.get("types", data.get("type", ""))).replace(",", "+")
            lines.append(
                f"{'  ' * level}{types} {arrow} {_describe(graph, other)}{where}{written}{notes}"
            )
            first_time = other not in printed and hood.distance.get(other) == level
            printed.add(other)
            if first_time:
                walk(other, level + 1)

    walk(hood.root, 1)
    if len(lines) == 1:
        lines.append("  (nothing)" if not hood.reverse else "  (nothing refers to it)")
    return "\n".join(lines) + "\n"


def run(opts: Config, asset_id: str, *, reverse: bool, depth: int, fmt: str) -> int:
    if fmt not in FORMATS:
        raise ScannerError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    graph, _ = load_graph_export(opts.output)
    if asset_id not in graph or graph.nodes[asset_id].get("node_type") == NodeType.REPOSITORY:
        nodes = [n for n, data in graph.nodes(data=True) if data.get("node_type") == NodeType.ASSET]
        raise unknown_asset(asset_id, set(nodes), f"the graph of {opts.output}")
    hood = neighbourhood(graph, asset_id, reverse=reverse, depth=depth)
    # Paths and names are harvested: a control character is shown, never sent to a terminal.
    if fmt == "mermaid":
        sys.stdout.write(visible(to_mermaid(graph, hood), newlines=True))
    elif fmt == "json" or opts.json:
        sys.stdout.write(dump_json(as_json(graph, hood)))  # JSON escapes control characters
    else:
        sys.stdout.write(visible(as_text(graph, hood), newlines=True))
    return 0
