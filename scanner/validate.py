"""Validation of plugin folders and marketplaces against the Claude Code formats (FORMATS.md).

`validate_path` reads a folder on disk (one of our generated plugins, or a harvested checkout):
per-file checks come from `scanner.formats`, and this module adds what needs several files
(declared components that exist, marketplace entries against their plugin.json, the same skill
or agent name in several plugins). The cross-file checks are pure functions over small facts
records, so `catalog_issues` runs them over a catalog's assets too, without the disk.

Reading is bounded like discovery: symlinks are never followed out of PATH, files are capped at
2 MiB, bytes are decoded like the resolver does, YAML and JSON go through `scanner.structured`."""

from __future__ import annotations

import logging
import os
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote

from scanner import formats
from scanner.errors import ScannerError
from scanner.formats import Finding, Pointer
from scanner.models import (
    Asset,
    AssetKind,
    JsonObject,
    JsonValue,
    MarkdownDoc,
    RefKind,
    ScanIssue,
    Severity,
    Stage,
)
from scanner.resolver import decode_text
from scanner.structured import parse_json, parse_yaml
from scanner.treesitter import parse_markdown

log = logging.getLogger("scanner")

MAX_FILE_BYTES = 2 * 1024 * 1024
SKIP_DIRS = frozenset({".git", "node_modules"})
# Markdown that lives in component folders without being a component (as discovery sees it)
DOC_FILES = frozenset({"README.md", "CHANGELOG.md", "LICENSE.md"})
PLUGIN_MANIFEST = ".claude-plugin/plugin.json"
MARKETPLACE_MANIFEST = ".claude-plugin/marketplace.json"
# A marketplace.json beside .claude-plugin/ is a copy Claude Code never reads; its versions
# still drift (provectus-marketplace keeps one).
STRAY_MARKETPLACE = "marketplace.json"
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LOOKS_LIKE_HOST = re.compile(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|io|dev|net|ai)(/|$)")


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValidationFinding:
    """One problem: `file` is relative to the validated folder (POSIX), `line` 1-based or 0."""

    file: str
    line: int
    severity: Severity
    code: str
    message: str

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, _SEVERITY_ORDER[self.severity], self.code, self.message)

    def to_json(self) -> JsonObject:
        return {
            "file": self.file,
            "line": self.line,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }

    def to_scan_issue(self, repo: str, stage: Stage = Stage.DISCOVER) -> ScanIssue:
        return ScanIssue(
            stage, self.severity, self.code, self.message, repo=repo, path=self.file, line=self.line
        )


@dataclass(frozen=True, slots=True)
class ValidationReport:
    root: str  # the folder validated, as given
    strict: bool
    findings: tuple[ValidationFinding, ...]  # sorted, no duplicates
    plugins: tuple[str, ...]  # plugin folders validated, relative to root ("" is root itself)
    marketplaces: tuple[str, ...]  # marketplace files validated
    files_checked: int

    def of(self, severity: Severity) -> tuple[ValidationFinding, ...]:
        return tuple(f for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> tuple[ValidationFinding, ...]:
        return self.of(Severity.ERROR)

    @property
    def warnings(self) -> tuple[ValidationFinding, ...]:
        return self.of(Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> JsonObject:
        by_code = Counter(f.code for f in self.findings)
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "info": len(self.of(Severity.INFO)),
            "by_code": dict(sorted(by_code.items())),
            "plugins": len(self.plugins),
            "marketplaces": len(self.marketplaces),
            "files_checked": self.files_checked,
        }

    def to_json(self) -> JsonObject:
        return {
            "root": self.root,
            "strict": self.strict,
            "findings": [f.to_json() for f in self.findings],
            "counts": self.counts(),
            "plugins": list(self.plugins),
            "marketplaces": list(self.marketplaces),
        }


# --- facts the cross-file checks read ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """A skill or agent a plugin ships, by the name Claude Code will know it by."""

    kind: str  # "skill" or "agent"
    name: str
    file: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class PluginFacts:
    root: str  # the plugin folder ("" for the base folder itself)
    has_manifest: bool
    name: str = ""
    version: str | None = None
    components: tuple[ComponentFacts, ...] = ()

    @property
    def manifest(self) -> str:
        return _join(self.root, PLUGIN_MANIFEST)

    @property
    def label(self) -> str:
        return self.name or self.root or "."


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """One `plugins[]` entry of a marketplace."""

    name: str
    source: str  # as written; "" for a remote (object) source
    local_root: str | None  # the plugin folder a local source names; None when remote
    version: str | None = None
    strict: bool = True  # False: the entry is the manifest, plugin.json is optional
    line: int = 0
    version_line: int = 0


@dataclass(frozen=True, slots=True)
class MarketplaceFacts:
    file: str
    loaded: bool  # False: a marketplace.json Claude Code never reads
    entries: tuple[EntryFacts, ...] = ()

    @property
    def local_roots(self) -> tuple[str, ...]:
        return tuple(e.local_root for e in self.entries if e.local_root is not None)


# --- cross-file checks (pure) ------------------------------------------------------------------


def check_marketplace_entries(
    market: MarketplaceFacts,
    plugins: Mapping[str, PluginFacts],
    is_dir: Callable[[str], bool],
) -> list[ValidationFinding]:
    """Each local entry against the folder it names: it exists, holds a plugin.json (unless the
    entry says `strict: false`), and names the same plugin at the same version."""
    out: list[ValidationFinding] = []
    unread = "" if market.loaded else " (in a marketplace.json Claude Code does not read)"
    # in a file Claude Code never reads, a missing folder misleads people but breaks nothing
    missing_severity = Severity.ERROR if market.loaded else Severity.WARNING
    for entry in market.entries:
        if entry.local_root is None:
            continue
        where = entry.local_root or "."
        if not is_dir(entry.local_root):
            out.append(
                ValidationFinding(
                    market.file,
                    entry.line,
                    missing_severity,
                    "marketplace-source-missing",
                    f"plugin {entry.name!r} source {entry.source!r}: no folder {where}{unread}",
                )
            )
            continue
        plugin = plugins.get(entry.local_root)
        if plugin is None or not plugin.has_manifest:
            if entry.strict:
                out.append(
                    ValidationFinding(
                        market.file,
                        entry.line,
                        missing_severity,
                        "marketplace-plugin-manifest-missing",
                        f"plugin {entry.name!r}: {_join(entry.local_root, PLUGIN_MANIFEST)} does "
                        f"not exist (set `strict: false` if the entry is the manifest){unread}",
                    )
                )
            continue
        if plugin.name and plugin.name != entry.name:
            out.append(
                ValidationFinding(
                    market.file,
                    entry.line,
                    Severity.WARNING,
                    "marketplace-name-mismatch",
                    f"entry {entry.name!r} names a plugin whose plugin.json says "
                    f"{plugin.name!r}{unread}",
                )
            )
        if entry.version and plugin.version and entry.version != plugin.version:
            out.append(
                ValidationFinding(
                    market.file,
                    entry.version_line or entry.line,
                    Severity.ERROR,
                    "version-mismatch",
                    f"plugin {entry.name!r} is version {entry.version} here but "
                    f"{plugin.version} in {plugin.manifest}{unread}; plugin.json wins, so one "
                    "of them is stale",
                )
            )
    return out


def duplicate_groups(
    marketplaces: Sequence[MarketplaceFacts], plugins: Mapping[str, PluginFacts]
) -> list[list[PluginFacts]]:
    """Plugins that are installed side by side: those of each marketplace Claude Code reads;
    with no such marketplace, every plugin."""
    loaded = [m for m in marketplaces if m.loaded]
    if not loaded:
        return [sorted(plugins.values(), key=lambda p: p.root)] if plugins else []
    groups = []
    for market in loaded:
        roots = sorted(set(market.local_roots))
        groups.append([plugins[root] for root in roots if root in plugins])
    return groups


def check_duplicate_names(group: Sequence[PluginFacts]) -> list[ValidationFinding]:
    """The same skill or agent name shipped twice in one group of plugins."""
    by_name: dict[tuple[str, str], list[tuple[PluginFacts, ComponentFacts]]] = defaultdict(list)
    seen_files: set[str] = set()
    for plugin in group:
        for component in plugin.components:
            if component.file in seen_files:
                continue  # one folder listed twice, or declared twice
            seen_files.add(component.file)
            by_name[(component.kind, component.name)].append((plugin, component))
    out: list[ValidationFinding] = []
    for (kind, name), users in sorted(by_name.items()):
        if len(users) < 2:
            continue
        for plugin, component in users:
            others = sorted(
                f"{other.label} ({c.file})" for other, c in users if c.file != component.file
            )
            shown = ", ".join(others[:3]) + (
                f" and {len(others) - 3} more" if len(others) > 3 else ""
            )
            out.append(
                ValidationFinding(
                    component.file,
                    component.line,
                    Severity.WARNING,
                    "duplicate-component-name",
                    f"{kind} name {name!r} of plugin {plugin.label} is also used by {shown}",
                )
            )
    return out


def cross_file_findings(
    marketplaces: Sequence[MarketplaceFacts],
    plugins: Mapping[str, PluginFacts],
    is_dir: Callable[[str], bool],
) -> list[ValidationFinding]:
    out: list[ValidationFinding] = []
    for market in marketplaces:
        out += check_marketplace_entries(market, plugins, is_dir)
    for group in duplicate_groups(marketplaces, plugins):
        out += check_duplicate_names(group)
    return out


# --- the same checks over a catalog ------------------------------------------------------------


def catalog_issues(
    assets: Iterable[Asset], repo_files: Mapping[str, frozenset[str]]
) -> tuple[ScanIssue, ...]:
    """The cross-file checks over discovered assets, per repository: declared components that
    do not exist, marketplace entries against their plugin.json (folder, manifest, name,
    version), and skill or agent names shipped twice by the plugins of one marketplace.

    `repo_files` is every tracked path per repository (`Discovery.repo_files`). Per-file checks
    are not repeated: the handlers already ran them. Lines are 0: assets keep no key lines."""
    by_repo: dict[str, list[Asset]] = defaultdict(list)
    for asset in assets:
        by_repo[asset.repo].append(asset)
    issues: list[ScanIssue] = []
    for repo, repo_assets in sorted(by_repo.items()):
        files = repo_files.get(repo, frozenset())
        dirs = _folders_of(files)

        def is_dir(path: str, dirs: frozenset[str] = dirs) -> bool:
            return path in dirs

        def exists(path: str, files: frozenset[str] = files, dirs: frozenset[str] = dirs) -> bool:
            return path in files or path in dirs

        findings = _declared_components_in_catalog(repo_assets, exists)
        plugins = _plugins_from_assets(repo_assets)
        marketplaces = [_marketplace_from_asset(a) for a in repo_assets if _is(a, "marketplace")]
        findings += cross_file_findings(marketplaces, plugins, is_dir)
        issues += [f.to_scan_issue(repo) for f in findings]
    return tuple(sorted(set(issues), key=ScanIssue.sort_key))


def _is(asset: Asset, kind: str) -> bool:
    return asset.kind.value == kind


def _folders_of(files: Iterable[str]) -> frozenset[str]:
    folders = {""}
    for path in files:
        parent = posixpath.dirname(path)
        while parent and parent not in folders:
            folders.add(parent)
            parent = posixpath.dirname(parent)
    return frozenset(folders)


def _declared_components_in_catalog(
    assets: Sequence[Asset], exists: Callable[[str], bool]
) -> list[ValidationFinding]:
    out = []
    for asset in assets:
        if asset.kind is not AssetKind.PLUGIN_MANIFEST:
            continue
        for ref in asset.references:
            if ref.kind is not RefKind.COMPONENT or not ref.text.startswith("./"):
                continue  # paths that climb out or lack ./ are reported by the handler
            if ref.target.startswith("../") or ref.target == "..":
                continue
            if not exists(ref.target):
                out.append(
                    ValidationFinding(
                        asset.path,
                        ref.line,
                        Severity.ERROR,
                        "component-missing",
                        f"declared component {ref.text!r} does not exist; Claude Code rejects "
                        "the plugin",
                    )
                )
    return out


def _plugins_from_assets(assets: Sequence[Asset]) -> dict[str, PluginFacts]:
    manifests = [a for a in assets if a.kind is AssetKind.PLUGIN_MANIFEST]
    roots: dict[str, Asset] = {}
    for manifest in manifests:
        root = manifest.details.get("root")
        roots[root if isinstance(root, str) else ""] = manifest
    components: dict[str, list[ComponentFacts]] = defaultdict(list)
    ordered = sorted(roots, key=len, reverse=True)  # the innermost plugin owns a file
    for asset in assets:
        if asset.kind not in (AssetKind.SKILL, AssetKind.AGENT):
            continue
        for root in ordered:
            if root and not asset.path.startswith(f"{root}/"):
                continue
            rel = asset.path[len(root) + 1 :] if root else asset.path
            kind = "skill" if asset.kind is AssetKind.SKILL else "agent"
            if _is_component(rel, kind, _declared(roots[root], f"{kind}s")):
                components[root].append(ComponentFacts(kind, asset.name, asset.path))
            break
    out = {}
    for root, manifest in roots.items():
        version = manifest.details.get("version")
        out[root] = PluginFacts(
            root=root,
            has_manifest=True,
            name=manifest.name,
            version=version if isinstance(version, str) else None,
            components=tuple(sorted(components[root], key=lambda c: c.file)),
        )
    return out


def _declared(manifest: Asset, key: str) -> list[str]:
    declared = manifest.details.get("declared")
    paths = declared.get(key) if isinstance(declared, dict) else None
    return [_join("", p) for p in paths if isinstance(p, str)] if isinstance(paths, list) else []


def _is_component(rel: str, kind: str, declared: Sequence[str]) -> bool:
    parts = rel.split("/")
    if kind == "skill":
        if len(parts) == 3 and parts[0] == "skills" and parts[2] == "SKILL.md":
            return True
        return any(rel == f"{d}/SKILL.md" or rel.startswith(f"{d}/") for d in declared)
    if parts[0] == "agents" and len(parts) > 1:
        return True
    return any(rel == d or rel.startswith(f"{d}/") for d in declared)


def _marketplace_from_asset(asset: Asset) -> MarketplaceFacts:
    entries = []
    plugins = asset.details.get("plugins")
    for entry in plugins if isinstance(plugins, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        source, path, version = entry.get("source"), entry.get("path"), entry.get("version")
        entries.append(
            EntryFacts(
                name=str(entry["name"]),
                source=source if isinstance(source, str) else "",
                local_root=path if isinstance(path, str) else None,
                version=version if isinstance(version, str) else None,
                strict=entry.get("strict") is not False,
            )
        )
    return MarketplaceFacts(asset.path, loaded=True, entries=tuple(entries))


# --- reading the folder ------------------------------------------------------------------------


def _join(*parts: str) -> str:
    """POSIX paths joined and normalised; "" for the base folder itself."""
    joined = posixpath.normpath(posixpath.join(*[p for p in parts if p] or ["."]))
    return "" if joined == "." else joined


def _climbs_out(rel: str) -> bool:
    return rel == ".." or rel.startswith("../") or rel.startswith("/")


class _Folder:
    """The folder being validated: every read is checked to stay inside it."""

    def __init__(self, root: Path, report: Callable[[ValidationFinding], None]) -> None:
        self.root = root.resolve()
        self.report = report
        self.files_read = 0
        self._kinds: dict[str, str | None] = {}

    def _path(self, rel: str) -> Path | None:
        """The real path of `rel`, or None (reported) when it leaves the folder."""
        path = self.root / rel if rel else self.root
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError) as err:  # symlink loops
            self.report(
                ValidationFinding(rel, 0, Severity.WARNING, "symlink-loop", f"not followed: {err}")
            )
            return None
        if not resolved.is_relative_to(self.root):
            self.report(
                ValidationFinding(
                    rel,
                    0,
                    Severity.WARNING,
                    "symlink-outside",
                    "a symlink here points outside the validated folder; not followed",
                )
            )
            return None
        return resolved

    def kind(self, rel: str) -> str | None:
        """ "file", "dir" or None (missing, or reached only through a symlink out)."""
        if rel not in self._kinds:
            path = self._path(rel)
            kind = None
            if path is not None:
                kind = "dir" if path.is_dir() else "file" if path.is_file() else None
            self._kinds[rel] = kind
        return self._kinds[rel]

    def is_dir(self, rel: str) -> bool:
        return not _climbs_out(rel) and self.kind(rel) == "dir"

    def read_text(self, rel: str) -> str | None:
        path = self._path(rel) if self.kind(rel) == "file" else None
        if path is None:
            return None
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.report(
                    ValidationFinding(
                        rel,
                        0,
                        Severity.WARNING,
                        "file-too-large",
                        f"{size} bytes is over the {MAX_FILE_BYTES}-byte cap; not checked",
                    )
                )
                return None
            data = path.read_bytes()
        except OSError as err:
            self.report(
                ValidationFinding(
                    rel, 0, Severity.ERROR, "file-unreadable", err.strerror or str(err)
                )
            )
            return None
        self.files_read += 1
        text = decode_text(data)
        if text is None:
            self.report(
                ValidationFinding(
                    rel,
                    0,
                    Severity.WARNING,
                    "not-text",
                    "binary or undecodable content (expected UTF-8 or UTF-16 with BOM)",
                )
            )
        return text

    def entries(self, rel: str) -> list[str]:
        """Names in a folder, sorted; .git and node_modules left out."""
        path = self._path(rel) if self.kind(rel) == "dir" else None
        if path is None:
            return []
        try:
            return sorted(p.name for p in path.iterdir() if p.name not in SKIP_DIRS)
        except OSError:
            return []

    def files_below(self, rel: str, suffix: str) -> list[str]:
        """Files ending in `suffix` in a folder and its subfolders (symlinked folders are not
        entered: they could loop or lead out)."""
        path = self._path(rel) if self.kind(rel) == "dir" else None
        if path is None:
            return []
        out = []
        for current, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            base = Path(current).relative_to(path).as_posix()
            for filename in sorted(filenames):
                if filename.endswith(suffix):
                    out.append(_join(rel, base, filename))
        return out

    def manifests_below(self) -> tuple[list[str], list[str]]:
        """Roots of every plugin and marketplace below the folder: ([plugins], [marketplaces])."""
        plugins, marketplaces = [], []
        for current, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            here = Path(current)
            if here.name != ".claude-plugin":
                continue
            root = _join(here.parent.relative_to(self.root).as_posix())
            if "plugin.json" in filenames:
                plugins.append(root)
            if "marketplace.json" in filenames:
                marketplaces.append(root)
        return sorted(plugins), sorted(marketplaces)


class _JsonDoc:
    def __init__(self, data: JsonValue, text: str) -> None:
        self.data = data
        self.text = text

    @cached_property
    def lines(self) -> dict[Pointer, int]:
        return formats.json_pointer_lines(self.text)

    def line(self, pointer: Pointer) -> int:
        return formats.line_of(self.lines, pointer) if pointer else 0


@dataclass
class _State:
    findings: list[ValidationFinding] = field(default_factory=list)
    plugins: dict[str, PluginFacts] = field(default_factory=dict)
    marketplaces: list[MarketplaceFacts] = field(default_factory=list)


class _Validator:
    def __init__(self, root: Path) -> None:
        self.state = _State()
        self.folder = _Folder(root, self.state.findings.append)

    # reporting

    def add(self, file: str, line: int, severity: Severity, code: str, message: str) -> None:
        self.state.findings.append(ValidationFinding(file, line, severity, code, message))

    def add_finding(self, file: str, finding: Finding, line: int) -> None:
        self.add(file, line, finding.severity, finding.code, finding.message)

    # the walk

    def run(self) -> None:
        plugins_below, marketplaces_below = self.folder.manifests_below()
        at_root_market = "" in marketplaces_below
        at_root_plugin = "" in plugins_below
        if at_root_market or at_root_plugin:
            marketplaces = [""] if at_root_market else []
            plugins = [""] if at_root_plugin else []
        else:
            marketplaces, plugins = marketplaces_below, plugins_below
        for root in marketplaces:
            self.marketplace(root)
        for root in plugins:
            if root not in self.state.plugins:
                self.plugin(root)
        if not marketplaces and not plugins:
            self.add(
                "",
                0,
                Severity.ERROR,
                "nothing-to-validate",
                "no .claude-plugin/plugin.json or .claude-plugin/marketplace.json here or below",
            )
        self.note_unlisted(plugins_below)
        self.state.findings += cross_file_findings(
            self.state.marketplaces, self.state.plugins, self.folder.is_dir
        )

    def note_unlisted(self, plugins_below: Sequence[str]) -> None:
        loaded = [m for m in self.state.marketplaces if m.loaded]
        listed = {root for m in loaded for root in m.local_roots}
        for plugin_root in plugins_below:
            if plugin_root in listed:
                continue
            for market in loaded:
                market_root = posixpath.dirname(posixpath.dirname(market.file))
                if market_root == plugin_root:
                    continue  # a plugin that is its own marketplace is listed or not, as it says
                if not market_root or plugin_root.startswith(f"{market_root}/"):
                    self.add(
                        _join(plugin_root, PLUGIN_MANIFEST),
                        0,
                        Severity.INFO,
                        "plugin-not-listed",
                        f"this plugin is not listed in {market.file}",
                    )
                    break

    def load_json(self, rel: str) -> _JsonDoc | None:
        text = self.folder.read_text(rel)
        if text is None:
            return None
        parsed = parse_json(text)
        for problem in parsed.problems:
            severity = Severity.WARNING if parsed.ok else Severity.ERROR
            self.add(rel, problem.line, severity, problem.code, problem.message)
        return _JsonDoc(parsed.data, text) if parsed.ok else None

    # marketplaces

    def marketplace(self, root: str) -> None:
        self.marketplace_file(root, _join(root, MARKETPLACE_MANIFEST), loaded=True)
        stray = _join(root, STRAY_MARKETPLACE)
        if self.folder.kind(stray) == "file":
            self.marketplace_file(root, stray, loaded=False)

    def marketplace_file(self, root: str, rel: str, *, loaded: bool) -> None:
        doc = self.load_json(rel)
        if doc is None:
            return
        if not isinstance(doc.data, dict):
            self.add(rel, 1, Severity.ERROR, "manifest-invalid", "top level must be an object")
            return
        data = doc.data
        if not loaded:
            if not isinstance(data.get("plugins"), list):
                return  # some other marketplace.json: not a copy of the manifest
            self.add(
                rel,
                1,
                Severity.INFO,
                "marketplace-not-loaded",
                f"Claude Code reads {_join(root, MARKETPLACE_MANIFEST)}, not this file; its "
                "entries are still checked against the plugins",
            )
        for finding in formats.check_marketplace(data):
            # a file Claude Code never reads cannot break loading
            severity = (
                finding.severity
                if loaded or finding.severity is not Severity.ERROR
                else Severity.WARNING
            )
            self.add(rel, doc.line(finding.pointer), severity, finding.code, finding.message)
        metadata = data.get("metadata")
        plugin_root = metadata.get("pluginRoot") if isinstance(metadata, dict) else None
        base = _join(root, plugin_root) if isinstance(plugin_root, str) else root
        entries = []
        raw_entries = data.get("plugins")
        for index, entry in enumerate(raw_entries if isinstance(raw_entries, list) else []):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue  # reported by check_marketplace
            source = entry.get("source")
            local_root = None
            if isinstance(source, str):
                local_root = _join(base, source)
                if _climbs_out(local_root) or ".." in source.split("/"):
                    local_root = None  # reported as marketplace-source-invalid; never followed
            version = entry.get("version")
            entries.append(
                EntryFacts(
                    name=str(entry["name"]),
                    source=source if isinstance(source, str) else "",
                    local_root=local_root,
                    version=version if isinstance(version, str) else None,
                    strict=entry.get("strict") is not False,
                    line=doc.line(("plugins", index, "name")),
                    version_line=doc.line(("plugins", index, "version")) if version else 0,
                )
            )
        market = MarketplaceFacts(rel, loaded, tuple(entries))
        self.state.marketplaces.append(market)
        for listed in entries:
            if (
                listed.local_root is not None
                and listed.local_root not in self.state.plugins
                and self.folder.is_dir(listed.local_root)
            ):
                self.plugin(listed.local_root)

    # plugins

    def plugin(self, root: str) -> None:
        self.state.plugins[root] = PluginFacts(root, has_manifest=False)  # no second visit
        manifest = _join(root, PLUGIN_MANIFEST)
        doc = self.load_json(manifest) if self.folder.kind(manifest) == "file" else None
        data: dict[str, JsonValue] = {}
        if doc is not None and not isinstance(doc.data, dict):
            self.add(manifest, 1, Severity.ERROR, "manifest-invalid", "top level must be an object")
        elif doc is not None:
            data = doc.data  # type: ignore[assignment]  # narrowed by the branch above
            for finding in formats.check_plugin_manifest(data):
                self.add_finding(manifest, finding, doc.line(finding.pointer))
        declared = self.declared_paths(root, manifest, data, doc)
        components: list[ComponentFacts] = []
        components += self.skills(root, declared.get("skills", []))
        for rel in self.markdown_files(root, "commands", declared.get("commands", [])):
            self.command(rel, root)
        components += self.agents(root, declared.get("agents", []))
        self.hooks(root, manifest, data, doc, declared.get("hooks", []))
        self.mcp(root, manifest, data, doc, declared.get("mcpServers", []))
        for extra in ("CLAUDE.md", "README.md"):
            rel = _join(root, extra)
            if self.folder.kind(rel) != "file":
                continue
            if extra == "CLAUDE.md":
                self.add(
                    rel,
                    0,
                    Severity.INFO,
                    "plugin-claude-md",
                    "Claude Code does not load a plugin-root CLAUDE.md as context; kept as "
                    "documentation",
                )
            text = self.folder.read_text(rel)
            if text is not None:
                self.links(rel, parse_markdown(text), root)
        name = data.get("name")
        version = data.get("version")
        self.state.plugins[root] = PluginFacts(
            root=root,
            has_manifest=doc is not None,
            name=name if isinstance(name, str) else "",
            version=version if isinstance(version, str) else None,
            components=tuple(sorted(components, key=lambda c: c.file)),
        )

    def declared_paths(
        self, root: str, manifest: str, data: Mapping[str, JsonValue], doc: _JsonDoc | None
    ) -> dict[str, list[str]]:
        """Component paths plugin.json declares that are well formed and exist (relative to the
        validated folder); the missing ones are reported."""
        out: dict[str, list[str]] = {}
        for key in formats.PLUGIN_COMPONENT_KEYS:
            value = data.get(key)
            for index, path in enumerate(formats.component_paths(value)):
                if not path.startswith("./") or ".." in path.split("/"):
                    continue  # reported by check_plugin_manifest
                rel = _join(root, path)
                pointer: Pointer = (key, index) if isinstance(value, list) else (key,)
                if self.folder.kind(rel) is None:
                    line = doc.line(pointer) if doc is not None else 0
                    self.add(
                        manifest,
                        line,
                        Severity.ERROR,
                        "component-missing",
                        f"`{key}` declares {path!r}, which does not exist; Claude Code rejects "
                        "the plugin",
                    )
                    continue
                if key == "hooks" and rel == _join(root, "hooks/hooks.json"):
                    line = doc.line(pointer) if doc is not None else 0
                    self.add(
                        manifest,
                        line,
                        Severity.WARNING,
                        "hooks-declared-twice",
                        "hooks/hooks.json is loaded by default; declaring it again loads it "
                        "twice (Claude Code reports a duplicate hooks file)",
                    )
                    continue
                out.setdefault(key, []).append(rel)
        return out

    def markdown_files(self, root: str, folder: str, declared: Sequence[str]) -> list[str]:
        found: list[str] = []
        for rel in [_join(root, folder), *declared]:
            if self.folder.kind(rel) == "file":
                found.append(rel)
            else:
                found += [
                    f
                    for f in self.folder.files_below(rel, ".md")
                    if posixpath.basename(f) not in DOC_FILES
                ]
        return sorted(set(found))

    def skills(self, root: str, declared: Sequence[str]) -> list[ComponentFacts]:
        folders: list[str] = []
        for parent in [_join(root, "skills"), *declared]:
            if self.folder.kind(_join(parent, "SKILL.md")) == "file":
                folders.append(parent)  # a declared path may name one skill's folder
                continue
            for name in self.folder.entries(parent):
                rel = _join(parent, name)
                if self.folder.kind(rel) == "dir":
                    folders.append(rel)
        out = []
        for folder in sorted(set(folders)):
            skill_file = _join(folder, "SKILL.md")
            if self.folder.kind(skill_file) == "file":
                out.append(self.skill(skill_file, root))
                continue
            names = self.folder.entries(folder)
            if "SKILL.md" in names:
                continue  # there, but not readable from here (a symlink out): reported
            near = [n for n in names if n.lower() == "skill.md"]
            nested = [
                _join(folder, n, "SKILL.md")
                for n in names
                if self.folder.kind(_join(folder, n)) == "dir"
                and self.folder.kind(_join(folder, n, "SKILL.md")) == "file"
            ]
            if near:
                hint = f" ({near[0]} must be spelled SKILL.md)"
            elif nested:
                hint = f" (it holds {len(nested)} skill folder(s) one level too deep)"
            else:
                hint = ""
            self.add(
                folder,
                0,
                Severity.WARNING,
                "skill-file-missing",
                f"skill folder has no SKILL.md{hint}; Claude Code skips it",
            )
            # still checked: whoever moves them up gets their defects now
            out += [self.skill(rel, root) for rel in nested]
        return out

    def agents(self, root: str, declared: Sequence[str]) -> list[ComponentFacts]:
        out = []
        for rel in self.markdown_files(root, "agents", declared):
            component = self.agent(rel, root)
            if component is not None:
                out.append(component)
        return out

    # Markdown components

    def frontmatter(
        self, rel: str, plugin_root: str, *, missing: Severity | None, missing_code: str
    ) -> tuple[dict[str, JsonValue], MarkdownDoc, str] | None:
        """(mapping, document, YAML text) of a component file whose front matter parses;
        None after reporting why not."""
        text = self.folder.read_text(rel)
        if text is None:
            return None
        doc = parse_markdown(text)
        self.links(rel, doc, plugin_root)
        if doc.frontmatter is None:
            if missing is not None:
                empty = "the file is empty: " if not text.strip() else ""
                self.add(rel, 1, missing, missing_code, f"{empty}no YAML front matter block")
            return None
        parsed = parse_yaml(doc.frontmatter)
        for problem in parsed.problems:
            code = "frontmatter-parse-error" if problem.code == "yaml-parse-error" else problem.code
            severity = Severity.ERROR if not parsed.ok else Severity.WARNING
            line = doc.frontmatter_line + problem.line if problem.line else doc.frontmatter_line
            self.add(rel, line, severity, code, problem.message)
        if not parsed.ok:
            return None
        if parsed.data is None:
            return {}, doc, doc.frontmatter
        if not isinstance(parsed.data, dict):
            self.add(
                rel,
                doc.frontmatter_line,
                Severity.ERROR,
                "frontmatter-not-mapping",
                "front matter is not a mapping of keys to values",
            )
            return None
        return parsed.data, doc, doc.frontmatter

    def add_frontmatter_findings(
        self, rel: str, doc: MarkdownDoc, yaml_text: str, findings: Iterable[Finding]
    ) -> None:
        for finding in findings:
            line = doc.frontmatter_line
            if finding.code == "skill-body-too-long":
                line = doc.body_line
            elif finding.pointer and isinstance(finding.pointer[0], str):
                key_line = formats.frontmatter_key_line(yaml_text, finding.pointer[0])
                if key_line:
                    line += key_line
            self.add_finding(rel, finding, line)

    def skill(self, rel: str, plugin_root: str) -> ComponentFacts:
        loaded = self.frontmatter(
            rel, plugin_root, missing=Severity.ERROR, missing_code="frontmatter-missing"
        )
        folder_name = posixpath.basename(posixpath.dirname(rel))
        if loaded is None:
            return ComponentFacts("skill", folder_name, rel, 1)
        data, doc, yaml_text = loaded
        body_lines = doc.line_count - doc.body_line + 1
        self.add_frontmatter_findings(
            rel, doc, yaml_text, formats.check_skill(data, folder_name, body_lines)
        )
        name = data.get("name")
        named = isinstance(name, str) and bool(name)
        line = (
            doc.frontmatter_line + formats.frontmatter_key_line(yaml_text, "name") if named else 1
        )
        return ComponentFacts("skill", str(name) if named else folder_name, rel, line)

    def agent(self, rel: str, plugin_root: str) -> ComponentFacts | None:
        loaded = self.frontmatter(
            rel, plugin_root, missing=Severity.WARNING, missing_code="agent-frontmatter-missing"
        )
        if loaded is None:
            return None
        data, doc, yaml_text = loaded
        self.add_frontmatter_findings(
            rel, doc, yaml_text, formats.check_agent(data, in_plugin=True)
        )
        name = data.get("name")
        if not isinstance(name, str) or not name:
            return None
        line = doc.frontmatter_line + formats.frontmatter_key_line(yaml_text, "name")
        return ComponentFacts("agent", name, rel, line)

    def command(self, rel: str, plugin_root: str) -> None:
        loaded = self.frontmatter(rel, plugin_root, missing=None, missing_code="")
        if loaded is not None:
            data, doc, yaml_text = loaded
            self.add_frontmatter_findings(rel, doc, yaml_text, formats.check_command(data))

    def links(self, rel: str, doc: MarkdownDoc, plugin_root: str) -> None:
        """Relative links must lead to a file that ships with the plugin."""
        for link in doc.links:
            target = link.target.strip()
            if (
                not target
                or target.startswith(("#", "/", "~"))
                or _URL_SCHEME.match(target)
                or any(c in target for c in "{}<>$*")
            ):
                continue  # anchors, absolute paths, URLs, templates and placeholders
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if not path:
                continue
            resolved = _join(posixpath.dirname(rel), path)
            inside = not _climbs_out(resolved) and (
                not plugin_root or resolved == plugin_root or resolved.startswith(f"{plugin_root}/")
            )
            if not inside:
                self.add(
                    rel,
                    link.line,
                    Severity.WARNING,
                    "link-outside-plugin",
                    f"link {target!r} leads out of the plugin; it is not installed with it",
                )
            elif self.folder.kind(resolved) is None:
                hint = " (a URL without https://?)" if _LOOKS_LIKE_HOST.match(path) else ""
                self.add(
                    rel,
                    link.line,
                    Severity.WARNING,
                    "link-dead",
                    f"link {target!r}: no such file{hint}",
                )

    # JSON components

    def hooks(
        self,
        root: str,
        manifest: str,
        data: Mapping[str, JsonValue],
        doc: _JsonDoc | None,
        declared: Sequence[str],
    ) -> None:
        files = [_join(root, "hooks/hooks.json"), *declared]
        for rel in sorted(set(files)):
            if self.folder.kind(rel) != "file":
                continue
            hooks_doc = self.load_json(rel)
            if hooks_doc is not None:
                for finding in formats.check_hooks_config(hooks_doc.data):
                    self.add_finding(rel, finding, hooks_doc.line(finding.pointer))
        inline = data.get("hooks")
        if isinstance(inline, dict) and doc is not None:
            wrapped: JsonValue = inline if "hooks" in inline else {"hooks": inline}
            base: Pointer = ("hooks",) if "hooks" in inline else ()
            for finding in formats.check_hooks_config(wrapped, base):
                self.add_finding(manifest, finding, doc.line(finding.pointer))

    def mcp(
        self,
        root: str,
        manifest: str,
        data: Mapping[str, JsonValue],
        doc: _JsonDoc | None,
        declared: Sequence[str],
    ) -> None:
        default = _join(root, ".mcp.json")
        for rel in sorted({default, *declared}):
            if self.folder.kind(rel) != "file":
                continue
            mcp_doc = self.load_json(rel)
            if mcp_doc is None:
                continue
            # .mcp.json has the servers under `mcpServers`; a file plugin.json names may be
            # the bare server map
            wrapped = rel == default or (
                isinstance(mcp_doc.data, dict) and "mcpServers" in mcp_doc.data
            )
            for finding in formats.check_mcp_config(mcp_doc.data, wrapped=wrapped):
                self.add_finding(rel, finding, mcp_doc.line(finding.pointer))
        inline = data.get("mcpServers")
        if isinstance(inline, dict) and doc is not None:
            for finding in formats.check_mcp_config(inline, ("mcpServers",), wrapped=False):
                self.add_finding(manifest, finding, doc.line(finding.pointer))


def validate_path(path: Path, *, strict: bool = False) -> ValidationReport:
    """Validate a plugin folder, a marketplace root, or every plugin and marketplace below a
    folder. `strict` is for the files we generate: every warning becomes an error.

    Raises ScannerError when `path` does not exist or is not a folder."""
    if not path.exists():
        raise ScannerError(f"{path}: no such file or folder to validate")
    folder = path
    if path.is_file():
        if path.parent.name == ".claude-plugin" and path.name in (
            "plugin.json",
            "marketplace.json",
        ):
            folder = path.parent.parent
        else:
            raise ScannerError(f"{path}: not a folder (give a plugin or marketplace folder)")
    validator = _Validator(folder)
    validator.run()
    findings: set[ValidationFinding] = set()
    for finding in validator.state.findings:
        if strict:
            severity = formats.strict_severity(finding.code, finding.severity)
            if severity is not finding.severity:
                finding = ValidationFinding(
                    finding.file, finding.line, severity, finding.code, finding.message
                )
        findings.add(finding)
    log.info("validated %s: %d findings", path, len(findings))
    return ValidationReport(
        root=str(path),
        strict=strict,
        findings=tuple(sorted(findings, key=ValidationFinding.sort_key)),
        plugins=tuple(sorted(validator.state.plugins)),
        marketplaces=tuple(sorted(m.file for m in validator.state.marketplaces)),
        files_checked=validator.folder.files_read,
    )
