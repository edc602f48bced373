"""Checks over the front matter of skills, agents and commands."""

from __future__ import annotations

from collections.abc import Mapping

from scanner.formats.rules import (
    AGENT_KEYS,
    AGENT_MODELS,
    COMMAND_KEYS,
    MAX_COMPATIBILITY,
    MAX_DESCRIPTION,
    MAX_LISTING,
    MAX_NAME,
    MAX_SKILL_BODY_LINES,
    SKILL_CLAUDE_KEYS,
    SKILL_NAME_RE,
    SKILL_SPEC_KEYS,
    XML_TAG_RE,
    Finding,
    Pointer,
    str_field,
)
from scanner.models import JsonValue, Severity

# --- Markdown front matter ---------------------------------------------------------------------


def check_skill(data: Mapping[str, JsonValue], folder_name: str, body_lines: int) -> list[Finding]:
    """Agent Skills spec + Claude Code rules for a SKILL.md front matter mapping."""
    out: list[Finding] = []
    name = str_field(data, "name")
    if "name" not in data:
        out.append(Finding(Severity.ERROR, "skill-name-missing", "front matter has no `name`"))
    elif name is None:
        out.append(
            Finding(Severity.ERROR, "skill-name-invalid", "`name` must be a string", ("name",))
        )
    else:
        problems = []
        if not 1 <= len(name) <= MAX_NAME:
            problems.append(f"must be 1-{MAX_NAME} characters")
        if not SKILL_NAME_RE.match(name):
            problems.append(
                "must be lowercase letters, digits and single hyphens, "
                "not starting or ending with a hyphen"
            )
        lowered = name.lower()
        if "anthropic" in lowered or "claude" in lowered:
            problems.append('must not contain "anthropic" or "claude"')
        if XML_TAG_RE.search(name):
            problems.append("must not contain XML tags")
        if problems:
            out.append(
                Finding(
                    Severity.ERROR,
                    "skill-name-invalid",
                    f"skill name {name!r} " + "; ".join(problems),
                    ("name",),
                )
            )
        elif folder_name and name != folder_name:
            out.append(
                Finding(
                    Severity.WARNING,
                    "skill-name-mismatch",
                    f"skill name {name!r} differs from its folder name {folder_name!r}",
                    ("name",),
                )
            )
    out += _check_description(data, required=True, what="skill")
    listing = len(str_field(data, "description") or "") + len(str_field(data, "when_to_use") or "")
    if listing > MAX_LISTING:
        out.append(
            Finding(
                Severity.WARNING,
                "skill-listing-truncated",
                f"description + when_to_use is {listing} characters; Claude Code truncates "
                f"at {MAX_LISTING}",
                ("description",),
            )
        )
    compat = str_field(data, "compatibility")
    if compat is not None and len(compat) > MAX_COMPATIBILITY:
        out.append(
            Finding(
                Severity.WARNING,
                "skill-compatibility-too-long",
                f"compatibility is {len(compat)} characters (max {MAX_COMPATIBILITY})",
                ("compatibility",),
            )
        )
    metadata = data.get("metadata")
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        out.append(
            Finding(
                Severity.WARNING,
                "skill-metadata-invalid",
                "`metadata` must map strings",
                ("metadata",),
            )
        )
    out += _unknown_keys(data, SKILL_SPEC_KEYS | SKILL_CLAUDE_KEYS, "skill")
    if body_lines > MAX_SKILL_BODY_LINES:
        out.append(
            Finding(
                Severity.WARNING,
                "skill-body-too-long",
                f"body is {body_lines} lines; keep SKILL.md under {MAX_SKILL_BODY_LINES}",
            )
        )
    return out


def check_agent(data: Mapping[str, JsonValue], *, in_plugin: bool) -> list[Finding]:
    out: list[Finding] = []
    name = str_field(data, "name")
    if name is None:
        pointer: Pointer = ("name",) if "name" in data else ()
        out.append(
            Finding(Severity.ERROR, "agent-name-missing", "sub-agent has no string `name`", pointer)
        )
    elif ":" in name or name.startswith("-"):
        out.append(
            Finding(
                Severity.ERROR,
                "agent-name-invalid",
                f"agent name {name!r} must not contain ':' or start with '-'",
                ("name",),
            )
        )
    out += _check_description(data, required=True, what="agent")
    model = str_field(data, "model")
    if model is not None and model not in AGENT_MODELS and not model.startswith("claude-"):
        out.append(
            Finding(
                Severity.WARNING,
                "agent-model-unknown",
                f"model {model!r} is not sonnet, opus, haiku, inherit or a model id",
                ("model",),
            )
        )
    skills = data.get("skills")
    if skills is not None and not (
        isinstance(skills, list) and all(isinstance(s, str) for s in skills)
    ):
        out.append(
            Finding(
                Severity.WARNING, "agent-skills-invalid", "`skills` must be a list", ("skills",)
            )
        )
    if in_plugin:
        for key in ("hooks", "mcpServers", "permissionMode"):
            if key in data:
                out.append(
                    Finding(
                        Severity.WARNING,
                        "agent-key-ignored-in-plugin",
                        f"`{key}` is ignored for agents shipped in a plugin",
                        (key,),
                    )
                )
    out += _unknown_keys(data, AGENT_KEYS, "agent")
    return out


def check_command(data: Mapping[str, JsonValue]) -> list[Finding]:
    out = _check_description(data, required=False, what="command")
    for key in ("name", "paths"):
        if key in data:
            out.append(
                Finding(
                    Severity.WARNING,
                    "command-key-not-supported",
                    f"`{key}` is not a slash-command front matter key",
                    (key,),
                )
            )
    out += _unknown_keys(data, COMMAND_KEYS | {"name", "paths"}, "command")
    return out


def _check_description(
    data: Mapping[str, JsonValue], *, required: bool, what: str
) -> list[Finding]:
    if "description" not in data:
        if required:
            return [
                Finding(
                    Severity.ERROR, f"{what}-description-missing", "front matter has no description"
                )
            ]
        return []
    desc = data["description"]
    pointer: Pointer = ("description",)
    if not isinstance(desc, str) or not desc.strip():
        return [
            Finding(
                Severity.ERROR,
                f"{what}-description-invalid",
                "`description` must be a non-empty string",
                pointer,
            )
        ]
    out = []
    if len(desc) > MAX_DESCRIPTION:
        out.append(
            Finding(
                Severity.ERROR,
                "description-too-long",
                f"description is {len(desc)} characters (max {MAX_DESCRIPTION})",
                pointer,
            )
        )
    if what == "skill" and ("<" in desc or ">" in desc):
        out.append(
            Finding(
                Severity.WARNING,
                "description-angle-brackets",
                "description contains < or >",
                pointer,
            )
        )
    return out


def _unknown_keys(data: Mapping[str, JsonValue], known: frozenset[str], what: str) -> list[Finding]:
    unknown = sorted(k for k in data if k not in known)
    if not unknown:
        return []
    return [
        Finding(
            Severity.WARNING,
            f"{what}-unknown-keys",
            f"unknown front matter keys: {', '.join(unknown)}",
            (unknown[0],),
        )
    ]
