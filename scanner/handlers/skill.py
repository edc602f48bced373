"""`SKILL.md` at any depth: a skill, its front matter checked against the Agent Skills spec."""

from __future__ import annotations

import posixpath

from scanner.formats import check_skill
from scanner.handlers.base import (
    FileInput,
    Handler,
    HandlerResult,
    check_string_fields,
    frontmatter_data,
    markdown_asset,
)
from scanner.models import AssetKind, RawReference, RefKind, ScanIssue

MAX_SUPPORTING_FILES = 200


def supporting_files(fi: FileInput) -> list[str]:
    """Files in the skill's folder (not in nested skills), relative to it."""
    folder = fi.dir
    prefix = f"{folder}/" if folder else ""
    nested = {
        posixpath.dirname(p)
        for p in fi.repo_paths
        if p.startswith(prefix) and p != fi.path and posixpath.basename(p) == "SKILL.md"
    }
    out = []
    inside = sorted(p for p in fi.repo_paths if p.startswith(prefix) and p != fi.path)
    for path in inside:
        if any(path.startswith(f"{n}/") for n in nested):
            continue
        out.append(path[len(prefix) :])
        if len(out) >= MAX_SUPPORTING_FILES:
            break
    return out


def parse(fi: FileInput) -> HandlerResult:
    issues: list[ScanIssue] = []
    data = frontmatter_data(fi, issues, required=True)
    check_string_fields(fi, data, ("name", "description"), issues)
    folder_name = posixpath.basename(fi.dir)
    if fi.frontmatter is not None and fi.frontmatter.ok:
        body_lines = fi.markdown.line_count - fi.markdown.body_line + 1
        for finding in check_skill(data, folder_name, body_lines):
            if finding.code == "skill-name-invalid" and "must be a string" in finding.message:
                continue  # already reported by check_string_fields
            issues.append(fi.finding_issue(finding))
    name = data.get("name")
    files = supporting_files(fi)
    refs = [RawReference(RefKind.FILE, rel) for rel in files]
    asset = markdown_asset(
        fi,
        AssetKind.SKILL,
        HANDLER_ID,
        data,
        name=name if isinstance(name, str) and name else folder_name,
        extra_refs=refs,
        details={"supporting_files": list(files)},
    )
    return HandlerResult(asset, tuple(issues))


HANDLER_ID = "skill"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.SKILL,
    patterns=("**/SKILL.md",),
    description="Agent Skills: SKILL.md at any depth, with its supporting files",
    parse=parse,
)
