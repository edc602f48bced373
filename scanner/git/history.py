"""History: rename detection between two scanned commits of a clone (the report stage), and
reading a file at a ref of the user's own repository (`scanner diff`).

Rename detection works on the blobless clones: exact moves pair by blob SHA without reading a
blob; edited moves need both sides' contents, which git fetches from the promisor remote in one
batch per comparison."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import git
from git.exc import CommandError

from scanner.errors import ScannerError
from scanner.git.safety import clone_git, git_env, git_message, is_commit_sha

logger = logging.getLogger("scanner")

#: Upper bound on the add/delete pairs git's inexact rename detection compares (`-l`): enough
#: for a large reorganisation, bounded so that one repository cannot stall the scan.
RENAME_LIMIT = 5000
DEFAULT_HISTORY_TIMEOUT = 120.0


class RefNotFoundError(ScannerError):
    """A git ref given by the user names no commit."""


class FileNotAtRefError(ScannerError):
    """The commit exists but has no such file."""


def commit_exists(clone: Path, sha: str, *, timeout: float = DEFAULT_HISTORY_TIMEOUT) -> bool:
    """Whether the clone's object store holds commit `sha` (a full SHA). False for anything
    else: no clone, a malformed SHA, history rewritten upstream and pruned here."""
    if not is_commit_sha(sha) or not (clone / "objects").is_dir():
        return False
    try:
        clone_git(clone).execute(
            ["git", "cat-file", "-e", f"{sha}^{{commit}}"], kill_after_timeout=timeout
        )
    except CommandError:
        return False
    return True


def renames_between(
    clone: Path, old: str, new: str, *, timeout: float = DEFAULT_HISTORY_TIMEOUT
) -> dict[str, str]:
    """Old path -> new path for every file git's rename detection pairs between commits `old` and
    `new` of a clone (exact and edited moves, default 50% similarity).

    Returns an empty mapping when there is nothing to compare or it cannot be done: the same
    commit, a malformed SHA, a commit missing from the clone (history force-pushed away, a
    fresh clone that never had it), or git failing (a partial clone that cannot fetch a blob it
    needs). Callers that must tell "no renames" from "could not look" ask `commit_exists` for both
    commits first."""
    if old == new or not (is_commit_sha(old) and is_commit_sha(new)):
        return {}
    if not (
        commit_exists(clone, old, timeout=timeout) and commit_exists(clone, new, timeout=timeout)
    ):
        logger.info("%s: history %s..%s unavailable; no rename detection", clone, old, new)
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
        raw = clone_git(clone).execute(
            args,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
            kill_after_timeout=timeout,
        )
    except CommandError as err:
        logger.warning(
            "%s: rename detection %s..%s failed: %s",
            clone,
            old[:12],
            new[:12],
            git_message(err),
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
    runner.update_environment(**git_env())
    try:
        top = runner.execute(["git", "rev-parse", "--show-toplevel"])
    except CommandError as err:
        logger.debug("%s is in no usable git repository: %s", existing, git_message(err))
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
    runner.update_environment(**git_env())
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
            f"{path} at {ref} ({sha[:12]}) cannot be read: {git_message(err)}"
        ) from err
    return data if isinstance(data, bytes) else b""
