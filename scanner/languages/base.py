"""What a language module declares: its tree-sitter grammars and query, the extensions it
claims, how its imports resolve to files of the repository, and its framework facts as data."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scanner.ids import asset_id
from scanner.models import Asset
from scanner.paths import escapes_root

if TYPE_CHECKING:  # the graph stage calls the resolvers with its index
    from scanner.graph.index import RefIndex
    from scanner.graph.model import Target

ImportResolver = Callable[["RefIndex", Asset, str], "Target | None"]


@dataclass(frozen=True, slots=True)
class Signal:
    """An import prefix (module as written, matched on `/`, `.` or `::` boundaries)."""

    prefix: str
    label: str


def signals(*pairs: tuple[str, str]) -> tuple[Signal, ...]:
    return tuple(Signal(p, label) for p, label in pairs)


@dataclass(frozen=True, slots=True)
class Frameworks:
    """Import prefixes and calls that tell what a source file is (scanner.handlers.code)."""

    imports: tuple[Signal, ...] = ()  # libraries of the stack, labelled
    servers: frozenset[str] = frozenset()  # labels of frameworks that serve requests
    entry_calls: frozenset[str] = frozenset()  # calls that start a service
    mcp_server_imports: tuple[Signal, ...] = ()
    mcp_sdk_roots: tuple[str, ...] = ()  # an SDK root import plus a server call is a server
    mcp_server_calls: frozenset[str] = frozenset()
    agent_sdk_roots: tuple[str, ...] = ()  # the Claude Agent SDK hosts MCP servers in-process
    agent_sdk_server_calls: frozenset[str] = frozenset()
    claude_imports: tuple[Signal, ...] = ()
    package_servers: frozenset[str] = frozenset()  # package.json dependencies that serve


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    name: str
    # language name as parse_code takes it -> grammar loader (TSX is a second TypeScript grammar)
    grammars: Mapping[str, Callable[[], object]]
    query: str  # the query file beside the module, shared by its grammars
    extensions: Mapping[str, str]  # ".ts" -> the grammar's language name
    resolve_import: ImportResolver | None = None
    frameworks: Frameworks = field(default_factory=Frameworks)


def first_located(index: RefIndex, repo: str, candidates: Iterable[str]) -> Target | None:
    """The first candidate path that is an asset or a tracked file, as a graph target."""
    for candidate in candidates:
        if escapes_root(candidate):
            continue
        if asset_id(repo, candidate) in index.assets or index.is_file(repo, candidate):
            return index.locate(repo, candidate)
    return None
