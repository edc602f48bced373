"""Slash commands: Markdown under `commands/` (plugins) or `.claude/commands/`."""

from __future__ import annotations

from scanner.formats import check_command
from scanner.handlers.base import (
    FileInput,
    Handler,
    HandlerResult,
    frontmatter_data,
    markdown_asset,
)
from scanner.models import AssetKind, ScanIssue


def command_name(path: str) -> str:
    """`commands/git/commit.md` is `/git:commit`: subfolders namespace the command."""
    parts = path.split("/")
    index = len(parts) - 1 - parts[::-1].index("commands")
    rel = parts[index + 1 :]
    rel[-1] = rel[-1][: -len(".md")] if rel[-1].endswith(".md") else rel[-1]
    return ":".join(rel)


def parse(fi: FileInput) -> HandlerResult:
    issues: list[ScanIssue] = []
    data = frontmatter_data(fi, issues, required=False)
    if fi.frontmatter is not None and fi.frontmatter.ok:
        for finding in check_command(data):
            issues.append(fi.finding_issue(finding))
    hint = data.get("argument-hint")
    asset = markdown_asset(
        fi,
        AssetKind.COMMAND,
        HANDLER_ID,
        data,
        name=command_name(fi.path),
        details={"argument_hint": hint if isinstance(hint, str) else None},
    )
    return HandlerResult(asset, tuple(issues))


HANDLER_ID = "command"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.COMMAND,
    patterns=("**/commands/**/*.md",),
    description="Slash commands: Markdown under commands/ or .claude/commands/",
    parse=parse,
    exclude=("**/README.md", "**/CHANGELOG.md", "**/LICENSE.md"),
)
