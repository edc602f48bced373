"""The clone cache: one blobless bare clone per source under `<workdir>/repos/<name>`.

A clone is made in `<workdir>/repos/.tmp-<name>-<random>` and renamed into place only once it is
complete, so a killed run never leaves a half-made clone at the final path; leftovers are deleted
by the next sync. Clones are bare and partial (`--filter=blob:none`): no working tree, no index,
so no checkout ever runs a filter, a hook, a submodule update or an LFS smudge, and a file name
the file system would refuse costs nothing. Discovery reads the blobs it needs from the object
store (plumbing.py). The commit a sync settled on is HEAD (detached), which `inspect_clones`
reads back when a command works without the network.

A cached clone is trusted only as far as it is checked: it must be a bare repository whose
`config` holds nothing but the keys this module writes, with the manifest's URL as origin, no
alternates, and a readable tree at the commit. Anything else (an old-style checkout, garbage in
HEAD or config, deleted objects) is not repaired in place: the clone is made again.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import git
from git.exc import CommandError

from scanner.errors import ScannerError
from scanner.git.safety import (
    SOURCE_NAME_RE,
    clone_git,
    git_env,
    git_message,
    is_commit_sha,
    redact_text,
    redact_url,
    ref_problem,
    runner,
    url_problem,
)
from scanner.models import SourceSpec, SyncResult, SyncStatus

logger = logging.getLogger("scanner")

Action = Literal["cloned", "updated", "failed"]

_ALL_REFS = ("+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*")
_TMP_PREFIX = ".tmp-"

# What `git init --bare`, `git remote add` and a filtered fetch write; nothing else belongs in a
# clone's config (keys as `git config --list` prints them: section and name in lower case).
_OWN_CONFIG = frozenset(
    {
        "core.repositoryformatversion",
        "core.filemode",
        "core.bare",
        "core.ignorecase",
        "core.precomposeunicode",
        "core.logallrefupdates",
        "remote.origin.url",
        "remote.origin.fetch",
        "remote.origin.promisor",
        "remote.origin.partialclonefilter",
        "extensions.partialclone",
    }
)

# Phrases in git's messages that mean the remote is the trouble, so re-cloning will not help.
_REMOTE_TROUBLE = (
    "could not read from remote repository",
    "unable to access",
    "could not resolve host",
    "repository not found",
    "does not appear to be a git repository",
    "authentication failed",
    "permission denied",
    "connection refused",
    "connection timed out",
    "couldn't find remote ref",
    "not our ref",
    "unadvertised object",
    "not reachable from any branch or tag",
)


def clone_path(workdir: Path, name: str) -> Path:
    """Where the clone of repository `name` lives (it may be stale or absent)."""
    return workdir / "repos" / name


class _StepError(Exception):
    """One git step of one repository failed; `message` is already redacted."""

    def __init__(self, step: str, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.step = step
        self.message = message
        self.timed_out = timed_out


class _BrokenClone(Exception):
    """The cached clone cannot be trusted or used as it is; a fresh clone replaces it."""


def _config_entries(clone: Path) -> dict[str, list[str]]:
    """The clone's own config file, read as data (`git config --file`: nothing in it is
    acted on)."""
    run = runner(clone.parent)
    run.update_environment(GIT_CEILING_DIRECTORIES=str(clone.parent.absolute()))
    try:
        raw = run.execute(
            ["git", "config", "--file", str(clone.absolute() / "config"), "--list", "-z"],
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
    except CommandError as err:
        raise _BrokenClone(f"its config is unreadable ({git_message(err)})") from err
    entries: dict[str, list[str]] = {}
    for item in (raw if isinstance(raw, bytes) else b"").split(b"\0"):
        if item:
            key, _, value = item.decode("utf-8", "replace").partition("\n")
            entries.setdefault(key.lower(), []).append(value)
    return entries


def check_clone(clone: Path, url: str) -> None:
    """Raise _BrokenClone unless `clone` looks like a clone this module made from `url`."""
    if clone.is_symlink() or not clone.is_dir():
        raise _BrokenClone(f"{clone} is not a directory")
    if (clone / ".git").exists():
        raise _BrokenClone("it is a checkout with a working tree (an older scanner made it)")
    for part in ("HEAD", "config", "objects", "refs"):
        if (clone / part).is_symlink() or not (clone / part).exists():
            raise _BrokenClone(f"its {part} is missing")
    if (clone / "objects" / "info" / "alternates").exists():
        raise _BrokenClone("it borrows objects from elsewhere (objects/info/alternates)")
    entries = _config_entries(clone)
    unexpected = sorted(set(entries) - _OWN_CONFIG)
    if unexpected:
        raise _BrokenClone(f"its config has settings the scanner never writes: {unexpected}")
    if entries.get("core.bare") != ["true"]:
        raise _BrokenClone("it is not a bare repository")
    if entries.get("remote.origin.url") != [url]:
        raise _BrokenClone("its origin URL differs from the manifest")


@dataclass(slots=True)
class _Job:
    """The state of one repository's sync: its spec and its deadline."""

    spec: SourceSpec
    timeout: float
    deadline: float

    def run(self, run: git.Git, step: str, *args: str) -> str:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _StepError(step, self._timeout_text(step), timed_out=True)
        try:
            out = run.execute(["git", *args], kill_after_timeout=remaining)
        except CommandError as err:
            if time.monotonic() >= self.deadline:
                raise _StepError(step, self._timeout_text(step), timed_out=True) from err
            raise _StepError(step, f"{step} failed: {git_message(err)}") from err
        return out if isinstance(out, str) else ""

    def _timeout_text(self, step: str) -> str:
        return (
            f"timed out after {self.timeout:g}s during {step}; check the network or raise --timeout"
        )

    # -- the steps ----------------------------------------------------------------------------

    def fetch(self, run: git.Git, *refspecs: str, filtered: bool = True) -> None:
        options = ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules"]
        try:
            self.run(
                run,
                "fetch",
                *options,
                "--filter=blob:none" if filtered else "--no-filter",
                "--",
                "origin",
                *refspecs,
            )
        except _StepError as err:
            # Servers without filter support usually ignore it with a warning; some refuse.
            if not filtered or err.timed_out or "filter" not in err.message.lower():
                raise
            logger.debug("%s: the server refused --filter; fetching everything", self.spec.name)
            self.fetch(run, *refspecs, filtered=False)

    def has_commit(self, run: git.Git, sha: str) -> bool:
        try:
            self.run(run, "look-up", "cat-file", "-e", f"{sha}^{{commit}}")
        except _StepError as err:
            if err.timed_out:
                raise
            return False
        return True

    def resolve(self, run: git.Git) -> str:
        """Fetch what the spec asks for and return its commit SHA."""
        ref = self.spec.ref
        if ref is not None and is_commit_sha(ref):
            if self.has_commit(run, ref):
                return ref  # already here (a pinned SHA does not move): no network
            try:
                self.fetch(run, ref)
            except _StepError as err:
                if err.timed_out:
                    raise
                # Servers may refuse a want that is not a ref tip: fetch every branch and tag.
                logger.debug("%s: fetching %s refused (%s); full fetch", self.spec.name, ref, err)
                self.fetch(run, *_ALL_REFS)
            if not self.has_commit(run, ref):
                raise _StepError(
                    "fetch",
                    f"commit {ref} is not in {redact_url(self.spec.url)} "
                    "(not reachable from any branch or tag); fix `ref` in the manifest",
                )
            return ref
        try:
            self.fetch(run, ref or "HEAD")
        except _StepError as err:
            if "couldn't find remote ref" in err.message.lower():
                what = f"ref '{ref}'" if ref else "a default branch (HEAD)"
                raise _StepError(
                    "fetch",
                    f"{redact_url(self.spec.url)} has no {what}; fix `ref` in the manifest",
                ) from err
            raise
        return self.run(run, "rev-parse", "rev-parse", "--verify", "FETCH_HEAD^{commit}").strip()

    def settle(self, run: git.Git, sha: str) -> str:
        """Check the tree of `sha` is whole, point HEAD at it; return its committer date."""
        remaining = self.deadline - time.monotonic()
        try:
            # Every tree of the commit must be readable (a blobless clone has them all; a
            # missing one is fetched from the promisor); a damaged store fails here, for this
            # repository alone, and is cloned again.
            run.execute(
                ["git", "ls-tree", "-r", "-z", "--full-tree", sha],
                stdout_as_string=False,
                kill_after_timeout=max(remaining, 0.1),
            )
        except CommandError as err:
            raise _BrokenClone(
                f"the tree of {sha[:12]} is unreadable ({git_message(err)})"
            ) from err
        self.run(run, "update-ref", "update-ref", "--no-deref", "HEAD", sha)
        return self.run(
            run, "show", "show", "-s", "--no-show-signature", "--format=%cI", sha
        ).strip()

    # -- clone and update ------------------------------------------------------------------------

    def clone(self, repos_dir: Path) -> tuple[Path, str, str]:
        """Build a fresh clone in a temporary sibling directory; return (dir, sha, date).
        The caller renames the directory into place; on failure the directory is removed."""
        tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{self.spec.name}-", dir=repos_dir))
        tmp.chmod(0o755)  # mkdtemp makes it 0700
        try:
            # `--template=` copies no hooks or other files from the user's template directory.
            self.run(
                runner(repos_dir),
                "init",
                "init",
                "--quiet",
                "--bare",
                "--template=",
                "--",
                str(tmp),
            )
            run = clone_git(tmp)
            self.run(run, "remote add", "remote", "add", "--", "origin", self.spec.url)
            sha = self.resolve(run)
            date = self.settle(run, sha)
        except _BrokenClone as err:
            _remove_tree(tmp)
            raise _StepError("clone", str(err)) from err
        except BaseException:
            _remove_tree(tmp)
            raise
        return tmp, sha, date

    def update(self, clone: Path, known: str | None) -> tuple[str, str]:
        """Bring an existing clone to the spec's ref; return (sha, date). `known`: the commit
        `ls-remote` just saw the ref at; when the clone has it, there is nothing to fetch."""
        check_clone(clone, self.spec.url)
        run = clone_git(clone)
        if known is not None and is_commit_sha(known) and self.has_commit(run, known):
            sha = known
        else:
            sha = self.resolve(run)
        return sha, self.settle(run, sha)


def _remove_tree(path: Path) -> None:
    """Delete a clone or a leftover; a symlink is unlinked, never followed."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path)


def _replace(final: Path, fresh: Path) -> None:
    """Put `fresh` at `final`, removing whatever was there (a broken clone)."""
    if final.is_symlink() or final.exists():
        doomed = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}old-", dir=final.parent))
        old = doomed / "old"
        final.rename(old)
        fresh.rename(final)
        _remove_tree(doomed)
    else:
        fresh.rename(final)


def _remote_trouble(message: str) -> bool:
    lowered = message.lower()
    return any(phrase in lowered for phrase in _REMOTE_TROUBLE)


def _failed(spec: SourceSpec, reason: str) -> SyncResult:
    return SyncResult(
        name=spec.name,
        url=redact_url(spec.url),
        ref=spec.ref,
        status=SyncStatus.FAILED,
        reason=redact_text(reason),
        include=spec.include,
        exclude=spec.exclude,
    )


def spec_problem(spec: SourceSpec) -> str | None:
    """Defence in depth: the manifest loader checks all of this too."""
    if not SOURCE_NAME_RE.match(spec.name):
        return f"invalid repository name {spec.name!r}"
    problem = url_problem(spec.url)
    if problem:
        return f"refused URL {redact_url(spec.url)}: {problem}"
    if spec.ref is not None and (problem := ref_problem(spec.ref)):
        return f"refused ref {spec.ref!r}: {problem}"
    return None


def _sync_one(
    spec: SourceSpec, repos_dir: Path, timeout: float, known: str | None
) -> tuple[SyncResult, Action]:
    def failed(reason: str) -> tuple[SyncResult, Action]:
        logger.info("%s: sync failed: %s", spec.name, redact_text(reason))
        return _failed(spec, reason), "failed"

    problem = spec_problem(spec)
    if problem:
        return failed(problem)
    job = _Job(spec=spec, timeout=timeout, deadline=time.monotonic() + timeout)
    final = clone_path(repos_dir.parent, spec.name)
    action: Action = "cloned"
    try:
        if final.is_symlink() or final.exists():
            try:
                sha, date = job.update(final, known)
            except _BrokenClone as err:
                logger.warning("%s: %s; cloning it again", spec.name, redact_text(str(err)))
            except _StepError as err:
                if err.timed_out or _remote_trouble(err.message):
                    # The previous clone stays as it was: later stages use it as stale.
                    return failed(f"{err.message} (the previous checkout is kept)")
                logger.warning(
                    "%s: updating the clone failed (%s); cloning it again", spec.name, err.message
                )
            else:
                action = "updated"
        if action == "cloned":
            fresh, sha, date = job.clone(repos_dir)
            _replace(final, fresh)
    except _StepError as err:
        return failed(err.message)
    except OSError as err:
        return failed(f"file system error: {err.strerror or err} ({err.filename or final})")
    logger.info("%s: %s at %s", spec.name, action, sha[:12])
    result = SyncResult(
        name=spec.name,
        url=redact_url(spec.url),
        ref=spec.ref,
        status=SyncStatus.OK,
        commit=sha,
        commit_date=date,
        checkout=final,
        include=spec.include,
        exclude=spec.exclude,
    )
    return result, action


def _remove_leftovers(repos_dir: Path) -> None:
    for leftover in repos_dir.glob(f"{_TMP_PREFIX}*"):
        logger.info("removing the leftover %s of an interrupted sync", leftover)
        try:
            _remove_tree(leftover)
        except OSError as err:
            logger.warning("cannot remove %s: %s", leftover, err)


def _unique(specs: Sequence[SourceSpec]) -> tuple[list[SourceSpec], list[SyncResult]]:
    """Specs with distinct names (case-insensitively: they are directory names), and a failure
    for each later one with a name already taken."""
    unique: list[SourceSpec] = []
    clashes: list[SyncResult] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.name.lower() in seen:
            clashes.append(_failed(spec, "another repository has the same name"))
            continue
        seen.add(spec.name.lower())
        unique.append(spec)
    return unique, clashes


def sync_sources(
    specs: Sequence[SourceSpec],
    workdir: Path,
    *,
    timeout: float,
    jobs: int,
    on_progress: Callable[[str, str], None] | None = None,
    known: Mapping[str, str | None] | None = None,
) -> tuple[SyncResult, ...]:
    """Clone or update every repository in parallel; results sorted by name. A repository that
    fails is reported (status FAILED, a reason) and the others go on. `on_progress(name,
    action)` is called from the calling thread with "cloned", "updated" or "failed". `known`:
    name -> the commit `remote_commits` just saw; a clone that has it fetches nothing."""
    repos_dir = workdir.absolute() / "repos"
    try:
        repos_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ScannerError(f"cannot create {repos_dir}: {err.strerror or err}") from err
    _remove_leftovers(repos_dir)
    unique, results = _unique(specs)
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="sync")
    try:
        futures = [
            pool.submit(_sync_one, spec, repos_dir, timeout, (known or {}).get(spec.name))
            for spec in unique
        ]
        for future in as_completed(futures):
            result, action = future.result()
            results.append(result)
            if on_progress is not None:
                on_progress(result.name, action)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return tuple(sorted(results, key=lambda r: r.name))


def inspect_clones(specs: Sequence[SourceSpec], workdir: Path) -> tuple[SyncResult, ...]:
    """The clones a previous sync left, at the commit it settled on, without touching the
    network (`scanner discover`). A repository with no usable clone is FAILED, with the command
    that fixes it."""
    results = []
    for spec in specs:
        clone = clone_path(workdir.absolute(), spec.name)
        if not clone.exists():
            results.append(_failed(spec, f"no clone at {clone}; run `scanner sync` first"))
            continue
        try:
            check_clone(clone, spec.url)
            run = clone_git(clone)
            sha = str(run.execute(["git", "rev-parse", "--verify", "HEAD^{commit}"])).strip()
            date = str(
                run.execute(["git", "show", "-s", "--no-show-signature", "--format=%cI", sha])
            ).strip()
            run.execute(["git", "ls-tree", "-r", "-z", "--full-tree", sha], stdout_as_string=False)
        except _BrokenClone as err:
            reason = f"clone {clone} is unusable: {err}; run `scanner sync` again"
            results.append(_failed(spec, reason))
            continue
        except CommandError as err:
            reason = f"clone {clone} is unusable: {git_message(err)}; run `scanner sync` again"
            results.append(_failed(spec, reason))
            continue
        results.append(
            SyncResult(
                name=spec.name,
                url=redact_url(spec.url),
                ref=spec.ref,
                status=SyncStatus.OK,
                commit=sha,
                commit_date=date,
                checkout=clone,
                include=spec.include,
                exclude=spec.exclude,
            )
        )
    return tuple(sorted(results, key=lambda r: r.name))


# --- what the remotes point at, without fetching (the no-op check) --------------------------------

# Where git looks for a short ref name, in its order (git rev-parse's rules).
_REF_RULES = ("{}", "refs/{}", "refs/tags/{}", "refs/heads/{}", "refs/remotes/{}")


def _pick(advertised: dict[str, str], ref: str | None) -> str | None:
    names = ("HEAD",) if ref is None else tuple(rule.format(ref) for rule in _REF_RULES)
    for name in names:
        peeled = advertised.get(f"{name}^{{}}")  # an annotated tag: the commit it tags
        if peeled or name in advertised:
            return peeled or advertised[name]
    return None


def _remote_commit(spec: SourceSpec, workdir: Path, timeout: float) -> str | None:
    """The commit the spec's ref names upstream now (one `git ls-remote`), or None when that
    cannot be told (a refused spec, an unreachable remote, no such ref)."""
    if spec_problem(spec) is not None:
        return None
    if spec.ref is not None and is_commit_sha(spec.ref):
        return spec.ref
    run = runner(workdir)
    run.update_environment(GIT_CEILING_DIRECTORIES=str(workdir.absolute().parent))
    # An annotated tag is listed twice: the tag object, and `<name>^{}`, the commit it tags.
    patterns = ["HEAD"] if spec.ref is None else [spec.ref, f"{spec.ref}^{{}}"]
    try:
        out = run.execute(
            ["git", "ls-remote", "--quiet", "--", spec.url, *patterns], kill_after_timeout=timeout
        )
    except CommandError as err:
        logger.info("%s: ls-remote failed: %s", spec.name, git_message(err))
        return None
    advertised: dict[str, str] = {}
    for line in str(out).splitlines():
        sha, _, name = line.partition("\t")
        advertised[name] = sha
    return _pick(advertised, spec.ref)


def remote_commits(
    specs: Sequence[SourceSpec], workdir: Path, *, timeout: float, jobs: int
) -> dict[str, str | None]:
    """Name -> the commit each source's ref names upstream (None: unknown), all in parallel."""
    workdir.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, jobs, len(specs))) as pool:
        futures = {s.name: pool.submit(_remote_commit, s, workdir, timeout) for s in specs}
        return {name: future.result() for name, future in futures.items()}


__all__ = [
    "check_clone",
    "clone_path",
    "git_env",
    "inspect_clones",
    "remote_commits",
    "sync_sources",
]
