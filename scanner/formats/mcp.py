"""Checks over MCP server configuration: transports, variables, leaked secrets."""

from __future__ import annotations

import re

from scanner.formats.rules import MCP_TRANSPORTS, Finding, Pointer
from scanner.models import JsonValue, Severity
from scanner.secrets import is_literal_secret, redact

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
