"""Hook configurations: `hooks/hooks.json` and the `hooks` key of `.claude/settings*.json`.

Every hook is catalogued (event, matcher, type, command) and never run; dangerous commands are
flagged."""

from __future__ import annotations

from scanner.formats import HOOK_EVENTS, HOOK_TYPES, check_hook_command, check_matcher
from scanner.handlers.base import FileInput, Handler, HandlerResult, stem
from scanner.models import AssetKind, JsonValue, ScanIssue, Severity
from scanner.secrets import redact


def _hooks(fi: FileInput, hooks: JsonValue, issues: list[ScanIssue]) -> list[dict[str, JsonValue]]:
    if not isinstance(hooks, dict):
        issues.append(fi.issue(Severity.ERROR, "hooks-invalid", "`hooks` must be an object"))
        return []
    out: list[dict[str, JsonValue]] = []
    for event, groups in sorted(hooks.items()):
        if event not in HOOK_EVENTS:
            issues.append(
                fi.issue(Severity.WARNING, "hook-event-unknown", f"unknown hook event {event!r}")
            )
        if not isinstance(groups, list):
            issues.append(
                fi.issue(Severity.ERROR, "hooks-invalid", f"`{event}` must be a list of groups")
            )
            continue
        for group in groups:
            if not isinstance(group, dict):
                issues.append(fi.issue(Severity.ERROR, "hooks-invalid", f"`{event}` group"))
                continue
            matcher = group.get("matcher", "")
            matcher = matcher if isinstance(matcher, str) else str(matcher)
            bad = check_matcher(matcher)
            if bad:
                issues.append(fi.issue(bad.severity, bad.code, bad.message))
            handlers = group.get("hooks")
            if not isinstance(handlers, list):
                issues.append(
                    fi.issue(Severity.ERROR, "hooks-invalid", f"`{event}` group has no hooks list")
                )
                continue
            for handler in handlers:
                if not isinstance(handler, dict):
                    continue
                kind = handler.get("type")
                if kind not in HOOK_TYPES:
                    issues.append(
                        fi.issue(
                            Severity.WARNING, "hook-type-unknown", f"unknown hook type {kind!r}"
                        )
                    )
                command = handler.get("command")
                command = command if isinstance(command, str) else ""
                for finding in check_hook_command(command):
                    issues.append(fi.issue(finding.severity, finding.code, redact(finding.message)))
                timeout = handler.get("timeout")
                out.append(
                    {
                        "event": event,
                        "matcher": matcher,
                        "type": kind if isinstance(kind, str) else None,
                        "command": redact(command),
                        "timeout": timeout if isinstance(timeout, int | float) else None,
                    }
                )
    return out


def parse(fi: FileInput) -> HandlerResult | None:
    parsed = fi.json
    issues = [fi.problem_issue(p, Severity.ERROR) for p in parsed.problems]
    is_settings = fi.filename.startswith("settings")
    if not parsed.ok:
        if is_settings:
            return HandlerResult(None, tuple(issues))
        hooks: list[dict[str, JsonValue]] = []
    elif not isinstance(parsed.data, dict):
        issues.append(fi.issue(Severity.ERROR, "hooks-invalid", "top level must be an object"))
        hooks = []
    elif "hooks" not in parsed.data:
        if is_settings:
            return None  # settings without hooks are not a hook configuration
        issues.append(fi.issue(Severity.ERROR, "hooks-invalid", "no top-level `hooks` object"))
        hooks = []
    else:
        hooks = _hooks(fi, parsed.data["hooks"], issues)
    events = sorted({str(h["event"]) for h in hooks})
    asset = fi.asset(
        AssetKind.HOOK,
        HANDLER_ID,
        "json",
        name=stem(fi.path),
        title=f"Hooks: {', '.join(events)}" if events else "Hooks",
        description=f"{len(hooks)} hook(s) on {', '.join(events) or 'no events'}",
        details={"hooks": list(hooks), "events": list(events)},
    )
    return HandlerResult(asset, tuple(issues))


HANDLER_ID = "hook-config"
HANDLER = Handler(
    id=HANDLER_ID,
    kind=AssetKind.HOOK,
    patterns=("**/hooks/hooks.json", "**/.claude/settings.json", "**/.claude/settings.local.json"),
    description="Hook configurations: hooks/hooks.json and the hooks of .claude/settings*.json",
    parse=parse,
)
