"""The router plugin (`proagent-router`): one command that picks the practice plugin for what
the user asks. Generated from the practice files of the plugins that ship, so adding a practice
(and publishing it) updates the router; nothing here is typed in by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scanner.markdown_templates import render_markdown
from scanner.models import JsonObject
from scanner.practices import Practice, term_tokens
from scanner.publishing import RouterSpec
from scanner.writer import dump_json

TRIGGERS_PER_DOMAIN = 3


@dataclass(frozen=True, slots=True)
class RouteView:
    """One practice as the router lists it."""

    plugin: str
    title: str
    description: str
    domains: tuple[str, ...]  # domain titles
    triggers: tuple[str, ...]  # words that send a request to this practice
    commands: tuple[str, ...]  # its slash commands
    agent: str | None


def _triggers(practice: Practice) -> tuple[str, ...]:
    """Each domain's strongest positive keywords (the terms of its heaviest rules), in domain
    order, each once: the words a request about that domain is likely to use."""
    found: list[str] = []
    for domain in practice.domains:
        rules = sorted(
            (r for r in domain.rules.keywords if r.weight > 0),
            key=lambda r: -r.weight,
        )
        taken = 0
        for rule in rules:
            # Prefix terms (`optimiz*`) are stems, not words a user types.
            for term in (t for t in rule.terms if not t.endswith("*")):
                word = " ".join(term_tokens(term))
                if taken >= TRIGGERS_PER_DOMAIN:
                    break
                if word and word not in found:
                    found.append(word)
                    taken += 1
    return tuple(found)


def route_views(practices: Sequence[Practice]) -> tuple[RouteView, ...]:
    return tuple(
        RouteView(
            plugin=p.plugin,
            title=p.title,
            description=p.description,
            domains=tuple(d.title for d in p.domains),
            triggers=_triggers(p),
            commands=tuple(c.name for c in p.commands),
            agent=p.agent.name if p.agent else None,
        )
        for p in sorted(practices, key=lambda p: p.plugin)
    )


def router_plugin_json(spec: RouterSpec, version: str, routes: Sequence[RouteView]) -> JsonObject:
    return {
        "name": spec.plugin,
        "version": version,
        "description": spec.description,
        "author": {"name": "ProAgent"},
        "license": "MIT",
        "keywords": ["proagent", "router", *(r.plugin.removeprefix("proagent-") for r in routes)],
    }


def router_files(spec: RouterSpec, version: str, practices: Sequence[Practice]) -> dict[str, str]:
    """The router plugin's files, relative to its folder."""
    routes = route_views(practices)
    context = {"spec": spec, "routes": routes}
    return {
        ".claude-plugin/plugin.json": dump_json(router_plugin_json(spec, version, routes)),
        f"commands/{spec.command}.md": render_markdown("router-command.md.j2", **context),
        "README.md": render_markdown("router-README.md.j2", **context),
    }
