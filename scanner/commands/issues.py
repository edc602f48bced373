"""`scanner issues [--severity S] [--repo R] [--code C] [--format table|markdown|json]`: the
scan's issues, all of them or a filtered part, as a table, as Markdown (for an issue or a pull
request) or as JSON."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from scanner.catalog import read_catalog
from scanner.config import Config
from scanner.errors import ExitCode, UsageError
from scanner.escape import console as escape
from scanner.escape import markdown_code, markdown_text
from scanner.ids import asset_id
from scanner.layout import CATALOG_JSON
from scanner.models import JsonValue, ScanIssue, Severity
from scanner.suggest import did_you_mean
from scanner.writer import dump_json

FORMATS = ("table", "markdown", "json")
# Most severe first: --severity S keeps S and everything above it.
RANKED = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def where(issue: ScanIssue) -> str:
    place = asset_id(issue.repo, issue.path) if issue.path else issue.repo or "(scan)"
    return f"{place}:{issue.line}" if issue.line else place


def select(
    issues: Sequence[ScanIssue], *, severity: str | None, repo: str | None, code: str | None
) -> list[ScanIssue]:
    """The issues that pass the filters; an unknown repository or code is a usage error (with
    the nearest known one), since an empty answer would hide the typo."""
    if severity is not None and severity not in {s.value for s in Severity}:
        known = [s.value for s in RANKED]
        raise UsageError(
            f"--severity {severity!r} is not a severity{did_you_mean(severity, known)}; "
            f"one of {', '.join(known)}"
        )
    for flag, value, known_values in (
        ("--repo", repo, {i.repo for i in issues}),
        ("--code", code, {i.code for i in issues}),
    ):
        if value is not None and value not in known_values:
            raise UsageError(
                f"{flag} {value!r}: no issue has it{did_you_mean(value, known_values)}"
            )
    keep = RANKED[: RANKED.index(Severity(severity)) + 1] if severity else RANKED
    return [
        i
        for i in issues
        if i.severity in keep
        and (repo is None or i.repo == repo)
        and (code is None or i.code == code)
    ]


def _counts(issues: Sequence[ScanIssue]) -> str:
    counts = Counter(i.severity for i in issues)
    return ", ".join(f"{counts[s]} {s.value}" for s in RANKED if counts[s]) or "none"


def markdown(issues: Sequence[ScanIssue]) -> str:
    lines = [f"**{len(issues)} issue(s)**: {_counts(issues)}", ""]
    if issues:
        lines += ["| severity | code | where | message |", "| --- | --- | --- | --- |"]
        for i in issues:
            cells = (
                i.severity.value,
                markdown_code(i.code, table=True),
                markdown_code(where(i), table=True),
                markdown_text(i.message),
            )
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def table(issues: Sequence[ScanIssue], total: int) -> Table:
    grid = Table(
        title=f"{len(issues)} of {total} issue(s): {_counts(issues)}",
        title_justify="left",
        expand=False,
    )
    grid.add_column("severity", no_wrap=True)
    grid.add_column("code", no_wrap=True)
    grid.add_column("where", overflow="fold", ratio=2)
    grid.add_column("message", overflow="fold", ratio=3)
    styles = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
    for i in issues:
        grid.add_row(
            f"[{styles[i.severity]}]{i.severity.value}[/]",
            escape(i.code),
            escape(where(i)),
            escape(i.message),
        )
    return grid


def run(
    config: Config, *, severity: str | None, repo: str | None, code: str | None, fmt: str
) -> int:
    catalog = read_catalog(config.output / CATALOG_JSON)
    chosen = select(catalog.issues, severity=severity, repo=repo, code=code)
    if fmt == "json":
        listed: list[JsonValue] = [i.to_json() for i in chosen]
        counts = Counter(i.severity.value for i in chosen)
        sys.stdout.write(
            dump_json(
                {"count": len(chosen), "counts": dict(sorted(counts.items())), "issues": listed}
            )
        )
    elif fmt == "markdown":
        sys.stdout.write(markdown(chosen))
    else:
        Console().print(table(chosen, len(catalog.issues)))
    return int(ExitCode.OK)
