"""`scanner graph`: a summary of the dependency graph the last scan wrote (output/catalog/
graph.json): nodes and edges by type, references per repository (resolved, broken, unknown),
the broken ones with file and line, and duplicates. Needs no checkout."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from typing import Any

from rich.console import Console
from rich.table import Table

from scanner.config import Config
from scanner.escape import console as escape
from scanner.graph import NodeType, RefStatus, load_graph_export
from scanner.ids import asset_id, path_of
from scanner.models import JsonObject, JsonValue
from scanner.writer import dump_json

NAMED_KINDS = ("agent", "skill")
BROKEN_SHOWN = 40  # in the text output; --json lists every one


def _edge_type_counts(graph: Any) -> tuple[dict[str, int], int]:
    """Edges by type (an edge that stands for several types of reference counts once for
    each), and the repository membership edges apart."""
    counts: Counter[str] = Counter()
    membership = 0
    for source, _, data in graph.edges(data=True):
        if graph.nodes[source].get("node_type") == NodeType.REPOSITORY:
            membership += 1
            continue
        for edge_type in str(data.get("types", data.get("type", ""))).split(","):
            counts[edge_type] += 1
    return dict(sorted(counts.items())), membership


def broken_references(graph: Any) -> list[JsonObject]:
    out: list[JsonObject] = []
    for source, target, data in graph.edges(data=True):
        if data.get("status") != RefStatus.BROKEN:
            continue
        node = graph.nodes[source]
        out.append(
            {
                "repo": node.get("repo", ""),
                "path": node.get("path", ""),
                "line": data.get("line", 0),
                "type": data.get("type", ""),
                "raw": data.get("raw", ""),
                "target": target,
                "count": data.get("count", 1),
            }
        )
    out.sort(key=lambda b: (str(b["repo"]), str(b["path"]), _int(b["line"]), str(b["raw"])))
    return out


def _int(value: JsonValue) -> int:
    return value if isinstance(value, int) else 0


def duplicate_content(graph: Any) -> list[JsonObject]:
    groups: dict[str, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        canonical = data.get("duplicate_of")
        if canonical:
            groups[str(canonical)].append(node)
    return [
        {"canonical": canonical, "copies": list[JsonValue](sorted(copies))}
        for canonical, copies in sorted(groups.items())
    ]


def duplicate_names(graph: Any) -> list[JsonObject]:
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data.get("node_type") == NodeType.ASSET and data.get("kind") in NAMED_KINDS:
            name = str(data.get("name") or "")
            if name:
                groups[(str(data.get("repo")), str(data.get("kind")), name)].append(node)
    return [
        {"repo": repo, "kind": kind, "name": name, "assets": list[JsonValue](sorted(ids))}
        for (repo, kind, name), ids in sorted(groups.items())
        if len(ids) > 1
    ]


def summary(graph: Any, data: JsonObject) -> JsonObject:
    nodes = Counter(str(d.get("node_type", "")) for _, d in graph.nodes(data=True))
    kinds = Counter(
        str(d.get("kind", ""))
        for _, d in graph.nodes(data=True)
        if d.get("node_type") == NodeType.ASSET
    )
    edges, membership = _edge_type_counts(graph)
    stats = data.get("reference_stats")
    return {
        "nodes": dict(sorted(nodes.items())),
        "assets": dict(sorted(kinds.items())),
        "edges": dict[str, JsonValue](edges),
        "repository_membership_edges": membership,
        "references": stats if isinstance(stats, dict) else {},
        "broken": list[JsonValue](broken_references(graph)),
        "duplicate_content": list[JsonValue](duplicate_content(graph)),
        "duplicate_names": list[JsonValue](duplicate_names(graph)),
    }


def _print_counts(out: Console, title: str, counts: JsonValue) -> None:
    table = Table(title=title)
    table.add_column("type")
    table.add_column("count", justify="right")
    for key, value in (counts if isinstance(counts, dict) else {}).items():
        table.add_row(escape(key), str(value))
    out.print(table)


def _print_references(out: Console, stats: JsonValue) -> None:
    table = Table(title="References per repository")
    for column in ("repository", "references", "resolved", "broken", "unknown", "cross-repo"):
        table.add_column(column, justify="left" if column == "repository" else "right")
    table.add_column("broken by kind")
    for repo, counts in (stats if isinstance(stats, dict) else {}).items():
        if not isinstance(counts, dict):
            continue
        by_kind = ", ".join(
            f"{key.removesuffix('_broken')} {value}"
            for key, value in counts.items()
            if key.endswith("_broken") and value
        )
        table.add_row(
            escape(repo),
            *(
                str(counts.get(k, 0))
                for k in ("references", "resolved", "broken", "unknown", "cross_repo")
            ),
            by_kind,
        )
    out.print(table)


def print_summary(out: Console, result: JsonObject) -> None:
    _print_counts(out, "Nodes", result["nodes"])
    _print_counts(out, "Assets", result["assets"])
    _print_counts(out, "Edges (references of each type)", result["edges"])
    out.print(f"repository membership edges: {result['repository_membership_edges']}")
    _print_references(out, result["references"])
    broken = result["broken"]
    broken_list = broken if isinstance(broken, list) else []
    mentions = [b for b in broken_list if isinstance(b, dict) and b.get("type") == "mentions"]
    others = [b for b in broken_list if isinstance(b, dict) and b.get("type") != "mentions"]
    out.print(
        f"broken references: {len(broken_list)}, of which {len(mentions)} code-span mentions "
        "(often example paths; --json lists them)"
    )
    for item in others[:BROKEN_SHOWN]:
        if isinstance(item, dict):
            out.print(
                escape(
                    f"  {asset_id(str(item['repo']), str(item['path']))}:{item['line']}  "
                    f"{item['type']} `{item['raw']}` -> {item['target']}"
                ),
                highlight=False,
            )
    if len(others) > BROKEN_SHOWN:
        out.print(f"  ... and {len(others) - BROKEN_SHOWN} more (--json lists them all)")
    dups = result["duplicate_content"]
    dup_list = dups if isinstance(dups, list) else []
    copies = sum(len(_list(d, "copies")) for d in dup_list if isinstance(d, dict))
    out.print(f"byte-identical copies: {copies}")
    for group in dup_list:
        if isinstance(group, dict):
            shown = ", ".join(str(c) for c in _list(group, "copies"))
            out.print(escape(f"  {group['canonical']} = {shown}"), highlight=False)
    names = result["duplicate_names"]
    name_list = names if isinstance(names, list) else []
    out.print(f"agent and skill names defined more than once: {len(name_list)}")
    for group in name_list:
        if isinstance(group, dict):
            ids = ", ".join(path_of(str(a)) for a in _list(group, "assets"))
            out.print(
                escape(f"  {group['repo']} {group['kind']} `{group['name']}`: {ids}"),
                highlight=False,
            )


def _list(data: JsonObject, key: str) -> list[JsonValue]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def stdout_console() -> Console:
    """Tables for a person; in a pipe or a log, wide enough that ids are not wrapped."""
    console = Console()
    return console if console.is_terminal else Console(width=200)


def run(opts: Config) -> int:
    graph, data = load_graph_export(opts.output)
    result = summary(graph, data)
    if opts.json:
        sys.stdout.write(dump_json(result))
        return 0
    print_summary(stdout_console(), result)
    return 0
