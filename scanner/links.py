"""Links to a source repository's host: a file at a commit, two commits compared. Only
github.com is known; any other host gets no link ("")."""

from __future__ import annotations

import re
from urllib.parse import quote

_GITHUB_RE = re.compile(
    r"^(?:https?://(?:[^/@]*@)?(?:www\.)?github\.com/|ssh://git@github\.com/|git@github\.com:)"
    r"(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)


def github_repository(url: str) -> str:
    """`owner/name` for a github.com repository URL, "" for any other URL."""
    match = _GITHUB_RE.match(url)
    return f"{match.group('owner')}/{match.group('name')}" if match else ""


def blob_url(source_url: str, commit: str, path: str) -> str:
    """A link to a file at a commit on GitHub; "" when the source is not on github.com."""
    repo = github_repository(source_url)
    if not (repo and commit and path):
        return ""
    return f"https://github.com/{repo}/blob/{commit}/{quote(path, safe='/')}"


def compare_url(source_url: str, old: str, new: str) -> str:
    repo = github_repository(source_url)
    if not (repo and old and new) or old == new:
        return ""
    return f"https://github.com/{repo}/compare/{old}...{new}"
