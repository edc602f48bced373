"""The practice catalog files: per-practice manifest, gaps and the summary, built from small
inputs written here. Every number must be counted from those inputs."""

from __future__ import annotations

import json
from typing import Any

from scanner.catalog import ACTIVE, STALE, CatalogEntry
from scanner.classify import classify
from scanner.models import (
    AssetKind,
    DomainAssignment,
    ScanIssue,
    Severity,
    Stage,
    SyncResult,
    SyncStatus,
)
from scanner.practice_catalog import (
    featured_pins,
    gaps,
    practice_catalog_files,
    practice_manifest,
    summary_markdown,
)
from scanner.practices import Practice
from tests.test_classify import asset, practice_data


def _practice(**overrides: object) -> Practice:
    data = practice_data()
    data["domains"][1]["featured"] = ["agents/plugins/cqrs-kit/skills/cqrs/SKILL.md"]
    data["domains"][0]["featured"] = [
        "agents/plugins/gone/SKILL.md",  # no longer exists
        "agents/docs/mcp.md",  # exists, but the classifier puts it elsewhere
    ]
    data.update(overrides)
    return Practice.model_validate(data)


ASSETS = [
    asset(
        "plugins/cqrs-kit/skills/cqrs/SKILL.md",
        name="cqrs",
        description="CQRS and a REST API for orders.",
    ),
    asset("plugins/cqrs-kit/commands/replay.md", kind=AssetKind.COMMAND, name="event-sourcing"),
    asset("docs/mcp.md", kind=AssetKind.REFERENCE, name="mcp", description="MCP server notes"),
    asset("docs/soup.md", kind=AssetKind.REFERENCE, name="soup", description="Soup | bread"),
    asset("src/server.py", repo="harness", kind=AssetKind.MCP_SERVER, name="server.py"),
]
ENTRIES = [CatalogEntry(a, STALE if a.repo == "harness" else ACTIVE) for a in ASSETS]
SOURCES = [
    SyncResult("harness", "https://example.invalid/h.git", None, SyncStatus.FAILED, reason="x"),
    SyncResult(
        "agents",
        "https://example.invalid/a.git",
        None,
        SyncStatus.OK,
        commit="a" * 40,
        commit_date="2026-02-18T10:00:00+00:00",
    ),
]
ISSUES = [
    ScanIssue(
        Stage.GRAPH,
        Severity.WARNING,
        "broken-link",
        "link to ./missing.md | not found",
        repo="agents",
        path="plugins/cqrs-kit/skills/cqrs/SKILL.md",
        line=7,
    ),
    ScanIssue(Stage.DISCOVER, Severity.WARNING, "frontmatter-invalid", "bad", repo="agents"),
]


def _assignments(practice: Practice) -> dict[str, tuple[DomainAssignment, ...]]:
    return classify(ASSETS, [practice])


def plain(data: object) -> Any:
    """JSON data as plain Python values, for indexing in assertions."""
    return json.loads(json.dumps(data))


def test_featured_pins_resolve_or_not_and_are_compared_with_the_classifier() -> None:
    practice = _practice()
    pins = featured_pins(practice, [a.id for a in ASSETS], _assignments(practice))
    by_pin = {p.pin: p for p in pins}
    assert by_pin["agents/plugins/cqrs-kit/skills/cqrs/SKILL.md"].resolved
    assert by_pin["agents/plugins/cqrs-kit/skills/cqrs/SKILL.md"].classified
    assert not by_pin["agents/plugins/gone/SKILL.md"].resolved
    assert by_pin["agents/docs/mcp.md"].resolved and not by_pin["agents/docs/mcp.md"].classified


def test_practice_manifest_groups_by_domain_and_kind_with_statistics() -> None:
    practice = _practice()
    manifest = plain(practice_manifest(practice, ENTRIES, _assignments(practice), SOURCES))
    assert manifest["plugin"] == "proagent-backend" and manifest["version"] == "0.1.0"
    stats = manifest["statistics"]
    assert stats == {
        "assets": 4,
        "stale_assets": 1,
        "assignments": 5,
        "multi_domain_assets": 1,
        "multi_practice_assets": 0,
        "by_kind": {"command": 1, "mcp-server": 1, "reference": 1, "skill": 1},
        "by_domain": {"api-design": 1, "cqrs": 2, "caching": 0, "mcp": 2},
        "by_repository": {"agents": 3, "harness": 1},
    }
    domains = {d["id"]: d for d in manifest["domains"]}
    cqrs = domains["cqrs"]
    assert [a["id"] for a in cqrs["assets"]] == [  # strongest first
        "agents::plugins/cqrs-kit/skills/cqrs/SKILL.md",
        "agents::plugins/cqrs-kit/commands/replay.md",
    ]
    assert cqrs["featured"] == [
        {
            "asset": "agents::plugins/cqrs-kit/skills/cqrs/SKILL.md",
            "classified": True,
            "domain": "cqrs",
            "pin": "agents/plugins/cqrs-kit/skills/cqrs/SKILL.md",
            "resolved": True,
        }
    ]
    assert domains["caching"]["count"] == 0
    by_kind = manifest["assets_by_kind"]
    assert sorted(by_kind) == ["command", "mcp-server", "reference", "skill"]
    assert by_kind["mcp-server"][0]["status"] == STALE
    assert [s["name"] for s in manifest["sources"]] == ["agents", "harness"]
    assert [s["assets"] for s in manifest["sources"]] == [3, 1]


def test_gaps_report_missing_parts_empty_domains_pins_and_broken_references() -> None:
    bare = _practice()
    full = _practice(
        id="full",
        plugin="proagent-full",
        conventions=[{"title": "API", "rules": ["Version every API."]}],
        commands=[
            {"name": n, "description": "d", "purpose": "p"} for n in ("hub", "run", "review")
        ],
        agent={"name": "specialist", "description": "d", "focus": ["f"]},
        hooks=[{"event": "PreToolUse", "matcher": "Bash", "purpose": "p", "command": "true"}],
        mcp_integrations=[
            {"name": "gh", "package": "pkg", "purpose": "p", "server": {"command": "npx"}}
        ],
    )
    assignments = classify(ASSETS, [bare, full])
    report = plain(gaps([full, bare], ENTRIES, assignments, ISSUES))
    assert report["broken_references"] == 1
    backend, other = report["practices"]
    assert backend["practice"] == "backend" and other["practice"] == "full"
    assert backend["missing_plugin_parts"] == ["agent", "commands", "hooks", "mcp_servers", "skill"]
    assert backend["plugin_parts"]["commands"] == {"required": 3, "found": 0, "ok": False}
    assert other["missing_plugin_parts"] == []
    assert backend["empty_domains"] == ["caching"]
    assert [p["pin"] for p in backend["unresolved_featured"]] == ["agents/plugins/gone/SKILL.md"]
    assert [p["pin"] for p in backend["featured_not_classified"]] == ["agents/docs/mcp.md"]
    assert backend["broken_references"] == 1
    assert backend["source_assets_by_kind"]["skill"] == 1


def test_summary_markdown_tables_count_from_the_data() -> None:
    practice = _practice()
    text = summary_markdown([practice], ENTRIES, _assignments(practice), ISSUES, SOURCES)
    assert text.startswith("<!-- Generated by `scanner scan`")
    assert text.endswith("\n") and "\r" not in text
    assert "Assets: 5 from 2 repositories. Sources synced: 1 of 2. Stale assets kept" in text
    assert "Assets in at least one domain: 4; in several: 1." in text
    assert "| agents | ok | `aaaaaaaaaaaa` | 2026-02-18T10:00:00+00:00 | 4 |" in text
    assert "| harness | failed |  |  | 1 |" in text
    assert "| **total** | 1 | 1 | 2 | 1 | 5 |" in text  # command, mcp-server, reference, skill
    assert "| cqrs | 2 | command 1, skill 1 | 1 of 1 |" in text
    assert "| api-design | 1 | skill 1 | 0 of 2 |" in text
    assert "| backend | **no** | 0 **missing** | 0 **missing** |" in text
    assert "| backend | api-design | agents/plugins/gone/SKILL.md |" in text
    # Pipes inside cells are escaped so the table survives.
    assert "link to ./missing.md \\| not found" in text


def test_files_are_named_per_plugin_and_deterministic() -> None:
    practice = _practice()
    assignments = _assignments(practice)
    files = practice_catalog_files([practice], ENTRIES, assignments, ISSUES, SOURCES)
    assert sorted(files) == [
        "catalog/catalog-summary.md",
        "catalog/gaps.json",
        "catalog/proagent-backend-manifest.json",
    ]
    again = practice_catalog_files(
        [practice], list(reversed(ENTRIES)), assignments, list(reversed(ISSUES)), SOURCES[::-1]
    )
    assert files == again
    assert json.loads(files["catalog/gaps.json"])["schema_version"] == 1
    assert files["catalog/gaps.json"].endswith("}\n")
