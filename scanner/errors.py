"""Errors the scanner expects, and the exit codes they map to (see README, "Exit codes")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    DIFFERENCE = 1  # a check found a difference (diff or render check mode)
    USAGE = 2  # Typer's own usage errors
    PARTIAL = 3  # some repositories or files failed; the rest was written
    FATAL = 4  # handled fatal error: bad manifest, unwritable output, all repositories failed
    BUG = 70  # an unexpected exception: one line to the user, traceback to a log file
    INTERRUPTED = 130


class ScannerError(Exception):
    """Base of every error the scanner expects; carries the exit code it maps to."""

    exit_code: ExitCode = ExitCode.FATAL


class ManifestError(ScannerError):
    """A manifest (sources.yaml, a practice file) is invalid. Nothing is cloned or written."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        joined = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: invalid manifest\n{joined}")


class UsageError(ScannerError):
    """The command line names something that does not exist (an asset id, a practice) or asks
    for two things that conflict: a usage error, like Typer's own."""

    exit_code = ExitCode.USAGE


class NoCatalogError(ScannerError):
    """A query command found no catalog in the output folder (a fresh clone has none)."""


class OutputError(ScannerError):
    """Output could not be written; the previous output is left in place."""


class AllSourcesFailedError(ScannerError):
    """Every repository failed to sync: nothing new to write."""


class LockedError(ScannerError):
    """Another scan holds the work directory lock."""
