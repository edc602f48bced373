"""MCP server configurations: `.mcp.json` and similar files with an `mcpServers` map.

Records each server's transport, command or URL and the environment variables it needs;
a literal credential where a `${VAR}` belongs is reported and redacted."""

from __future__ import annotations

import re

from scanner.handlers.base import FileInput, Handler, HandlerResult, stem
from scanner.models import AssetKind, JsonValue, ScanIssue, Severity
from scanner.secrets import REDACTED, is_literal_secret, redact

VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}")


def _scan_values(
    fi: FileInput,
    server: str,
    where: str,
    values: JsonValue,
    env_vars: set[str],
    issues: list[ScanIssue],
) -> JsonValue:
    """Collect ${VAR} names, and redact literal secrets, in a map or list of strings."""
    if isinstance(values, dict):
        clean: dict[str, JsonValue] = {}
        for key, value in sorted(values.items()):
            if isinstance(value, str):
                env_vars.update(VAR_RE.findall(value))
                if where == "env" and not VAR_RE.search(value):
                    env_vars.add(key)
                if is_literal_secret(key, value):
                    issues.append(
                        fi.issue(
                            Severity.ERROR,
                            "leaked-secret",
                            f"server {server!r} {where}.{key} holds a literal credential; "
                            "use ${VAR} and rotate the exposed value",
                        )
                    )
                    value = REDACTED
                else:
                    value = redact(value)
            clean[key] = value
        return clean
    if isinstance(values, list):
        out: list[JsonValue] = []
        for value in values:
            if isinstance(value, str):
                env_vars.update(VAR_RE.findall(value))
                if redact(value) != value:
                    issues.append(
                        fi.issue(
                            Severity.ERROR,
                            "leaked-secret",
                            f"server {server!r} {where} holds a literal credential; use ${{VAR}}",
                        )
                    )
                value = redact(value)
            out.append(value)
        return out
    return values


def servers_of(fi: FileInput, data: dict[str, JsonValue], issues: list[ScanIssue]) -> JsonValue:
    servers = data.get("mcpServers", data.get("servers"))
    if not isinstance(servers, dict):
        return []
    out: list[JsonValue] = []
    for name, config in sorted(servers.items()):
        if not isinstance(config, dict):
            issues.append(fi.issue(Severity.ERROR, "mcp-server-invalid", f"{name!r} not object"))
            continue
        env_vars: set[str] = set()
        command = config.get("command")
        url = config.get("url")
        transport = config.get("type") or ("stdio" if command else "http" if url else None)
        if not command and not url:
            issues.append(
                fi.issue(
                    Severity.ERROR, "mcp-server-invalid", f"server {name!r} has no command or url"
                )
            )
        for where, text in (("command", command), ("url", url)):
            if isinstance(text, str) and redact(text) != text:
                issues.append(
                    fi.issue(
                        Severity.ERROR,
                        "leaked-secret",
                        f"server {name!r} {where} holds a literal credential; use ${{VAR}} and "
                        "rotate the exposed value",
                    )
                )
        record: dict[str, JsonValue] = {
            "name": name,
            "transport": transport if isinstance(transport, str) else None,
            "command": redact(command) if isinstance(command, str) else None,
            "args": _scan_values(fi, name, "args", config.get("args", []), env_vars, issues),
            "url": redact(url) if isinstance(url, str) else None,
        }
        if isinstance(url, str):
            env_vars.update(VAR_RE.findall(url))
        _scan_values(fi, name, "env", config.get("env", {}), env_vars, issues)
        _scan_values(fi, name, "headers", config.get("headers", {}), env_vars, issues)
        record["env_vars"] = list[JsonValue](sorted(env_vars))
        out.append(record)
    return out


def parse(fi: FileInput) -> HandlerResult | None:
    parsed = fi.json
    if not parsed.ok:
        errors = tuple(fi.problem_issue(p, Severity.ERROR) for p in parsed.problems)
        return HandlerResult(None, errors)
    data = parsed.data
    if not isinstance(data, dict) or not isinstance(
        data.get("mcpServers", data.get("servers")), dict
    ):
        return None
    issues: list[ScanIssue] = []
    servers = servers_of(fi, data, issues)
    count = len(servers) if isinstance(servers, list) else 0
    asset = fi.asset(
        AssetKind.MCP_CONFIG,
        HANDLER_ID,
        "json",
        name=stem(fi.path).lstrip(".") or fi.filename,
        title="MCP servers",
        description=f"{count} MCP server(s) configured",
        details={"servers": servers},
    )
    return HandlerResult(asset, tuple(issues))


HANDLER_ID = "mcp-config"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.MCP_CONFIG,
    patterns=(
        "**/.mcp.json",
        "**/mcp.json",
        "**/.mcp/*.json",
        "**/mcp_servers.json",
        "**/mcp-servers.json",
        "**/claude_desktop_config.json",
    ),
    description="MCP server configurations: .mcp.json and files with an mcpServers map",
    parse=parse,
)
