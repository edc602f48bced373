"""A neighbourhood of the dependency graph as a Mermaid flowchart, which GitHub renders inside
Markdown (in a ```mermaid block).

Node ids are generated (n0, n1, ... in the neighbourhood's walk order, so the asset asked about
is n0): asset ids contain `::`, `/` and `.`, which Mermaid ids cannot. Every label is quoted,
and the characters that would end or confuse a quoted label are written as Mermaid entity
codes. References that lead nowhere are dashed, and so are their targets."""

from __future__ import annotations

from typing import Any

from scanner.graph import Neighbourhood, NodeType
from scanner.ids import asset_id

# Order matters: `#` first, since the other codes start with it.
# A backtick at the start of a label would make it a Markdown string.
_ENTITIES = (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;"))
_UNRESOLVED = frozenset({NodeType.MISSING.value, NodeType.UNKNOWN.value})


def escape_label(text: str) -> str:
    """Text that is safe inside a double-quoted Mermaid label."""
    for char, code in _ENTITIES:
        text = text.replace(char, code)
    return " ".join(text.split())  # a newline would end the statement


def _display(graph: Any, node: str, root_repo: str) -> str:
    data = graph.nodes[node]
    repo, path = str(data.get("repo", "")), str(data.get("path", ""))
    node_type = str(data.get("node_type", ""))
    if node_type == NodeType.FOLDER:
        path = f"{path}/"
    if not repo:
        shown = node  # an unknown skill: its name
    elif repo == root_repo:
        shown = path or repo
    else:
        shown = asset_id(repo, path)
    kind = str(data.get("kind") or "")
    if kind:
        return f"{shown} ({kind})"
    if node_type in _UNRESOLVED:
        return f"{shown} ({node_type})"
    return shown


def to_mermaid(graph: Any, hood: Neighbourhood) -> str:
    """`flowchart LR` text for the neighbourhood, ending with a newline."""
    ids = {node: f"n{i}" for i, node in enumerate(hood.nodes)}
    root_repo = str(graph.nodes[hood.root].get("repo", ""))
    lines = ["flowchart LR"]
    for node in hood.nodes:
        lines.append(f'    {ids[node]}["{escape_label(_display(graph, node, root_repo))}"]')
    for source, target in hood.edges:
        data = graph.edges[source, target]
        types = str(data.get("types") or data.get("type") or "")
        label = escape_label(types.replace(",", ", "))
        arrow = "-->" if data.get("status") == "resolved" else "-.->"
        lines.append(f"    {ids[source]} {arrow}|{label}| {ids[target]}")
    unresolved = [ids[n] for n in hood.nodes if graph.nodes[n].get("node_type") in _UNRESOLVED]
    lines.append("    classDef focus stroke-width:3px")
    lines.append(f"    class {ids[hood.root]} focus")
    if unresolved:
        lines.append("    classDef unresolved stroke-dasharray:5 5")
        lines.append(f"    class {','.join(unresolved)} unresolved")
    return "\n".join(lines) + "\n"
