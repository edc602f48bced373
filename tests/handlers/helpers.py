"""Build FileInputs for handler tests: handlers take text, never the disk."""

from __future__ import annotations

import hashlib

from scanner.handlers.base import FileInput


def file_input(path: str, text: str, others: tuple[str, ...] = (), repo: str = "r") -> FileInput:
    data = text.encode("utf-8")
    sha = hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()
    return FileInput(repo, path, sha, len(data), text, frozenset((path, *others)))


def codes(result: object) -> set[str]:
    issues = getattr(result, "issues", ())
    return {i.code for i in issues}
