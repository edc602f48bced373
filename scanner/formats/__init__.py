"""The Claude Code format rules (see FORMATS.md), as pure checks over parsed data.

Discovery runs them on harvested files (most findings are warnings there: Claude Code still
loads the file); `scanner validate` runs the same checks, and with `strict` (the plugins we
generate) every warning is an error.

Each Finding may carry a `pointer`: the key path of what it is about (`("name",)` in front
matter, `("plugins", 3, "version")` in JSON), which `frontmatter_key_line` and
`json_pointer_lines` turn into a line number.

The rules live in submodules by what they check; this package re-exports them, so callers
write `formats.check_skill`."""

from __future__ import annotations

from scanner.formats.frontmatter import (
    check_agent,
    check_command,
    check_skill,
)
from scanner.formats.hooks import (
    DANGEROUS_HOOK_PATTERNS,
    check_hook_command,
    check_hooks_config,
    check_matcher,
)
from scanner.formats.locate import (
    frontmatter_key_line,
    json_pointer_lines,
    line_of,
)
from scanner.formats.manifests import (
    check_marketplace,
    check_plugin_manifest,
    component_paths,
)
from scanner.formats.mcp import (
    MCP_VAR_RE,
    check_mcp_config,
    check_mcp_server,
    mcp_servers_of,
)
from scanner.formats.rules import (
    AGENT_KEYS,
    AGENT_MODELS,
    COMMAND_KEYS,
    HOOK_EVENTS,
    HOOK_TYPE_REQUIRED,
    HOOK_TYPES,
    KEBAB_RE,
    MARKETPLACE_MANIFEST,
    MAX_COMPATIBILITY,
    MAX_DESCRIPTION,
    MAX_LISTING,
    MAX_NAME,
    MAX_SKILL_BODY_LINES,
    MCP_TRANSPORTS,
    PLUGIN_COMPONENT_KEYS,
    PLUGIN_DIR,
    PLUGIN_KEYS,
    PLUGIN_MANIFEST,
    SEMVER_RE,
    SKILL_CLAUDE_KEYS,
    SKILL_FILE,
    SKILL_NAME_RE,
    SKILL_SPEC_KEYS,
    STRICT_INFO_ERRORS,
    XML_TAG_RE,
    Finding,
    Pointer,
    str_field,
    strict_severity,
)

__all__ = [
    "AGENT_KEYS",
    "AGENT_MODELS",
    "COMMAND_KEYS",
    "DANGEROUS_HOOK_PATTERNS",
    "HOOK_EVENTS",
    "HOOK_TYPES",
    "HOOK_TYPE_REQUIRED",
    "KEBAB_RE",
    "MARKETPLACE_MANIFEST",
    "MAX_COMPATIBILITY",
    "MAX_DESCRIPTION",
    "MAX_LISTING",
    "MAX_NAME",
    "MAX_SKILL_BODY_LINES",
    "MCP_TRANSPORTS",
    "MCP_VAR_RE",
    "PLUGIN_COMPONENT_KEYS",
    "PLUGIN_DIR",
    "PLUGIN_KEYS",
    "PLUGIN_MANIFEST",
    "SEMVER_RE",
    "SKILL_CLAUDE_KEYS",
    "SKILL_FILE",
    "SKILL_NAME_RE",
    "SKILL_SPEC_KEYS",
    "STRICT_INFO_ERRORS",
    "XML_TAG_RE",
    "Finding",
    "Pointer",
    "check_agent",
    "check_command",
    "check_hook_command",
    "check_hooks_config",
    "check_marketplace",
    "check_matcher",
    "check_mcp_config",
    "check_mcp_server",
    "check_plugin_manifest",
    "check_skill",
    "component_paths",
    "frontmatter_key_line",
    "json_pointer_lines",
    "line_of",
    "mcp_servers_of",
    "str_field",
    "strict_severity",
]
