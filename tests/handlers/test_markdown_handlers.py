"""Skill, agent, command, guidance, pattern and reference handlers on real tree-sitter parses."""

from __future__ import annotations

from scanner.handlers import agent, command, guidance, pattern, reference, skill
from scanner.models import AssetKind, RefKind, Severity
from tests.handlers.helpers import codes, file_input

GOOD_SKILL = """---
name: pagination-patterns
description: Design cursor and offset pagination for list endpoints.
---

# Pagination patterns

See [cursor pagination](references/cursor.md#why) and `agents/api-designer.md`.

## When to use
"""


def test_skill_with_valid_front_matter_and_supporting_files() -> None:
    fi = file_input(
        "skills/pagination-patterns/SKILL.md",
        GOOD_SKILL,
        others=(
            "skills/pagination-patterns/references/cursor.md",
            "skills/pagination-patterns/scripts/check.py",
            "skills/pagination-patterns/nested/SKILL.md",
            "skills/pagination-patterns/nested/inner.md",
            "skills/other/SKILL.md",
        ),
    )
    result = skill.parse(fi)
    assert result.asset is not None
    asset = result.asset
    assert asset.kind is AssetKind.SKILL
    assert asset.found_by == "skill"
    assert asset.name == "pagination-patterns"
    assert asset.title == "Pagination patterns"
    assert asset.description.startswith("Design cursor")
    assert asset.headings == ("Pagination patterns", "When to use")
    assert asset.details["supporting_files"] == ["references/cursor.md", "scripts/check.py"]
    links = [(r.kind, r.target, r.line) for r in asset.references if r.kind is RefKind.LINK]
    assert links == [(RefKind.LINK, "references/cursor.md#why", 8)]
    mentions = [r.target for r in asset.references if r.kind is RefKind.MENTION]
    assert mentions == ["agents/api-designer.md"]
    assert codes(result) == set()


def test_skill_whose_front_matter_does_not_parse_is_still_an_asset_with_an_error() -> None:
    fi = file_input("skills/bad/SKILL.md", "---\nname: bad\ndescription: [oops\n---\n# Bad\n")
    result = skill.parse(fi)
    assert result.asset is not None and result.asset.name == "bad"  # falls back to folder
    errors = [i for i in result.issues if i.severity is Severity.ERROR]
    assert [i.code for i in errors] == ["frontmatter-parse-error"]
    assert errors[0].line >= 2


def test_skill_name_rules() -> None:
    fi = file_input(
        "skills/cache/SKILL.md", "---\nname: Cache Strategies\ndescription: x\n---\n# C\n"
    )
    result = skill.parse(fi)
    assert "skill-name-invalid" in codes(result)
    fi = file_input("skills/cache/SKILL.md", "---\nname: caching\ndescription: x\n---\n")
    assert "skill-name-mismatch" in codes(skill.parse(fi))
    fi = file_input("skills/cache/SKILL.md", "---\nname: cache\n---\n")
    assert "skill-description-missing" in codes(skill.parse(fi))
    long = "a" * 1100
    fi = file_input("skills/cache/SKILL.md", f"---\nname: cache\ndescription: {long}\n---\n")
    assert "description-too-long" in codes(skill.parse(fi))
    fi = file_input("skills/cache/SKILL.md", "---\nname: [a, b]\ndescription: x\n---\n")
    assert "frontmatter-field-type" in codes(skill.parse(fi))
    fi = file_input("skills/cache/SKILL.md", "# No front matter\n")
    assert "frontmatter-missing" in codes(skill.parse(fi))


AGENT = """---
name: fastapi-pro
description: Build FastAPI services with async SQLAlchemy.
model: sonnet
skills: [api-design-principles, async-python-patterns]
---
You are a FastAPI expert.
"""


def test_agent_with_skills() -> None:
    fi = file_input("plugins/api/agents/fastapi-pro.md", AGENT)
    result = agent.parse(fi)
    assert result is not None and result.asset is not None
    assert result.asset.kind is AssetKind.AGENT
    assert result.asset.name == "fastapi-pro"
    skills = [r.target for r in result.asset.references if r.kind is RefKind.SKILL]
    assert skills == ["api-design-principles", "async-python-patterns"]
    assert codes(result) == set()


def test_agents_folder_readme_and_notes_are_not_agents() -> None:
    assert agent.parse(file_input("agents/notes.md", "# Notes about our agents\n")) is None
    assert agent.parse(file_input("agents/x.md", "---\ntitle: only a title\n---\n# X\n")) is None


def test_agent_with_broken_front_matter_is_reported() -> None:
    result = agent.parse(file_input("agents/x.md", "---\nname: x\ndescription: a: b: c\n---\n"))
    assert result is not None and result.asset is not None
    assert "frontmatter-parse-error" in codes(result)


def test_command_name_namespacing_and_bad_argument_hint() -> None:
    fi = file_input(
        ".claude/commands/db/migrate.md",
        "---\ndescription: Run a migration\nargument-hint: [service]: name\n---\n# Migrate\n",
    )
    result = command.parse(fi)
    assert result.asset is not None
    assert result.asset.name == "db:migrate"
    assert "frontmatter-parse-error" in codes(result)
    ok = command.parse(
        file_input("commands/hub.md", '---\ndescription: Hub\nargument-hint: "[x]"\n---\n')
    )
    assert ok.asset is not None and codes(ok) == set()
    assert ok.asset.details["argument_hint"] == "[x]"


def test_guidance_pattern_reference() -> None:
    g = guidance.parse(file_input("CLAUDE.md", "# Project guide\n\nUse uv for everything.\n"))
    assert g.asset is not None and g.asset.kind is AssetKind.GUIDANCE
    assert g.asset.title == "Project guide"
    assert g.asset.description == "Use uv for everything."
    p = pattern.parse(file_input("skills/api/patterns/auth-patterns.md", "# Auth patterns\n"))
    assert p.asset is not None and p.asset.kind is AssetKind.PATTERN
    assert p.asset.name == "auth-patterns"
    r = reference.parse(
        file_input("skills/pdf/references/forms.md", "# Forms\n", others=("skills/pdf/SKILL.md",))
    )
    assert (
        r is not None and r.asset is not None and r.asset.details["skill"] == "skills/pdf/SKILL.md"
    )
    assert reference.parse(file_input("docs/references/forms.md", "# Forms\n")) is None
