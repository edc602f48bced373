"""Guidance files: `CLAUDE.md` and `AGENTS.md` at any depth (project memory for agents)."""

from __future__ import annotations

from scanner.handlers.base import (
    FileInput,
    Handler,
    HandlerResult,
    frontmatter_data,
    markdown_asset,
)
from scanner.models import AssetKind, ScanIssue


def parse(fi: FileInput) -> HandlerResult:
    issues: list[ScanIssue] = []
    data = frontmatter_data(fi, issues, required=False)
    name = f"{fi.dir}/{fi.filename}" if fi.dir else fi.filename
    return HandlerResult(
        markdown_asset(fi, AssetKind.GUIDANCE, HANDLER_ID, data, name=name), tuple(issues)
    )


HANDLER_ID = "guidance"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.GUIDANCE,
    patterns=("**/CLAUDE.md", "**/AGENTS.md", "**/CLAUDE.local.md"),
    description="Guidance for agents: CLAUDE.md and AGENTS.md at any depth",
    parse=parse,
)
