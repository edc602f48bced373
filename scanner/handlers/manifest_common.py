"""What the plugin and marketplace manifest handlers share: their root folder and JSON loading."""

from __future__ import annotations

import posixpath

from scanner.handlers.base import FileInput
from scanner.models import JsonValue, ScanIssue, Severity


def manifest_root(fi: FileInput) -> str:
    """The folder that holds `.claude-plugin/` (the plugin or marketplace root)."""
    return posixpath.dirname(fi.dir)


def load_object(fi: FileInput, issues: list[ScanIssue]) -> dict[str, JsonValue] | None:
    parsed = fi.json
    issues.extend(fi.problem_issue(p, Severity.ERROR) for p in parsed.problems)
    if not parsed.ok:
        return None
    if not isinstance(parsed.data, dict):
        issues.append(fi.issue(Severity.ERROR, "manifest-invalid", "top level must be an object"))
        return None
    return parsed.data
