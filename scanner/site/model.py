"""What the static site shows, computed from the scan's typed results: one record per page.

Nothing here writes or formats HTML (the templates do, with autoescape); this module decides
page paths, which references point where, and the data file the search page loads."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.catalog import Catalog, CatalogEntry
from scanner.ids import asset_id, path_of, pin_to_asset_id, repo_of
from scanner.links import blob_url
from scanner.models import JsonObject, JsonValue, ScanIssue, SyncResult
from scanner.practices import Practice

SITE_SCHEMA_VERSION = 1
DATA_FILE = "data/catalog.js"
# Of a description, searched and shown (clamped to three lines by the stylesheet); Claude Code
# caps descriptions at 1,024 characters, so this cuts only the odd harvested outlier.
SUMMARY_CHARS = 1024
FACETS = ("repo", "kind", "practice", "domain")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _slug(text: str, limit: int) -> str:
    # Leading dots and underscores would hide the file (dotfiles; Jekyll skips "_" names).
    return _UNSAFE.sub("-", text).strip("-._")[:limit].rstrip("-._")


def asset_page(id_: str) -> str:
    """The page of an asset, relative to the site root: readable, file-system safe, and unique
    (a short hash of the id tells apart paths that sanitise to the same name)."""
    repo, path = _slug(repo_of(id_), 60) or "repo", _slug(path_of(id_), 80) or "asset"
    digest = hashlib.sha256(id_.encode("utf-8")).hexdigest()[:10]
    return f"assets/{repo}/{path}-{digest}.html"


def issue_rows(
    issues: Iterable[ScanIssue], pages: Mapping[str, str]
) -> list[tuple[ScanIssue, str, str]]:
    """Each issue with where it is (an asset id, or the repository) and that asset's page."""
    rows: list[tuple[ScanIssue, str, str]] = []
    for issue in issues:
        where = asset_id(issue.repo, issue.path) if issue.path else issue.repo
        rows.append((issue, where, pages.get(where, "")))
    return rows


def practice_page(practice_id: str) -> str:
    return f"practices/{_slug(practice_id, 60)}.html"


def display_value(value: JsonValue) -> str:
    """A front matter value as text: strings as they are, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Reference:
    """One edge of the reference graph as an asset page lists it."""

    type: str
    status: str  # resolved, broken, unknown
    other: str  # the asset id (or path, or text) at the other end
    raw: str
    line: int
    page: str  # the other asset's page, "" when the other end is not an asset


@dataclass(frozen=True, slots=True)
class AssetPage:
    entry: CatalogEntry
    path: str
    source: SyncResult | None
    # The first scanned commit at which the file had these bytes (CatalogEntry.content_commit;
    # the repository's commit for a catalog older than the field), and the file there on
    # GitHub ("" for other hosts).
    commit: str
    permalink: str
    issues: tuple[ScanIssue, ...]
    outgoing: tuple[Reference, ...]
    incoming: tuple[Reference, ...]
    frontmatter: tuple[tuple[str, str], ...]
    domain_titles: Mapping[str, str]  # "practice/domain" -> title

    @property
    def heading(self) -> str:
        asset = self.entry.asset
        return asset.title or asset.name or asset.path


@dataclass(frozen=True, slots=True)
class DomainView:
    practice: str
    id: str
    title: str
    summary: str
    assets: tuple[tuple[CatalogEntry, float, bool], ...]  # entry, score, featured


@dataclass(frozen=True, slots=True)
class PracticeView:
    practice: Practice
    path: str
    domains: tuple[DomainView, ...]
    gaps: JsonObject
    asset_count: int


def _edges(graph: Any) -> list[tuple[str, str, Mapping[str, Any]]]:
    """Every edge of the reference graph (built by the scan, or loaded from graph.json)."""
    if graph is None:
        return []
    return sorted(
        ((str(u), str(v), data) for u, v, data in graph.edges(data=True)),
        key=lambda e: (e[0], e[1], str(e[2].get("type", ""))),
    )


def references(
    graph: Any, pages: Mapping[str, str]
) -> tuple[dict[str, list[Reference]], dict[str, list[Reference]]]:
    """Per asset: what it refers to, and which assets refer to it."""
    outgoing: dict[str, list[Reference]] = {}
    incoming: dict[str, list[Reference]] = {}
    for source, target, data in _edges(graph):
        kind = str(data.get("type", ""))
        status = str(data.get("status", "resolved"))
        raw = str(data.get("raw", ""))
        line = int(data.get("line", 0) or 0)
        if source in pages:
            outgoing.setdefault(source, []).append(
                Reference(kind, status, target, raw, line, pages.get(target, ""))
            )
        if target in pages and source in pages and source != target:
            incoming.setdefault(target, []).append(
                Reference(kind, status, source, raw, line, pages[source])
            )
    return outgoing, incoming


def domain_titles(practices: Sequence[Practice]) -> dict[str, str]:
    return {f"{p.id}/{d.id}": f"{p.title} · {d.title}" for p in practices for d in p.domains}


def asset_pages(catalog: Catalog, practices: Sequence[Practice], graph: Any) -> list[AssetPage]:
    pages = {e.asset.id: asset_page(e.asset.id) for e in catalog.entries}
    outgoing, incoming = references(graph, pages)
    sources = {s.name: s for s in catalog.sources}
    issues: dict[tuple[str, str], list[ScanIssue]] = {}
    for issue in catalog.issues:
        issues.setdefault((issue.repo, issue.path), []).append(issue)
    titles = domain_titles(practices)
    out: list[AssetPage] = []
    for entry in catalog.entries:
        asset = entry.asset
        source = sources.get(asset.repo)
        commit = entry.content_commit or (source.commit if source else "")
        permalink = blob_url(source.url, commit, asset.path) if source else ""
        out.append(
            AssetPage(
                entry=entry,
                path=pages[asset.id],
                source=source,
                commit=commit,
                permalink=permalink,
                issues=tuple(issues.get((asset.repo, asset.path), ())),
                outgoing=tuple(outgoing.get(asset.id, ())),
                incoming=tuple(incoming.get(asset.id, ())),
                frontmatter=tuple(
                    (key, display_value(value)) for key, value in sorted(asset.frontmatter.items())
                ),
                domain_titles=titles,
            )
        )
    return out


def practice_views(
    catalog: Catalog, practices: Sequence[Practice], gaps: JsonObject
) -> list[PracticeView]:
    gaps_by_id: dict[str, JsonObject] = {}
    raw_gaps = gaps.get("practices")
    for item in raw_gaps if isinstance(raw_gaps, list) else []:
        if isinstance(item, dict) and isinstance(item.get("practice"), str):
            gaps_by_id[str(item["practice"])] = item
    views: list[PracticeView] = []
    for practice in sorted(practices, key=lambda p: p.id):
        domains: list[DomainView] = []
        members: set[str] = set()
        for domain in practice.domains:
            featured = {pin_to_asset_id(pin) for pin in domain.featured}
            found: list[tuple[CatalogEntry, float, bool]] = []
            for entry in catalog.entries:
                for assignment in entry.domains:
                    if assignment.practice == practice.id and assignment.domain == domain.id:
                        found.append((entry, assignment.score, entry.asset.id in featured))
                        members.add(entry.asset.id)
            found.sort(key=lambda item: (-item[1], item[0].asset.id))
            domains.append(
                DomainView(
                    practice.id, domain.id, domain.title, domain.summary.strip(), tuple(found)
                )
            )
        views.append(
            PracticeView(
                practice,
                practice_page(practice.id),
                tuple(domains),
                gaps_by_id.get(practice.id, {}),
                len(members),
            )
        )
    return views


def _summary(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[: SUMMARY_CHARS - 1].rstrip() + "…"


def search_records(pages: Iterable[AssetPage]) -> list[JsonObject]:
    records: list[JsonObject] = []
    for page in pages:
        entry = page.entry
        asset = entry.asset
        domains: list[JsonValue] = [*sorted({f"{d.practice}/{d.domain}" for d in entry.domains})]
        practice_ids: list[JsonValue] = [*sorted({d.practice for d in entry.domains})]
        records.append(
            {
                "id": asset.id,
                "repo": asset.repo,
                "path": asset.path,
                "kind": asset.kind.value,
                "title": page.heading,
                "name": asset.name,
                "summary": _summary(asset.description),
                "practice": practice_ids,
                "domain": domains,
                "status": entry.status,
                "issues": len(page.issues),
                "url": page.path,
            }
        )
    return records


def _script_json(data: JsonValue) -> str:
    """JSON that stays inert as JavaScript: ASCII only (whatever encoding the file is read in),
    and no `<` (so even inlined in a page it could never close a script element)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=True).replace("<", "\\u003c")


def data_script(
    records: Sequence[JsonObject], practices: Sequence[Practice], catalog: Catalog
) -> str:
    """The search page's data as a script (a <script src> loads it: fetch() of a local file
    fails under file://). One asset per line, so a nightly diff of the file reads well."""
    counts = Counter(str(r["kind"]) for r in records)
    header: dict[str, JsonValue] = {
        "schema_version": SITE_SCHEMA_VERSION,
        "facets": list(FACETS),
        "labels": {
            "practice": {p.id: p.title for p in practices},
            "domain": dict(sorted(domain_titles(practices).items())),
        },
        "repositories": [s.name for s in catalog.sources],
        "kinds": [*sorted(counts)],
        "total": len(records),
    }
    head = _script_json(header)
    lines = [_script_json(r) for r in records]
    body = ",\n".join(lines)
    return (
        "// Generated by the ProAgent asset scanner (scanner site). Do not edit.\n"
        f'window.SCANNER_SITE = {head[:-1]}, "assets": [\n{body}\n]}};\n'
    )
