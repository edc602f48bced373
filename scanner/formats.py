"""The Claude Code format rules (see FORMATS.md), as pure checks over parsed data.

Discovery runs them on harvested files (most findings are warnings there: Claude Code still
loads the file); validation of the plugins we generate runs the same checks as errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from scanner.models import JsonValue, Severity

SKILL_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEBAB_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SEMVER_RE = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
)
XML_TAG_RE = re.compile(r"<[^>]+>")
MAX_NAME = 64
MAX_DESCRIPTION = 1024
MAX_LISTING = 1536
MAX_COMPATIBILITY = 500
MAX_SKILL_BODY_LINES = 500

SKILL_SPEC_KEYS = frozenset(
    {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
)
SKILL_CLAUDE_KEYS = frozenset(
    {
        "when_to_use",
        "argument-hint",
        "arguments",
        "disable-model-invocation",
        "user-invocable",
        "disallowed-tools",
        "model",
        "effort",
        "context",
        "agent",
        "background",
        "hooks",
        "paths",
        "shell",
        "version",
    }
)
AGENT_KEYS = frozenset(
    {
        "name",
        "description",
        "tools",
        "disallowedTools",
        "model",
        "permissionMode",
        "maxTurns",
        "skills",
        "mcpServers",
        "hooks",
        "memory",
        "background",
        "effort",
        "isolation",
        "color",
    }
)
AGENT_MODELS = frozenset({"sonnet", "opus", "haiku", "inherit"})
COMMAND_KEYS = frozenset(
    {
        "description",
        "argument-hint",
        "allowed-tools",
        "model",
        "disable-model-invocation",
        "arguments",
        "when_to_use",
        "user-invocable",
        "disallowed-tools",
        "effort",
        "context",
        "agent",
        "hooks",
        "shell",
    }
)
HOOK_EVENTS = frozenset(
    {
        "SessionStart",
        "UserPromptSubmit",
        "PreToolUse",
        "PermissionRequest",
        "PostToolUse",
        "PostToolUseFailure",
        "Notification",
        "SubagentStart",
        "SubagentStop",
        "Stop",
        "PreCompact",
        "SessionEnd",
    }
)
HOOK_TYPES = frozenset({"command", "http", "mcp_tool", "prompt", "agent"})
PLUGIN_KEYS = frozenset(
    {
        "name",
        "version",
        "description",
        "author",
        "homepage",
        "repository",
        "license",
        "keywords",
        "skills",
        "commands",
        "agents",
        "hooks",
        "mcpServers",
        "outputStyles",
        "lspServers",
    }
)
PLUGIN_COMPONENT_KEYS = ("skills", "commands", "agents", "hooks", "mcpServers")


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    code: str
    message: str


def _str(data: Mapping[str, JsonValue], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def check_skill(data: Mapping[str, JsonValue], folder_name: str, body_lines: int) -> list[Finding]:
    """Agent Skills spec + Claude Code rules for a SKILL.md front matter mapping."""
    out: list[Finding] = []
    name = _str(data, "name")
    if "name" not in data:
        out.append(Finding(Severity.ERROR, "skill-name-missing", "front matter has no `name`"))
    elif name is None:
        out.append(Finding(Severity.ERROR, "skill-name-invalid", "`name` must be a string"))
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
                )
            )
        elif folder_name and name != folder_name:
            out.append(
                Finding(
                    Severity.WARNING,
                    "skill-name-mismatch",
                    f"skill name {name!r} differs from its folder name {folder_name!r}",
                )
            )
    out += _check_description(data, required=True, what="skill")
    listing = len(_str(data, "description") or "") + len(_str(data, "when_to_use") or "")
    if listing > MAX_LISTING:
        out.append(
            Finding(
                Severity.WARNING,
                "skill-listing-truncated",
                f"description + when_to_use is {listing} characters; Claude Code truncates "
                f"at {MAX_LISTING}",
            )
        )
    compat = _str(data, "compatibility")
    if compat is not None and len(compat) > MAX_COMPATIBILITY:
        out.append(
            Finding(
                Severity.WARNING,
                "skill-compatibility-too-long",
                f"compatibility is {len(compat)} characters (max {MAX_COMPATIBILITY})",
            )
        )
    metadata = data.get("metadata")
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        out.append(
            Finding(Severity.WARNING, "skill-metadata-invalid", "`metadata` must map strings")
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
    name = _str(data, "name")
    if name is None:
        out.append(Finding(Severity.ERROR, "agent-name-missing", "sub-agent has no string `name`"))
    elif ":" in name or name.startswith("-"):
        out.append(
            Finding(
                Severity.ERROR,
                "agent-name-invalid",
                f"agent name {name!r} must not contain ':' or start with '-'",
            )
        )
    out += _check_description(data, required=True, what="agent")
    model = _str(data, "model")
    if model is not None and model not in AGENT_MODELS and not model.startswith("claude-"):
        out.append(
            Finding(
                Severity.WARNING,
                "agent-model-unknown",
                f"model {model!r} is not sonnet, opus, haiku, inherit or a model id",
            )
        )
    skills = data.get("skills")
    if skills is not None and not (
        isinstance(skills, list) and all(isinstance(s, str) for s in skills)
    ):
        out.append(Finding(Severity.WARNING, "agent-skills-invalid", "`skills` must be a list"))
    if in_plugin:
        for key in ("hooks", "mcpServers", "permissionMode"):
            if key in data:
                out.append(
                    Finding(
                        Severity.WARNING,
                        "agent-key-ignored-in-plugin",
                        f"`{key}` is ignored for agents shipped in a plugin",
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
    if not isinstance(desc, str) or not desc.strip():
        return [
            Finding(
                Severity.ERROR,
                f"{what}-description-invalid",
                "`description` must be a non-empty string",
            )
        ]
    out = []
    if len(desc) > MAX_DESCRIPTION:
        out.append(
            Finding(
                Severity.ERROR,
                "description-too-long",
                f"description is {len(desc)} characters (max {MAX_DESCRIPTION})",
            )
        )
    if what == "skill" and ("<" in desc or ">" in desc):
        out.append(
            Finding(Severity.WARNING, "description-angle-brackets", "description contains < or >")
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
        )
    ]


def check_matcher(matcher: str) -> Finding | None:
    """`""`, `"*"` and `A|B` lists of tool names are literal; anything else is a regex."""
    if matcher in ("", "*") or re.fullmatch(r"[A-Za-z0-9_|]+", matcher):
        return None
    try:
        re.compile(matcher)
    except re.error as err:
        return Finding(
            Severity.ERROR, "hook-matcher-invalid", f"matcher {matcher!r} does not compile: {err}"
        )
    return None


DANGEROUS_HOOK_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(ba|z|da)?sh\b"),
        "pipes a download into a shell",
    ),
    (
        re.compile(r"\brm\s+-[a-zA-Z]*r[a-zA-Z]*f?[a-zA-Z]*\s+(\"?\$|/(\s|$)|~)"),
        "deletes recursively from a variable, / or ~",
    ),
    (
        re.compile(r">\s*(/etc/|/usr/|~/\.|\$HOME/\.)"),
        "writes outside the project",
    ),
    (re.compile(r"\beval\s+\"?\$\(curl"), "evaluates downloaded code"),
)


def check_hook_command(command: str) -> list[Finding]:
    return [
        Finding(
            Severity.WARNING, "hook-dangerous-command", f"hook command {why}: {command[:200]!r}"
        )
        for pattern, why in DANGEROUS_HOOK_PATTERNS
        if pattern.search(command)
    ]


def check_plugin_manifest(data: Mapping[str, JsonValue]) -> list[Finding]:
    out: list[Finding] = []
    name = _str(data, "name")
    if name is None:
        out.append(Finding(Severity.ERROR, "plugin-name-missing", "plugin.json has no `name`"))
    elif not KEBAB_RE.match(name):
        out.append(
            Finding(
                Severity.ERROR, "plugin-name-invalid", f"plugin name {name!r} is not kebab-case"
            )
        )
    version = data.get("version")
    if version is not None and not (isinstance(version, str) and SEMVER_RE.match(version)):
        out.append(
            Finding(
                Severity.WARNING, "plugin-version-invalid", f"version {version!r} is not semver"
            )
        )
    for key in PLUGIN_COMPONENT_KEYS:
        for path in component_paths(data.get(key)):
            if not path.startswith("./"):
                out.append(
                    Finding(
                        Severity.ERROR,
                        "plugin-path-invalid",
                        f"`{key}` path {path!r} must be relative and start with ./",
                    )
                )
            elif ".." in path.split("/"):
                out.append(
                    Finding(
                        Severity.ERROR, "plugin-path-invalid", f"`{key}` path {path!r} climbs out"
                    )
                )
    unknown = sorted(k for k in data if k not in PLUGIN_KEYS)
    if unknown:
        out.append(
            Finding(
                Severity.WARNING,
                "plugin-unknown-fields",
                f"unknown plugin.json fields: {', '.join(unknown)}",
            )
        )
    return out


def component_paths(value: JsonValue) -> list[str]:
    """Paths a plugin.json component key declares (a string, a list; inline objects have none)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def check_marketplace(data: Mapping[str, JsonValue]) -> list[Finding]:
    out: list[Finding] = []
    name = _str(data, "name")
    if name is None:
        out.append(Finding(Severity.ERROR, "marketplace-name-missing", "no `name`"))
    elif not KEBAB_RE.match(name):
        out.append(
            Finding(Severity.ERROR, "marketplace-name-invalid", f"name {name!r} is not kebab-case")
        )
    owner = data.get("owner")
    if not (isinstance(owner, dict) and isinstance(owner.get("name"), str)):
        out.append(Finding(Severity.ERROR, "marketplace-owner-missing", "no `owner.name`"))
    plugins = data.get("plugins")
    if not isinstance(plugins, list):
        out.append(Finding(Severity.ERROR, "marketplace-plugins-missing", "no `plugins` list"))
        return out
    seen: set[str] = set()
    for index, entry in enumerate(plugins):
        if not isinstance(entry, dict):
            out.append(
                Finding(Severity.ERROR, "marketplace-entry-invalid", f"plugins[{index}] not object")
            )
            continue
        pname = entry.get("name")
        if not isinstance(pname, str):
            out.append(
                Finding(Severity.ERROR, "marketplace-entry-invalid", f"plugins[{index}] no name")
            )
            continue
        if pname in seen:
            out.append(
                Finding(
                    Severity.ERROR, "marketplace-duplicate-plugin", f"plugin {pname!r} listed twice"
                )
            )
        seen.add(pname)
        source = entry.get("source")
        if source is None:
            out.append(
                Finding(
                    Severity.ERROR, "marketplace-entry-invalid", f"plugin {pname!r} has no source"
                )
            )
        elif isinstance(source, str) and ".." in source.split("/"):
            out.append(
                Finding(
                    Severity.ERROR,
                    "marketplace-source-invalid",
                    f"plugin {pname!r} source {source!r} contains '..'",
                )
            )
    return out
