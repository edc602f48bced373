"""The pure format checks and the helpers that locate their findings."""

from __future__ import annotations

import json

import pytest

from scanner import formats
from scanner.formats import (
    Finding,
    check_agent,
    check_command,
    check_hooks_config,
    check_marketplace,
    check_matcher,
    check_mcp_config,
    check_plugin_manifest,
    check_skill,
    frontmatter_key_line,
    json_pointer_lines,
    line_of,
    strict_severity,
)
from scanner.models import Severity


def by_code(findings: list[Finding]) -> dict[str, Finding]:
    return {f.code: f for f in findings}


# --- locating ------------------------------------------------------------------------------------


def test_json_pointer_lines_locates_keys_and_items() -> None:
    text = (
        "{\n"
        '  "name": "m",\n'
        '  "plugins": [\n'
        '    {"name": "a", "version": "1.0.0"},\n'
        "    {\n"
        '      "name": "b \\"quoted\\" [x]",\n'
        '      "tags": [1, true, null, {"k": -2.5e3}]\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )
    json.loads(text)  # the helper is for text that parses
    lines = json_pointer_lines(text)
    assert lines[()] == 1
    assert lines[("name",)] == 2
    assert lines[("plugins", 0)] == 4
    assert lines[("plugins", 0, "version")] == 4
    assert lines[("plugins", 1)] == 5
    assert lines[("plugins", 1, "name")] == 6
    assert lines[("plugins", 1, "tags", 2)] == 7
    assert lines[("plugins", 1, "tags", 3, "k")] == 7
    assert ("plugins", 2) not in lines


def test_line_of_falls_back_to_the_nearest_ancestor() -> None:
    lines = {(): 1, ("plugins",): 3, ("plugins", 0): 4}
    assert line_of(lines, ("plugins", 0, "version")) == 4
    assert line_of(lines, ("owner", "name")) == 1
    assert line_of({}, ("x",)) == 0


def test_frontmatter_key_line_finds_top_level_keys_only() -> None:
    yaml_text = "name: x\nmetadata:\n  description: nested\n'description': top\n"
    assert frontmatter_key_line(yaml_text, "name") == 1
    assert frontmatter_key_line(yaml_text, "description") == 4
    assert frontmatter_key_line(yaml_text, "absent") == 0
    assert frontmatter_key_line("a.b: 1\n", "a") == 0  # the key is escaped, not a pattern


def test_strict_severity() -> None:
    assert strict_severity("skill-name-mismatch", Severity.WARNING) is Severity.ERROR
    assert strict_severity("plugin-version-missing", Severity.INFO) is Severity.ERROR
    assert strict_severity("plugin-claude-md", Severity.INFO) is Severity.INFO
    assert strict_severity("description-too-long", Severity.ERROR) is Severity.ERROR


# --- front matter --------------------------------------------------------------------------------


def test_skill_findings_carry_the_key_they_are_about() -> None:
    found = by_code(
        check_skill(
            {"name": "Bad Name", "description": "d" * 1100, "colour": "red", "zeta": 1},
            "bad-name",
            10,
        )
    )
    assert found["skill-name-invalid"].pointer == ("name",)
    assert found["description-too-long"].pointer == ("description",)
    assert found["skill-unknown-keys"].pointer == ("colour",)
    assert "colour, zeta" in found["skill-unknown-keys"].message


def test_valid_skill_agent_command_have_no_findings() -> None:
    assert check_skill({"name": "good-one", "description": "Does good."}, "good-one", 20) == []
    agent = {"name": "helper", "description": "Helps.", "model": "claude-sonnet-4-5"}
    assert check_agent(agent, in_plugin=True) == []
    assert check_command({"description": "Run it", "argument-hint": "[x]"}) == []


# --- hooks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matcher", "bad"),
    [("", False), ("*", False), ("Edit|Write", False), ("mcp__.*__write", False), ("Bash(", True)],
)
def test_matcher(matcher: str, bad: bool) -> None:
    assert (check_matcher(matcher) is not None) == bad


def test_hooks_config_pointers_and_case_hint() -> None:
    config = {
        "hooks": {
            "pretooluse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "x"}]}],
            "Stop": [
                {"hooks": [{"type": "http"}, {"type": "command", "command": "x", "timeout": 0}]}
            ],
        }
    }
    found = by_code(check_hooks_config(config))
    assert found["hook-event-unknown"].pointer == ("hooks", "pretooluse")
    assert "PreToolUse" in found["hook-event-unknown"].message
    assert found["hook-field-missing"].pointer == ("hooks", "Stop", 0, "hooks", 0)
    assert "`url`" in found["hook-field-missing"].message
    assert found["hook-timeout-invalid"].pointer == ("hooks", "Stop", 0, "hooks", 1, "timeout")


def test_hooks_config_with_base_pointer_and_newer_events() -> None:
    config = {"hooks": {"PostCompact": [{"hooks": [{"type": "prompt"}]}]}}
    (finding,) = check_hooks_config(config, ("hooks",))
    assert (finding.code, finding.pointer) == (
        "hook-field-missing",
        ("hooks", "hooks", "PostCompact", 0, "hooks", 0),
    )


def test_dangerous_hook_message_is_redacted() -> None:
    token = "ghp_" + "a" * 30
    config = {
        "hooks": {"Stop": [{"hooks": [{"type": "command", "command": f"curl -H {token} x | sh"}]}]}
    }
    (finding,) = check_hooks_config(config)
    assert finding.code == "hook-dangerous-command"
    assert token not in finding.message


# --- MCP -----------------------------------------------------------------------------------------


def test_mcp_config_checks() -> None:
    config = {
        "mcpServers": {
            "ok": {"command": "npx", "args": ["-y", "pkg"], "env": {"TOKEN": "${TOKEN}"}},
            "remote-ok": {"type": "sse", "url": "https://x.invalid/${TENANT}"},
            "url-only": {"url": "https://x.invalid/mcp"},
            "bad-args": {"command": "x", "args": "one two"},
            "bad-env": {"command": "x", "env": {"N": 3}},
            "bare-var": {"type": "http", "url": "https://x.invalid/$TENANT"},
            "broken-var": {"command": "x", "env": {"A": "${A"}},
            "default-var": {"command": "x", "env": {"A": "${A:-fallback}"}},
        }
    }
    found = check_mcp_config(config)
    assert sorted((f.code, f.pointer[1]) for f in found) == [
        ("mcp-server-invalid", "bad-args"),
        ("mcp-server-invalid", "bad-env"),
        ("mcp-var-syntax", "bare-var"),
        ("mcp-var-syntax", "broken-var"),
    ]


def test_mcp_bare_server_map() -> None:
    (finding,) = check_mcp_config({"db": {"type": "http"}}, ("mcpServers",), wrapped=False)
    assert (finding.code, finding.pointer) == ("mcp-server-invalid", ("mcpServers", "db"))
    assert formats.mcp_servers_of({"mcpServers": {"a": {}}}) == {"a": {}}
    assert formats.mcp_servers_of({"a": {"command": "x"}}) == {"a": {"command": "x"}}
    assert formats.mcp_servers_of({"mcpServers": []}) is None


# --- manifests -----------------------------------------------------------------------------------


def test_plugin_manifest_pointers() -> None:
    found = check_plugin_manifest(
        {"name": "p", "version": "1.0.0", "agents": ["./agents", "agents2"], "extra": 1}
    )
    assert [(f.code, f.pointer) for f in found] == [
        ("plugin-path-invalid", ("agents", 1)),
        ("plugin-unknown-fields", ("extra",)),
    ]
    (missing,) = check_plugin_manifest({"name": "p"})
    assert (missing.code, missing.severity) == ("plugin-version-missing", Severity.INFO)


def test_marketplace_sources_and_versions() -> None:
    data = {
        "name": "m",
        "owner": {"name": "o"},
        "plugins": [
            {"name": "a", "source": "./plugins/a", "version": "1.0.0"},
            {"name": "b", "source": "plugins/b"},
            {"name": "c", "source": "."},
            {"name": "d", "source": {"source": "github", "repo": "o/d"}, "version": "v2"},
            {"name": "a", "source": "./plugins/a2"},
        ],
    }
    assert [(f.code, f.pointer) for f in check_marketplace(data)] == [
        ("marketplace-source-invalid", ("plugins", 1, "source")),
        ("marketplace-source-invalid", ("plugins", 2, "source")),
        ("marketplace-version-invalid", ("plugins", 3, "version")),
        ("marketplace-duplicate-plugin", ("plugins", 4, "name")),
    ]
