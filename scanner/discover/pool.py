"""Running the handlers on candidate files, in a process pool or in this process.

A chunk of files goes to a worker; its results, and the cache entries the worker encoded, come
back. A worker that dies (a parser crashing the interpreter, the kernel's OOM killer) breaks the
pool: the chunks it held are run again one file at a time in a single fresh worker, so the file
that kills a worker costs that file alone (a `parser-crashed` ScanIssue) and the rest is scanned.

Test fault injection: in pool workers only, a file whose content blob SHA equals
$SCANNER_FAULT_CRASH_BLOB makes the worker exit at once (os._exit), as a crashing parser would.
Nothing reads it outside workers, so it can never kill the scan itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import cached_property

from scanner import treesitter
from scanner.discover.cache import encode_payload, entry_key
from scanner.discover.codecs import markdown_to_json, parsed_to_json
from scanner.handlers import BY_ID, HandlerResult
from scanner.handlers.base import FileInput
from scanner.models import JsonValue, MarkdownDoc, ScanIssue, Severity, Stage
from scanner.structured import Parsed, parse_json, parse_yaml

log = logging.getLogger("scanner")

CRASH_ENV = "SCANNER_FAULT_CRASH_BLOB"
_IN_FLIGHT_PER_WORKER = 3  # chunks queued per worker: bounds the text held in memory
# spawn, not fork: this process may have threads (GitPython's pumps and timers) holding locks.
# Measured on two cores: spawn 0.17 s to the first result, forkserver 0.26 s, fork 0.02 s.
_CONTEXT = multiprocessing.get_context("spawn")


@dataclass(frozen=True, slots=True)
class CachedParses:
    """Pure parses of one blob found in the cache (None: not cached)."""

    markdown: MarkdownDoc | None = None
    frontmatter: Parsed | None = None
    json: Parsed | None = None


@dataclass(frozen=True, slots=True)
class FileJob:
    path: str
    handler_ids: tuple[str, ...]  # the handlers whose globs select it, in registry order
    content_sha: str
    size: int
    text: str
    symlink_target: str
    parses: CachedParses
    result_key: str  # where the handler result is cached; "" when it is not


@dataclass(frozen=True, slots=True)
class Chunk:
    index: int  # which repository of the scan it belongs to
    repo: str
    repo_paths: frozenset[str]
    paths_hash: str
    version: str
    caching: bool  # encode cache payloads (no cache: do not spend the time)
    jobs: tuple[FileJob, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    result: HandlerResult | None
    parsed: bool  # a parse actually ran
    reused_parse: bool  # a cached parse was used
    new_entries: tuple[tuple[str, str, bytes], ...]  # (key, namespace, payload) to store
    children: tuple[str, ...]  # parse entries the result was built from


def parse_key(kind: str, blob_sha: str, version: str) -> str:
    return entry_key(kind, blob_sha, version=version)


class _CachingInput(FileInput):
    """A FileInput whose parses come from the cache when they can, and which records whether
    the handlers looked at the repository's file list (then the result depends on it)."""

    def __init__(self, repo: str, job: FileJob, chunk: Chunk) -> None:
        self._paths: frozenset[str] = chunk.repo_paths
        self._cached = job.parses
        self._version = chunk.version
        self._caching = chunk.caching
        self.new_entries: list[tuple[str, str, bytes]] = []
        self.children: list[str] = []
        self.fresh_parses = 0
        self.reused_parses = 0
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
        key = parse_key(kind, self.blob_sha, self._version)
        self.children.append(key)
        if self._caching:
            self.new_entries.append((key, kind, encode_payload(value)))

    def _reuse(self, kind: str) -> None:
        self.reused_parses += 1
        self.children.append(parse_key(kind, self.blob_sha, self._version))

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


def _parse_with_handlers(
    fi: _CachingInput, handler_ids: Sequence[str]
) -> tuple[HandlerResult | None, bool]:
    """The first handler result, and whether the `code` handler parsed source with tree-sitter
    (its parses are not cached: they are cheap next to reading the blob)."""
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
        if handler.id == "code":
            code_parsed = code_parsed or treesitter.language_for_path(fi.path) is not None
        if result is not None:
            return result, code_parsed
    return None, code_parsed


def _result_to_json(result: HandlerResult | None) -> tuple[JsonValue, list[JsonValue]]:
    if result is None:
        return None, []
    asset = result.asset.to_json() if result.asset is not None else None
    return asset, [i.to_json() for i in result.issues]


def run_chunk(chunk: Chunk) -> tuple[int, list[Outcome]]:
    """Run the handlers on every file of a chunk (in a pool worker, or in-process)."""
    outcomes = []
    crash_on = os.environ.get(CRASH_ENV, "") if _in_worker else ""
    for job in chunk.jobs:
        if crash_on and job.content_sha == crash_on:
            os._exit(86)  # test fault injection: die as a parser crash would
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
            Outcome(
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


_in_worker = False  # set in pool workers only: fault injection never kills the scan itself


def _warm_worker() -> None:
    """Build the Markdown grammars once per worker, before the first chunk arrives."""
    global _in_worker
    _in_worker = True
    treesitter.parse_markdown("# warm\n")


class Workers:
    """Runs chunks in a process pool or in this process; yields results as they finish (the
    caller sorts everything, so the order does not show in any result)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._pool: ProcessPoolExecutor | None = None
        self._single: ProcessPoolExecutor | None = None  # isolates files after a crash

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=_CONTEXT, initializer=_warm_worker
            )
        return self._pool

    def _broken(self) -> None:
        """Forget a pool whose worker died: every task it held has failed."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def run(
        self, chunks: Iterable[Chunk], *, parallel: bool
    ) -> Iterator[tuple[int, list[Outcome]]]:
        if not parallel or self.jobs == 1:
            for chunk in chunks:
                yield run_chunk(chunk)
            return
        pending: dict[Future[tuple[int, list[Outcome]]], Chunk] = {}
        failed: list[Chunk] = []  # chunks a dying worker took down: retried file by file
        limit = self.jobs * _IN_FLIGHT_PER_WORKER

        def collect(
            done: Iterable[Future[tuple[int, list[Outcome]]]],
        ) -> Iterator[tuple[int, list[Outcome]]]:
            broke = False
            for future in done:
                chunk = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    failed.append(chunk)
                    broke = True
            if broke:
                # A broken pool fails every task it still holds; keep what had finished.
                wait(pending)
                for future, chunk in pending.items():
                    if future.cancelled() or future.exception() is not None:
                        failed.append(chunk)
                    else:
                        yield future.result()
                pending.clear()
                self._broken()

        pool = self._executor()
        for chunk in chunks:
            if self._pool is None:  # the last one broke
                pool = self._executor()
            try:
                future = pool.submit(run_chunk, chunk)
            except BrokenProcessPool:
                # A worker died after the last wait: the pool refuses work before any of its
                # failed tasks was collected. Collect them all, then go on with a new pool.
                yield from collect(list(pending))
                self._broken()
                pool = self._executor()
                future = pool.submit(run_chunk, chunk)
            pending[future] = chunk
            if len(pending) >= limit:
                # Whichever finishes first: a slow chunk must not leave the others idle.
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                yield from collect(done)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            yield from collect(done)
        for chunk in sorted(failed, key=lambda c: (c.index, c.jobs[0].path)):
            yield self._one_by_one(chunk)

    def _one_by_one(self, chunk: Chunk) -> tuple[int, list[Outcome]]:
        """A chunk whose worker died, again, one file at a time in one worker: the file during
        which the worker dies is the culprit, and becomes a ScanIssue."""
        outcomes: list[Outcome] = []
        for job in chunk.jobs:
            if self._single is None:
                self._single = ProcessPoolExecutor(
                    max_workers=1, mp_context=_CONTEXT, initializer=_warm_worker
                )
            try:
                _, (outcome,) = self._single.submit(run_chunk, replace(chunk, jobs=(job,))).result()
            except BrokenProcessPool:
                self._single.shutdown(wait=False, cancel_futures=True)
                self._single = None
                log.warning("%s: a worker process died parsing %s", chunk.repo, job.path)
                outcome = _crashed(chunk.repo, job)
            outcomes.append(outcome)
        return chunk.index, outcomes

    def close(self) -> None:
        for pool in (self._pool, self._single):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._single = None


def _crashed(repo: str, job: FileJob) -> Outcome:
    issue = ScanIssue(
        Stage.DISCOVER,
        Severity.ERROR,
        "parser-crashed",
        "the worker process parsing this file died (a crash in a parser); not scanned",
        repo=repo,
        path=job.path,
    )
    return Outcome(job.path, HandlerResult(None, (issue,)), False, False, (), ())
