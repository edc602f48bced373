"""Redaction of whole records: every text field of what discovery and sync hand on.

The handler registry redacts each handler's result as it is made (so the extraction cache
never holds a secret); this pass covers what no handler makes: paths (a folder named like a
token), symlink targets, the messages of discovery's and the resolver's own issues, every
tracked path the graph resolves links against, and the sync results (git's errors). It
walks every field, so a field added later is covered without anyone remembering to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

from scanner.discover import Discovery, RepoDiscovery
from scanner.handlers.base import LEAKED_SECRET
from scanner.models import Asset, ScanIssue, Severity, Stage, SyncResult
from scanner.redaction_memo import RedactionMemo, content_key
from scanner.secrets import redact, redact_json

_R = TypeVar("_R")


def _redact_value(value: Any) -> Any:
    if type(value) is str:  # exactly str: enums are str too, and are ours
        return redact(value)
    if isinstance(value, Mapping):
        return redact_json(dict(value))
    if isinstance(value, tuple):
        return tuple(_redact_value(item) for item in value)
    if isinstance(value, frozenset):
        return frozenset(_redact_value(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return redact_record(value)
    return value


def redact_record(record: _R) -> _R:
    """`record` (a frozen dataclass) with every secret in every text field replaced, nested
    records, tuples and mappings included; the same object when nothing changed."""
    assert is_dataclass(record) and not isinstance(record, type)
    changes: dict[str, Any] = {}
    for spec in fields(record):
        value = getattr(record, spec.name)
        clean = _redact_value(value)
        if clean != value:
            changes[spec.name] = clean
    return replace(record, **changes) if changes else record


def _redact_memoized(record: _R, memo: RedactionMemo | None) -> _R:
    """`redact_record`, skipped when this exact content was clean before (see the memo)."""
    if memo is None:
        return redact_record(record)
    key = content_key(record)
    if memo.was_clean(key):
        return record
    clean = redact_record(record)
    if clean is record:
        memo.found_clean(key)
    return clean


def _redact_paths(paths: frozenset[str], memo: RedactionMemo | None) -> frozenset[str]:
    listed = sorted(paths)
    if memo is None:
        return frozenset(redact_lines(listed))
    key = content_key(tuple(listed))
    if memo.was_clean(key):
        return paths
    clean = frozenset(redact_lines(listed))
    if clean == paths:
        memo.found_clean(key)
    return clean


def _leak(asset: Asset) -> ScanIssue:
    return ScanIssue(
        Stage.DISCOVER,
        Severity.ERROR,
        LEAKED_SECRET,
        "a literal credential appears in this file's path or link target; it is redacted in "
        "the catalog and everything generated from it: rename the file and rotate it",
        repo=asset.repo,
        path=asset.path,
    )


def _redact_repo(found: RepoDiscovery, memo: RedactionMemo | None) -> RepoDiscovery:
    assets: list[Asset] = []
    issues = [redact_record(i) for i in found.issues]
    leaked = {(i.repo, i.path) for i in issues if i.code == LEAKED_SECRET}
    for asset in found.assets:
        clean = _redact_memoized(asset, memo)
        assets.append(clean)
        if clean != asset and (clean.repo, clean.path) not in leaked:
            issues.append(_leak(clean))
            leaked.add((clean.repo, clean.path))
    paths = _redact_paths(found.paths, memo)
    if paths == found.paths and assets == list(found.assets) and issues == list(found.issues):
        return found
    return replace(found, assets=tuple(assets), issues=tuple(issues), paths=paths)


def redact_lines(texts: list[str]) -> list[str]:
    """`redact` of each text, in one pass over all of them (a repository lists thousands of
    paths): joined by newlines, which only the private key rule reads across."""
    if any("\n" in t for t in texts):
        return [redact(t) for t in texts]
    clean = redact("\n".join(texts)).split("\n")
    return clean if len(clean) == len(texts) else [redact(t) for t in texts]


def redact_discovery(discovery: Discovery, memo: RedactionMemo | None = None) -> Discovery:
    """Discovery with no secret left in any asset, issue or path; with a memo, records found
    clean in the last scan with the same content and code are not read again."""
    return Discovery(tuple(_redact_repo(r, memo) for r in discovery.repos))


def redact_sources(sources: tuple[SyncResult, ...]) -> tuple[SyncResult, ...]:
    """Sync results with no secret in a URL or a git error message."""
    return tuple(redact_record(s) for s in sources)
