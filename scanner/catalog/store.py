"""Reading catalog.json: the one place that does, into the same typed Catalog a scan builds
(the baseline of the next scan, and what the commands that need no scan read)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scanner.catalog.model import ACTIVE, ANNOTATION_FIELDS, Catalog, CatalogEntry
from scanner.errors import ScannerError
from scanner.git.safety import SHA_RE
from scanner.models import (
    Asset,
    JsonObject,
    ScanIssue,
    asset_from_json,
    assignment_from_json,
    issue_from_json,
    sync_result_from_json,
)
from scanner.readback import MAX_OWN_JSON_BYTES, OwnFileError, parse_own_json


def _objects(data: JsonObject, key: str) -> list[JsonObject]:
    value = data.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def entry_from_json(raw: JsonObject) -> CatalogEntry:
    """A catalog entry as catalog.json holds it, every enrichment field included."""
    status = raw.get("status")
    rank = raw.get("rank")
    duplicate = raw.get("duplicate_of")
    bundle = raw.get("bundle")
    first_seen = raw.get("first_seen")
    content_commit = raw.get("content_commit")
    return CatalogEntry(
        asset=asset_from_json(raw),
        status=status if isinstance(status, str) else ACTIVE,
        domains=tuple(assignment_from_json(d) for d in _objects(raw, "domains")),
        rank=float(rank) if isinstance(rank, int | float) else 0.0,
        duplicate_of=duplicate if isinstance(duplicate, str) else "",
        bundle=tuple(b for b in bundle if isinstance(b, str)) if isinstance(bundle, list) else (),
        first_seen=first_seen if isinstance(first_seen, dict) else {},
        annotations={k: raw[k] for k in ANNOTATION_FIELDS if k in raw},
        # It goes into permalinks: anything but a commit id is dropped (recomputed this scan).
        content_commit=content_commit
        if isinstance(content_commit, str) and SHA_RE.match(content_commit)
        else "",
    )


def catalog_from_document(data: JsonObject, where: str = "catalog.json") -> Catalog:
    """A Catalog from the parsed document of a catalog.json."""
    try:
        entries = tuple(entry_from_json(raw) for raw in _objects(data, "assets"))
        sources = tuple(sync_result_from_json(raw) for raw in _objects(data, "sources"))
        issues = tuple(issue_from_json(raw) for raw in _objects(data, "issues"))
    except ValueError as err:  # an asset kind, stage or status this version does not know
        raise ScannerError(f"{where} has a value this version does not know: {err}") from err
    except (TypeError, AttributeError, KeyError) as err:  # a field of the wrong type
        raise OwnFileError(
            f"{where}: not a catalog this version can read ({type(err).__name__}); "
            "restore it from git or rerun `scanner scan`"
        ) from err
    return Catalog(
        sources=tuple(sorted(sources, key=lambda s: s.name)),
        entries=tuple(sorted(entries, key=lambda e: e.asset.id)),
        issues=tuple(sorted(issues, key=ScanIssue.sort_key)),
    )


def parse_catalog(data: str | bytes, where: str) -> Catalog:
    """A Catalog from the bytes (or text) of a catalog.json; `where` names it in errors. The
    one reader of catalog.json: a file we wrote earlier, read as hostile (scanner.readback)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    document = parse_own_json(raw, where, "the catalog")
    if not isinstance(document, dict) or not isinstance(document.get("assets"), list):
        raise ScannerError(f"{where}: not a scanner catalog (no `assets` list)")
    return catalog_from_document(document, where)


def read_catalog(path: Path) -> Catalog:
    """The catalog.json at `path`."""
    try:
        size = path.stat().st_size
        if size > MAX_OWN_JSON_BYTES:
            raise OwnFileError(f"{path}: {size} bytes, more than a scan ever writes")
        data = path.read_bytes()
    except OSError as err:
        raise ScannerError(f"{path}: cannot read catalog: {err.strerror}") from err
    return parse_catalog(data, str(path))


@dataclass(frozen=True, slots=True)
class Baseline:
    """The previous catalog (None: there is none, every asset is new), and the commit each of
    its repositories was at."""

    catalog: Catalog | None = None
    commits: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # repo -> commit, date

    @classmethod
    def of(cls, catalog: Catalog | None) -> Baseline:
        if catalog is None:
            return cls()
        commits = {s.name: (s.commit, s.commit_date) for s in catalog.sources if s.commit}
        return cls(catalog, commits)

    @property
    def entries(self) -> tuple[CatalogEntry, ...]:
        return self.catalog.entries if self.catalog is not None else ()

    def for_repo(self, repo: str) -> list[Asset]:
        return [e.asset for e in self.entries if e.asset.repo == repo]


EMPTY_BASELINE = Baseline()


def load_baseline(path: Path) -> Baseline:
    """The catalog a previous scan wrote; an absent file is an empty baseline."""
    return Baseline.of(read_catalog(path) if path.exists() else None)
