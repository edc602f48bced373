"""One repository's discovery: its candidate files, what the cache already knows about them,
and the files still to read and parse.

A repository whose commit has not changed is not read at all (`reuse_repo`); in one whose commit
changed, only the files whose blob changed are parsed again (a result that depended on the
repository's file list is recomputed, from cached parses, when that list changed)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from scanner.discover.cache import ExtractionCache, entry_key
from scanner.discover.codecs import (
    CorruptEntryError,
    asset_from_cache,
    expect_int,
    expect_list,
    expect_object,
    expect_str,
    expect_str_list,
    issue_from_json,
    markdown_from_json,
    parsed_from_json,
)
from scanner.discover.pool import CachedParses, Chunk, FileJob, Outcome, parse_key
from scanner.discover.resolver import Loaded, Resolver
from scanner.discover.results import RepoDiscovery
from scanner.handlers import HandlerResult, select_handlers
from scanner.models import (
    Asset,
    JsonValue,
    MarkdownDoc,
    ScanIssue,
    Severity,
    SyncResult,
    TrackedFile,
)
from scanner.structured import Parsed

log = logging.getLogger("scanner")

CHUNK_FILES = 48  # files per task sent to a worker

# Load problems that depend only on the blob and the size cap: safe to remember.
_CACHEABLE_LOAD_CODES = frozenset({"not-text", "file-too-large"})


def key_of_repo(sync: SyncResult, max_file_bytes: int, version: str) -> str:
    return entry_key(
        "repo",
        sync.name,
        sync.commit,
        "\n".join(sync.include),
        "\n".join(sync.exclude),
        str(max_file_bytes),
        version=version,
    )


def _paths_hash(paths: Iterable[str]) -> str:
    return hashlib.sha256("\0".join(sorted(paths)).encode("utf-8", "surrogatepass")).hexdigest()


def _downgrade_for_code(handler_ids: Sequence[str], issue: ScanIssue) -> ScanIssue:
    if all(h == "code" for h in handler_ids) and issue.severity is Severity.WARNING:
        # Large or binary source files are common and not our concern.
        return ScanIssue(
            issue.stage,
            Severity.INFO,
            issue.code,
            issue.message,
            issue.repo,
            issue.path,
            issue.line,
        )
    return issue


def _decode_file_entry(
    value: JsonValue, paths_hash: str
) -> tuple[HandlerResult | None, list[str]] | None:
    """A cached handler result and the parse entries it came from; None when the result
    depended on the repository's file list and that list has changed since."""
    data = expect_object(value)
    context = expect_str(data.get("context"))
    if context and context != paths_hash:
        return None
    raw_asset = data.get("asset")
    asset = asset_from_cache(raw_asset) if raw_asset is not None else None
    issues = tuple(issue_from_json(i) for i in expect_list(data.get("issues")))
    children = expect_str_list(data.get("children"))
    if asset is None and not issues:
        return None, children  # no handler claimed the file
    return HandlerResult(asset, issues), children


_PARSE_KINDS = ("markdown", "frontmatter", "json")


def _with_cached_parses(
    cache: ExtractionCache | None, jobs: list[FileJob], version: str
) -> list[FileJob]:
    """The jobs, each with the parses of its blob that the cache holds (one lookup for all)."""
    if cache is None:
        return jobs
    keys = {
        (job.content_sha, kind): parse_key(kind, job.content_sha, version)
        for job in jobs
        for kind in _PARSE_KINDS
    }
    found = cache.get_many(keys.values(), older=True)
    if not found:
        return jobs
    out = []
    for job in jobs:
        markdown: MarkdownDoc | None = None
        frontmatter: Parsed | None = None
        json: Parsed | None = None
        for kind in _PARSE_KINDS:
            key = keys[(job.content_sha, kind)]
            if key not in found:
                continue
            try:
                if kind == "markdown":
                    markdown = markdown_from_json(found[key])
                elif kind == "frontmatter":
                    frontmatter = parsed_from_json(found[key])
                else:
                    json = parsed_from_json(found[key])
            except CorruptEntryError as err:
                cache.drop(key, why=str(err))
        parses = CachedParses(markdown, frontmatter, json)
        out.append(replace(job, parses=parses) if parses != CachedParses() else job)
    return out


def _repo_to_json(found: RepoDiscovery, candidates: int, children: Iterable[str]) -> JsonValue:
    return {
        "repo": found.repo,
        "assets": [a.to_json() for a in found.assets],
        "issues": [i.to_json() for i in found.issues],
        "files_listed": found.files_listed,
        "candidates": candidates,
        "paths": list[JsonValue](sorted(found.paths)),
        "children": list[JsonValue](sorted(children)),
    }


def _repo_from_json(value: JsonValue, seconds: float) -> tuple[RepoDiscovery, list[str]]:
    data = expect_object(value)
    candidates = expect_int(data.get("candidates"))
    found = RepoDiscovery(
        repo=expect_str(data.get("repo")),
        assets=tuple(asset_from_cache(a) for a in expect_list(data.get("assets"))),
        issues=tuple(issue_from_json(i) for i in expect_list(data.get("issues"))),
        files_listed=expect_int(data.get("files_listed")),
        files_parsed=0,
        seconds=seconds,
        paths=frozenset(expect_str_list(data.get("paths"))),
        cache_hits=candidates,
        reused=True,
    )
    return found, expect_str_list(data.get("children"))


def reuse_repo(
    sync: SyncResult, cache: ExtractionCache | None, repo_key: str
) -> RepoDiscovery | None:
    """The whole result of an unchanged commit, from the cache."""
    if cache is None or not repo_key:
        return None
    started = time.perf_counter()
    value = cache.get(repo_key)
    if value is None:
        return None
    try:
        found, used = _repo_from_json(value, 0.0)
    except CorruptEntryError as err:
        cache.drop(repo_key, why=str(err))
        return None
    if found.repo != sync.name:
        cache.drop(repo_key, why=f"it names {found.repo!r}, not {sync.name!r}")
        return None
    cache.mark_used(used)
    seconds = time.perf_counter() - started
    log.info("%s: unchanged at %s; reused in %.2fs", sync.name, sync.commit[:12], seconds)
    return replace(found, seconds=seconds)


class RepoPlan:
    """One repository whose commit is not in the cache: its candidate files, the results the
    cache already has, and the files still to load and parse."""

    def __init__(
        self,
        index: int,
        sync: SyncResult,
        cache: ExtractionCache | None,
        max_file_bytes: int,
        version: str,
    ) -> None:
        assert sync.checkout is not None
        self.started = time.perf_counter()
        self.index = index
        self.sync = sync
        self.cache = cache
        self.version = version
        self.repo_key = key_of_repo(sync, max_file_bytes, version) if sync.commit else ""
        self.resolver = Resolver(
            sync.name,
            sync.checkout,
            sync.commit,
            include=sync.include,
            exclude=sync.exclude,
            max_file_bytes=max_file_bytes,
        )
        self.repo_paths = frozenset(self.resolver.by_path)
        self.paths_hash = _paths_hash(self.repo_paths)
        self.assets: list[Asset] = []
        self.issues: list[ScanIssue] = []
        self.parsed = 0
        self.hits = 0
        self.children: set[str] = set()  # cache entries the result is built from

        selection = self._select()
        candidates: list[tuple[TrackedFile, tuple[str, ...]]] = []
        for entry in self.resolver.files:
            unsafe = self.resolver.path_issue(entry)
            if unsafe is not None:
                self.issues.append(unsafe)
                continue
            if entry.is_submodule:
                loaded_issue = self.resolver.load(entry)  # recorded, never entered
                if isinstance(loaded_issue, ScanIssue):
                    self.issues.append(loaded_issue)
                continue
            handler_ids = selection.get(entry.path)
            if handler_ids:
                candidates.append((entry, handler_ids))
        self.candidates = len(candidates)
        self.keys = {
            entry.path: (
                ""  # a symlink's content is another entry's: resolved, then parsed afresh
                if entry.is_symlink
                else entry_key(
                    "file",
                    sync.name,
                    entry.path,
                    entry.blob_sha,
                    str(max_file_bytes),
                    version=version,
                )
            )
            for entry, _ in candidates
        }
        self.misses: list[tuple[TrackedFile, tuple[str, ...]]] = []
        cached = cache.get_many(k for k in self.keys.values() if k) if cache else {}
        for entry, handler_ids in candidates:
            key = self.keys[entry.path]
            if cache is not None and key in cached and self._reuse_file(cache, key, cached[key]):
                continue
            self.misses.append((entry, handler_ids))

    def _select(self) -> dict[str, tuple[str, ...]]:
        """The handlers whose globs select each path (glob matching costs about 0.15 ms a
        path: remembered for each file list, which most new commits leave as it was)."""
        key = entry_key("selection", self.paths_hash, version=self.version)
        self.children.add(key)
        if self.cache is not None:
            value = self.cache.get(key)
            if value is not None:
                try:
                    return {
                        path: tuple(expect_str_list(ids))
                        for path, ids in expect_object(value).items()
                    }
                except CorruptEntryError as err:
                    self.cache.drop(key, why=str(err))
        selection: dict[str, tuple[str, ...]] = {}
        for path in sorted(self.repo_paths):
            handler_ids = tuple(h.id for h in select_handlers(path))
            if handler_ids:
                selection[path] = handler_ids
        if self.cache is not None:
            self.cache.put(
                key, "selection", {p: list[JsonValue](ids) for p, ids in selection.items()}
            )
        return selection

    def _reuse_file(self, cache: ExtractionCache, key: str, value: JsonValue) -> bool:
        try:
            decoded = _decode_file_entry(value, self.paths_hash)
        except CorruptEntryError as err:
            cache.drop(key, why=str(err))
            return False
        if decoded is None:
            return False
        result, children = decoded
        self._add(result)
        self.hits += 1
        self.children.add(key)
        self.children.update(children)
        cache.mark_used(children)
        return True

    def _add(self, result: HandlerResult | None) -> None:
        if result is not None:
            self.issues.extend(result.issues)
            if result.asset is not None:
                self.assets.append(result.asset)

    def chunks(self) -> Iterator[Chunk]:
        """Load the files still to parse, in chunks for the workers."""
        batch: list[FileJob] = []
        entries = [entry for entry, _ in self.misses]
        with self.resolver.opened():
            loads = self.resolver.load_many(entries)
            for (entry, handler_ids), (_, loaded) in zip(self.misses, loads, strict=True):
                job = self._load(entry, handler_ids, loaded)
                if job is None:
                    continue
                batch.append(job)
                if len(batch) >= CHUNK_FILES:
                    yield self._chunk(batch)
                    batch = []
        if batch:
            yield self._chunk(batch)

    def _load(
        self, entry: TrackedFile, handler_ids: tuple[str, ...], loaded: Loaded | ScanIssue
    ) -> FileJob | None:
        key = self.keys[entry.path]
        if isinstance(loaded, ScanIssue):
            issue = _downgrade_for_code(handler_ids, loaded)
            self.issues.append(issue)
            if self.cache is not None and key and issue.code in _CACHEABLE_LOAD_CODES:
                payload: JsonValue = {
                    "context": "",
                    "asset": None,
                    "issues": [issue.to_json()],
                    "children": [],
                }
                self.cache.put(key, "file", payload)
                self.children.add(key)
            return None
        return FileJob(
            path=entry.path,
            handler_ids=handler_ids,
            content_sha=loaded.content_sha,
            size=loaded.size,
            text=loaded.text,
            symlink_target=loaded.symlink_target,
            parses=CachedParses(),
            result_key=key,
        )

    def _chunk(self, batch: list[FileJob]) -> Chunk:
        return Chunk(
            index=self.index,
            repo=self.sync.name,
            repo_paths=self.repo_paths,
            paths_hash=self.paths_hash,
            version=self.version,
            caching=self.cache is not None,
            jobs=tuple(_with_cached_parses(self.cache, batch, self.version)),
        )

    def absorb(self, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            self._add(outcome.result)
            if outcome.parsed:
                self.parsed += 1
            elif outcome.reused_parse:
                self.hits += 1
            self.children.update(outcome.children)
            if self.cache is not None:
                for key, namespace, payload in outcome.new_entries:
                    self.cache.put_encoded(key, namespace, payload)
                    self.children.add(key)

    def finish(self) -> RepoDiscovery:
        found = RepoDiscovery(
            repo=self.sync.name,
            assets=tuple(sorted(self.assets, key=lambda a: a.id)),
            issues=tuple(sorted(self.issues, key=ScanIssue.sort_key)),
            files_listed=len(self.resolver.files),
            files_parsed=self.parsed,
            seconds=time.perf_counter() - self.started,
            paths=self.repo_paths,
            cache_hits=self.hits,
        )
        if self.cache is not None and self.repo_key:
            self.cache.put(
                self.repo_key, "repo", _repo_to_json(found, self.candidates, self.children)
            )
            self.cache.flush()
        log.info(
            "%s: %d assets; %d files parsed, %d from the cache",
            found.repo,
            len(found.assets),
            found.files_parsed,
            found.cache_hits,
        )
        return found
