"""Sub-agent definitions: Markdown under `agents/` whose front matter names and describes one.

A file under an `agents/` folder with no such front matter (a README, notes) is not an agent."""

from __future__ import annotations

from scanner.formats import PLUGIN_MANIFEST, check_agent
from scanner.handlers.base import (
    FileInput,
    Handler,
    HandlerResult,
    frontmatter_data,
    markdown_asset,
    stem,
)
from scanner.models import AssetKind, JsonValue, RawReference, RefKind, ScanIssue


def _in_plugin(fi: FileInput) -> bool:
    parts = fi.path.split("/")
    for i in range(len(parts) - 1, 0, -1):
        if parts[i - 1] != "" and parts[i] == "agents":
            root = "/".join(parts[:i])
            return f"{root}/{PLUGIN_MANIFEST}" in fi.repo_paths
    return False


def parse(fi: FileInput) -> HandlerResult | None:
    if fi.frontmatter is None:
        return None  # no front matter: documentation that lives in an agents/ folder
    issues: list[ScanIssue] = []
    data = frontmatter_data(fi, issues, required=True)
    if fi.frontmatter.ok and "name" not in data and "description" not in data:
        return None  # front matter, but not an agent's
    for finding in check_agent(data, in_plugin=_in_plugin(fi)):
        issues.append(fi.finding_issue(finding))
    skills = data.get("skills")
    if isinstance(skills, str):
        skills = [s.strip() for s in skills.split(",") if s.strip()]
    refs = [
        RawReference(RefKind.SKILL, s, fi.markdown.frontmatter_line)
        for s in (skills if isinstance(skills, list) else [])
        if isinstance(s, str)
    ]
    name = data.get("name")
    tools = data.get("tools")
    details: dict[str, JsonValue] = {
        "model": data.get("model") if isinstance(data.get("model"), str) else None,
        "tools": tools if isinstance(tools, str | list) else None,
        "skills": [r.target for r in refs if r.target],
    }
    asset = markdown_asset(
        fi,
        AssetKind.AGENT,
        HANDLER_ID,
        data,
        name=name if isinstance(name, str) and name else stem(fi.path),
        extra_refs=refs,
        details=details,
    )
    return HandlerResult(asset, tuple(issues))


HANDLER_ID = "agent"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.AGENT,
    patterns=("**/agents/**/*.md",),
    description="Claude Code sub-agents: Markdown under agents/ with name and description",
    parse=parse,
    exclude=("**/README.md", "**/CHANGELOG.md", "**/LICENSE.md"),
)
