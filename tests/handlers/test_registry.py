"""Registry invariants and glob selection, tested apart from parsing."""

from __future__ import annotations

import pytest

from scanner.handlers import BY_ID, HANDLERS, select_handlers


def test_ids_are_unique_and_patterns_are_tuples() -> None:
    ids = [h.id for h in HANDLERS]
    assert len(ids) == len(set(ids))
    assert set(BY_ID) == set(ids)
    for handler in HANDLERS:
        assert isinstance(handler.patterns, tuple) and handler.patterns
        assert all(isinstance(p, str) for p in handler.patterns)
        assert handler.description


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("SKILL.md", ["skill"]),
        ("skills/pdf/SKILL.md", ["skill"]),
        (".claude/skills/x/SKILL.md", ["skill"]),
        ("plugins/p/agents/fastapi-pro.md", ["agent"]),
        (".claude/agents/reviewer.md", ["agent"]),
        ("src/harness/agents/configs/dev-go-expert.md", ["agent"]),
        ("agents/README.md", []),
        ("plugins/p/commands/run.md", ["command"]),
        (".claude/commands/git/commit.md", ["command"]),
        ("plugins/p/hooks/hooks.json", ["hook-config"]),
        (".claude/settings.json", ["hook-config"]),
        (".claude/settings.local.json", ["hook-config"]),
        (".mcp.json", ["mcp-config"]),
        ("plugins/p/.mcp.json", ["mcp-config"]),
        ("plugins/p/.claude-plugin/plugin.json", ["plugin-manifest"]),
        (".claude-plugin/marketplace.json", ["marketplace"]),
        ("CLAUDE.md", ["guidance"]),
        ("docs/AGENTS.md", ["guidance"]),
        ("skills/api/patterns/authentication-patterns.md", ["pattern"]),
        ("docs/caching-patterns.md", ["pattern"]),
        ("skills/pdf/references/forms.md", ["reference"]),
        ("skills/pdf/references/retry-patterns.md", ["pattern", "reference"]),
        ("server/index.js", ["code"]),
        ("crates/a/src/claude_stream.rs", ["code"]),
        ("backend/web/package.json", ["code"]),
        ("web/node_modules/express/index.js", []),
        ("types/index.d.ts", []),
        ("README.md", []),
        ("docs/guide.md", []),
        ("image.png", []),
    ],
)
def test_glob_selection(path: str, expected: list[str]) -> None:
    assert [h.id for h in select_handlers(path)] == expected
