"""Source code the practices cite: MCP servers, code that talks to Claude, and backend service
entry points, recognised by tree-sitter over imports and calls (never by running anything).
The frameworks, SDKs and entry calls each language's code names are data in
`scanner/languages/<language>.py`.

One handler, three kinds, decided in this order: an MCP server, else a Claude adapter, else a
backend entry point (`code`). A source file with none of these signals is not an asset.
`package.json` files are read as JSON: their dependencies name the stack."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from functools import cache

from scanner import treesitter
from scanner.handlers.base import FileInput, Handler, HandlerResult
from scanner.languages import (
    AGENT_SDK_ROOTS,
    AGENT_SDK_SERVER_CALLS,
    CLAUDE_IMPORTS,
    ENTRY_CALLS,
    FRAMEWORK_IMPORTS,
    MCP_SDK_ROOTS,
    MCP_SERVER_CALLS,
    MCP_SERVER_IMPORTS,
    PACKAGE_SERVER_DEPS,
    SERVER_FRAMEWORKS,
)
from scanner.languages.base import Signal
from scanner.models import (
    AssetKind,
    CodeFacts,
    JsonValue,
    RawReference,
    RefKind,
    ScanIssue,
    Severity,
)

# Claude Code's `--output-format stream-json` is a wire format, not a library: code that parses
# it names it, in a string or a doc comment.
CLAUDE_STREAM_MARKER = "stream-json"


_SEPARATORS = ("/", ".", "::")


def _matches(module: str, prefix: str) -> bool:
    if module == prefix:
        return True
    return any(module.startswith(prefix + sep) for sep in _SEPARATORS)


def _prefixes(module: str) -> set[str]:
    """Every `prefix` for which `_matches(module, prefix)` holds."""
    found = {module}
    for i in range(1, len(module)):
        if module.startswith(_SEPARATORS, i):
            found.add(module[:i])
    return found


@cache
def _signal_index(table: tuple[Signal, ...]) -> dict[str, tuple[int, ...]]:
    """Prefix -> positions of the signals with that prefix in `table`."""
    index: dict[str, list[int]] = {}
    for position, signal in enumerate(table):
        index.setdefault(signal.prefix, []).append(position)
    return {prefix: tuple(positions) for prefix, positions in index.items()}


def _labels(modules: Iterable[str], table: tuple[Signal, ...]) -> list[str]:
    """Labels of the signals the modules match: by module, then in table order."""
    index = _signal_index(table)
    found: list[str] = []
    for module in modules:
        positions = sorted(p for prefix in _prefixes(module) for p in index.get(prefix, ()))
        for position in positions:
            label = table[position].label
            if label not in found:
                found.append(label)
    return found


def _modules(facts: CodeFacts) -> list[str]:
    return [imp.module.removeprefix("node:") for imp in facts.imports]


def classify_code(
    facts: CodeFacts, text: str, path: str
) -> tuple[AssetKind | None, dict[str, JsonValue]]:
    """Decide what a source file is from its imports and calls."""
    modules = _modules(facts)
    calls = {call.name for call in facts.calls}
    frameworks = sorted(set(_labels(modules, FRAMEWORK_IMPORTS)))
    mcp = _labels(modules, MCP_SERVER_IMPORTS)
    sdk_root = any(_matches(m, root) for m in modules for root in MCP_SDK_ROOTS)
    if not mcp and sdk_root and calls & MCP_SERVER_CALLS:
        mcp = ["MCP SDK"]
    agent_sdk = any(_matches(m, root) for m in modules for root in AGENT_SDK_ROOTS)
    if not mcp and agent_sdk and calls & AGENT_SDK_SERVER_CALLS:
        mcp = ["Claude Agent SDK (in-process MCP server)"]
    claude = _labels(modules, CLAUDE_IMPORTS)
    # The marker alone also appears in docs and module lists; a parser names Claude in its path.
    if CLAUDE_STREAM_MARKER in text and "claude" in path.lower():
        claude.append("Claude Code stream-json")
    entry = sorted(calls & ENTRY_CALLS)
    details: dict[str, JsonValue] = {
        "frameworks": list(frameworks),
        "mcp_sdks": list(mcp),
        "claude_sdks": list(claude),
        "entry_calls": list(entry),
    }
    if mcp:
        return AssetKind.MCP_SERVER, details
    if claude:
        return AssetKind.CLAUDE_ADAPTER, details
    if entry and SERVER_FRAMEWORKS.intersection(frameworks):
        return AssetKind.CODE, details
    return None, details


def _describe(kind: AssetKind, language: str, details: dict[str, JsonValue]) -> str:
    def joined(key: str) -> str:
        value = details.get(key)
        return ", ".join(str(v) for v in value) if isinstance(value, list) else ""

    if kind is AssetKind.MCP_SERVER:
        return f"MCP server in {language} ({joined('mcp_sdks')})"
    if kind is AssetKind.CLAUDE_ADAPTER:
        return f"Claude integration in {language} ({joined('claude_sdks')})"
    return f"Backend service in {language} using {joined('frameworks')}"


def written_descriptions(
    kind: AssetKind, language: str, details: Mapping[str, JsonValue]
) -> tuple[str, ...]:
    """The descriptions this handler writes itself for an asset of this kind (a source file's,
    and a package.json's without a description of its own): the scanner's words, not the
    upstream's, which the classifier may leave out (scanner.classify_text.scanner_written)."""
    if kind not in (AssetKind.MCP_SERVER, AssetKind.CLAUDE_ADAPTER, AssetKind.CODE):
        return ()

    def listed(key: str) -> list[str]:
        value = details.get(key)
        return [str(v) for v in value] if isinstance(value, list) else []

    stack = listed("frameworks") + listed("mcp_sdks") + listed("claude_sdks")
    return (_describe(kind, language, dict(details)), _package_description(stack))


def _package_description(stack: Iterable[str]) -> str:
    """What a package.json without a description of its own is described as."""
    return f"Node package: {', '.join(stack)}"


@cache
def _can_be_an_asset() -> re.Pattern[str]:
    """What a source file must contain to be one of the three kinds: an imported module is text
    of the file, and each kind needs an import with one of these prefixes (or the stream-json
    marker). A file with none of them cannot be an asset, so tree-sitter need not read it: most
    source files of the sources are application code and this skips them exactly."""
    servers = [s.prefix for s in FRAMEWORK_IMPORTS if s.label in SERVER_FRAMEWORKS]
    needles = {
        CLAUDE_STREAM_MARKER,
        *(s.prefix for s in MCP_SERVER_IMPORTS),
        *(s.prefix for s in CLAUDE_IMPORTS),
        *MCP_SDK_ROOTS,
        *AGENT_SDK_ROOTS,
        *servers,
    }
    return re.compile("|".join(re.escape(n) for n in sorted(needles)))


def parse_source(fi: FileInput) -> HandlerResult | None:
    language = treesitter.language_for_path(fi.path)
    if language is None or _can_be_an_asset().search(fi.text) is None:
        return None
    facts = treesitter.parse_code(fi.text.encode("utf-8"), language)
    kind, details = classify_code(facts, fi.text, fi.path)
    if kind is None:
        return None
    issues: tuple[ScanIssue, ...] = ()
    if facts.has_errors:
        issues = (fi.issue(Severity.INFO, "code-parse-errors", f"{language} parse had errors"),)
    details["language"] = language
    refs = tuple(RawReference(RefKind.IMPORT, imp.module, imp.line) for imp in facts.imports)
    asset = fi.asset(
        kind,
        HANDLER_ID,
        language,
        name=posixpath.basename(fi.path),
        description=_describe(kind, language, details),
        references=refs,
        details=details,
    )
    return HandlerResult(asset, issues)


def parse_package_json(fi: FileInput) -> HandlerResult | None:
    parsed = fi.json
    if not parsed.ok or not isinstance(parsed.data, dict):
        return None
    data = parsed.data
    deps: list[str] = []
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        section = data.get(key)
        if isinstance(section, dict):
            deps += sorted(section)
    frameworks = sorted(set(_labels(deps, FRAMEWORK_IMPORTS)))
    mcp = _labels(deps, MCP_SERVER_IMPORTS) or (
        ["MCP TypeScript SDK"] if "@modelcontextprotocol/sdk" in deps else []
    )
    claude = _labels(deps, CLAUDE_IMPORTS)
    if not (PACKAGE_SERVER_DEPS.intersection(frameworks) or mcp or claude):
        return None
    name = data.get("name")
    description = data.get("description")
    details: dict[str, JsonValue] = {
        "frameworks": list(frameworks),
        "mcp_sdks": list(mcp),
        "claude_sdks": list(claude),
        "dependencies": list(deps),
        "language": "json",
    }
    asset = fi.asset(
        AssetKind.CODE,
        HANDLER_ID,
        "json",
        name=name if isinstance(name, str) else posixpath.basename(fi.dir),
        description=description
        if isinstance(description, str)
        else _package_description(frameworks + mcp + claude),
        details=details,
    )
    return HandlerResult(asset, ())


def parse(fi: FileInput) -> HandlerResult | None:
    if fi.filename == "package.json":
        return parse_package_json(fi)
    return parse_source(fi)


HANDLER_ID = "code"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.CODE,
    patterns=(
        "**/*.py",
        "**/*.js",
        "**/*.mjs",
        "**/*.cjs",
        "**/*.jsx",
        "**/*.ts",
        "**/*.mts",
        "**/*.tsx",
        "**/*.rs",
        "**/*.go",
        "**/package.json",
    ),
    description="MCP servers, Claude adapters and backend entry points in Python, JS/TS, Rust, Go",
    parse=parse,
    exclude=(
        "**/node_modules/**",
        "**/vendor/**",
        "**/dist/**",
        "**/build/**",
        "**/*.min.js",
        "**/*.d.ts",
        # Tests exercise servers and clients; they are not what a plugin cites.
        "**/tests/**",
        "**/test/**",
        "**/__tests__/**",
        "**/test_*.py",
        "**/*_test.py",
        "**/*_test.go",
        "**/*.test.*",
        "**/*.spec.*",
    ),
)
