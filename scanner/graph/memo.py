"""The graph's structure kept between scans: a rescan whose assets differ only in their bytes
or in text the graph does not read (a body, a description or a heading edit: the same
references, names and paths) reuses the last scan's nodes, edges, relationships, issues, ranks
and bundles instead of resolving every reference again.

The key is everything the structure is built from: every field of every asset but its blob
and size (only the duplicate-content check reads those, and it runs on every scan) and the text
fields the graph never reads (title, description, headings, front matter, handler), each
repository's tracked paths, the repositories that failed to sync, and the whole scanner
package (cache_file.package_digest). One file, `<workdir>/cache/graph.json` (a
scanner.stage_memo); read back as untrusted input: anything not of the exact shape the graph
stage writes is ignored, and the graph is built afresh."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from scanner.cache_file import digest, package_digest
from scanner.models import (
    Asset,
    EdgeType,
    JsonObject,
    JsonValue,
    Relationship,
    ScanIssue,
    Severity,
    Stage,
)
from scanner.stage_memo import StageMemo

log = logging.getLogger("scanner")

MEMO_NAME = "graph"
# Fields the structure is not built from: the blob and its size (read only by the
# duplicate-content check, which runs on every scan), and the text fields nothing in the graph
# stage reads (a test changes them all and gets the same graph). A field added to Asset is
# keyed until it is shown to belong here.
_UNKEYED = ("blob_sha", "size", "title", "description", "headings", "frontmatter", "found_by")
_KEYED = tuple(f.name for f in fields(Asset) if f.name not in _UNKEYED)
# The attributes of every node and edge, in the order the graph stage writes them.
NODE_ATTRS: Mapping[str, type] = {
    "node_type": str,
    "kind": str,
    "repo": str,
    "path": str,
    "name": str,
    "label": str,
    "rank": float,
    "duplicate_of": str,
    "bundle_size": int,
}
EDGE_ATTRS: Mapping[str, type] = {
    "type": str,
    "types": str,
    "status": str,
    "count": int,
    "line": int,
    "raw": str,
}

Attrs = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Structure:
    """The graph stage's result before duplicate content: nodes and edges in the order they
    enter the graph (node attributes with `duplicate_of` empty), and the analyses of them."""

    nodes: tuple[tuple[str, Attrs], ...]
    edges: tuple[tuple[str, str, Attrs], ...]
    relationships: tuple[Relationship, ...]
    issues: tuple[ScanIssue, ...]
    ranks: Mapping[str, float]
    bundles: Mapping[str, tuple[str, ...]]
    repo_stats: Mapping[str, Mapping[str, int]]


def structure_key(
    ordered: Sequence[Asset], repo_files: Mapping[str, frozenset[str]], known: Collection[str]
) -> str:
    files = [f"{repo}\0" + "\0".join(sorted(repo_files[repo])) for repo in sorted(repo_files)]
    assets = repr([tuple(getattr(asset, name) for name in _KEYED) for asset in ordered])
    return digest("graph", package_digest(), repr(sorted(known)), *files, assets)


def structure_json(structure: Structure) -> JsonValue:
    """Flat lists (values in a fixed order, no key names): the file stays small and quick to
    read back, and every value is checked against its type on the way in."""
    return {
        "nodes": [[node, *attrs.values()] for node, attrs in structure.nodes],
        "edges": [[u, v, *attrs.values()] for u, v, attrs in structure.edges],
        "relationships": [
            [r.source, r.target, r.type.value, r.resolved, r.raw, r.line]
            for r in structure.relationships
        ],
        "issues": [
            [i.stage.value, i.severity.value, i.code, i.message, i.repo, i.path, i.line]
            for i in structure.issues
        ],
        "ranks": dict(structure.ranks),
        "bundles": {k: list(v) for k, v in structure.bundles.items()},
        "repo_stats": {k: dict(v) for k, v in structure.repo_stats.items()},
    }


def _typed(item: object, types: Sequence[type]) -> list[Any]:
    """A list of exactly these types (a bool is no int here; 3.0 and 3 print apart)."""
    if not isinstance(item, list) or len(item) != len(types):
        raise ValueError("not of the stored shape")
    if not all(type(v) is t for v, t in zip(item, types, strict=True)):
        raise ValueError("not of the stored shape")
    return item


_NODE = (str, *NODE_ATTRS.values())
_EDGE = (str, str, *EDGE_ATTRS.values())
_RELATIONSHIP = (str, str, str, bool, str, int)
_ISSUE = (str, str, str, str, str, str, int)


def _node(item: object) -> tuple[str, Attrs]:
    node, *values = _typed(item, _NODE)
    return node, dict(zip(NODE_ATTRS, values, strict=True))


def _edge(item: object) -> tuple[str, str, Attrs]:
    u, v, *values = _typed(item, _EDGE)
    return u, v, dict(zip(EDGE_ATTRS, values, strict=True))


def _relationship(item: object) -> Relationship:
    source, target, type_, resolved, raw, line = _typed(item, _RELATIONSHIP)
    return Relationship(source, target, EdgeType(type_), resolved, raw, line)


def _issue(item: object) -> ScanIssue:
    stage, severity, code, message, repo, path, line = _typed(item, _ISSUE)
    return ScanIssue(Stage(stage), Severity(severity), code, message, repo, path, line)


def _mapping(value: object) -> JsonObject:
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(type(v) is str for v in value):
        raise ValueError("not a list of strings")
    return tuple(value)


def _counts(value: object) -> dict[str, int]:
    found = _mapping(value)
    if not all(type(v) is int for v in found.values()):
        raise ValueError("not counts")
    return {k: v for k, v in found.items() if type(v) is int}


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    return value


def structure_from_json(value: JsonValue) -> Structure | None:
    """The stored structure, or None when there is none or it is not of the exact shape."""
    if value is None:
        return None
    try:
        data = _mapping(value)
        ranks = _mapping(data.get("ranks"))
        if not all(type(r) is float for r in ranks.values()):
            raise ValueError("not ranks")
        return Structure(
            nodes=tuple(_node(item) for item in _list(data.get("nodes"))),
            edges=tuple(_edge(item) for item in _list(data.get("edges"))),
            relationships=tuple(_relationship(r) for r in _list(data.get("relationships"))),
            issues=tuple(_issue(i) for i in _list(data.get("issues"))),
            ranks={k: r for k, r in ranks.items() if type(r) is float},
            bundles={k: _strings(v) for k, v in _mapping(data.get("bundles")).items()},
            repo_stats={k: _counts(v) for k, v in _mapping(data.get("repo_stats")).items()},
        )
    except ValueError as err:  # EdgeType, Stage and Severity raise it for an unknown value
        log.warning("graph memo: %s; building the graph afresh", err)
        return None


class GraphMemo:
    """The stored structure for a key, and whether this scan reused it."""

    def __init__(self, memo: StageMemo) -> None:
        self.memo = memo
        self.reused = 0

    @classmethod
    def in_workdir(cls, workdir: Path) -> GraphMemo:
        return cls(StageMemo.in_workdir(workdir, MEMO_NAME))

    def get(self, key: str) -> Structure | None:
        found = structure_from_json(self.memo.get(key))
        self.reused = int(found is not None)
        return found

    def put(self, key: str, structure: Structure) -> None:
        self.memo.put(key, structure_json(structure))

    def save(self) -> None:
        self.memo.save()

    def stats(self) -> dict[str, int]:
        return {"graph_reused": self.reused}
