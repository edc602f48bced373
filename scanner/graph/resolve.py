"""Resolving each kind of reference (links, mentions, skills, components) to a node."""

from __future__ import annotations

import posixpath

from scanner.formats.rules import PLUGIN_MANIFEST
from scanner.graph.index import RefIndex, link_path, mention_path
from scanner.graph.model import NodeType, RefStatus, Target
from scanner.languages import resolve_import
from scanner.models import (
    Asset,
    RawReference,
    RefKind,
)
from scanner.paths import escapes_root, join_path, strip_climbs

# --- resolving each kind of reference ------------------------------------------------------------


def _resolve_link(index: RefIndex, asset: Asset, raw: str) -> Target | None:
    path = link_path(raw)
    if path is None:
        return None
    if path.startswith("/"):
        joined = join_path("", path.lstrip("/"))
    else:
        joined = join_path(posixpath.dirname(asset.path), path)
    found = index.locate(asset.repo, joined)
    if found is not None:
        return found
    if escapes_root(joined):
        # `../../<repo>/<path>`: repositories checked out side by side
        across = _across_repositories(index, strip_climbs(joined))
        if across is not None:
            return across
    return index.missing(asset.repo, joined)


def _across_repositories(index: RefIndex, path: str) -> Target | None:
    """`<repo>/<path>`: a path in another repository, named by its first segment."""
    repo, _, rest = path.partition("/")
    if not rest or repo not in index.repos:
        return None
    rest = join_path("", rest)
    return index.locate(repo, rest) or index.missing(repo, rest)


def _resolve_mention(index: RefIndex, asset: Asset, raw: str) -> Target | None:
    text = mention_path(raw)
    if text is None:
        return None
    folder = posixpath.dirname(asset.path)
    bases = [folder]
    for marker in ("SKILL.md", PLUGIN_MANIFEST):
        root = index.enclosing(asset.repo, folder, marker)
        if root is not None and root not in bases:
            bases.append(root)
    if "" not in bases:
        bases.append("")
    for base in bases:
        found = index.locate(asset.repo, join_path(base, text))
        if found is not None:
            return found
    if "/" not in text.rstrip("/"):
        # A bare file name: the one file of that name in the skill or plugin, if there is
        # exactly one; otherwise it names a kind of file (`package.json`), not a path.
        for base in bases[1:-1]:
            found = index.unique_named(asset.repo, base, text)
            if found is not None:
                return found
        return None
    across = _across_repositories(index, strip_climbs(join_path("", text)))
    if across is not None and across.status is not RefStatus.BROKEN:
        return across
    # `skills/x/SKILL.md` in a plugin is more likely its own missing skill than a missing
    # file of a repository named `skills`: prefer the folder that exists here.
    first = join_path("", text).split("/", 1)[0]
    for base in bases:
        if index.is_dir(asset.repo, join_path(base, first)):
            return index.missing(asset.repo, join_path(base, text))
    return across or index.missing(asset.repo, join_path(folder, text))


def _resolve_skill(index: RefIndex, asset: Asset, raw: str) -> Target:
    name = raw.strip()
    candidates = index.skills_by_name.get(name, [])
    plugin_name, colon, skill_name = name.partition(":")
    if colon and not candidates:
        plugins = index.plugins_by_name.get(plugin_name, [])
        roots = [posixpath.dirname(posixpath.dirname(p.path)) for p in plugins]
        candidates = [
            s
            for s in index.skills_by_name.get(skill_name, [])
            if any(s.path.startswith(f"{root}/" if root else "") for root in roots)
        ]
    chosen: Asset | None = None
    root = index.plugin_root(asset)
    if root is not None:
        prefix = f"{root}/" if root else ""
        chosen = next(
            (s for s in candidates if s.repo == asset.repo and s.path.startswith(prefix)), None
        )
    if chosen is None:
        chosen = next((s for s in candidates if s.repo == asset.repo), None)
    if chosen is None and len(candidates) == 1:
        chosen = candidates[0]
    if chosen is None:
        return Target(RefStatus.BROKEN, name, NodeType.MISSING)
    return Target(RefStatus.RESOLVED, chosen.id, NodeType.ASSET, chosen.repo, chosen.path)


def _resolve_component(index: RefIndex, asset: Asset, path: str) -> Target:
    joined = join_path("", path)
    return index.locate(asset.repo, joined) or index.missing(asset.repo, joined)


def _resolve_file(index: RefIndex, asset: Asset, rel: str) -> Target:
    joined = join_path(posixpath.dirname(asset.path), rel)
    return index.locate(asset.repo, joined) or index.missing(asset.repo, joined)


def resolve_reference(index: RefIndex, asset: Asset, ref: RawReference) -> Target | None:
    """Where `ref` of `asset` leads; None when it is not a reference to a file or asset."""
    if ref.kind is RefKind.LINK:
        return _resolve_link(index, asset, ref.target)
    if ref.kind is RefKind.MENTION:
        return _resolve_mention(index, asset, ref.target)
    if ref.kind is RefKind.SKILL:
        return _resolve_skill(index, asset, ref.target) if ref.target.strip() else None
    if ref.kind is RefKind.COMPONENT:
        return _resolve_component(index, asset, ref.target)
    if ref.kind is RefKind.FILE:
        return _resolve_file(index, asset, ref.target)
    return resolve_import(index, asset, ref.target)
