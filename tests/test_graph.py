"""The graph stage on fixture repositories with a known reference structure: the exact edges,
the exact issues, the analyses and the exports.

The fixture: `alpha` is a marketplace with one plugin (links with anchors, `../` paths, URLs,
a link to a missing file, an agent naming a skill in its own plugin, one in another repository
and one nowhere, a manifest naming a missing agent and a missing plugin, a link cycle, a
duplicate agent name, Python, TypeScript and Rust imports); `beta` holds skills (one
byte-identical to alpha's) and a guidance file that cites alpha as `<repo>/<path>`."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from scanner.discover import Discovery, discover_repo
from scanner.git.store import sync_sources
from scanner.graph import (
    GRAPH_GRAPHML,
    GRAPH_JSON,
    GraphResult,
    asset_neighbours,
    build_graph,
    graph_files,
    graph_from_json,
    link_path,
    mention_path,
    neighbourhood,
    pagerank,
)
from scanner.graph.memo import MEMO_NAME as GRAPH_MEMO
from scanner.graph.memo import GraphMemo
from scanner.mermaid import escape_label, to_mermaid
from scanner.models import Asset, AssetKind, RawReference, RefKind, Severity, SourceSpec, Stage
from scanner.stage_memo import StageMemo
from tests.gitrepo import make_repo
from tests.golden_files import check_golden

FORMAT_RULES = """---
name: format-rules
description: How code is formatted in reviews.
---
# Format rules

Indent with four spaces.
"""

ALPHA: dict[str, str] = {
    ".claude-plugin/marketplace.json": """{
  "name": "alpha-market",
  "owner": {"name": "Alpha"},
  "plugins": [
    {"name": "tools", "source": "./plugins/tools"},
    {"name": "ghost", "source": "./plugins/ghost"}
  ]
}
""",
    "plugins/tools/.claude-plugin/plugin.json": """{
  "name": "tools",
  "version": "1.0.0",
  "agents": ["./agents/reviewer.md", "./agents/missing-agent.md"]
}
""",
    "plugins/tools/agents/reviewer.md": """---
name: reviewer
description: Reviews code against the house rules.
skills:
  - lint-rules
  - shared-style
  - nowhere-skill
---
# Reviewer

Apply the rules.
""",
    "plugins/tools/agents/reviewer-copy.md": """---
name: reviewer
description: An older copy of the reviewer.
---
# Reviewer (old)
""",
    "plugins/tools/skills/lint-rules/SKILL.md": """---
name: lint-rules
description: The lint rules every review applies.
---
# Lint rules

See the [strict rules](references/rules.md#strict) and the [site](https://example.com/docs).
Write to [us](mailto:team@example.com) or jump to [usage](#usage).
The [old rules](references/gone.md) moved; the [format](../format-rules/SKILL.md) skill helps.
A [spaced name](references/with%20space.md) works too.

## Usage

Check `references/checklist.md` before merging, and the example `src/app.ts`.
""",
    "plugins/tools/skills/lint-rules/references/rules.md": """# Rules

Back to the [skill](../SKILL.md).
""",
    "plugins/tools/skills/lint-rules/references/checklist.md": "# Checklist\n\n- tests pass\n",
    "plugins/tools/skills/lint-rules/references/with space.md": "# Spaced\n",
    "plugins/tools/skills/lint-rules/references/unused.md": "# Nobody reads this\n",
    "plugins/tools/skills/format-rules/SKILL.md": FORMAT_RULES,
    "plugins/tools/server/app.py": """from mcp.server.fastmcp import FastMCP
import os
import helpers
from .handlers import run
from .missing_mod import nothing

mcp = FastMCP("tools")
""",
    "plugins/tools/server/__init__.py": "",
    "plugins/tools/server/handlers.py": "def run():\n    return 1\n",
    "plugins/tools/server/helpers.py": "VALUE = 1\n",
    "web/server.ts": """import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import express from "express";
import { util } from "./util.js";
import config from "../config";
import { gone } from "./gone";

const server = new McpServer({ name: "web", version: "1.0.0" });
""",
    "web/util.ts": "export const util = 1;\n",
    "config/index.ts": "export default {};\n",
    "crates/mcp-tool/Cargo.toml": '[package]\nname = "mcp-tool"\nversion = "0.1.0"\n',
    "crates/mcp-tool/src/main.rs": """use rmcp::ServerHandler;
use crate::tools::registry::Registry;

mod tools;
mod absent;

fn main() {}
""",
    "crates/mcp-tool/src/tools/mod.rs": "pub mod registry;\n",
    "crates/mcp-tool/src/tools/registry.rs": "pub struct Registry;\n",
}

BETA: dict[str, str] = {
    "skills/shared-style/SKILL.md": """---
name: shared-style
description: The shared writing style.
---
# Shared style

Short sentences.
""",
    "skills/format-rules/SKILL.md": FORMAT_RULES,
    "CLAUDE.md": """# Beta

Lint rules live in `alpha/plugins/tools/skills/lint-rules/SKILL.md`; the old agent was
`alpha/plugins/tools/agents/nope.md`. Gamma keeps `gamma/docs/guide.md`.
Settings go in `~/.claude/settings.json`; every project has a `package.json`.
""",
}

REPOS = {"alpha": ALPHA, "beta": BETA}


def discover_fixture(root: Path, names: tuple[str, ...] = ("alpha", "beta")) -> Discovery:
    """Build, sync and discover the fixture repositories with the real pipeline."""
    specs = []
    for name in names:
        repo = make_repo(root / "remotes" / name, REPOS[name])
        specs.append(SourceSpec(name=name, url=repo.url))
    results = sync_sources(specs, root / "work", timeout=60, jobs=1)
    assert all(r.ok for r in results), [r.reason for r in results]
    return Discovery(tuple(discover_repo(r) for r in results))


@pytest.fixture(scope="module")
def discovery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Discovery]:
    """Discovered once for the module (git and tree-sitter are the slow part)."""
    root = tmp_path_factory.mktemp("graph-fixture")
    gitconfig = root / "gitconfig"
    gitconfig.write_text('[protocol "file"]\n\tallow = always\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        # the autouse isolation fixture is function-scoped; this one runs before it
        patch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("SCANNER_WORKDIR", str(root / "workdir"))
        yield discover_fixture(root)


@pytest.fixture(scope="module")
def result(discovery: Discovery) -> GraphResult:
    return build_graph(discovery.assets, discovery.repo_files, known_repos=("gamma",))


A = "alpha::"
PLUGIN = "alpha::plugins/tools/"
LINT = f"{PLUGIN}skills/lint-rules/"

EXPECTED_EDGES = {
    # (source, type, target, resolved, line, raw)
    (
        f"{A}.claude-plugin/marketplace.json",
        "contains",
        f"{A}plugins/ghost",
        False,
        0,
        "./plugins/ghost",
    ),
    (
        f"{A}.claude-plugin/marketplace.json",
        "contains",
        f"{PLUGIN}.claude-plugin/plugin.json",
        True,
        0,
        "./plugins/tools",
    ),
    (
        f"{A}crates/mcp-tool/src/main.rs",
        "imports",
        f"{A}crates/mcp-tool/src/absent.rs",
        False,
        5,
        "mod:absent",
    ),
    (
        f"{A}crates/mcp-tool/src/main.rs",
        "imports",
        f"{A}crates/mcp-tool/src/tools/mod.rs",
        True,
        4,
        "mod:tools",
    ),
    (
        f"{A}crates/mcp-tool/src/main.rs",
        "imports",
        f"{A}crates/mcp-tool/src/tools/registry.rs",
        True,
        2,
        "crate::tools::registry",
    ),
    (
        f"{PLUGIN}.claude-plugin/plugin.json",
        "contains",
        f"{PLUGIN}agents/missing-agent.md",
        False,
        0,
        "./agents/missing-agent.md",
    ),
    (
        f"{PLUGIN}.claude-plugin/plugin.json",
        "contains",
        f"{PLUGIN}agents/reviewer.md",
        True,
        0,
        "./agents/reviewer.md",
    ),
    # not declared, but in the plugin's default folders: Claude Code loads them
    (
        f"{PLUGIN}.claude-plugin/plugin.json",
        "contains",
        f"{PLUGIN}agents/reviewer-copy.md",
        True,
        0,
        "",
    ),
    (
        f"{PLUGIN}.claude-plugin/plugin.json",
        "contains",
        f"{PLUGIN}skills/format-rules/SKILL.md",
        True,
        0,
        "",
    ),
    (f"{PLUGIN}.claude-plugin/plugin.json", "contains", f"{LINT}SKILL.md", True, 0, ""),
    (f"{PLUGIN}agents/reviewer.md", "uses-skill", f"{LINT}SKILL.md", True, 1, "lint-rules"),
    (
        f"{PLUGIN}agents/reviewer.md",
        "uses-skill",
        "beta::skills/shared-style/SKILL.md",
        True,
        1,
        "shared-style",
    ),
    (f"{PLUGIN}agents/reviewer.md", "uses-skill", "nowhere-skill", False, 1, "nowhere-skill"),
    (f"{PLUGIN}server/app.py", "imports", f"{PLUGIN}server/handlers.py", True, 4, ".handlers"),
    (f"{PLUGIN}server/app.py", "imports", f"{PLUGIN}server/helpers.py", True, 3, "helpers"),
    (
        f"{PLUGIN}server/app.py",
        "imports",
        f"{PLUGIN}server/missing_mod.py",
        False,
        5,
        ".missing_mod",
    ),
    (
        f"{LINT}SKILL.md",
        "contains",
        f"{LINT}references/checklist.md",
        True,
        0,
        "references/checklist.md",
    ),
    (f"{LINT}SKILL.md", "contains", f"{LINT}references/rules.md", True, 0, "references/rules.md"),
    (f"{LINT}SKILL.md", "contains", f"{LINT}references/unused.md", True, 0, "references/unused.md"),
    (
        f"{LINT}SKILL.md",
        "contains",
        f"{LINT}references/with space.md",
        True,
        0,
        "references/with space.md",
    ),
    (
        f"{LINT}SKILL.md",
        "links-to",
        f"{PLUGIN}skills/format-rules/SKILL.md",
        True,
        9,
        "../format-rules/SKILL.md",
    ),
    (f"{LINT}SKILL.md", "links-to", f"{LINT}references/gone.md", False, 9, "references/gone.md"),
    (
        f"{LINT}SKILL.md",
        "links-to",
        f"{LINT}references/rules.md",
        True,
        7,
        "references/rules.md#strict",
    ),
    (
        f"{LINT}SKILL.md",
        "links-to",
        f"{LINT}references/with space.md",
        True,
        10,
        "references/with%20space.md",
    ),
    (
        f"{LINT}SKILL.md",
        "mentions",
        f"{LINT}references/checklist.md",
        True,
        14,
        "references/checklist.md",
    ),
    (f"{LINT}SKILL.md", "mentions", f"{LINT}src/app.ts", False, 14, "src/app.ts"),
    (f"{LINT}references/rules.md", "links-to", f"{LINT}SKILL.md", True, 3, "../SKILL.md"),
    (f"{A}web/server.ts", "imports", f"{A}config/index.ts", True, 4, "../config"),
    (f"{A}web/server.ts", "imports", f"{A}web/gone", False, 5, "./gone"),
    (f"{A}web/server.ts", "imports", f"{A}web/util.ts", True, 3, "./util.js"),
    (
        "beta::CLAUDE.md",
        "mentions",
        f"{PLUGIN}agents/nope.md",
        False,
        4,
        "alpha/plugins/tools/agents/nope.md",
    ),
    (
        "beta::CLAUDE.md",
        "mentions",
        f"{LINT}SKILL.md",
        True,
        3,
        "alpha/plugins/tools/skills/lint-rules/SKILL.md",
    ),
    ("beta::CLAUDE.md", "mentions", "gamma::docs/guide.md", False, 4, "gamma/docs/guide.md"),
}

EXPECTED_ISSUES = {
    # (severity, code, repo, path, line)
    ("error", "manifest-component-missing", "alpha", ".claude-plugin/marketplace.json", 0),
    ("error", "manifest-component-missing", "alpha", "plugins/tools/.claude-plugin/plugin.json", 0),
    ("info", "unresolved-import", "alpha", "crates/mcp-tool/src/main.rs", 5),
    ("info", "unresolved-import", "alpha", "plugins/tools/server/app.py", 5),
    ("info", "unresolved-import", "alpha", "web/server.ts", 5),
    ("warning", "duplicate-name", "alpha", "plugins/tools/agents/reviewer.md", 0),
    ("warning", "unknown-skill", "alpha", "plugins/tools/agents/reviewer.md", 1),
    ("info", "cross-repo-reference", "alpha", "plugins/tools/agents/reviewer.md", 1),
    ("info", "reference-cycle", "alpha", "plugins/tools/skills/lint-rules/SKILL.md", 7),
    ("warning", "broken-link", "alpha", "plugins/tools/skills/lint-rules/SKILL.md", 9),
    ("info", "unresolved-mention", "alpha", "plugins/tools/skills/lint-rules/SKILL.md", 14),
    (
        "warning",
        "orphan-reference",
        "alpha",
        "plugins/tools/skills/lint-rules/references/unused.md",
        0,
    ),
    ("info", "unresolved-mention", "beta", "CLAUDE.md", 4),
    ("info", "duplicate-content", "beta", "skills/format-rules/SKILL.md", 0),
}


def test_every_reference_becomes_the_expected_edge(result: GraphResult) -> None:
    found = {
        (r.source, r.type.value, r.target, r.resolved, r.line, r.raw) for r in result.relationships
    }
    assert found == EXPECTED_EDGES
    assert list(result.relationships) == sorted(result.relationships, key=lambda r: r.sort_key())


def test_not_file_references_make_no_edge(result: GraphResult) -> None:
    raws = {r.raw for r in result.relationships}
    # URLs, mailto, pure anchors, home paths, bare file names and outside packages
    for raw in (
        "https://example.com/docs",
        "mailto:team@example.com",
        "#usage",
        "~/.claude/settings.json",
        "package.json",
        "os",
        "express",
        "@modelcontextprotocol/sdk/server/mcp.js",
        "rmcp",
        "mcp.server.fastmcp",
    ):
        assert raw not in raws


def test_issue_set(result: GraphResult) -> None:
    found = {(i.severity.value, i.code, i.repo, i.path, i.line) for i in result.issues}
    assert found == EXPECTED_ISSUES
    assert all(i.stage is Stage.GRAPH for i in result.issues)
    assert list(result.issues) == sorted(result.issues, key=lambda i: i.sort_key())


def test_issue_messages_name_what_to_fix(result: GraphResult) -> None:
    by_code = {i.code: i.message for i in result.issues if i.repo == "alpha"}
    assert "`references/gone.md`" in by_code["broken-link"]
    assert "`nowhere-skill`" in by_code["unknown-skill"]
    assert "plugins/tools/agents/reviewer-copy.md" in by_code["duplicate-name"]
    assert "Claude Code rejects the plugin" in by_code["manifest-component-missing"]
    cycle = by_code["reference-cycle"]
    assert "2 files" in cycle and "references/rules.md" in cycle
    duplicate = next(i for i in result.issues if i.code == "duplicate-content")
    assert "alpha::plugins/tools/skills/format-rules/SKILL.md" in duplicate.message
    assert "another repository" in duplicate.message


def test_per_repository_counts(result: GraphResult) -> None:
    stats = result.per_repo_stats()
    assert set(stats) == {"alpha", "beta", "gamma"}
    alpha = stats["alpha"]
    # 27 references written in alpha: 19 resolve, 8 lead nowhere (implied plugin components
    # are not written anywhere and do not count)
    assert (alpha["references"], alpha["resolved"], alpha["broken"], alpha["unknown"]) == (
        27,
        19,
        8,
        0,
    )
    assert alpha["link_broken"] == 1 and alpha["component_broken"] == 2
    assert alpha["import_resolved"] == 6 and alpha["import_broken"] == 3
    beta = stats["beta"]
    # gamma has no file list (it failed to sync): neither resolved nor broken
    assert (beta["references"], beta["resolved"], beta["broken"], beta["unknown"]) == (3, 1, 1, 1)
    assert beta["cross_repo"] == 3
    assert stats["gamma"]["references"] == 0


def test_duplicates_ranks_bundles_and_neighbours(result: GraphResult) -> None:
    assert result.duplicate_of == {
        "beta::skills/format-rules/SKILL.md": "alpha::plugins/tools/skills/format-rules/SKILL.md"
    }
    assert result.bundles[f"{LINT}SKILL.md"] == (
        f"{PLUGIN}skills/format-rules/SKILL.md",  # linked from the skill
        f"{LINT}references/checklist.md",
        f"{LINT}references/rules.md",
        f"{LINT}references/unused.md",
        f"{LINT}references/with space.md",
    )
    assert result.bundles[f"{A}web/server.ts"] == (f"{A}config/index.ts", f"{A}web/util.ts")
    # a marketplace does not carry its plugins
    assert f"{A}.claude-plugin/marketplace.json" not in result.bundles
    assert set(result.ranks) == {
        a for a in result.graph if "::" in a and result.graph.nodes[a]["node_type"] == "asset"
    }
    assert all(round(r, 6) == r for r in result.ranks.values())
    assert abs(sum(result.ranks.values()) - 1.0) < 1e-4
    top = max(result.ranks, key=lambda a: result.ranks[a])
    assert top == f"{PLUGIN}skills/format-rules/SKILL.md"  # the one linked across skills
    assert result.neighbours(f"{LINT}SKILL.md") == (
        f"{PLUGIN}.claude-plugin/plugin.json",
        f"{PLUGIN}agents/reviewer.md",
        f"{PLUGIN}skills/format-rules/SKILL.md",
        f"{LINT}references/checklist.md",
        f"{LINT}references/rules.md",
        f"{LINT}references/unused.md",
        f"{LINT}references/with space.md",
        "beta::CLAUDE.md",
    )
    assert result.neighbours("nobody::x.md") == ()


def test_graph_nodes_and_collapsed_edges(result: GraphResult) -> None:
    graph = result.graph
    kinds = {n: d["node_type"] for n, d in graph.nodes(data=True)}
    assert kinds["repo:alpha"] == "repository"
    assert kinds[f"{PLUGIN}server/handlers.py"] == "file"
    assert kinds[f"{LINT}references/gone.md"] == "missing"
    assert kinds["gamma::docs/guide.md"] == "unknown"
    assert kinds["nowhere-skill"] == "missing"
    assert graph.has_edge("repo:beta", "beta::CLAUDE.md")
    # a contained file that is also linked: one edge, the strongest type, every type listed
    edge = graph.edges[f"{LINT}SKILL.md", f"{LINT}references/rules.md"]
    assert (edge["type"], edge["types"], edge["count"], edge["line"]) == (
        "contains",
        "contains,links-to",
        2,
        7,
    )
    assert graph.nodes[f"{LINT}SKILL.md"]["bundle_size"] == 5
    assert graph.nodes["beta::skills/format-rules/SKILL.md"]["duplicate_of"] == (
        f"{PLUGIN}skills/format-rules/SKILL.md"
    )


def test_a_repository_without_file_list_has_unknown_references(discovery: Discovery) -> None:
    # alpha failed to sync: its assets are stale and its files unknown
    files = {k: v for k, v in discovery.repo_files.items() if k != "alpha"}
    stale = build_graph(discovery.assets, files)
    by_raw = {(r.source, r.raw): r for r in stale.relationships}
    gone = by_raw[(f"{LINT}SKILL.md", "references/gone.md")]
    assert not gone.resolved
    assert stale.graph.nodes[gone.target]["node_type"] == "unknown"
    assert by_raw[(f"{LINT}SKILL.md", "references/rules.md#strict")].resolved  # an asset
    codes = {i.code for i in stale.issues if i.repo == "alpha"}
    assert "broken-link" not in codes and "manifest-component-missing" not in codes
    assert stale.per_repo_stats()["alpha"]["broken"] == 1  # the unknown skill, named nowhere
    # beta cites `alpha/.../nope.md`: with alpha's files unknown, so is that reference
    assert stale.per_repo_stats()["beta"]["unknown"] == 1


def test_output_does_not_depend_on_input_order(discovery: Discovery) -> None:
    first = graph_files(build_graph(discovery.assets, discovery.repo_files, known_repos=("gamma",)))
    shuffled = list(discovery.assets)
    random.Random(7).shuffle(shuffled)
    files = dict(reversed(list(discovery.repo_files.items())))
    second = graph_files(build_graph(shuffled, files, known_repos=["gamma"]))
    assert first == second
    assert set(first) == {GRAPH_JSON, GRAPH_GRAPHML}


def test_exports_are_node_link_json_and_graphml(result: GraphResult, tmp_path: Path) -> None:
    files = graph_files(result)
    data = json.loads(files[GRAPH_JSON])
    ids = [n["id"] for n in data["nodes"]]
    assert ids == sorted(ids)
    pairs = [(e["source"], e["target"]) for e in data["edges"]]
    assert pairs == sorted(pairs)
    assert data["reference_stats"]["alpha"]["broken"] == 8
    assert files[GRAPH_JSON].endswith("}\n")
    graphml = files[GRAPH_GRAPHML]
    assert graphml.startswith("<?xml") and "Generated by `scanner scan`" in graphml
    path = tmp_path / "graph.graphml"
    path.write_text(graphml, encoding="utf-8")
    loaded = nx.read_graphml(path)
    assert loaded.number_of_nodes() == result.graph.number_of_nodes()
    assert loaded.number_of_edges() == result.graph.number_of_edges()
    assert loaded.nodes[f"{LINT}SKILL.md"]["kind"] == "skill"


def test_golden_graph_and_mermaid(result: GraphResult, tmp_path: Path) -> None:
    (tmp_path / "fixture-graph.json").write_text(graph_files(result)[GRAPH_JSON], encoding="utf-8")
    hood = neighbourhood(result.graph, f"{LINT}SKILL.md", depth=1)
    (tmp_path / "lint-rules.mmd").write_text(to_mermaid(result.graph, hood), encoding="utf-8")
    reverse = neighbourhood(result.graph, f"{LINT}SKILL.md", reverse=True, depth=2)
    (tmp_path / "lint-rules-reverse.mmd").write_text(
        to_mermaid(result.graph, reverse), encoding="utf-8"
    )
    check_golden(
        tmp_path, ["fixture-graph.json", "lint-rules.mmd", "lint-rules-reverse.mmd"], "mermaid"
    )


# --- rules, on assets made in memory -------------------------------------------------------------


def make_asset(
    repo: str,
    path: str,
    kind: AssetKind,
    refs: list[RawReference],
    language: str = "markdown",
    name: str = "",
) -> Asset:
    return Asset(
        repo=repo,
        path=path,
        kind=kind,
        found_by="test",
        blob_sha=f"{hash((repo, path)) & 0xFFFFFFFF:040x}",
        size=10,
        language=language,
        name=name,
        references=tuple(refs),
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("references/x.md", "references/x.md"),
        ("references/x.md#part", "references/x.md"),
        ("./a%20b.md?plain=1", "./a b.md"),
        ("/docs/guide.md", "/docs/guide.md"),
        ("#anchor", None),
        ("https://example.com/x.md", None),
        ("HTTP://EXAMPLE.COM", None),
        ("mailto:someone@example.com", None),
        ("//cdn.example.com/x.js", None),
        ("", None),
    ],
)
def test_link_targets(raw: str, expected: str | None) -> None:
    assert link_path(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("src/app.ts", "src/app.ts"),
        ("docs/x.md#part", "docs/x.md"),
        ("~/.claude/settings.json", None),
        ("/etc/hosts.conf", None),
        ("C:/Users/x.md", None),
        ("reports/[name].md", None),
    ],
)
def test_mention_targets(raw: str, expected: str | None) -> None:
    assert mention_path(raw) == expected


def test_a_link_to_the_repository_root_and_to_a_folder() -> None:
    doc = make_asset(
        "r",
        "docs/guide.md",
        AssetKind.GUIDANCE,
        [
            RawReference(RefKind.LINK, "/", 1),
            RawReference(RefKind.LINK, "../plugins/p/", 2),
            RawReference(RefKind.LINK, "../skills/s", 3),
            RawReference(RefKind.LINK, "../../elsewhere.md", 4),
        ],
    )
    manifest = make_asset(
        "r", "plugins/p/.claude-plugin/plugin.json", AssetKind.PLUGIN_MANIFEST, []
    )
    files = frozenset(
        {"docs/guide.md", "plugins/p/.claude-plugin/plugin.json", "skills/s/run.sh", "README.md"}
    )
    result = build_graph([doc, manifest], {"r": files})
    targets = {r.line: (r.target, r.resolved) for r in result.relationships}
    assert targets == {
        1: ("repo:r", True),
        2: ("r::plugins/p/.claude-plugin/plugin.json", True),  # a plugin folder: its manifest
        3: ("r::skills/s/", True),  # a folder with tracked files
        4: ("r::../elsewhere.md", False),  # climbs out of the repository
    }


def test_import_resolution_per_language() -> None:
    files = frozenset(
        {
            "pkg/__init__.py",
            "pkg/sub/__init__.py",
            "pkg/sub/server.py",
            "pkg/models.py",
            "Cargo.toml",
            "src/main.rs",
            "src/net/mod.rs",
            "src/net/client.rs",
            "src/net/pool.rs",
            "go.mod",
            "internal/store/store.go",
            "cmd/server/main.go",
        }
    )
    python = make_asset(
        "r",
        "pkg/sub/server.py",
        AssetKind.MCP_SERVER,
        [
            RawReference(RefKind.IMPORT, "..models", 1),
            RawReference(RefKind.IMPORT, ".", 2),
            RawReference(RefKind.IMPORT, "pkg.models", 3),
            RawReference(RefKind.IMPORT, "json", 4),
        ],
        language="python",
    )
    rust = make_asset(
        "r",
        "src/net/client.rs",
        AssetKind.MCP_SERVER,
        [
            RawReference(RefKind.IMPORT, "super::pool", 1),
            RawReference(RefKind.IMPORT, "super", 2),
            RawReference(RefKind.IMPORT, "crate::net", 3),
            RawReference(RefKind.IMPORT, "serde", 4),
        ],
        language="rust",
    )
    go = make_asset(
        "r",
        "cmd/server/main.go",
        AssetKind.MCP_SERVER,
        [
            RawReference(RefKind.IMPORT, "github.com/acme/tool/internal/store", 1),
            RawReference(RefKind.IMPORT, "github.com/other/lib", 2),
            RawReference(RefKind.IMPORT, "fmt", 3),
        ],
        language="go",
    )
    result = build_graph([python, rust, go], {"r": files})
    found = {(r.source.split("::")[1], r.raw): (r.target, r.resolved) for r in result.relationships}
    assert found == {
        ("pkg/sub/server.py", "..models"): ("r::pkg/models.py", True),
        ("pkg/sub/server.py", "."): ("r::pkg/sub/__init__.py", True),
        ("pkg/sub/server.py", "pkg.models"): ("r::pkg/models.py", True),
        ("src/net/client.rs", "super::pool"): ("r::src/net/pool.rs", True),
        ("src/net/client.rs", "super"): ("r::src/net/mod.rs", True),
        ("src/net/client.rs", "crate::net"): ("r::src/net/mod.rs", True),
        ("cmd/server/main.go", "github.com/acme/tool/internal/store"): ("r::internal/store/", True),
    }


def test_skill_resolution_prefers_the_plugin_then_the_repository() -> None:
    def skill(repo: str, path: str) -> Asset:
        return make_asset(repo, path, AssetKind.SKILL, [], name="tdd")

    agent = make_asset(
        "r",
        "plugins/a/agents/dev.md",
        AssetKind.AGENT,
        [RawReference(RefKind.SKILL, "tdd", 2), RawReference(RefKind.SKILL, "b:tdd", 3)],
    )
    assets = [
        agent,
        skill("r", "plugins/a/skills/tdd/SKILL.md"),
        skill("r", "plugins/b/skills/tdd/SKILL.md"),
        skill("other", "skills/tdd/SKILL.md"),
        make_asset(
            "r", "plugins/b/.claude-plugin/plugin.json", AssetKind.PLUGIN_MANIFEST, [], name="b"
        ),
    ]
    files = frozenset(
        {"plugins/a/.claude-plugin/plugin.json", "plugins/b/.claude-plugin/plugin.json"}
        | {a.path for a in assets if a.repo == "r"}
    )
    result = build_graph(assets, {"r": files, "other": frozenset({"skills/tdd/SKILL.md"})})
    uses = {r.line: r.target for r in result.relationships if r.type.value == "uses-skill"}
    assert uses == {2: "r::plugins/a/skills/tdd/SKILL.md", 3: "r::plugins/b/skills/tdd/SKILL.md"}
    # the same skill name in two plugins of one repository is a duplicate name
    assert [i.path for i in result.issues if i.code == "duplicate-name"] == [
        "plugins/b/skills/tdd/SKILL.md"
    ]


def test_one_cycle_issue_per_strongly_connected_component() -> None:
    def doc(name: str, targets: list[str]) -> Asset:
        refs = [RawReference(RefKind.LINK, f"{t}.md", i + 1) for i, t in enumerate(targets)]
        return make_asset("r", f"{name}.md", AssetKind.GUIDANCE, refs)

    assets = [doc("a", ["b", "c"]), doc("b", ["c"]), doc("c", ["a", "b"]), doc("d", ["a"])]
    result = build_graph(assets, {"r": frozenset(f"{n}.md" for n in "abcd")})
    cycles = [i for i in result.issues if i.code == "reference-cycle"]
    assert [(i.path, i.line, i.severity) for i in cycles] == [("a.md", 1, Severity.INFO)]
    assert "3 files" in cycles[0].message


def test_pagerank_follows_references() -> None:
    ranks = pagerank(["a", "b", "c"], [("a", "b", 1.0), ("b", "c", 1.0)])
    assert ranks["c"] > ranks["b"] > ranks["a"]
    assert abs(sum(ranks.values()) - 1.0) < 1e-9
    assert pagerank([], []) == {}


def test_mermaid_labels_are_escaped() -> None:
    assert escape_label('say "hi" <b> #1 `x`\nnext') == (
        "say #quot;hi#quot; #lt;b#gt; #35;1 #96;x#96; next"
    )


def test_neighbours_are_the_same_after_a_round_trip_through_graph_json(
    result: GraphResult,
) -> None:
    loaded = graph_from_json(json.loads(graph_files(result)[GRAPH_JSON]))
    for asset_id in result.ranks:
        assert asset_neighbours(loaded, asset_id) == result.neighbours(asset_id)
    assert nx.utils.graphs_equal(loaded, result.graph)


def test_ranks_from_a_memo_are_the_ranks_of_the_same_graph(
    discovery: Discovery, result: GraphResult, tmp_path: Path
) -> None:
    def ranks(assets: list[Asset]) -> tuple[dict[str, float], int]:
        memo = StageMemo.in_workdir(tmp_path, "ranks")
        built = build_graph(assets, discovery.repo_files, known_repos=("gamma",), ranks_memo=memo)
        memo.save()
        return dict(built.ranks), memo.hits

    assets = list(discovery.assets)
    assert ranks(assets) == (result.ranks, 0)
    assert ranks(assets) == (result.ranks, 1)
    # No references: the recorded ranks are of another graph.
    fewer = [replace(a, references=()) for a in assets]
    plain = build_graph(fewer, discovery.repo_files, known_repos=("gamma",))
    assert plain.ranks != result.ranks
    assert ranks(fewer) == (plain.ranks, 0)


def _same_result(found: GraphResult, expected: GraphResult) -> None:
    """Equal in everything the outputs are written from, in order."""
    assert list(found.graph.nodes(data=True)) == list(expected.graph.nodes(data=True))
    assert list(found.graph.edges(data=True)) == list(expected.graph.edges(data=True))
    assert found.graph.graph == expected.graph.graph
    assert found.relationships == expected.relationships
    assert found.issues == expected.issues
    assert list(found.ranks.items()) == list(expected.ranks.items())
    assert found.duplicate_of == expected.duplicate_of
    assert found.bundles == expected.bundles
    assert found.repo_stats == expected.repo_stats


def test_the_structure_is_reused_while_only_blobs_change(
    discovery: Discovery, result: GraphResult, tmp_path: Path
) -> None:
    def built(assets: list[Asset], files: Mapping[str, frozenset[str]]) -> tuple[GraphResult, int]:
        memo = GraphMemo.in_workdir(tmp_path)
        found = build_graph(assets, files, known_repos=("gamma",), memo=memo)
        memo.save()
        _same_result(found, build_graph(assets, files, known_repos=("gamma",)))
        return found, memo.reused

    assets, files = list(discovery.assets), dict(discovery.repo_files)
    assert built(assets, files)[1] == 0
    again, reused = built(assets, files)
    assert reused == 1
    _same_result(again, result)
    # A body edit that makes one asset a byte-identical copy of another: the structure is
    # reused, the duplicate is found (it reads the blobs on every scan).
    plain = [a for a in assets if a.size > 0 and not a.symlink_target]
    copy, original = plain[0], plain[1]
    copied = [replace(a, blob_sha=original.blob_sha) if a is copy else a for a in assets]
    found, reused = built(copied, files)
    assert reused == 1 and found.duplicate_of != result.duplicate_of
    # A reference fewer, a tracked file more, a repository that failed: built afresh.
    linked = next(i for i, a in enumerate(assets) if a.references)
    fewer = [*assets[:linked], replace(assets[linked], references=()), *assets[linked + 1 :]]
    more = {**files, "alpha": files["alpha"] | {"docs/new.md"}}
    for step, step_files in ((fewer, files), (assets, more)):
        assert built(step, step_files)[1] == 0
    memo = GraphMemo.in_workdir(tmp_path)
    build_graph(assets, files, known_repos=("gamma", "delta"), memo=memo)
    assert memo.reused == 0


def test_a_damaged_graph_memo_is_built_afresh(
    discovery: Discovery, result: GraphResult, tmp_path: Path
) -> None:
    assets, files = list(discovery.assets), discovery.repo_files
    memo = GraphMemo.in_workdir(tmp_path)
    build_graph(assets, files, known_repos=("gamma",), memo=memo)
    memo.save()
    path = tmp_path / "cache" / f"{GRAPH_MEMO}.json"
    text = path.read_text()
    data = json.loads(text)
    first = data["value"]["nodes"][0]
    assert type(first[7]) is float  # its rank

    def damaged(change: Callable[[dict[str, Any]], object]) -> str:
        copy = json.loads(text)
        change(copy["value"])
        return json.dumps(copy, separators=(",", ":"))

    for damaged_text in (
        damaged(lambda v: v["nodes"][0].__setitem__(7, str(first[7]))),  # a rank that is text
        damaged(lambda v: v["nodes"][0].pop()),  # an attribute fewer
        damaged(lambda v: v["relationships"][0].__setitem__(3, 1)),  # 1 for True
        damaged(lambda v: v["issues"][0].__setitem__(1, "fatal")),  # no such severity
        damaged(lambda v: v.__setitem__("repo_stats", [])),  # not an object
        text[: len(text) // 2],  # cut short
    ):
        assert damaged_text != text
        path.write_text(damaged_text)
        memo = GraphMemo.in_workdir(tmp_path)
        _same_result(build_graph(assets, files, known_repos=("gamma",), memo=memo), result)
        assert memo.reused == 0


def test_the_graph_reads_none_of_the_text_fields_its_memo_leaves_out(
    discovery: Discovery, result: GraphResult, tmp_path: Path
) -> None:
    """The memo's key leaves out each asset's title, description, headings, front matter and
    handler: changing them all must give the same graph, and reuse the memo."""
    assets = list(discovery.assets)
    retold = [
        replace(
            a,
            title=f"{a.title} retold",
            description="Words the graph never reads.",
            headings=("A heading", "Another"),
            frontmatter={"name": "someone-else", "skills": ["tdd"], "tools": ["Bash"]},
            found_by="elsewhere",
        )
        for a in assets
    ]
    _same_result(build_graph(retold, discovery.repo_files, known_repos=("gamma",)), result)
    memo = GraphMemo.in_workdir(tmp_path)
    build_graph(assets, discovery.repo_files, known_repos=("gamma",), memo=memo)
    memo.save()
    memo = GraphMemo.in_workdir(tmp_path)
    _same_result(
        build_graph(retold, discovery.repo_files, known_repos=("gamma",), memo=memo), result
    )
    assert memo.reused == 1
