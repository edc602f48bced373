"""Reference documents that belong to a skill: `references/` or `resources/` beside a SKILL.md."""

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

FOLDERS = ("references", "reference", "resources")


def owning_skill(fi: FileInput) -> str | None:
    """The SKILL.md whose folder holds the references/ folder this file is in."""
    parts = fi.path.split("/")
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in FOLDERS:
            skill = "/".join([*parts[:i], "SKILL.md"])
            if skill in fi.repo_paths:
                return skill
    return None


def parse(fi: FileInput) -> HandlerResult | None:
    skill = owning_skill(fi)
    if skill is None:
        return None
    issues: list[ScanIssue] = []
    data = frontmatter_data(fi, issues, required=False)
    asset = markdown_asset(
        fi, AssetKind.REFERENCE, HANDLER_ID, data, name=stem(fi.path), details={"skill": skill}
    )
    return HandlerResult(asset, tuple(issues))


HANDLER_ID = "reference"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.REFERENCE,
    patterns=tuple(f"**/{folder}/**/*.md" for folder in FOLDERS),
    description="Reference documents in a skill's references/ or resources/ folder",
    parse=parse,
)
