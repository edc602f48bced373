"""The handler registry: one ordered tuple. Order matters: for each file the first handler
whose globs select it and whose parse accepts it wins (a `patterns/` doc inside a skill's
`references/` folder is a pattern; an `agents/README.md` falls through to later handlers)."""

from __future__ import annotations

from scanner.handlers import (
    agent,
    code,
    command,
    guidance,
    hook_config,
    marketplace,
    mcp_config,
    pattern,
    plugin_manifest,
    reference,
    skill,
)
from scanner.handlers.base import FileInput, Handler, HandlerResult

HANDLERS: tuple[Handler, ...] = (
    skill.HANDLER,
    agent.HANDLER,
    command.HANDLER,
    hook_config.HANDLER,
    mcp_config.HANDLER,
    plugin_manifest.HANDLER,
    marketplace.HANDLER,
    guidance.HANDLER,
    pattern.HANDLER,
    reference.HANDLER,
    code.HANDLER,
)
BY_ID: dict[str, Handler] = {h.id: h for h in HANDLERS}


def select_handlers(path: str) -> tuple[Handler, ...]:
    """Glob selection alone, in registry order: the handlers that would look at `path`."""
    return tuple(h for h in HANDLERS if h.selects(path))


__all__ = ["BY_ID", "HANDLERS", "FileInput", "Handler", "HandlerResult", "select_handlers"]
