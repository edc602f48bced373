"""One module per code language (python, javascript, typescript, rust, go), each holding its
tree-sitter grammars and query file, its import resolver and its framework facts as data. This
registry puts them together for the parser (scanner.treesitter), the graph stage's import
resolution and the code handler. A new language is one module here plus its query file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from scanner.languages import go, javascript, python, rust, typescript
from scanner.languages.base import Frameworks, LanguageSpec, Signal
from scanner.models import Asset

if TYPE_CHECKING:
    from scanner.graph.index import RefIndex
    from scanner.graph.model import Target

LANGUAGES: tuple[LanguageSpec, ...] = (
    python.LANGUAGE,
    javascript.LANGUAGE,
    typescript.LANGUAGE,
    rust.LANGUAGE,
    go.LANGUAGE,
)

# language name as parse_code takes it -> (grammar loader, query file)
GRAMMARS: dict[str, tuple[Callable[[], object], str]] = {
    name: (loader, spec.query) for spec in LANGUAGES for name, loader in spec.grammars.items()
}
EXTENSIONS: dict[str, str] = {
    ext: name for spec in LANGUAGES for ext, name in spec.extensions.items()
}
_RESOLVERS = {
    name: spec.resolve_import
    for spec in LANGUAGES
    for name in spec.grammars
    if spec.resolve_import is not None
}


def resolve_import(index: RefIndex, asset: Asset, module: str) -> Target | None:
    """The file or folder of this repository an import of `asset` names, by its language; None
    for a module from outside the repository."""
    resolver = _RESOLVERS.get(asset.language)
    return resolver(index, asset, module) if resolver is not None else None


def _facts(pick: Callable[[Frameworks], Iterable[str]]) -> frozenset[str]:
    return frozenset(item for spec in LANGUAGES for item in pick(spec.frameworks))


def _signals(pick: Callable[[Frameworks], tuple[Signal, ...]]) -> tuple[Signal, ...]:
    return tuple(s for spec in LANGUAGES for s in pick(spec.frameworks))


# Framework facts of every language together: a signal counts whatever language names it (a
# Python file can embed a JavaScript stack's name), and labels come in this table order.
FRAMEWORK_IMPORTS = _signals(lambda f: f.imports)
MCP_SERVER_IMPORTS = _signals(lambda f: f.mcp_server_imports)
CLAUDE_IMPORTS = _signals(lambda f: f.claude_imports)
SERVER_FRAMEWORKS = _facts(lambda f: f.servers)
ENTRY_CALLS = _facts(lambda f: f.entry_calls)
MCP_SDK_ROOTS = tuple(sorted(_facts(lambda f: f.mcp_sdk_roots)))
MCP_SERVER_CALLS = _facts(lambda f: f.mcp_server_calls)
AGENT_SDK_ROOTS = tuple(sorted(_facts(lambda f: f.agent_sdk_roots)))
AGENT_SDK_SERVER_CALLS = _facts(lambda f: f.agent_sdk_server_calls)
PACKAGE_SERVER_DEPS = _facts(lambda f: f.package_servers)
