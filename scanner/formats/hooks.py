"""Checks over hooks configuration: events, matchers, handlers, dangerous commands."""

from __future__ import annotations

import re

from scanner.formats.rules import HOOK_EVENTS, HOOK_TYPE_REQUIRED, HOOK_TYPES, Finding, Pointer
from scanner.models import JsonValue, Severity
from scanner.secrets import redact
from scanner.suggest import did_you_mean

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


def hook_event_hint(event: str) -> str:
    """What to say after "unknown hook event": the right case, or the nearest event."""
    for known in sorted(HOOK_EVENTS):
        if known.lower() == event.lower():
            return f" (event names are case-sensitive: {known})"
    return did_you_mean(event, HOOK_EVENTS)


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
                    f"unknown hook event {event!r}{hook_event_hint(event)}",
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
