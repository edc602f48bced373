"""The practice manifests: the committed files load, and broken ones fail with every problem
named (file and field), as ManifestError (exit 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.errors import ExitCode, ManifestError
from scanner.ids import pin_to_asset_id
from scanner.practices import (
    load_practice,
    load_practices,
    pin_problem,
    term_tokens,
)

ROOT = Path(__file__).resolve().parent.parent
SEED_DOMAINS = [
    "api-design",
    "database",
    "microservices",
    "cqrs-event-sourcing",
    "auth",
    "messaging",
    "caching",
    "performance",
    "mcp",
    "frameworks",
]


def minimal(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": "demo",
        "plugin": "proagent-demo",
        "title": "Demo",
        "description": "A practice for tests.",
        "version": "1.0.0",
        "version_policy": "Bump on every change.",
        "classification": {
            "threshold": 4,
            "field_weights": {
                "name": 1,
                "title": 1,
                "description": 1,
                "tags": 1,
                "headings": 0.5,
                "path": 0.5,
            },
        },
        "domains": [
            {
                "id": "queues",
                "title": "Queues",
                "summary": "Message queues.",
                "rules": {"keywords": [{"terms": ["kafka"], "weight": 4}]},
            }
        ],
    }
    data.update(overrides)
    return data


def write(folder: Path, data: dict[str, Any], name: str = "demo") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_practice(path)
    assert caught.value.path == str(path)
    assert caught.value.exit_code == ExitCode.FATAL
    return caught.value.problems


def test_committed_practices_load_sorted_with_the_seed_domains() -> None:
    practices = load_practices(ROOT / "manifests" / "practices")
    assert [p.id for p in practices] == sorted(p.id for p in practices)
    backend = next(p for p in practices if p.id == "backend")
    assert backend.plugin == "proagent-backend"
    assert [d.id for d in backend.domains] == SEED_DOMAINS
    pins = [pin for d in backend.domains for pin in d.featured]
    assert len(pins) == 13  # every citation of the seed document
    assert len(backend.commands) == 3 and backend.agent is not None
    assert {m.name for m in backend.mcp_integrations} >= {"github", "gitlab", "slack"}
    excalidraw = next(m for m in backend.mcp_integrations if m.name == "excalidraw")
    assert excalidraw.server.type == "http" and excalidraw.server.command is None
    others = [p for p in practices if p.id != "backend"]
    assert others and all(len(p.domains) >= 3 for p in others)


def test_a_valid_minimal_practice_gets_defaults(tmp_path: Path) -> None:
    practice = load_practice(write(tmp_path, minimal()))
    assert practice.threshold_of(practice.domains[0]) == 4
    assert practice.classification.supporting_fields == ("headings",)
    assert practice.domain("queues") is not None and practice.domain("nope") is None


def test_a_domain_may_have_no_rules_yet(tmp_path: Path) -> None:
    """Labels are committed before rules: a domain with only its definition loads."""
    data = minimal()
    del data["domains"][0]["rules"]
    practice = load_practice(write(tmp_path, data))
    rules = practice.domains[0].rules
    assert not (rules.keywords or rules.paths or rules.signals)


def test_unknown_and_missing_keys_name_the_field(tmp_path: Path) -> None:
    data = minimal(colour="blue")
    del data["title"]
    data["domains"][0]["rules"]["keywords"][0]["wieght"] = 2
    problems = problems_of(write(tmp_path, data))
    assert "top level: unknown key 'colour'" in problems
    assert "top level: missing required key 'title'" in problems
    assert any(
        p.startswith("domains[0] ('queues').rules.keywords[0]: unknown key 'wieght'")
        for p in problems
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["domains"][0].update(id="Queues"), "is not kebab-case"),
        (lambda d: d["domains"][0].update(featured=["no-slash"]), "<repo>/<path>"),
        (lambda d: d["domains"][0].update(featured=["a/../b"]), "no '..'"),
        (
            lambda d: d["domains"][0]["rules"]["keywords"][0].update(weight=0),
            "a weight of 0",
        ),
        (
            lambda d: d["domains"][0]["rules"]["keywords"][0].update(terms=["ka*fka"]),
            "only at the end",
        ),
        (
            lambda d: d["domains"][0]["rules"].update(paths=[{"pattern": "/abs", "weight": 1}]),
            "absolute",
        ),
        (
            lambda d: d["domains"][0]["rules"]["keywords"].append(
                {"terms": ["kafkas"], "weight": 1}
            ),
            "already matched by rules.keywords[0] (plurals match automatically)",
        ),
        (lambda d: d.update(version="v1"), "not a semantic version"),
        (lambda d: d.update(schema_version=2), "must be 1"),
        (lambda d: d["classification"]["field_weights"].pop("path"), "missing weights for path"),
        (lambda d: d["classification"].update(context_kinds=["widget"]), "unknown asset kind"),
        (lambda d: d.update(domains=[d["domains"][0], d["domains"][0]]), "duplicate domain id"),
        (
            lambda d: d.update(hooks=[{"event": "BeforeLunch", "purpose": "p", "command": "true"}]),
            "not a Claude Code hook event",
        ),
        (
            lambda d: d.update(
                hooks=[{"event": "PreToolUse", "matcher": "(", "purpose": "p", "command": "x"}]
            ),
            "not a valid regular expression",
        ),
        (
            lambda d: d.update(
                mcp_integrations=[
                    {"name": "x", "package": "p", "purpose": "q", "server": {"type": "http"}}
                ]
            ),
            "needs both `type` and `url`",
        ),
        (
            lambda d: d.update(
                mcp_integrations=[
                    {
                        "name": "x",
                        "package": "p",
                        "purpose": "q",
                        "server": {"command": "npx", "url": "https://x"},
                    }
                ]
            ),
            "either `command`",
        ),
    ],
)
def test_invalid_values_are_reported_with_their_field(
    tmp_path: Path, change: Any, expected: str
) -> None:
    data = minimal()
    change(data)
    problems = problems_of(write(tmp_path, data))
    assert any(expected in p for p in problems), problems


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, minimal(), name="other"))
    assert problems == ["id: 'demo' must equal the file name 'other'"]


def test_yaml_syntax_errors_give_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text("schema_version: 1\nid: [unclosed\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith("not valid YAML (line ")


def test_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="does not exist"):
        load_practices(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ManifestError, match=r"no practice file"):
        load_practices(tmp_path / "empty")
    folder = tmp_path / "two"
    write(folder, minimal())
    write(folder, minimal(id="second"), name="second")
    with pytest.raises(ManifestError, match="already the plugin of"):
        load_practices(folder)


def test_a_term_may_repeat_for_other_fields(tmp_path: Path) -> None:
    data = minimal()
    data["domains"][0]["rules"]["keywords"] = [
        {"terms": ["kafka"], "weight": 4, "fields": ["name", "title"]},
        {"terms": ["kafka"], "weight": 1, "fields": ["description"]},
    ]
    assert len(load_practice(write(tmp_path, data)).domains[0].rules.keywords) == 2


def test_pins_and_terms() -> None:
    assert pin_to_asset_id("agents/plugins/x/SKILL.md") == "agents::plugins/x/SKILL.md"
    assert pin_problem("agents/plugins/x/SKILL.md") is None
    assert pin_problem("agents") is not None
    assert term_tokens("Node.js*") == ("node", "js")
    assert term_tokens("N+1") == ("n", "1")
