"""`scanner validate PATH`: a plugin folder, a marketplace, or every one below a folder, checked
against the Claude Code formats. Exit 1 when any finding is an error."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from scanner.config import Config
from scanner.errors import ExitCode
from scanner.escape import console
from scanner.models import Severity
from scanner.validate import ValidationFinding, ValidationReport, validate_path
from scanner.writer import dump_json

_STYLES = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def format_finding(finding: ValidationFinding) -> str:
    """`file:line: severity code: message`, the form editors and CI logs link to."""
    where = finding.file or "."
    if finding.line:
        where = f"{where}:{finding.line}"
    return f"{where}: {finding.severity.value} {finding.code}: {finding.message}"


def summary_line(report: ValidationReport) -> str:
    plugins, markets = len(report.plugins), len(report.marketplaces)
    return (
        f"{len(report.errors)} error(s), {len(report.warnings)} warning(s), "
        f"{len(report.of(Severity.INFO))} info in {plugins} plugin(s) and {markets} "
        f"marketplace file(s); {report.files_checked} file(s) checked"
    )


def run(opts: Config, path: Path, *, strict: bool = False) -> int:
    """`strict`: the rules for files we generate (every warning is an error)."""
    report = validate_path(path, strict=strict)
    if opts.json:
        sys.stdout.write(
            dump_json(
                {
                    "findings": [f.to_json() for f in report.findings],
                    "counts": report.counts(),
                }
            )
        )
    else:
        out = Console(soft_wrap=True, highlight=False)
        for finding in report.findings:
            out.print(console(format_finding(finding)), style=_STYLES[finding.severity])
        out.print(console(summary_line(report)))
    return int(ExitCode.DIFFERENCE) if report.errors else int(ExitCode.OK)
