"""Everything that touches git. This is the only module that imports GitPython.

Safety rules (ARCHITECTURE.md, "Safety rules"): URLs and refs are validated before git sees
them and are always passed after `--`; `ext::` and other `<transport>::` forms are refused;
git never prompts; hooks never run; submodules are never fetched; credentials embedded in a
URL never reach a message (`redact_url`, `redact_text`).

Clone cache layout: `<workdir>/repos/<name>` is an ordinary checkout (working tree + `.git`).
A clone is built in `<workdir>/repos/.tmp-<name>-<random>` and renamed into place only once it
is complete, so a killed run never leaves a half-made checkout at the final path; leftovers are
deleted by the next sync.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Literal
from urllib.parse import urlsplit

import git
from git.exc import CommandError

from scanner.errors import LockedError, ScannerError
from scanner.models import SourceSpec, SyncResult, SyncStatus, TrackedFile

logger = logging.getLogger("scanner")

Action = Literal["cloned", "updated", "failed"]

#: Names double as directory names under <workdir>/repos: one safe path component.
SOURCE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
ALLOWED_SCHEMES = ("https", "http", "ssh", "git", "file")

_SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
# Hex digits and letters, 7 to 64 of them, yet not a full lower-case SHA: an abbreviated or
# upper-case SHA, which git cannot fetch. (Digits only may be a date tag: allowed.)
_HEXISH_RE = re.compile(r"[0-9a-fA-F]{7,64}")
_ALL_REFS = ("+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*")
_TMP_PREFIX = ".tmp-"

# Configuration forced on every git call, through GIT_CONFIG_COUNT (git >= 2.31) so that it
# wins over the user's and the repository's configuration.
_FORCED_CONFIG = (
    ("core.hooksPath", "/dev/null"),  # never run a hook (ours, the user's, a template's)
    ("core.fsmonitor", "false"),
    ("submodule.recurse", "false"),  # never follow .gitmodules URLs from harvested repos
    ("fetch.recurseSubmodules", "false"),
    ("protocol.ext.allow", "never"),  # defence in depth; git's default is already "never"
    ("advice.detachedHead", "false"),
    ("gc.autoDetach", "false"),  # no background gc racing with the rename of a fresh clone
    ("maintenance.auto", "false"),
)


def _git_env() -> dict[str, str]:
    env = {
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_SSH_COMMAND": "ssh -oBatchMode=yes",
        "GCM_INTERACTIVE": "never",
        "GIT_CONFIG_COUNT": str(len(_FORCED_CONFIG)),
    }
    for index, (key, value) in enumerate(_FORCED_CONFIG):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


class BlobUnavailableError(ScannerError):
    """A blob the index names cannot be read from the checkout."""


class CheckoutError(ScannerError):
    """A checkout cannot be read (not a git repository, corrupt index)."""


# --- credentials, URLs and refs -----------------------------------------------------------------

# `scheme://` then everything up to the last `@` of the authority: the userinfo.
_USERINFO_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]*@")


def redact_url(url: str) -> str:
    """`https://user:token@host/x` -> `https://***@host/x`; other URLs are returned as they are."""
    return _USERINFO_RE.sub(r"\g<scheme>***@", url)


def redact_text(text: str) -> str:
    """Redact the userinfo of every URL inside a free text (a git error message)."""
    return _USERINFO_RE.sub(r"\g<scheme>***@", text)


_TRANSPORT_RE = re.compile(r"^[A-Za-z0-9+.-]+::")  # git's `<transport>::<address>` form
_SCHEME_RE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")
_SCP_LIKE_RE = re.compile(
    r"^(?:[A-Za-z0-9_][A-Za-z0-9._-]*@)?"  # optional user
    r"(?:[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])"  # host or [IPv6]
    r":(?!//)\S+$"  # :path
)


def url_problem(url: str) -> str | None:
    """Why git must not be given this URL, or None when it is acceptable."""
    if not url:
        return "the URL is empty"
    if url.startswith("-"):
        return "a URL must not start with '-' (git would read it as an option)"
    transport = _TRANSPORT_RE.match(url)
    if transport:
        return (
            f"the '{transport.group(0)}' transport form is refused (it can run commands); "
            f"use an {', '.join(ALLOWED_SCHEMES)} URL"
        )
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return "the URL contains whitespace or control characters"
    scheme_match = _SCHEME_RE.match(url)
    if scheme_match is None:
        if _SCP_LIKE_RE.match(url):
            return None
        return (
            "not a URL: use https://, http://, ssh://, git://, file:///absolute/path "
            "or user@host:path"
        )
    scheme = scheme_match.group("scheme")
    if scheme not in ALLOWED_SCHEMES:
        return f"scheme '{scheme}' is not allowed; use one of {', '.join(ALLOWED_SCHEMES)}"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as err:
        return f"the URL cannot be parsed: {err}"
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return "a file URL must look like file:///absolute/path"
    else:
        if not host:
            return "the URL has no host"
        if parts.netloc.startswith("-") or host.startswith("-"):
            return "the host must not start with '-'"
    if not parts.path.strip("/"):
        return "the URL has no repository path"
    return None


_REF_FORBIDDEN_CHARS = frozenset(" ~^:?*[\\")


def is_commit_sha(ref: str) -> bool:
    return _SHA_RE.match(ref) is not None


def ref_problem(ref: str) -> str | None:
    """Why `ref` is not a plausible branch, tag or full commit SHA (git check-ref-format
    rules, as a one-level-or-more name), or None when it is acceptable."""
    if is_commit_sha(ref):
        return None
    if not ref:
        return "the ref is empty"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in ref):
        return "the ref contains control characters"
    bad = sorted({ch for ch in ref if ch in _REF_FORBIDDEN_CHARS})
    if bad:
        shown = " ".join("space" if ch == " " else repr(ch) for ch in bad)
        return f"the ref contains characters git forbids in ref names: {shown}"
    if ref.startswith(("-", "/", "+")):
        return f"the ref must not start with '{ref[0]}'"
    if ref.endswith(("/", ".")):
        return f"the ref must not end with '{ref[-1]}'"
    if ".." in ref:
        return "the ref must not contain '..'"
    if "//" in ref:
        return "the ref must not contain '//'"
    if "@{" in ref:
        return "the ref must not contain '@{'"
    if ref == "@":
        return "the ref must not be '@'"
    for component in ref.split("/"):
        if component.startswith("."):
            return f"no part of the ref may start with '.' ({component!r})"
        if component.endswith(".lock"):
            return f"no part of the ref may end with '.lock' ({component!r})"
    if _HEXISH_RE.fullmatch(ref) and re.search(r"\d", ref) and re.search(r"[a-fA-F]", ref):
        return (
            "the ref looks like an abbreviated or upper-case commit SHA; "
            "use the full SHA in lower case"
        )
    return None


# --- running git ----------------------------------------------------------------------------------


def checkout_path(workdir: Path, name: str) -> Path:
    """Where the checkout of repository `name` lives (it may be stale or absent)."""
    return workdir / "repos" / name


def _checkout_git(checkout: Path) -> git.Git:
    """A git runner bound to one checkout. GIT_DIR and GIT_WORK_TREE are explicit so that git
    never discovers an enclosing repository (the work directory may sit inside a project)."""
    checkout = checkout.absolute()  # git runs in `checkout`: relative paths would not resolve
    runner = git.Git(str(checkout))
    runner.update_environment(
        **_git_env(),
        GIT_DIR=str(checkout / ".git"),
        GIT_WORK_TREE=str(checkout),
    )
    return runner


def _git_message(err: CommandError) -> str:
    """The most useful line of what git printed: the first `fatal:`/`error:` line, else the last
    non-empty one; credentials redacted."""
    stderr = err.stderr if isinstance(err.stderr, str) else str(err.stderr)
    stderr = stderr.strip()
    stderr = stderr.removeprefix("stderr:").strip().strip("'").strip()
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "from promisor remote" in line:  # a partial clone could not fetch a blob it needs
            detail = line.partition(":")[2].strip() if line.startswith("fatal:") else line
            return redact_text(
                f"{detail} (the remote lacks a file of this commit, or could not be reached)"
            )
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return redact_text(line.partition(":")[2].strip())
    if lines:
        return redact_text(lines[-1])
    return f"git exited with status {err.status}"


class _StepError(Exception):
    """One git step of one repository failed; `message` is already redacted."""

    def __init__(self, step: str, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.step = step
        self.message = message
        self.timed_out = timed_out


class _LocalCheckoutProblem(Exception):
    """The existing checkout cannot be updated in place; a fresh clone may repair it."""


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


@dataclass(slots=True)
class _Job:
    """The state of one repository's sync: its spec and its deadline."""

    spec: SourceSpec
    timeout: float
    deadline: float

    def run(self, runner: git.Git, step: str, *args: str) -> str:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _StepError(step, self._timeout_text(step), timed_out=True)
        try:
            out = runner.execute(["git", *args], kill_after_timeout=remaining)
        except CommandError as err:
            if time.monotonic() >= self.deadline:
                raise _StepError(step, self._timeout_text(step), timed_out=True) from err
            raise _StepError(step, f"{step} failed: {_git_message(err)}") from err
        return out if isinstance(out, str) else ""

    def _timeout_text(self, step: str) -> str:
        return (
            f"timed out after {self.timeout:g}s during {step}; check the network or raise --timeout"
        )

    # -- the steps ----------------------------------------------------------------------------

    def fetch(self, runner: git.Git, *refspecs: str, filtered: bool = True) -> None:
        options = ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules"]
        try:
            self.run(
                runner,
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
            self.fetch(runner, *refspecs, filtered=False)

    def has_commit(self, runner: git.Git, sha: str) -> bool:
        try:
            self.run(runner, "look-up", "cat-file", "-e", f"{sha}^{{commit}}")
        except _StepError as err:
            if err.timed_out:
                raise
            return False
        return True

    def resolve(self, runner: git.Git) -> str:
        """Fetch what the spec asks for and return its commit SHA."""
        ref = self.spec.ref
        if ref is not None and is_commit_sha(ref):
            if self.has_commit(runner, ref):
                return ref  # already here (a pinned SHA does not move): no network
            try:
                self.fetch(runner, ref)
            except _StepError as err:
                if err.timed_out:
                    raise
                # Servers may refuse a want that is not a ref tip: fetch every branch and tag.
                logger.debug("%s: fetching %s refused (%s); full fetch", self.spec.name, ref, err)
                self.fetch(runner, *_ALL_REFS)
            if not self.has_commit(runner, ref):
                raise _StepError(
                    "fetch",
                    f"commit {ref} is not in {redact_url(self.spec.url)} "
                    "(not reachable from any branch or tag); fix `ref` in the manifest",
                )
            return ref
        try:
            self.fetch(runner, ref or "HEAD")
        except _StepError as err:
            if "couldn't find remote ref" in err.message.lower():
                what = f"ref '{ref}'" if ref else "a default branch (HEAD)"
                raise _StepError(
                    "fetch",
                    f"{redact_url(self.spec.url)} has no {what}; fix `ref` in the manifest",
                ) from err
            raise
        return self.run(runner, "rev-parse", "rev-parse", "--verify", "FETCH_HEAD^{commit}").strip()

    def check_out(self, runner: git.Git, sha: str) -> str:
        """Make the working tree exactly `sha`; return its committer date (ISO 8601)."""
        self.run(runner, "checkout", "checkout", "--quiet", "--force", "--detach", sha, "--")
        self.run(runner, "clean", "clean", "-ffdxq")
        head = self.run(runner, "rev-parse", "rev-parse", "--verify", "HEAD").strip()
        if head != sha:
            raise _StepError("checkout", f"checkout left HEAD at {head[:12]}, not {sha[:12]}")
        return self.run(runner, "show", "show", "-s", "--format=%cI", sha).strip()

    # -- clone and update ------------------------------------------------------------------------

    def clone(self, repos_dir: Path) -> tuple[Path, str, str]:
        """Build a fresh checkout in a temporary sibling directory; return (dir, sha, date).
        The caller renames the directory into place; on failure the directory is removed."""
        tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{self.spec.name}-", dir=repos_dir))
        tmp.chmod(0o755)  # mkdtemp makes it 0700; the checkout is an ordinary directory
        try:
            # `--template=` copies no hooks or other files from the user's template directory.
            init = git.Git(str(tmp))
            init.update_environment(**_git_env())
            self.run(init, "init", "init", "--quiet", "--template=", "--", str(tmp))
            runner = _checkout_git(tmp)
            self.run(runner, "remote add", "remote", "add", "--", "origin", self.spec.url)
            sha = self.resolve(runner)
            date = self.check_out(runner, sha)
        except BaseException:
            _remove_tree(tmp)
            raise
        return tmp, sha, date

    def update(self, checkout: Path) -> tuple[str, str]:
        """Bring an existing checkout to the spec's ref; return (sha, date)."""
        dot_git = checkout / ".git"
        if checkout.is_symlink() or dot_git.is_symlink() or not dot_git.is_dir():
            raise _LocalCheckoutProblem(f"{checkout} is not a git checkout")
        runner = _checkout_git(checkout)
        try:
            origin = self.run(runner, "config", "config", "--get", "remote.origin.url").strip()
        except _StepError as err:
            raise _LocalCheckoutProblem(f"cannot read its origin ({err.message})") from err
        if origin != self.spec.url:
            raise _LocalCheckoutProblem("its origin URL differs from the manifest")
        sha = self.resolve(runner)
        return sha, self.check_out(runner, sha)


def _remove_tree(path: Path) -> None:
    """Delete a checkout or a leftover; a symlink is unlinked, never followed."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path)


def _replace(final: Path, fresh: Path) -> None:
    """Put `fresh` at `final`, removing whatever was there (a corrupt checkout)."""
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


def _sync_one(spec: SourceSpec, repos_dir: Path, timeout: float) -> tuple[SyncResult, Action]:
    public_url = redact_url(spec.url)

    def failed(reason: str) -> tuple[SyncResult, Action]:
        logger.info("%s: sync failed: %s", spec.name, redact_text(reason))
        result = SyncResult(
            name=spec.name,
            url=public_url,
            ref=spec.ref,
            status=SyncStatus.FAILED,
            reason=redact_text(reason),
            include=spec.include,
            exclude=spec.exclude,
        )
        return result, "failed"

    # Defence in depth: the manifest loader checks all of this too.
    if not SOURCE_NAME_RE.match(spec.name):
        return failed(f"invalid repository name {spec.name!r}")
    problem = url_problem(spec.url)
    if problem:
        return failed(f"refused URL {public_url}: {problem}")
    if spec.ref is not None and (problem := ref_problem(spec.ref)):
        return failed(f"refused ref {spec.ref!r}: {problem}")

    job = _Job(spec=spec, timeout=timeout, deadline=time.monotonic() + timeout)
    final = checkout_path(repos_dir.parent, spec.name)
    action: Action = "cloned"
    try:
        if final.is_symlink() or final.exists():
            try:
                sha, date = job.update(final)
            except _LocalCheckoutProblem as err:
                logger.warning("%s: %s; cloning it again", spec.name, redact_text(str(err)))
            except _StepError as err:
                if err.timed_out or _remote_trouble(err.message):
                    # The previous checkout stays as it was: later stages use it as stale.
                    return failed(f"{err.message} (the previous checkout is kept)")
                logger.warning(
                    "%s: updating the checkout failed (%s); cloning it again",
                    spec.name,
                    err.message,
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
        url=public_url,
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


def sync_sources(
    specs: Sequence[SourceSpec],
    workdir: Path,
    *,
    timeout: float,
    jobs: int,
    on_progress: Callable[[str, str], None] | None = None,
) -> tuple[SyncResult, ...]:
    """Clone or update every repository in parallel; results sorted by name. A repository that
    fails is reported (status FAILED, a reason) and the others go on. `on_progress(name,
    action)` is called from the calling thread with "cloned", "updated" or "failed"."""
    repos_dir = workdir.absolute() / "repos"
    try:
        repos_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ScannerError(f"cannot create {repos_dir}: {err.strerror or err}") from err
    _remove_leftovers(repos_dir)

    results: list[SyncResult] = []
    unique: list[SourceSpec] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.name.lower() in seen:
            results.append(
                SyncResult(
                    name=spec.name,
                    url=redact_url(spec.url),
                    ref=spec.ref,
                    status=SyncStatus.FAILED,
                    reason="another repository has the same name",
                    include=spec.include,
                    exclude=spec.exclude,
                )
            )
            continue
        seen.add(spec.name.lower())
        unique.append(spec)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="sync")
    try:
        futures = [pool.submit(_sync_one, spec, repos_dir, timeout) for spec in unique]
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


def inspect_checkouts(specs: Sequence[SourceSpec], workdir: Path) -> tuple[SyncResult, ...]:
    """The checkouts a previous sync left, without touching the network (`scanner discover`).
    A repository with no usable checkout is FAILED, with the command that fixes it."""

    def result(spec: SourceSpec, **outcome: str | Path) -> SyncResult:
        ok = "reason" not in outcome
        checkout = outcome.get("checkout")
        return SyncResult(
            name=spec.name,
            url=redact_url(spec.url),
            ref=spec.ref,
            status=SyncStatus.OK if ok else SyncStatus.FAILED,
            commit=str(outcome.get("commit", "")),
            commit_date=str(outcome.get("commit_date", "")),
            reason=str(outcome.get("reason", "")),
            checkout=checkout if isinstance(checkout, Path) else None,
            include=spec.include,
            exclude=spec.exclude,
        )

    results = []
    for spec in specs:
        checkout = checkout_path(workdir.absolute(), spec.name)
        if not (checkout / ".git").is_dir():
            reason = f"no checkout at {checkout}; run `scanner sync` first"
            results.append(result(spec, reason=reason))
            continue
        runner = _checkout_git(checkout)
        try:
            sha = str(runner.execute(["git", "rev-parse", "--verify", "HEAD"])).strip()
            date = str(runner.execute(["git", "show", "-s", "--format=%cI", sha])).strip()
            # A damaged index fails here, for this repository alone, not later in discovery
            # (which would stop the whole scan).
            runner.execute(["git", "ls-files", "-s", "-z"], stdout_as_string=False)
        except CommandError as err:
            reason = f"checkout {checkout} is unusable: {_git_message(err)}"
            results.append(result(spec, reason=reason))
            continue
        results.append(result(spec, commit=sha, commit_date=date, checkout=checkout))
    return tuple(sorted(results, key=lambda r: r.name))


# --- reading a checkout ---------------------------------------------------------------------------


def list_tracked_files(checkout: Path) -> tuple[TrackedFile, ...]:
    """The stage-0 entries of the index (`git ls-files -s -z`): path, mode, blob SHA."""
    runner = _checkout_git(checkout)
    try:
        raw = runner.execute(
            ["git", "ls-files", "-s", "-z"], stdout_as_string=False, strip_newline_in_stdout=False
        )
    except CommandError as err:
        raise CheckoutError(f"cannot list the files of {checkout}: {_git_message(err)}") from err
    data = raw if isinstance(raw, bytes) else b""
    files: list[TrackedFile] = []
    for entry in data.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, sha, stage = meta.decode("ascii").split(" ")
        if stage != "0":
            continue  # a conflicted entry: never in a clean checkout
        files.append(TrackedFile(path=os.fsdecode(path), mode=mode, blob_sha=sha))
    return tuple(files)


def _as_text(value: object) -> str:
    # GitPython's cat-file helpers are typed `str` but hand back bytes from the binary pipe.
    return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)


class BlobReader:
    """Reads blobs of one checkout through one persistent `git cat-file` process.

    Not thread-safe: use one reader per thread. Lazy fetching from the promisor remote is
    disabled where git supports it (GIT_NO_LAZY_FETCH, git >= 2.44): reading stays offline, and
    the blobs of the checked-out commit are present after the checkout anyway.
    """

    def __init__(self, checkout: Path) -> None:
        self.checkout = checkout
        self._git = _checkout_git(checkout)
        self._git.update_environment(GIT_NO_LAZY_FETCH="1")

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._git.clear_cache()  # ends the cat-file processes

    def _check(self, blob_sha: str) -> None:
        if not _SHA_RE.match(blob_sha):
            raise BlobUnavailableError(f"{blob_sha!r} is not a blob SHA")

    def _unavailable(self, blob_sha: str, detail: str) -> BlobUnavailableError:
        return BlobUnavailableError(
            f"blob {blob_sha} cannot be read from {self.checkout} ({detail}); the checkout may "
            "be incomplete or corrupt: run `scanner sync` again"
        )

    def size(self, blob_sha: str) -> int:
        self._check(blob_sha)
        try:
            _, raw_kind, size = self._git.get_object_header(blob_sha)
        except ValueError as err:
            raise self._unavailable(blob_sha, "missing") from err
        except (OSError, CommandError) as err:
            self._git.clear_cache()
            raise self._unavailable(blob_sha, str(err)) from err
        kind = _as_text(raw_kind)
        if kind != "blob":
            raise self._unavailable(blob_sha, f"it is a {kind}, not a blob")
        return size

    def read(self, blob_sha: str) -> bytes:
        self._check(blob_sha)
        try:
            _, raw_kind, size, data = self._git.get_object_data(blob_sha)
        except ValueError as err:
            raise self._unavailable(blob_sha, "missing") from err
        except (OSError, CommandError) as err:
            self._git.clear_cache()
            raise self._unavailable(blob_sha, str(err)) from err
        kind = _as_text(raw_kind)
        if kind != "blob":
            raise self._unavailable(blob_sha, f"it is a {kind}, not a blob")
        if len(data) != size:
            self._git.clear_cache()
            raise self._unavailable(blob_sha, f"read {len(data)} of {size} bytes")
        return data


# --- the work directory lock ----------------------------------------------------------------------


@contextmanager
def workdir_lock(workdir: Path, *, timeout: float = 0.0) -> Iterator[Path]:
    """Hold an exclusive lock on `<workdir>/.lock` (flock; released when the process dies).
    Waits up to `timeout` seconds for another scan to finish, then raises LockedError."""
    lock_path = workdir / ".lock"
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise ScannerError(f"cannot use the work directory {workdir}: {err.strerror}") from err
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LockedError(
                        f"another scan is using {workdir} (lock file {lock_path}); "
                        "wait for it to finish"
                    ) from None
                time.sleep(min(0.1, remaining))
        yield lock_path
    finally:
        os.close(fd)  # closing the descriptor releases the lock


# --- history between two scans (the report stage) -------------------------------------------------

#: Upper bound on the add/delete pairs git's inexact rename detection compares (`-l`): enough
#: for a large reorganisation, bounded so that one repository cannot stall the scan.
RENAME_LIMIT = 5000
DEFAULT_HISTORY_TIMEOUT = 120.0


class RefNotFoundError(ScannerError):
    """A git ref given by the user names no commit."""


class FileNotAtRefError(ScannerError):
    """The commit exists but has no such file."""


def commit_exists(checkout: Path, sha: str, *, timeout: float = DEFAULT_HISTORY_TIMEOUT) -> bool:
    """Whether the checkout's object store holds commit `sha` (a full SHA). False for anything
    else: no checkout, a malformed SHA, history rewritten upstream and pruned here."""
    if not is_commit_sha(sha) or not (checkout / ".git").is_dir():
        return False
    try:
        _checkout_git(checkout).execute(
            ["git", "cat-file", "-e", f"{sha}^{{commit}}"], kill_after_timeout=timeout
        )
    except CommandError:
        return False
    return True


def renames_between(
    checkout: Path, old: str, new: str, *, timeout: float = DEFAULT_HISTORY_TIMEOUT
) -> dict[str, str]:
    """Old path -> new path for every file git's rename detection pairs between commits `old` and
    `new` of a checkout (exact and edited moves, default 50% similarity).

    Returns an empty mapping when there is nothing to compare or it cannot be done: the same
    commit, a malformed SHA, a commit missing from the checkout (history force-pushed away, a
    fresh clone that never had it), or git failing (a partial clone that cannot fetch a blob it
    needs). Callers that must tell "no renames" from "could not look" ask `commit_exists` for both
    commits first."""
    if old == new or not (is_commit_sha(old) and is_commit_sha(new)):
        return {}
    if not (
        commit_exists(checkout, old, timeout=timeout)
        and commit_exists(checkout, new, timeout=timeout)
    ):
        logger.info("%s: history %s..%s unavailable; no rename detection", checkout, old, new)
        return {}
    args = [
        "git",
        "diff",
        "--name-status",
        "-z",
        "--no-ext-diff",
        "--no-textconv",
        "--find-renames",
        f"-l{RENAME_LIMIT}",
        "--diff-filter=R",
        old,
        new,
        "--",
    ]
    try:
        raw = _checkout_git(checkout).execute(
            args,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
            kill_after_timeout=timeout,
        )
    except CommandError as err:
        logger.warning(
            "%s: rename detection %s..%s failed: %s",
            checkout,
            old[:12],
            new[:12],
            _git_message(err),
        )
        return {}
    fields = (raw if isinstance(raw, bytes) else b"").split(b"\0")
    renames: dict[str, str] = {}
    index = 0
    # -z --name-status: `R<score>` NUL old NUL new NUL, repeated (the filter keeps only renames)
    while index + 2 < len(fields):
        status = fields[index].decode("ascii", "replace")
        if not status.startswith("R"):
            index += 1
            continue
        renames[os.fsdecode(fields[index + 1])] = os.fsdecode(fields[index + 2])
        index += 3
    return renames


def repository_root(path: Path) -> Path | None:
    """The top folder of the git repository that contains `path` (which need not exist yet), or
    None when it is in none."""
    existing = path.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.is_file():
        existing = existing.parent
    runner = git.Git(str(existing))
    runner.update_environment(**_git_env())
    try:
        top = runner.execute(["git", "rev-parse", "--show-toplevel"])
    except CommandError as err:
        logger.debug("%s is in no usable git repository: %s", existing, _git_message(err))
        return None
    text = str(top).strip()
    return Path(text) if text else None


def _ref_text_problem(ref: str) -> str | None:
    if not ref:
        return "the ref is empty"
    if ref.startswith("-"):
        return "a ref must not start with '-'"
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in ref):
        return "the ref contains whitespace or control characters"
    return None


def read_file_at_ref(repo_dir: Path, ref: str, path: str) -> bytes:
    """The bytes of `path` (relative to the repository root, POSIX) in the commit `ref` names
    (a branch, tag, SHA or expression such as `HEAD~1`) in the git repository at `repo_dir`.
    Raises RefNotFoundError when `ref` names no commit and FileNotAtRefError when the commit has
    no such file."""
    problem = _ref_text_problem(ref)
    if problem:
        raise RefNotFoundError(f"refused ref {ref!r}: {problem}")
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise FileNotAtRefError(f"{path!r} is not a plain path relative to the repository root")
    runner = git.Git(str(repo_dir))
    runner.update_environment(**_git_env())
    try:
        sha = str(
            runner.execute(
                ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"]
            )
        ).strip()
    except CommandError as err:
        raise RefNotFoundError(f"no commit named {ref!r} in {repo_dir}") from err
    try:
        runner.execute(["git", "cat-file", "-e", f"{sha}:{path}"])
    except CommandError as err:
        raise FileNotAtRefError(f"{path} does not exist at {ref} ({sha[:12]})") from err
    try:
        data = runner.execute(
            ["git", "cat-file", "blob", f"{sha}:{path}"],
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
    except CommandError as err:
        raise FileNotAtRefError(
            f"{path} at {ref} ({sha[:12]}) cannot be read: {_git_message(err)}"
        ) from err
    return data if isinstance(data, bytes) else b""


# --- reading many blobs in one pass ---------------------------------------------------------------

BLOB_MISSING = -1


def _feed(stream: IO[bytes] | None, data: bytes) -> None:
    """Write a batch request from a thread, so that git's output never blocks its input."""
    if stream is None:
        return
    try:
        stream.write(data)
    except BrokenPipeError:
        pass  # git died; the reader reports the missing objects
    finally:
        with suppress(BrokenPipeError):
            stream.close()


def _batch(
    checkout: Path, option: str, shas: Sequence[str]
) -> Generator[tuple[str, bytes], None, None]:
    """(header line, content or b"") per SHA from one `git cat-file <option>` process."""
    runner = _checkout_git(checkout)
    runner.update_environment(GIT_NO_LAZY_FETCH="1")
    proc = runner.execute(["git", "cat-file", option], as_process=True, istream=subprocess.PIPE)
    request = "".join(f"{sha}\n" for sha in shas).encode("ascii")
    writer = threading.Thread(target=_feed, args=(proc.stdin, request), daemon=True)
    writer.start()
    stdout = proc.stdout
    assert stdout is not None
    try:
        for _ in shas:
            header = stdout.readline().decode("ascii", "replace").rstrip("\n")
            parts = header.split(" ")
            if option == "--batch" and len(parts) == 3 and parts[1] == "blob":
                size = int(parts[2])
                data = stdout.read(size)
                stdout.read(1)  # the newline after the content
                yield header, data
            else:
                yield header, b""
    finally:
        writer.join()
        proc.wait()


def read_blobs(
    checkout: Path, shas: Sequence[str], *, max_bytes: int
) -> Iterator[tuple[str, int, bytes | None]]:
    """(sha, size, data) for each SHA, in order, through two git processes for all of them:
    `cat-file --batch-check` for the sizes, then `cat-file --batch` for the blobs within
    `max_bytes`. `data` is None for a blob over the cap; size is BLOB_MISSING for an object
    that is absent or not a blob. Lazy fetching stays off, as in BlobReader."""
    for sha in shas:
        if not _SHA_RE.match(sha):
            raise BlobUnavailableError(f"{sha!r} is not a blob SHA")
    sizes: list[int] = []
    for sha, (header, _) in zip(shas, _batch(checkout, "--batch-check", shas), strict=True):
        parts = header.split(" ")
        ok = len(parts) == 3 and parts[0] == sha and parts[1] == "blob"
        sizes.append(int(parts[2]) if ok else BLOB_MISSING)
    wanted = [sha for sha, size in zip(shas, sizes, strict=True) if 0 <= size <= max_bytes]
    contents = _batch(checkout, "--batch", wanted)  # streamed in the order of `shas`
    for sha, size in zip(shas, sizes, strict=True):
        if 0 <= size <= max_bytes:
            _, data = next(contents)
            yield sha, size, data
        else:
            yield sha, size, None
    contents.close()
