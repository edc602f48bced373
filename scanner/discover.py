"""The discover stage: from synced checkouts to Assets and ScanIssues.

Glob rules select candidate files (no reads for the rest), the resolver hands each candidate's
text to the handlers in registry order, and the first that accepts it owns the asset.

Incremental: with an ExtractionCache (scanner/cache.py) a repository whose commit has not
changed is not read at all, and in one whose commit changed only the files whose blob changed
are parsed again (a result that depended on the repository's file list is recomputed, from
cached parses, when that list changed). Parsing runs in a process pool when there is enough of
it to pay for the workers; results are sorted, so serial and parallel runs are identical."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from functools import cached_property

from scanner import treesitter
from scanner.cache import (
    CorruptEntryError,
    ExtractionCache,
    code_facts_from_json,
    code_facts_to_json,
    encode_payload,
    entry_key,
    expect_int,
    expect_list,
    expect_object,
    expect_str,
    expect_str_list,
    extraction_version,
    issue_from_json,
    markdown_from_json,
    markdown_to_json,
    parsed_from_json,
    parsed_to_json,
)
from scanner.cache import asset_from_cache as _asset_from_cache
from scanner.handlers import BY_ID, HandlerResult, select_handlers
from scanner.handlers.base import FileInput
from scanner.models import (
    Asset,
    CodeFacts,
    JsonValue,
    MarkdownDoc,
    ScanIssue,
    Severity,
    Stage,
    SyncResult,
    TrackedFile,
)
from scanner.resolver import DEFAULT_MAX_FILE_BYTES, Loaded, Resolver
from scanner.structured import Parsed, parse_json, parse_yaml

log = logging.getLogger("scanner")

#: Below this many files to parse in a scan, a process pool costs more than it saves: its
#: start-up takes about 0.2 s on two cores, a file 1-5 ms.
PARALLEL_MIN_FILES = 200
CHUNK_FILES = 48  # files per task sent to a worker
_IN_FLIGHT_PER_WORKER = 3  # chunks queued per worker: bounds the text held in memory

# Load problems that depend only on the blob and the size cap: safe to remember.
_CACHEABLE_LOAD_CODES = frozenset({"not-text", "file-too-large"})


@dataclass(frozen=True, slots=True)
class RepoDiscovery:
    repo: str
    assets: tuple[Asset, ...]
    issues: tuple[ScanIssue, ...]
    files_listed: int
    files_parsed: int  # files for which a parse (tree-sitter, YAML, JSON) actually ran
    seconds: float
    paths: frozenset[str] = frozenset()  # every tracked path: the graph resolves links to them
    cache_hits: int = 0  # candidate files whose results or parses came from the cache
    reused: bool = False  # the whole result came from the cache: the commit had not changed


@dataclass(frozen=True, slots=True)
class Discovery:
    repos: tuple[RepoDiscovery, ...]

    @property
    def assets(self) -> tuple[Asset, ...]:
        return tuple(sorted((a for r in self.repos for a in r.assets), key=lambda a: a.id))

    @property
    def repo_files(self) -> dict[str, frozenset[str]]:
        return {r.repo: r.paths for r in self.repos}

    @property
    def issues(self) -> tuple[ScanIssue, ...]:
        return tuple(sorted((i for r in self.repos for i in r.issues), key=ScanIssue.sort_key))

    def stats(self) -> dict[str, int]:
        """Counters of the discover stage for the scan summary (no timings: the caller times
        the stage)."""
        return {
            "files_listed": sum(r.files_listed for r in self.repos),
            "files_parsed": sum(r.files_parsed for r in self.repos),
            "cache_hits": sum(r.cache_hits for r in self.repos),
            "repos": len(self.repos),
            "repos_reused": sum(1 for r in self.repos if r.reused),
        }


# --- running the handlers on one file ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CachedParses:
    """Pure parses of one blob found in the cache (None: not cached)."""

    markdown: MarkdownDoc | None = None
    frontmatter: Parsed | None = None
    json: Parsed | None = None
    code: CodeFacts | None = None


@dataclass(frozen=True, slots=True)
class _FileJob:
    path: str
    handler_ids: tuple[str, ...]  # the handlers whose globs select it, in registry order
    content_sha: str
    size: int
    text: str
    symlink_target: str
    parses: _CachedParses
    result_key: str  # where the handler result is cached; "" when it is not


@dataclass(frozen=True, slots=True)
class _Chunk:
    index: int  # which repository of the scan it belongs to
    repo: str
    repo_paths: frozenset[str]
    paths_hash: str
    version: str
    caching: bool  # encode cache payloads (no cache: do not spend the time)
    jobs: tuple[_FileJob, ...]


@dataclass(frozen=True, slots=True)
class _Outcome:
    path: str
    result: HandlerResult | None
    parsed: bool  # a parse actually ran
    reused_parse: bool  # a cached parse was used
    new_entries: tuple[tuple[str, str, bytes], ...]  # (key, namespace, payload) to store
    children: tuple[str, ...]  # parse entries the result was built from


def _parse_key(kind: str, blob_sha: str, version: str) -> str:
    return entry_key(kind, blob_sha, version=version)


class _CachingInput(FileInput):
    """A FileInput whose parses come from the cache when they can, and which records whether
    the handlers looked at the repository's file list (then the result depends on it)."""

    def __init__(self, repo: str, job: _FileJob, chunk: _Chunk) -> None:
        self._paths: frozenset[str] = chunk.repo_paths
        self._cached = job.parses
        self._version = chunk.version
        self._caching = chunk.caching
        self.new_entries: list[tuple[str, str, bytes]] = []
        self.children: list[str] = []
        self.fresh_parses = 0
        self.reused_parses = 0
        self.code_facts_asked = False
        super().__init__(
            repo,
            job.path,
            job.content_sha,
            job.size,
            job.text,
            chunk.repo_paths,
            symlink_target=job.symlink_target,
        )
        self.used_paths = False

    @property
    def repo_paths(self) -> frozenset[str]:
        self.used_paths = True
        return self._paths

    @repo_paths.setter
    def repo_paths(self, value: frozenset[str]) -> None:
        self._paths = value

    def _remember(self, kind: str, value: JsonValue) -> None:
        self.fresh_parses += 1
        key = _parse_key(kind, self.blob_sha, self._version)
        self.children.append(key)
        if self._caching:
            self.new_entries.append((key, kind, encode_payload(value)))

    def _reuse(self, kind: str) -> None:
        self.reused_parses += 1
        self.children.append(_parse_key(kind, self.blob_sha, self._version))

    @cached_property
    def markdown(self) -> MarkdownDoc:
        if self._cached.markdown is not None:
            self._reuse("markdown")
            return self._cached.markdown
        doc = treesitter.parse_markdown(self.text)
        self._remember("markdown", markdown_to_json(doc))
        return doc

    @cached_property
    def frontmatter(self) -> Parsed | None:
        if self.markdown.frontmatter is None:
            return None
        if self._cached.frontmatter is not None:
            self._reuse("frontmatter")
            return self._cached.frontmatter
        parsed = parse_yaml(self.markdown.frontmatter)
        self._remember("frontmatter", parsed_to_json(parsed))
        return parsed

    @cached_property
    def json(self) -> Parsed:
        if self._cached.json is not None:
            self._reuse("json")
            return self._cached.json
        parsed = parse_json(self.text)
        self._remember("json", parsed_to_json(parsed))
        return parsed

    def code_facts(self, language: str) -> CodeFacts:
        """Imports and calls of this file; ready for handlers once FileInput offers it."""
        self.code_facts_asked = True
        if self._cached.code is not None and self._cached.code.language == language:
            self._reuse(f"code:{language}")
            return self._cached.code
        facts = treesitter.parse_code(self.text.encode("utf-8"), language)
        self._remember(f"code:{language}", code_facts_to_json(facts))
        return facts


def _parse_with_handlers(
    fi: _CachingInput, handler_ids: Sequence[str]
) -> tuple[HandlerResult | None, bool]:
    """The first handler result, and whether the `code` handler parsed source with tree-sitter
    on its own, not through `code_facts` (then no cached parse could serve it)."""
    code_parsed = False
    for handler in (BY_ID[h] for h in handler_ids):
        try:
            result = handler.parse(fi)
        except (ValueError, RecursionError, UnicodeError) as err:
            # A parser defect on odd input costs this file, not the scan.
            issue = fi.issue(
                Severity.ERROR,
                "parse-failed",
                f"{handler.id} handler could not parse this file: {type(err).__name__}: {err}",
            )
            result = HandlerResult(None, (issue,))
        if handler.id == "code" and not fi.code_facts_asked:
            code_parsed = code_parsed or treesitter.language_for_path(fi.path) is not None
        if result is not None:
            return result, code_parsed
    return None, code_parsed


def _result_to_json(result: HandlerResult | None) -> tuple[JsonValue, list[JsonValue]]:
    if result is None:
        return None, []
    asset = result.asset.to_json() if result.asset is not None else None
    return asset, [i.to_json() for i in result.issues]


def _run_chunk(chunk: _Chunk) -> tuple[int, list[_Outcome]]:
    """Run the handlers on every file of a chunk (in a pool worker, or in-process)."""
    outcomes = []
    for job in chunk.jobs:
        fi = _CachingInput(chunk.repo, job, chunk)
        result, code_parsed = _parse_with_handlers(fi, job.handler_ids)
        entries = list(fi.new_entries)
        if chunk.caching and job.result_key:
            asset, issues = _result_to_json(result)
            payload: JsonValue = {
                "context": chunk.paths_hash if fi.used_paths else "",
                "asset": asset,
                "issues": issues,
                "children": list(fi.children),
            }
            entries.append((job.result_key, "file", encode_payload(payload)))
        outcomes.append(
            _Outcome(
                path=job.path,
                result=result,
                parsed=fi.fresh_parses > 0 or code_parsed,
                reused_parse=fi.reused_parses > 0 and not code_parsed,
                new_entries=tuple(entries),
                children=tuple(fi.children),
            )
        )
    return chunk.index, outcomes


# --- the process pool -----------------------------------------------------------------------


def _warm_worker() -> None:
    """Build the Markdown grammars once per worker, before the first chunk arrives."""
    treesitter.parse_markdown("# warm\n")


class _Workers:
    """Runs chunks in a process pool or in this process; yields results as they finish (the
    caller sorts everything, so the order does not show in any result)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: this process may have threads (GitPython's pumps and timers)
            # holding locks. Measured on two cores: spawn 0.17 s to the first result,
            # forkserver 0.26 s, fork 0.02 s.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=context, initializer=_warm_worker
            )
        return self._pool

    def run(
        self, chunks: Iterable[_Chunk], *, parallel: bool
    ) -> Iterator[tuple[int, list[_Outcome]]]:
        if not parallel or self.jobs == 1:
            for chunk in chunks:
                yield _run_chunk(chunk)
            return
        pool = self._executor()
        pending: set[Future[tuple[int, list[_Outcome]]]] = set()
        limit = self.jobs * _IN_FLIGHT_PER_WORKER
        for chunk in chunks:
            pending.add(pool.submit(_run_chunk, chunk))
            if len(pending) >= limit:
                # Whichever finishes first: a slow chunk must not leave the others idle.
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in done)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


# --- one repository -------------------------------------------------------------------------


def _repo_key(sync: SyncResult, max_file_bytes: int, version: str) -> str:
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
    asset = _asset_from_cache(raw_asset) if raw_asset is not None else None
    issues = tuple(issue_from_json(i) for i in expect_list(data.get("issues")))
    children = expect_str_list(data.get("children"))
    if asset is None and not issues:
        return None, children  # no handler claimed the file
    return HandlerResult(asset, issues), children


def _parse_kinds(path: str) -> list[str]:
    language = treesitter.language_for_path(path)
    return ["markdown", "frontmatter", "json"] + ([f"code:{language}"] if language else [])


def _with_cached_parses(
    cache: ExtractionCache | None, jobs: list[_FileJob], version: str
) -> list[_FileJob]:
    """The jobs, each with the parses of its blob that the cache holds (one lookup for all)."""
    if cache is None:
        return jobs
    keys = {
        (job.content_sha, kind): _parse_key(kind, job.content_sha, version)
        for job in jobs
        for kind in _parse_kinds(job.path)
    }
    found = cache.get_many(keys.values(), older=True)
    if not found:
        return jobs
    out = []
    for job in jobs:
        markdown: MarkdownDoc | None = None
        frontmatter: Parsed | None = None
        json: Parsed | None = None
        code: CodeFacts | None = None
        for kind in _parse_kinds(job.path):
            key = keys[(job.content_sha, kind)]
            if key not in found:
                continue
            try:
                if kind == "markdown":
                    markdown = markdown_from_json(found[key])
                elif kind == "frontmatter":
                    frontmatter = parsed_from_json(found[key])
                elif kind == "json":
                    json = parsed_from_json(found[key])
                else:
                    code = code_facts_from_json(found[key])
            except CorruptEntryError as err:
                cache.drop(key, why=str(err))
        parses = _CachedParses(markdown, frontmatter, json, code)
        out.append(replace(job, parses=parses) if parses != _CachedParses() else job)
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
        assets=tuple(_asset_from_cache(a) for a in expect_list(data.get("assets"))),
        issues=tuple(issue_from_json(i) for i in expect_list(data.get("issues"))),
        files_listed=expect_int(data.get("files_listed")),
        files_parsed=0,
        seconds=seconds,
        paths=frozenset(expect_str_list(data.get("paths"))),
        cache_hits=candidates,
        reused=True,
    )
    return found, expect_str_list(data.get("children"))


def _reuse_repo(
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


class _RepoPlan:
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
        self.repo_key = _repo_key(sync, max_file_bytes, version) if sync.commit else ""
        self.resolver = Resolver(
            sync.name,
            sync.checkout,
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

    def chunks(self) -> Iterator[_Chunk]:
        """Load the files still to parse, in chunks for the workers."""
        batch: list[_FileJob] = []
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
    ) -> _FileJob | None:
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
        return _FileJob(
            path=entry.path,
            handler_ids=handler_ids,
            content_sha=loaded.content_sha,
            size=loaded.size,
            text=loaded.text,
            symlink_target=loaded.symlink_target,
            parses=_CachedParses(),
            result_key=key,
        )

    def _chunk(self, batch: list[_FileJob]) -> _Chunk:
        return _Chunk(
            index=self.index,
            repo=self.sync.name,
            repo_paths=self.repo_paths,
            paths_hash=self.paths_hash,
            version=self.version,
            caching=self.cache is not None,
            jobs=tuple(_with_cached_parses(self.cache, batch, self.version)),
        )

    def absorb(self, outcomes: Iterable[_Outcome]) -> None:
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


def discover_all(
    results: Sequence[SyncResult],
    *,
    jobs: int = 1,
    cache: ExtractionCache | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Discovery:
    """Discover every repository that synced; failed ones contribute nothing here (the catalog
    stage keeps their previous assets as stale).

    `cache` makes it incremental. `jobs` > 1 parses in that many worker processes when the scan
    has at least PARALLEL_MIN_FILES files to parse; one stream of chunks crosses repository
    boundaries, so no worker waits for the next repository to be read."""
    synced = [sync for sync in results if sync.ok]
    return _discover(synced, jobs=jobs, cache=cache, max_file_bytes=max_file_bytes)


def discover_repo(
    sync: SyncResult,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    cache: ExtractionCache | None = None,
    jobs: int = 1,
) -> RepoDiscovery:
    """Every asset in one synced checkout."""
    (found,) = _discover([sync], jobs=jobs, cache=cache, max_file_bytes=max_file_bytes).repos
    return found


def _discover(
    syncs: Sequence[SyncResult],
    *,
    jobs: int,
    cache: ExtractionCache | None,
    max_file_bytes: int,
) -> Discovery:
    version = cache.version if cache is not None else extraction_version()
    found: dict[int, RepoDiscovery] = {}
    changed: list[tuple[int, SyncResult]] = []
    for index, sync in enumerate(syncs):
        if sync.checkout is None:
            raise ValueError(f"{sync.name} has no checkout to discover")
        repo_key = _repo_key(sync, max_file_bytes, version) if sync.commit else ""
        reused = _reuse_repo(sync, cache, repo_key)
        if reused is not None:
            found[index] = reused
        else:
            changed.append((index, sync))

    # Plan repositories (list files, match globs, look up the cache) until there is enough to
    # parse to start the pool; the rest are planned while the workers parse.
    plans: dict[int, _RepoPlan] = {}
    to_plan = iter(changed)
    to_parse = 0
    for index, sync in to_plan:
        plans[index] = _RepoPlan(index, sync, cache, max_file_bytes, version)
        to_parse += len(plans[index].misses)
        if to_parse >= PARALLEL_MIN_FILES:
            break

    def all_chunks() -> Iterator[_Chunk]:
        for plan in list(plans.values()):
            yield from plan.chunks()
        for index, sync in to_plan:
            plans[index] = _RepoPlan(index, sync, cache, max_file_bytes, version)
            yield from plans[index].chunks()

    workers = _Workers(jobs)
    try:
        for index, outcomes in workers.run(all_chunks(), parallel=to_parse >= PARALLEL_MIN_FILES):
            plans[index].absorb(outcomes)
    finally:
        workers.close()
    for index, plan in plans.items():
        found[index] = plan.finish()
    return Discovery(tuple(found[index] for index in sorted(found)))


def issue_for_failed_sync(sync: SyncResult) -> ScanIssue:
    return ScanIssue(
        Stage.SYNC,
        Severity.ERROR,
        "sync-failed",
        f"could not sync {sync.url}: {sync.reason}",
        repo=sync.name,
    )
