"""Pattern documents: Markdown under a `patterns/` folder or named `*-patterns.md`."""

from __future__ import annotations

from scanner.handlers.base import (
    FileInput,
    Handler,
    HandlerResult,
    frontmatter_data,
    markdown_asset,
    stem,
)
from scanner.models import AssetKind, ScanIssue


def parse(fi: FileInput) -> HandlerResult:
    issues: list[ScanIssue] = []
    data = frontmatter_data(fi, issues, required=False)
    asset = markdown_asset(fi, AssetKind.PATTERN, HANDLER_ID, data, name=stem(fi.path))
    return HandlerResult(asset, tuple(issues))


HANDLER_ID = "pattern"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.PATTERN,
    patterns=("**/patterns/**/*.md", "**/*-patterns.md", "**/*_patterns.md"),
    description="Pattern documents: patterns/ folders and *-patterns.md files",
    parse=parse,
    exclude=("**/README.md",),
)
