"""The checks that need several files (marketplace entries against plugins, names across
plugins), as pure functions over small facts records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from scanner.formats.rules import DUPLICATE_NAME, PLUGIN_MANIFEST
from scanner.models import (
    Severity,
)
from scanner.validate.records import ValidationFinding, join_rel

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
        return join_rel(self.root, PLUGIN_MANIFEST)

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
                        f"plugin {entry.name!r}: "
                        f"{join_rel(entry.local_root, PLUGIN_MANIFEST)} does not exist "
                        f"(set `strict: false` if the entry is the manifest){unread}",
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
                    DUPLICATE_NAME,
                    f"{kind} name {name!r} of plugin {plugin.label} is also used by {shown}",
                )
            )
    return out


def marketplace_findings(
    marketplaces: Sequence[MarketplaceFacts],
    plugins: Mapping[str, PluginFacts],
    is_dir: Callable[[str], bool],
) -> list[ValidationFinding]:
    out: list[ValidationFinding] = []
    for market in marketplaces:
        out += check_marketplace_entries(market, plugins, is_dir)
    return out


def cross_file_findings(
    marketplaces: Sequence[MarketplaceFacts],
    plugins: Mapping[str, PluginFacts],
    is_dir: Callable[[str], bool],
) -> list[ValidationFinding]:
    """Marketplace entries against their plugins, then names shipped twice beside each other
    (`scanner validate` on disk; over a catalog the graph owns name clashes)."""
    out = marketplace_findings(marketplaces, plugins, is_dir)
    for group in duplicate_groups(marketplaces, plugins):
        out += check_duplicate_names(group)
    return out
