"""What git is allowed to see and do.

URLs and refs are validated before git sees them and are always passed after `--`; `ext::` and
other `<transport>::` forms are refused; git never prompts; hooks never run; submodules are never
fetched; credentials embedded in a URL never reach a message (`redact_url`, `redact_text`).

The configuration git runs with: the system file is ignored (GIT_CONFIG_NOSYSTEM); the user's
global file is honoured, because URL rewriting (`url.<base>.insteadOf`) and credential helpers
live there; a cached clone's own `config` is never trusted: the store checks it against a short
list of the keys it writes itself (anything else: the clone is made again), and the settings
below are forced on every call through GIT_CONFIG_COUNT (git >= 2.31), which wins over every
configuration file.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import git
from git.exc import CommandError

#: Names double as directory names under <workdir>/repos: one safe path component.
SOURCE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
ALLOWED_SCHEMES = ("https", "http", "ssh", "git", "file")

SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
# Hex digits and letters, 7 to 64 of them, yet not a full lower-case SHA: an abbreviated or
# upper-case SHA, which git cannot fetch. (Digits only may be a date tag: allowed.)
_HEXISH_RE = re.compile(r"[0-9a-fA-F]{7,64}")

FORCED_CONFIG = (
    ("core.hooksPath", "/dev/null"),  # never run a hook (ours, the user's, a template's)
    ("core.fsmonitor", "false"),
    ("core.sshCommand", "ssh -oBatchMode=yes"),
    ("submodule.recurse", "false"),  # never follow .gitmodules URLs from harvested repos
    ("fetch.recurseSubmodules", "false"),
    ("protocol.ext.allow", "never"),  # defence in depth; git's default is already "never"
    ("filter.lfs.process", ""),  # nothing we run applies filters; should one ever, LFS is off
    ("filter.lfs.smudge", ""),
    ("filter.lfs.required", "false"),
    ("advice.detachedHead", "false"),
    ("gc.auto", "0"),  # no automatic gc racing with the rename of a fresh clone
    ("gc.autoDetach", "false"),
    ("maintenance.auto", "false"),
    ("fetch.writeCommitGraph", "false"),
)


def git_env() -> dict[str, str]:
    env = {
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_SSH_COMMAND": "ssh -oBatchMode=yes",
        "GCM_INTERACTIVE": "never",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_COUNT": str(len(FORCED_CONFIG)),
    }
    for index, (key, value) in enumerate(FORCED_CONFIG):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


def runner(cwd: Path, *, git_dir: Path | None = None) -> git.Git:
    """A git runner in `cwd` with the forced environment. With `git_dir` (a bare clone of the
    store) GIT_DIR is explicit, so git never discovers an enclosing repository (the work
    directory may sit inside a project)."""
    cwd = cwd.absolute()  # git runs in `cwd`: relative paths would not resolve
    run = git.Git(str(cwd))
    env = git_env()
    if git_dir is not None:
        env["GIT_DIR"] = str(git_dir.absolute())
    run.update_environment(**env)
    return run


def clone_git(git_dir: Path) -> git.Git:
    """A runner bound to one bare clone of the store."""
    return runner(git_dir, git_dir=git_dir)


def git_message(err: CommandError) -> str:
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


# --- credentials, URLs and refs -----------------------------------------------------------------

# `scheme://` then everything up to the last `@` of the authority: the userinfo.
_USERINFO_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]*@")


def redact_url(url: str) -> str:
    """`https://user:token@host/x` -> `https://***@host/x`; other URLs are returned as they are."""
    return _USERINFO_RE.sub(r"\g<scheme>***@", url)


def redact_text(text: str) -> str:
    """Redact the userinfo of every URL inside a free text (a git error message), and every
    other secret scanner.secrets knows (imported here: git's modules load without it)."""
    from scanner.secrets import redact

    return redact(_USERINFO_RE.sub(r"\g<scheme>***@", text))


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
    return SHA_RE.match(ref) is not None


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
