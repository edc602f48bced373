"""What validation reports: findings and the report over a folder."""

from __future__ import annotations

import logging
import posixpath
import re
from collections import Counter
from dataclasses import dataclass

from scanner.models import (
    JsonObject,
    ScanIssue,
    Severity,
    Stage,
)

log = logging.getLogger("scanner")

MAX_FILE_BYTES = 2 * 1024 * 1024
SKIP_DIRS = frozenset({".git", "node_modules"})
# Markdown that lives in component folders without being a component (as discovery sees it)
DOC_FILES = frozenset({"README.md", "CHANGELOG.md", "LICENSE.md"})
# A marketplace.json beside .claude-plugin/ is a copy Claude Code never reads; its versions
# still drift (provectus-marketplace keeps one).
STRAY_MARKETPLACE = "marketplace.json"
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
LOOKS_LIKE_HOST = re.compile(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|io|dev|net|ai)(/|$)")


def join_rel(*parts: str) -> str:
    """POSIX paths joined and normalised; "" for the base folder itself."""
    joined = posixpath.normpath(posixpath.join(*[p for p in parts if p] or ["."]))
    return "" if joined == "." else joined


def climbs_out(rel: str) -> bool:
    return rel == ".." or rel.startswith("../") or rel.startswith("/")


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValidationFinding:
    """One problem: `file` is relative to the validated folder (POSIX), `line` 1-based or 0."""

    file: str
    line: int
    severity: Severity
    code: str
    message: str

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, SEVERITY_ORDER[self.severity], self.code, self.message)

    def to_json(self) -> JsonObject:
        return {
            "file": self.file,
            "line": self.line,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }

    def to_scan_issue(self, repo: str, stage: Stage) -> ScanIssue:
        return ScanIssue(
            stage, self.severity, self.code, self.message, repo=repo, path=self.file, line=self.line
        )


@dataclass(frozen=True, slots=True)
class ValidationReport:
    root: str  # the folder validated, as given
    strict: bool
    findings: tuple[ValidationFinding, ...]  # sorted, no duplicates
    plugins: tuple[str, ...]  # plugin folders validated, relative to root ("" is root itself)
    marketplaces: tuple[str, ...]  # marketplace files validated
    files_checked: int

    def of(self, severity: Severity) -> tuple[ValidationFinding, ...]:
        return tuple(f for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> tuple[ValidationFinding, ...]:
        return self.of(Severity.ERROR)

    @property
    def warnings(self) -> tuple[ValidationFinding, ...]:
        return self.of(Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> JsonObject:
        by_code = Counter(f.code for f in self.findings)
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "info": len(self.of(Severity.INFO)),
            "by_code": dict(sorted(by_code.items())),
            "plugins": len(self.plugins),
            "marketplaces": len(self.marketplaces),
            "files_checked": self.files_checked,
        }

    def to_json(self) -> JsonObject:
        return {
            "root": self.root,
            "strict": self.strict,
            "findings": [f.to_json() for f in self.findings],
            "counts": self.counts(),
            "plugins": list(self.plugins),
            "marketplaces": list(self.marketplaces),
        }
