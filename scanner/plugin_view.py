"""What a practice plugin says, decided from the catalog: the assets each domain cites, the
numbers, the structure. Pure data for the templates; no wording and no file writing here."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scanner.catalog import ACTIVE, CatalogEntry
from scanner.ids import pin_form, pin_to_asset_id
from scanner.links import blob_url
from scanner.models import DomainAssignment, JsonValue, SyncResult
from scanner.practices import Practice

CITED_PER_DOMAIN = 6
# Manifests and configs are plumbing: a domain cites the documents and code that teach it.
CITABLE_KINDS = frozenset(
    {
        "skill",
        "agent",
        "command",
        "pattern",
        "reference",
        "guidance",
        "mcp-server",
        "claude-adapter",
        "code",
    }
)
MAX_DESCRIPTION = 200  # one sentence at most: we cite, we do not copy


@dataclass(frozen=True, slots=True)
class Citation:
    cite: str  # `<repo>/<path>`, the form the seed uses
    url: str  # permanent link at the content_commit ("" when the host is not GitHub)
    kind: str
    name: str
    summary: str  # at most one sentence of the asset's own description
    featured: bool


@dataclass(frozen=True, slots=True)
class DomainView:
    id: str
    title: str
    summary: str
    citations: tuple[Citation, ...]
    asset_count: int


@dataclass(frozen=True, slots=True)
class PluginView:
    practice: Practice
    version: str
    domains: tuple[DomainView, ...]
    repositories: tuple[str, ...]  # every source repository of the manifest, sorted
    total_assets: int  # assets classified into the practice (active and stale)
    new_assets: int  # of those, first seen at their repository's scanned commit
    files: tuple[str, ...]  # the plugin's generated files, for the structure tree

    @property
    def skill_name(self) -> str:
        return f"{self.practice.id}-assistant"

    @property
    def structure(self) -> list[str]:
        """The file tree, as the seed draws it."""
        return [f"{self.practice.plugin}/", *(f"  {path}" for path in self.files)]


# Each pattern stops at the next opener, so that none can backtrack over unbounded text.
_LINK_RE = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_TAG_RE = re.compile(r"<!--|-->|<[^<>]*>")
# A sentence is found within this many characters of the description; the rest is not read.
_SCAN_LIMIT = 20 * MAX_DESCRIPTION


def one_sentence(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """The first sentence of a harvested description, as plain text: its links (relative to a
    file we do not ship) keep only their words, and HTML tags go. Escaping it for the plugin
    is the template's job (scanner.escape)."""
    plain = _TAG_RE.sub("", _LINK_RE.sub(r"\1", text[:_SCAN_LIMIT]))
    flat = " ".join(plain.split())
    for stop in (". ", "! ", "? "):
        cut = flat.find(stop)
        if 0 < cut < limit:
            return flat[: cut + 1]
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def _citation(entry: CatalogEntry, sources: Mapping[str, SyncResult], featured: bool) -> Citation:
    asset = entry.asset
    source = sources.get(asset.repo)
    # As the site does: the file at the first scanned commit with its current bytes, so a
    # plugin changes when a file it cites does, not whenever that file's repository moves.
    commit = entry.content_commit or (source.commit if source else "")
    url = blob_url(source.url, commit, asset.path) if source and commit else ""
    return Citation(
        cite=pin_form(asset.repo, asset.path),
        url=url,
        kind=asset.kind.value,
        name=asset.name or asset.path.rsplit("/", 1)[-1],
        summary=one_sentence(asset.description),
        featured=featured,
    )


def practice_assets(
    practice: Practice,
    entries: Sequence[CatalogEntry],
    assignments: Mapping[str, Sequence[DomainAssignment]],
) -> dict[str, list[tuple[CatalogEntry, DomainAssignment]]]:
    """Per domain id: the catalog entries the classifier placed there, with the assignment."""
    out: dict[str, list[tuple[CatalogEntry, DomainAssignment]]] = {
        d.id: [] for d in practice.domains
    }
    for entry in entries:
        for assignment in assignments.get(entry.asset.id, ()):
            if assignment.practice == practice.id and assignment.domain in out:
                out[assignment.domain].append((entry, assignment))
    return out


def build_view(
    practice: Practice,
    version: str,
    entries: Sequence[CatalogEntry],
    assignments: Mapping[str, Sequence[DomainAssignment]],
    ranks: Mapping[str, float],
    sources: Sequence[SyncResult],
    first_seen: Mapping[str, Mapping[str, JsonValue]],
    files: Sequence[str],
) -> PluginView:
    by_id = {e.asset.id: e for e in entries}
    source_by_name = {s.name: s for s in sources}
    per_domain = practice_assets(practice, entries, assignments)
    domains = []
    for domain in practice.domains:
        chosen: list[Citation] = []
        seen: set[str] = set()
        # Featured pins that still resolve come first, in the maintainer's order.
        for pin in domain.featured:
            entry = by_id.get(pin_to_asset_id(pin))
            if entry is not None and entry.status == ACTIVE:
                chosen.append(_citation(entry, source_by_name, featured=True))
                seen.add(entry.asset.id)
        # Then the classified assets, most referenced first (PageRank), then by score.
        ranked = sorted(
            (
                pair
                for pair in per_domain[domain.id]
                if pair[0].status == ACTIVE and pair[0].asset.kind.value in CITABLE_KINDS
            ),
            key=lambda pair: (
                -ranks.get(pair[0].asset.id, 0.0),
                -pair[1].score,
                pair[0].asset.id,
            ),
        )
        # Copies (the same agent shipped by several plugins) are cited once.
        names = {(c.kind, c.name) for c in chosen}
        for entry, _assignment in ranked:
            if len(chosen) >= CITED_PER_DOMAIN:
                break
            key = (entry.asset.kind.value, entry.asset.name)
            if entry.asset.id in seen or entry.duplicate_of or key in names:
                continue
            chosen.append(_citation(entry, source_by_name, featured=False))
            seen.add(entry.asset.id)
            names.add(key)
        domains.append(
            DomainView(
                id=domain.id,
                title=domain.title,
                summary=domain.summary,
                citations=tuple(chosen),
                asset_count=len(per_domain[domain.id]),
            )
        )
    in_practice = {e.asset.id for pairs in per_domain.values() for e, _ in pairs}
    new = 0
    for asset_id in in_practice:
        seen_at = first_seen.get(asset_id, {})
        source = source_by_name.get(by_id[asset_id].asset.repo)
        if source is not None and source.commit and seen_at.get("commit") == source.commit:
            new += 1
    return PluginView(
        practice=practice,
        version=version,
        domains=tuple(domains),
        repositories=tuple(sorted((s.name for s in sources), key=str.lower)),
        total_assets=len(in_practice),
        new_assets=new,
        files=tuple(files),
    )
