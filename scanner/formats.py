"""The Claude Code format rules (see FORMATS.md), as pure checks over parsed data.

Discovery runs them on harvested files (most findings are warnings there: Claude Code still
loads the file); `scanner validate` runs the same checks, and with `strict` (the plugins we
generate) every warning is an error.

Each Finding may carry a `pointer`: the key path of what it is about (`("name",)` in front
matter, `("plugins", 3, "version")` in JSON), which `frontmatter_key_line` and
`json_pointer_lines` turn into a line number."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from scanner.models import JsonValue, Severity
from scanner.secrets import is_literal_secret, redact

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


def _str(data: Mapping[str, JsonValue], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


# --- Markdown front matter ---------------------------------------------------------------------


def check_skill(data: Mapping[str, JsonValue], folder_name: str, body_lines: int) -> list[Finding]:
    """Agent Skills spec + Claude Code rules for a SKILL.md front matter mapping."""
    out: list[Finding] = []
    name = _str(data, "name")
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
    listing = len(_str(data, "description") or "") + len(_str(data, "when_to_use") or "")
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
    compat = _str(data, "compatibility")
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
    name = _str(data, "name")
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
    model = _str(data, "model")
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


# --- hooks -------------------------------------------------------------------------------------


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
    except (RecursionError, OverflowError):  # `(` nested thousands deep, a huge repeat count
        return Finding(
            Severity.ERROR,
            "hook-matcher-invalid",
            f"matcher {matcher[:80]!r}... is too complex to compile",
        )
    return None


DANGEROUS_HOOK_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(ba|z|da)?sh\b"),
        "pipes a download into a shell",
    ),
    (
        re.compile(r"\b(ba|z|da)?sh\s+(<\(\s*|-c\s+[\"']?\$\(\s*)(curl|wget)\b"),
        "runs a downloaded script in a shell",
    ),
    (
        # `rm -rf`, `rm -r -f`, `rm --recursive`, of a variable, an absolute path, ~ or ../
        re.compile(
            r"\brm\s+(-[a-zA-Z]+\s+|--[a-z-]+\s+)*(-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)\s+"
            r"(-[a-zA-Z]+\s+|--[a-z-]+\s+)*[\"']?(\$|/|~|\.\.(/|\s|$))"
        ),
        "deletes recursively outside the project (a variable, an absolute path, ~ or ..)",
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


def _event_hint(event: str) -> str:
    for known in sorted(HOOK_EVENTS):
        if known.lower() == event.lower():
            return f" (event names are case-sensitive: {known})"
    return ""


def check_hooks_config(data: JsonValue, base: Pointer = ()) -> list[Finding]:
    """A hooks configuration: `{"hooks": {"<Event>": [{"matcher", "hooks": [...]}]}}`.

    `base` prefixes every pointer (the `hooks` value inline in a plugin.json)."""
    if not isinstance(data, dict):
        return [Finding(Severity.ERROR, "hooks-invalid", "top level must be an object", base)]
    hooks = data.get("hooks")
    if not isinstance(hooks, dict):
        return [Finding(Severity.ERROR, "hooks-invalid", "no top-level `hooks` object", base)]
    out: list[Finding] = []
    for event, groups in sorted(hooks.items()):
        at: Pointer = (*base, "hooks", event)
        if event not in HOOK_EVENTS:
            out.append(
                Finding(
                    Severity.WARNING,
                    "hook-event-unknown",
                    f"unknown hook event {event!r}{_event_hint(event)}",
                    at,
                )
            )
        if not isinstance(groups, list):
            out.append(
                Finding(Severity.ERROR, "hooks-invalid", f"`{event}` must be a list of groups", at)
            )
            continue
        for index, group in enumerate(groups):
            out += _check_hook_group(event, group, (*at, index))
    return out


def _check_hook_group(event: str, group: JsonValue, at: Pointer) -> list[Finding]:
    if not isinstance(group, dict):
        return [Finding(Severity.ERROR, "hooks-invalid", f"`{event}` group must be an object", at)]
    out: list[Finding] = []
    matcher = group.get("matcher", "")
    if not isinstance(matcher, str):
        out.append(
            Finding(
                Severity.ERROR,
                "hook-matcher-invalid",
                f"matcher must be a string, not {type(matcher).__name__}",
                (*at, "matcher"),
            )
        )
    else:
        bad = check_matcher(matcher)
        if bad is not None:
            out.append(Finding(bad.severity, bad.code, bad.message, (*at, "matcher")))
    handlers = group.get("hooks")
    if not isinstance(handlers, list) or not handlers:
        out.append(
            Finding(Severity.ERROR, "hooks-invalid", f"`{event}` group has no `hooks` list", at)
        )
        return out
    for index, handler in enumerate(handlers):
        where: Pointer = (*at, "hooks", index)
        if not isinstance(handler, dict):
            out.append(Finding(Severity.ERROR, "hooks-invalid", "hook must be an object", where))
            continue
        kind = handler.get("type")
        if kind is None:
            out.append(Finding(Severity.ERROR, "hook-type-missing", "hook has no `type`", where))
        elif kind not in HOOK_TYPES:
            out.append(
                Finding(
                    Severity.WARNING,
                    "hook-type-unknown",
                    f"unknown hook type {kind!r}",
                    (*where, "type"),
                )
            )
        required = HOOK_TYPE_REQUIRED.get(kind) if isinstance(kind, str) else None
        if required is not None and not (
            isinstance(handler.get(required), str) and str(handler.get(required)).strip()
        ):
            out.append(
                Finding(
                    Severity.ERROR,
                    "hook-field-missing",
                    f"{kind} hook needs a non-empty string `{required}`",
                    where,
                )
            )
        command = handler.get("command")
        if isinstance(command, str):
            out += [
                Finding(f.severity, f.code, redact(f.message), (*where, "command"))
                for f in check_hook_command(command)
            ]
        timeout = handler.get("timeout")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
        ):
            out.append(
                Finding(
                    Severity.ERROR,
                    "hook-timeout-invalid",
                    f"timeout {timeout!r} must be a positive number of seconds",
                    (*where, "timeout"),
                )
            )
    return out


# --- MCP servers -------------------------------------------------------------------------------

MCP_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}")
_BARE_VAR_RE = re.compile(r"(?<![\\$])\$([A-Za-z_][A-Za-z0-9_]*)")


def mcp_servers_of(data: JsonValue) -> dict[str, JsonValue] | None:
    """The server map of an MCP config: `{"mcpServers": {...}}`, or the map itself (a plugin.json
    `mcpServers` value or a file it names)."""
    if not isinstance(data, dict):
        return None
    servers = data.get("mcpServers")
    if isinstance(servers, dict):
        return servers
    if "mcpServers" in data:
        return None
    if data and all(isinstance(v, dict) for v in data.values()):
        return data
    return None


def check_mcp_config(data: JsonValue, base: Pointer = (), *, wrapped: bool = True) -> list[Finding]:
    """An `.mcp.json` document (`wrapped`: servers under `mcpServers`) or a bare server map.

    Messages name servers and keys, never a value: a value may be a secret."""
    if not isinstance(data, dict):
        return [Finding(Severity.ERROR, "mcp-config-invalid", "top level must be an object", base)]
    if wrapped:
        servers = data.get("mcpServers")
        at: Pointer = (*base, "mcpServers")
        if not data:
            return [Finding(Severity.WARNING, "mcp-config-empty", "empty MCP config", base)]
        if not isinstance(servers, dict):
            return [Finding(Severity.ERROR, "mcp-config-invalid", "no `mcpServers` object", base)]
    else:
        servers, at = data, base
    out: list[Finding] = []
    for name, config in sorted(servers.items()):
        out += check_mcp_server(name, config, (*at, name))
    return out


def check_mcp_server(name: str, config: JsonValue, at: Pointer = ()) -> list[Finding]:
    if not isinstance(config, dict):
        return [
            Finding(Severity.ERROR, "mcp-server-invalid", f"server {name!r} must be an object", at)
        ]
    out: list[Finding] = []
    transport = config.get("type")
    if transport is None:  # no type: stdio, unless only a url says otherwise
        transport = "http" if "url" in config and "command" not in config else "stdio"
    if not isinstance(transport, str) or transport not in MCP_TRANSPORTS:
        out.append(
            Finding(
                Severity.WARNING,
                "mcp-type-unknown",
                f"server {name!r} has unknown type {transport!r}",
                (*at, "type"),
            )
        )
    elif transport == "stdio":
        command = config.get("command")
        if not (isinstance(command, str) and command.strip()):
            out.append(
                Finding(
                    Severity.ERROR,
                    "mcp-server-invalid",
                    f"stdio server {name!r} needs a `command`",
                    at,
                )
            )
    elif not (isinstance(config.get("url"), str) and str(config.get("url")).strip()):
        out.append(
            Finding(
                Severity.ERROR,
                "mcp-server-invalid",
                f"{transport} server {name!r} needs a `url`",
                at,
            )
        )
    args = config.get("args")
    if args is not None and not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
        out.append(
            Finding(
                Severity.ERROR,
                "mcp-server-invalid",
                f"server {name!r} `args` must be a list of strings",
                (*at, "args"),
            )
        )
    elif isinstance(args, list):
        for index, arg in enumerate(args):
            if isinstance(arg, str) and redact(arg) != arg:
                out.append(_leak(name, f"args[{index}]", (*at, "args", index)))
    for key in ("command", "url"):
        value = config.get(key)
        if isinstance(value, str):
            if redact(value) != value:
                out.append(_leak(name, key, (*at, key)))
            if key == "url":
                out += _var_syntax(name, key, value, (*at, key))
    for section in ("env", "headers"):
        values = config.get(section)
        if values is None:
            continue
        if not (isinstance(values, dict) and all(isinstance(v, str) for v in values.values())):
            out.append(
                Finding(
                    Severity.ERROR,
                    "mcp-server-invalid",
                    f"server {name!r} `{section}` must map names to strings",
                    (*at, section),
                )
            )
            continue
        for key, value in sorted(values.items()):
            if not isinstance(value, str):
                continue  # reported above
            if is_literal_secret(key, value):
                out.append(_leak(name, f"{section}.{key}", (*at, section, key)))
            else:
                out += _var_syntax(name, f"{section}.{key}", value, (*at, section, key))
    return out


def _leak(server: str, where: str, pointer: Pointer) -> Finding:
    return Finding(
        Severity.ERROR,
        "leaked-secret",
        f"server {server!r} {where} holds a literal credential; use ${{VAR}} and rotate the "
        "exposed value",
        pointer,
    )


def _var_syntax(server: str, where: str, value: str, pointer: Pointer) -> list[Finding]:
    """Claude Code expands `${VAR}` and `${VAR:-default}` only: `$VAR` stays literal text."""
    out = []
    bare = _BARE_VAR_RE.search(MCP_VAR_RE.sub("", value))
    if bare is not None:
        out.append(
            Finding(
                Severity.WARNING,
                "mcp-var-syntax",
                f"server {server!r} {where} uses ${bare.group(1)}, which is not expanded; "
                f"write ${{{bare.group(1)}}}",
                pointer,
            )
        )
    elif "${" in MCP_VAR_RE.sub("", value):
        out.append(
            Finding(
                Severity.WARNING,
                "mcp-var-syntax",
                f"server {server!r} {where} has a malformed ${{...}} reference",
                pointer,
            )
        )
    return out


# --- plugin.json and marketplace.json ----------------------------------------------------------


def check_plugin_manifest(data: Mapping[str, JsonValue]) -> list[Finding]:
    out: list[Finding] = []
    name = _str(data, "name")
    if name is None:
        out.append(Finding(Severity.ERROR, "plugin-name-missing", "plugin.json has no `name`"))
    elif not KEBAB_RE.match(name):
        out.append(
            Finding(
                Severity.ERROR,
                "plugin-name-invalid",
                f"plugin name {name!r} is not kebab-case",
                ("name",),
            )
        )
    version = data.get("version")
    if version is None:
        out.append(
            Finding(
                Severity.INFO,
                "plugin-version-missing",
                "plugin.json has no `version`; Claude Code offers updates by version",
            )
        )
    elif not (isinstance(version, str) and SEMVER_RE.match(version)):
        out.append(
            Finding(
                Severity.WARNING,
                "plugin-version-invalid",
                f"version {version!r} is not semver",
                ("version",),
            )
        )
    for key in PLUGIN_COMPONENT_KEYS:
        value = data.get(key)
        for index, path in enumerate(component_paths(value)):
            pointer: Pointer = (key, index) if isinstance(value, list) else (key,)
            if not path.startswith("./"):
                out.append(
                    Finding(
                        Severity.ERROR,
                        "plugin-path-invalid",
                        f"`{key}` path {path!r} must be relative and start with ./",
                        pointer,
                    )
                )
            elif ".." in path.split("/"):
                out.append(
                    Finding(
                        Severity.ERROR,
                        "plugin-path-invalid",
                        f"`{key}` path {path!r} climbs out",
                        pointer,
                    )
                )
    unknown = sorted(k for k in data if k not in PLUGIN_KEYS)
    if unknown:
        out.append(
            Finding(
                Severity.WARNING,
                "plugin-unknown-fields",
                f"unknown plugin.json fields: {', '.join(unknown)}",
                (unknown[0],),
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
            Finding(
                Severity.ERROR,
                "marketplace-name-invalid",
                f"name {name!r} is not kebab-case",
                ("name",),
            )
        )
    owner = data.get("owner")
    if not (isinstance(owner, dict) and isinstance(owner.get("name"), str)):
        out.append(
            Finding(
                Severity.ERROR,
                "marketplace-owner-missing",
                "no `owner.name`",
                ("owner",) if "owner" in data else (),
            )
        )
    plugins = data.get("plugins")
    if not isinstance(plugins, list):
        out.append(Finding(Severity.ERROR, "marketplace-plugins-missing", "no `plugins` list"))
        return out
    seen: set[str] = set()
    for index, entry in enumerate(plugins):
        at: Pointer = ("plugins", index)
        if not isinstance(entry, dict):
            out.append(
                Finding(
                    Severity.ERROR, "marketplace-entry-invalid", f"plugins[{index}] not object", at
                )
            )
            continue
        pname = entry.get("name")
        if not isinstance(pname, str):
            out.append(
                Finding(
                    Severity.ERROR, "marketplace-entry-invalid", f"plugins[{index}] no name", at
                )
            )
            continue
        if pname in seen:
            out.append(
                Finding(
                    Severity.ERROR,
                    "marketplace-duplicate-plugin",
                    f"plugin {pname!r} listed twice",
                    (*at, "name"),
                )
            )
        seen.add(pname)
        source = entry.get("source")
        if source is None:
            out.append(
                Finding(
                    Severity.ERROR,
                    "marketplace-entry-invalid",
                    f"plugin {pname!r} has no source",
                    at,
                )
            )
        elif isinstance(source, str) and ".." in source.split("/"):
            out.append(
                Finding(
                    Severity.ERROR,
                    "marketplace-source-invalid",
                    f"plugin {pname!r} source {source!r} contains '..'",
                    (*at, "source"),
                )
            )
        elif isinstance(source, str) and not source.startswith("./"):
            # Claude Code's schema rejects the whole marketplace for such a source
            out.append(
                Finding(
                    Severity.ERROR,
                    "marketplace-source-invalid",
                    f"plugin {pname!r} source {source!r} must start with ./ (or be an object)",
                    (*at, "source"),
                )
            )
        version = entry.get("version")
        if version is not None and not (isinstance(version, str) and SEMVER_RE.match(version)):
            out.append(
                Finding(
                    Severity.WARNING,
                    "marketplace-version-invalid",
                    f"plugin {pname!r} version {version!r} is not semver",
                    (*at, "version"),
                )
            )
    return out


# --- locating findings -------------------------------------------------------------------------


def frontmatter_key_line(yaml_text: str, key: str) -> int:
    """1-based line, within the YAML text, of the top-level `key:`; 0 when not found."""
    pattern = re.compile(rf"^(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*:")
    for number, line in enumerate(yaml_text.split("\n"), start=1):
        if pattern.match(line):
            return number
    return 0


_JSON_SCALAR_END = re.compile(r"[\s,\]}]")


class _OpenContainer:
    """A JSON object or array being read by `json_pointer_lines`."""

    __slots__ = ("expecting_key", "index", "is_object", "key", "pointer")

    def __init__(self, pointer: Pointer, is_object: bool) -> None:
        self.pointer = pointer
        self.is_object = is_object
        self.key = ""  # the member being read (objects)
        self.index = 0  # the item being read (arrays)
        self.expecting_key = is_object

    def child(self) -> Pointer:
        return (*self.pointer, self.key if self.is_object else self.index)


def json_pointer_lines(text: str) -> dict[Pointer, int]:
    """The line of every key (for object members) and value (for array items) of a JSON text
    that `json.loads` accepts: `{("plugins", 0, "version"): 12, ...}`; the root is `()`.

    A single linear pass: the standard parser keeps no positions."""
    lines: dict[Pointer, int] = {}
    stack: list[_OpenContainer] = []
    line = 1
    index = 0
    size = len(text)

    def value_starts() -> Pointer:
        """Record where a value starts; returns its pointer."""
        pointer = stack[-1].child() if stack else ()
        if not stack or not stack[-1].is_object:  # members are located by their key
            lines.setdefault(pointer, line)
        return pointer

    while index < size:
        char = text[index]
        if char == "\n":
            line += 1
        elif char == '"':
            end = index + 1
            while end < size and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            if stack and stack[-1].expecting_key:
                literal = text[index : end + 1]
                try:
                    key = json.loads(literal)
                except ValueError:
                    key = literal.strip('"')
                top = stack[-1]
                top.key, top.expecting_key = str(key), False
                lines.setdefault(top.child(), line)
            else:
                value_starts()
            index = end
        elif char in "{[":
            stack.append(_OpenContainer(value_starts(), char == "{"))
        elif char in "}]":
            if stack:
                stack.pop()
        elif char == ",":
            if stack:
                if stack[-1].is_object:
                    stack[-1].expecting_key = True
                else:
                    stack[-1].index += 1
        elif not char.isspace() and char != ":":
            value_starts()
            match = _JSON_SCALAR_END.search(text, index)
            index = (match.start() if match else size) - 1
        index += 1
    return lines


def line_of(lines: Mapping[Pointer, int], pointer: Pointer) -> int:
    """The line of `pointer`, else of its nearest located ancestor; 0 when none is known."""
    for cut in range(len(pointer), -1, -1):
        found = lines.get(pointer[:cut])
        if found:
            return found
    return 0
