"""The Claude Code format constants (FORMATS.md) and the Finding the checks return."""

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
# Where Claude Code looks for a plugin's and a marketplace's manifest.
PLUGIN_DIR = ".claude-plugin"
PLUGIN_MANIFEST = f"{PLUGIN_DIR}/plugin.json"
MARKETPLACE_MANIFEST = f"{PLUGIN_DIR}/marketplace.json"
SKILL_FILE = "SKILL.md"
# One code per check, whichever place runs it (the scan over a catalog, `scanner validate` on
# disk): a component a plugin.json declares that does not exist; an agent or skill name that
# collides with another one installed beside it.
COMPONENT_MISSING = "manifest-component-missing"
DUPLICATE_NAME = "duplicate-name"
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
# FORMATS.md lists the core events; the rest are in the current hooks reference. An event
# missing here costs a warning, not a rejection.
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
        "Setup",
        "UserPromptExpansion",
        "PermissionDenied",
        "PostToolBatch",
        "StopFailure",
        "TaskCreated",
        "TaskCompleted",
        "TeammateIdle",
        "PostCompact",
        "Elicitation",
        "ElicitationResult",
        "InstructionsLoaded",
        "ConfigChange",
        "WorktreeCreate",
        "WorktreeRemove",
        "CwdChanged",
        "FileChanged",
    }
)
HOOK_TYPES = frozenset({"command", "http", "mcp_tool", "prompt", "agent"})
# what each hook handler type cannot work without
HOOK_TYPE_REQUIRED = {"command": "command", "http": "url", "prompt": "prompt", "agent": "prompt"}
MCP_TRANSPORTS = frozenset({"stdio", "http", "sse", "ws"})
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

# Info findings that are errors for the files we generate (every warning is, too).
STRICT_INFO_ERRORS = frozenset({"plugin-version-missing", "plugin-not-listed"})

Pointer = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    code: str
    message: str
    pointer: Pointer = ()  # key path of what the finding is about; () for the whole document


def strict_severity(code: str, severity: Severity) -> Severity:
    """The severity of a finding in a file we generate: warnings are errors there."""
    if severity is Severity.WARNING or code in STRICT_INFO_ERRORS:
        return Severity.ERROR
    return severity


def str_field(data: Mapping[str, JsonValue], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None
